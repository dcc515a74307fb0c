"""The dashboard snapshot: headline figures, chart data and SVGs, stored once per release.

:func:`dashboard_build` reads the stored release (its wide table, suppression mask and pooled
aggregates) and stores, beside it in the shared file store (ADR 0024),
``<release>.dashboard.json`` (headlines, every chart's summary, table rows and SVG, the "where to
engage" lists) and ``<release>.profiles.parquet`` (the organisation profile table with its mask,
peer ranks and Model Employer trajectory), both in one transaction. Pages only read these files
(:func:`dashboard_open`, :mod:`dashboards.profiles`): nothing is recomputed per request; each
process caches what it read by the stored file's fingerprint, so every node sees a rebuild.
:func:`snapshot_of` is the pure part, used by the benchmark.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from django.core.files.storage import Storage

from dashboards import charts
from dashboards.engage import engage_lists
from dashboards.figures import change, direction_words, is_number, show
from dashboards.measures import MEASURES, Measure
from dashboards.profiles import profile_table
from extracts.suppression import MARK, MIN_AGGREGATE_ORGANISATIONS
from filestore.files import file_fingerprints, file_replace
from organisations.models import Region, Sector

SNAPSHOT_VERSION: Final = 2
#: Fewest organisations a distribution (quartiles) is published over (portal rule).
MIN_SPREAD_ORGANISATIONS: Final = 10
NOT_SHOWN: Final = "Organisations with no figure"
REGION_LABELS: Final = dict(Region.choices)
SECTOR_LABELS: Final = {"": "No sector (ICBs, independent and others)", **dict(Sector.choices)}
UNIT_FORMAT: Final = {"percent": ".0f", "pp": ".1f", "ratio": ".2f"}
UNIT_TITLE: Final = {"percent": "%", "pp": "percentage points", "ratio": "relative likelihood"}
RL_REFERENCES: Final = (1.0, 0.8, 1.25)


def _value(entry: dict[str, Any] | None, code: str) -> Any:
    """A pooled figure of one aggregate row: ``[c]`` where its mask hides it."""
    if entry is None:
        return None
    if code in entry["suppressed"]:
        return MARK
    return entry["figures"].get(code)


def _num(value: Any) -> float | None:
    return float(value) if is_number(value) else None


@dataclass
class _Context:
    frame: pd.DataFrame  # organisation-years (unsuppressed), the columns the dashboard needs
    public: pd.DataFrame  # the measures' organisation figures, NaN where the mask hides them
    hidden: pd.DataFrame  # per year, how many organisations' figures the mask hides
    aggregates: dict[str, Any]
    years: list[int]
    medians: dict[str, dict[int, Any]]

    @property
    def latest(self) -> int:
        return self.years[-1]

    def national(self, year: int) -> dict[str, Any] | None:
        for entry in self.aggregates.get("national", []):
            if int(entry["figures"]["year"]) == year:
                return dict(entry)
        return None

    def groups(self, key: str, year: int) -> list[dict[str, Any]]:
        return [e for e in self.aggregates.get(key, []) if int(e["figures"]["year"]) == year]


def _chart(
    chart_id: str,
    measure: str,
    title: str,
    summary: str,
    columns: list[tuple[str, str, str]],
    rows: list[list[Any]],
    svg: str,
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "measure": measure,
        "title": title,
        "summary": summary,
        "columns": [{"key": k, "label": label, "unit": unit} for k, label, unit in columns],
        "rows": rows,
        "svg": svg,
    }


def _headline_figures(ctx: _Context, m: Measure) -> list[dict[str, Any]]:
    """Each headline figure of a measure, year by year, with its changes."""
    figures: list[dict[str, Any]] = []

    def add(key: str, label: str, unit: str, values: dict[int, Any], **extra: Any) -> None:
        latest = values.get(ctx.latest)
        previous = values.get(ctx.latest - 1)
        first = values.get(ctx.years[0])
        figures.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "values": {str(y): v for y, v in values.items()},
                "latest": latest,
                "change_previous": change(latest, previous),
                "change_first": change(latest, first),
                **extra,
            }
        )

    if m.kind == "survey":
        add("value", "Median gap across organisations", "pp", _survey_medians(ctx, m))
        return figures
    assert m.national is not None
    rows = {y: ctx.national(y) for y in ctx.years}
    values = {y: _value(rows[y], m.national) for y in ctx.years}
    if m.kind == "rl":
        k = m.indicator
        low = {str(y): _value(rows[y], f"i{k}.rl_ci_low") for y in ctx.years}
        high = {str(y): _value(rows[y], f"i{k}.rl_ci_high") for y in ctx.years}
        add("value", "National relative likelihood", "ratio", values, low=low, high=high)
        inside, adverse = {}, {}
        for y, row in rows.items():
            with_rl = _num(_value(row, f"i{k}.orgs_with_rl"))
            outside = _num(_value(row, f"i{k}.orgs_outside_range"))
            sig = _num(_value(row, f"i{k}.orgs_significantly_adverse"))
            ok = with_rl is not None and with_rl > 0
            inside[y] = 100 * (with_rl - outside) / with_rl if ok and outside is not None else None  # type: ignore[operator]
            adverse[y] = 100 * sig / with_rl if ok and sig is not None else None  # type: ignore[operator]
        add("inside", "Organisations inside 0.80 to 1.25", "percent", inside)
        add("adverse", "Organisations significantly adverse", "percent", adverse)
    elif m.kind == "board":
        add("value", "National BME share of voting board members", "percent", values)
        none = {y: _value(rows[y], "i9.orgs_no_bme_voting") for y in ctx.years}
        three = {y: _value(rows[y], "i9.orgs_three_plus_bme_voting") for y in ctx.years}
        reporting = {str(y): _value(rows[y], "i9.orgs_reporting") for y in ctx.years}
        add("none", "Organisations with no BME voting board member", "count", none, of=reporting)
        add("three", "Organisations with three or more", "count", three, of=reporting)
        board = {str(y): _value(rows[y], "i9.orgs_reporting_board") for y in ctx.years}
        no_member = {y: _value(rows[y], "i9.orgs_no_bme_member") for y in ctx.years}
        three_members = {y: _value(rows[y], "i9.orgs_three_plus_bme_members") for y in ctx.years}
        add("none_any", "Organisations with no BME board member at all", "count", no_member,
            of=board)  # fmt: skip
        add("three_any", "Organisations with three or more BME board members", "count",
            three_members, of=board)  # fmt: skip
    else:
        add("value", "National share", "percent", values)
    return figures


def _survey_medians(ctx: _Context, m: Measure) -> dict[int, Any]:
    """Median of the organisations' published (unsuppressed-in-public) figures, 3+ of them."""
    if m.slug not in ctx.medians:
        grouped = ctx.public.groupby("year")[m.organisation]
        counts, medians = grouped.count(), grouped.median()
        ctx.medians[m.slug] = {
            y: (float(medians[y]) if counts.get(y, 0) >= MIN_AGGREGATE_ORGANISATIONS else None)
            for y in ctx.years
        }
    return ctx.medians[m.slug]


def _public_frames(frame: pd.DataFrame, mask: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The measures' organisation figures as the public sees them (NaN where ``[c]``), and the
    number of organisations per year with no figure (null, or ``[c]``)."""
    codes = list(dict.fromkeys(m.organisation for m in MEASURES))
    public = frame[["year", "region", "sector", *codes]].copy()
    hidden = pd.DataFrame({"year": frame["year"].to_numpy()})
    for code in codes:
        values = pd.to_numeric(frame[code], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        masked = mask[code].to_numpy(dtype=bool) if code in mask else np.zeros(len(frame), bool)
        # Counted as having no figure (spec 6.3): null (missing data, zero denominator) or, for
        # a figure the rule ever hides, hidden; never counted as 0.
        hidden[code] = masked | np.isnan(values)
        public[code] = np.where(masked, np.nan, values)
    return public, hidden.groupby("year").sum()


def _trend(ctx: _Context, m: Measure, figure: dict[str, Any]) -> dict[str, Any]:
    unit = figure["unit"]
    interval = "low" in figure
    data = []
    rows = []
    for y in ctx.years:
        value = figure["values"][str(y)]
        low = figure["low"][str(y)] if interval else None
        high = figure["high"][str(y)] if interval else None
        rows.append([y, value, low, high] if interval else [y, value])
        if is_number(value):
            data.append({"year": y, "value": value, "low": _num(low), "high": _num(high)})
    chart_id = f"{m.slug}-trend"
    svg = charts.svg_of(
        charts.trend_chart(
            data,
            y_title=UNIT_TITLE[unit],
            fmt=UNIT_FORMAT[unit],
            interval=interval,
            references=RL_REFERENCES if m.kind == "rl" else (),
        ),
        chart_id,
    )
    columns = [("year", "Year", "year"), ("value", figure["label"], unit)]
    if interval:
        columns += [("low", "95% interval, lower", unit), ("high", "95% interval, upper", unit)]
    first = figure["values"][str(ctx.years[0])]
    summary = (
        f"{m.title}: {show(figure['latest'], unit)} in {ctx.latest}, "
        f"{direction_words(figure['change_previous'], unit)} on {ctx.latest - 1} and "
        f"{direction_words(figure['change_first'], unit)} since {ctx.years[0]} "
        f"({show(first, unit)})."
    )
    if m.kind == "rl":
        summary += " The dashed line marks 1 (equal likelihood); dotted lines mark 0.80 and 1.25."
    return _chart(
        chart_id, m.slug, f"{m.short}: trend since {ctx.years[0]}", summary, columns, rows, svg
    )


def _organisations(
    ctx: _Context, m: Measure, figures: list[dict[str, Any]]
) -> dict[str, Any] | None:
    parts = [f for f in figures if f["key"] != "value"]
    if not parts:
        return None
    chart_id = f"{m.slug}-organisations"
    data, rows = [], []
    as_share = m.kind == "board"
    for y in ctx.years:
        row: list[Any] = [y]
        for f in parts:
            value = f["values"][str(y)]
            if as_share:
                total = _num(f["of"][str(y)])
                share = 100 * value / total if is_number(value) and total else None
                row += [value, share]
                value = share
            else:
                row.append(value)
            if is_number(value):
                data.append({"year": y, "series": f["label"], "value": value})
        rows.append(row)
    order = [f["label"] for f in parts]
    svg = charts.svg_of(
        charts.series_chart(
            data,
            y_title="% of organisations",
            fmt=".0f",
            order=order,
        ),
        chart_id,
    )
    columns: list[tuple[str, str, str]] = [("year", "Year", "year")]
    for f in parts:
        if as_share:
            columns += [
                (f["key"], f["label"], "count"),
                (f"{f['key']}_pct", "% of reporting", "percent"),
            ]
        else:
            columns.append((f["key"], f"{f['label']} (%)", "percent"))
    latest = rows[-1]
    bits = []
    for i, f in enumerate(parts):
        value = latest[1 + (2 * i + 1 if as_share else i)]
        bits.append(f"{f['label'].lower()}: {show(value, 'percent')}")
    summary = f"In {ctx.latest}, " + "; ".join(bits) + " of organisations reporting."
    title = f"{m.short}: organisations"
    return _chart(chart_id, m.slug, title, summary, columns, rows, svg)


def _spread(ctx: _Context, m: Measure) -> dict[str, Any]:
    """Percentiles of every organisation's published figure (spec 6.3: metrics are never
    suppressed); an organisation with no figure is left out and counted as such, never as 0."""
    column = ctx.public[["year", m.organisation]].dropna()
    grouped = column.groupby("year")[m.organisation]
    quantiles = grouped.quantile(np.array([0.1, 0.25, 0.5, 0.75, 0.9])).unstack()
    counts = grouped.count()
    hidden = ctx.hidden[m.organisation]
    rows: list[list[Any]] = []
    data: list[dict[str, Any]] = []
    for y in ctx.years:
        n = int(counts.get(y, 0))
        not_shown = int(hidden.get(y, 0))
        if n >= MIN_SPREAD_ORGANISATIONS:
            q = [float(x) for x in quantiles.loc[y].to_numpy()]
            rows.append([y, n, not_shown, *q])
            data.append(
                dict(zip(("year", "p10", "q1", "median", "q3", "p90"), [y, *q], strict=True))
            )
        else:
            rows.append([y, n, not_shown, None, None, None, None, None])
    unit = m.unit
    chart_id = f"{m.slug}-spread"
    svg = charts.svg_of(
        charts.spread_chart(
            data,
            y_title=UNIT_TITLE[unit],
            fmt=UNIT_FORMAT[unit],
            references=RL_REFERENCES if m.kind == "rl" else (),
        ),
        chart_id,
    )
    columns = [
        ("year", "Year", "year"),
        ("organisations", "Organisations", "count"),
        ("not_shown", NOT_SHOWN, "count"),
    ] + [
        (k, label, unit)
        for k, label in (
            ("p10", "10th percentile"),
            ("q1", "Lower quartile"),
            ("median", "Median"),
            ("q3", "Upper quartile"),
            ("p90", "90th percentile"),
        )
    ]
    last = rows[-1]
    if is_number(last[5]):
        summary = (
            f"Across the {last[1]:,} organisations with a published figure in {ctx.latest}, the "
            f"middle half ranged from {show(last[4], unit)} to {show(last[6], unit)} "
            f"(median {show(last[5], unit)}); one in ten was below {show(last[3], unit)} and "
            f"one in ten above {show(last[7], unit)}. "
        )
    else:
        summary = (
            f"In {ctx.latest} fewer than {MIN_SPREAD_ORGANISATIONS} organisations have a "
            "published figure: the spread is not shown. "
        )
    if last[2]:
        summary += (
            f"{last[2]:,} organisations have no figure (missing data or a zero denominator) "
            "and are not in the spread, not counted as 0. "
        )
    summary += (
        "Boxes show the quartiles, the thick tick the median, the whiskers the 10th and 90th "
        "percentiles."
    )
    return _chart(
        chart_id, m.slug, f"{m.short}: spread across organisations", summary, columns, rows, svg
    )


def _breakdown(ctx: _Context, m: Measure, key: str) -> dict[str, Any]:
    labels = REGION_LABELS if key == "region" else SECTOR_LABELS
    unit = m.unit
    interval = m.kind == "rl"
    rows: list[list[Any]] = []
    if m.kind == "survey":
        latest = ctx.public[ctx.public["year"] == ctx.latest]
        for group, values in latest.groupby(key)[m.organisation]:
            values = values.dropna()
            n = len(values)
            median = float(values.median()) if n >= MIN_AGGREGATE_ORGANISATIONS else MARK
            rows.append([labels.get(str(group), str(group)), n, median])
        national = _survey_medians(ctx, m).get(ctx.latest)
    else:
        assert m.national is not None
        for entry in ctx.groups(key, ctx.latest):
            group = str(entry["figures"][key])
            row = [
                labels.get(group, group),
                entry["figures"].get("organisations"),
                _value(entry, m.national),
            ]
            if interval:
                k = m.indicator
                row += [_value(entry, f"i{k}.rl_ci_low"), _value(entry, f"i{k}.rl_ci_high")]
            rows.append(row)
        national = _value(ctx.national(ctx.latest), m.national)
    rows.sort(key=lambda r: str(r[0]))
    data = [
        {"group": r[0], "value": r[2], "low": _num(r[3]), "high": _num(r[4])}
        if interval
        else {"group": r[0], "value": r[2]}
        for r in rows
        if is_number(r[2])
    ]
    chart_id = f"{m.slug}-{key}"
    svg = charts.svg_of(
        charts.groups_chart(
            data,
            x_title=UNIT_TITLE[unit],
            fmt=UNIT_FORMAT[unit],
            interval=interval,
            national=_num(national),
            references=(1.0,) if interval else (),
        ),
        chart_id,
    )
    what = "region" if key == "region" else "sector"
    columns = [
        (what, "Region" if key == "region" else "Sector", "text"),
        ("organisations", "Organisations", "count"),
        ("value", m.short, unit),
    ]
    if interval:
        columns += [("low", "95% interval, lower", unit), ("high", "95% interval, upper", unit)]
    shown = [r for r in rows if is_number(r[2])]
    summary = f"In {ctx.latest}, nationally {show(national, unit)} (dashed line)."
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
    title = f"{m.short} by {what}, {ctx.latest}"
    return _chart(chart_id, m.slug, title, summary, columns, rows, svg)


def _overview(
    ctx: _Context,
    headlines: dict[str, list[dict[str, Any]]],
    slugs: tuple[str, ...],
    chart_id: str,
    title: str,
    unit: str,
) -> dict[str, Any]:
    by_slug = {m.slug: m for m in MEASURES}
    order = [by_slug[s].short for s in slugs]
    data, rows = [], []
    for y in ctx.years:
        row: list[Any] = [y]
        for s in slugs:
            value = headlines[s][0]["values"][str(y)]
            row.append(value)
            if is_number(value):
                data.append({"year": y, "series": by_slug[s].short, "value": value})
        rows.append(row)
    svg = charts.svg_of(
        charts.series_chart(
            data,
            y_title=UNIT_TITLE[unit],
            fmt=UNIT_FORMAT[unit],
            order=order,
            zero=unit != "ratio",
            references=(1.0,) if unit == "ratio" else (),
        ),
        chart_id,
    )
    columns = [("year", "Year", "year")] + [(s, by_slug[s].short, unit) for s in slugs]
    bits = [
        f"{by_slug[s].short} {show(rows[-1][i + 1], unit)} "
        f"({show(rows[0][i + 1], unit)} in {ctx.years[0]})"
        for i, s in enumerate(slugs)
    ]
    summary = (
        f"In {ctx.latest}: "
        + "; ".join(bits)
        + ". Each line has its own dash pattern and point shape."
        + (" The dashed grey line marks 1: equally likely." if unit == "ratio" else "")
    )
    return _chart(chart_id, "overview", title, summary, columns, rows, svg)


def snapshot_of(
    frame: pd.DataFrame,
    mask: pd.DataFrame,
    aggregates: dict[str, Any],
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The dashboard snapshot (JSON-ready) of a release's table (unsuppressed), its suppression
    mask and aggregates. Every public figure uses the suppressed values; only the "where to
    engage" lists (for the WRES team's own page) use the unsuppressed ones."""
    years = sorted(int(y) for y in frame["year"].unique())
    snapshot: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        "years": years,
        "headlines": {},
        "charts": {},
        "engage": {},
    }
    if not years:
        return snapshot
    public, hidden = _public_frames(frame, mask)
    ctx = _Context(frame, public, hidden, aggregates, years, {})
    chart_list: list[dict[str, Any]] = []
    for m in MEASURES:
        figures = _headline_figures(ctx, m)
        snapshot["headlines"][m.slug] = figures
        chart_list.append(_trend(ctx, m, figures[0]))
        extra = _organisations(ctx, m, figures)
        if extra is not None:
            chart_list.append(extra)
        chart_list.append(_spread(ctx, m))
        chart_list.append(_breakdown(ctx, m, "region"))
        chart_list.append(_breakdown(ctx, m, "sector"))
        if progress:
            progress(m.slug)
    chart_list.append(
        _overview(
            ctx,
            snapshot["headlines"],
            ("workforce", "senior", "vsm", "board"),
            "overview-shares",
            "BME shares since " + str(years[0]),
            "percent",
        )
    )
    chart_list.append(
        _overview(
            ctx,
            snapshot["headlines"],
            ("recruitment", "disciplinary", "training"),
            "overview-likelihoods",
            "Relative likelihoods since " + str(years[0]),
            "ratio",
        )
    )
    snapshot["charts"] = {c["id"]: c for c in chart_list}
    snapshot["engage"] = engage_lists(frame, years)
    return snapshot


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"not JSON: {type(value)}")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def snapshot_names(data_name: str) -> tuple[str, str]:
    """The stored names of the snapshot and profile table of the release table ``data_name``."""
    stem = data_name.removesuffix(".parquet")
    return f"{stem}.dashboard.json", f"{stem}.profiles.parquet"


def build_files(
    storage: Storage,
    data_name: str,
    mask_name: str,
    aggregates: dict[str, Any],
    links: pd.DataFrame | None = None,
) -> dict[str, float]:
    """Stores the snapshot and profile files beside a release's table; returns timings (s)."""
    from dashboards.profiles import READ_COLUMNS

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with storage.open(data_name) as handle:
        schema = pq.read_schema(handle).names
        columns = [c for c in READ_COLUMNS if c in schema]
        handle.seek(0)
        frame = pq.read_table(handle, columns=columns).to_pandas()
    with storage.open(mask_name) as handle:
        masked = set(pq.read_schema(handle).names)
        handle.seek(0)
        mask = pq.read_table(handle, columns=[c for c in columns if c in masked]).to_pandas()
    timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = snapshot_of(frame, mask, aggregates)
    timings["snapshot"] = time.perf_counter() - started
    started = time.perf_counter()
    profiles = profile_table(frame, mask, links)
    timings["profiles"] = time.perf_counter() - started
    json_name, profile_name = snapshot_names(data_name)
    text = json.dumps(
        _clean(snapshot), default=_json_default, allow_nan=False, separators=(",", ":")
    )
    with tempfile.TemporaryDirectory(prefix="wres-snapshot-") as work:
        json_file, profile_file = Path(work) / "dashboard.json", Path(work) / "profiles.parquet"
        profiles.to_parquet(profile_file, index=False, row_group_size=1000)
        json_file.write_text(text, encoding="utf-8")
        file_replace(storage, {profile_name: profile_file, json_name: json_file})
    return timings


def dashboard_build(*, publication: Any) -> str:
    """Builds the dashboard snapshot of ``publication``'s release (call right after
    ``extracts.release.release_build``); returns the snapshot's stored name."""
    from extracts.models import PublishedReturn
    from extracts.release import current_publications, release_stem, release_storage

    stem = release_stem(publication.release_file)
    data_name, mask_name = f"{stem}.parquet", f"{stem}.mask.parquet"
    links = pd.DataFrame.from_records(
        PublishedReturn.objects.filter(publication__in=current_publications()).values_list(
            "organisation__ods_code",
            "publication__collection__year",
            "version__report_url",
            "version__action_plan_url",
        ),
        columns=["organisation", "year", "report_url", "action_plan_url"],
    )
    build_files(release_storage(), data_name, mask_name, publication.aggregates or {}, links)
    return snapshot_names(data_name)[0]


@dataclass(frozen=True)
class Snapshot:
    """A loaded snapshot: its figures, the profile table's stored name and its fingerprint."""

    data: dict[str, Any]
    profile_name: str
    publication_id: int
    profile_fingerprint: str = ""

    @property
    def years(self) -> list[int]:
        return list(self.data["years"])


@lru_cache(maxsize=4)
def _load(storage: Storage, name: str, fingerprint: str) -> dict[str, Any]:
    with storage.open(name, "rb") as handle:
        return dict(json.loads(handle.read().decode("utf-8")))


def _fingerprints(storage: Storage, names: tuple[str, str]) -> tuple[str, str] | None:
    found = file_fingerprints(storage, list(names))
    if names[0] not in found or names[1] not in found:
        return None
    return found[names[0]], found[names[1]]


def dashboard_open() -> Snapshot | None:
    """The current release's snapshot, built now (once) if it is missing; ``None`` before any."""
    from extracts.release import release_open

    release = release_open()
    if release is None:
        return None
    storage = release.storage
    names = snapshot_names(release.data_name)
    found = _fingerprints(storage, names)
    if found is None:
        dashboard_build(publication=release.publication)
        found = _fingerprints(storage, names)
        assert found is not None
    data = _load(storage, names[0], found[0])
    if data.get("version") != SNAPSHOT_VERSION:
        dashboard_build(publication=release.publication)
        found = _fingerprints(storage, names)
        assert found is not None
        data = _load(storage, names[0], found[0])
    return Snapshot(data, names[1], release.publication.pk, found[1])
