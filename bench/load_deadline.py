"""Deadline-day load benchmark (issue 8): gunicorn + PostgreSQL + Redis + one Celery worker.

Seeds organisations (``SYN0001`` onwards) with last year's published returns (so dashboards
have figures and indicator 3 is pre-filled) and this year's collection open with an empty draft
each, and one submitter per organisation. Prepares, per organisation, a few synthetic versions
of its return and the portal's own spreadsheet template (``upload_template``) filled with each
by openpyxl. Then runs locust headless (``bench/locustfile_deadline.py``): every simulated user
signs in and mixes section saves through the real forms, uploads (template or CSV) with status
polling and apply, task lists and dashboard views. Each user writes what it sent, and whether
the portal took it, to a JSON lines file; afterwards every return's values are compared with
the last values its user saved or applied.

    .venv/bin/python bench/load_deadline.py [--duration 300] [--users 50]

Not part of CI; wall-clock figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_dashboards import load
from load_support import (
    ROOT,
    VENV_BIN,
    Server,
    common_arguments,
    database_create,
    django_setup,
    environment,
    load_average,
    locust_run,
    manage,
    redis_flush,
    stats_print,
    stop_group,
)

YEAR = 2026
PASSWORD = "deadline-day-load-password-1"
ACTOR = "load_deadline"
VARIANTS = 3  # synthetic versions of each return
XLSX_VARIANTS = 2  # of which filled into the template (the others are sent as CSV only)


def seed(organisations: int, folder: Path) -> None:
    """Last year published, this year open with drafts, submitters, variants and templates."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone
    from openpyxl import load_workbook

    from accounts.models import User
    from indicators import synthesise
    from indicators.returns import PREVIOUS_YEAR_SOURCES
    from organisations.models import Membership, Organisation, OrganisationType, Role
    from returns.demo import values_from_row
    from returns.models import Return
    from returns.presenters import SECTIONS
    from returns.services import collection_create, collection_open
    from uploads.layout import input_cells
    from uploads.selectors import upload_template

    load(organisations, range(YEAR - 1, YEAR), actor=ACTOR)
    today = timezone.localdate()
    collection = collection_create(
        year=YEAR,
        opens_on=today - dt.timedelta(days=60),
        deadline=today,
        closes_on=today + dt.timedelta(days=30),
        organisation_types=[OrganisationType.NHS_TRUST],
        actor=ACTOR,
    )
    drafts = collection_open(collection=collection, actor=ACTOR)
    print(f"  {YEAR} open: {drafts} empty drafts")

    codes = sorted(Organisation.objects.values_list("ods_code", flat=True))
    variants: dict[str, list[dict[str, Any]]] = {code: [] for code in codes}
    for seed_number in range(VARIANTS):
        frame = synthesise(codes, range(YEAR - 1, YEAR + 1), seed=100 + seed_number)
        for record in frame[frame["year"] == YEAR].to_dict("records"):
            values = values_from_row({str(k): v for k, v in record.items()})
            # Survey percentages as people type them (the form takes up to 2 decimal places).
            values = {k: round(v, 1) if isinstance(v, float) else v for k, v in values.items()}
            # Last year's items stay as pre-filled (not typed), as most people leave them.
            variants[str(record["organisation"])].append(
                {k: v for k, v in values.items() if k not in PREVIOUS_YEAR_SOURCES}
            )
    cells = input_cells()
    users = []
    started = time.perf_counter()
    returns = {
        r.organisation.ods_code: r
        for r in Return.objects.filter(collection=collection).select_related("organisation")
    }
    (folder / "templates").mkdir(exist_ok=True)
    for index, code in enumerate(codes, start=1):
        email = f"submitter{index}@load.invalid"
        user = User.objects.create_user(email, PASSWORD)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return_ = returns[code]
        Membership.objects.create(user=user, organisation=return_.organisation, role=Role.SUBMITTER)
        template = upload_template(organisation=return_.organisation, year=YEAR, return_=return_)
        files = []
        for number, values in enumerate(variants[code][:XLSX_VARIANTS]):
            workbook = load_workbook(io.BytesIO(template))
            for item_code, cell in cells.items():
                if item_code in PREVIOUS_YEAR_SOURCES:
                    continue  # pre-filled from last year: left as downloaded
                workbook[cell.sheet][cell.ref] = values.get(item_code)
            path = folder / "templates" / f"{code}-{number}.xlsx"
            workbook.save(path)
            files.append(str(path))
        users.append(
            {
                "email": email,
                "password": PASSWORD,
                "ods": code,
                "year": YEAR,
                "variants": variants[code],
                "templates": files,
            }
        )
    print(f"  {len(users)} submitters and {len(users) * XLSX_VARIANTS} filled templates: "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    (folder / "users.json").write_text(json.dumps(users))
    sections = {
        section.slug: [
            item.code for item in section.items if item.code not in PREVIOUS_YEAR_SOURCES
        ]
        for section in SECTIONS
        if section.has_items
    }
    (folder / "sections.json").write_text(json.dumps(sections))


def data_check(folder: Path) -> tuple[bool, dict[str, int]]:
    """Every return's values against the last values its user saved or applied."""
    from returns.models import Return
    from uploads.models import Upload, UploadStatus

    counts = {"saves": 0, "applied": 0, "refused": 0}
    bad = 0
    checked = 0
    for log in sorted((folder / "sent").glob("*.jsonl")):
        expected: dict[str, Any] | None = None
        ods = ""
        for line in log.read_text().splitlines():
            event = json.loads(line)
            ods = event["ods"]
            if not event["ok"]:
                counts["refused"] += 1
                continue
            expected = dict(expected or {})
            if event["action"] == "save":
                counts["saves"] += 1
                for code in event["section_codes"]:
                    if code in event["values"]:
                        expected[code] = event["values"][code]
                    else:
                        expected.pop(code, None)
            elif event["action"] == "apply":
                counts["applied"] += 1
                if event["kind"] == "xlsx":  # a template covers every item: it replaces
                    expected = dict(event["values"])
                else:  # a CSV file covers the items it lists
                    expected.update(event["values"])
        if not ods:
            continue
        checked += 1
        actual = Return.objects.get(organisation__ods_code=ods, collection__year=YEAR).values
        if actual != (expected or {}):
            bad += 1
            differ = sorted(
                k
                for k in set(actual) | set(expected or {})
                if actual.get(k) != (expected or {}).get(k)
            )
            print(f"  MISMATCH {ods}: {len(differ)} item(s) differ, e.g. {differ[:3]}")
    counts["returns checked"] = checked
    counts["returns differing"] = bad
    for status in UploadStatus:
        counts[f"uploads {status.value}"] = Upload.objects.filter(status=status).count()
    return bad == 0 and checked > 0, counts


def worker_start(env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "celery"),
        "-A",
        "wres_portal",
        "worker",
        "--concurrency=1",
        "--loglevel=WARNING",
        f"--logfile={folder / 'celery.log'}",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"load-deadline-{int(time.time())}@%h",
    ]
    print("celery: one worker, concurrency 1")
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def uploads_settle(timeout: float = 120) -> None:
    """Waits for the worker to finish checking what the run uploaded."""
    from uploads.models import Upload, UploadStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = Upload.objects.filter(
            status__in=(UploadStatus.RECEIVED, UploadStatus.CHECKING)
        ).count()
        if not pending:
            return
        time.sleep(1)
    print(f"  {pending} upload(s) still unchecked after {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    common_arguments(parser, database="wres_load_deadline", redis_db=8)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--organisations", type=int, default=0, help="default: one per user")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument(
        "--wait", default="1,3", help="each user's pause between actions, seconds MIN,MAX"
    )
    parser.set_defaults(spawn_rate=1.0)  # people arrive over a minute, not all in one second
    args = parser.parse_args()
    organisations = args.organisations or args.users

    env = environment(args, name="deadline")
    folder = Path(env["WRES_LOAD_DIR"])
    sent = folder / "sent"
    sent.mkdir(exist_ok=True)
    for old in sent.glob("*.jsonl"):
        old.unlink()
    database_create(env, fresh=True)
    redis_flush(env)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    django_setup(env)
    print(f"seeding {organisations} organisations into {args.database}", flush=True)
    seed(organisations, folder)

    from django.db import connections

    connections.close_all()
    env |= {
        "WRES_LOAD_USERS": str(folder / "users.json"),
        "WRES_LOAD_SECTIONS": str(folder / "sections.json"),
        "WRES_LOAD_SENT": str(sent),
        "WRES_LOAD_WAIT": args.wait,
    }
    worker = worker_start(env, folder)
    server = None
    try:
        server = Server(env, args, folder)
        for _ in range(args.workers * args.threads * 2):
            for path in ("/dashboard/", "/organisations/SYN0001/", "/accounts/login/"):
                assert server.get(path) == 200, path
        print(f"before the run: {load_average()}", flush=True)
        rows = locust_run(
            "locustfile_deadline.py",
            host=server.url,
            users=args.users,
            spawn_rate=args.spawn_rate,
            duration=args.duration,
            folder=folder,
            env=env,
        )
        print(f"after the run: {load_average()}")
        if worker.poll() is not None:
            print(f"the Celery worker stopped during the run (exit {worker.returncode}): uploads "
                  "sent after that were never checked")  # fmt: skip
        uploads_settle()
    finally:
        if server is not None:
            server.stop()
        stop_group(worker)
    errors = stats_print(rows)
    ok, counts = data_check(folder)
    print("; ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"errors: {errors}")
    print(
        f"data check: {'PASS' if ok else 'FAIL'} (every return equals its user's last save/apply)"
    )
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
