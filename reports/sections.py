"""The charts of the national report, each with its table and text summary, for one year.

Every figure comes from what is already published: the dashboard snapshot's headline figures
(pooled national figures, year by year, suppressed), the publication's pooled aggregates with
their masks (:func:`extracts.release.aggregates_of`, as ``/api/aggregates`` serves them), and
the organisations' public figures (metrics, never counts: spec 6.1). Nothing here pools a count:
a breakdown that needs one reads it from the aggregates, ``[c]`` where their mask hides it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import pandas as pd

from dashboards import charts
from dashboards.figures import direction_words, is_number, show
from dashboards.measures import Measure
from extracts.suppression import MARK, MIN_AGGREGATE_ORGANISATIONS
from indicators.model_employer import ModelEmployer
from organisations.models import Organisation, Region, TrustType

REGION_LABELS: Final = dict(Region.choices)
TRUST_TYPE_LABELS: Final = {"": "No ERIC trust type (ICBs, independent and others)"} | dict(
    TrustType.choices
)
UNIT_FORMAT: Final = {"percent": ".0f", "pp": ".1f", "ratio": ".2f"}
UNIT_TITLE: Final = {"percent": "%", "pp": "percentage points", "ratio": "relative likelihood"}
RL_REFERENCES: Final = (1.0, 0.8, 1.25)
#: Fewest organisations a distribution (quartiles) is published over, as on the dashboard.
MIN_SPREAD_ORGANISATIONS: Final = 10
#: *A Model Employer* (2019): senior BME representation to match the workforce by 2028.
ME_BASE_YEAR: Final = 2018
ME_TARGET_YEAR: Final = 2028


def pooled(entry: dict[str, Any] | None, code: str) -> Any:
    """A pooled figure of one aggregate row as published: ``[c]`` where its mask hides it."""
    if entry is None:
        return None
    if code in entry["suppressed"]:
        return MARK
    return entry["figures"].get(code)


def _num(value: Any) -> float | None:
    return float(value) if is_number(value) else None


def chart(
    chart_id: str,
    title: str,
    summary: str,
    columns: Sequence[tuple[str, str, str]],
    rows: list[list[Any]],
    spec: dict[str, Any],
) -> dict[str, Any]:
    """A chart as the dashboard's chart template reads it (id, title, summary, columns, rows,
    SVG), drawn by :mod:`dashboards.charts`."""
    return {
        "id": chart_id,
        "title": title,
        "summary": summary,
        "columns": [{"key": k, "label": label, "unit": unit} for k, label, unit in columns],
        "rows": rows,
        "svg": charts.svg_of(spec, chart_id),
    }


def trend(m: Measure, figure: dict[str, Any], years: list[int]) -> dict[str, Any]:
    """The national figure of ``m`` over the published years up to the report's year."""
    unit, year = figure["unit"], years[-1]
    interval = "low" in figure
    rows, data = [], []
    for y in years:
        value = figure["values"].get(str(y))
        low = figure["low"].get(str(y)) if interval else None
        high = figure["high"].get(str(y)) if interval else None
        rows.append([y, value, low, high] if interval else [y, value])
        if is_number(value):
            data.append({"year": y, "value": value, "low": _num(low), "high": _num(high)})
    columns = [("year", "Year", "year"), ("value", figure["label"], unit)]
    if interval:
        columns += [("low", "95% interval, lower", unit), ("high", "95% interval, upper", unit)]
    latest = figure["values"].get(str(year))
    summary = f"{m.title}: {show(latest, unit)} in {year}"
    if len(years) > 1:
        before = figure["values"].get(str(years[-2]))
        first = figure["values"].get(str(years[0]))
        summary += (
            f", {direction_words(_change(latest, before), unit)} on {years[-2]} and "
            f"{direction_words(_change(latest, first), unit)} since {years[0]} "
            f"({show(first, unit)})"
        )
    summary += "."
    if m.kind == "rl":
        summary += " The dashed line marks 1 (equal likelihood); dotted lines mark 0.80 and 1.25."
    spec = charts.trend_chart(
        data,
        y_title=UNIT_TITLE[unit],
        fmt=UNIT_FORMAT[unit],
        interval=interval,
        references=RL_REFERENCES if m.kind == "rl" else (),
    )
    title = f"{m.short}: national trend, {years[0]} to {year}"
    return chart(f"report-{m.slug}-trend", title, summary, columns, rows, spec)


def _change(later: Any, earlier: Any) -> float | None:
    if is_number(later) and is_number(earlier):
        return float(later) - float(earlier)
    return None


def organisations(
    m: Measure, figures: list[dict[str, Any]], years: list[int]
) -> dict[str, Any] | None:
    """Shares of organisations (inside 0.80-1.25 and significantly adverse; or, for the board,
    with no BME board member and with three or more), year by year."""
    parts = [f for f in figures if f["key"] != "value"]
    if not parts:
        return None
    as_share = m.kind == "board"
    rows, data = [], []
    for y in years:
        row: list[Any] = [y]
        for f in parts:
            value = f["values"].get(str(y))
            if as_share:
                total = _num(f["of"].get(str(y)))
                share = 100 * value / total if is_number(value) and total else None
                row += [value, f["of"].get(str(y)), share]
                value = share
            else:
                row.append(value)
            if is_number(value):
                data.append({"year": y, "series": f["label"], "value": value})
        rows.append(row)
    columns: list[tuple[str, str, str]] = [("year", "Year", "year")]
    for f in parts:
        if as_share:
            columns += [
                (f["key"], f["label"], "count"),
                (f"{f['key']}_of", "Organisations reporting", "count"),
                (f"{f['key']}_pct", "% of reporting", "percent"),
            ]
        else:
            columns.append((f["key"], f"{f['label']} (%)", "percent"))
    bits = []
    for i, f in enumerate(parts):
        value = rows[-1][1 + (3 * i + 2 if as_share else i)]
        bits.append(f"{f['label'].lower()}: {show(value, 'percent')}")
    summary = f"In {years[-1]}, " + "; ".join(bits) + " of organisations reporting."
    summary += " Each line has its own dash pattern and point shape."
    spec = charts.series_chart(
        data, y_title="% of organisations", fmt=".0f", order=[f["label"] for f in parts]
    )
    title = f"{m.short}: organisations, {years[0]} to {years[-1]}"
    return chart(f"report-{m.slug}-organisations", title, summary, columns, rows, spec)


def by_region(
    m: Measure, aggregates: dict[str, Any], public: pd.DataFrame, year: int, national: Any
) -> dict[str, Any]:
    """The pooled figure of each region (the published aggregates, ``[c]`` as published);
    the Staff Survey gaps, which cannot be pooled, as the median across organisations."""
    unit, interval = m.unit, m.kind == "rl"
    rows: list[list[Any]] = []
    if m.national is None:
        rows = _medians(public, "region", m.organisation, REGION_LABELS)
    else:
        for entry in aggregates.get("region", []):
            if int(entry["figures"]["year"]) != year:
                continue
            group = str(entry["figures"]["region"])
            row = [
                REGION_LABELS.get(group, group),
                entry["figures"].get("organisations"),
                pooled(entry, m.national),
            ]
            if interval:
                k = m.indicator
                row += [pooled(entry, f"i{k}.rl_ci_low"), pooled(entry, f"i{k}.rl_ci_high")]
            rows.append(row)
        rows.sort(key=lambda r: str(r[0]))
    label = m.short if m.national else f"{m.short} (median across organisations)"
    columns = [
        ("region", "Region", "text"),
        ("organisations", "Organisations", "count"),
        ("value", label, unit),
    ]
    if interval:
        columns += [("low", "95% interval, lower", unit), ("high", "95% interval, upper", unit)]
    return _groups(f"report-{m.slug}-region", f"{m.short} by region, {year}", m, rows, columns,
                   national, interval=interval)  # fmt: skip


def by_trust_type(m: Measure, public: pd.DataFrame, year: int) -> dict[str, Any]:
    """The median of the organisations' own published figures for each ERIC trust type.

    Pooled aggregates are published by region, organisation type, sector and ICB, not by trust
    type; a pooled count per trust type could be subtracted from its sector's to give back a
    suppressed one (spec 6.2). Organisation figures are public (spec 6.1), so a median of them
    discloses nothing new; fewer than 3 organisations show ``[c]``, as on the dashboard."""
    rows = _medians(public, "trust_type", m.organisation, TRUST_TYPE_LABELS)
    values = public[m.organisation].dropna()
    national = float(values.median()) if len(values) >= MIN_AGGREGATE_ORGANISATIONS else None
    columns = [
        ("trust_type", "Trust type", "text"),
        ("organisations", "Organisations with a figure", "count"),
        ("value", f"{m.short} (median across organisations)", m.unit),
    ]
    title = f"{m.short} by trust type, {year} (median across organisations)"
    return _groups(f"report-{m.slug}-trust-type", title, m, rows, columns, national,
                   interval=False)  # fmt: skip


def _medians(public: pd.DataFrame, key: str, code: str, labels: dict[str, str]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for group, values in public.groupby(public[key].fillna("").astype(str))[code]:
        values = values.dropna()
        n = len(values)
        median = float(values.median()) if n >= MIN_AGGREGATE_ORGANISATIONS else MARK
        rows.append([labels.get(str(group), str(group) or "Not recorded"), n, median])
    return sorted(rows, key=lambda r: str(r[0]))


def _groups(
    chart_id: str,
    title: str,
    m: Measure,
    rows: list[list[Any]],
    columns: list[tuple[str, str, str]],
    national: Any,
    *,
    interval: bool,
) -> dict[str, Any]:
    unit = m.unit
    shown = [r for r in rows if is_number(r[2])]
    data = [
        {"group": r[0], "value": r[2], "low": _num(r[3]), "high": _num(r[4])}
        if interval
        else {"group": r[0], "value": r[2]}
        for r in shown
    ]
    summary = f"Nationally {show(national, unit)} (dashed line)."
    if shown:
        top = max(shown, key=lambda r: float(r[2]))
        bottom = min(shown, key=lambda r: float(r[2]))
        summary += (
            f" Highest: {top[0]} ({show(top[2], unit)}); lowest: {bottom[0]} "
            f"({show(bottom[2], unit)})."
        )
    hidden = len(rows) - len(shown)
    if hidden:
        summary += f" {hidden} group(s) not shown: too few organisations or small numbers."
    spec = charts.groups_chart(
        data,
        x_title=UNIT_TITLE[unit],
        fmt=UNIT_FORMAT[unit],
        interval=interval,
        national=_num(national),
        references=(1.0,) if interval else (),
    )
    return chart(chart_id, title, summary, columns, rows, spec)


def spread(m: Measure, snapshot_chart: dict[str, Any], years: list[int]) -> dict[str, Any]:
    """The dashboard's spread across organisations (percentiles of every organisation's
    published figure; no figure counted as such, never as 0), up to the report's year."""
    rows = [r for r in snapshot_chart["rows"] if int(r[0]) in years]
    columns = [(c["key"], c["label"], c["unit"]) for c in snapshot_chart["columns"]]
    keys = ("year", "p10", "q1", "median", "q3", "p90")
    data = [dict(zip(keys, [r[0], *r[3:8]], strict=True)) for r in rows if is_number(r[5])]
    unit, last = m.unit, rows[-1]
    if is_number(last[5]):
        summary = (
            f"Across the {last[1]:,} organisations with a published figure in {years[-1]}, the "
            f"middle half ranged from {show(last[4], unit)} to {show(last[6], unit)} "
            f"(median {show(last[5], unit)}). "
        )
    else:
        summary = (
            f"In {years[-1]} fewer than {MIN_SPREAD_ORGANISATIONS} organisations have a "
            "published figure: the spread is not shown. "
        )
    if last[2]:
        summary += f"{last[2]:,} organisations have no figure and are not counted as 0. "
    summary += (
        "Boxes show the quartiles, the thick tick the median, the whiskers the 10th and 90th "
        "percentiles."
    )
    spec = charts.spread_chart(
        data,
        y_title=UNIT_TITLE[unit],
        fmt=UNIT_FORMAT[unit],
        references=RL_REFERENCES if m.kind == "rl" else (),
    )
    title = f"{m.short}: spread across organisations, {years[0]} to {years[-1]}"
    return chart(f"report-{m.slug}-spread", title, summary, columns, rows, spec)


def model_employer(headlines: dict[str, list[dict[str, Any]]], years: list[int]) -> dict[str, Any]:
    """National BME shares of bands 8a+ and of VSMs against the Model Employer trajectory: from
    their shares in the base year (2018, or the first published year after it) to the
    workforce's BME share that year, by 2028 (portal rule, after *A Model Employer*, 2019)."""
    values = {s: headlines[s][0]["values"] for s in ("workforce", "senior", "vsm")}
    base = next((y for y in years if y >= ME_BASE_YEAR), years[0])
    target = _num(values["workforce"].get(str(base)))
    aim = ModelEmployer(
        base_year=base,
        target_year=ME_TARGET_YEAR,
        target_pct=target if target is not None else 0.0,
        base_pct={s: _num(values[s].get(str(base))) for s in ("senior", "vsm")},
    )
    names = {"senior": "Bands 8a+", "vsm": "VSM"}
    rows, data = [], []
    for y in years:
        row: list[Any] = [y]
        for s, name in names.items():
            actual = values[s].get(str(y))
            expected = aim.expected(s, y) if target is not None else None
            row += [actual, expected]
            for series, value in ((f"{name}: actual", actual), (f"{name}: trajectory", expected)):
                if is_number(value):
                    data.append({"year": y, "series": series, "value": value})
        rows.append(row)
    columns = [("year", "Year", "year")]
    for s, name in names.items():
        columns += [(f"{s}", f"{name} BME share", "percent"),
                    (f"{s}_expected", f"{name} trajectory", "percent")]  # fmt: skip
    order = [f"{n}: {kind}" for n in names.values() for kind in ("actual", "trajectory")]
    last = rows[-1]
    summary = (
        f"The trajectory runs from each grade's BME share in {base} to the workforce's BME "
        f"share that year ({show(target, 'percent')}) by {ME_TARGET_YEAR}. In {years[-1]}: "
        f"bands 8a+ {show(last[1], 'percent')} against {show(last[2], 'percent')} expected; "
        f"VSM {show(last[3], 'percent')} against {show(last[4], 'percent')} expected. "
        "Each line has its own dash pattern and point shape."
    )
    spec = charts.series_chart(data, y_title="%", fmt=".0f", order=order)
    title = f"Model Employer: senior BME shares against the trajectory, {years[0]} to {years[-1]}"
    return chart("report-model-employer", title, summary, columns, rows, spec)


def trust_types(codes: Sequence[str]) -> dict[str, str]:
    """Each organisation's ERIC trust type code (blank where it has none)."""
    return dict(
        Organisation.objects.filter(ods_code__in=list(codes)).values_list("ods_code", "trust_type")
    )
