"""The command line of the spec's section 5: ``python -m indicators`` (run for real in a
subprocess by the first tests), and its ``main`` in process for the many argument and input cases
(the same code, without paying an interpreter start per case)."""

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from indicators import METRICS
from indicators.cli import main

# The valid_return fixture (tests/indicators/conftest.py): a complete, valid return.
ReturnFactory = Callable[..., dict[str, object]]

ROOT = Path(__file__).resolve().parents[2]


def run_process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m indicators ARGS`` in a new interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "indicators", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command's ``main`` in this process, its output and exit code as a subprocess's."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as stop:  # argparse's own exits
                code = stop.code if isinstance(stop.code, int) else 2
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def write(tmp_path: Path, content: object, name: str = "return.json") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_cli_compute_valid_return_exits_0_with_every_metric(
    tmp_path: Path, valid_return: ReturnFactory
) -> None:
    path = write(tmp_path, {"organisation": "RJ1", "year": 2026, "values": valid_return()})
    result = run_process("compute", path)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output) == {"metrics", "issues"}
    assert list(output["metrics"]) == [metric.code for metric in METRICS]
    assert output["issues"] == []
    assert result.stderr == ""


def test_cli_compute_warnings_only_exit_0(tmp_path: Path, valid_return: ReturnFactory) -> None:
    path = write(tmp_path, {"values": valid_return({"i9.voting.bme": 0})})
    result = run("compute", path)
    assert result.returncode == 0
    issue = json.loads(result.stdout)["issues"][0]
    assert issue["code"] == "W106"
    assert issue["severity"] == "warning"
    assert issue["items"] == ["i9.voting.bme"]
    assert issue["message"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"i2.nonsense.white": 1}, "E010"),
        ({"i2.appointed.white": "forty"}, "E002"),
        ({"i2.appointed.white": -4}, "E002"),
        ({"i2.appointed.white": 4.5}, "E002"),
        ({"i5.bme": "high"}, "E006"),
    ],
)
def test_cli_compute_bad_values_exit_1_with_error_code(
    tmp_path: Path, valid_return: ReturnFactory, change: dict[str, object], code: str
) -> None:
    result = run("compute", write(tmp_path, {"values": valid_return(change)}))
    assert result.returncode == 1
    output = json.loads(result.stdout)
    assert [issue["code"] for issue in output["issues"]] == [code]
    assert all(value is None or value == value for value in output["metrics"].values())


def test_cli_compute_empty_values_on_submission_exit_1(tmp_path: Path) -> None:
    result = run("compute", write(tmp_path, {"values": {}}))
    assert result.returncode == 1
    assert {issue["code"] for issue in json.loads(result.stdout)["issues"]} == {"E001"}


def test_cli_compute_draft_skips_e001(tmp_path: Path) -> None:
    result = run("compute", "--draft", write(tmp_path, {"values": {}}))
    assert result.returncode == 0
    assert json.loads(result.stdout)["issues"] == []


def test_cli_compute_uses_previous_and_model_employer(
    tmp_path: Path, valid_return: ReturnFactory
) -> None:
    data = {
        "organisation": "RJ1",
        "year": 2023,
        "values": valid_return(),
        "previous": valid_return(),
        "model_employer": {
            "base_year": 2018,
            "target_year": 2028,
            "target_pct": 30,
            "base_pct": {"band_8a": 10},
        },
    }
    output = json.loads(run("compute", write(tmp_path, data)).stdout)
    assert output["metrics"]["i3.years_pooled"] == 2
    assert output["metrics"]["me.band_8a.expected_bme_pct"] == 20.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"year": 2026}', "'values' is missing"),
        ('{"values": [1]}', "'values' must be a JSON object"),
        ('{"values": "x"}', "'values' must be a JSON object"),
        ('{"values": {}, "previous": 3}', "'previous' must be a JSON object"),
        ('{"values": {}, "year": "2026"}', "'year'"),
        ('{"values": {}, "year": 2026, "model_employer": 7}', "model_employer"),
        ("[" * 100_000, "nested too deeply"),
        ('{"values": {"i2.appointed.white": 1' + "0" * 5000 + "}}", "cannot be read"),
    ],
)
def test_cli_compute_unreadable_input_exits_2_with_one_line(
    tmp_path: Path, content: str, message: str
) -> None:
    result = run("compute", write(tmp_path, content))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_compute_not_a_file_exits_2(tmp_path: Path) -> None:
    for path in (str(tmp_path / "missing.json"), str(tmp_path)):
        result = run("compute", path)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1


def test_cli_compute_binary_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "return.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = run("compute", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [(), ("compute",), ("frobnicate",), ("compute", "--bogus", "x")])
def test_cli_bad_arguments_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_cli_synth_then_compute_national_csv_and_parquet(tmp_path: Path) -> None:
    returns = tmp_path / "returns.csv"
    assert run("synth", "--orgs", "4", "--years", "2017-2019", "-o", str(returns)).returncode == 0
    frame = pd.read_csv(returns)
    assert len(frame) == 12 and frame["synthetic"].astype(str).str.lower().eq("true").all()
    out = tmp_path / "metrics.csv"
    result = run("compute-national", str(returns), "-o", str(out))
    assert result.returncode == 0, result.stderr
    metrics = pd.read_csv(out, keep_default_na=False, dtype=str)
    codes = [metric.code for metric in METRICS]
    assert list(metrics.columns[: 2 + len(codes)]) == ["organisation", "year", *codes]
    assert set(metrics["i2.outside_range"]) <= {"true", "false", ""}
    assert metrics["i3.years_pooled"].tolist()[:3] == ["1", "2", "2"]
    parquet = tmp_path / "metrics.parquet"
    assert run("compute-national", str(returns), "-o", str(parquet)).returncode == 0
    table = pd.read_parquet(parquet)
    assert table["i2.rl"].dtype == "float64"
    assert table["i2.adverse_to_bme"].dtype in ("boolean", "bool")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_compute_national_header_and_no_rows_writes_an_empty_result(
    tmp_path: Path, suffix: str
) -> None:
    # Found in issue 18: a header with no rows exited 2 with "output array is read-only".
    source = tmp_path / "returns.csv"
    source.write_text("organisation,year,i2.shortlisted.white,i2.appointed.white\n")
    out = tmp_path / f"out{suffix}"

    result = run("compute-national", str(source), "-o", str(out))

    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert len(table) == 0
    assert {"organisation", "year", "i2.rl"} <= set(table.columns)


def test_cli_compute_national_empty_cells_are_missing(tmp_path: Path) -> None:
    source = tmp_path / "returns.csv"
    source.write_text(
        "organisation,year,i2.shortlisted.white,i2.appointed.white,i2.shortlisted.bme,"
        "i2.appointed.bme\nNA,2024,100,50,100,25\nRX1,2024,100,,100,25\n"
    )
    out = tmp_path / "out.csv"
    assert run("compute-national", str(source), "-o", str(out)).returncode == 0
    metrics = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert metrics["organisation"].tolist() == ["NA", "RX1"]
    assert metrics["i2.rl"].tolist() == ["2.0", ""]
    assert metrics["i1.total.white"].tolist() == ["", ""]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "cannot read"),
        ("year,i2.shortlisted.white\n2024,1\n", "organisation"),
        ("organisation,year,i2.bogus\nA,2024,1\n", "unknown item"),
        ("organisation,year\nA,2024\nA,2024\n", "more than one row"),
        ("organisation,year\nA,twenty\n", "whole-number year"),
        ("organisation,year\nA,\n", "whole-number year"),
    ],
)
def test_cli_compute_national_bad_tables_exit_2(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "returns.csv"
    source.write_text(content)
    result = run("compute-national", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("compute-national", "missing.csv", "-o", "out.csv"),
        ("compute-national", "returns.txt", "-o", "out.csv"),
        ("compute-national", "returns.csv"),
        ("synth", "--orgs", "0", "-o", "x.csv"),
        ("synth", "--orgs", "three", "-o", "x.csv"),
        ("synth", "--orgs", "3", "--years", "2010-2012", "-o", "x.csv"),
        ("synth", "--orgs", "3", "--years", "2020-2016", "-o", "x.csv"),
        ("synth", "--orgs", "3", "--years", "soon", "-o", "x.csv"),
        ("synth", "--orgs", "3", "-o", "x.xlsx"),
    ],
)
def test_cli_national_and_synth_bad_arguments_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "returns.txt").write_text("organisation,year\n")
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_cli_bad_arguments_in_a_real_process_exit_2_with_one_line(tmp_path: Path) -> None:
    result = run_process("synth", "--orgs", "three", "-o", "x.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
