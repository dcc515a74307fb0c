"""Benchmark of uploads: upload to result in process, and 500 uploads queued at once.

Run from the repository root: ``python bench/bench_upload.py``. Prints the figures only; it is
not a test and asserts nothing. It builds its own throwaway test database (SQLite in embedded
mode; ``test_<name>`` on PostgreSQL when ``DATABASE_URL`` is set) and removes it afterwards.

1. In process, for a complete template (every item filled): the median time from the stored
   file to the stored result (`upload_process`: bounded parse in a child process, typing,
   engine checks and metrics, the result saved), against the bare python-calamine read of the
   same file (open and read every indicator sheet), and the ratio.
2. With ``REDIS_URL`` and ``DATABASE_URL`` set: 500 uploads queued at once (one commit), processed
   by one real Celery worker; none may be lost or duplicated. Prints returns per second.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres_portal.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 30
RUSH = 500


def median_ms(function: object, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def complete_values() -> dict[str, object]:
    from indicators import synthesise
    from returns.demo import values_from_row

    frame = synthesise(["BENCH"], range(2025, 2027), seed=11)
    rows: list[Any] = frame.to_dict("records")
    return dict({int(r["year"]): values_from_row(r) for r in rows}[2026])


def open_collection(year: int) -> object:
    from organisations.models import OrganisationType
    from returns.services import collection_create, collection_open

    collection = collection_create(
        year=year,
        opens_on=dt.date(year, 4, 1),
        deadline=dt.date(year, 9, 30),
        closes_on=dt.date(year, 12, 31),
        organisation_types=[OrganisationType.NHS_TRUST],
        actor="bench",
    )
    collection_open(collection=collection, actor="bench")
    return collection


def filled_template(ods_code: str, values: dict[str, object]) -> bytes:
    import openpyxl

    from uploads.layout import input_cells
    from uploads.template import build_template

    book = openpyxl.load_workbook(
        io.BytesIO(build_template(organisation_name=ods_code, ods_code=ods_code, year=2026))
    )
    for code, value in values.items():
        cell = input_cells()[code]
        book[cell.sheet][cell.ref].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def in_process() -> None:
    import python_calamine

    from organisations.models import Organisation
    from returns.models import Return
    from uploads.extract import read as extract_in_process
    from uploads.layout import template_layout
    from uploads.models import Upload, UploadStatus
    from uploads.sandbox import extract_bounded
    from uploads.services import upload_process

    organisation = Organisation.objects.create(ods_code="RBN", name="Bench trust")
    open_collection(2026)
    return_ = Return.objects.get(organisation=organisation)
    data = filled_template("RBN", complete_values())
    from django.core.files.base import ContentFile

    upload = Upload(
        organisation=organisation,
        wres_return=return_,
        original_filename="bench.xlsx",
        size=len(data),
        sha256="0" * 64,
    )
    upload.file.save(f"RBN/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    sheets = [layout.name for layout in template_layout()]

    def bare_calamine() -> None:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in sheets:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def process() -> None:
        assert upload_process(upload_id=upload.pk)

    process()  # warm up (imports, first queries)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READY, (upload.result or {}).get("problems")
    bare = median_ms(bare_calamine)
    full = median_ms(process)
    sandboxed = median_ms(lambda: extract_bounded(data, "xlsx"))
    unsandboxed = median_ms(lambda: extract_in_process("xlsx", data))
    print(f"complete template: {len(data) / 1024:.1f} KB, {len(complete_values())} items filled")
    print(f"upload to result, in process (median of {RUNS}): {full:.1f} ms")
    print(f"bare python-calamine read of the same file (median): {bare:.2f} ms")
    print(f"ratio: {full / bare:.1f}x")
    print(f"  of which bounded extraction in a child process: {sandboxed:.1f} ms")
    print(f"  (the same extraction in this process, unbounded: {unsandboxed:.1f} ms)")


def rush() -> None:
    if not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")):
        print(f"{RUSH} uploads queued at once: skipped (embedded mode; set REDIS_URL and "
              "DATABASE_URL for a real worker)")  # fmt: skip
        return
    from accounts.models import User
    from organisations.models import Organisation
    from returns.models import Return
    from uploads.models import Upload, UploadStatus
    from uploads.services import upload_receive
    from wres_portal.celery import app

    values = complete_values()
    csv_text = "item,value\n" + "".join(f"{code},{value}\n" for code, value in values.items())
    organisations = Organisation.objects.bulk_create(
        Organisation(ods_code=f"Q{index:04d}", name=f"Rush trust {index}") for index in range(RUSH)
    )
    open_collection(2027)
    returns = {r.organisation_id: r for r in Return.objects.filter(collection__year=2027)}
    user = User.objects.create_user("bench@example.nhs.uk")
    s = connection.settings_dict
    database_url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    concurrency = min(os.cpu_count() or 2, 4)
    node = f"bench-{uuid.uuid4().hex[:8]}@localhost"
    log = Path(tempfile.mkdtemp()) / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test"}  # fmt: skip
    with log.open("wb") as handle:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wres_portal", "worker", "--hostname", node,
             "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip",
             "--without-mingle", "--include", "uploads.tasks"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                print(f"the worker did not start: see {log}")
                return
        start = time.perf_counter()
        with transaction.atomic():  # one commit: all 500 are sent at once
            for organisation in organisations:
                upload_receive(
                    return_=returns[organisation.pk],
                    actor=user,
                    filename="rush.csv",
                    data=csv_text.encode(),
                )
        queued = time.perf_counter() - start
        rows = Upload.objects.filter(organisation__in=organisations)
        ids = set(rows.values_list("pk", flat=True))
        deadline = time.monotonic() + 600
        while (done := Upload.objects.filter(pk__in=ids, status=UploadStatus.READY).count()) < len(
            ids
        ):
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    text = log.read_text(errors="replace")
    succeeded = re.findall(r"Task submissions\.upload_process\[([0-9a-f-]+)\] succeeded", text)
    print(f"{RUSH} uploads queued at once (one commit, {queued:.1f} s to store and queue), "
          f"one Celery worker (prefork, concurrency {concurrency}) on Redis:")  # fmt: skip
    duplicated = len(succeeded) - len(set(succeeded))
    print(f"  processed: {done} of {len(ids)} ready; lost: {len(ids) - done}; "
          f"task runs: {len(succeeded)}, duplicated: {duplicated}")  # fmt: skip
    print(f"  {elapsed:.1f} s from the first upload to the last result: "
          f"{done / elapsed:.1f} returns per second")  # fmt: skip


def main() -> None:
    media = tempfile.mkdtemp(prefix="wres-bench-media-")
    settings.MEDIA_ROOT = media
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"database: {connection.vendor}; Python {sys.version.split()[0]}")
        in_process()
        rush()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
