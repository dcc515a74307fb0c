"""Reading the national Staff Survey results CSV into typed rows and a list of located problems.

The file is ``ods_code,year,indicator,white_pct,bme_pct``, one line per organisation, year and
indicator (5 to 8), UTF-8 with or without a byte order mark. A file refused as a whole (empty,
too big, not UTF-8, the wrong header) gives one file-level problem; otherwise every bad line
gives a problem naming its line and column. The parser never saves.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from indicators.dictionary import SURVEY_INDICATORS

HEADER: Final[tuple[str, ...]] = ("ods_code", "year", "indicator", "white_pct", "bme_pct")
MAX_FILE_BYTES: Final = 5 * 1024 * 1024
#: The first WRES collection; no survey figures are loaded for earlier years.
FIRST_YEAR: Final = 2015
#: Percentages as the return forms take them: 0 to 100 with up to 2 decimal places.
PERCENT_TEXT: Final = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")
MANY_DECIMALS: Final = re.compile(r"[0-9]{1,3}\.[0-9]{3,}")
YEAR_TEXT: Final = re.compile(r"[0-9]{4}")
#: How many problems a refused file reports before it stops counting them one by one.
MAX_PROBLEMS: Final = 500


@dataclass(frozen=True, slots=True)
class SurveyProblem:
    """One reason the file is refused: where (line and column, if any) and what to do."""

    message: str
    line: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        if self.line is None:
            return "The file"
        if self.column is None:
            return f"Line {self.line}"
        return f"Line {self.line}, column {self.column}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One organisation's percentages for one indicator of one year (``None``: not published)."""

    line: int
    ods_code: str
    organisation_id: int
    year: int
    indicator: int
    white_pct: Decimal | None
    bme_pct: Decimal | None


@dataclass(slots=True)
class ParsedSurvey:
    rows: list[SurveyRow]
    problems: list[SurveyProblem]
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode(data: bytes) -> str | SurveyProblem:
    if not data.strip():
        return SurveyProblem("is empty. Choose the Staff Survey results CSV file.")
    if len(data) > MAX_FILE_BYTES:
        return SurveyProblem(f"is over {MAX_FILE_BYTES // (1024 * 1024)} MB, so it was not read.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return SurveyProblem(
            'is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8" and load it again.'
        )
    if b"\x00" in data:
        return SurveyProblem(
            "contains NUL characters, so it is not a plain CSV file (it may be UTF-16 or a "
            'spreadsheet). Save it as "CSV UTF-8" and load it again.'
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return SurveyProblem(
            f'is not UTF-8 text (the first bad character is on line {line}). Save it as "CSV '
            'UTF-8" and load it again.'
        )


def _percent(text: str) -> Decimal | str | None:
    """The percentage, ``None`` for empty, or why the text is not one."""
    if text == "":
        return None
    cleaned = text.removesuffix("%").strip()
    if cleaned.startswith("-"):
        return f"{text!r} is negative: enter a percentage from 0 to 100"
    if MANY_DECIMALS.fullmatch(cleaned):
        return f"{text!r} has more than 2 decimal places: round it to 2 at most, like 23.45"
    if not PERCENT_TEXT.fullmatch(cleaned):
        return f"{text!r} is not a percentage: enter a number from 0 to 100, like 23.5"
    value = Decimal(cleaned)
    if value > 100:
        return f"{text!r} is over 100: enter a percentage from 0 to 100"
    return value


def parse_survey(data: bytes, *, organisations: Mapping[str, int], years: range) -> ParsedSurvey:
    """Parses the national Staff Survey CSV.

    ``organisations`` maps each ODS code of the register to its organisation's id; ``years`` is
    the range of years a file may hold. Every row is checked and every problem kept (up to
    `MAX_PROBLEMS`, then counted), so that one load attempt shows everything to correct.
    """
    decoded = _decode(data)
    if isinstance(decoded, SurveyProblem):
        return ParsedSurvey([], [decoded], 1)
    reader = csv.reader(io.StringIO(decoded, newline=""), strict=True)
    parsed = ParsedSurvey([], [])

    def problem(message: str, line: int | None = None, column: str | None = None) -> None:
        parsed.problem_count += 1
        if len(parsed.problems) < MAX_PROBLEMS:
            parsed.problems.append(SurveyProblem(message, line, column))

    try:
        header = next(reader, None)
    except csv.Error as error:
        problem(f"the header could not be read as CSV ({error}).", 1)
        return parsed
    found = tuple(cell.strip() for cell in header or ())
    if found != HEADER:
        problem(
            f"the header must be exactly {','.join(HEADER)} (found "
            f"{','.join(found)[:120] or 'nothing'}).",
            1,
        )
        return parsed
    seen: dict[tuple[int, int, int], int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (a trailing one is common) are not rows
            if len(cells) != len(HEADER):
                problem(
                    f"{len(cells)} values found; each line needs {len(HEADER)} "
                    f"({', '.join(HEADER)}).",
                    line,
                )
                continue
            row = _row(cells, line, organisations, years, problem)
            if row is None:
                continue
            key = (row.organisation_id, row.year, row.indicator)
            if key in seen:
                problem(
                    f"{row.ods_code} {row.year} indicator {row.indicator} is already on line "
                    f"{seen[key]}. Keep one line for each organisation, year and indicator.",
                    line,
                )
                continue
            seen[key] = line
            parsed.rows.append(row)
    except csv.Error as error:
        problem(f"the CSV could not be read ({error}). Check the quotation marks.", reader.line_num)
    if not parsed.rows and not parsed.problems:
        problem("has a header but no figures.")
    return parsed


def _row(
    cells: list[str],
    line: int,
    organisations: Mapping[str, int],
    years: range,
    report: Callable[[str, int | None, str | None], None],
) -> SurveyRow | None:
    ods_text, year_text, indicator_text, white_text, bme_text = (cell.strip() for cell in cells)
    bad = False
    ods_code = ods_text.upper()
    organisation_id = organisations.get(ods_code)
    if not ods_text:
        report("is empty: enter the organisation's ODS code, like RJ1.", line, "ods_code")
        bad = True
    elif organisation_id is None:
        report(
            f"{ods_text[:20]!r} is not an ODS code in the organisation register.", line, "ods_code"
        )
        bad = True
    year = int(year_text) if YEAR_TEXT.fullmatch(year_text) else None
    if year is None:
        report(f"{year_text[:20]!r} is not a year: enter 4 digits, like 2026.", line, "year")
        bad = True
    elif year not in years:
        report(
            f"{year} is outside the years that can be loaded ({years.start} to {years.stop - 1}).",
            line,
            "year",
        )
        bad = True
    indicator = int(indicator_text) if indicator_text in ("5", "6", "7", "8") else None
    if indicator is None or indicator not in SURVEY_INDICATORS:
        report(
            f"{indicator_text[:20]!r} is not an indicator: enter 5, 6, 7 or 8.", line, "indicator"
        )
        bad = True
    percentages: list[Decimal | None] = []
    for column, text in (("white_pct", white_text), ("bme_pct", bme_text)):
        value = _percent(text[:40])
        if isinstance(value, str):
            report(value + ".", line, column)
            bad = True
        else:
            percentages.append(value)
    if not bad and percentages[0] is None and percentages[1] is None:
        report(
            "neither percentage is given: give white_pct, bme_pct or both (leave one empty "
            "only where the survey published none).",
            line,
            None,
        )
        bad = True
    if bad:
        return None
    assert organisation_id is not None and year is not None and indicator is not None
    return SurveyRow(
        line, ods_code, organisation_id, year, indicator, percentages[0], percentages[1]
    )
