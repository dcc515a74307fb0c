"""Upload retention: stored files deleted once the retention period has passed (ADR 0012), and
at once when checking refuses them (ADR 0021).

Only the file goes. The `Upload` row stays, marked with `file_deleted_at`, and so do its checked
result (parsed values, located problems, changes), the return and its versions. A file is deleted
only once its upload is finished (applied, or rejected or discarded): an upload still received,
checking or ready to apply keeps its file whatever its age.

Each file is claimed by one conditional UPDATE (`file_deleted_at` still empty, the upload still
finished and old enough), then the audit event is written and the file deleted, in one
transaction: a second run, or a run at the same time, claims nothing and records nothing. If
deleting the file fails, the claim is rolled back and the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import audit_record
from uploads.models import FileDeletion, Upload, UploadStatus
from wres_portal.celery import app

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "celery:retention"
#: Statuses after which nothing reads the file again. A rejected upload that was not discarded
#: could be checked again, so `upload_recheck` refuses one whose file is gone.
FINISHED = (UploadStatus.APPLIED, UploadStatus.REJECTED)
#: Statuses that keep the file however old the upload is.
PENDING = (UploadStatus.RECEIVED, UploadStatus.CHECKING, UploadStatus.READY)


@dataclass
class UploadRetentionRun:
    """What one run did (or, in a dry run, would do)."""

    cutoff: dt.datetime
    dry_run: bool
    deleted: list[int] = field(default_factory=list)
    kept_pending: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def upload_retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    """Uploads made before this moment are past the retention period."""
    days = settings.WRES_UPLOAD_RETENTION_DAYS
    return (now or timezone.now()) - dt.timedelta(days=days)


def uploads_past_retention(*, cutoff: dt.datetime) -> QuerySet[Upload]:
    """Finished uploads made before ``cutoff`` whose file is still stored."""
    return Upload.objects.filter(
        created_at__lt=cutoff, file_deleted_at__isnull=True, status__in=FINISHED
    )


def upload_delete_file(*, upload_id: int, cutoff: dt.datetime, actor: str = SYSTEM_ACTOR) -> bool:
    """Deletes one upload's stored file, if it is still due, and records it. Returns whether it did.

    The claim re-checks every condition in the UPDATE itself, so an upload checked again or
    already handled by another run in the meantime is left alone.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            uploads_past_retention(cutoff=cutoff)
            .filter(pk=upload_id)
            .update(file_deleted_at=now, file_deleted_reason=FileDeletion.RETENTION)
        )
        if claimed != 1:
            return False
        upload = Upload.objects.select_related("organisation", "wres_return").get(pk=upload_id)
        audit_record(
            action="upload.file_deleted",
            system_actor=actor,
            target=upload,
            detail={
                "filename": upload.original_filename,
                "size": upload.size,
                "sha256": upload.sha256,
                "uploaded_at": upload.created_at.isoformat(),
                "retention_days": settings.WRES_UPLOAD_RETENTION_DAYS,
            },
        )
        # Last, inside the transaction: if it fails, the claim and the event are rolled back.
        # A missing file is not an error (a run that crashed after deleting it, then rolled back).
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)
    return True


def upload_delete_refused_file(*, upload_id: int) -> bool:
    """Deletes the stored file of an upload that checking refused (errors), as soon as it is
    refused. Returns whether it did.

    The row stays with its result (the located problems the page and the CSV report show), its
    size and SHA-256; only the bytes go, so that refused files neither fill the disk nor count
    against the organisation's storage (`uploads.services.upload_quota_refusal`). The claim is
    one conditional UPDATE (still rejected by the check, not discarded, file still there); if
    deleting the file fails the claim is rolled back and the file stays, counted, until the
    retention run deletes it.
    """
    with transaction.atomic():
        claimed = Upload.objects.filter(
            pk=upload_id,
            status=UploadStatus.REJECTED,
            error_count__gt=0,
            decided_at__isnull=True,
            file_deleted_at__isnull=True,
        ).update(file_deleted_at=timezone.now(), file_deleted_reason=FileDeletion.REFUSED)
        if claimed != 1:
            return False
        upload = Upload.objects.select_related("organisation", "wres_return").get(pk=upload_id)
        audit_record(
            action="upload.refused_file_deleted",
            system_actor="upload check",
            target=upload,
            detail={
                "filename": upload.original_filename,
                "size": upload.size,
                "sha256": upload.sha256,
                "errors": upload.error_count,
            },
        )
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)
    logger.info("deleted the refused file of upload %s", upload_id)
    return True


def uploads_apply_retention(
    *, dry_run: bool = False, now: dt.datetime | None = None, actor: str = SYSTEM_ACTOR
) -> UploadRetentionRun:
    """Deletes the stored files of finished uploads older than `UPLOAD_RETENTION_DAYS`.

    With ``dry_run`` nothing changes: the run lists what would be deleted. Safe to run twice or
    at the same time as another run (see the module's docstring).
    """
    cutoff = upload_retention_cutoff(now=now)
    run = UploadRetentionRun(cutoff=cutoff, dry_run=dry_run)
    run.kept_pending = list(
        Upload.objects.filter(
            created_at__lt=cutoff, file_deleted_at__isnull=True, status__in=PENDING
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    due = list(uploads_past_retention(cutoff=cutoff).order_by("pk").values_list("pk", flat=True))
    if dry_run:
        run.deleted = due
        return run
    for upload_id in due:
        try:
            if upload_delete_file(upload_id=upload_id, cutoff=cutoff, actor=actor):
                run.deleted.append(upload_id)
        except (OSError, DatabaseError):  # the store's content is rows of the database
            logger.exception("Could not delete the file of upload %s", upload_id)
            run.failed.append(upload_id)
    logger.info(
        "Upload retention: %d file(s) deleted, %d failed, %d old upload(s) still pending",
        len(run.deleted),
        len(run.failed),
        len(run.kept_pending),
    )
    return run


@app.task(  # type: ignore[untyped-decorator]
    name="submissions.uploads_apply_retention", time_limit=1800, soft_time_limit=1700
)
def uploads_apply_retention_task() -> dict[str, int]:
    """The daily run (Celery beat): deletes the files of uploads past the retention period."""
    run = uploads_apply_retention()
    return {"deleted": len(run.deleted), "failed": len(run.failed)}
