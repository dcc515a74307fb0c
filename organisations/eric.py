"""ERIC trust types: reading the two files NHS England's Estates Returns Information Collection
gives them in (see ``organisations/data/README.md``).

- The current types, with a header ``ods_code,name,trust_type,source``; the year is in the
  source ("ERIC 2023/24 Trust data ...").
- Types by year, with a header ``fyear,trust_code,trust_type`` (``fyear`` like ``202122``).

A file with any problem is refused whole: :func:`parse_trust_types` returns every problem with
its line, and no rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Final

from organisations.models import TrustType
from organisations.ods import OdsProblem, csv_text

#: ERIC's own words for each trust type.
ERIC_TYPES: Final[dict[str, str]] = {
    "ACUTE - TEACHING": TrustType.ACUTE_TEACHING,
    "ACUTE - LARGE": TrustType.ACUTE_LARGE,
    "ACUTE - MEDIUM": TrustType.ACUTE_MEDIUM,
    "ACUTE - SMALL": TrustType.ACUTE_SMALL,
    "ACUTE - SPECIALIST": TrustType.ACUTE_SPECIALIST,
    "ACUTE - MULTI-SERVICE": TrustType.ACUTE_MULTI_SERVICE,
    "MENTAL HEALTH AND LEARNING DISABILITY": TrustType.MENTAL_HEALTH,
    "COMMUNITY": TrustType.COMMUNITY,
    "AMBULANCE": TrustType.AMBULANCE,
    "CARE TRUST": TrustType.CARE_TRUST,
    "INDEPENDENT SECTOR": TrustType.INDEPENDENT,
}
CURRENT_HEADER: Final = ("ods_code", "name", "trust_type", "source")
BY_YEAR_HEADER: Final = ("fyear", "trust_code", "trust_type")
_CODE = re.compile(r"[A-Z0-9]{3,6}")
_SOURCE_YEAR = re.compile(r"ERIC (\d{4})/(\d{2})")
_FIRST_YEAR, _LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class TrustTypeRow:
    line: int
    ods_code: str
    year: int
    trust_type: str
    source: str


@dataclass(frozen=True)
class TrustTypeParse:
    rows: list[TrustTypeRow]
    problems: list[OdsProblem]


def _year_of_fyear(value: str) -> int | None:
    """2021 for "202122"; ``None`` unless the two years follow each other."""
    if not re.fullmatch(r"\d{6}", value):
        return None
    first, second = int(value[:4]), int(value[4:])
    if (first + 1) % 100 != second or not _FIRST_YEAR <= first <= _LAST_YEAR:
        return None
    return first


def _year_of_source(value: str) -> int | None:
    """2023 for a source naming "ERIC 2023/24"."""
    found = _SOURCE_YEAR.search(value)
    if not found:
        return None
    return _year_of_fyear(found.group(1) + found.group(2))


def parse_trust_types(data: bytes, *, source: str = "") -> TrustTypeParse:
    """Every row of an ERIC trust type file, or every problem that stops it being loaded.

    ``source`` names the file for the by-year layout (which has no source column).
    """
    text, problem = csv_text(data)
    if text is None:
        return TrustTypeParse([], [problem] if problem else [])
    rows: list[TrustTypeRow] = []
    problems: list[OdsProblem] = []
    seen: dict[tuple[str, int], tuple[int, str]] = {}
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return TrustTypeParse([], [OdsProblem(0, f"the file is not valid CSV ({exc})")])
    header = tuple(cell.strip().lower() for cell in records[0]) if records else ()
    if header not in (CURRENT_HEADER, BY_YEAR_HEADER):
        expected = f"{','.join(CURRENT_HEADER)} or {','.join(BY_YEAR_HEADER)}"
        return TrustTypeParse([], [OdsProblem(1, f"the header must be {expected}")])
    by_year = header == BY_YEAR_HEADER
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                OdsProblem(number, f"{len(record)} fields where the header has {len(header)}")
            )
            continue
        cells = dict(zip(header, (cell.strip() for cell in record), strict=True))
        code = (cells["trust_code"] if by_year else cells["ods_code"]).upper()
        label = cells["trust_type"].upper()
        row_source = source if by_year else cells["source"]
        year = _year_of_fyear(cells["fyear"]) if by_year else _year_of_source(cells["source"])
        wrong = []
        if not _CODE.fullmatch(code):
            wrong.append(f"{code or 'an empty code'!r} is not an ODS code")
        if label not in ERIC_TYPES:
            wrong.append(f"{cells['trust_type']!r} is not an ERIC trust type")
        if year is None:
            wrong.append(
                f"fyear {cells['fyear']!r} is not a financial year like 202122"
                if by_year
                else "the source does not name the ERIC year (like 'ERIC 2023/24')"
            )
        if wrong:
            problems.append(OdsProblem(number, "; ".join(wrong)))
            continue
        assert year is not None
        trust_type = ERIC_TYPES[label]
        earlier = seen.get((code, year))
        if earlier is not None:
            if earlier[1] != trust_type:
                problems.append(
                    OdsProblem(
                        number,
                        f"{code} has two types for {year}/{(year + 1) % 100:02d} "
                        f"(line {earlier[0]} says otherwise)",
                    )
                )
            continue  # the same row twice (ERIC's 2016/17 lists each trust twice)
        seen[(code, year)] = (number, trust_type)
        rows.append(TrustTypeRow(number, code, year, trust_type, row_source[:300]))
    if problems:
        return TrustTypeParse([], problems)
    if not rows:
        return TrustTypeParse([], [OdsProblem(0, "the file has a header but no rows")])
    return TrustTypeParse(rows, [])
