"""Helpers of the upload tests: fill a template through its defined names, build hostile files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import openpyxl

from uploads.layout import defined_name


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_of(book: Any, code: str) -> Any:
    """The cell an item's defined name points at."""
    ((sheet, ref),) = book.defined_names[defined_name(code)].destinations
    return book[sheet][ref.replace("$", "")]


def fill(data: bytes, values: Mapping[str, object]) -> bytes:
    """The template with ``values`` typed into the named input cells, as a person would."""
    book = workbook(data)
    for code, value in values.items():
        cell_of(book, code).value = value
    return save(book)


def rewrite_parts(data: bytes, change: Mapping[str, Any]) -> bytes:
    """The package with some parts replaced (bytes) or a function applied to them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            body = source.read(name)
            if name in change:
                replacement = change[name]
                body = replacement(body) if callable(replacement) else replacement
            target.writestr(name, body)
        for name, replacement in change.items():
            if name not in names:
                target.writestr(name, replacement)
    return out.getvalue()


def csv_bytes(rows: list[tuple[str, object]], *, header: str = "item,value") -> bytes:
    lines = [header, *(f"{code},{value}" for code, value in rows)]
    return ("\n".join(lines) + "\n").encode()
