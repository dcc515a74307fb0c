"""The read-only open-data API (/api/): published figures, suppressed unless a token allows.

Anyone may call it without credentials and gets the public, suppressed figures. A personal API
token (``Authorization: Bearer wres_...``) of a national reviewer, analyst or admin gives the
unsuppressed figures; each such request is an audit event. A token that is revoked, or whose
owner is disabled or no longer holds a national role, is refused (401), never quietly
downgraded. Requests are counted per token, or per address without one, in fixed windows in the
Django cache (429 past the limit). Every error is JSON with a sentence saying what was wrong.
"""

from __future__ import annotations

import math
import re
import time
from typing import Any, Final, Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from audit.services import audit_record, client_ip
from extracts import selectors
from extracts.models import ApiToken
from extracts.release import Release, release_open
from extracts.schemas import (
    AggregatePageOut,
    CollectionPageOut,
    ErrorOut,
    OrganisationOut,
    OrganisationPageOut,
    PublishedReturnPageOut,
)
from extracts.services import api_token_authenticate
from organisations.models import Organisation, OrganisationType, Region, Sector

DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 500
ERRORS: Final = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}
#: A token is optional: without one, the public figures.
TOKEN_OPTIONAL: Final[dict[str, Any]] = {"security": [{"PersonalToken": []}, {}]}


def rate_limit() -> tuple[int, int]:
    """(requests, seconds): settings ``WRES_API_RATE_LIMIT`` (120) per ``WRES_API_RATE_WINDOW``
    (60) seconds, per token or, without one, per client address."""
    return (
        int(getattr(settings, "WRES_API_RATE_LIMIT", 120)),
        int(getattr(settings, "WRES_API_RATE_WINDOW", 60)),
    )


class PersonalToken(HttpBearer):
    """A personal API token whose owner may see unsuppressed figures."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(token)
        if found is None or not found.user.has_perm("extracts.view_unsuppressed"):
            return None
        return found


class Public:
    """No credentials at all: the public, suppressed figures. (A bad token is not public.)"""

    def __call__(self, request: HttpRequest) -> str | None:
        return None if "authorization" in request.headers else "public"


class FixedWindow(BaseThrottle):
    """At most N requests per window per token (or address), counted in the Django cache."""

    def allow_request(self, request: HttpRequest) -> bool:
        limit, window = rate_limit()
        auth = getattr(request, "auth", None)
        who = f"token-{auth.pk}" if isinstance(auth, ApiToken) else f"ip-{client_ip(request)}"
        key = f"wres-api-rate:{who}:{int(time.time() // window)}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
        return count <= limit

    def wait(self) -> float:
        _, window = rate_limit()
        return window - time.time() % window


api = NinjaAPI(
    title="WRES open data",
    version="1",
    description=(
        "Published Workforce Race Equality Standard figures. Without credentials: small numbers "
        "suppressed (null, and listed in `suppressed`). With a personal API token of a national "
        "reviewer, analyst or admin (`Authorization: Bearer wres_...`): unsuppressed, recorded."
    ),
    urls_namespace="extracts:api",  # included inside the extracts URLconf
    docs_url=None,  # Swagger UI needs inline and third-party scripts: not under our CSP
    auth=[PersonalToken(), Public()],
    throttle=[FixedWindow()],
)


# -- Errors: JSON, one clear sentence, never a 500 for bad input ------------------------------


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    response = api.create_response(request, {"detail": detail, **extra}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _parameter(location: Any) -> str:
    parts = [str(p) for p in location if p not in ("query", "path", "header")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def _bad_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"parameter": _parameter(e.get("loc", ())), "message": str(e.get("msg", "is not valid"))}
        for e in exc.errors
    ]
    summary = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return _error(request, 400, f"Bad request: {summary}.", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        401,
        "The API token is not valid: it may be mistyped or revoked, or its owner may no longer "
        "have access to unsuppressed figures. Leave out the Authorization header for the public "
        "figures.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="WRES open data"'
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    limit, window = rate_limit()
    wait = math.ceil(exc.wait or window)
    return _error(
        request,
        429,
        f"Too many requests: the limit is {limit} every {window} seconds. "
        f"Try again in {wait} seconds.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


# -- Helpers ---------------------------------------------------------------------------------


def _release() -> Release:
    release = release_open()
    if release is None:
        raise HttpError(404, "Nothing has been published yet.")
    return release


def _token(request: HttpRequest) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def _page(request: HttpRequest, count: int, page: int, page_size: int) -> dict[str, Any]:
    pages = max(1, math.ceil(count / page_size))
    if page > pages:
        raise HttpError(404, f"Page {page} does not exist: there are {pages} page(s).")

    def link(number: int) -> str | None:
        if not 1 <= number <= pages or number == page:
            return None
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1),
        "previous": link(page - 1),
    }


#: What an ODS code can look like; anything else is not looked up (PostgreSQL refuses NUL bytes).
ODS_CODE = re.compile(r"[A-Z0-9]{1,10}")


def _find_organisation(code: str) -> Organisation:
    code = code.strip().upper()
    found = None
    if ODS_CODE.fullmatch(code):
        found = Organisation.objects.filter(ods_code=code).first()
    if found is None:
        raise HttpError(404, f"No organisation has the ODS code {code[:20]}.")
    return found


def _known_organisation(code: str | None) -> str | None:
    return None if code is None else _find_organisation(code).ods_code


def _published_year(release: Release, year: int | None) -> int | None:
    if year is not None and year not in release.years:
        years = ", ".join(str(y) for y in release.years)
        raise HttpError(404, f"No figures for {year} have been published (published: {years}).")
    return year


def _record_unsuppressed(
    request: HttpRequest, token: ApiToken, release: Release, rows: int
) -> None:
    audit_record(
        action="api_read_unsuppressed",
        actor=token.user,
        target=release.publication,
        detail={
            "path": request.path,
            "query": request.GET.urlencode()[:500],
            "token": token.prefix,
            "rows": rows,
        },
        request=request,
    )


def _private(response: HttpResponse, token: ApiToken | None) -> None:
    response["Vary"] = "Authorization"
    if token is not None:
        response["Cache-Control"] = "private, no-store"


PageNumber = Query(1, ge=1, description="Page number, from 1.")
PageSize = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")
Year = Query(None, ge=2000, le=2100, description="Year of the 31 March snapshot.")
RegionFilter = Query(None, description="NHS England region (ODS code).")
TypeFilter = Query(None, alias="type", description="Organisation type.")
SectorFilter = Query(None, description="Sector (NHS trusts).")
OrganisationFilter = Query(None, max_length=10, description="ODS code.")
OdsCode = Path(..., description="The organisation's ODS code, e.g. RJ1.")
By = Query("national", description="National figures, or one row per region, type, sector or ICB.")


# -- Endpoints -------------------------------------------------------------------------------


@api.get(
    "/organisations",
    response={200: OrganisationPageOut, **ERRORS},
    openapi_extra=TOKEN_OPTIONAL,
    tags=["organisations"],
    summary="Organisations",
)
def organisations(
    request: HttpRequest,
    response: HttpResponse,
    region: Region | None = RegionFilter,
    org_type: OrganisationType | None = TypeFilter,
    sector: Sector | None = SectorFilter,
    page: int = PageNumber,
    page_size: int = PageSize,
) -> dict[str, Any]:
    """Organisations of the register, by ODS code."""
    found = selectors.organisation_list(
        region=region.value if region else None,
        org_type=org_type.value if org_type else None,
        sector=sector.value if sector else None,
    )
    envelope = _page(request, found.count(), page, page_size)
    start = (page - 1) * page_size
    envelope["results"] = [_organisation(o) for o in found[start : start + page_size]]
    _private(response, None)
    return envelope


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {
        "ods_code": organisation.ods_code,
        "name": organisation.name,
        "type": organisation.org_type,
        "type_label": organisation.get_org_type_display(),
        "sector": organisation.sector,
        "region": organisation.region,
        "region_name": organisation.get_region_display(),
        "icb": organisation.parent_icb_code,
        "opened_on": organisation.opened_on,
        "closed_on": organisation.closed_on,
    }


@api.get(
    "/organisations/{ods_code}",
    response={200: OrganisationOut, **ERRORS},
    openapi_extra=TOKEN_OPTIONAL,
    tags=["organisations"],
    summary="One organisation",
)
def organisation(request: HttpRequest, ods_code: str = OdsCode) -> dict[str, Any]:
    """One organisation by its ODS code (404 if no organisation has it)."""
    return _organisation(_find_organisation(ods_code))


@api.get(
    "/collections",
    response={200: CollectionPageOut, **ERRORS},
    openapi_extra=TOKEN_OPTIONAL,
    tags=["collections"],
    summary="Published collections",
)
def collections(
    request: HttpRequest, page: int = PageNumber, page_size: int = PageSize
) -> dict[str, Any]:
    """Published collections, newest first, each with its publications and what changed."""
    published = selectors.published_collection_list()
    envelope = _page(request, len(published), page, page_size)
    start = (page - 1) * page_size
    envelope["results"] = [
        {
            "year": collection.year,
            "name": collection.name,
            "snapshot_date": collection.snapshot_date,
            "publication": _publication(publications[0]),
            "publications": [_publication(p) for p in publications],
        }
        for collection, publications in published[start : start + page_size]
    ]
    return envelope


def _publication(publication: Any) -> dict[str, Any]:
    return {
        "number": publication.number,
        "published_at": publication.published_at,
        "returns": publication.return_count,
        "changes": {k: v for k, v in publication.changes.items() if k != "aggregates"},
        "aggregates": selectors.aggregates_pending(publication),
    }


@api.get(
    "/returns",
    response={200: PublishedReturnPageOut, **ERRORS},
    openapi_extra=TOKEN_OPTIONAL,
    tags=["returns"],
    summary="Published returns with their figures",
)
def returns(
    request: HttpRequest,
    response: HttpResponse,
    year: int | None = Year,
    region: Region | None = RegionFilter,
    org_type: OrganisationType | None = TypeFilter,
    sector: Sector | None = SectorFilter,
    organisation: str | None = OrganisationFilter,
    page: int = PageNumber,
    page_size: int = PageSize,
) -> dict[str, Any]:
    """One row per published organisation-year, by organisation then year: every item and
    metric as published (suppressed unless the token allows)."""
    release = _release()
    positions = selectors.published_return_positions(
        release,
        year=_published_year(release, year),
        region=region.value if region else None,
        org_type=org_type.value if org_type else None,
        sector=sector.value if sector else None,
        organisation=_known_organisation(organisation),
    )
    envelope = _page(request, len(positions), page, page_size)
    token = _token(request)
    start = (page - 1) * page_size
    envelope["results"] = selectors.published_return_rows(
        release, positions[start : start + page_size], suppressed=token is None
    )
    envelope["figures"] = "suppressed" if token is None else "unsuppressed"
    if token is not None:
        _record_unsuppressed(request, token, release, len(envelope["results"]))
    _private(response, token)
    return envelope


@api.get(
    "/aggregates",
    response={200: AggregatePageOut, **ERRORS},
    openapi_extra=TOKEN_OPTIONAL,
    tags=["aggregates"],
    summary="National and group aggregates",
)
def aggregates(
    request: HttpRequest,
    response: HttpResponse,
    by: Literal["national", "region", "type", "sector", "icb"] = By,
    year: int | None = Year,
    page: int = PageNumber,
    page_size: int = PageSize,
) -> dict[str, Any]:
    """Figures pooled from published counts, by year (and region, type, sector or ICB). Groups
    of fewer than 3 organisations are suppressed whole in the public figures, and no count can
    be found by subtracting one published group from another."""
    release = _release()
    token = _token(request)
    rows = selectors.aggregate_rows(
        release, by=by, year=_published_year(release, year), suppressed=token is None
    )
    envelope = _page(request, len(rows), page, page_size)
    start = (page - 1) * page_size
    envelope["results"] = rows[start : start + page_size]
    envelope["by"] = by
    envelope["figures"] = "suppressed" if token is None else "unsuppressed"
    if token is not None:
        _record_unsuppressed(request, token, release, len(envelope["results"]))
    _private(response, token)
    return envelope
