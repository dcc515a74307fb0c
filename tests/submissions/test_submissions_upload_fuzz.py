"""Fuzzing the upload parser: whatever bytes arrive, only the parser's own located outcome.

Hypothesis builds structured workbooks (the real template with random cell values and types,
sheets removed or renamed, defined names broken, stamps changed), packages with odd members,
random and mutated bytes, and CSV files with random content. Each goes through `parse_upload`
(the real bounded child process) and `check_upload`, and the outcome must be a parse result
whose every problem has a stable code, a message and a place, or a whole-file refusal: never
another exception, never a value the database cannot store (NaN is not JSON), and never a child
that used more CPU time or memory than the sandbox allows.

The example counts are modest (each parse starts a child interpreter); the time-boxed,
coverage-guided run is `make fuzz` (scripts/fuzz_upload.py).
"""

from __future__ import annotations

import io
import json
import re
import resource
import warnings
import zipfile
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.dictionary import ITEM_BY_CODE, ITEMS
from tests.submissions.upload_helpers import save
from uploads import extract
from uploads.checks import check_upload
from uploads.layout import STAMP_NAMES, defined_name
from uploads.parser import OLE_MAGIC, ZIP_MAGIC, ParsedUpload, parse_upload, sniff
from uploads.sandbox import CPU_SECONDS, MEMORY_BYTES
from uploads.template import build_template

ODS, YEAR = "RJ1", 2026
REFUSAL_CODE = re.compile(r"U[01][0-9]{2}")
#: Problems the parser itself reports for a file it could read, and what each must locate.
CELL_PROBLEMS = {"U201"}  # a formula error: sheet and cell
ITEM_PROBLEMS = {"U207"}  # a deleted input cell: the item (it has no cell any more)
LINE_PROBLEMS = {"U204", "U206", "E010"}  # CSV: the line
CODES = [item.code for item in ITEMS]
FUZZ = settings(
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_TEMPLATE: bytes | None = None


def template() -> bytes:
    """The real template for RJ1's 2026 return (built once per run; hypothesis forbids
    function-scoped fixtures in `@given` tests)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = build_template(organisation_name="RJ1 NHS TRUST", ods_code=ODS, year=YEAR)
    return _TEMPLATE


# -- the property --------------------------------------------------------------------------------


def _children_usage() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def bounded_parse(data: bytes, filename: str) -> ParsedUpload:
    """`parse_upload`, checking that the child stayed within the sandbox's CPU and memory bounds
    (its own CPU time and peak memory, as the kernel accounts them: not the wall clock).

    The cell reader also runs in this process first: in the child an unexpected exception is
    turned into a generic refusal (U008) and a log line, which would hide it from the fuzzing.
    """
    kind, _ = sniff(data, filename)
    if kind is not None:
        raw = extract.read(kind, data)
        assert "refused" in raw or raw.get("kind") == kind, raw
    cpu_before, peak_before = _children_usage()
    parsed = parse_upload(data, filename=filename, ods_code=ODS, year=YEAR)
    cpu_after, peak_kib = _children_usage()
    assert cpu_after - cpu_before <= CPU_SECONDS + 1, "a parse used more CPU than its bound"
    # The kernel keeps one peak for all the children this process ever waited for (in a whole
    # suite run that includes browsers and workers): a peak that rose came from this parse.
    assert peak_kib == peak_before or peak_kib * 1024 <= MEMORY_BYTES, (
        "a parse used more memory than its bound"
    )
    return parsed


def assert_located_outcome(parsed: ParsedUpload) -> None:
    """The parser's own outcome: a whole-file refusal, or typed values and located problems."""
    assert isinstance(parsed, ParsedUpload)
    if parsed.refusal is not None:
        refusal = parsed.refusal
        assert REFUSAL_CODE.fullmatch(refusal.code), refusal
        assert refusal.severity == "error" and refusal.message.strip(), refusal
        assert not parsed.values and not parsed.problems
    else:
        assert parsed.kind in ("xlsx", "csv")
        for problem in parsed.problems:
            assert problem.message.strip() and problem.severity == "error", problem
            if problem.code in CELL_PROBLEMS:
                assert problem.location and problem.location.sheet and problem.location.cell
            elif problem.code in ITEM_PROBLEMS:
                assert problem.items and all(code in ITEM_BY_CODE for code in problem.items)
            elif problem.code in LINE_PROBLEMS:
                assert problem.location and (problem.location.line or 0) >= 1, problem
            else:
                pytest.fail(f"a problem code the parser does not document: {problem}")
        for code, value in parsed.values.items():
            assert code in ITEM_BY_CODE and code in parsed.locations, code
            assert value is None or type(value) in (int, float, str), (code, value)
    check = check_upload(parsed, year=YEAR, draft=True)
    for problem in check.problems:
        assert problem.code and problem.message.strip(), problem
        assert problem.location is not None or problem.items or check.refused, problem
    # What the upload service stores: strict JSON (PostgreSQL refuses NaN and Infinity).
    json.dumps(check.as_dict(), allow_nan=False)


# -- strategies ----------------------------------------------------------------------------------

text_values = st.text(max_size=300).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
number_like = st.from_regex(r"-?[0-9 ,.]{1,12}%?", fullmatch=True)
cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    text_values,
    number_like,
    st.datetimes(),
    st.sampled_from(["=1/0", "=#REF!", "=NA()", "=A1", "=SUM(B5:B99999)", '="x"&"y"', "="]),
)
reference_texts = st.one_of(
    st.sampled_from(
        [
            "#REF!",
            "'Indicator 2'!#REF!",
            "'Indicator 2'!$ZZZ$9999999",
            "'No such sheet'!$B$5",
            "Indicator 2!$B$5",
            "'Indicator 2'!$B$5:$C$9",
            "garbage",
            "",
            "'It''s'!$A$1",
        ]
    ),
    text_values,
)


@st.composite
def workbook_edits(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    edit = st.one_of(
        st.tuples(st.just("item"), st.sampled_from(CODES), cell_values),
        st.tuples(
            st.just("cell"),
            st.tuples(st.integers(0, 12), st.integers(1, 300), st.integers(1, 60)),
            cell_values,
        ),
        st.tuples(st.just("remove_sheet"), st.integers(0, 12)),
        st.tuples(st.just("rename_sheet"), st.integers(0, 12), st.text(min_size=1, max_size=31)),
        st.tuples(st.just("break_name"), st.sampled_from(CODES), reference_texts),
        st.tuples(st.just("drop_name"), st.sampled_from(CODES)),
        st.tuples(st.just("stamp"), st.sampled_from(sorted(STAMP_NAMES)), cell_values),
        st.tuples(st.just("extra_name"), text_values, reference_texts),
    )
    return draw(st.lists(edit, min_size=1, max_size=8))


def _apply(book: Any, edit: tuple[Any, ...]) -> None:
    kind, *args = edit
    sheets = book.worksheets
    if kind == "item":
        ((sheet, ref),) = book.defined_names[defined_name(args[0])].destinations
        book[sheet][ref.replace("$", "")].value = args[1]
    elif kind == "cell" and sheets:
        (index, row, column), value = args
        sheets[index % len(sheets)].cell(row=row, column=column).value = value
    elif kind == "remove_sheet" and len(sheets) > 1:
        book.remove(sheets[args[0] % len(sheets)])
    elif kind == "rename_sheet" and sheets:
        title = re.sub(r"[\\/*?:\[\]]", "_", ILLEGAL_CHARACTERS_RE.sub("", args[1])) or "x"
        if title not in book.sheetnames:
            sheets[args[0] % len(sheets)].title = title
    elif kind == "break_name":
        book.defined_names[defined_name(args[0])].attr_text = args[1]
    elif kind == "drop_name":
        book.defined_names.pop(defined_name(args[0]), None)
    elif kind == "stamp":
        name = STAMP_NAMES[args[0]]
        ((sheet, ref),) = book.defined_names[name].destinations
        book[sheet][ref.replace("$", "")].value = args[1]
    elif kind == "extra_name":
        name = "WRES_" + re.sub(r"\W", "_", args[0])[:40]
        book.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(
            name, attr_text=args[1]
        )


ODD_MEMBER_NAMES = [
    "../../etc/passwd",
    "/xl/absolute.xml",
    "xl/worksheets/../workbook.xml",
    "xl/",
    "x" * 300,
    "xl/worksheets/sheet\u00e9\u2028.xml",
    "xl/vbaProject.bin",
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
]


@st.composite
def package_edits(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    edit = st.one_of(
        st.tuples(st.just("drop"), st.integers(0, 40)),
        st.tuples(st.just("replace"), st.integers(0, 40), st.binary(max_size=2000)),
        st.tuples(st.just("truncate"), st.integers(0, 40), st.floats(0, 1)),
        st.tuples(st.just("add"), st.sampled_from(ODD_MEMBER_NAMES), st.binary(max_size=500)),
    )
    return draw(st.lists(edit, min_size=1, max_size=5))


def _repackage(data: bytes, edits: list[tuple[Any, ...]], compression: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = [(name, source.read(name)) for name in source.namelist()]
    for kind, *args in edits:
        if kind == "add":
            members.append((args[0], args[1]))
        elif not members:
            continue
        elif kind == "drop":
            members.pop(args[0] % len(members))
        elif kind == "replace":
            index = args[0] % len(members)
            members[index] = (members[index][0], args[1])
        elif kind == "truncate":
            index = args[0] % len(members)
            name, body = members[index]
            members[index] = (name, body[: int(len(body) * args[1])])
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as target:
        warnings.simplefilter("ignore")  # duplicate member names are part of the fuzzing
        for name, body in members:
            target.writestr(zipfile.ZipInfo(name), body, compress_type=compression)
    return out.getvalue()


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes overwritten, a slice removed or random bytes inserted."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, max(len(buffer) - 1, 0)))
        choice = draw(st.sampled_from(["overwrite", "delete", "insert"]))
        chunk = draw(st.binary(min_size=1, max_size=16))
        if choice == "overwrite":
            buffer[position : position + len(chunk)] = chunk
        elif choice == "delete":
            del buffer[position : position + len(chunk)]
        else:
            buffer[position:position] = chunk
    return bytes(buffer)


csv_fields = st.one_of(st.sampled_from(CODES), text_values, number_like, st.just(""))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.sampled_from(["item,value", "ITEM , Value", "item;value", "", "value,item"]))
    rows = draw(st.lists(st.lists(csv_fields, min_size=0, max_size=4), max_size=30))
    text = io.StringIO()
    text.write(header + "\n")
    import csv

    csv.writer(text, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(rows)
    body = text.getvalue()
    if draw(st.booleans()):
        body += draw(st.text(max_size=200))  # a tail of anything, unbalanced quotes included
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return body.encode(encoding, errors="replace") if encoding != "utf-8" else _utf8(body)


def _utf8(body: str) -> bytes:
    # Lone surrogates cannot be encoded as UTF-8; a file can still hold their bytes.
    return body.encode("utf-8", errors="surrogatepass")


# -- the tests -----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=20)
@given(edits=workbook_edits())
def test_fuzz_structured_workbooks_give_only_located_problems(edits: list[Any]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template()))
    for edit in edits:
        try:
            _apply(book, edit)
        except Exception:  # openpyxl raises many kinds here (TokenizerError, AttributeError...)
            continue  # the edit no longer applies (its sheet or name is gone) or openpyxl refuses
    try:
        data = save(book)
    except (ValueError, TypeError, KeyError, IndexError):
        return  # openpyxl itself cannot write this workbook: nothing to upload

    assert_located_outcome(bounded_parse(data, "wres.xlsx"))


@settings(FUZZ, max_examples=20)
@given(
    edits=package_edits(),
    compression=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)
def test_fuzz_packages_with_odd_members_give_only_located_problems(
    edits: list[Any], compression: int
) -> None:
    data = _repackage(template(), edits, compression)

    assert_located_outcome(bounded_parse(data, "wres.xlsx"))


@settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_fuzz_mutated_template_bytes_give_only_located_problems(data: st.DataObject) -> None:
    mutated = data.draw(mutated_bytes(template()))

    assert_located_outcome(bounded_parse(mutated, "wres.xlsx"))


@settings(FUZZ, max_examples=30)
@given(
    prefix=st.sampled_from([b"", ZIP_MAGIC, OLE_MAGIC, b"\xef\xbb\xbf", b"item,value\n"]),
    body=st.binary(max_size=4096),
    filename=st.sampled_from(["wres.xlsx", "wres.csv", "WRES.CSV", "wres.xlsm", "wres", "a.xls"]),
)
def test_fuzz_random_bytes_give_only_located_problems(
    prefix: bytes, body: bytes, filename: str
) -> None:
    assert_located_outcome(bounded_parse(prefix + body, filename))


@settings(FUZZ, max_examples=30)
@given(data=csv_files())
def test_fuzz_csv_files_give_only_located_problems(data: bytes) -> None:
    assert_located_outcome(bounded_parse(data, "wres.csv"))


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        "NaN",
        "inf",
        "1e309",
        "-0",
        "\u0661\u0662",
        "\ufeff12",
        "12\u00a0",
    ],
)
def test_fuzz_edge_values_in_a_count_cell_are_located_and_storable(value: object) -> None:
    """Values hypothesis found interesting, kept as plain cases (they stay in every run)."""
    book = openpyxl.load_workbook(io.BytesIO(template()))
    _apply(book, ("item", "i2.shortlisted.white", value))

    assert_located_outcome(bounded_parse(save(book), "wres.xlsx"))
    csv_data = f"item,value\ni2.shortlisted.white,{value}\n".encode()
    assert_located_outcome(bounded_parse(csv_data, "wres.csv"))


def _offsets_before_the_start() -> bytes:
    """A member's header offset points before the data: zipfile raised ValueError."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("a.xml", b"x" * 100)
        package.writestr("b.xml", b"y" * 100)
    data = buffer.getvalue()
    return data[:30] + data[31:]


def _corrupt_deflate_stream() -> bytes:
    """A deflated member whose compressed bytes are corrupt: zlib raised zlib.error."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("a.xml", bytes(range(256)) * 40)
    data = bytearray(buffer.getvalue())
    data[30 + len("a.xml")] ^= 0xFF
    return bytes(data)


def _unknown_zip_version() -> bytes:
    """The central directory asks for zip version 25.5: zipfile raised NotImplementedError."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("a.xml", b"x")
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = b"\xff\x00"
    return bytes(data)


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (_offsets_before_the_start, "a part of the workbook could not be read"),
        (_corrupt_deflate_stream, "a part of the workbook could not be read"),
        (_unknown_zip_version, "it could not be opened as a workbook"),
    ],
)
def test_fuzz_found_damaged_packages_are_refused_as_damaged(build: Any, says: str) -> None:
    """Found by atheris: exceptions zipfile raises for these escaped the reader (in the child
    they became a generic refusal and a logged failure, not the reader's own refusal)."""
    data = build()

    assert extract.read("xlsx", data) == {
        "refused": {"code": "U008", "message": f"The file is damaged: {says}."}
    }
    assert_located_outcome(bounded_parse(data, "wres.xlsx"))
