"""Celery tasks of the reports app: thin wrappers that take ids and call one service."""

from __future__ import annotations

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
