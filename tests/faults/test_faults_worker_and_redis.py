"""Real processes (WRES_FAULTS=1): a Celery worker killed with SIGKILL while it checks uploads,
and Redis stopped while people upload. The fault tests' own Redis and workers, on the test
database; the broker redelivers after `VISIBILITY_TIMEOUT` seconds."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from returns.models import Return
from tests.faults.conftest import OwnRedis, wait_for
from tests.submissions.conftest import open_collection
from tests.submissions.upload_helpers import csv_bytes
from uploads.models import Upload, UploadStatus
from uploads.services import upload_receive
from uploads.tasks import upload_sweep_pending_task

pytestmark = [
    pytest.mark.faults,
    pytest.mark.usefixtures("own_redis"),  # session-wide, so up before the cache is cleared
    pytest.mark.django_db(transaction=True),
]

YEAR = 2026
UPLOADS = 40


@pytest.fixture
def draft(orgs: dict[str, Any]) -> Return:
    open_collection(YEAR)
    return Return.objects.get(organisation=orgs["RJ1"])


def checks_logged(log: Path) -> Counter[int]:
    """How many times each upload's result was stored, from the workers' JSON log lines."""
    stored: Counter[int] = Counter()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"upload checked"' not in line:
            continue
        record = json.loads(line)
        if record.get("message") == "upload checked":
            stored[int(record["upload_id"])] += 1
    return stored


def assert_checked_once(upload_ids: set[int], log: Path, files: dict[int, bytes]) -> None:
    for upload in Upload.objects.filter(pk__in=upload_ids):
        assert upload.status == UploadStatus.READY, (upload.pk, upload.status)
        assert upload.result is not None and {"problems", "summary", "changes"} <= set(
            upload.result
        ), upload.pk  # a whole result, never part of one
        assert upload.return_version is not None and upload.checked_at is not None
        with upload.file.open("rb") as handle:
            data = handle.read()
        assert data == files[upload.pk]
        assert hashlib.sha256(data).hexdigest() == upload.sha256
    stored = checks_logged(log)
    assert {pk: stored[pk] for pk in upload_ids} == dict.fromkeys(upload_ids, 1)


def sweep_sent() -> bool:
    try:
        upload_sweep_pending_task.delay()
    except Exception:  # the connection pool may first need to notice Redis is back
        return False
    return True


def test_worker_killed_mid_checking_every_upload_is_checked_exactly_once(
    draft: Return, make_worker: Any, own_redis: OwnRedis, settings: Any
) -> None:
    # More uploads than one organisation may send in an hour (ADR 0021): lift the limit here.
    settings.WRES_UPLOADS_PER_HOUR = UPLOADS + 1
    files = {}
    for n in range(UPLOADS):
        data = csv_bytes([("i2.shortlisted.white", 100 + n), ("i2.appointed.white", n)])
        upload = upload_receive(return_=draft, actor="tests", filename=f"{n}.csv", data=data)
        files[upload.pk] = data  # each sent to our Redis on commit
    ids = set(files)
    done = Upload.objects.filter(pk__in=ids, status=UploadStatus.READY)

    worker = make_worker(concurrency=2)
    wait_for(lambda: done.count() >= 4, 90, "the first checks")
    worker.kill()
    at_kill = done.count()
    assert at_kill < UPLOADS, "the worker finished everything before it was killed"

    worker = make_worker(concurrency=2)  # the same broker: unacknowledged checks come back
    wait_for(lambda: done.count() == UPLOADS, 120, "every upload to be checked after the restart")
    worker.stop()
    assert_checked_once(ids, worker.log, files)


def test_redis_stopped_while_uploading_saves_the_file_and_checks_it_when_redis_returns(
    people: dict[str, Any],
    draft: Return,
    client_for: Any,
    make_worker: Any,
    own_redis: OwnRedis,
) -> None:
    worker = make_worker(concurrency=1)
    client = client_for(people["submitter"])
    data = csv_bytes([("i2.shortlisted.white", 77)])
    own_redis.stop()

    from django.core.files.uploadedfile import SimpleUploadedFile

    page = reverse("returns:upload", args=("RJ1", YEAR))
    response = client.post(page, {"file": SimpleUploadedFile("f.csv", data, "text/csv")})
    assert response.status_code == 302, response.content[:2000]
    upload = Upload.objects.get(wres_return=draft)
    assert upload.status == UploadStatus.RECEIVED
    status = client.get(response["Location"])
    assert status.status_code == 200
    assert b"Checking is delayed" in status.content
    health = client.get("/readyz")
    assert health.status_code == 503
    assert health.json()["checks"]["broker"]["status"] == "down"

    own_redis.start()
    # Beat's next run of the sweep (the worker's own delay, WRES_UPLOAD_DELAYED_AFTER, is 1 s).
    wait_for(sweep_sent, 30, "the sweep to be sent")
    done = Upload.objects.filter(pk=upload.pk, status=UploadStatus.READY)
    wait_for(done.exists, 90, "the delayed upload to be checked once Redis was back")
    result = client.get(reverse("returns:upload_status", args=("RJ1", YEAR, upload.pk)))
    assert result.status_code == 302  # on to the results
    wait_for(lambda: client.get("/readyz").status_code == 200, 60, "/readyz to recover")
    worker.stop()
    assert_checked_once({upload.pk}, worker.log, {upload.pk: data})
