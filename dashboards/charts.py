"""Static SVG charts: Vega-Lite specs, rendered by vl-convert at build time.

The specs are plain dictionaries (the JSON Altair would write for the same charts, without
its object model and schema validation, which cost more than the drawing). Every chart is one
colour or tells its series apart by dash pattern and point shape, so it reads in greyscale.
The SVG is checked and cleaned for the strict Content Security Policy (no scripts, no event
handlers, no style attributes or elements), its ids are made unique on the page, and the root
element gets ``role="img"`` named by the chart's title and described by its text summary (the
table beside it carries the figures).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final

WIDTH: Final = 560
HEIGHT: Final = 240
INK: Final = "#005eb8"  # NHS blue: dark enough to read as near-black in greyscale
GREY: Final = "#768692"
DASHES: Final[tuple[list[int], ...]] = ([1, 0], [8, 4], [2, 3], [12, 3, 2, 3])
SHAPES: Final[tuple[str, ...]] = ("circle", "square", "triangle-up", "diamond")
FONT: Final = "Arial, Helvetica, sans-serif"
SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
CONFIG: Final[dict[str, Any]] = {
    "font": FONT,
    "axis": {"labelColor": "#212b32", "labelFontSize": 12, "titleFontSize": 12},
    "legend": {
        "direction": "vertical",
        "labelFontSize": 12,
        "labelLimit": 0,
        "orient": "bottom",
        "symbolSize": 120,
        "titleFontSize": 12,
    },
    "view": {"continuousHeight": 300, "continuousWidth": 300, "stroke": None},
}

Spec = dict[str, Any]
Records = Sequence[dict[str, Any]]

_FORBIDDEN = re.compile(r"<\s*(script|style|foreignObject|iframe)\b", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"\s(style|on[a-z]+)\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_HREF = re.compile(r"\s(xlink:)?href\s*=\s*\"(?!#)[^\"]*\"", re.IGNORECASE)
_ID = re.compile(r'\sid="([^"]+)"')
_INNER_ARIA = re.compile(r'\s(role|aria-[a-z]+)="[^"]*"')


class UnsafeSvg(ValueError):
    """vl-convert produced markup that must not be served under the CSP."""


def svg_of(chart: Spec, chart_id: str) -> str:
    """The chart as safe, accessible inline SVG markup for the page with element id ``chart_id``."""
    spec = {"$schema": SCHEMA, "config": CONFIG, **chart}
    return clean_svg(_render(json.dumps(spec, sort_keys=True, allow_nan=False)), chart_id)


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


def _plain(value: Any) -> Any:
    """A JSON value: missing numbers as null, NumPy scalars as Python numbers."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _data(records: Records) -> dict[str, Any]:
    return {"values": [{k: _plain(v) for k, v in sorted(r.items())} for r in records]}


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **extra}


def _year() -> dict[str, Any]:
    return _field("year", "ordinal", title="Year", axis={"labelAngle": 0})


def _y(title: str, fmt: str, zero: bool) -> dict[str, Any]:
    return _field("value", "quantitative", title=title, axis={"format": fmt}, scale={"zero": zero})


def _layer(records: Records, mark: dict[str, Any], **encoding: Any) -> Spec:
    return {"data": _data(records), "mark": mark, "encoding": encoding}


def _rules(values: Sequence[float], channel: str = "y") -> list[Spec]:
    """Reference lines: the first dashed (parity), the others dotted."""
    return [
        _layer(
            [{"value": value}],
            {"type": "rule", "color": GREY, "strokeDash": [4, 4] if i == 0 else [1, 3],
             "strokeWidth": 1},
            **{channel: _field("value", "quantitative")},
        )
        for i, value in enumerate(values)
    ]  # fmt: skip


def trend_chart(
    records: Records, *, y_title: str, fmt: str, interval: bool, references: Sequence[float] = ()
) -> Spec:
    """One series over the years (``year``, ``value``; ``low``, ``high`` for an interval)."""
    layers = _rules(references)
    if interval:
        layers.append(
            _layer(
                records,
                {"type": "rule", "color": INK, "strokeWidth": 1.5},
                x=_year(),
                y=_field("low", "quantitative", scale={"zero": False}),
                y2={"field": "high"},
            )
        )
    y = _y(y_title, fmt, not interval)
    layers.append(_layer(records, {"type": "line", "color": INK, "strokeWidth": 2}, x=_year(), y=y))
    layers.append(
        _layer(
            records,
            {"type": "point", "color": INK, "filled": True, "size": 60, "shape": "circle"},
            x=_year(),
            y=y,
        )
    )
    return {"layer": layers, "width": WIDTH, "height": HEIGHT}


def series_chart(
    records: Records,
    *,
    y_title: str,
    fmt: str,
    order: Sequence[str],
    zero: bool = True,
    references: Sequence[float] = (),
) -> Spec:
    """Several series over the years (``year``, ``series``, ``value``): dash, shape per series;
    ``references`` are reference lines (1 for relative likelihoods: no difference)."""
    n = len(order)
    encoding = {
        "x": _year(),
        "y": _y(y_title, fmt, zero),
        "strokeDash": _field(
            "series", "nominal", title=None, sort=list(order),
            scale={"domain": list(order), "range": [list(d) for d in DASHES[:n]]},
        ),
        "shape": _field(
            "series", "nominal", title=None, sort=list(order),
            scale={"domain": list(order), "range": list(SHAPES[:n])},
        ),
    }  # fmt: skip
    return {
        "layer": [
            *_rules(references),
            _layer(records, {"type": "line", "color": INK, "strokeWidth": 2}, **encoding),
            _layer(
                records, {"type": "point", "color": INK, "filled": True, "size": 60}, **encoding
            ),
        ],
        "width": WIDTH,
        "height": HEIGHT,
    }


def spread_chart(records: Records, *, y_title: str, fmt: str, references: Sequence[float]) -> Spec:
    """Box per year: whiskers 10th-90th percentile, box quartiles, tick median."""
    y = _field("p10", "quantitative", title=y_title, axis={"format": fmt}, scale={"zero": False})
    quantitative = "quantitative"
    layers = _rules(references)
    layers += [
        _layer(records, {"type": "rule", "color": "#212b32"}, x=_year(), y=y, y2={"field": "p90"}),
        _layer(
            records,
            {"type": "bar", "color": "#aeb7bd", "stroke": "#212b32", "size": 22},
            x=_year(),
            y=_field("q1", quantitative),
            y2={"field": "q3"},
        ),
        _layer(
            records,
            {"type": "tick", "color": "#212b32", "thickness": 3, "size": 22},
            x=_year(),
            y=_field("median", quantitative),
        ),
    ]
    return {"layer": layers, "width": WIDTH, "height": HEIGHT}


def groups_chart(
    records: Records,
    *,
    x_title: str,
    fmt: str,
    interval: bool,
    national: float | None,
    references: Sequence[float] = (),
) -> Spec:
    """Horizontal bars (or points with intervals) per group (``group``, ``value``, ...)."""
    order = [r["group"] for r in records]
    y = _field("group", "nominal", title=None, sort=order)
    layers = [
        _layer(
            [{"value": value}],
            {"type": "rule", "color": GREY, "strokeDash": [1, 3]},
            x=_field("value", "quantitative"),
        )
        for value in references
    ]
    x = _field(
        "value", "quantitative", title=x_title, axis={"format": fmt}, scale={"zero": not interval}
    )
    if interval:
        layers.append(
            _layer(
                records,
                {"type": "rule", "color": INK, "strokeWidth": 1.5},
                x=_field("low", "quantitative", scale={"zero": False}),
                x2={"field": "high"},
                y=y,
            )
        )
        layers.append(
            _layer(records, {"type": "point", "color": INK, "filled": True, "size": 70}, x=x, y=y)
        )
    else:
        layers.append(_layer(records, {"type": "bar", "color": INK, "size": 16}, x=x, y=y))
    if national is not None:
        layers.append(
            _layer(
                [{"value": national}],
                {"type": "rule", "color": "#212b32", "strokeDash": [6, 3], "strokeWidth": 2},
                x=_field("value", "quantitative"),
            )
        )
    return {"layer": layers, "width": WIDTH - 160, "height": max(120, 26 * len(order))}
