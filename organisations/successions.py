"""ODS successions (``succ.csv``: predecessor, successor, reason, effective date, flag; no header):
reading the file, all or nothing, naming each bad line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from organisations.ods import ODS_CODE, OdsProblem, csv_text

MIN_FIELDS = 4


@dataclass(frozen=True)
class Succession:
    line: int
    predecessor: str
    successor: str
    effective_on: dt.date


@dataclass(frozen=True)
class SuccessionParse:
    rows: list[Succession]
    problems: list[OdsProblem]


def parse_successions(data: bytes) -> SuccessionParse:
    """Every succession in the file, or every problem that stops it being loaded."""
    text, problem = csv_text(data)
    if text is None:
        return SuccessionParse([], [problem] if problem else [])
    rows: list[Succession] = []
    problems: list[OdsProblem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for fields in reader:
            line = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(fields) < MIN_FIELDS:
                problems.append(
                    OdsProblem(
                        line,
                        f"{len(fields)} fields where a succession has at least {MIN_FIELDS} "
                        "(predecessor, successor, reason, effective date)",
                    )
                )
                continue
            before, after = fields[0].strip().upper(), fields[1].strip().upper()
            wrong = [
                f"ODS code {value!r} is not valid"
                for value in (fields[0], fields[1])
                if not ODS_CODE.match(value.strip().upper())
            ]
            if before == after and not wrong:
                wrong.append(f"{before} cannot succeed itself")
            effective = _date(fields[3].strip())
            if effective is None:
                wrong.append(f"effective date {fields[3]!r} is not a date in the form YYYYMMDD")
            if wrong or effective is None:
                problems.append(OdsProblem(line, "; ".join(wrong)))
                continue
            rows.append(Succession(line, before, after, effective))
    except csv.Error as exc:
        problems.append(OdsProblem(reader.line_num, f"the file is not valid CSV ({exc})"))
    if problems:
        return SuccessionParse([], problems)
    return SuccessionParse(rows, [])


def _date(value: str) -> dt.date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
