"""What the "Did it help?" page shows: the comparison per indicator and horizon as tables, and
one chart of the differences with their intervals (drawn server-side as SVG, like the
dashboards' charts)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dashboards.charts import groups_chart, svg_of
from engagement import selectors
from engagement.impact import CAVEAT, MIN_ENGAGED, NEIGHBOURS, Effect, impact_of
from engagement.models import INDICATOR_NAMES

CHART_ID = "impact-differences"


def _number(value: float | None, places: int = 2) -> str:
    if value is None:
        return "Not enough"
    text = f"{value:+.{places}f}"
    return text.replace("-", "\u2212")


def _percent(effect: Effect) -> str:
    if effect.ratio is None:
        return "Not enough"
    change = (effect.ratio - 1) * 100
    direction = "lower" if change < 0 else "higher"
    return f"{abs(change):.0f}% {direction}"


def _reading(effect: Effect) -> str:
    if not effect.enough:
        return (
            f"Too few engaged organisations to compare (fewer than {MIN_ENGAGED} with figures "
            "and a comparable organisation)."
        )
    if not effect.clear:
        return "No clear difference: the interval includes 0."
    if effect.difference is not None and effect.difference < 0:
        return "Engaged organisations moved further towards BME staff than comparable ones."
    return "Engaged organisations moved less towards BME staff than comparable ones."


def _row(effect: Effect) -> dict[str, Any]:
    interval = (
        f"{_number(effect.low)} to {_number(effect.high)}"
        if effect.low is not None and effect.high is not None
        else "Not enough"
    )
    return {
        "horizon": f"t-1 to t+{effect.horizon}",
        "engaged": effect.engaged,
        "comparison": effect.comparison,
        "unmatched": effect.unmatched,
        "engaged_change": _number(effect.engaged_change),
        "comparison_change": _number(effect.comparison_change),
        "difference": _number(effect.difference),
        "interval": interval,
        "percent": _percent(effect),
        "reading": _reading(effect),
    }


@lru_cache(maxsize=8)
def _chart_svg(records: tuple[tuple[str, float, float, float], ...]) -> str:
    spec = groups_chart(
        [{"group": g, "value": v, "low": lo, "high": hi} for g, v, lo, hi in records],
        x_title="Difference in the change of ln relative likelihood (engaged minus comparison)",
        fmt=".2f",
        interval=True,
        national=None,
        references=(0.0,),
    )
    return svg_of(spec, CHART_ID)


def impact_context() -> dict[str, Any]:
    """The page's context: ``published`` False before anything is published."""
    inputs = selectors.impact_inputs()
    if inputs is None:
        return {"published": False, "caveat": CAVEAT}
    effects = impact_of(*inputs)
    engaged = inputs[2]
    sections = [
        {
            "indicator": k,
            "name": INDICATOR_NAMES[k],
            "rows": [_row(e) for e in effects if e.indicator == k],
        }
        for k in (2, 3, 4)
    ]
    plotted = tuple(
        (f"Indicator {e.indicator}, t+{e.horizon}", e.difference, e.low, e.high)
        for e in effects
        if e.difference is not None and e.low is not None and e.high is not None
    )
    chart = None
    if plotted:
        chart = {
            "id": CHART_ID,
            "title": "Difference between engaged and comparable organisations",
            "summary": "Each point is the difference in the change of the natural log of the "
            "relative likelihood, engaged minus comparison, with its 95% interval as a line; "
            "left of 0 means engaged organisations moved further towards BME staff. "
            + " ".join(
                f"{group}: {_number(value)} ({_number(low)} to {_number(high)})."
                for group, value, low, high in plotted
            ),
            "svg": _chart_svg(plotted),
        }
    return {
        "published": True,
        "sections": sections,
        "chart": chart,
        "caveat": CAVEAT,
        "neighbours": NEIGHBOURS,
        "min_engaged": MIN_ENGAGED,
        "engagements": len(engaged),
        "years": sorted({int(y) for y in engaged["year"]}) if len(engaged) else [],
    }
