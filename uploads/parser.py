"""Turning an uploaded file's bytes into typed item values and a list of located problems.

Parsers never save. A file refused as a whole (not a spreadsheet, too big, encrypted, macros,
a zip bomb, the wrong encoding, another organisation's template...) gives one file-level problem
and no values; otherwise each value is typed and each problem names its sheet and cell (or CSV
line). Whether the values make sense together is the engine's job (`uploads.checks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from indicators.dictionary import ITEM_BY_CODE, ITEMS, Item
from uploads.layout import NAME_PREFIX, STAMP_NAMES, TEMPLATE_VERSION, defined_name
from uploads.sandbox import extract_bounded

MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024
ZIP_MAGIC: Final = b"PK\x03\x04"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
COUNT_TEXT = re.compile(r"[0-9]{1,3}(?:[, ][0-9]{3})+|[0-9]+")
PERCENT_TEXT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*%?")

Kind = Literal["xlsx", "csv"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the file: a sheet and cell of a workbook, or a line of a CSV file."""

    sheet: str | None = None
    cell: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        if self.sheet and self.cell:
            return f"{self.sheet}, cell {self.cell}"
        return self.sheet or ""

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "cell": self.cell, "line": self.line}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: a stable code, severity, the items concerned, where, and what to do."""

    code: str
    severity: Severity
    message: str
    items: tuple[str, ...] = ()
    location: Location | None = None

    @property
    def label(self) -> str:
        """The first item's label from the data dictionary (empty for file-level problems)."""
        item = ITEM_BY_CODE.get(self.items[0]) if self.items else None
        return item.label if item is not None else ""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "items": list(self.items),
            "label": self.label,
            "location": self.location.as_dict() if self.location else None,
            "where": str(self.location) if self.location else "",
            "message": self.message,
        }


@dataclass(slots=True)
class ParsedUpload:
    """What a file holds: typed values of the items it covers (``None`` = left empty), where each
    was read, and the problems found. ``refusal`` is set when the file is refused as a whole."""

    kind: Kind | None
    values: dict[str, object] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refusal: Problem | None = None

    @property
    def unreadable(self) -> bool:
        """Refused before its content could be read (as opposed to read and found wrong)."""
        return self.refusal is not None and self.refusal.code < "U100"


def _refuse(kind: Kind | None, code: str, message: str) -> ParsedUpload:
    return ParsedUpload(kind, refusal=Problem(code, "error", message))


def sniff(data: bytes, filename: str) -> tuple[Kind | None, Problem | None]:
    """The file's kind from its first bytes and name, or the reason it is refused: cheap checks
    that `upload_receive` also makes before storing anything."""
    name = filename.lower()
    if not data:
        return None, Problem("U003", "error", "The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        return None, Problem(
            "U002",
            "error",
            f"The file is {len(data) / (1024 * 1024):.1f} MB; it must be 5 MB or smaller. A "
            "WRES template is well under 1 MB: upload the template or a CSV file.",
        )
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        return None, Problem(
            "U005",
            "error",
            "The workbook is macro-enabled (.xlsm). Save it as an Excel Workbook (.xlsx) without "
            "macros and upload again.",
        )
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data:
            return None, Problem(
                "U004",
                "error",
                "The workbook is password-protected (encrypted). Remove the password (File, "
                "Info, Protect Workbook) and upload again.",
            )
        return None, Problem(
            "U001",
            "error",
            "The file is an old-style Excel file (.xls) or another Office document. Save it as "
            "an Excel Workbook (.xlsx) and upload again.",
        )
    if data.startswith(ZIP_MAGIC):
        if name.endswith(".xlsx") or not name.endswith(".csv"):
            return "xlsx", None
    elif name.endswith(".csv"):
        return "csv", None
    return None, Problem(
        "U001",
        "error",
        "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the template "
        "downloaded from the portal, or a CSV file with the header item,value.",
    )


def type_value(item: Item, raw: object) -> object:
    """The value as the engine expects it: counts as int (Excel stores 12 as 12.0; text such as
    "1,234" is read as a form would read it), percentages as float ("31.5%" too); anything else
    is returned as it is, for the engine to name the problem (E002, E006)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return str(raw).upper()
    if item.unit == "percent" and isinstance(raw, int):
        return float(raw)
    if item.unit == "count" and isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if item.unit == "count" and COUNT_TEXT.fullmatch(text):
            return int(text.replace(",", "").replace(" ", ""))
        if item.unit == "percent":
            match = PERCENT_TEXT.fullmatch(text)
            if match:
                return float(match.group(1))
        return text
    return raw


def _parse_xlsx(raw: dict[str, Any], *, ods_code: str, year: int) -> ParsedUpload:
    names = {entry["name"].lower(): entry for entry in raw["names"]}
    stamp = {key: names.get(name.lower(), {}).get("value") for key, name in STAMP_NAMES.items()}
    has_items = any(name.startswith(NAME_PREFIX.lower() + "i") for name in names)
    if not has_items or stamp["organisation"] is None:
        return _refuse(
            "xlsx",
            "U009",
            "This workbook is not the WRES template (its named input cells and version stamp "
            "are missing). Download the template from the portal, or upload a CSV file.",
        )
    stamped_year = stamp["year"]
    if isinstance(stamped_year, float) and stamped_year.is_integer():
        stamped_year = int(stamped_year)
    if str(stamp["organisation"]).strip().upper() != ods_code.upper():
        return _refuse(
            "xlsx",
            "U101",
            f"This template is for organisation {str(stamp['organisation'])[:12]}, not "
            f"{ods_code}. Download the template for {ods_code} and copy your figures into it.",
        )
    if stamped_year != year:
        return _refuse(
            "xlsx",
            "U102",
            f"This template is for {str(stamped_year)[:12]}, not {year}. Download the {year} "
            "template and copy your figures into it.",
        )
    if str(stamp["version"]).split(".")[0] != TEMPLATE_VERSION:
        return _refuse(
            "xlsx",
            "U103",
            "This template is from an earlier version of the portal. Download the template "
            "again and copy your figures into it.",
        )
    parsed = ParsedUpload("xlsx")
    for item in ITEMS:
        entry = names.get(defined_name(item.code).lower())
        if entry is None or entry.get("broken"):
            parsed.problems.append(
                Problem(
                    "U207",
                    "error",
                    f"The input cell for {item.label} ({item.code}) has been deleted or its "
                    "name removed. Download the template again, or enter this figure on the "
                    "portal.",
                    (item.code,),
                )
            )
            continue
        location = Location(sheet=entry["sheet"], cell=entry["cell"])
        parsed.locations[item.code] = location
        if "error" in entry:
            parsed.problems.append(
                Problem(
                    "U201",
                    "error",
                    f"{item.label} shows the error {entry['error']} (a formula that cannot be "
                    "worked out). Type the figure itself, or correct the formula.",
                    (item.code,),
                    location,
                )
            )
            continue
        parsed.values[item.code] = type_value(item, entry.get("value"))
    return parsed


def _parse_csv(raw: dict[str, Any]) -> ParsedUpload:
    parsed = ParsedUpload("csv")
    for line, count in raw["bad_rows"]:
        parsed.problems.append(
            Problem(
                "U206",
                "error",
                f"Line {line} has {count} fields; each line needs two: the item code and its "
                "value (item,value).",
                location=Location(line=line),
            )
        )
    first_line: dict[str, int] = {}
    for line, code, value in raw["rows"]:
        location = Location(line=line)
        item = ITEM_BY_CODE.get(code)
        if item is None:
            parsed.problems.append(
                Problem(
                    "E010",
                    "error",
                    f"Line {line}: {code!r} is not an item code of the WRES return. Check the "
                    "spelling against the data dictionary (for example i2.shortlisted.white).",
                    location=location,
                )
            )
            continue
        if code in first_line:
            parsed.problems.append(
                Problem(
                    "U204",
                    "error",
                    f"Line {line} repeats {item.label} ({code}), already given on line "
                    f"{first_line[code]}. Give each item once.",
                    (code,),
                    location,
                )
            )
            continue
        first_line[code] = line
        parsed.locations[code] = location
        parsed.values[code] = type_value(item, value)
    return parsed


def parse_upload(data: bytes, *, filename: str, ods_code: str, year: int) -> ParsedUpload:
    """Reads an uploaded template (.xlsx) or CSV file for ``ods_code``'s ``year`` return.

    Cheap checks first (size, kind, macros, encryption), then the file is read in a bounded child
    process (`sandbox`), then each value is typed and located. Never raises for a bad file.
    """
    kind, refusal = sniff(data, filename)
    if refusal is not None or kind is None:
        return ParsedUpload(kind, refusal=refusal)
    raw = extract_bounded(data, kind)
    if "refused" in raw:
        return _refuse(kind, raw["refused"]["code"], raw["refused"]["message"])
    if kind == "xlsx":
        return _parse_xlsx(raw, ods_code=ods_code, year=year)
    return _parse_csv(raw)
