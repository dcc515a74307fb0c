"""The national report for a published year: its sections, in the order of NHS England's annual
WRES data analysis report, assembled from published figures only (see :mod:`reports.sections`).

A report is assembled once a process for each release and year (:func:`national_report`): the
release's stored name changes with its content, so a republication is never served stale.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Final

import pandas as pd

from dashboards.engage import LISTS, engage_lists
from dashboards.figures import show, show_change
from dashboards.measures import ENGAGE_INDICATORS, MEASURE_BY_SLUG, MEASURES, Measure
from dashboards.snapshot import dashboard_open
from dashboards.views import present_chart
from extracts.models import Publication
from extracts.release import release_open
from extracts.suppression import MARK, NOTE
from organisations.models import OrganisationType
from reports import sections
from reports.sections import pooled

#: The parts of the report (id, heading), in order; each measure is in one of the first four.
PARTS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("workforce", "Workforce representation (indicator 1)", ("workforce", "senior", "vsm")),
    (
        "likelihoods",
        "Recruitment, disciplinary process and training (indicators 2 to 4)",
        ("recruitment", "disciplinary", "training"),
    ),
    (
        "staff-survey",
        "Staff Survey (indicators 5 to 8)",
        tuple(f"survey-{k}" for k in (5, 6, 7, 8)),
    ),
    ("board", "Board representation (indicator 9)", ("board",)),
)
TRUSTS: Final = OrganisationType.NHS_TRUST.value


def published_years() -> list[int]:
    """The years the current release publishes (empty before anything is published)."""
    snapshot = dashboard_open()
    return snapshot.years if snapshot is not None else []


def national_report(year: int) -> dict[str, Any] | None:
    """The report for ``year``, or ``None`` where that year is not published."""
    snapshot = dashboard_open()
    if snapshot is None or year not in snapshot.years:
        return None
    publication = Publication.objects.only("pk", "release_file").get(pk=snapshot.publication_id)
    return _report(publication.pk, publication.release_file, year)


def report_cache_clear() -> None:
    """Forget the assembled reports (tests that change published figures in place)."""
    _report.cache_clear()


@lru_cache(maxsize=6)
def _report(publication_id: int, release_file: str, year: int) -> dict[str, Any]:
    snapshot = dashboard_open()
    assert snapshot is not None
    publication = Publication.objects.get(pk=publication_id)
    aggregates = publication.aggregates or {}
    years = [y for y in snapshot.years if y <= year]
    history = _public_history(years)
    public = history[history["year"] == year].copy()
    types = sections.trust_types(public["organisation"].astype(str).unique().tolist())
    public["trust_type"] = public["organisation"].map(types).fillna("")
    headlines: dict[str, list[dict[str, Any]]] = snapshot.data["headlines"]
    parts = []
    for part_id, title, slugs in PARTS:
        blocks = []
        for slug in slugs:
            m = MEASURE_BY_SLUG[slug]
            figures = headlines[slug]
            national = figures[0]["values"].get(str(year))
            found = [
                sections.trend(m, figures[0], years),
                sections.organisations(m, figures, years),
                sections.by_region(m, aggregates, public, year, national),
                sections.by_trust_type(m, public, year),
                sections.spread(m, snapshot.data["charts"][f"{slug}-spread"], years),
            ]
            blocks.append(
                {
                    "id": f"indicator-{slug}",
                    "title": m.title,
                    "paragraphs": [m.reading],
                    "charts": [present_chart(c) for c in found if c is not None],
                }
            )
        parts.append({"id": part_id, "title": title, "blocks": blocks})
    support, improvers = _support(history, years)
    return {
        "year": year,
        "years": years,
        "publication": {
            "id": publication.pk,
            "number": publication.number,
            "published_at": publication.published_at,
        },
        "summary": _summary(headlines, aggregates, year),
        "parts": parts,
        "model_employer": present_chart(sections.model_employer(headlines, years)),
        "support": support,
        "improvers": improvers,
        "impact": _impact(),
        "note": NOTE,
    }


def _impact() -> dict[str, Any]:
    """ "Did it help?": each indicator's comparison of engaged organisations with comparable ones
    not engaged (engagement/impact.py), where there are enough engaged organisations to give
    one. Only group sizes and differences appear, never which organisations were engaged. The
    report is assembled once per release, so it shows the engagements recorded by then."""
    from engagement.impact import CAVEAT, HORIZONS, impact_of
    from engagement.selectors import impact_inputs

    inputs = impact_inputs()
    rows: list[dict[str, Any]] = []
    if inputs is not None:
        figures, places, engaged = inputs
        if not engaged.empty:
            for effect in impact_of(figures, places, engaged):
                if effect.enough:
                    rows.append(
                        {
                            "indicator": effect.indicator,
                            "horizon": effect.horizon,
                            "engaged": effect.engaged,
                            "comparison": effect.comparison,
                            "ratio": effect.ratio,
                            "low": math.exp(effect.low) if effect.low is not None else None,
                            "high": math.exp(effect.high) if effect.high is not None else None,
                            "clear": effect.clear,
                        }
                    )
    return {"rows": rows, "horizons": HORIZONS, "caveat": CAVEAT}


def _public_history(years: list[int]) -> pd.DataFrame:
    """Every organisation's public figures (no counts, spec 6.1) in ``years``."""
    release = release_open()
    assert release is not None
    frames = [frame for frame, _ in release.batches(years=years, suppressed=True)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _group(aggregates: dict[str, Any], key: str, value: str, year: int) -> dict[str, Any] | None:
    rows = aggregates.get("national" if key == "national" else key, [])
    for entry in rows:
        figures = entry["figures"]
        if int(figures["year"]) == year and (key == "national" or figures.get(key) == value):
            return dict(entry)
    return None


def _share_of(entry: dict[str, Any] | None, part: str, whole: str) -> Any:
    """100 x part / whole of two pooled counts of organisations; ``[c]`` if either is hidden."""
    top, bottom = pooled(entry, part), pooled(entry, whole)
    if MARK in (top, bottom):
        return MARK
    if top is None or not bottom:
        return None
    return 100 * float(top) / float(bottom)


def _inside_share(entry: dict[str, Any] | None, k: int) -> Any:
    outside, with_rl = (
        pooled(entry, f"i{k}.orgs_outside_range"),
        pooled(entry, f"i{k}.orgs_with_rl"),
    )
    if MARK in (outside, with_rl):
        return MARK
    if outside is None or not with_rl:
        return None
    return 100 * (float(with_rl) - float(outside)) / float(with_rl)


def _fact_rows(entry: dict[str, Any] | None) -> list[tuple[str, str, Any]]:
    """(label, unit, value) of each headline fact in one aggregate row."""
    rows: list[tuple[str, str, Any]] = [
        ("BME share of the workforce", "percent", pooled(entry, "i1.total.bme_pct")),
        ("BME share of very senior managers (VSMs)", "percent", pooled(entry, "i1.vsm.bme_pct")),
        ("BME share of bands 8a and above", "percent", pooled(entry, "i1.senior.bme_pct")),
        ("Organisations with no BME board member", "count", pooled(entry, "i9.orgs_no_bme_member")),
        (
            "Organisations with three or more BME board members",
            "count",
            pooled(entry, "i9.orgs_three_plus_bme_members"),
        ),
        ("Organisations reporting their board", "count", pooled(entry, "i9.orgs_reporting_board")),
    ]
    for k in ENGAGE_INDICATORS:
        m = next(m for m in MEASURES if m.indicator == k and m.kind == "rl")
        rows.append((f"{m.short}: organisations inside 0.80 to 1.25", "percent",
                     _inside_share(entry, k)))  # fmt: skip
        rows.append(
            (
                f"{m.short}: organisations significantly adverse",
                "percent",
                _share_of(entry, f"i{k}.orgs_significantly_adverse", f"i{k}.orgs_with_rl"),
            )
        )
    return rows


def _summary(
    headlines: dict[str, list[dict[str, Any]]], aggregates: dict[str, Any], year: int
) -> dict[str, Any]:
    """The headline facts for NHS trusts (the report's subject) and for all organisations, with
    the change since the year before, from the published aggregates."""
    trusts = _fact_rows(_group(aggregates, "org_type", TRUSTS, year))
    trusts_before = _fact_rows(_group(aggregates, "org_type", TRUSTS, year - 1))
    everyone = _fact_rows(_group(aggregates, "national", "", year))
    rows = []
    for (label, unit, value), (_, _, before), (_, _, all_value) in zip(
        trusts, trusts_before, everyone, strict=True
    ):
        changed = None
        if value not in (None, MARK) and before not in (None, MARK):
            changed = float(value) - float(before)
        rows.append(
            {
                "label": label,
                "trusts": show(value, unit),
                "change": show_change(changed, "count" if unit == "count" else "pp")
                if changed is not None
                else "Not available",
                "all": show(all_value, unit),
            }
        )
    shares = {s: headlines[s][0]["values"].get(str(year)) for s in ("workforce", "vsm", "senior")}
    lead = (
        f"In {year}, across all organisations that published a return, BME staff were "
        f"{show(shares['workforce'], 'percent')} of the workforce, "
        f"{show(shares['senior'], 'percent')} of staff on bands 8a and above and "
        f"{show(shares['vsm'], 'percent')} of very senior managers."
    )
    return {"rows": rows, "lead": lead}


def _support(history: pd.DataFrame, years: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Where support is needed (significantly adverse, or worsening, three years running) and
    the sustained improvers, from the organisations' published relative likelihoods (public,
    spec 6.1) by the dashboard's rules (:mod:`dashboards.engage`)."""
    lists = engage_lists(history, years) if len(history) else {}
    window = lists.get("years", [])
    titles = dict(LISTS)
    support: dict[str, Any] = {"years": window, "indicators": []}
    improvers: dict[str, Any] = {"years": window, "indicators": []}
    for k in ENGAGE_INDICATORS:
        m = next(m for m in MEASURES if m.indicator == k and m.kind == "rl")
        found = lists.get(str(k), {})
        chosen = [
            _entries(titles[key], found.get(key, []), m) for key in ("persistent", "worsening")
        ]
        support["indicators"].append({"measure": m, "lists": chosen})
        improvers["indicators"].append(
            {"measure": m, "lists": [_entries(titles["improving"], found.get("improving", []), m)]}
        )
    return support, improvers


def _entries(title: str, entries: list[dict[str, Any]], m: Measure) -> dict[str, Any]:
    rows = []
    for entry in entries:
        cells = []
        for figure in entry["figures"]:
            text = show(figure["rl"], "ratio")
            if figure["low"] is not None and figure["high"] is not None:
                text += f" ({show(figure['low'], 'ratio')} to {show(figure['high'], 'ratio')})"
            cells.append(text)
        rows.append({**entry, "cells": cells})
    return {"title": title, "rows": rows, "id": f"{m.slug}-{title.lower().replace(' ', '-')}"}
