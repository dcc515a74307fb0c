"""Celery tasks of the reports app: thin wrappers that take ids and call one service."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from wres_portal.celery import app


@app.task(  # type: ignore[untyped-decorator]
    name="reports.national_reports_build", time_limit=1800, soft_time_limit=1700
)
def national_reports_build() -> list[int]:
    """Builds the national report PDF of every published year that has none yet (for the
    publish pipeline to call after the release and dashboard are built, ADR 0025)."""
    from reports.content import published_years
    from reports.services import national_report_pdf_build

    built = []
    for year in published_years():
        if national_report_pdf_build(year=year) is not None:
            built.append(year)
    return built


def prebuild_after_publication(**_: object) -> None:
    """Queues the PDF build once a publication's release and snapshot are committed, so the
    first reader does not wait for it (``WRES_REPORT_PREBUILD``, on by default)."""
    if not getattr(settings, "WRES_REPORT_PREBUILD", True):
        return
    transaction.on_commit(national_reports_build.delay)
