"""Parses the ODS register's headerless CSV into typed rows and located problems. Never saves."""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from organisations.models import Region, Sector

# Field positions (0-based) in the ODS "etr"-style headerless CSV.
CODE, NAME, REGION, ICB = 0, 1, 2, 3
ADDRESS = slice(4, 9)
POSTCODE, OPENED, CLOSED = 9, 10, 11
MIN_FIELDS = 12

WALES = "W00"
ENGLISH_REGIONS = frozenset(Region.values)
ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
MAX_BYTES = 20 * 1024 * 1024
#: The field (0-based) holding "W" for a Welsh organisation in the full ODS layout.
COUNTRY = 23

# Sector inferred only where the name makes it plain; anything else is left for an admin.
# Checked in order: the first match wins.
SECTOR_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("AMBULANCE", Sector.AMBULANCE),
    ("MENTAL HEALTH", Sector.MENTAL_HEALTH),
    ("LEARNING DISABILIT", Sector.MENTAL_HEALTH),
    ("PARTNERSHIP", Sector.MENTAL_HEALTH),
    ("COMMUNITY HEALTH", Sector.COMMUNITY),
    ("COMMUNITY SERVICES", Sector.COMMUNITY),
    ("COMMUNITY NHS", Sector.COMMUNITY),
    ("CHILDREN", Sector.SPECIALIST),
    ("ORTHOPAEDIC", Sector.SPECIALIST),
    ("CANCER", Sector.SPECIALIST),
    ("EYE HOSPITAL", Sector.SPECIALIST),
    ("HEART", Sector.SPECIALIST),
    ("WOMEN'S", Sector.SPECIALIST),
    ("UNIVERSITY HOSPITAL", Sector.ACUTE),
    ("HOSPITALS", Sector.ACUTE),
    ("HOSPITAL", Sector.ACUTE),
)


def infer_sector(name: str) -> str:
    """The sector a trust's name makes plain, or "" where it does not."""
    upper = name.upper()
    for keyword, sector in SECTOR_KEYWORDS:
        if keyword in upper:
            return str(sector)
    return ""


@dataclass(frozen=True)
class OdsRow:
    """One organisation as the register describes it."""

    line: int
    ods_code: str
    name: str
    region: str
    parent_icb_code: str
    address: str
    postcode: str
    opened_on: dt.date | None
    closed_on: dt.date | None

    @property
    def in_england(self) -> bool:
        return self.region in ENGLISH_REGIONS


@dataclass(frozen=True)
class OdsProblem:
    """What is wrong with the file, and where."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class OdsParseResult:
    rows: list[OdsRow]
    problems: list[OdsProblem]


def _date(value: str, label: str, line: int, problems: list[OdsProblem]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        if not re.fullmatch(r"\d{8}", value):
            raise ValueError
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        problems.append(OdsProblem(line, f"{label} {value!r} is not a date in the form YYYYMMDD"))
        return None


def decode_text(data: bytes) -> tuple[str | None, OdsProblem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, OdsProblem(
            line, "the file is not UTF-8 text (save it as CSV UTF-8, as the ODS publishes it)"
        )


def csv_text(data: bytes) -> tuple[str | None, OdsProblem | None]:
    """A reference file's text, or the one problem that stops it being read at all (empty, over
    20 MB, not UTF-8, a null byte); shared by the register, ERIC and successions readers."""
    if not data.strip():
        return None, OdsProblem(0, "the file is empty")
    if len(data) > MAX_BYTES:
        return None, OdsProblem(0, "the file is larger than 20 MB")
    text, problem = decode_text(data)
    if text is None:
        return None, problem
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, OdsProblem(line, "the file contains a null byte")
    return text, None


def refusal(name: str, problems: list[OdsProblem], shown: int = 20) -> str:
    """What a load command says when it refuses a file: each problem (the first ``shown``)."""
    lines = [str(problem) for problem in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"... and {len(problems) - shown} more")
    return f"{name} was not loaded, nothing was changed:\n  " + "\n  ".join(lines)


def parse_ods_register(data: bytes) -> OdsParseResult:
    """Every row of the register, or the problems that stop it being loaded (all of them)."""
    text, problem = csv_text(data)
    if text is None:
        return OdsParseResult([], [problem] if problem else [])

    rows: list[OdsRow] = []
    problems: list[OdsProblem] = []
    first_line: dict[str, int] = {}
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
                        f"{len(fields)} fields where the register has at least {MIN_FIELDS} "
                        "(code, name, region, ICB, 5 address lines, postcode, open, close date)",
                    )
                )
                continue
            row_problems: list[OdsProblem] = []
            code = fields[CODE].strip().upper()
            name = " ".join(fields[NAME].split())
            region = fields[REGION].strip().upper()
            if not region and len(fields) > COUNTRY and fields[COUNTRY].strip().upper() == "W":
                region = WALES  # older extracts leave a Welsh trust's region empty
            if not ODS_CODE.match(code):
                row_problems.append(OdsProblem(line, f"ODS code {fields[CODE]!r} is not valid"))
            elif code in first_line:
                row_problems.append(
                    OdsProblem(
                        line, f"ODS code {code} appears twice (first on line {first_line[code]})"
                    )
                )
            else:
                first_line[code] = line
            if not name:
                row_problems.append(OdsProblem(line, "the name is empty"))
            elif len(name) > 255:
                row_problems.append(OdsProblem(line, "the name is longer than 255 characters"))
            if region not in ENGLISH_REGIONS and region != WALES:
                row_problems.append(
                    OdsProblem(line, f"region code {fields[REGION]!r} is not an NHS England region")
                )
            opened = _date(fields[OPENED], "open date", line, row_problems)
            closed = _date(fields[CLOSED], "close date", line, row_problems)
            if opened and closed and closed < opened:
                row_problems.append(OdsProblem(line, "the close date is before the open date"))
            if row_problems:
                problems.extend(row_problems)
                continue
            address = ", ".join(part.strip() for part in fields[ADDRESS] if part.strip())
            rows.append(
                OdsRow(
                    line=line,
                    ods_code=code,
                    name=name,
                    region=region,
                    parent_icb_code=fields[ICB].strip().upper()[:10],
                    address=address[:500],
                    postcode=fields[POSTCODE].strip().upper()[:10],
                    opened_on=opened,
                    closed_on=closed,
                )
            )
    except csv.Error as exc:
        problems.append(OdsProblem(reader.line_num, f"the CSV is malformed ({exc})"))
    if not rows and not problems:
        problems.append(OdsProblem(0, "the file has no rows"))
    return OdsParseResult(rows, problems)
