"""The spreadsheet template: an .xlsx built from the data dictionary, pre-filled with what is known.

One sheet per indicator with labelled, unlocked input cells (each a workbook-level defined name),
Excel data validation, protected total cells, an instructions sheet and a very hidden version
stamp that the parser checks (organisation, year, template version).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from indicators import DEFAULT_CONFIG
from uploads.layout import (
    HEADER_ROW,
    HELP_ROW,
    INSTRUCTIONS_SHEET,
    LABEL_COLUMN,
    STAMP_NAMES,
    STAMP_SHEET,
    TEMPLATE_VERSION,
    TITLE_ROW,
    SheetLayout,
    template_layout,
)

INPUT_FILL = PatternFill("solid", fgColor="FFF9C4")  # pale yellow: type here
PREFILLED_FILL = PatternFill("solid", fgColor="E8EDEE")  # NHS pale grey: filled for you
TOTAL_FILL = PatternFill("solid", fgColor="D8DDE0")
THIN = Side(style="thin", color="768692")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
UNLOCKED = Protection(locked=False)


def _add_name(workbook: Workbook, name: str, sheet: str, ref: str) -> None:
    column, row = "".join(c for c in ref if c.isalpha()), "".join(c for c in ref if c.isdigit())
    target = f"{quote_sheetname(sheet)}!${column}${row}"
    workbook.defined_names[name] = DefinedName(name, attr_text=target)


def _protect(sheet: Worksheet) -> None:
    # Protection stops accidental edits of labels and totals; rows may still be inserted
    # (input cells are found by name), and columns resized. No password: it is a guard rail.
    sheet.protection.sheet = True
    sheet.protection.insertRows = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _instructions(sheet: Worksheet, *, organisation_name: str, ods_code: str, year: int) -> None:
    lines = [
        (f"WRES {year} return: {organisation_name} ({ods_code})", TITLE),
        ("", None),
        ("How to fill in this template", BOLD),
        ("1. Enter each figure in the yellow cells of the indicator sheets. Headcounts are "
         "whole numbers (0 if there were none); Staff Survey figures are percentages 0-100.", None),
        ("2. Leave a cell empty if you do not have the figure: empty is not the same as 0.", None),
        ("3. Grey cells were filled for you (last year's return, Staff Survey results or your "
         "current draft). Check them and correct them if needed.", None),
        ("4. Totals are worked out for you and cannot be typed over.", None),
        ("5. You may insert rows for your own notes; do not delete rows or sheets.", None),
        ("6. Save as .xlsx (not .xlsm, not password-protected) and upload it on the portal. "
         "Nothing changes in your return until you confirm the summary of changes.", None),
        ("", None),
        ("This template is for this organisation and year only.", BOLD),
        ("Sheets", BOLD),
    ]  # fmt: skip
    lines += [
        (f"{layout.name}: {layout.title.split(': ', 1)[1]}", None) for layout in template_layout()
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text or None)
        if font is not None:
            cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110
    _protect(sheet)


def _indicator_sheet(
    sheet: Worksheet,
    layout: SheetLayout,
    values: Mapping[str, object],
    prefilled: Mapping[str, object],
) -> None:
    sheet.cell(row=TITLE_ROW, column=1, value=layout.title).font = TITLE
    help_cell = sheet.cell(row=HELP_ROW, column=1, value=" ".join(layout.help_texts))
    help_cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[HELP_ROW].height = 45
    sheet.merge_cells(
        start_row=HELP_ROW, start_column=1, end_row=HELP_ROW, end_column=layout.total_column
    )
    headers = ["Item", *layout.column_headers] + (["Total"] if layout.has_total else [])
    for column, text in enumerate(headers, start=LABEL_COLUMN):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=text)
        cell.font, cell.border = BOLD, BOX
    counts = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(DEFAULT_CONFIG.max_count),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Whole number needed",
        error=f"Enter a headcount: a whole number from 0 to {DEFAULT_CONFIG.max_count:,}.",
        promptTitle="Headcount",
        prompt="A whole number, 0 or more. Leave empty if unknown.",
        showInputMessage=True,
    )
    percents = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Percentage needed",
        error="Enter a percentage from 0 to 100, or leave it empty.",
        promptTitle="Percentage",
        prompt="A percentage from 0 to 100.",
        showInputMessage=True,
    )
    for table_row in layout.rows:
        label = sheet.cell(row=table_row.row, column=LABEL_COLUMN, value=table_row.label)
        if table_row.is_heading:
            label.font = BOLD
            continue
        label.border = BOX
        for input_cell in table_row.cells:
            if input_cell is None:
                continue
            code = input_cell.item.code
            value = values.get(code, prefilled.get(code))
            cell = sheet.cell(row=input_cell.row, column=input_cell.column, value=value)
            cell.protection = UNLOCKED
            cell.border = BOX
            cell.fill = PREFILLED_FILL if code in prefilled and code not in values else INPUT_FILL
            if input_cell.item.unit == "count":
                cell.number_format = "#,##0"
                counts.add(cell.coordinate)
            else:
                cell.number_format = "0.0"
                percents.add(cell.coordinate)
        if layout.has_total:
            first = get_column_letter(LABEL_COLUMN + 1)
            last = get_column_letter(layout.total_column - 1)
            total = sheet.cell(
                row=table_row.row,
                column=layout.total_column,
                value=f"=SUM({first}{table_row.row}:{last}{table_row.row})",
            )
            total.fill, total.border, total.font = TOTAL_FILL, BOX, BOLD
            total.number_format = "#,##0"
    for validation in (counts, percents):
        if validation.sqref:
            sheet.add_data_validation(validation)
    sheet.column_dimensions["A"].width = 62
    for column in range(LABEL_COLUMN + 1, layout.total_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=LABEL_COLUMN + 1)
    _protect(sheet)


def build_template(
    *,
    organisation_name: str,
    ods_code: str,
    year: int,
    values: Mapping[str, object] | None = None,
    prefilled: Mapping[str, object] | None = None,
) -> bytes:
    """The .xlsx template for one organisation and year.

    ``values`` (the current draft) fill the input cells; ``prefilled`` (last year's indicator 3
    items, Staff Survey figures) fill those still empty and are shaded grey. Returns the bytes.
    """
    values = dict(values or {})
    prefilled = dict(prefilled or {})
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    _instructions(instructions, organisation_name=organisation_name, ods_code=ods_code, year=year)
    for layout in template_layout():
        sheet = workbook.create_sheet(layout.name)
        _indicator_sheet(sheet, layout, values, prefilled)
        for input_cell in layout.cells:
            _add_name(workbook, input_cell.name, layout.name, input_cell.ref)
    stamp = workbook.create_sheet(STAMP_SHEET)
    stamp.sheet_state = "veryHidden"
    for row, (key, value) in enumerate(
        (("organisation", ods_code), ("year", year), ("version", TEMPLATE_VERSION)), start=1
    ):
        stamp.cell(row=row, column=1, value=key)
        stamp.cell(row=row, column=2, value=value)
        _add_name(workbook, STAMP_NAMES[key], STAMP_SHEET, f"B{row}")
    _protect(stamp)
    workbook.properties.creator = "WRES portal"
    workbook.properties.title = f"WRES {year} return template for {ods_code}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
