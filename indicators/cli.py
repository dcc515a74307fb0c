"""The engine's command line: compute one return, compute many, or make synthetic data."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from indicators.model_employer import ModelEmployer
from indicators.returns import compute_return


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m indicators``."""
    parser = _Parser(prog="python -m indicators", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    compute = commands.add_parser("compute", help="check one return and compute its metrics")
    compute.add_argument("--draft", action="store_true", help="check as a draft (no E001)")
    compute.add_argument("return_file", metavar="RETURN.json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status; never lets a traceback out."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "compute":
            return compute_command(args.return_file, draft=args.draft)
        return _dispatch_more(args)
    except InputError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except Exception as error:  # the contract: one line, never a traceback
        sys.stderr.write(f"error: unexpected {type(error).__name__}: {error}\n")
        return 2


def _dispatch_more(args: argparse.Namespace) -> int:
    raise InputError(f"unknown command {args.command}")
