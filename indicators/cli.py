"""The engine's command line: compute one return, compute many, or make synthetic data."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn

from indicators.model_employer import ModelEmployer
from indicators.returns import compute_return

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES: Final = (".csv", ".parquet", ".pq")


class InputError(Exception):
    """The input cannot be read at all (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def _read_json(path: str) -> dict[str, object]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    if not text.strip():
        raise InputError(f"{path} is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path} is not valid JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise InputError(f"{path} is nested too deeply to read") from None
    except ValueError as error:  # e.g. an integer too long to convert
        raise InputError(f"{path} cannot be read as JSON: {error}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} must hold a JSON object with a 'values' object")
    return data


def compute_command(path: str, *, draft: bool) -> int:
    """Run ``compute``: print the result object and return the exit status (0, 1 or 2)."""
    data = _read_json(path)
    values = data.get("values")
    if not isinstance(values, dict):
        missing = "values" not in data
        raise InputError("'values' is missing" if missing else "'values' must be a JSON object")
    previous = data.get("previous")
    if previous is not None and not isinstance(previous, dict):
        raise InputError("'previous' must be a JSON object")
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise InputError("'year' must be a whole number")
    raw_plan = data.get("model_employer")
    plan: ModelEmployer | None = None
    if raw_plan is not None:
        try:
            plan = ModelEmployer.from_mapping(raw_plan)
        except ValueError as error:
            raise InputError(str(error)) from None
    result = compute_return(values, previous=previous, model_employer=plan, year=year, draft=draft)
    sys.stdout.write(json.dumps(result.as_dict(), allow_nan=False) + "\n")
    return 1 if result.has_errors else 0


def _read_table(path: str) -> pd.DataFrame:
    import pandas as pd  # the table commands alone need pandas: keep `compute` quick to start

    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"{path}: use a .csv or .parquet file")
    if not Path(path).is_file():
        raise InputError(f"{path} is not a file")
    try:
        if suffix == ".csv":
            # Only an empty cell is missing: an organisation code such as "NA" stays text.
            return pd.read_csv(
                path, dtype={"organisation": str}, keep_default_na=False, na_values=[""]
            )
        return pd.read_parquet(path)
    except Exception as error:  # pandas and pyarrow raise many types for unreadable files
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"cannot read {path}: {message}") from None


def _write_table(frame: pd.DataFrame, path: str) -> None:
    import numpy as np
    import pandas as pd

    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"{path}: use a .csv or .parquet file")
    try:
        if suffix == ".csv":
            text = frame.copy(deep=False)
            for column in text.columns:
                if pd.api.types.is_bool_dtype(text[column].dtype):
                    known = text[column].notna().to_numpy(dtype=bool)
                    truth = text[column].fillna(False).to_numpy(dtype=bool)
                    text[column] = np.where(known, np.where(truth, "true", "false"), "")
            text.to_csv(path, index=False, na_rep="")
        else:
            frame.to_parquet(path, index=False)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None


def compute_national_command(source: str, target: str) -> int:
    """Run ``compute-national``: every metric for every row of a wide table of returns."""
    import pandas as pd

    from indicators.national import compute_national

    if Path(target).suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(f"{target}: use a .csv or .parquet file")
    returns = _read_table(source)
    year = returns["year"] if "year" in returns.columns else None
    if year is not None and len(year) and not pd.api.types.is_integer_dtype(year.dtype):
        raise InputError(f"{source}: every row needs a whole-number year")
    try:
        metrics = compute_national(returns)
    except ValueError as error:
        raise InputError(f"{source}: {error}") from None
    _write_table(metrics, target)
    return 0


def _years(text: str) -> range:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        raise InputError(f"--years must look like 2015-2026 or 2020, not {text!r}")
    first, last = int(match[1]), int(match[2] or match[1])
    if first > last:
        raise InputError("--years must run from an earlier year to a later one")
    return range(first, last + 1)


def synth_command(organisations: int, years: str, target: str, seed: int) -> int:
    """Run ``synth``: write synthetic returns in the wide shape of ``compute-national``."""
    from indicators.synthetic import synthesise

    if organisations < 1:
        raise InputError("--orgs must be at least 1")
    if Path(target).suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(f"{target}: use a .csv or .parquet file")
    try:
        frame = synthesise(organisations, _years(years), seed=seed)
    except ValueError as error:
        raise InputError(str(error)) from None
    _write_table(frame, target)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m indicators``."""
    parser = _Parser(prog="python -m indicators", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    compute = commands.add_parser("compute", help="check one return and compute its metrics")
    compute.add_argument("--draft", action="store_true", help="check as a draft (no E001)")
    compute.add_argument("return_file", metavar="RETURN.json")
    national = commands.add_parser(
        "compute-national", help="compute every metric for many returns (CSV or Parquet)"
    )
    national.add_argument("returns_file", metavar="RETURNS.csv")
    national.add_argument("-o", "--output", required=True, metavar="OUT.csv")
    synth = commands.add_parser("synth", help="write synthetic returns (labelled synthetic)")
    synth.add_argument("--orgs", type=int, required=True, metavar="N")
    synth.add_argument("--years", default="2015-2026", metavar="FIRST-LAST")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("-o", "--output", required=True, metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status; never lets a traceback out."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "compute":
            return compute_command(args.return_file, draft=args.draft)
        if args.command == "compute-national":
            return compute_national_command(args.returns_file, args.output)
        return synth_command(args.orgs, args.years, args.output, args.seed)
    except InputError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except Exception as error:  # the contract: one line, never a traceback
        sys.stderr.write(f"error: unexpected {type(error).__name__}: {error}\n")
        return 2
