"""Locust users of the deadline-day load benchmark (run by ``bench/load_deadline.py``).

Each user takes one submitter account (``WRES_LOAD_USERS``), signs in through the real form
(CSRF token from the page), then mixes: saving a section of its return through the section
form, uploading a filled template or a CSV file, polling the upload's status until it is
checked and applying it, opening the task list, and viewing the dashboard and its profile.
Every save and apply is written, with what was sent and whether the portal took it, to
``WRES_LOAD_SENT/<ods>.jsonl`` for the runner's data check.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, task
from locust.exception import StopUser

ACCOUNTS = iter(json.loads(Path(os.environ["WRES_LOAD_USERS"]).read_text()))
SECTIONS: dict[str, list[str]] = json.loads(Path(os.environ["WRES_LOAD_SECTIONS"]).read_text())
SENT = Path(os.environ["WRES_LOAD_SENT"])
LOW, HIGH = (float(x) for x in os.environ.get("WRES_LOAD_WAIT", "1,3").split(","))
POLL_SECONDS = 1.0
POLL_LIMIT = 180.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Forms(HTMLParser):
    """The POST forms of a page: each as a dict of field name -> value, as a browser sends it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def post_form(html: str, marker: str) -> dict[str, str]:
    """The page's POST form holding the field ``marker``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if marker in form:
            return form
    raise ValueError(f"no form with {marker} on the page")


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


class Submitter(HttpUser):
    wait_time = between(LOW, HIGH)

    def on_start(self) -> None:
        try:
            self.account = next(ACCOUNTS)
        except StopIteration:
            raise StopUser() from None
        self.ods = self.account["ods"]
        self.base = f"/returns/{self.ods}/{self.account['year']}/"
        self.log = (SENT / f"{self.ods}.jsonl").open("a", encoding="utf-8")
        page = self.client.get("/accounts/login/", name="sign in (page)")
        form = post_form(page.text, "login")
        form |= {"login": self.account["email"], "password": self.account["password"]}
        with self.client.post(
            "/accounts/login/",
            data=form,
            name="sign in (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "login" in response.headers.get("Location", ""):
                response.failure(f"sign-in refused (status {response.status_code})")
                raise StopUser()

    def on_stop(self) -> None:
        if hasattr(self, "log"):
            self.log.close()

    def _record(self, **event: Any) -> None:
        self.log.write(json.dumps({"ods": self.ods, "at": time.time(), **event}) + "\n")
        self.log.flush()

    @task(5)
    def save_section(self) -> None:
        slug = random.choice(list(SECTIONS))
        values = random.choice(self.account["variants"])
        page = self.client.get(self.base + f"{slug}/", name="section (page)")
        if page.status_code != 200:
            return
        form = post_form(page.text, "expected_version")
        sent = {code: values[code] for code in SECTIONS[slug] if code in values}
        for code in SECTIONS[slug]:
            form[code.replace(".", "-")] = as_text(sent.get(code))
        with self.client.post(
            self.base + f"{slug}/",
            data=form,
            name="section (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = response.status_code == 302
            if not ok:
                response.failure(f"not saved (status {response.status_code})")
        self._record(action="save", section=slug, section_codes=SECTIONS[slug], values=sent, ok=ok)

    @task(2)
    def upload(self) -> None:
        number = random.randrange(len(self.account["variants"]))
        values = self.account["variants"][number]
        if number < len(self.account["templates"]):
            kind = "xlsx"
            name, body, mime = "wres.xlsx", Path(self.account["templates"][number]), XLSX
            content = body.read_bytes()
        else:
            kind = "csv"
            lines = ["item,value", *(f"{code},{value}" for code, value in values.items())]
            name, content, mime = "wres.csv", ("\n".join(lines) + "\n").encode(), "text/csv"
        page = self.client.get(self.base + "upload/", name="upload (page)")
        if page.status_code != 200:
            return
        token = post_form(page.text, "csrfmiddlewaretoken")["csrfmiddlewaretoken"]
        with self.client.post(
            self.base + "upload/",
            data={"csrfmiddlewaretoken": token},
            files={"file": (name, content, mime)},
            name=f"upload ({kind})",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = re.search(r"/upload/(\d+)/", response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(f"upload refused (status {response.status_code})")
                return
        upload = self.base + f"upload/{found[1]}/"
        self.client.get(upload, name="upload status (page)")
        status = self._poll(upload)
        if status != "ready":
            return
        page = self.client.get(upload + "apply/", name="apply (page)")
        form = post_form(page.text, "csrfmiddlewaretoken")
        with self.client.post(
            upload + "apply/",
            data=form,
            name="apply (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = response.status_code == 302
            if not ok:
                response.failure(f"not applied (status {response.status_code})")
        self._record(action="apply", kind=kind, upload=int(found[1]), values=values, ok=ok)

    def _poll(self, upload: str) -> str:
        started = time.monotonic()
        while time.monotonic() - started < POLL_LIMIT:
            with self.client.get(
                upload + "status.json", name="upload status.json (poll)", catch_response=True
            ) as response:
                status = response.json().get("status", "") if response.status_code == 200 else ""
                if status == "rejected":
                    response.failure("the upload was rejected (the data sent is valid)")
                    return status
                if status in ("ready", "applied"):
                    return status
            gevent.sleep(POLL_SECONDS)
        self.environment.events.request.fire(
            request_type="CHECK",
            name="upload checked within the limit",
            response_time=POLL_LIMIT * 1000,
            response_length=0,
            exception=RuntimeError(f"not checked within {POLL_LIMIT:.0f} s"),
            context={},
        )
        return ""

    @task(1)
    def task_list(self) -> None:
        self.client.get(self.base, name="task list")

    @task(2)
    def dashboards(self) -> None:
        self.client.get("/dashboard/", name="/dashboard/")
        self.client.get(f"/organisations/{self.ods}/", name="/organisations/[own code]/")
