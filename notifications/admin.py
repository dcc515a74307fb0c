"""Django admin for the email outbox: read-only."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from notifications.models import EmailRecord


@admin.register(EmailRecord)
class EmailRecordAdmin(ReadOnlyAdmin):
    """The email outbox: what was sent, what is pending and what failed (and why)."""

    list_display = (
        "created_at",
        "kind",
        "subject",
        "organisation",
        "sent_at",
        "attempts",
        "failed_at",
    )
    list_filter = (
        "kind",
        ("sent_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("subject", "organisation__ods_code")
    exclude = ("body",)  # an invitation's one-time link lives there until it is sent
    list_select_related = ("organisation",)
    ordering = ("-created_at",)
