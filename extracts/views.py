"""Downloads of published data (/data/): the page listing releases, and the files themselves."""

from __future__ import annotations

import functools
from typing import Any

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from audit.services import audit_record
from extracts import writers
from extracts.api import api, rate_limit
from extracts.api_docs import api_docs
from extracts.built import ExtractBeingBuilt, extract_name
from extracts.release import release_open
from extracts.selectors import publication_history
from wres_portal.ratelimits import limit_anonymous_downloads

FORMATS = {"csv", "xlsx"}
SHAPES = {"wide", "long"}


def _unsuppressed(request: HttpRequest) -> bool:
    """Signed-in reviewers, analysts and admins get unsuppressed figures, if they ask."""
    return request.GET.get("figures") == "unsuppressed" and request.user.has_perm(
        "extracts.view_unsuppressed"
    )


@require_safe
def downloads_view(request: HttpRequest) -> HttpResponse:
    """The published years, with links to each extract and the data dictionary."""
    release = release_open()
    return render(
        request,
        "extracts/downloads.jinja",
        {
            "release": release,
            "years": list(reversed(release.years)) if release else [],
            "history": publication_history() if release else [],
            "can_unsuppressed": request.user.has_perm("extracts.view_unsuppressed"),
            "can_publish": request.user.has_perm("wres.use_admin_site"),
        },
    )


@functools.cache
def _api_schema() -> dict[str, Any]:
    """The API's OpenAPI schema: fixed by the code, so built once per process (about 50 ms)."""
    return api.get_openapi_schema(path_params={})


@require_safe
def api_docs_view(request: HttpRequest) -> HttpResponse:
    """``/api/``: the API's documentation for people, read from its OpenAPI schema; a client that
    asks for JSON (``Accept: application/json``) gets the schema itself."""
    schema = _api_schema()
    response: HttpResponse
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        response = JsonResponse(schema)
    else:
        limit, window = rate_limit()
        response = render(
            request,
            "extracts/api_docs.jinja",
            {
                "docs": api_docs(schema, base_url=f"{request.scheme}://{request.get_host()}"),
                "schema_url": reverse("extracts:api:openapi-json"),
                "rate_limit": limit,
                "rate_window": window,
                "can_unsuppressed": request.user.has_perm("extracts.view_unsuppressed"),
            },
        )
    patch_vary_headers(response, ["Accept"])
    # RFC 8631: where the machine-readable description of this API is.
    response["Link"] = f'<{reverse("extracts:api:openapi-json")}>; rel="service-desc"'
    return response


@require_safe
def dictionary_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(writers.dictionary_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wres-data-dictionary.csv"'
    return response


@require_safe
@limit_anonymous_downloads  # the first request for a file builds it (seconds): ADR 0021
def extract_view(
    request: HttpRequest, period: str, shape: str, fmt: str
) -> HttpResponse | FileResponse:
    """One extract: ``period`` is a year or ``all``; ``shape`` wide or long; ``fmt`` csv or xlsx.

    Served from the file built for the current release by the first request that asked for it
    (:mod:`extracts.built`), so a release's files are built once, not for every download."""
    release = release_open()
    if release is None or shape not in SHAPES or fmt not in FORMATS:
        raise Http404("No such extract")
    if period == "all":
        years = None
    elif period.isdigit() and int(period) in release.years:
        years = [int(period)]
    else:
        raise Http404("That year has not been published")
    unsuppressed = _unsuppressed(request)
    if unsuppressed:
        audit_record(
            action="extract_downloaded_unsuppressed",
            actor=request.user,
            target=release.publication,
            detail={"period": period, "shape": shape, "format": fmt},
            request=request,
        )
    suffix = "-unsuppressed" if unsuppressed else ""
    filename = f"wres-{period}-{shape}{suffix}.{fmt}"
    try:
        handle = None
        for _ in range(2):  # a new release may remove an old file between finding and opening it
            name = extract_name(
                release, period=period, years=years, shape=shape, fmt=fmt,
                unsuppressed=unsuppressed,
            )  # fmt: skip
            try:
                handle = release.storage.open(name, "rb")
                break
            except FileNotFoundError:
                continue
        if handle is None:
            raise ExtractBeingBuilt(retry_after=30)
    except ExtractBeingBuilt as busy:
        wait = render(
            request,
            "extracts/being_built.jinja",
            {"retry_after": busy.retry_after, "filename": filename},
            status=503,
        )
        wait["Retry-After"] = str(busy.retry_after)
        return wait
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if unsuppressed:
        response["Cache-Control"] = "private, no-store"
    return response
