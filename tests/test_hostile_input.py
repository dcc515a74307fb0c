"""Hostile input to every form of the portal: a clear error, nothing stored, never a 500.

The forms are found, not listed: each role's pages are crawled (GET only, which the URL sweep
proves changes nothing), and every form on them is sent back with its fields replaced by hostile
values: over-long strings, NUL bytes, numbers at the edges (NaN, infinity, huge, negative, hex),
tampered hidden fields, and odd Unicode. A POST must answer a page with an error (or a refusal)
and leave the database exactly as it was; a GET form (filters) must never answer 500.

Odd Unicode is the one exception, by design: the bytes of a lone surrogate (not UTF-8) arrive
as U+FFFD, and bidirectional and zero-width characters are valid text that people paste from
other documents (names and narratives in right-to-left scripts among them), so free-text fields
may keep them. For that case the test requires no 500 and that nothing unstorable (a surrogate,
a NUL or another control character) reaches the database.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from tests.submissions.conftest import fill_and_explain
from tests.submissions.test_submissions_views_forms import open_year
from tests.test_url_sweep import URLS, _url

pytestmark = pytest.mark.django_db

YEAR = 2026
OVERLONG = "x" * 20_000
NUL = "text\x00with a NUL"
#: Sent as raw bytes: a lone surrogate's UTF-8 bytes (invalid), bidi override, zero-width.
ODD_UNICODE_BYTES = "%ED%A0%80%E2%80%AE%E2%80%8B%EF%BB%BF%F4%8F%BF%BF"
EDGE_NUMBERS = ("NaN", "-Infinity", "1e309", "-99999999999999999999999", "9" * 400, "0x1F")
HIDDEN_VALUES = ("-1", "NaN", "99999999999999999999999", "\x00", OVERLONG)
#: Pages crawled from, per role; links under these prefixes are followed.
SEEDS: dict[str, tuple[str, ...]] = {
    "anonymous": ("/accounts/login/", "/accounts/password/reset/", "/organisations/"),
    "submitter": ("/returns/", f"/returns/RJ1/{YEAR}/", "/accounts/email/"),
    "approver": ("/returns/", f"/returns/RJ1/{YEAR}/", f"/returns/RJ2/{YEAR}/",
                 "/organisations/RJ1/members/"),
    "reviewer": ("/returns/review/", "/data/tokens/"),
    "admin": ("/returns/review/", "/accounts/invitations/", "/data/publish/", "/data/tokens/",
              "/audit/", "/returns/review/reminders/", "/organisations/RJ1/members/"),
}  # fmt: skip
FOLLOW = ("/returns/", "/organisations/RJ", "/data/tokens/", "/data/publish/", "/accounts/",
          "/audit/", "/engagements/")  # fmt: skip
NEVER = ("logout", "/admin/", ".csv", ".xlsx", ".json", "/static/", "template.xlsx")
MAX_PAGES = 60
#: An error summary or message on the page, or an error flashed after a redirect.
ERROR_MARKERS = (
    "There is a problem",
    "nhsuk-error-message",
    "nhsuk-error-summary",
    "wres-message--error",
)


@dataclass
class Form:
    """A form as a browser would send it: its action, method and fields with their values."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type (or "numeric")
    button: tuple[str, str] | None = None  # the first named submit button, as Enter sends it


class _PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            action = urljoin(self.url, a.get("action") or self.url)
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.button = self._form.button or (a["name"], a.get("value", ""))
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.kinds.setdefault(a["name"], kind)
                return
            numeric = a.get("inputmode") == "numeric" or kind == "number"
            self._form.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
            self._form.kinds[a["name"]] = "numeric" if numeric else kind
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields[a["name"]] = ""
            self._form.kinds[a["name"]] = "textarea"
        elif tag == "select":
            self._select = a["name"]
            self._form.kinds[a["name"]] = "select"
        elif (
            tag == "option"
            and self._select
            and ("selected" in a or self._select not in self._form.fields)
        ):
            self._form.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, seeds: tuple[str, ...]) -> list[Form]:
    """Every form on the pages reachable from ``seeds`` (GET only)."""
    queue = list(seeds)
    seen: set[str] = set()
    forms: dict[tuple[str, ...], Form] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _PageParser("http://testserver" + url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            form.action = _path(form.action)
            if any(n in form.action for n in NEVER):
                continue  # signing out would end the sweep
            forms.setdefault((form.method, form.action.split("?")[0], *sorted(form.fields)), form)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc not in ("", "testserver") or any(n in link for n in NEVER):
                continue
            if parts.path.startswith(FOLLOW) and not parts.query:
                queue.append(parts.path)
    return list(forms.values())


#: Tables a refused request may write: the audit trail (refusals are audited) and sessions.
UNWATCHED = ("audit.auditevent", "sessions.session")


def _models() -> list[Any]:
    return [
        model
        for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower)
        if model._meta.label_lower not in UNWATCHED
    ]


def _rows(model: Any) -> Iterator[dict[str, Any]]:
    yield from model._default_manager.order_by("pk").values()


def _table_hash(model: Any) -> str:
    digest = hashlib.sha256()
    for row in _rows(model):
        row.pop("last_login", None)
        digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def _write_marks() -> dict[str, int]:
    """How many rows each table has had written in this transaction (PostgreSQL's per-table
    counts), or, on SQLite, one count of rows changed on the connection. A table whose mark has
    not moved has not been written, so its rows need not be read again."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            )
            return {name: int(count) for name, count in cursor.fetchall()}
    connection.ensure_connection()
    return {"*": connection.connection.total_changes}


class Watch:
    """Whether a request changed the database: every table's rows hashed once, then after each
    request only the tables written since (attempted writes count, even rolled back ones, so a
    table is re-read whenever it may have changed; the comparison is of the rows themselves)."""

    def __init__(self) -> None:
        self.hashes = {model._meta.label_lower: _table_hash(model) for model in _models()}
        self.marks = _write_marks()

    def touched(self) -> list[Any]:
        marks = _write_marks()
        moved = {
            name
            for name in marks.keys() | self.marks.keys()
            if marks.get(name) != self.marks.get(name)
        }
        self.marks = marks
        if "*" in moved:
            return _models()
        return [model for model in _models() if model._meta.db_table in moved]

    def changed(self, touched: list[Any]) -> list[str]:
        """The tables among ``touched`` whose rows differ from before (and remembers them)."""
        changed = []
        for model in touched:
            label = model._meta.label_lower
            now = _table_hash(model)
            if now != self.hashes[label]:
                changed.append(label)
                self.hashes[label] = now
        return changed


UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _unstorable_text(models: list[Any]) -> list[str]:
    """Text in ``models``' rows with a surrogate, NUL or control character (JSON included)."""
    found = []
    for model in models:
        for row in _rows(model):
            for key, value in row.items():
                text = value if isinstance(value, str) else repr(value)
                if isinstance(value, str | dict | list) and UNSTORABLE.search(text):
                    found.append(f"{key}={text[:60]!r}")
    return found


def _body(fields: dict[str, str], raw: dict[str, str]) -> str:
    """An urlencoded body; ``raw`` values are sent as they are (already percent-encoded)."""
    pairs = [f"{quote(k)}={quote(v, safe='')}" for k, v in fields.items() if k not in raw]
    pairs += [f"{quote(k)}={v}" for k, v in raw.items()]
    return "&".join(pairs)


def hostile_variants(form: Form) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    """(what, fields, raw fields) for each way of spoiling the form."""
    visible = [n for n, k in form.kinds.items() if k != "hidden" and n != "csrfmiddlewaretoken"]
    hidden = [n for n, k in form.kinds.items() if k == "hidden" and n != "csrfmiddlewaretoken"]
    numeric = [n for n in visible if form.kinds[n] == "numeric"]
    button = dict([form.button]) if form.button else {}
    for what, fields, raw in _variants(form, visible, hidden, numeric):
        yield what, {**fields, **button}, raw


def _variants(
    form: Form, visible: list[str], hidden: list[str], numeric: list[str]
) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    if visible:
        yield "over-long", {**form.fields, **dict.fromkeys(visible, OVERLONG)}, {}
        yield "NUL bytes", {**form.fields, **dict.fromkeys(visible, NUL)}, {}
        yield "odd Unicode", form.fields, dict.fromkeys(visible, ODD_UNICODE_BYTES)
    for number in EDGE_NUMBERS if numeric else ():
        yield f"number {number[:12]}", {**form.fields, **dict.fromkeys(numeric, number)}, {}
    for value in HIDDEN_VALUES if hidden else ():
        yield f"hidden {value[:12]!r}", {**form.fields, **dict.fromkeys(hidden, value)}, {}


def _submit(return_: Any, values: dict[str, Any], submitter: Any, approver: Any) -> Any:
    from returns.services import return_submit

    return_ = fill_and_explain(return_, values, submitter)
    return_submit(
        return_=return_,
        actor=submitter,
        expected_version=return_.version,
        approver=approver,
        approver_job_title="Chief People Officer",
        board_approved_on=timezone.localdate() - dt.timedelta(days=3),
        report_url="https://example.nhs.uk/wres-report",
        action_plan_url="https://example.nhs.uk/wres-action-plan",
    )
    return_.refresh_from_db()
    return return_


@pytest.fixture
def world(
    people: dict[str, Any], orgs: dict[str, Any], make_user: Any, settings: Any, tmp_path: Any
) -> dict[str, Any]:
    """This year open: RJ1 submitted and queried, RJ3 submitted with a warning explained, RJ4
    accepted, RJ2 a draft with a warning to explain and an upload ready to apply; an invitation
    waiting to be opened; personal API tokens of the reviewer and the admin. Returns the extra
    pages to crawl."""
    from accounts.services import invitation_send
    from engagement.services import action_add, case_study_record, engagement_record
    from extracts.services import api_token_create
    from indicators import synthesise
    from organisations.models import Membership, Organisation
    from returns.demo import values_from_row
    from returns.models import Return
    from returns.services import return_save_draft
    from review.services import query_raise, review_accept
    from uploads.services import upload_process, upload_receive

    settings.MEDIA_ROOT = tmp_path
    frame = synthesise(["SYN1"], range(YEAR - 1, YEAR + 1), seed=7)
    rows: list[dict[str, Any]] = frame.to_dict("records")  # type: ignore[assignment]
    values = {int(r["year"]): values_from_row(r) for r in rows}[YEAR]
    warned = {**values, "i2.appointed.bme": 5}  # a small number: a warning to explain
    orgs = {**orgs, "RJ4": Organisation.objects.create(ods_code="RJ4", name="RJ4 NHS TRUST")}
    collection = open_year(YEAR)
    returns = {
        code: Return.objects.get(organisation=org, collection=collection)
        for code, org in orgs.items()
    }
    rj1 = _submit(returns["RJ1"], values, people["submitter"], people["approver"])
    query_raise(
        return_=rj1,
        actor=people["reviewer"],
        expected_version=rj1.version,
        text="Please explain indicator 2.",
        due_on=timezone.localdate() + dt.timedelta(days=14),
        indicator=2,
    )
    for code in ("RJ3", "RJ4"):
        Membership.objects.create(user=people["approver"], organisation=orgs[code], role="approver")
    _submit(returns["RJ3"], warned, people["approver"], people["approver"])
    rj4 = _submit(returns["RJ4"], values, people["approver"], people["approver"])
    review_accept(return_=rj4, actor=people["reviewer"], expected_version=rj4.version)
    rj2 = return_save_draft(
        return_=returns["RJ2"],
        actor=people["submitter"],
        expected_version=returns["RJ2"].version,
        values=warned,
    )
    upload = upload_receive(
        return_=rj2,
        actor=people["approver"],
        filename="wres.csv",
        data=f"item,value\ni2.shortlisted.white,{values['i2.shortlisted.white'] + 1}\n".encode(),
    )
    upload_process(upload_id=upload.pk)
    sent = invitation_send(
        invited_by=people["admin"],
        email="new.viewer@rj1.test",
        organisation=orgs["RJ1"],
        role="viewer",
        accept_url=lambda token: f"/accounts/invitation/{token}/",
    )
    for role in ("reviewer", "admin"):
        api_token_create(user=people[role], name=f"{role}'s scripts")
    engagement = engagement_record(
        actor=people["reviewer"], organisation=orgs["RJ1"], held_on=dt.date(YEAR - 1, 6, 10),
        kind="board", origin="requested", indicators=[2],
    )  # fmt: skip
    action = action_add(actor=people["reviewer"], engagement=engagement, description="Panels",
                        owner_role="Chair", due_on=dt.date(YEAR, 3, 31))  # fmt: skip
    study = case_study_record(actor=people["reviewer"], organisation=orgs["RJ2"], indicator=2,
                              summary="Panels.", contact_role="EDI lead")  # fmt: skip
    one = f"/engagements/RJ1/{engagement.pk}/"
    team = ("/engagements/", "/engagements/new/", "/engagements/practice/new/", one,
            f"{one}change/", f"{one}actions/new/", f"{one}actions/{action.pk}/",
            f"/engagements/practice/{study.pk}/")  # fmt: skip
    review = (f"/returns/review/RJ3/{YEAR}/", f"/returns/review/RJ4/{YEAR}/", *team)
    return {
        "people": people,
        "seeds": {
            "anonymous": (f"/accounts/invitation/{sent.token}/",),
            "approver": (f"/returns/RJ2/{YEAR}/upload/{upload.pk}/results/",
                         f"/returns/RJ2/{YEAR}/upload/{upload.pk}/", one),
            "submitter": (one,),
            "reviewer": review,
            "admin": review,
        },
    }  # fmt: skip


def _shows_an_error(client: Client, response: Any) -> bool:
    """The page, or the page a redirect leads to (an error flashed there), shows an error."""
    if response.status_code == 302:
        response = client.get(response["Location"])
    return any(marker in response.content.decode() for marker in ERROR_MARKERS)


def _client(people: dict[str, Any], role: str) -> Client:
    """A client signed in as the role's user (two-factor done: `force_login`)."""
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("role", list(SEEDS))
def test_hostile_values_in_every_form_give_a_clear_error_and_store_nothing(world, role):
    client = _client(world["people"], role)
    forms = crawl(client, SEEDS[role] + world["seeds"].get(role, ()))
    posts = [f for f in forms if f.method == "post"]
    failures = []
    tried = 0
    watch = Watch()

    for form in forms:
        for what, fields, raw in hostile_variants(form):
            if form.method == "get":
                response = client.get(form.action.split("?")[0] + "?" + _body(fields, raw))
                if response.status_code >= 500:
                    failures.append(f"GET {form.action} {what}: {response.status_code}")
                continue
            watch.changed(watch.touched())  # what the GETs before it wrote is the baseline
            response = client.post(
                form.action, _body(fields, raw), content_type="application/x-www-form-urlencoded"
            )
            tried += 1
            where = f"POST {form.action} {what}"
            touched = watch.touched()
            changed = watch.changed(touched)
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif what == "odd Unicode":
                failures += [f"{where}: stored {text}" for text in _unstorable_text(touched)]
                continue
            elif response.status_code in (200, 302) and not _shows_an_error(client, response):
                failures.append(f"{where}: {response.status_code} without an error message")
            if changed:
                failures.append(
                    f"{where}: the database changed ({response.status_code}: {changed})"
                )

    assert posts, f"the crawl found no form to post as {role}: {[f.action for f in forms]}"
    assert tried, "no hostile value was sent"
    assert not failures, failures


#: Portal URLs that take a POST but have no form the crawl can reach here, and why.
NOT_SWEPT: dict[str, str] = {
    "extracts:api:api-root": "the read-only API: tests/test_api_sweep.py sends it bad values",
    "extracts:api:openapi-json": "the read-only API: tests/test_api_sweep.py sends it writes",
    "returns:upload_recheck": "no field but the CSRF token, so nothing to spoil; offered only "
    "when the draft changed after the check (tests/submissions/test_submissions_upload_views.py)",
}


def _takes_post(client: Client, name: str) -> bool:
    return client.post(_url(name, "RJ1")).status_code != 405


def test_every_portal_form_is_swept(world):
    """A new view that takes a POST fails here until its form is reached by the crawl (add a seed)
    or listed in NOT_SWEPT with the reason."""
    people = world["people"]
    swept: set[str] = set()
    for role, seeds in SEEDS.items():
        for form in crawl(_client(people, role), seeds + world["seeds"].get(role, ())):
            if form.method == "post":
                match = resolve(form.action.split("?")[0])
                swept.add(match.view_name)
    admin = _client(people, "admin")
    portal = [name for name in URLS if not name.startswith(("account_", "mfa_"))]

    takes_post = {name for name in portal if _takes_post(admin, name)}
    assert takes_post, "no view takes a POST: is the probe working?"
    missing = sorted(takes_post - swept - set(NOT_SWEPT))
    assert not missing, f"forms the hostile-input sweep does not reach: {missing}"


def test_the_watch_sees_a_changed_row_and_not_a_rolled_back_one(db):
    from django.db import transaction

    from organisations.models import Organisation

    Organisation.objects.create(ods_code="ZZ1", name="Watched trust")
    watch = Watch()
    assert watch.changed(watch.touched()) == []

    Organisation.objects.filter(ods_code="ZZ1").update(name="Renamed trust")
    touched = watch.touched()
    assert Organisation in touched
    assert watch.changed(touched) == ["organisations.organisation"]

    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.filter(ods_code="ZZ1").update(name="Never kept")
        raise RuntimeError
    assert watch.changed(watch.touched()) == []
