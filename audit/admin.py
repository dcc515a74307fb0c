"""Audit events in the Django admin, read-only; and the read-only base other apps' admins use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.actions import action_label
from audit.models import AuditEvent
from audit.selectors import audit_actions
from audit.services import audit_record


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewing only: every write must go through a service, which audits it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


#: Fields whose new value an admin change records, beside the names of the fields changed: who
#: may sign in and with what power.
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "national_role", "role")


class AuditedAdminMixin:
    """Records every add, change and delete made in the Django admin as an audit event: who (the
    admin), what (the object, the fields changed and the new access rights), when, and from where
    (the request's address and id). Django's own LogEntry stays as well; it is not append-only.

    `audit_every_admin` puts it on every ModelAdmin registered, so that a model registered later
    (by the portal or a library) is covered without anyone remembering to (ADR 0020).
    """

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        _admin_record("admin.added", request, obj, message)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        _admin_record("admin.changed", request, obj, message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objects = list(queryset)
        entries = super().log_deletions(request, objects)  # type: ignore[misc]
        for obj in objects:
            _admin_record("admin.deleted", request, obj, None)
        return entries


def _admin_record(action: str, request: HttpRequest, obj: Any, message: Any) -> None:
    detail: dict[str, Any] = {"model": obj._meta.label_lower}
    if message:
        detail["changes"] = message if isinstance(message, list | str) else str(message)
    if action != "admin.deleted":
        access = {name: getattr(obj, name) for name in ACCESS_FIELDS if hasattr(obj, name)}
        detail.update({name: value for name, value in access.items() if value is not None})
    owner = getattr(obj, "user", None)
    if owner is not None and hasattr(owner, "email"):
        detail["user"] = owner.email  # whose authenticator, email address or membership
    audit_record(action=action, actor=request.user, target=obj, detail=detail, request=request)


def audit_every_admin(site: admin.AdminSite) -> None:
    """Gives every ModelAdmin registered on `site` the audit mixin (once)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        audited = type(
            f"Audited{type(model_admin).__name__}", (AuditedAdminMixin, type(model_admin)), {}
        )
        site.unregister(model)
        site.register(model, audited)


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
