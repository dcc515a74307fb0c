"""Session time limits, and MFA enrolment forced on national roles before anything else."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED = "wres_session_started"
SESSION_LAST_SEEN = "wres_session_last_seen"
# Writing the session on every request would be wasteful; a minute's precision is plenty.
LAST_SEEN_GRANULARITY = 60


class SessionTimeoutMiddleware:
    """Signs out after `WRES_SESSION_IDLE_SECONDS` idle or `SESSION_COOKIE_AGE` in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if started is None:
                request.session[SESSION_STARTED] = now
                request.session[SESSION_LAST_SEEN] = now
            elif (
                now - started > settings.SESSION_COOKIE_AGE
                or now - last_seen > settings.WRES_SESSION_IDLE_SECONDS
            ):
                logout(request)
                messages.info(request, "You were signed out to keep your account secure.")
                return redirect(f"{reverse('account_login')}?next={request.path}")
            elif now - last_seen >= LAST_SEEN_GRANULARITY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Paths a national user without an authenticator may still open: MFA set-up itself, signing
# out, static files and the health check.
MFA_EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz")


class MfaRequiredMiddleware:
    """Sends a national user who has no TOTP authenticator to set one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "is_national", False)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not _has_totp(user)
        ):
            messages.info(
                request,
                "National roles must use two-factor authentication. Set it up to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
