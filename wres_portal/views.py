"""The portal's own pages (start, accessibility, privacy), error pages, liveness and readiness."""

import logging
import sys
import threading
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import NationalRole
from accounts.selectors import NATIONAL_LANDING
from organisations.models import Role
from organisations.selectors import organisation_counts
from wres_portal.celery import app as celery_app

logger = logging.getLogger(__name__)


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """The public start page: what the service is and who it is for."""
    return render(request, "pages/start.jinja", {"counts": organisation_counts()})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement."""
    return render(request, "pages/accessibility.jinja")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice, with the retention periods the service applies."""
    return render(
        request,
        "pages/privacy.jinja",
        {
            "upload_retention_days": settings.WRES_UPLOAD_RETENTION_DAYS,
            "account_inactive_days": settings.WRES_ACCOUNT_INACTIVE_DAYS,
        },
    )


@require_safe
def old_admin_redirect(request: HttpRequest, model: str, rest: str = "") -> HttpResponse:
    """``/admin/submissions/<model>/...``, from before the collection's models moved to their
    own apps (ADR 0015), goes to the model's admin pages in its app; unknown models are 404."""
    for candidate in apps.get_models():
        meta = candidate._meta
        if meta.db_table == f"submissions_{model}" and meta.model_name == model:
            target = f"/admin/{meta.app_label}/{model}/{rest}"
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    raise Http404("No such page in the admin.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the NHS.UK layout."""
    return render(request, "pages/404.jinja", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the NHS.UK layout, with the request id so that support can find the log line.

    A request that failed because the database could not be reached (a restart, a failover)
    answers 503 with a page that needs no database, and the service recovers by itself: the
    next request opens a new connection (``CONN_HEALTH_CHECKS``).
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return render(request, "pages/500.jinja", status=500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, without the layout (which reads the user from the database)."""
    logger.warning("database unavailable: answered 503", exc_info=sys.exc_info()[1] is not None)
    body = render_to_string(
        "pages/503.jinja",
        {
            "service_name": settings.WRES_SERVICE_NAME,
            "request_id": getattr(request, "request_id", ""),
        },
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 in the NHS.UK layout."""
    return render(request, "pages/400.jinja", status=400)


#: What each organisation role may do, said to a member refused something their role cannot do.
ROLE_CAN: dict[str, str] = {
    Role.SUBMITTER: "Submitters fill in and upload the return; an approver signs it off, "
    "submits it and invites colleagues.",
    Role.APPROVER: "Approvers fill in, sign off and submit the return and invite colleagues.",
    Role.VIEWER: "Viewers can see the return but not change it.",
}


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 in the NHS.UK layout, saying why in the terms of who is asking and where to go instead.

    Anyone signed out is asked to sign in. A page with an ODS code in its address is an
    organisation's page: a member is told what their role there allows, a national user that only
    the organisation's own members change it. Any other page refused is NHS England's own work:
    an organisation's member is sent to their returns, a national user to their role's work.
    """
    return render(request, "pages/403.jinja", _denied_context(request), status=403)


def _denied_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {
            "audience": "anonymous",
            "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        }
    national_role = str(getattr(user, "national_role", "") or "")
    memberships = getattr(request, "memberships", [])
    context: dict[str, Any] = {
        "support_email": getattr(settings, "WRES_SUPPORT_EMAIL", ""),
        "national_role": NationalRole(national_role).label if national_role else "",
    }
    if national_role in NATIONAL_LANDING:
        name, text = NATIONAL_LANDING[national_role]
        context["home"] = {"href": reverse(name), "text": text}
    elif memberships:
        context["home"] = {"href": reverse("returns:list"), "text": "Go to your returns"}
    ods_code = _ods_code_of(request)
    if ods_code is not None:
        membership = next(
            (m for m in memberships if m.organisation.ods_code == ods_code.upper()), None
        )
        if membership is not None:
            context.update(
                audience="member",
                organisation=membership.organisation,
                role=membership.get_role_display().lower(),
                role_can=ROLE_CAN.get(membership.role, ""),
            )
            return context
        if national_role:
            context["audience"] = "national_on_organisation"
            return context
    if national_role:
        context["audience"] = "national"
    elif memberships:
        context["audience"] = "organisation_on_national"
    else:
        context["audience"] = "no_role"
    return context


def _ods_code_of(request: HttpRequest) -> str | None:
    """The ODS code in the address of the page refused, if it is an organisation's page."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    code = match.kwargs.get("ods_code")
    return str(code) if code else None


def _check(name: str, probe: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # a health check reports any failure; it never raises
        logger.warning("health check %s failed: %s", name, exc)
        return {"status": "down", "error": type(exc).__name__}
    result = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        result.update(detail)
    return result


def _database() -> dict[str, Any]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connections["default"].vendor}


def _cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _broker() -> None:
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=settings.WRES_HEALTH_TIMEOUT)


def _worker() -> dict[str, Any]:
    replies = celery_app.control.ping(timeout=settings.WRES_HEALTH_TIMEOUT)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return {"workers": len(replies)}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers requests. Touches no database, cache, broker or worker, so
    it costs next to nothing however often it is asked (dependencies: `readyz`)."""
    return JsonResponse({"status": "ok"})


#: The last readiness result of this process: (monotonic time it was worked out, body, status).
_readiness: tuple[float, dict[str, Any], int] | None = None
_readiness_lock = threading.Lock()


def _readiness_checks() -> tuple[dict[str, Any], int]:
    checks = {"database": _check("database", _database), "cache": _check("cache", _cache)}
    if celery_app.conf.task_always_eager:
        checks["broker"] = {"status": "not used", "detail": "tasks run eagerly in process"}
        checks["worker"] = {"status": "not used", "detail": "tasks run eagerly in process"}
    else:
        checks["broker"] = _check("broker", _broker)
        checks["worker"] = (
            _check("worker", _worker)
            if checks["broker"]["status"] == "ok"
            else {"status": "down", "error": "broker unreachable"}
        )
    healthy = all(check["status"] != "down" for check in checks.values())
    body = {
        "status": "ok" if healthy else "down",
        "mode": settings.WRES_MODE,
        "checks": checks,
        "checked_at": timezone.now().isoformat(timespec="seconds"),
    }
    return body, 200 if healthy else 503


def readiness() -> tuple[dict[str, Any], int]:
    """The dependency checks, worked out at most once per ``WRES_READINESS_CACHE_SECONDS`` in
    this process: requests in between get the same answer, and requests that arrive while the
    checks run wait for that one run instead of starting their own."""
    global _readiness
    max_age = settings.WRES_READINESS_CACHE_SECONDS
    with _readiness_lock:
        now = time.monotonic()
        if _readiness is None or now - _readiness[0] >= max_age:
            body, status = _readiness_checks()
            _readiness = (time.monotonic(), body, status)
        return _readiness[1], _readiness[2]


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache, broker and worker as JSON, 503 when a dependency is down.

    The result is reused for a few seconds (`readiness`), so that however many requests arrive,
    the slow checks (up to ``WRES_HEALTH_TIMEOUT`` for the broker and again for a worker) run
    at most once per period in each process.
    """
    body, status = readiness()
    return JsonResponse(body, status=status)
