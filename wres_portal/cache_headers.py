"""No caching of anything shown to a signed-in person (ADR 0021).

Signed-in pages hold unpublished figures, personal data (member lists, the audit trail) and
files made for one person (the pre-filled template, audit CSV, unsuppressed extracts): a shared
or browser cache must not keep them. Public pages are left as they are: a request without a
session cookie is never looked at, so no ``Vary: Cookie`` is added to them either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

#: What every response to a signed-in person carries.
PRIVATE = "no-store, private"


class SignedInNoStoreMiddleware:
    """Sends ``Cache-Control: no-store, private`` on every response to a signed-in person, pages
    and downloaded files alike. Placed after `AuthenticationMiddleware`; whitenoise's static
    files are answered before it and keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE
            if "Expires" in response:
                del response["Expires"]
        return response
