"""The downloadable problem report of an upload: one CSV row per problem, errors first."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

HEADER = ("severity", "code", "sheet", "cell", "line", "item", "label", "message")


def _safe(text: object) -> str:
    # A cell starting with = + - @ would be run as a formula when the report is opened in Excel.
    value = "" if text is None else str(text)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def problem_report_csv(problems: Iterable[Mapping[str, Any]]) -> str:
    """The problems (as stored in an upload's result) as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for problem in problems:
        location = problem.get("location") or {}
        items = problem.get("items") or []
        writer.writerow(
            [
                _safe(problem.get("severity")),
                _safe(problem.get("code")),
                _safe(location.get("sheet")),
                _safe(location.get("cell")),
                _safe(location.get("line")),
                _safe(items[0] if items else ""),
                _safe(problem.get("label")),
                _safe(problem.get("message")),
            ]
        )
    return buffer.getvalue()
