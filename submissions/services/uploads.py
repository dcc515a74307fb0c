"""Uploads of the spreadsheet template or a CSV file: receive, check (the task), apply, reject.

An upload never changes the return's state. Applying one is `return_save_draft` with the version
the upload was checked against, so the optimistic lock, the item-level validation, the audit and
the validation task all apply unchanged; a draft changed meanwhile gives `ReturnConflict`.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from submissions.exceptions import TransitionNotAllowed, WorkflowError
from submissions.models import Return, Upload, UploadStatus
from submissions.selectors import return_prefill, return_previous_values
from submissions.services.returns import return_save_draft
from submissions.services.rows import Actor, audit, user_or_none
from submissions.upload.checks import check_upload
from submissions.upload.parser import parse_upload, sniff


class UploadRefused(WorkflowError):
    """The file was refused before it was stored (size, type): the message says why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def clean_filename(name: str) -> str:
    """The original name, for display only: no folders, no control characters, 200 at most."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return (name or "upload")[:200]


def upload_receive(*, return_: Return, actor: Actor, filename: str, data: bytes) -> Upload:
    """Stores an uploaded file unchanged and queues its check (sent once the row is committed).

    Refuses at once (`UploadRefused`, nothing stored) what the first bytes and the name show
    cannot be read: empty, over 5 MB, not .xlsx or .csv, macro-enabled, encrypted. A return that
    cannot be edited (submitted, accepted) refuses uploads (`TransitionNotAllowed`).
    """
    if not return_.is_editable:
        raise TransitionNotAllowed(
            f"This return is {return_.get_state_display().lower()}, so a file cannot be uploaded "
            "to it. Ask a reviewer to reopen it if it needs amending."
        )
    filename = clean_filename(filename)
    kind, refusal = sniff(data, filename)
    if refusal is not None or kind is None:
        assert refusal is not None
        raise UploadRefused(refusal.message, refusal.code)
    organisation = return_.organisation
    stored_name = f"{organisation.ods_code}/{return_.collection.year}/{uuid.uuid4().hex}.{kind}"
    with transaction.atomic():
        upload = Upload(
            organisation=organisation,
            wres_return=return_,
            uploaded_by=user_or_none(actor),
            original_filename=filename,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        upload.file.save(stored_name, ContentFile(data), save=False)
        upload.save()
        audit(
            action="upload.received",
            actor=actor,
            target=upload,
            detail={"filename": filename, "size": len(data), "kind": kind},
        )
        upload_request_process(upload=upload)
    return upload


def upload_request_process(*, upload: Upload) -> None:
    """Queues `upload_process` for the upload, sent once the current transaction commits."""
    from submissions.upload.tasks import upload_process_task

    upload_process_task.delay_on_commit(upload.pk)


def upload_process(*, upload_id: int) -> bool:
    """Parses and checks an upload against its return's current draft and stores the result.

    The body of the Celery task. Idempotent: run again on the same file and draft it stores the
    same result; an upload already applied or discarded is left alone. The result, status and
    version are written in one UPDATE, so a crash never leaves half a result. Returns whether a
    result was stored.
    """
    upload = Upload.objects.select_related("wres_return__collection", "organisation").filter(
        pk=upload_id
    )
    found = upload.first()
    if found is None or found.status == UploadStatus.APPLIED or found.decided_at is not None:
        return False
    Upload.objects.filter(pk=found.pk, status=UploadStatus.RECEIVED).update(
        status=UploadStatus.CHECKING
    )
    return_ = found.wres_return
    with found.file.open("rb") as handle:
        data = handle.read()
    parsed = parse_upload(
        data,
        filename=found.original_filename,
        ods_code=found.organisation.ods_code,
        year=return_.collection.year,
    )
    previous = return_previous_values(return_=return_)
    check = check_upload(
        parsed,
        draft_values=return_.values,
        prefilled=return_prefill(return_=return_, previous=previous),
        previous=previous,
        year=return_.collection.year,
        draft=True,
    )
    status = UploadStatus.REJECTED if check.errors else UploadStatus.READY
    stored = (
        Upload.objects.filter(pk=found.pk, decided_at__isnull=True)
        .exclude(status=UploadStatus.APPLIED)
        .update(
            status=status,
            result=check.as_dict(),
            return_version=return_.version,
            error_count=check.errors,
            warning_count=check.warnings,
            checked_at=timezone.now(),
        )
    )
    return stored == 1


def upload_recheck(*, upload: Upload) -> Upload:
    """Checks an upload again against the draft as it is now (after a conflict, say).

    Only an upload not yet applied or discarded; the result is replaced when the task runs.
    """
    with transaction.atomic():
        updated = Upload.objects.filter(
            pk=upload.pk,
            decided_at__isnull=True,
            status__in=(UploadStatus.READY, UploadStatus.REJECTED),
        ).update(status=UploadStatus.RECEIVED)
        if updated != 1:
            raise TransitionNotAllowed("This upload cannot be checked again.")
        upload_request_process(upload=upload)
    upload.refresh_from_db()
    return upload


def upload_apply(*, upload: Upload, actor: Actor) -> Return:
    """Applies a checked upload to the draft, after the person confirmed its summary of changes.

    Only an upload that is ready (no errors) can be applied, once. The draft must still be at
    the version the upload was checked against: otherwise `ReturnConflict`, and nothing changes
    (check the upload again to see the changes against the latest draft).
    """
    with transaction.atomic():
        fresh = Upload.objects.select_related("wres_return").get(pk=upload.pk)
        if fresh.status != UploadStatus.READY or fresh.result is None:
            raise TransitionNotAllowed(
                f"This upload is {fresh.get_status_display().lower()}, so it cannot be applied."
            )
        assert fresh.return_version is not None
        changes = dict(fresh.result.get("changes", {}))
        return_ = return_save_draft(
            return_=fresh.wres_return,
            actor=actor,
            expected_version=fresh.return_version,
            values=changes,
        )
        updated = Upload.objects.filter(pk=fresh.pk, status=UploadStatus.READY).update(
            status=UploadStatus.APPLIED, decided_at=timezone.now(), decided_by=user_or_none(actor)
        )
        if updated != 1:
            raise TransitionNotAllowed("This upload has already been applied or discarded.")
        summary = fresh.result.get("summary", {})
        audit(
            action="upload.applied",
            actor=actor,
            target=fresh,
            detail={
                "filled": len(summary.get("filled", [])),
                "changed": len(summary.get("changed", [])),
                "cleared": len(summary.get("cleared", [])),
                "return_version": return_.version,
            },
        )
    return return_


def upload_reject(*, upload: Upload, actor: Actor) -> Upload:
    """Discards an upload that has not been applied: it will never change the return."""
    with transaction.atomic():
        fresh = Upload.objects.get(pk=upload.pk)
        if fresh.status == UploadStatus.APPLIED or fresh.decided_at is not None:
            raise TransitionNotAllowed("This upload has already been applied or discarded.")
        Upload.objects.filter(pk=fresh.pk).update(
            status=UploadStatus.REJECTED, decided_at=timezone.now(), decided_by=user_or_none(actor)
        )
        audit(action="upload.discarded", actor=actor, target=fresh, detail={})
        fresh.refresh_from_db()
    return fresh
