"""Where each data item sits in the spreadsheet template, derived from the data dictionary.

The template builder writes this layout and names every input cell; the parser reads cells by
those names, so it keeps working when someone inserts rows. Nothing here lists an item: rows,
columns and labels all come from `indicators.dictionary.ITEMS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from openpyxl.utils import get_column_letter

from indicators.dictionary import ETHNICITIES, ETHNICITY_LABELS, GROUP_LABELS, ITEMS, Item

#: Bumped whenever the layout changes in a way an older template cannot be read back.
TEMPLATE_VERSION: Final = "1"
#: Every input cell's workbook-level name is this prefix and the item code with "_" for ".".
NAME_PREFIX: Final = "WRES_"
#: The hidden version stamp: workbook-level names of three cells on a very hidden sheet.
STAMP_SHEET: Final = "wres_stamp"
STAMP_NAMES: Final = {
    "organisation": "WRES_stamp_organisation",
    "year": "WRES_stamp_year",
    "version": "WRES_stamp_version",
}
INSTRUCTIONS_SHEET: Final = "Instructions"
#: Short titles of the indicators, for sheet headings (presentation only; items live in ITEMS).
INDICATOR_TITLES: Final = {
    1: "Workforce by pay band at 31 March",
    2: "Recruitment: appointed from shortlisting",
    3: "Entry into a formal disciplinary investigation",
    4: "Non-mandatory training and CPD",
    5: "Staff Survey: harassment, bullying or abuse from patients, relatives or the public",
    6: "Staff Survey: harassment, bullying or abuse from staff",
    7: "Staff Survey: equal opportunities for career progression",
    8: "Staff Survey: discrimination from a manager or colleague",
    9: "Board membership at 31 March",
}
TITLE_ROW: Final = 1
HELP_ROW: Final = 2
HEADER_ROW: Final = 4
FIRST_DATA_ROW: Final = 5
LABEL_COLUMN: Final = 1


def defined_name(code: str) -> str:
    """The workbook-level name of an item's input cell: ``WRES_i2_shortlisted_white``."""
    return NAME_PREFIX + code.replace(".", "_")


def sheet_name(indicator: int) -> str:
    return f"Indicator {indicator}"


@dataclass(frozen=True, slots=True)
class InputCell:
    """One item's input cell in the template as generated (users may move it later)."""

    item: Item
    sheet: str
    row: int
    column: int

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def name(self) -> str:
        return defined_name(self.item.code)


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a sheet's table: a heading (no cells) or a label with a cell per column."""

    row: int
    label: str
    cells: tuple[InputCell | None, ...]
    is_heading: bool = False


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """One indicator's sheet: ethnicity columns, table rows and the total column (counts only)."""

    indicator: int
    name: str
    title: str
    help_texts: tuple[str, ...]
    ethnicities: tuple[str, ...]
    rows: tuple[TableRow, ...]
    has_total: bool

    @property
    def column_headers(self) -> tuple[str, ...]:
        return tuple(ETHNICITY_LABELS[eth] for eth in self.ethnicities)

    @property
    def total_column(self) -> int:
        return LABEL_COLUMN + len(self.ethnicities) + 1

    @property
    def cells(self) -> tuple[InputCell, ...]:
        return tuple(cell for row in self.rows for cell in row.cells if cell is not None)


def _row_label(item: Item) -> str:
    # Every label ends ": <ethnicity>" (": White staff (%)" for the survey): the row is the rest.
    return item.label.rsplit(": ", 1)[0]


def _sheet(indicator: int, items: list[Item]) -> SheetLayout:
    ethnicities = tuple(eth for eth in ETHNICITIES if any(i.ethnicity == eth for i in items))
    name = sheet_name(indicator)
    rows: list[TableRow] = []
    row_number = FIRST_DATA_ROW
    keys: list[tuple[str, str | None]] = []
    for item in items:
        if (item.group, item.grade) not in keys:
            keys.append((item.group, item.grade))
    by_key = {(i.group, i.grade, i.ethnicity): i for i in items}
    previous_group: str | None = None
    for group, grade in keys:
        if indicator == 1 and group != previous_group:
            if previous_group is not None:
                row_number += 1  # a blank row between staff groups
            rows.append(TableRow(row_number, GROUP_LABELS[group], (), is_heading=True))
            row_number += 1
        previous_group = group
        cells: list[InputCell | None] = []
        for offset, eth in enumerate(ethnicities, start=1):
            found = by_key.get((group, grade, eth))
            cells.append(
                None if found is None else InputCell(found, name, row_number, LABEL_COLUMN + offset)
            )
        first = next(cell for cell in cells if cell is not None)
        rows.append(TableRow(row_number, _row_label(first.item), tuple(cells)))
        row_number += 1
    help_texts = tuple(dict.fromkeys(item.help_text for item in items))
    return SheetLayout(
        indicator=indicator,
        name=name,
        title=f"Indicator {indicator}: {INDICATOR_TITLES[indicator]}",
        help_texts=help_texts,
        ethnicities=ethnicities,
        rows=tuple(rows),
        has_total=all(item.unit == "count" for item in items),
    )


@cache
def template_layout() -> tuple[SheetLayout, ...]:
    """One sheet per indicator, in the dictionary's order."""
    by_indicator: dict[int, list[Item]] = {}
    for item in ITEMS:
        by_indicator.setdefault(item.indicator, []).append(item)
    return tuple(_sheet(indicator, items) for indicator, items in sorted(by_indicator.items()))


@cache
def input_cells() -> dict[str, InputCell]:
    """Item code -> its input cell as generated."""
    return {cell.item.code: cell for sheet in template_layout() for cell in sheet.cells}


@cache
def sheet_order() -> dict[str, int]:
    """Sheet name -> its position, for sorting problems in reading order."""
    return {sheet.name: index for index, sheet in enumerate(template_layout())}
