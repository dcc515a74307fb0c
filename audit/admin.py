"""Audit events in the Django admin, read-only; and the read-only base other apps' admins use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.actions import action_label
from audit.models import AuditEvent
from audit.selectors import audit_actions


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewing only: every write must go through a service, which audits it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActionFilter(admin.SimpleListFilter):
    """The action filter, by label (the codes are for the record and the CSV)."""

    title = "what happened"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(((code, action_label(code)) for code in audit_actions()), key=lambda a: a[1])

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at", "what_happened", "who", "object_label", "organisation", "ip_address",
    )  # fmt: skip
    list_filter = (ActionFilter,)
    search_fields = ("actor_email", "object_label", "request_id")

    @admin.display(description="what happened", ordering="action")
    def what_happened(self, event: AuditEvent) -> str:
        return event.action_label
