"""Uploads of the spreadsheet template or a CSV file, and where their files are kept (ADRs 0005,
0024).

The table keeps the name it had in the `submissions` app (ADR 0015).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models


class UploadStatus(models.TextChoices):
    """An upload's own status; it never changes the return's state."""

    RECEIVED = "received", "Received"
    CHECKING = "checking", "Checking"
    READY = "ready", "Ready to apply"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"


class FileDeletion(models.TextChoices):
    """Why an upload's stored file was deleted (the row and what checking found stay)."""

    RETENTION = "retention", "Deleted under the retention policy"
    REFUSED = "refused", "Deleted because checking refused it"


def upload_storage() -> Storage:
    """The storage of uploaded files: ``STORAGES["uploads"]``, the shared file store (ADR 0024)
    under the prefix "uploads/", so every web node and worker reads the same files. Files have no
    URL: they are never served."""
    return storages["uploads"]


class Upload(models.Model):
    """One uploaded template or CSV file for a return, and what checking it found.

    The file is stored unchanged; `result` holds the parsed values, located problems, computed
    metrics and the changes applying it would make, worked out against `return_version`.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="uploads"
    )
    wres_return = models.ForeignKey(
        "returns.Return", on_delete=models.PROTECT, related_name="uploads", verbose_name="return"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    original_filename = models.CharField(max_length=255)
    file = models.FileField(storage=upload_storage, max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=UploadStatus.choices, default=UploadStatus.RECEIVED, db_index=True
    )
    result = models.JSONField(null=True, blank=True, editable=False)
    return_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The return's version the result was worked out against."
    )
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was applied or discarded."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the stored file was deleted (the row and result stay).",
    )
    file_deleted_reason = models.CharField(
        max_length=20,
        choices=FileDeletion.choices,
        blank=True,
        default="",
        editable=False,
        help_text="Why the stored file was deleted: retention, or refused by the check.",
    )

    class Meta:
        db_table = "submissions_upload"
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("wres_return", "created_at"))]

    def __str__(self) -> str:
        return f"Upload {self.pk} ({self.original_filename}) for {self.wres_return}"

    @property
    def is_done(self) -> bool:
        """Checked (ready, applied or rejected): nothing more will happen by itself."""
        return self.status not in (UploadStatus.RECEIVED, UploadStatus.CHECKING)

    @property
    def file_is_deleted(self) -> bool:
        """The stored file was deleted: refused by the check, or under the retention policy."""
        return self.file_deleted_at is not None

    @property
    def file_deleted_as_refused(self) -> bool:
        """The file was deleted as soon as checking refused it (`uploads.retention`)."""
        return self.file_deleted_reason == FileDeletion.REFUSED
