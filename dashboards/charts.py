"""Static SVG charts: Vega-Lite specs built with Altair, rendered by vl-convert at build time.

Every chart is one colour or tells its series apart by dash pattern and point shape, so it
reads in greyscale. The SVG is checked and cleaned for the strict Content Security Policy (no
scripts, no event handlers, no style attributes or elements), its ids are made unique on the
page, and the root element gets ``role="img"`` named by the chart's title and described by
its text summary (the table beside it carries the figures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final

import altair as alt
import pandas as pd

WIDTH: Final = 560
HEIGHT: Final = 240
INK: Final = "#005eb8"  # NHS blue: dark enough to read as near-black in greyscale
GREY: Final = "#768692"
DASHES: Final[tuple[list[int], ...]] = ([1, 0], [8, 4], [2, 3], [12, 3, 2, 3])
SHAPES: Final[tuple[str, ...]] = ("circle", "square", "triangle-up", "diamond")
FONT: Final = "Arial, Helvetica, sans-serif"

_FORBIDDEN = re.compile(r"<\s*(script|style|foreignObject|iframe)\b", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"\s(style|on[a-z]+)\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_HREF = re.compile(r"\s(xlink:)?href\s*=\s*\"(?!#)[^\"]*\"", re.IGNORECASE)
_ID = re.compile(r'\sid="([^"]+)"')
_INNER_ARIA = re.compile(r'\s(role|aria-[a-z]+)="[^"]*"')


class UnsafeSvg(ValueError):
    """vl-convert produced markup that must not be served under the CSP."""


def _config(chart: Any) -> Any:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#212b32")
        .configure_view(stroke=None)
        .configure_legend(
            labelFontSize=12,
            titleFontSize=12,
            orient="bottom",
            symbolSize=120,
            labelLimit=0,
            direction="vertical",
        )
    )


def svg_of(chart: Any, chart_id: str) -> str:
    """The chart as safe, accessible inline SVG markup for the page with element id ``chart_id``."""
    return clean_svg(_render(_config(chart).to_json()), chart_id)


@lru_cache(maxsize=512)
def _render(spec: str) -> str:
    """vl-convert's SVG of a Vega-Lite spec; an unchanged chart is not drawn twice."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


def clean_svg(svg: str, chart_id: str) -> str:
    """Refuses scripts, drops style/event attributes and outside links, prefixes ids, adds ARIA."""
    if _FORBIDDEN.search(svg):
        raise UnsafeSvg(f"chart {chart_id} has a script or style element")
    svg = _STYLE_ATTR.sub("", svg)
    svg = _HREF.sub("", svg)
    prefix = f"{chart_id}-svg-"
    for name in set(_ID.findall(svg)):
        svg = svg.replace(f'id="{name}"', f'id="{prefix}{name}"')
        svg = svg.replace(f"url(#{name})", f"url(#{prefix}{name})")
        svg = svg.replace(f'href="#{name}"', f'href="#{prefix}{name}"')
    # The whole chart is one image (named and described below): Vega's inner roles and labels
    # would make axe expect a text alternative on every mark.
    svg = _INNER_ARIA.sub("", svg)
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{chart_id}-title" '
        f'aria-describedby="{chart_id}-summary" focusable="false" class="wres-chart__svg" ',
        1,
    )


def _y(title: str, fmt: str, zero: bool) -> Any:
    return alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=zero))


def _rules(values: Sequence[float]) -> list[Any]:
    """Horizontal reference lines: the first dashed (parity), the others dotted."""
    layers = []
    for i, value in enumerate(values):
        dash = [4, 4] if i == 0 else [1, 3]
        frame = pd.DataFrame({"value": [value]})
        layers.append(
            alt.Chart(frame)
            .mark_rule(color=GREY, strokeDash=dash, strokeWidth=1)
            .encode(y="value:Q")
        )
    return layers


def trend_chart(
    frame: pd.DataFrame, *, y_title: str, fmt: str, interval: bool, references: Sequence[float] = ()
) -> Any:
    """One series over the years (``year``, ``value``; ``low``, ``high`` for an interval)."""
    base = alt.Chart(frame).encode(x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)))
    layers: list[Any] = _rules(references)
    if interval:
        layers.append(
            base.mark_rule(color=INK, strokeWidth=1.5).encode(
                y=alt.Y("low:Q", scale=alt.Scale(zero=False)), y2="high:Q"
            )
        )
    layers.append(base.mark_line(color=INK, strokeWidth=2).encode(y=_y(y_title, fmt, not interval)))
    layers.append(
        base.mark_point(color=INK, filled=True, size=60, shape="circle").encode(
            y=_y(y_title, fmt, not interval)
        )
    )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)


def series_chart(
    frame: pd.DataFrame, *, y_title: str, fmt: str, order: Sequence[str], zero: bool = True
) -> Any:
    """Several series over the years (``year``, ``series``, ``value``): dash, shape per series."""
    n = len(order)
    encode = {
        "x": alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        "y": _y(y_title, fmt, zero),
        "strokeDash": alt.StrokeDash(
            "series:N", title=None, sort=list(order),
            scale=alt.Scale(domain=list(order), range=list(DASHES[:n])),
        ),
        "shape": alt.Shape(
            "series:N", title=None, sort=list(order),
            scale=alt.Scale(domain=list(order), range=list(SHAPES[:n])),
        ),
    }  # fmt: skip
    base = alt.Chart(frame).encode(**encode)
    lines = base.mark_line(color=INK, strokeWidth=2)
    points = base.mark_point(color=INK, filled=True, size=60)
    return alt.layer(lines, points).properties(width=WIDTH, height=HEIGHT)


def spread_chart(
    frame: pd.DataFrame, *, y_title: str, fmt: str, references: Sequence[float]
) -> Any:
    """Box per year: whiskers 10th-90th percentile, box quartiles, tick median."""
    base = alt.Chart(frame).encode(x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)))
    y = alt.Y("p10:Q", title=y_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False))
    layers: list[Any] = _rules(references)
    layers += [
        base.mark_rule(color="#212b32").encode(y=y, y2="p90:Q"),
        base.mark_bar(color="#aeb7bd", stroke="#212b32", size=22).encode(y="q1:Q", y2="q3:Q"),
        base.mark_tick(color="#212b32", thickness=3, size=22).encode(y="median:Q"),
    ]
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)


def groups_chart(
    frame: pd.DataFrame,
    *,
    x_title: str,
    fmt: str,
    interval: bool,
    national: float | None,
    references: Sequence[float] = (),
) -> Any:
    """Horizontal bars (or points with intervals) per group (``group``, ``value``, ...)."""
    order = list(frame["group"])
    y = alt.Y("group:N", title=None, sort=order)
    base = alt.Chart(frame).encode(y=y)
    layers: list[Any] = []
    for value, dash in zip(references, [[1, 3]] * len(references), strict=True):
        ref = pd.DataFrame({"value": [value]})
        layers.append(alt.Chart(ref).mark_rule(color=GREY, strokeDash=dash).encode(x="value:Q"))
    x = alt.X(
        "value:Q", title=x_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=not interval)
    )
    if interval:
        layers.append(
            base.mark_rule(color=INK, strokeWidth=1.5).encode(
                x=alt.X("low:Q", scale=alt.Scale(zero=False)), x2="high:Q"
            )
        )
        layers.append(base.mark_point(color=INK, filled=True, size=70).encode(x=x))
    else:
        layers.append(base.mark_bar(color=INK, size=16).encode(x=x))
    if national is not None:
        ref = pd.DataFrame({"value": [national]})
        layers.append(
            alt.Chart(ref)
            .mark_rule(color="#212b32", strokeDash=[6, 3], strokeWidth=2)
            .encode(x="value:Q")
        )
    height = max(120, 26 * len(order))
    return alt.layer(*layers).properties(width=WIDTH - 160, height=height)
