"""Uploads of the spreadsheet template or a CSV file: receive, check (the task), apply, reject.

An upload never changes the return's state. Applying one is `return_save_draft` with the version
the upload was checked against, so the optimistic lock, the item-level validation, the audit and
the validation task all apply unchanged; a draft changed meanwhile gives `ReturnConflict`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import Organisation
from returns.exceptions import TransitionNotAllowed, WorkflowError
from returns.models import Return
from returns.selectors import return_prefill, return_previous_values
from returns.services.returns import return_save_draft
from returns.services.rows import Actor, audit, user_or_none
from uploads.checks import check_upload
from uploads.models import Upload, UploadStatus
from uploads.parser import parse_upload, sniff
from uploads.retention import upload_delete_refused_file
from uploads.selectors import upload_stored_bytes
from wres_portal.celery import task_named

logger = logging.getLogger(__name__)

#: An upload still waiting for its check this long after it was received (or queued again) is
#: "delayed": its status page says so, and the sweep queues its check again.
DEFAULT_DELAYED_AFTER_SECONDS = 60
#: Set on an Upload instance when sending its check to the broker failed in this request.
_QUEUE_FAILED = "_wres_check_queue_failed"
#: The Celery tasks of uploads, queued by name (ADR 0015); `uploads.tasks` defines them.
CHECK_TASK = "submissions.upload_process"
SWEEP_TASK = "submissions.upload_sweep_pending"
#: Statuses in which an upload still waits for its check.
PENDING = (UploadStatus.RECEIVED, UploadStatus.CHECKING)


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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def upload_quota_refusal(*, organisation: Organisation, size: int) -> UploadRefused | None:
    """Why one more file of ``size`` bytes may not be stored for the organisation, or None.

    At most `WRES_UPLOADS_PER_HOUR` uploads an hour per organisation, and at most
    `WRES_UPLOAD_QUOTA_BYTES` of stored files per organisation: files deleted (refused by the
    check, or under the retention policy) no longer count. Call it inside the transaction that
    stores the file, with the organisation's row locked, so that two uploads at once cannot both
    pass the last place.
    """
    per_hour = settings.WRES_UPLOADS_PER_HOUR
    quota = settings.WRES_UPLOAD_QUOTA_BYTES
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = list(
        Upload.objects.filter(organisation=organisation, created_at__gte=hour_ago)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:per_hour]
    )
    if len(recent) >= per_hour:
        again = timezone.localtime(recent[-1] + dt.timedelta(hours=1))
        return UploadRefused(
            f"{organisation.name} has uploaded {per_hour} files in the last hour, the most "
            f"allowed. Nothing was stored. You can upload again after {again:%H:%M}.",
            "upload_rate",
        )
    stored = upload_stored_bytes(organisation=organisation)
    if stored + size > quota:
        return UploadRefused(
            f"{organisation.name} already stores {_megabytes(stored)} of uploaded files and this "
            f"file would take it past the limit of {_megabytes(quota)}. Nothing was stored. "
            f"Contact the WRES team at {settings.WRES_SUPPORT_EMAIL} for more space.",
            "upload_quota",
        )
    return None


def upload_receive(*, return_: Return, actor: Actor, filename: str, data: bytes) -> Upload:
    """Stores an uploaded file unchanged and queues its check (sent once the row is committed).

    Refuses at once (`UploadRefused`, nothing stored) what the first bytes and the name show
    cannot be read: empty, over 5 MB, not .xlsx or .csv, macro-enabled, encrypted; and a file
    past the organisation's hourly number of uploads or its stored bytes
    (`upload_quota_refusal`). A return that cannot be edited (submitted, accepted) refuses
    uploads (`TransitionNotAllowed`).
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
        # Locks the organisation's row until commit: its uploads are counted one at a time.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        over_limit = upload_quota_refusal(organisation=organisation, size=len(data))
        if over_limit is not None:
            raise over_limit
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
    """Queues `upload_process` for the upload, sent once the current transaction commits.

    The upload is saved whether or not the broker answers: if sending fails (Redis down), the
    failure is logged and marked on the instance (`upload_check_queue_failed`), and
    `upload_sweep_pending` queues the check again once the broker is back.
    """
    transaction.on_commit(lambda: _send_check(upload))


def _send_check(upload: Upload) -> None:
    upload_process_task = task_named(CHECK_TASK)
    if upload_process_task.app.conf.task_always_eager:
        upload_process_task.delay(upload.pk)  # runs here: its errors are the check's own
        return
    try:
        # A short publish retry: the person is waiting for the page, and the sweep retries later.
        upload_process_task.apply_async(
            (upload.pk,),
            retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
        )
    except Exception:  # any broker failure (kombu, redis-py, OS): the upload stays saved
        logger.warning("could not queue the check of upload %s", upload.pk, exc_info=True)
        setattr(upload, _QUEUE_FAILED, True)


def upload_check_queue_failed(upload: Upload) -> bool:
    """Whether sending this upload's check to the broker failed in this process just now."""
    return bool(getattr(upload, _QUEUE_FAILED, False))


def _delayed_after() -> dt.timedelta:
    return dt.timedelta(
        seconds=getattr(settings, "WRES_UPLOAD_DELAYED_AFTER", DEFAULT_DELAYED_AFTER_SECONDS)
    )


def upload_check_delayed(upload: Upload) -> bool:
    """Whether the upload has waited for its check longer than it should (see the sweep).

    It waits from when it was received or, checked before, from when it was queued again
    (`upload_recheck` stamps `checked_at`).
    """
    if upload.status not in PENDING:
        return False
    waiting_since = max(upload.created_at, upload.checked_at or upload.created_at)
    return waiting_since < timezone.now() - _delayed_after()


def upload_sweep_pending() -> int:
    """Queues the check again for every upload still waiting for it after the delay.

    Run by Celery beat. Catches checks whose sending failed (broker down when the file was
    received), whose message was lost (a broker restarted without persistence) or whose
    worker died. The task only ever acts on a pending upload and stores one result, so a
    check queued twice still has its effect once. Returns how many were queued; sending
    failures propagate (the broker is still down: beat's next run tries again).
    """
    upload_process_task = task_named(CHECK_TASK)
    cutoff = timezone.now() - _delayed_after()
    pending = list(
        Upload.objects.filter(status__in=PENDING, decided_at__isnull=True, created_at__lt=cutoff)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    for upload_id in pending:
        upload_process_task.delay(upload_id)
    if pending:
        logger.info("queued the check of %d delayed upload(s) again", len(pending))
    return len(pending)


def upload_process(*, upload_id: int, pending_only: bool = False) -> bool:
    """Parses and checks an upload against its return's current draft and stores the result.

    The body of the Celery task. Idempotent: run again on the same file and draft it stores the
    same result; an upload already applied or discarded is left alone. The result, status and
    version are written in one UPDATE, so a crash never leaves half a result. Returns whether a
    result was stored.

    With `pending_only` (the task), only an upload still waiting for its check is checked, and
    the UPDATE stores the result only if it is still waiting: a check delivered twice (a worker
    killed, the sweep) stores its result exactly once, even when both copies run at once.
    """
    upload = Upload.objects.select_related("wres_return__collection", "organisation").filter(
        pk=upload_id
    )
    found = upload.first()
    if found is None or found.status == UploadStatus.APPLIED or found.decided_at is not None:
        return False
    if found.file_deleted_at is not None:  # deleted under the retention policy
        return False
    if pending_only and found.status not in PENDING:
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
    target = Upload.objects.filter(pk=found.pk, decided_at__isnull=True).exclude(
        status=UploadStatus.APPLIED
    )
    if pending_only:
        target = target.filter(status__in=PENDING)
    stored = target.update(
        status=status,
        result=check.as_dict(),
        return_version=return_.version,
        error_count=check.errors,
        warning_count=check.warnings,
        checked_at=timezone.now(),
    )
    if stored:
        logger.info("upload checked", extra={"upload_id": found.pk, "upload_status": status})
    if stored and status == UploadStatus.REJECTED:
        # A refused file is never applied: only what checking found is kept (ADR 0021).
        try:
            upload_delete_refused_file(upload_id=found.pk)
        except (OSError, DatabaseError):  # kept, counted, until the retention run deletes it
            logger.exception("could not delete the refused file of upload %s", found.pk)
    return stored == 1


def upload_recheck(*, upload: Upload) -> Upload:
    """Checks an upload again against the draft as it is now (after a conflict, say).

    Only an upload not yet applied or discarded; the result is replaced when the task runs.
    `checked_at` becomes the time it was queued again, from which it counts as delayed.
    """
    with transaction.atomic():
        updated = Upload.objects.filter(
            pk=upload.pk,
            decided_at__isnull=True,
            file_deleted_at__isnull=True,  # deleted under the retention policy
            status__in=(UploadStatus.READY, UploadStatus.REJECTED),
        ).update(status=UploadStatus.RECEIVED, checked_at=timezone.now())
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
