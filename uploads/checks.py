"""An upload's values checked by the engine against the draft they would change.

Pure functions (no database): the upload service and the `process_upload` command share them.
The engine's issues are located back in the file, so every problem names its sheet and cell
(or CSV line); the summary says what applying the upload would change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from indicators import compute_return
from indicators.dictionary import ITEMS
from uploads.layout import sheet_order
from uploads.parser import Location, ParsedUpload, Problem

#: Issues whose items are refused by `return_save_draft`: their values are left out of the changes.
ITEM_LEVEL = frozenset({"E002", "E006", "E010"})
_ITEM_ORDER = {item.code: index for index, item in enumerate(ITEMS)}


@dataclass(slots=True)
class UploadCheck:
    """The outcome of checking an upload: problems (errors first), metrics and the changes."""

    kind: str | None
    values: dict[str, object]
    problems: list[Problem]
    metrics: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, object] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    refused: bool = False

    @property
    def errors(self) -> int:
        return sum(problem.severity == "error" for problem in self.problems)

    @property
    def warnings(self) -> int:
        return sum(problem.severity == "warning" for problem in self.problems)

    def as_dict(self) -> dict[str, Any]:
        """The JSON stored on the upload (and printed by `process_upload`)."""
        return {
            "kind": self.kind,
            "refused": self.refused,
            "values": self.values,
            "problems": [problem.as_dict() for problem in self.problems],
            "metrics": self.metrics,
            "changes": self.changes,
            "summary": {
                "filled": self.filled,
                "changed": self.changed,
                "cleared": self.cleared,
                "errors": self.errors,
                "warnings": self.warnings,
            },
        }


def _sort_key(problem: Problem) -> tuple[Any, ...]:
    location = problem.location or Location()
    first = _ITEM_ORDER.get(problem.items[0], 10**6) if problem.items else -1
    return (
        problem.severity != "error",
        location.line or 0,
        sheet_order().get(location.sheet or "", -1 if location.sheet is None else 99),
        first,
        problem.code,
    )


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then in reading order: CSV line, or sheet and item order."""
    return sorted(problems, key=_sort_key)


def _locate(issue: Any, parsed: ParsedUpload) -> Problem:
    location = next((parsed.locations[c] for c in issue.items if c in parsed.locations), None)
    message = issue.message
    if location is None and issue.items:
        message += " (This figure is not in the file: it is the one already in your return.)"
    return Problem(issue.code, issue.severity, message, tuple(issue.items), location)


def check_upload(
    parsed: ParsedUpload,
    *,
    draft_values: Mapping[str, object] | None = None,
    prefilled: Mapping[str, object] | None = None,
    previous: Mapping[str, object] | None = None,
    year: int | None = None,
    draft: bool = True,
) -> UploadCheck:
    """Checks the values the upload would leave in the return, with the engine.

    The file's values replace the draft's for every item the file covers (a template covers
    every item; a CSV file the items it lists); an empty cell clears the item. Values equal to
    what is pre-filled (``prefilled``: last year's indicator 3 items) are not changes. With
    ``draft`` the engine checks as for a draft (no E001, "a required item is empty").
    """
    if parsed.refusal is not None:
        return UploadCheck(parsed.kind, {}, [parsed.refusal], refused=True)
    draft_values = dict(draft_values or {})
    prefilled = dict(prefilled or {})
    resulting = dict(draft_values)
    for code, value in parsed.values.items():
        if value is None:
            resulting.pop(code, None)
        elif code in draft_values or prefilled.get(code) != value:
            resulting[code] = value
    result = compute_return(resulting, previous=previous, year=year, draft=draft)
    problems = sort_problems([*parsed.problems, *(_locate(i, parsed) for i in result.issues)])
    refused_items = {
        code for problem in problems if problem.code in ITEM_LEVEL for code in problem.items
    }
    check = UploadCheck(
        parsed.kind,
        {code: value for code, value in parsed.values.items() if code not in refused_items},
        problems,
        metrics=dict(result.metrics),
    )
    for code in sorted(set(draft_values) | set(resulting), key=lambda c: _ITEM_ORDER.get(c, 0)):
        before, after = draft_values.get(code), resulting.get(code)
        if code in refused_items or (before == after and type(before) is type(after)):
            continue
        if before is None:
            check.filled.append(code)
        elif after is None:
            check.cleared.append(code)
        else:
            check.changed.append(code)
        check.changes[code] = after
    return check
