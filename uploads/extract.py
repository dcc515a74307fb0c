"""The risky part of reading an upload: raw cells out of untrusted bytes, run in a child process.

Standalone on purpose (standard library, python-calamine and defusedxml only): the sandbox runs
this file as ``python -I extract.py KIND MEMORY_BYTES CPU_SECONDS`` with the file on stdin, under
resource limits, and reads one JSON object from stdout: ``{"refused": {"code", "message"}}`` or
the raw cells. It knows nothing of the data dictionary; typing and checking happen in the parent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
import zlib
from typing import Any

MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_COMPRESSION_RATIO = 400
MAX_NAMES = 5000
MAX_CSV_ROWS = 5000
MAX_TEXT_CHARS = 200
NAME_PREFIX = "wres_"
UNSAFE_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
MACRO_CONTENT_TYPE = b"macroEnabled"
REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
CELL = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class Refused(Exception):
    """The file is refused as a whole: a stable code and a message fit to show the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _text(value: str) -> str:
    # NUL cannot be stored in PostgreSQL's JSON; long text is shown shortened anyway.
    value = value.replace("\x00", "")
    return value if len(value) <= MAX_TEXT_CHARS else value[: MAX_TEXT_CHARS - 3] + "..."


def _plain(value: Any) -> Any:
    """A calamine cell value as JSON: numbers, text and booleans; dates and times as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return _text(str(value))


# -- xlsx ---------------------------------------------------------------------------------------


def _read_parts(data: bytes) -> dict[str, bytes]:
    """Every part of the package, after bounding entry count, sizes and compression ratio."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,  # an unknown zip version
    ):
        raise Refused(
            "U008", "The file is damaged: it could not be opened as a workbook."
        ) from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise Refused(
            "U006",
            f"The workbook has {len(infos):,} parts, more than a WRES template could have "
            f"({MAX_ZIP_ENTRIES}). Upload the template downloaded from the portal.",
        )
    declared = sum(info.file_size for info in infos)
    too_big = Refused(
        "U006",
        "The workbook would expand to more than "
        f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB when opened, far more than a WRES "
        "return needs, so it was not opened. Upload the template downloaded from the portal.",
    )
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise too_big
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused(
                "U004", "The workbook is password-protected. Remove the password and upload again."
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise too_big
    names = [info.filename for info in infos]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Refused("U005", _MACROS)
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        try:
            # zipfile stops at the declared size and checks the CRC, so a lying header fails
            # here rather than expanding without bound.
            body = archive.read(info)
        except (
            zipfile.BadZipFile,
            NotImplementedError,
            RuntimeError,
            OSError,
            EOFError,
            ValueError,
            zlib.error,
        ):
            raise Refused(
                "U008", "The file is damaged: a part of the workbook could not be read."
            ) from None
        total += len(body)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise too_big
        parts[info.filename] = body
    content_types = parts.get("[Content_Types].xml", b"")
    if MACRO_CONTENT_TYPE in content_types:
        raise Refused("U005", _MACROS)
    for name, body in parts.items():
        if name.endswith((".xml", ".rels", ".vml")) and any(m in body for m in UNSAFE_XML):
            raise Refused(
                "U007",
                "The workbook contains XML declarations that a spreadsheet saved by Excel never "
                "has (a DOCTYPE or ENTITY), so it was not opened. Upload the template from the "
                "portal.",
            )
    return parts


_MACROS = (
    "The workbook is macro-enabled (.xlsm or contains VBA macros). Save it as an Excel "
    "Workbook (.xlsx) without macros and upload again."
)


def _xml(body: bytes) -> Any:
    from defusedxml import ElementTree

    try:
        return ElementTree.fromstring(body, forbid_dtd=True)
    except Exception:  # defusedxml's refusals and ParseError alike
        raise Refused(
            "U008", "The file is damaged: the workbook's structure is not valid."
        ) from None


def _sheet_parts(parts: dict[str, bytes], workbook: Any) -> dict[str, str]:
    """Sheet name -> the package path of its XML."""
    rels_body = parts.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    if rels_body is not None:
        for rel in _xml(rels_body).iter(f"{PKG_REL_NS}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id", "")] = path
    sheets: dict[str, str] = {}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        sheets[sheet.get("name", "")] = targets.get(sheet.get(f"{REL_NS}id", ""), "")
    return sheets


def _error_cells(body: bytes) -> dict[tuple[int, int], str]:
    """(row, column) -> error value ("#REF!") of every cell stored as an error in a sheet."""
    if b't="e"' not in body and b"t='e'" not in body:
        return {}
    from defusedxml import ElementTree

    errors: dict[tuple[int, int], str] = {}
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(body), forbid_dtd=True):
            if element.tag == f"{MAIN_NS}c":
                if element.get("t") == "e":
                    match = CELL.match(element.get("r", ""))
                    value = element.find(f"{MAIN_NS}v")
                    if match:
                        key = (int(match.group(2)), column_number(match.group(1)))
                        errors[key] = _text(value.text or "#ERROR") if value is not None else ""
                element.clear()
    except Exception:
        raise Refused("U008", "The file is damaged: a sheet's structure is not valid.") from None
    return errors


def read_xlsx(data: bytes) -> dict[str, Any]:
    """The cells that the workbook's ``WRES_`` names point at: value, and any error value."""
    import python_calamine

    parts = _read_parts(data)
    workbook_xml = parts.get("xl/workbook.xml")
    if workbook_xml is None:
        raise Refused("U001", "The file is not an Excel workbook (.xlsx) or a CSV file.")
    workbook = _xml(workbook_xml)
    sheet_parts = _sheet_parts(parts, workbook)
    names: dict[str, dict[str, Any]] = {}
    for element in workbook.iter(f"{MAIN_NS}definedName"):
        name = element.get("name", "")
        if not name.lower().startswith(NAME_PREFIX) or element.get("localSheetId") is not None:
            continue
        if len(names) >= MAX_NAMES:
            raise Refused("U006", "The workbook has more named cells than a WRES template has.")
        match = REF.match((element.text or "").strip())
        if match is None or "#REF!" in (element.text or ""):
            names[name.lower()] = {"name": name, "broken": True}
            continue
        sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
        names[name.lower()] = {
            "name": name,
            "sheet": sheet,
            "row": int(match.group(4)),
            "column": column_number(match.group(3)),
            "cell": f"{match.group(3).upper()}{match.group(4)}",
        }
    wanted: dict[str, list[dict[str, Any]]] = {}
    for entry in names.values():
        if not entry.get("broken"):
            wanted.setdefault(entry["sheet"], []).append(entry)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception:
        raise Refused("U008", "The file is damaged: the workbook could not be read.") from None
    available = set(book.sheet_names)
    for sheet, entries in wanted.items():
        if sheet not in available:
            for entry in entries:
                entry["broken"] = True
            continue
        try:
            grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except MemoryError:
            raise
        except Exception:
            raise Refused("U008", f"The sheet {sheet!r} could not be read.") from None
        errors = _error_cells(parts.get(sheet_parts.get(sheet, ""), b""))
        for entry in entries:
            row, column = entry["row"], entry["column"]
            value: Any = None
            if row <= len(grid) and column <= len(grid[row - 1]):
                value = grid[row - 1][column - 1]
            entry["value"] = None if value == "" else _plain(value)
            if (row, column) in errors:
                entry["error"] = errors[(row, column)] or "#ERROR"
        del grid
    return {"kind": "xlsx", "names": list(names.values())}


# -- csv ----------------------------------------------------------------------------------------


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def read_csv(data: bytes) -> dict[str, Any]:
    """Rows of a CSV ``item,value`` file: (line, item, value), and lines of the wrong shape."""
    utf16 = Refused(
        "U010",
        'The CSV file is saved as UTF-16 ("Unicode text"). Save it as "CSV UTF-8" and upload '
        "again.",
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise utf16
    if b"\x00" in data:
        if _looks_utf16(data):
            raise utf16
        raise Refused(
            "U011",
            "The file contains NUL bytes, which a CSV file never has. Export it again as "
            '"CSV UTF-8".',
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Refused(
            "U010",
            f"The CSV file is not UTF-8 (the first character that is not is on line {line}). "
            'Save it as "CSV UTF-8" and upload again.',
        ) from None
    csv.field_size_limit(10_000)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[Any]] = []
    bad: list[list[int]] = []
    header_seen = False
    try:
        for record in reader:
            if not any(field.strip() for field in record):
                continue
            line = reader.line_num
            if not header_seen:
                header = [field.strip().lower() for field in record]
                if header != ["item", "value"]:
                    raise Refused(
                        "U012",
                        f'Line {line} of the CSV file must be the header "item,value" '
                        f"(found {_text(','.join(record))[:60]!r}).",
                    )
                header_seen = True
                continue
            if len(rows) + len(bad) >= MAX_CSV_ROWS:
                raise Refused(
                    "U006",
                    f"The CSV file has more than {MAX_CSV_ROWS:,} rows; a return has far fewer.",
                )
            if len(record) != 2:
                bad.append([line, len(record)])
                continue
            rows.append([line, _text(record[0].strip()), _text(record[1].strip())])
    except csv.Error as error:
        raise Refused("U008", f"The CSV file could not be read: {error}.") from None
    if not header_seen:
        raise Refused("U012", 'The CSV file is empty: it needs the header "item,value".')
    return {"kind": "csv", "rows": rows, "bad_rows": bad}


def read(kind: str, data: bytes) -> dict[str, Any]:
    """Raw cells of ``data`` (``kind`` is "xlsx" or "csv"); refusals as ``{"refused": ...}``."""
    try:
        return read_xlsx(data) if kind == "xlsx" else read_csv(data)
    except Refused as refused:
        return {"refused": {"code": refused.code, "message": refused.message}}


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    import resource

    for limit, wanted in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, 0),
        (resource.RLIMIT_CORE, 0),
    ):
        _, hard = resource.getrlimit(limit)
        value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(limit, (value, hard))


def _read_exactly(stream: Any, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def serve(memory_bytes: int, cpu_seconds: int, files: int) -> None:
    """Reads up to ``files`` files, one after another, under the same bounds as one file.

    Each request on stdin is a 4-byte kind (``xlsx``, ``csv ``), an 8-byte length and the file;
    each answer on stdout is an 8-byte length and the JSON. Memory, file writes and core dumps
    are limited once, for the life of the process; CPU time is limited per file (the soft limit is
    moved to the time used so far plus ``cpu_seconds``, under a hard limit for all ``files``). After
    a file it refused or ran out of memory on, the process answers and exits: the pool replaces
    it, so nothing a hostile file left behind meets the next one.
    """
    import resource

    import defusedxml.ElementTree  # noqa: F401 - imported before the limits
    import python_calamine  # noqa: F401

    _limit(memory_bytes, cpu_seconds * files + 1)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    for _ in range(files):
        header = _read_exactly(stdin, 12)
        if len(header) < 12:
            return
        kind = header[:4].decode("ascii").strip()
        data = _read_exactly(stdin, int.from_bytes(header[4:], "big"))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(usage.ru_utime + usage.ru_stime) + cpu_seconds
        resource.setrlimit(resource.RLIMIT_CPU, (min(soft, hard), hard))
        try:
            result = read(kind, data)
        except MemoryError:
            result = {"refused": {"code": "U013", "message": "memory"}}
        answer = json.dumps(result).encode()
        stdout.write(len(answer).to_bytes(8, "big") + answer)
        stdout.flush()
        if "refused" in result:
            return


def main() -> None:
    if sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    kind, memory_bytes, cpu_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    import defusedxml.ElementTree  # noqa: F401 - imported before the limits
    import python_calamine  # noqa: F401

    data = sys.stdin.buffer.read()
    _limit(memory_bytes, cpu_seconds)
    try:
        result = read(kind, data)
    except MemoryError:
        result = {"refused": {"code": "U013", "message": "memory"}}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
