"""The template and the upload parser: round trip, inserted rows, located checks, hostile files.

These tests need no database: the template builder, parser and checks are plain functions.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest

from indicators.dictionary import ITEMS
from tests.submissions.upload_helpers import (
    cell_of,
    csv_bytes,
    fill,
    rewrite_parts,
    save,
    workbook,
)
from uploads.checks import check_upload
from uploads.layout import STAMP_NAMES, defined_name, input_cells
from uploads.parser import parse_upload
from uploads.report import problem_report_csv
from uploads.template import build_template

ODS, YEAR = "RJ1", 2026


@pytest.fixture(scope="module")
def template() -> bytes:
    return build_template(organisation_name="RJ1 NHS TRUST", ods_code=ODS, year=YEAR)


@pytest.fixture(scope="module")
def complete_values() -> dict[str, object]:
    """A complete, valid return (synthetic), as typed values."""
    from indicators import synthesise
    from returns.demo import values_from_row

    frame = synthesise(["SYN1"], range(2025, 2027), seed=3)
    rows = {int(row["year"]): values_from_row(row) for row in frame.to_dict("records")}
    return rows[YEAR]


def parse(data: bytes, filename: str = "wres.xlsx", **kwargs: Any) -> Any:
    return parse_upload(data, filename=filename, ods_code=kwargs.get("ods", ODS), year=YEAR)


def codes(check: Any) -> list[tuple[str, str]]:
    return [(p.code, str(p.location or "")) for p in check.problems]


# -- the template --------------------------------------------------------------------------------


def test_template_names_every_input_cell_and_stamps_the_organisation(template: bytes) -> None:
    book = workbook(template)
    for item in ITEMS:
        name = defined_name(item.code)
        assert name in book.defined_names, name
        assert cell_of(book, item.code).protection.locked is False
    assert defined_name("i2.shortlisted.white") == "WRES_i2_shortlisted_white"
    stamp = {key: book.defined_names[name] for key, name in STAMP_NAMES.items()}
    ((sheet, ref),) = stamp["organisation"].destinations
    assert book[sheet][ref.replace("$", "")].value == ODS
    assert book[sheet].sheet_state == "veryHidden"
    assert book.sheetnames[0] == "Instructions"
    assert [name for name in book.sheetnames if name.startswith("Indicator")] == [
        f"Indicator {k}" for k in range(1, 10)
    ]


def test_template_validates_counts_and_protects_totals(template: bytes) -> None:
    book = workbook(template)
    sheet = book["Indicator 2"]
    assert sheet.protection.sheet is True
    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert validations["whole"].formula1 == "0"
    assert "B5" in str(validations["whole"].sqref)
    total = sheet["E5"]
    assert str(total.value).startswith("=SUM(") and total.protection.locked is True
    survey = book["Indicator 5"].data_validations.dataValidation
    assert [dv.type for dv in survey] == ["decimal"]


def test_template_is_prefilled_with_the_draft_and_last_year(complete_values: dict) -> None:
    data = build_template(
        organisation_name="X",
        ods_code=ODS,
        year=YEAR,
        values={"i2.shortlisted.white": 120},
        prefilled={"i3.workforce_prev.white": 900, "i2.shortlisted.white": 1},
    )
    book = workbook(data)
    assert cell_of(book, "i2.shortlisted.white").value == 120  # the draft wins
    assert cell_of(book, "i3.workforce_prev.white").value == 900


# -- round trip ----------------------------------------------------------------------------------


def test_round_trip_reads_exactly_the_values_written(
    template: bytes, complete_values: dict
) -> None:
    written = dict(complete_values)
    written["i5.white"] = 27.5
    parsed = parse(fill(template, written))
    assert parsed.refusal is None and parsed.problems == []
    read = {code: value for code, value in parsed.values.items() if value is not None}
    assert read == written
    assert all(type(read[code]) is type(written[code]) for code in written)
    check = check_upload(parsed, year=YEAR, draft=False)
    assert check.errors == 0
    assert set(check.filled) == set(written)


def test_inserted_rows_still_read_through_the_defined_names(template: bytes) -> None:
    book = workbook(fill(template, {"i2.shortlisted.white": 40, "i2.appointed.bme": 3}))
    sheet = book["Indicator 2"]
    sheet.insert_rows(5, amount=3)  # what a person's "insert rows" does to the cells...
    for item in ITEMS:  # ...and what Excel does to the names (openpyxl does not move them)
        if item.indicator == 2:
            cell = input_cells()[item.code]
            name = book.defined_names[defined_name(item.code)]
            name.attr_text = f"'Indicator 2'!${cell.ref[0]}${cell.row + 3}"
    parsed = parse(save(book))
    assert parsed.values["i2.shortlisted.white"] == 40
    assert parsed.values["i2.appointed.bme"] == 3
    assert str(parsed.locations["i2.shortlisted.white"]) == "Indicator 2, cell B8"


def test_text_in_a_count_cell_is_read_like_a_form_reads_it(template: bytes) -> None:
    parsed = parse(fill(template, {"i2.shortlisted.white": "1,234", "i5.bme": "31.5%"}))
    assert parsed.values["i2.shortlisted.white"] == 1234
    assert parsed.values["i5.bme"] == 31.5


# -- checks at the right cell --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "code", "where"),
    [
        ({"i2.shortlisted.white": "lots"}, "E002", "Indicator 2, cell B5"),
        ({"i2.shortlisted.bme": 12.5}, "E002", "Indicator 2, cell C5"),
        ({"i2.shortlisted.white": -4}, "E002", "Indicator 2, cell B5"),
        ({"i2.shortlisted.white": 5, "i2.appointed.white": 9}, "E003", "Indicator 2, cell B5"),
        ({"i4.workforce.bme": 5, "i4.training.bme": 6}, "E005", "Indicator 4, cell C5"),
        ({"i5.white": 140}, "E006", "Indicator 5, cell B5"),
        ({"i3.workforce_prev.white": 100}, "E009", "Indicator 3, cell B7"),
        ({"i9.voting.white": 9, "i9.executive.white": 2, "i9.non_executive.white": 3}, "E007",
         "Indicator 9, cell B5"),
    ],
)  # fmt: skip
def test_each_check_surfaces_at_its_cell(
    template: bytes, values: dict, code: str, where: str
) -> None:
    check = check_upload(parse(fill(template, values)), year=YEAR)
    assert (code, where) in codes(check)
    problem = next(p for p in check.problems if p.code == code)
    assert problem.label and problem.severity == "error"


def test_missing_items_are_errors_on_submission_not_in_a_draft(template: bytes) -> None:
    parsed = parse(fill(template, {"i2.shortlisted.white": 5}))
    assert "E001" not in {p.code for p in check_upload(parsed, year=YEAR).problems}
    check = check_upload(parsed, year=YEAR, draft=False)
    assert ("E001", "Indicator 1, cell B6") in codes(check)


def test_errors_come_first_then_warnings(template: bytes, complete_values: dict) -> None:
    values = {**complete_values, "i2.appointed.white": 3, "i2.appointed.bme": 2}  # W105
    values["i4.training.bme"] = int(complete_values["i4.workforce.bme"]) + 1  # E005
    check = check_upload(parse(fill(template, values)), year=YEAR)
    severities = [p.severity for p in check.problems]
    assert "warning" in severities and "error" in severities
    assert severities == sorted(severities, key=lambda s: s != "error")


def test_formula_error_values_are_located(template: bytes) -> None:
    data = fill(template, {"i2.shortlisted.white": "=1/0", "i2.appointed.white": "=B5*2"})

    def as_excel_saved(body: bytes) -> bytes:  # Excel stores the cached error value
        body = body.replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#DIV/0!</v>")
        return body.replace(b'<c r="B5"', b'<c t="e" r="B5"', 1).replace(
            b"<f>#REF!</f>", b"<f>#REF!</f>"
        )

    book = workbook(data)
    index = book.sheetnames.index("Indicator 2") + 1
    sheet_part = f"xl/worksheets/sheet{index}.xml"
    raw = zipfile.ZipFile(io.BytesIO(data)).read(sheet_part)
    assert b'<c r="B5"' in raw
    patched = raw.replace(b'<c r="B5"', b'<c t="e" r="B5"', 1)
    patched = patched.replace(b"<f>1/0</f><v></v>", b"<f>1/0</f><v>#REF!</v>")
    patched = patched.replace(b"<f>1/0</f><v />", b"<f>1/0</f><v>#REF!</v>")
    check = check_upload(parse(rewrite_parts(data, {sheet_part: patched})), year=YEAR)
    assert ("U201", "Indicator 2, cell B5") in codes(check)
    assert "#REF!" in next(p.message for p in check.problems if p.code == "U201")
    assert as_excel_saved  # documents the shape of an Excel-saved error cell


def test_a_deleted_input_cell_is_reported(template: bytes) -> None:
    book = workbook(template)
    book.defined_names[defined_name("i4.training.white")].attr_text = "'Indicator 4'!#REF!"
    check = check_upload(parse(save(book)), year=YEAR)
    assert "U207" in {p.code for p in check.problems}


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_round_trip_and_located_problems() -> None:
    data = csv_bytes(
        [
            ("i2.shortlisted.white", 100),
            ("i2.appointed.white", '"1,200"'),
            ("i2.shortlisted.bme", "abc"),
            ("i2.bogus.white", 3),
            ("i2.shortlisted.white", 101),
            ("i5.white", "27.5"),
        ]
    )
    parsed = parse(data, "export.csv")
    assert parsed.values["i2.shortlisted.white"] == 100
    assert parsed.values["i5.white"] == 27.5
    check = check_upload(parsed, year=YEAR)
    found = codes(check)
    assert ("E002", "line 4") in found  # text in a count
    assert ("E010", "line 5") in found  # unknown item
    assert ("U204", "line 6") in found  # duplicate row
    assert ("E003", "line 2") in found  # 1,200 appointed of 100 shortlisted


def test_csv_with_a_wrong_header_or_row_shape() -> None:
    refused = parse(csv_bytes([("i2.shortlisted.white", 1)], header="code;value"), "x.csv")
    assert refused.refusal is not None and refused.refusal.code == "U012"
    parsed = parse(b"item,value\ni2.shortlisted.white,1,2\n", "x.csv")
    assert [(p.code, str(p.location)) for p in parsed.problems] == [("U206", "line 2")]


# -- hostile and broken files --------------------------------------------------------------------


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


def _ole(streams: list[str]) -> bytes:
    """An OLE compound file header followed by directory names, as Office writes them."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504
    directory = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in streams)
    return header + directory + b"\x00" * 1024


def _billion_laughs() -> bytes:
    entities = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE workbook [{entities}]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheets><sheet name='&lol9;' sheetId='1'/></sheets></workbook>"
    ).encode()


@pytest.mark.parametrize(
    ("name", "make", "code", "words"),
    [
        ("a.pdf", lambda t: b"%PDF-1.7 not a spreadsheet", "U001", "not an Excel workbook"),
        ("a.xlsx", lambda t: b"just text pretending", "U001", "not an Excel workbook"),
        ("a.xlsx", lambda t: b"", "U003", "empty"),
        ("a.xlsx", lambda t: b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024), "U002", "5 MB"),
        ("a.xlsx", lambda t: _ole(["EncryptionInfo", "EncryptedPackage"]), "U004", "password"),
        ("a.xls", lambda t: _ole(["Workbook"]), "U001", ".xls"),
        ("a.xlsm", lambda t: t, "U005", "macro"),
        ("a.xlsx", lambda t: rewrite_parts(t, {"xl/vbaProject.bin": b"\x00VBA"}), "U005", "macro"),
        ("a.xlsx", lambda t: rewrite_parts(t, {"[Content_Types].xml": lambda b: b.replace(
            b"sheet.main+xml", b"sheet.macroEnabled.main+xml")}), "U005", "macro"),
        ("a.xlsx", lambda t: _zip({"xl/workbook.xml": b" " * (41 * 1024 * 1024)}), "U006", "MB"),
        ("a.xlsx", lambda t: _zip({f"x/{i}.xml": b"x" for i in range(300)}), "U006", "parts"),
        ("a.xlsx", lambda t: rewrite_parts(t, {"xl/workbook.xml": _billion_laughs()}), "U007",
         "DOCTYPE"),
        ("a.xlsx", lambda t: t[: len(t) // 2], "U008", "damaged"),
        ("a.xlsx", lambda t: _zip({"hello.txt": b"hi"}), "U001", "not an Excel workbook"),
        ("a.xlsx", lambda t: save(__import__("openpyxl").Workbook()), "U009", "not the WRES"),
        ("a.csv", lambda t: "item,value\ni2.shortlisted.white,4\n".encode("utf-16"), "U010",
         "UTF-16"),
        ("a.csv", lambda t: "item,value\ni2.shortlisted.white,4\n".encode("utf-16-le"), "U010",
         "UTF-16"),
        ("a.csv", lambda t: "item,value\ni2.shortlisted.white,4 é\n".encode("latin-1"), "U010",
         "not UTF-8"),
        ("a.csv", lambda t: b"item,value\ni2.shortlisted.white,4\x00\n", "U011", "NUL"),
    ],
)  # fmt: skip
def test_hostile_and_broken_files_are_refused(
    template: bytes, name: str, make: Any, code: str, words: str
) -> None:
    parsed = parse(make(template), name)
    assert parsed.refusal is not None, parsed.problems
    assert parsed.refusal.code == code, parsed.refusal
    assert words.lower() in parsed.refusal.message.lower()
    assert parsed.values == {}
    check = check_upload(parsed, year=YEAR)
    assert check.refused and check.errors == 1 and check.changes == {}


def test_a_zip_bomb_whose_header_lies_is_refused_not_expanded(template: bytes) -> None:
    bomb = _zip({"xl/workbook.xml": b"\x00" * (30 * 1024 * 1024)})
    # Rewrite the declared sizes (local and central headers) to claim it is tiny.
    data = bytearray(bomb)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset : at + offset + 4] = struct.pack("<I", 1000)
    parsed = parse(bytes(data))
    assert parsed.refusal is not None and parsed.refusal.code in {"U006", "U008"}


def test_a_template_for_another_organisation_or_year_is_refused(template: bytes) -> None:
    other = parse(template, ods="RJ2")
    assert other.refusal is not None and other.refusal.code == "U101"
    assert "RJ1" in other.refusal.message
    book = workbook(template)
    ((sheet, ref),) = book.defined_names[STAMP_NAMES["year"]].destinations
    book[sheet][ref.replace("$", "")].value = 2025
    last_year = parse(save(book))
    assert last_year.refusal is not None and last_year.refusal.code == "U102"


def test_parsing_is_bounded_in_memory(template: bytes) -> None:
    # calamine holds a sheet as a dense grid: one far-away cell asks for billions of cells.
    book = workbook(template)
    book["Indicator 2"]["XFD1000000"] = 1
    parsed = parse(save(book))
    assert parsed.refusal is not None and parsed.refusal.code == "U013"
    assert "memory" in parsed.refusal.message


def test_parsing_is_bounded_in_time(template: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    from uploads import sandbox

    monkeypatch.setattr(sandbox, "EXTRACT", sandbox.EXTRACT.with_name("missing.py"))
    slow = sandbox.extract_bounded(template, "xlsx")
    assert slow["refused"]["code"] == "U008"  # a child that dies is a refusal, not a crash
    monkeypatch.setattr(sandbox, "EXTRACT", sandbox.EXTRACT.with_name("extract.py"))
    timed_out = sandbox.extract_bounded(template, "xlsx", wall_seconds=0.001)
    assert timed_out["refused"]["code"] == "U013"


def test_problem_report_is_csv_with_formulas_neutralised() -> None:
    parsed = parse(csv_bytes([("i2.shortlisted.white", "lots")]), "x.csv")
    check = check_upload(parsed, year=YEAR)
    rows = [p.as_dict() for p in check.problems]
    rows.append({"severity": "error", "code": "U999", "message": "=HYPERLINK(1)", "items": []})
    lines = problem_report_csv(rows).splitlines()
    assert lines[0] == "severity,code,sheet,cell,line,item,label,message"
    assert lines[1].startswith("error,E002,,,2,i2.shortlisted.white,Shortlisted applicants: White,")
    assert lines[2].endswith(",'=HYPERLINK(1)")
