"""Upload services and the Celery path: receive, process (idempotent), apply, conflict, reject."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from audit.models import AuditEvent
from filestore.models import StoredFile
from returns.exceptions import ReturnConflict, TransitionNotAllowed
from returns.models import Return, ReturnState
from returns.services import return_save_draft
from tests.submissions.conftest import open_collection
from tests.submissions.upload_helpers import csv_bytes, fill
from uploads.models import Upload, UploadStatus
from uploads.services import (
    UploadRefused,
    upload_apply,
    upload_process,
    upload_receive,
    upload_recheck,
    upload_reject,
)
from uploads.tasks import upload_process_task
from uploads.template import build_template

YEAR = 2026


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def template_for(return_: Return) -> bytes:
    return build_template(
        organisation_name=return_.organisation.name,
        ods_code=return_.organisation.ods_code,
        year=YEAR,
        values=return_.values,
    )


def receive(return_: Return, actor: Any, data: bytes, name: str = "wres.xlsx") -> Upload:
    return upload_receive(return_=return_, actor=actor, filename=name, data=data)


def test_receive_stores_the_file_unchanged_privately_and_queues_the_check(
    draft: Return,
    submitter: Any,
    private_media: Path,
    django_capture_on_commit_callbacks: Any,
    eager_tasks: None,
) -> None:
    data = fill(template_for(draft), {"i2.shortlisted.white": 40})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        upload = receive(draft, submitter, data, "../../etc/My WRES\x00.xlsx")
        assert Upload.objects.get(pk=upload.pk).status == UploadStatus.RECEIVED
    assert len(callbacks) == 1
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READY
    assert upload.original_filename == "My WRES.xlsx"
    with upload.file.open("rb") as handle:
        assert handle.read() == data
    # In the shared store (ADR 0024), under the uploads prefix; nothing on the node's disk.
    assert StoredFile.objects.get(name=f"uploads/{upload.file.name}").sha256 == upload.sha256
    assert not any(private_media.rglob("*"))
    assert "My WRES" not in upload.file.name  # the stored name is ours, not the person's
    with pytest.raises(NotImplementedError):
        upload.file.url  # noqa: B018 - private files have no URL
    with pytest.raises(NotImplementedError):
        upload.file.path  # noqa: B018 - nor a local path
    assert upload.organisation_id == draft.organisation_id
    assert upload.return_version == draft.version
    assert upload.result["summary"]["filled"] == ["i2.shortlisted.white"]
    assert AuditEvent.objects.filter(action="upload.received", object_id=str(upload.pk)).exists()
    draft.refresh_from_db()
    assert draft.values == {} and draft.state == ReturnState.DRAFT  # nothing applied yet


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.pdf", b"%PDF", "U001"),
        ("a.xlsx", b"", "U003"),
        ("a.xlsm", b"PK\x03\x04rest", "U005"),
        ("a.xlsx", b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024 + 1), "U002"),
    ],
)
def test_receive_refuses_at_once_what_cannot_be_read(
    draft: Return, submitter: Any, name: str, data: bytes, code: str, private_media: Path
) -> None:
    with pytest.raises(UploadRefused) as refused:
        receive(draft, submitter, data, name)
    assert refused.value.code == code
    assert not Upload.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_receive_refuses_a_return_that_cannot_change(draft: Return, submitter: Any) -> None:
    Return.objects.filter(pk=draft.pk).update(state=ReturnState.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        receive(draft, submitter, csv_bytes([("i2.shortlisted.white", 1)]), "a.csv")


def test_hostile_file_is_rejected_by_the_check_and_changes_nothing(
    draft: Return, submitter: Any, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    before = Return.objects.get(pk=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        upload = receive(draft, submitter, b"item,value\ni2.shortlisted.white,4\x00\n", "a.csv")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REJECTED and upload.error_count == 1
    assert upload.result["problems"][0]["code"] == "U011"
    after = Return.objects.get(pk=draft.pk)
    assert (after.values, after.version, after.state) == (
        before.values,
        before.version,
        before.state,
    )
    with pytest.raises(TransitionNotAllowed):
        upload_apply(upload=upload, actor=submitter)


def test_process_is_idempotent_and_never_touches_an_applied_upload(
    draft: Return, submitter: Any
) -> None:
    upload = receive(draft, submitter, csv_bytes([("i2.shortlisted.white", 12)]), "a.csv")
    assert upload_process(upload_id=upload.pk) is True
    first = Upload.objects.get(pk=upload.pk)
    assert upload_process(upload_id=upload.pk) is True
    second = Upload.objects.get(pk=upload.pk)
    assert (first.result, first.status, first.return_version) == (
        second.result,
        second.status,
        second.return_version,
    )
    upload_apply(upload=second, actor=submitter)
    assert upload_process(upload_id=upload.pk) is False
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.APPLIED
    assert upload_process(upload_id=10**9) is False


def test_apply_writes_the_changes_through_the_draft_service(
    draft: Return, submitter: Any, synthetic_values: dict[int, Any]
) -> None:
    return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=draft.version,
        values={"i2.shortlisted.white": 5, "i9.voting.white": 4},
    )
    draft.refresh_from_db()
    values = dict(synthetic_values[YEAR])
    data = fill(template_for(draft), {**values, "i9.voting.white": None})
    upload = receive(draft, submitter, data)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    summary = upload.result["summary"]
    assert upload.status == UploadStatus.READY, upload.result["problems"][:3]
    assert summary["cleared"] == ["i9.voting.white"]
    assert "i2.shortlisted.white" in summary["changed"]
    assert len(summary["filled"]) == len(values) - 2
    returned = upload_apply(upload=upload, actor=submitter)
    fresh = Return.objects.get(pk=draft.pk)
    expected = {code: v for code, v in values.items() if code != "i9.voting.white"}
    assert fresh.values == expected
    assert fresh.state == ReturnState.DRAFT and returned.version == fresh.version
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED and upload.decided_by == submitter
    assert AuditEvent.objects.filter(action="upload.applied", object_id=str(upload.pk)).exists()
    with pytest.raises(TransitionNotAllowed):
        upload_apply(upload=upload, actor=submitter)  # once only


def test_apply_after_the_draft_changed_is_a_conflict_and_changes_nothing(
    draft: Return, submitter: Any
) -> None:
    upload = receive(draft, submitter, csv_bytes([("i2.shortlisted.white", 12)]), "a.csv")
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    someone_else = return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=draft.version,
        values={"i4.training.bme": 1},
    )
    with pytest.raises(ReturnConflict):
        upload_apply(upload=upload, actor=submitter)
    fresh = Return.objects.get(pk=draft.pk)
    assert fresh.values == {"i4.training.bme": 1} and fresh.version == someone_else.version
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.READY
    upload_recheck(upload=upload)  # eager in embedded mode: checked again at once
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.return_version == fresh.version
    upload_apply(upload=upload, actor=submitter)
    assert Return.objects.get(pk=draft.pk).values == {
        "i4.training.bme": 1,
        "i2.shortlisted.white": 12,
    }


def test_prefilled_previous_year_items_are_not_changes(
    draft: Return, submitter: Any, synthetic_values: dict[int, Any], monkeypatch: Any
) -> None:
    from uploads import services as uploads

    last_year = {"i3.workforce.white": 900, "i3.workforce.bme": 100,
                 "i3.disciplinary.white": 9, "i3.disciplinary.bme": 3}  # fmt: skip
    monkeypatch.setattr(uploads, "return_previous_values", lambda return_: last_year)
    data = build_template(
        organisation_name="x",
        ods_code=draft.organisation.ods_code,
        year=YEAR,
        prefilled={"i3.workforce_prev.white": 900, "i3.workforce_prev.bme": 100,
                   "i3.disciplinary_prev.white": 9, "i3.disciplinary_prev.bme": 3},
    )  # fmt: skip
    upload = receive(draft, submitter, fill(data, {"i2.shortlisted.white": 7}))
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.result["summary"]["filled"] == ["i2.shortlisted.white"]


def test_reject_discards_an_upload_for_good(draft: Return, submitter: Any) -> None:
    upload = receive(draft, submitter, csv_bytes([("i2.shortlisted.white", 12)]), "a.csv")
    upload_process(upload_id=upload.pk)
    rejected = upload_reject(upload=upload, actor=submitter)
    assert rejected.status == UploadStatus.REJECTED and rejected.decided_at is not None
    assert upload_process(upload_id=upload.pk) is False
    with pytest.raises(TransitionNotAllowed):
        upload_apply(upload=rejected, actor=submitter)
    with pytest.raises(TransitionNotAllowed):
        upload_reject(upload=rejected, actor=submitter)
    assert Return.objects.get(pk=draft.pk).values == {}


def test_task_takes_an_id(draft: Return, submitter: Any, eager_tasks: None) -> None:
    upload = receive(draft, submitter, csv_bytes([("i2.shortlisted.white", 12)]), "a.csv")
    assert upload_process_task.delay(upload.pk).get() is True
    assert upload_process_task.delay(10**9).get() is False


@pytest.mark.django_db(transaction=True)
def test_upload_is_processed_by_a_real_worker(
    celery_worker_process: str, make_org: Any, settings: Any
) -> None:

    from accounts.models import User
    from wres_portal.celery import app

    registered = app.control.inspect(destination=[celery_worker_process]).registered() or {}
    assert "submissions.upload_process" in registered.get(celery_worker_process, []), (
        "the worker does not know the upload task: UploadsConfig.ready must import uploads.tasks"
    )
    organisation = make_org("RWK")
    collection = open_collection(YEAR)
    return_ = Return.objects.get(organisation=organisation, collection=collection)
    user = User.objects.create_user("worker-upload@example.nhs.uk")
    upload = receive(return_, user, csv_bytes([("i2.shortlisted.white", 12)]), "a.csv")
    try:
        deadline = time.monotonic() + 30
        while Upload.objects.get(pk=upload.pk).status != UploadStatus.READY:
            assert time.monotonic() < deadline, "the worker did not check the upload in 30 s"
            time.sleep(0.2)
        assert Upload.objects.get(pk=upload.pk).result["values"] == {"i2.shortlisted.white": 12}
    finally:
        upload.file.delete(save=False)
