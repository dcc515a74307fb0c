"""Reading the audit trail (national admins only; views check the permission)."""

import datetime as dt

from django.db.models import Q, QuerySet

from audit.models import AuditEvent


def audit_event_list(
    *,
    action: str = "",
    who: str = "",
    organisation: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events, newest first, filtered by action, person (email), organisation code and dates."""
    events = AuditEvent.objects.select_related("actor", "organisation")
    if action:
        events = events.filter(action=action)
    if who:
        events = events.filter(Q(actor_email__icontains=who) | Q(system_actor__icontains=who))
    if organisation:
        events = events.filter(organisation__ods_code=organisation.upper())
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events.order_by("-occurred_at", "-id")


def audit_actions() -> list[str]:
    """Every action recorded so far, for the filter."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
