"""The national report pages: the report for a published year, and its PDF."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.content import national_report, published_years
from reports.services import ReportBeingBuilt, national_report_pdf_build

_YEAR = re.compile(r"\d{4}")


def _year(text: str) -> int | None:
    return int(text) if _YEAR.fullmatch(text) else None


def _not_published(request: HttpRequest, text: str) -> HttpResponse:
    """404 in the NHS.UK layout, listing the years that are published."""
    return render(
        request,
        "reports/not_published.jinja",
        {"asked": text[:20], "years": published_years()},
        status=404,
    )


@require_safe
def national_report_view(request: HttpRequest, year: str) -> HttpResponse:
    """The national report for a published year."""
    wanted = _year(year)
    report = national_report(wanted) if wanted is not None else None
    if report is None:
        return _not_published(request, year)
    return render(request, "reports/national.jinja", {"report": report})


@require_safe
def national_report_pdf_view(request: HttpRequest, year: str) -> HttpResponse:
    """The national report as a PDF, built once per release and year and then served stored."""
    wanted = _year(year)
    try:
        built = national_report_pdf_build(year=wanted) if wanted is not None else None
    except ReportBeingBuilt:
        response = render(request, "reports/being_built.jinja", {"year": wanted}, status=503)
        response["Retry-After"] = "30"
        return response
    if built is None:
        return _not_published(request, year)
    _, data = built
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="wres-national-report-{wanted}.pdf"'
    return response
