"""The current organisation: chosen by a member of several, remembered, re-checked every request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from organisations.models import Membership

SESSION_KEY = "wres_current_organisation"


class CurrentOrganisationMiddleware:
    """Sets `request.current_membership` (or None) from the session, checking it is still held."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.current_membership = None  # type: ignore[attr-defined]
        request.memberships = []  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            memberships = list(
                Membership.objects.filter(user=request.user).select_related("organisation")
            )
            request.memberships = memberships  # type: ignore[attr-defined]
            chosen = request.session.get(SESSION_KEY)
            current = next((m for m in memberships if m.organisation_id == chosen), None)
            if current is None and memberships:
                current = memberships[0]
            if current is not None and chosen != current.organisation_id:
                request.session[SESSION_KEY] = current.organisation_id
            elif current is None and chosen is not None:
                del request.session[SESSION_KEY]
            request.current_membership = current  # type: ignore[attr-defined]
        return self.get_response(request)
