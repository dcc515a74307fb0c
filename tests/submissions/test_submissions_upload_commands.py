"""The `process_upload` and `make_template` commands: JSON, exit codes, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.submissions.upload_helpers import cell_of, csv_bytes, fill, workbook

YEAR = 2026
ROOT = Path(__file__).resolve().parents[2]


def run(capsys: Any, *args: str) -> tuple[int, Any, str]:
    with pytest.raises(SystemExit) as exit_:
        call_command("process_upload", *args)
    captured = capsys.readouterr()
    output = json.loads(captured.out) if captured.out.strip() else None
    return int(exit_.value.code or 0), output, captured.err


@pytest.fixture
def template_file(draft: Any, tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    call_command("make_template", "--organisation", "rxx", "--year", str(YEAR), "-o", str(path))
    return path


def test_make_template_writes_the_downloaded_template(
    draft: Any, submitter: Any, tmp_path: Path
) -> None:
    from returns.services import return_save_draft

    return_save_draft(
        return_=draft, actor=submitter, expected_version=1, values={"i4.training.white": 8}
    )
    path = tmp_path / "t.xlsx"
    call_command("make_template", "--organisation", "RXX", "--year", str(YEAR), "-o", str(path))
    assert cell_of(workbook(path.read_bytes()), "i4.training.white").value == 8
    with pytest.raises(CommandError):
        call_command("make_template", "--organisation", "ZZZ9", "--year", "2026", "-o", str(path))


def test_process_upload_valid_file_exits_0_with_values_metrics_and_warnings(
    template_file: Path, synthetic_values: dict[int, Any], capsys: Any, tmp_path: Path
) -> None:
    values = {**synthetic_values[YEAR], "i2.appointed.white": 3, "i2.appointed.bme": 2}
    path = tmp_path / "filled.xlsx"
    path.write_bytes(fill(template_file.read_bytes(), values))
    code, output, err = run(capsys, str(path), "--organisation", "RXX", "--year", "2026", "--json")
    assert code == 0 and err == ""
    assert output["values"] == values
    assert output["metrics"]["i2.rl"] is not None and "i1.total.bme_pct" in output["metrics"]
    warnings = [i for i in output["issues"] if i["severity"] == "warning"]
    assert warnings and all(i["severity"] == "warning" for i in output["issues"])
    w105 = next(i for i in warnings if i["code"] == "W105")
    assert set(w105) == {"code", "severity", "items", "location", "message"}
    assert w105["location"]["sheet"] == "Indicator 2"


def test_process_upload_errors_exit_1_and_draft_skips_missing_items(
    template_file: Path, capsys: Any, tmp_path: Path
) -> None:
    path = tmp_path / "partial.xlsx"
    path.write_bytes(fill(template_file.read_bytes(), {"i2.shortlisted.white": 5}))
    code, output, _ = run(capsys, str(path), "--organisation", "RXX", "--year", "2026", "--json")
    assert code == 1 and {i["code"] for i in output["issues"]} == {"E001"}
    code, output, _ = run(
        capsys, str(path), "--organisation", "RXX", "--year", "2026", "--draft", "--json"
    )
    assert code == 0 and output["issues"] == []
    csv_path = tmp_path / "a.csv"
    csv_path.write_bytes(csv_bytes([("i2.shortlisted.white", 5), ("i2.appointed.white", 6)]))
    code, output, _ = run(
        capsys, str(csv_path), "--organisation", "RXX", "--year", "2026", "--draft", "--json"
    )
    assert code == 1
    assert output["issues"][0]["code"] == "E003"
    assert output["issues"][0]["location"] == {"sheet": None, "cell": None, "line": 2}


def test_process_upload_another_organisations_template_is_an_error(
    template_file: Path, make_org: Any, capsys: Any
) -> None:
    make_org("RYY")
    code, output, _ = run(
        capsys, str(template_file), "--organisation", "RYY", "--year", "2026", "--json"
    )
    assert code == 1 and output["issues"][0]["code"] == "U101"


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.xlsx", None), ("a.pdf", b"%PDF"), ("a.csv", "item,value\n".encode("utf-16"))],
)
def test_process_upload_unreadable_file_exits_2_with_one_line(
    draft: Any, tmp_path: Path, capsys: Any, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, output, err = run(capsys, str(path), "--organisation", "RXX", "--year", "2026", "--json")
    assert code == 2 and output is None
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("case", ["nul-bytes", "dense-grid"])
def test_process_upload_in_a_real_process_under_a_3_gb_address_space_limit(
    tmp_path: Path, case: str
) -> None:
    """Run as support would, under ``prlimit --as=3000000000``: a file is refused before the
    database is needed, so this runs anywhere. The dense grid makes the reader ask for far more
    memory than the child's limit: it is refused, not a crash of the command."""
    from uploads.template import build_template

    if case == "nul-bytes":
        path = tmp_path / "bad.csv"
        path.write_bytes(b"item,value\n\x00")
    else:
        book = workbook(build_template(organisation_name="x", ods_code="RJ1", year=YEAR))
        book["Indicator 2"]["XFD1000000"] = 1
        path = tmp_path / "dense.xlsx"
        book.save(path)
    result = subprocess.run(
        ["prlimit", "--as=3000000000", sys.executable, "manage.py", "process_upload", str(path),
         "--organisation", "RJ1", "--year", "2026", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test",
             "HOME": str(tmp_path)},
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    assert result.returncode == 2 and result.stdout == ""
    assert ("NUL" if case == "nul-bytes" else "memory") in result.stderr
