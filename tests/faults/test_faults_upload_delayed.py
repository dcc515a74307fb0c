"""Uploads when the broker is down or a check is delivered twice, in process (every run): the file
is saved and its page says checking is delayed; the sweep queues what still waits; a check
stores its result once. `test_faults_processes.py` proves the same with real processes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from audit.models import AuditEvent
from returns.models import Return
from tests.submissions.conftest import open_collection
from tests.submissions.upload_helpers import csv_bytes
from uploads import services as upload_services
from uploads.models import Upload, UploadStatus
from uploads.services import (
    upload_apply,
    upload_check_delayed,
    upload_process,
    upload_receive,
    upload_recheck,
    upload_sweep_pending,
)
from uploads.tasks import upload_process_task, upload_sweep_pending_task

YEAR = 2026
DELAYED = b"Checking is delayed"


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.WRES_UPLOAD_DELAYED_AFTER = 60
    return tmp_path


@pytest.fixture
def draft(orgs: dict[str, Any]) -> Return:
    open_collection(YEAR)
    return Return.objects.get(organisation=orgs["RJ1"])


@pytest.fixture
def broker_down(celery_conf: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Tasks go to a broker (not eager), and sending the upload check fails as with Redis down."""
    celery_conf.task_always_eager = False
    attempts: list[int] = []

    def refuse(args: tuple[int], **_: Any) -> None:
        attempts.append(args[0])
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(upload_process_task, "apply_async", refuse)
    return attempts


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the checks the sweep queues instead of sending them."""
    queued: list[int] = []
    monkeypatch.setattr(upload_process_task, "delay", queued.append)
    return queued


def url(name: str, *extra: Any) -> str:
    return reverse(f"returns:{name}", args=("RJ1", YEAR, *extra))


def received(draft: Return, when: dt.datetime | None = None) -> Upload:
    upload = upload_receive(
        return_=draft,
        actor="tests",
        filename="a.csv",
        data=csv_bytes([("i2.shortlisted.white", 5)]),
    )
    if when is not None:
        Upload.objects.filter(pk=upload.pk).update(created_at=when)
        upload.refresh_from_db()
    return upload


# Committed for real: the check is sent on commit, inside the request, as in production.
@pytest.mark.django_db(transaction=True)
def test_upload_with_the_broker_down_is_saved_and_its_page_says_checking_is_delayed(
    people: dict[str, Any], draft: Return, client_for: Any, broker_down: list[int]
) -> None:
    client = client_for(people["submitter"])
    data = csv_bytes([("i2.shortlisted.white", 12)])
    response = client.post(url("upload"), {"file": _file("figures.csv", data)})
    upload = Upload.objects.get(wres_return=draft)
    assert response.status_code == 302
    assert response["Location"] == url("upload_status", upload.pk)
    assert broker_down == [upload.pk]
    assert upload.status == UploadStatus.RECEIVED
    with upload.file.open("rb") as handle:
        assert handle.read() == data
    assert AuditEvent.objects.filter(action="upload.received").count() == 1

    page = client.get(url("upload_status", upload.pk))
    assert page.status_code == 200
    assert DELAYED in page.content and b"Checking your file is delayed" in page.content
    status = client.get(url("upload_status_json", upload.pk)).json()
    assert status["delayed"] is True and status["done"] is False
    assert status["message"].startswith("Checking is delayed")


def test_a_fresh_upload_is_being_checked_and_a_waiting_one_is_delayed(
    people: dict[str, Any], draft: Return, client_for: Any, celery_conf: Any, sent: list[int]
) -> None:
    celery_conf.task_always_eager = False
    client = client_for(people["submitter"])
    fresh = received(draft)
    waiting = received(draft, timezone.now() - dt.timedelta(seconds=61))
    page = client.get(url("upload_status", fresh.pk))
    assert b"usually takes a few seconds" in page.content and DELAYED not in page.content
    assert client.get(url("upload_status_json", fresh.pk)).json()["delayed"] is False
    page = client.get(url("upload_status", waiting.pk))
    assert DELAYED in page.content
    assert upload_check_delayed(waiting) and not upload_check_delayed(fresh)


def test_the_sweep_queues_only_uploads_still_waiting_after_the_delay(
    draft: Return, celery_conf: Any, sent: list[int]
) -> None:
    celery_conf.task_always_eager = False
    old = timezone.now() - dt.timedelta(minutes=5)
    waiting = received(draft, old)
    checking = received(draft, old)
    Upload.objects.filter(pk=checking.pk).update(status=UploadStatus.CHECKING)
    fresh = received(draft)
    checked = received(draft, old)
    assert upload_process(upload_id=checked.pk)
    applied = received(draft, old)
    assert upload_process(upload_id=applied.pk)
    upload_apply(upload=applied, actor="tests")
    queued_again = received(draft, old)
    assert upload_process(upload_id=queued_again.pk)
    upload_recheck(upload=Upload.objects.get(pk=queued_again.pk))  # waits from now on
    sent.clear()

    assert upload_sweep_pending() == 2
    assert sorted(sent) == sorted([waiting.pk, checking.pk])
    assert fresh.pk not in sent
    sent.clear()
    assert upload_sweep_pending_task.apply().get() == 2  # the beat task calls the same service


def test_the_sweep_lets_a_broker_failure_propagate_for_beat_to_retry(
    draft: Return, celery_conf: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    received(draft, timezone.now() - dt.timedelta(minutes=5))

    def refuse(upload_id: int) -> None:
        raise OperationalError("Connection refused")

    monkeypatch.setattr(upload_process_task, "delay", refuse)
    with pytest.raises(OperationalError):
        upload_sweep_pending()
    assert Upload.objects.get().status == UploadStatus.RECEIVED


def test_the_task_checks_a_pending_upload_once_and_leaves_a_checked_one_alone(
    draft: Return, celery_conf: Any, sent: list[int]
) -> None:
    upload = received(draft)
    assert upload_process_task.run(upload.pk) is True
    first = Upload.objects.get(pk=upload.pk)
    assert first.status == UploadStatus.READY and first.result is not None
    assert upload_process_task.run(upload.pk) is False  # delivered again: nothing to do
    again = Upload.objects.get(pk=upload.pk)
    assert (again.result, again.checked_at) == (first.result, first.checked_at)
    assert upload_process_task.run(10**9) is False


def test_two_copies_of_a_check_running_at_once_store_one_result(
    draft: Return, celery_conf: Any, sent: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = received(draft)
    real_check = upload_services.check_upload
    stored_by_the_other_copy: list[int] = []

    def check_while_the_other_copy_finishes(*args: Any, **kwargs: Any) -> Any:
        result = real_check(*args, **kwargs)
        # The other copy stores its result while this one is still checking.
        monkeypatch.setattr(upload_services, "check_upload", real_check)
        stored_by_the_other_copy.append(upload_process(upload_id=upload.pk, pending_only=True))
        return result

    monkeypatch.setattr(upload_services, "check_upload", check_while_the_other_copy_finishes)
    assert upload_process(upload_id=upload.pk, pending_only=True) is False
    assert stored_by_the_other_copy == [True]
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.READY


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")
