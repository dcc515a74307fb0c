"""Dashboard pages: the national dashboard, a page per measure, chart data as CSV, and
"where to engage" for the WRES team. Every figure is read from the stored snapshot."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dashboards.engage import LISTS
from dashboards.figures import show, show_change
from dashboards.measures import ENGAGE_INDICATORS, MEASURE_BY_SLUG, MEASURES
from dashboards.snapshot import Snapshot, dashboard_open
from extracts.suppression import MARK, NOTE


def present_chart(chart: dict[str, Any]) -> dict[str, Any]:
    """A chart with its table's cells formatted for display."""
    units = [c["unit"] for c in chart["columns"]]
    rows = [
        [
            str(cell) if unit in ("year", "text") else show(cell, unit)
            for cell, unit in zip(row, units, strict=True)
        ]
        for row in chart["rows"]
    ]
    return {**chart, "display_rows": rows, "has_mark": any(MARK in r for r in rows)}


def _headline_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    years = snapshot.years
    out = []
    for measure in MEASURES:
        for figure in snapshot.data["headlines"][measure.slug]:
            unit = figure["unit"]
            latest = show(figure["latest"], unit)
            if "low" in figure:
                low = figure["low"][str(years[-1])]
                high = figure["high"][str(years[-1])]
                latest += f" (95% interval {show(low, unit)} to {show(high, unit)})"
            if "of" in figure:
                latest += f" of {show(figure['of'][str(years[-1])], 'count')}"
            out.append(
                {
                    "measure": measure,
                    "label": figure["label"],
                    "first_of_measure": figure["key"] == "value",
                    "latest": latest,
                    "change_previous": show_change(figure["change_previous"], unit),
                    "change_first": show_change(figure["change_first"], unit),
                }
            )
    return out


def _snapshot_or_none() -> Snapshot | None:
    return dashboard_open()


@require_safe
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Headline figures for the latest published year, and the overview charts."""
    snapshot = _snapshot_or_none()
    context: dict[str, Any] = {"snapshot": snapshot, "measures": MEASURES, "note": NOTE}
    if snapshot is not None and snapshot.years:
        charts = snapshot.data["charts"]
        context |= {
            "years": snapshot.years,
            "headlines": _headline_rows(snapshot),
            "overview": [
                present_chart(charts[c]) for c in ("overview-shares", "overview-likelihoods")
            ],
        }
    return render(request, "dashboards/national.jinja", context)


@require_safe
def methodology_view(request: HttpRequest) -> HttpResponse:
    """How published figures are protected (spec section 6), in plain English."""
    return render(request, "dashboards/methodology.jinja", {})


@require_safe
def measure_view(request: HttpRequest, slug: str) -> HttpResponse:
    """One measure: its trend, the spread across organisations, and its breakdowns."""
    measure = MEASURE_BY_SLUG.get(slug)
    if measure is None:
        raise Http404("There is no dashboard measure of that name")
    snapshot = _snapshot_or_none()
    if snapshot is None or not snapshot.years:
        raise Http404("Nothing has been published yet")
    charts = [present_chart(c) for c in snapshot.data["charts"].values() if c["measure"] == slug]
    return render(
        request,
        "dashboards/measure.jinja",
        {"measure": measure, "charts": charts, "years": snapshot.years, "note": NOTE},
    )


@require_safe
def chart_csv_view(request: HttpRequest, chart_id: str) -> HttpResponse:
    """The data of one chart, as shown in its table (suppressed figures as ``[c]``)."""
    snapshot = _snapshot_or_none()
    chart = snapshot.data["charts"].get(chart_id) if snapshot is not None else None
    if chart is None:
        raise Http404("There is no chart of that name")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c["label"] for c in chart["columns"]])
    for row in chart["rows"]:
        writer.writerow(["" if cell is None else cell for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wres-{chart_id}.csv"'
    return response


@login_required
@require_safe
def engage_view(request: HttpRequest) -> HttpResponse:
    """Where to engage (reviewers and national admins): unsuppressed figures per indicator."""
    if not request.user.has_perm("review.review_returns"):
        raise PermissionDenied
    wanted = request.GET.get("indicator", "")
    if wanted and wanted not in {str(k) for k in ENGAGE_INDICATORS}:
        raise Http404("Choose indicator 2, 3 or 4")
    snapshot = _snapshot_or_none()
    sections = []
    years: list[int] = []
    if snapshot is not None and snapshot.years:
        engage = snapshot.data["engage"]
        years = engage.get("years", [])
        for k in ENGAGE_INDICATORS:
            if wanted and str(k) != wanted:
                continue
            measure = next(m for m in MEASURES if m.indicator == k and m.kind == "rl")
            lists = [
                {
                    "key": key,
                    "title": title,
                    "entries": [
                        {
                            **entry,
                            "cells": [_rl_cell(f) for f in entry["figures"]],
                        }
                        for entry in engage[str(k)][key]
                    ],
                }
                for key, title in LISTS
            ]
            sections.append({"indicator": k, "measure": measure, "lists": lists})
    return render(
        request,
        "dashboards/engage.jinja",
        {"sections": sections, "years": years, "wanted": wanted},
    )


def _rl_cell(figure: dict[str, Any]) -> str:
    text = show(figure["rl"], "ratio")
    if figure["low"] is not None and figure["high"] is not None:
        text += f" ({show(figure['low'], 'ratio')} to {show(figure['high'], 'ratio')})"
    return text
