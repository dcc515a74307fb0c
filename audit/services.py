"""Writing audit events. Services call `audit_record` inside their own transaction."""

from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import AuditEvent
from wres_portal.observability import current_request_id

MAX_DETAIL_CHARS = 10_000


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (REMOTE_ADDR; the proxy in front sets it from X-Forwarded-For)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    system_actor: str = "",
    actor_email: str = "",
    target: models.Model | None = None,
    organisation: Any = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Records one act. Refuses to record without an actor: a user, a typed email or a process.

    `actor` may be an anonymous user (for failed sign-ins give `actor_email`). The request id of
    the current request or task is stored so that log lines and events can be joined.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is None and not system_actor and not actor_email:
        raise ValueError("An audit event needs an actor: a user, an email or a system process")
    detail = detail or {}
    if len(repr(detail)) > MAX_DETAIL_CHARS:
        raise ValueError("Audit detail is too large: record references, not data")
    if organisation is None and target is not None:
        organisation = getattr(target, "organisation", None)
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_email=actor_email[:254] if actor_email else (user.email if user else ""),
        system_actor=system_actor,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_label=str(target)[:255] if target is not None else "",
        organisation=organisation,
        ip_address=client_ip(request),
        request_id=current_request_id.get() or "",
        detail=detail,
    )
