"""The Django admin's door: no sign-in form of its own, and only sessions that completed MFA.

Django's admin has its own login view, which authenticates any email and password posted to it:
no second factor, no lockout, no audit. The portal replaces it (`admin.site.login`) with
`admin_login`, which never reads credentials: people sign in through the portal (allauth, with
MFA, throttling and audit) and come back. `admin_has_permission` lets in only national admins
whose session holds a completed two-factor step (ADR 0020).
"""

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

ADMIN_PERMISSION = "wres.use_admin_site"


def session_completed_mfa(request: HttpRequest) -> bool:
    """Whether this session's signed-in user gave a two-factor code in it (at sign-in or since).

    allauth keeps a list of the authentication steps of the session, for its user only; a
    completed TOTP or recovery code is a step with method "mfa".
    """
    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)  # type: ignore[arg-type]
    return any(isinstance(record, dict) and record.get("method") == "mfa" for record in records)


def admin_has_permission(request: HttpRequest) -> bool:
    """Only active national admins reach the Django admin, and only after MFA in this session."""
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm(ADMIN_PERMISSION)
        and session_completed_mfa(request)
    )


def _next_url(request: HttpRequest) -> str:
    """The page to return to: a `next` on this site, or the admin's index."""
    candidate = request.GET.get(REDIRECT_FIELD_NAME) or request.POST.get(REDIRECT_FIELD_NAME, "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Replaces the admin's login view. It never authenticates, whatever is posted to it.

    Someone signed out goes to the portal's sign-in, which brings them back (`next`). A national
    admin signed in without a two-factor step in this session (signed in some other way) is asked
    for a code. Anyone else signed in may not use the admin.
    """
    next_url = _next_url(request)
    if not request.user.is_authenticated:
        login_url = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
    if admin_has_permission(request):
        return HttpResponseRedirect(next_url)
    user = request.user
    if user.is_active and user.is_staff and user.has_perm(ADMIN_PERMISSION):
        reauthenticate = reverse("mfa_reauthenticate")
        return HttpResponseRedirect(
            f"{reauthenticate}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        )
    raise PermissionDenied
