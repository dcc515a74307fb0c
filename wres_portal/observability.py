"""Request ids: one per request, in every log line and carried into the Celery tasks it sends."""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from wres_portal.proxies import from_trusted_proxy

REQUEST_ID_HEADER = "X-Request-ID"
#: An id a trusted proxy may hand on: safe to log and to store in the audit trail (64 at most,
#: the width of `AuditEvent.request_id`), with no spaces, quotes, markup or line breaks.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def new_request_id(incoming: str | None = None) -> str:
    """``incoming`` where it is safe to log and store, otherwise a fresh id (32 hex digits)."""
    if incoming and _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request an id, exposes it as `request.request_id` and in the response header.

    The ``X-Request-ID`` header is kept only when it comes from a trusted proxy
    (``WRES_TRUSTED_PROXIES``, which should set its own id on every request): an id that a client
    chose would be stored in the audit trail and could be made to match someone else's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER) if from_trusted_proxy(request) else None
        request_id = new_request_id(incoming)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (or null) to every log record, for the JSON formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True
