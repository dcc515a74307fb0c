"""Shapes one return for the reviewer: the reviewed version's values and figures beside last
year's, the change, where the organisation sits among its peers, and what changed since the
previous version. The item grids and formatting are the return forms' own (`presenters`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators import METRIC_BY_CODE, METRICS, compute_return, format_value
from indicators.dictionary import STAFF_GROUPS
from returns.models import Return, ReturnVersion
from returns.presenters import ReturnPicture, Section
from survey.selectors import survey_sources, survey_values

#: The key figures that get peer context (quartile among organisations of the same type).
KEY_FIGURES: tuple[str, ...] = (
    "i1.total.bme_pct",
    "i1.senior.bme_pct",
    "i2.rl",
    "i3.rl",
    "i4.rl",
    "i5.gap_pp",
    "i6.gap_pp",
    "i7.gap_pp",
    "i8.gap_pp",
    "i9.voting.bme_pct",
)
#: Fewer peers than this and a quartile says nothing.
MIN_PEERS = 4
_CHANGE_UNITS = {"percent", "pp", "ratio", "proportion", "count", "int"}


def version_picture(
    return_: Return, version: ReturnVersion, previous: ReturnVersion | None
) -> ReturnPicture:
    """A `ReturnPicture` of a frozen version (values, explanations, details, checks as submitted),
    so that the forms' grids and figures show what was submitted, not the draft."""
    shown = Return(
        pk=return_.pk,
        organisation=return_.organisation,
        collection=return_.collection,
        state=return_.state,
        values=dict(version.values),
        explanations=dict(version.explanations),
        details=dict(version.details),
    )
    result = compute_return(
        shown.values,
        previous=dict(previous.values) if previous is not None else None,
        year=return_.collection.year,
        draft=False,
    )
    survey = survey_values(organisation_id=return_.organisation_id, year=return_.collection.year)
    return ReturnPicture(
        return_=shown,
        previous_version=previous,
        prefill={},
        result=result,
        sources=survey_sources(shown.values, survey),
    )


@dataclass(slots=True)
class PeerPosition:
    quartile: int | None  # 1 (lowest values) to 4 (highest); None with too few peers
    peers: int
    lower: str = ""
    median: str = ""
    upper: str = ""

    @property
    def text(self) -> str:
        if self.quartile is None:
            return f"Too few to compare ({self.peers})" if self.peers else ""
        names = {1: "Lowest quarter", 2: "Second quarter", 3: "Third quarter", 4: "Highest quarter"}
        return f"{names[self.quartile]} of {self.peers}"


def peer_positions(
    *, organisation_id: int, peers: list[dict[str, Any]], metrics: dict[str, Any]
) -> dict[str, PeerPosition]:
    """Where the organisation's key figures sit among its peers' (same type, this year).

    The quartile is of the figure's value, lowest first; whether high is good depends on the
    figure (the page says so). The organisation's own reviewed figures replace its row.
    """
    frame = pd.DataFrame(peers, columns=["organisation_id", *KEY_FIGURES])
    frame = frame[frame["organisation_id"] != organisation_id]
    own = {code: metrics.get(code) for code in KEY_FIGURES}
    frame = pd.concat(
        [frame, pd.DataFrame([{"organisation_id": organisation_id, **own}])], ignore_index=True
    )
    positions: dict[str, PeerPosition] = {}
    for code in KEY_FIGURES:
        values = pd.to_numeric(frame[code], errors="coerce").dropna().to_numpy(dtype=float)
        value = own.get(code)
        if value is None or isinstance(value, bool) or len(values) < MIN_PEERS:
            positions[code] = PeerPosition(None, len(values))
            continue
        lower, median, upper = np.quantile(values, [0.25, 0.5, 0.75])
        # Share of peers at or below the value, counting ties as half: 0..1 into four bands.
        rank = (np.sum(values < value) + 0.5 * np.sum(values == value)) / len(values)
        positions[code] = PeerPosition(
            quartile=min(4, int(rank * 4) + 1),
            peers=len(values),
            lower=format_value(code, float(lower)),
            median=format_value(code, float(median)),
            upper=format_value(code, float(upper)),
        )
    return positions


@dataclass(slots=True)
class ReviewFigure:
    code: str
    label: str
    value: str
    previous: str
    change: str
    peer: PeerPosition | None
    direction: str


def _change(code: str, now: Any, before: Any) -> str:
    metric = METRIC_BY_CODE[code]
    if (
        metric.unit not in _CHANGE_UNITS
        or not isinstance(now, int | float)
        or not isinstance(before, int | float)
        or isinstance(now, bool)
        or isinstance(before, bool)
    ):
        return ""
    difference = float(now) - float(before)
    text = format_value(code, abs(difference))
    if text.strip("0.,") == "":
        return "No change"
    unit = " points" if metric.unit in ("percent", "pp") else ""
    return f"{'+' if difference > 0 else '-'}{text}{unit}"


def _shown_metric(code: str) -> bool:
    parts = code.split(".")
    if parts[0] == "i1" and len(parts) > 2 and parts[1] in STAFF_GROUPS:
        return False  # indicator 1's per-row figures: the grids show them
    return not code.startswith("me.")


def review_figures(
    section: Section,
    metrics: dict[str, Any],
    previous: dict[str, Any] | None,
    positions: dict[str, PeerPosition],
) -> list[ReviewFigure]:
    """Every figure of the section's indicators: this year, last year, the change, peers."""
    rows = []
    for metric in METRICS:
        if metric.indicator not in section.indicators or not _shown_metric(metric.code):
            continue
        code = metric.code
        now = metrics.get(code)
        before = previous.get(code) if previous is not None else None
        rows.append(
            ReviewFigure(
                code=code,
                label=metric.label,
                value=format_value(code, now, null="Not calculated"),
                previous=format_value(code, before, null="Not calculated")
                if previous is not None
                else "",
                change=_change(code, now, before),
                peer=positions.get(code),
                direction=metric.direction.replace("_", " "),
            )
        )
    return rows
