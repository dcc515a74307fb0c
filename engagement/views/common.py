"""What the engagement views share: who may act, the filters, finding an engagement."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from engagement import selectors
from engagement.models import Action, Engagement
from organisations.models import Organisation
from organisations.selectors import organisation_for_user

REVIEW = selectors.REVIEW
FILTER_KEYS = ("region", "org_type", "indicator", "action_status")


def _require_team(request: HttpRequest) -> None:
    if not request.user.has_perm(REVIEW):
        raise PermissionDenied


def _date_initial(prefix: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return {
        f"{prefix}_day": value.day,
        f"{prefix}_month": value.month,
        f"{prefix}_year": value.year,
    }


def _filters_query(data: Any) -> str:
    query = data.copy()
    for key in list(query):
        if key not in FILTER_KEYS:
            query.pop(key)
    return str(query.urlencode())


def _engagement(request: HttpRequest, ods_code: str, pk: int) -> tuple[Organisation, Engagement]:
    """The engagement of an organisation whose data the user may see; otherwise 404."""
    organisation = organisation_for_user(user=request.user, ods_code=ods_code)
    engagement = selectors.engagement_of(organisation=organisation, pk=pk)
    if engagement is None:
        raise Http404("No such engagement")
    return organisation, engagement


def _action(engagement: Engagement, pk: int) -> Action:
    action = selectors.action_of(engagement=engagement, pk=pk)
    if action is None:
        raise Http404("No such action")
    return action
