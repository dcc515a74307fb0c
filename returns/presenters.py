"""Shapes a return for the task list, section forms, check page and summary.

Sections, grids, figures and statuses are all read from the engine's data dictionary (`ITEMS`,
`METRICS`, `format_value`); nothing here lists an item a second time. The one table of its own
is `SECTIONS`: how the return is split into the task list's tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.http import Http404

from indicators import (
    ITEM_BY_CODE,
    ITEMS,
    METRICS,
    Issue,
    Item,
    ReturnResult,
    compute_return,
    format_value,
)
from indicators.dictionary import ETHNICITY_LABELS, GRADE_LABELS, GROUP_LABELS, STAFF_GROUPS
from returns.models import Return, ReturnVersion
from returns.selectors import (
    return_prefill,
    return_previous_version,
    unexplained_warnings,
    warning_key,
)
from survey.selectors import SOURCE_LABELS, draft_sources


@dataclass(frozen=True, slots=True)
class DetailField:
    """One piece of the return's own details that is not a data item (contact, narrative, links),
    kept in the return's `details` under its ``name`` and frozen with each version."""

    name: str
    label: str
    hint: str = ""
    kind: str = "text"  # text, email, tel, url or textarea
    max_length: int = 200
    autocomplete: str = "off"


@dataclass(frozen=True, slots=True)
class Section:
    """One task of the task list: a set of indicators' items, or some of the return's details."""

    slug: str
    title: str
    indicators: tuple[int, ...] = ()
    details: tuple[DetailField, ...] = ()
    hint: str = ""

    @property
    def has_items(self) -> bool:
        return bool(self.indicators)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for item in ITEMS if item.indicator in self.indicators)


SECTIONS: tuple[Section, ...] = (
    Section(
        "organisation",
        "Organisation details and contact",
        details=(
            DetailField("contact_name", "Contact's full name", autocomplete="name"),
            DetailField(
                "contact_job_title", "Contact's job title", autocomplete="organization-title"
            ),
            DetailField(
                "contact_email",
                "Contact's email address",
                kind="email",
                max_length=254,
                autocomplete="email",
            ),
            DetailField(
                "contact_phone",
                "Contact's telephone number",
                kind="tel",
                max_length=30,
                autocomplete="tel",
            ),
        ),
        hint="Who NHS England should contact about this return.",
    ),
    Section("indicator-1", "Indicator 1: workforce by pay band", (1,)),
    Section("indicator-2", "Indicator 2: recruitment", (2,)),
    Section("indicator-3", "Indicator 3: formal disciplinary process", (3,)),
    Section("indicator-4", "Indicator 4: non-mandatory training and CPD", (4,)),
    Section(
        "indicators-5-8",
        "Indicators 5 to 8: NHS Staff Survey",
        (5, 6, 7, 8),
        hint="Optional: NHS England loads these from the Staff Survey where it can.",
    ),
    Section("indicator-9", "Indicator 9: board membership", (9,)),
    Section(
        "narrative",
        "Narrative",
        details=(
            DetailField(
                "data_completeness",
                "Data completeness",
                "How complete the ethnicity recording is, and any gaps in the figures.",
                kind="textarea",
                max_length=5000,
            ),
            DetailField(
                "comparability",
                "Comparability with last year",
                "Changes that affect comparison with last year's figures, such as a merger.",
                kind="textarea",
                max_length=5000,
            ),
            DetailField(
                "other_factors",
                "Other factors",
                "Anything else a reader needs in order to understand the figures.",
                kind="textarea",
                max_length=5000,
            ),
        ),
    ),
    Section(
        "publication",
        "Action plan and publication links",
        details=(
            DetailField(
                "report_url",
                "Web address of the published WRES report",
                "Starting https://",
                kind="url",
                max_length=500,
            ),
            DetailField(
                "action_plan_url",
                "Web address of the published action plan",
                "Starting https://",
                kind="url",
                max_length=500,
            ),
        ),
    ),
)
SECTION_BY_SLUG: dict[str, Section] = {section.slug: section for section in SECTIONS}
DETAIL_BY_NAME: dict[str, DetailField] = {
    detail.name: detail for section in SECTIONS for detail in section.details
}
SECTION_OF_INDICATOR: dict[int, Section] = {
    k: section for section in SECTIONS for k in section.indicators
}


def section_get(slug: str) -> Section:
    """The section of that slug; any other answers 404."""
    try:
        return SECTION_BY_SLUG[slug]
    except KeyError:
        raise Http404("No such section of the return") from None


def issue_section(issue: Issue) -> Section | None:
    """The section an issue belongs to: the one holding its first item (None if unknown)."""
    item = ITEM_BY_CODE.get(issue.items[0]) if issue.items else None
    return SECTION_OF_INDICATOR.get(item.indicator) if item is not None else None


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    HAS_ERRORS = "has_errors"

    @property
    def label(self) -> str:
        return self.replace("_", " ").capitalize()

    @property
    def task_status(self) -> dict[str, Any]:
        """The task list component's status: plain text when completed, otherwise a tag."""
        if self is Status.COMPLETED:
            return {"text": self.label}
        colour = {
            Status.NOT_STARTED: "nhsuk-tag--grey",
            Status.IN_PROGRESS: "nhsuk-tag--blue",
            Status.HAS_ERRORS: "nhsuk-tag--red",
        }[self]
        return {"tag": {"text": self.label, "classes": colour}}


@dataclass(slots=True)
class ReturnPicture:
    """One return as the pages show it: values with the pre-fill, the engine's draft check, and
    last year's accepted version, loaded once per request."""

    return_: Return
    previous_version: ReturnVersion | None
    prefill: dict[str, object]
    result: ReturnResult
    #: Indicators 5 to 8: item code -> "survey" (NHS Staff Survey) or "local" (the organisation's).
    sources: dict[str, str] = field(default_factory=dict)
    _full: ReturnResult | None = field(default=None, repr=False)

    @property
    def values(self) -> dict[str, object]:
        """The draft's values with the pre-filled items where the draft leaves them empty."""
        return {**self.prefill, **self.return_.values}

    @property
    def previous_values(self) -> dict[str, Any] | None:
        return dict(self.previous_version.values) if self.previous_version is not None else None

    @property
    def full(self) -> ReturnResult:
        """The check as on submission (required items included)."""
        if self._full is None:
            self._full = _compute(
                self.return_, self.previous_values, draft=False, prefill=self.prefill
            )
        return self._full

    def details(self, section: Section) -> dict[str, str]:
        return {d.name: str(self.return_.details.get(d.name, "")) for d in section.details}

    def issues_of(self, section: Section, *, full: bool = False) -> list[Issue]:
        issues = (self.full if full else self.result).issues
        return [issue for issue in issues if issue_section(issue) == section]

    def warnings_of(self, section: Section) -> list[Issue]:
        return [i for i in self.issues_of(section) if i.severity == "warning"]

    def errors_of(self, section: Section, *, full: bool = False) -> list[Issue]:
        return [i for i in self.issues_of(section, full=full) if i.severity == "error"]

    def status(self, section: Section) -> Status:
        """Not started, in progress, completed or has errors, from the values and the check."""
        if not section.has_items:
            given = [value for value in self.details(section).values() if value.strip()]
            if not given:
                return Status.NOT_STARTED
            return Status.COMPLETED if len(given) == len(section.details) else Status.IN_PROGRESS
        values = self.values
        items = section.items
        filled = [item for item in items if item.code in values]
        if not filled:
            return Status.NOT_STARTED  # nothing typed yet: nothing to correct either
        if self.errors_of(section):
            return Status.HAS_ERRORS
        needed = [item for item in items if item.required] or list(items)
        complete = all(item.code in values for item in needed)
        explained = not unexplained_warnings(self.warnings_of(section), self.return_.explanations)
        return Status.COMPLETED if complete and explained else Status.IN_PROGRESS

    def display(self, code: str) -> str:
        return self.result.display(code, null="Not calculated")

    def previous_display(self, code: str) -> str:
        if self.previous_version is None:
            return ""
        return format_value(code, self.previous_version.metrics.get(code), null="Not calculated")


def _compute(
    return_: Return,
    previous: dict[str, Any] | None,
    *,
    draft: bool,
    prefill: dict[str, object] | None = None,
) -> ReturnResult:
    # As `selectors.return_compute`, but with last year's values already loaded even where
    # there are none: the selector reads ``previous=None`` as "load it" and would query again.
    # The pre-fill counts (Staff Survey figures give indicators 5 to 8 their gaps); indicator
    # 3's part of it is what the engine derives from ``previous`` anyway.
    return compute_return(
        {**(prefill or {}), **return_.values},
        previous=previous,
        year=return_.collection.year,
        draft=draft,
    )


def return_picture(return_: Return) -> ReturnPicture:
    """Loads last year's accepted version and the Staff Survey figures once and checks the
    draft, with its pre-fill, with the engine."""
    previous_version = return_previous_version(return_=return_)
    previous = dict(previous_version.values) if previous_version is not None else None
    # ``{}`` rather than ``None``: none is known already, so the selector need not look again.
    prefill = return_prefill(return_=return_, previous=previous or {})
    return ReturnPicture(
        return_=return_,
        previous_version=previous_version,
        prefill=prefill,
        result=_compute(return_, previous, draft=True, prefill=prefill),
        sources=draft_sources(return_.values, prefill),
    )


# Grids -------------------------------------------------------------------------------------


@dataclass(slots=True)
class GridRow:
    key: str
    label: str
    cells: list[Item]
    total: str = ""
    share: str = ""


@dataclass(slots=True)
class Grid:
    """One table of inputs: rows of items, one column per ethnicity group."""

    key: str
    caption: str
    columns: list[str]
    rows: list[GridRow]
    totals: list[str] = field(default_factory=list)
    total: str = ""
    share: str = ""
    #: Indicators 5 to 8: item code -> where the figure came from, shown as a tag beside it.
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def has_totals(self) -> bool:
        return bool(self.totals)


def _row_label(item: Item) -> str:
    # Item labels end with ": <ethnicity>..." (the dictionary builds them so); the row shows
    # what comes before it and the column header the ethnicity.
    return item.label.rpartition(": ")[0] or item.label


def section_grids(section: Section, picture: ReturnPicture | None = None) -> list[Grid]:
    """The section's items as tables: indicator 1 one per staff group (grades by ethnicity,
    with the engine's totals and shares), other indicators one each (rows by item group)."""
    grids: dict[str, Grid] = {}
    rows: dict[tuple[str, str], GridRow] = {}
    for item in section.items:
        is_i1 = item.indicator == 1
        grid_key = f"i1-{item.group}" if is_i1 else f"i{item.indicator}"
        if grid_key not in grids:
            caption = GROUP_LABELS[item.group] if is_i1 else f"Indicator {item.indicator} figures"
            grids[grid_key] = Grid(grid_key, caption, [], [])
        grid = grids[grid_key]
        column = ETHNICITY_LABELS[item.ethnicity] if item.ethnicity else item.label
        if column not in grid.columns:
            grid.columns.append(column)
        row_key = item.grade or item.group
        if (grid_key, row_key) not in rows:
            label = GRADE_LABELS[item.grade] if item.grade else _row_label(item)
            rows[grid_key, row_key] = GridRow(row_key, label, [])
            grid.rows.append(rows[grid_key, row_key])
        rows[grid_key, row_key].cells.append(item)
    if picture is not None:
        _add_i1_totals(grids, picture)
        for grid in grids.values():
            codes = {item.code for row in grid.rows for item in row.cells}
            grid.sources = {
                code: SOURCE_LABELS[source]
                for code, source in picture.sources.items()
                if code in codes
            }
    return list(grids.values())


def _add_i1_totals(grids: dict[str, Grid], picture: ReturnPicture) -> None:
    values = picture.return_.values
    for group in STAFF_GROUPS:
        grid = grids.get(f"i1-{group}")
        if grid is None:
            continue
        for row in grid.rows:
            counts = [values.get(item.code) for item in row.cells]
            if all(isinstance(count, int) for count in counts):
                row.total = str(sum(counts))  # type: ignore[arg-type]
            row.share = picture.display(f"i1.{group}.{row.key}.bme_pct")
        grid.totals = [picture.display(f"i1.{group}.total.{eth}") for eth in ETHNICITY_LABELS]
        parts = [picture.result.metrics.get(f"i1.{group}.total.{eth}") for eth in ETHNICITY_LABELS]
        if all(isinstance(part, int) for part in parts):
            grid.total = str(sum(parts))  # type: ignore[arg-type]
        grid.share = picture.display(f"i1.{group}.total.bme_pct")


# Figures -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Figure:
    label: str
    value: str
    previous: str = ""
    tag: str = ""  # an NHS.UK tag colour class where the figure is a marker


_RANGE_FLAG = "outside_range"


def _is_grid_metric(code: str) -> bool:
    """Indicator 1's per-row and per-staff-group metrics, which the grids show."""
    parts = code.split(".")
    return parts[0] == "i1" and len(parts) > 2 and parts[1] in STAFF_GROUPS


def section_figures(section: Section, picture: ReturnPicture) -> list[Figure]:
    """The engine's computed figures for the section's indicators, formatted by the engine, with
    last year's value; the relative likelihood's interval in one line and the 0.80-1.25 range
    as a marker."""
    figures: list[Figure] = []
    metrics = [m for m in METRICS if m.indicator in section.indicators]
    for metric in metrics:
        code = metric.code
        if _is_grid_metric(code) or code.endswith("rl_ci_high"):
            continue
        if code.endswith("rl_ci_low"):
            prefix = code.removesuffix("rl_ci_low")
            figures.append(
                Figure(
                    "Relative likelihood, 95% confidence interval",
                    _interval(picture.display(code), picture.display(prefix + "rl_ci_high")),
                    _interval(
                        picture.previous_display(code),
                        picture.previous_display(prefix + "rl_ci_high"),
                    ),
                )
            )
            continue
        if code.endswith(_RANGE_FLAG):
            figures.append(_range_marker(code, picture))
            continue
        figures.append(Figure(metric.label, picture.display(code), picture.previous_display(code)))
    return figures


def _interval(low: str, high: str) -> str:
    return f"{low} to {high}" if low and low != "Not calculated" else low


def _range_marker(code: str, picture: ReturnPicture) -> Figure:
    outside = picture.result.metrics.get(code)
    previous = picture.previous_display(code)
    previous_text = {"Yes": "Outside", "No": "Within"}.get(previous, previous)
    if outside is None:
        return Figure("Against the 0.80 to 1.25 range", "Not calculated", previous_text)
    if outside:
        return Figure(
            "Against the 0.80 to 1.25 range", "Outside", previous_text, "nhsuk-tag--orange"
        )
    return Figure("Against the 0.80 to 1.25 range", "Within", previous_text, "nhsuk-tag--green")


def headline(section: Section, picture: ReturnPicture) -> str:
    """A short line for the task list: the section's relative likelihood where it has one."""
    for k in section.indicators:
        code = f"i{k}.rl"
        if code in picture.result.metrics and picture.result.metrics[code] is not None:
            return f"Relative likelihood {picture.display(code)}"
    return section.hint


# Values as text ----------------------------------------------------------------------------


def value_text(value: object) -> str:
    """A saved item value as a person types it: counts with thousands separators."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    return str(value)


def warning_rows(
    issues: Iterable[Issue], explanations: dict[str, Any]
) -> list[tuple[str, Issue, str]]:
    """(key, issue, explanation) for each warning."""
    return [
        (warning_key(issue), issue, str(explanations.get(warning_key(issue), "")))
        for issue in issues
        if issue.severity == "warning"
    ]


def items_missing(section: Section, issues: Sequence[Issue]) -> int:
    """How many of the section's items E001 (required item empty) names."""
    codes = {item.code for item in section.items}
    return sum(1 for i in issues if i.code == "E001" for c in i.items if c in codes)
