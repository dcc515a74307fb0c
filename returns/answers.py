"""A return's answers and figures as the check, summary and sign-off pages show them.

"Check your answers" follows the GOV.UK pattern: each section's answers as a summary list, one row
per question (a grid row of the form: its figures by ethnicity, or one detail), each with a Change
link to its box. The summary and the approver's sign-off page show the whole return: every
section's answers, the computed figures with their flags, every warning with its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indicators import Issue
from returns.forms import field_name
from returns.presenters import (
    SECTIONS,
    Figure,
    ReturnPicture,
    Section,
    Status,
    section_figures,
    section_grids,
    value_text,
    warning_rows,
)

#: The engine's check that a required item is empty (on submission only). An empty answer is
#: not an error while the return is being filled in; the sign-off page lists what is missing.
EMPTY = "E001"


@dataclass(frozen=True, slots=True)
class Answer:
    """One row of a section's summary list: the question, the answer, the box to change it."""

    question: str
    answer: str
    anchor: str
    missing: bool = False


@dataclass(slots=True)
class SectionSummary:
    """One section of the return, everything the check, summary and sign-off pages show of it."""

    section: Section
    status: Status
    answers: list[Answer]
    figures: list[Figure]
    warnings: list[tuple[str, Issue, str]]
    errors: list[Issue] = field(default_factory=list)
    missing: int = 0


def section_answers(section: Section, picture: ReturnPicture) -> list[Answer]:
    """The section's answers: a row per grid row (each ethnicity's figure) or per detail."""
    if not section.has_items:
        details = picture.details(section)
        return [
            Answer(
                detail.label,
                details[detail.name].strip(),
                f"id_{detail.name}",
                missing=not details[detail.name].strip(),
            )
            for detail in section.details
        ]
    values = picture.values
    answers = []
    grids = section_grids(section, picture)
    several = len(grids) > 1
    for grid in grids:
        for row in grid.rows:
            parts = []
            for column, item in zip(grid.columns, row.cells, strict=False):
                text = value_text(values.get(item.code))
                parts.append(f"{column}: {text or 'not given'}")
            question = f"{grid.caption}: {row.label}" if several else row.label
            empty = all(values.get(item.code) in (None, "") for item in row.cells)
            answers.append(
                Answer(
                    question,
                    ", ".join(parts),
                    f"id_{field_name(row.cells[0].code)}",
                    missing=empty,
                )
            )
    return answers


def _missing(section: Section, picture: ReturnPicture) -> int:
    codes = {item.code for item in section.items}
    return sum(
        1
        for issue in picture.full.issues
        if issue.code == EMPTY
        for code in issue.items
        if code in codes
    )


def return_summary(picture: ReturnPicture, *, full_errors: bool = False) -> list[SectionSummary]:
    """Every section of the return: answers, computed figures, warnings with explanations, and
    its errors (the draft check's, or with ``full_errors`` the submission check's, empty
    answers left out and counted in ``missing`` instead)."""
    explanations: dict[str, Any] = picture.return_.explanations
    summaries = []
    for section in SECTIONS:
        status = picture.status(section)
        errors = picture.errors_of(section, full=full_errors) if section.has_items else []
        if status is Status.NOT_STARTED:
            errors = []  # nothing typed: what is missing is said on the sign-off page
        summaries.append(
            SectionSummary(
                section=section,
                status=status,
                answers=section_answers(section, picture),
                figures=section_figures(section, picture) if section.has_items else [],
                warnings=warning_rows(picture.warnings_of(section), explanations),
                errors=[issue for issue in errors if issue.code != EMPTY],
                missing=_missing(section, picture) if section.has_items else 0,
            )
        )
    return summaries
