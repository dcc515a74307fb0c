"""Coverage-guided fuzzing of the upload parser with atheris (libFuzzer); `make fuzz` runs it.

    .venv/bin/python scripts/fuzz_upload.py -max_total_time=30 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=var/fuzz/ var/fuzz/corpus

The first byte of each input chooses the file's name (a workbook or a CSV file), the rest is the
file. The cell reader (`extract.read`, which the portal runs in a bounded child process) runs in
this process here, so that libFuzzer sees its coverage; libFuzzer's own ``-timeout`` and
``-rss_limit_mb`` bound each input. An input fails (and is saved under ``-artifact_prefix``) when
anything but the parser's own outcome comes out: an exception, a problem without a code, message
or place, or a result that is not strict JSON. An empty corpus folder is seeded with the real
template and a CSV file.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402

# Heavy libraries first, uninstrumented: only the portal's upload code is traced.
import defusedxml.ElementTree  # noqa: E402, F401
import openpyxl  # noqa: E402, F401
import python_calamine  # noqa: E402, F401

import indicators  # noqa: E402, F401

with atheris.instrument_imports(include=["uploads"]):
    from uploads import extract, parser
    from uploads.checks import check_upload

ODS, YEAR = "RJ1", 2026
FILENAMES = ("wres.xlsx", "wres.csv", "wres.xlsm", "wres")
REFUSAL_CODE = re.compile(r"U[01][0-9]{2}")
LOCATED_BY_CELL = {"U201"}
LOCATED_BY_ITEM = {"U207"}
LOCATED_BY_LINE = {"U204", "U206", "E010"}


def _in_process(data: bytes, kind: str, **_: Any) -> dict[str, Any]:
    """What the sandbox returns, without the child process: the same JSON round trip."""
    result: dict[str, Any] = json.loads(json.dumps(extract.read(kind, data)))
    return result


parser.extract_bounded = _in_process


def check_outcome(parsed: parser.ParsedUpload) -> None:
    """Raises AssertionError unless the outcome is the parser's own, located and storable."""
    if parsed.refusal is not None:
        assert REFUSAL_CODE.fullmatch(parsed.refusal.code), parsed.refusal
        assert parsed.refusal.message.strip(), parsed.refusal
        assert not parsed.values and not parsed.problems
    for problem in parsed.problems:
        assert problem.message.strip(), problem
        if problem.code in LOCATED_BY_CELL:
            assert problem.location and problem.location.sheet and problem.location.cell, problem
        elif problem.code in LOCATED_BY_ITEM:
            assert problem.items, problem
        elif problem.code in LOCATED_BY_LINE:
            assert problem.location and (problem.location.line or 0) >= 1, problem
        else:
            raise AssertionError(f"a problem code the parser does not document: {problem}")
    for code, value in parsed.values.items():
        assert code in parsed.locations, code
        assert value is None or type(value) in (int, float, str), (code, value)
    check = check_upload(parsed, year=YEAR, draft=True)
    json.dumps(check.as_dict(), allow_nan=False)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    filename = FILENAMES[data[0] % len(FILENAMES)]
    parsed = parser.parse_upload(data[1:], filename=filename, ods_code=ODS, year=YEAR)
    check_outcome(parsed)


def seed(corpus: Path) -> None:
    """The real template and a small CSV file, so that the fuzzer starts from valid files."""
    from uploads.template import build_template

    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    template = build_template(organisation_name="RJ1 NHS TRUST", ods_code=ODS, year=YEAR)
    csv = b"item,value\ni2.shortlisted.white,120\ni2.appointed.white,30\nnot.an.item,x\n"
    (corpus / "template.xlsx").write_bytes(bytes([0]) + template)
    (corpus / "return.csv").write_bytes(bytes([1]) + csv)


def main() -> None:
    for argument in sys.argv[1:]:
        if not argument.startswith("-") and not Path(argument).is_file():
            seed(Path(argument))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
