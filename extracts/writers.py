"""National extract files: wide and tidy long CSV and XLSX, and the data dictionary.

Every writer takes batches of (figures, mask) from the release and yields bytes, so a download
streams in constant memory. Output is deterministic: the same release gives the same bytes
(XLSX with fixed document properties and zip timestamps). Text that a spreadsheet would read
as a formula (starting with ``= + - @``, tab or carriage return) gets a leading apostrophe in
CSV and is written as a text cell in XLSX; numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from extracts import xlsx
from extracts.release import FIGURE_CODES, META_COLUMNS
from extracts.suppression import MARK, NOTE, public_codes
from indicators.dictionary import (
    BOARD_ROLES,
    ETHNICITIES,
    ITEMS,
    LIKELIHOODS,
    METRICS,
    STAFF_GROUPS,
)

Batch = tuple[pd.DataFrame, pd.DataFrame | None]
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME: Final = dt.datetime(2000, 1, 1, 0, 0, 0)
LONG_COLUMNS: Final = (
    "organisation",
    "year",
    "measure",
    "ethnicity",
    "value",
    "numerator",
    "denominator",
)
_TEXT_META: Final = ("organisation", "name", "org_type", "sector", "region", "icb")
_FLAGS: Final = frozenset(m.code for m in METRICS if m.kind == "flag")


def neutralise(text: str) -> str:
    """Text made inert for spreadsheets: a leading apostrophe before formula-like starts."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _neutralise_array(values: pa.Array) -> pa.Array:
    values = pc.cast(values, pa.string())
    risky = pc.match_substring_regex(values, r"^[=+\-@\t\r]")
    return pc.if_else(
        pc.fill_null(risky, False), pc.binary_join_element_wise("'", values, ""), values
    )


def _figure_strings(frame: pd.DataFrame, mask: pd.DataFrame | None, code: str) -> pa.Array:
    column = pa.array(frame[code], from_pandas=True)
    text = pc.cast(column, pa.string())
    if mask is not None and code in mask.columns:
        text = pc.if_else(pa.array(mask[code].to_numpy(dtype=bool)), pa.scalar(MARK), text)
    return text


# -- Wide ------------------------------------------------------------------------------------


WIDE_COLUMNS: Final[tuple[str, ...]] = (*META_COLUMNS, *FIGURE_CODES)
#: The public wide file's columns: no organisation-level count (spec 6.1).
PUBLIC_WIDE_COLUMNS: Final[tuple[str, ...]] = (*META_COLUMNS, *public_codes(FIGURE_CODES))


def _with_columns(batches: Iterable[Batch]) -> tuple[tuple[str, ...], Iterator[Batch]]:
    """The figure codes the batches carry (the public ones where none come) and the batches.

    The release leaves the counts out of public batches, so the writers' columns follow the
    first batch: the public files never have a count column, the analysts' files have all.
    """
    iterator = iter(batches)
    first = next(iterator, None)
    if first is None:
        return tuple(public_codes(FIGURE_CODES)), iter(())
    codes = tuple(c for c in FIGURE_CODES if c in first[0].columns)
    return codes, itertools.chain([first], iterator)


def wide_csv(batches: Iterable[Batch]) -> Iterator[bytes]:
    """The wide table as CSV: one row per organisation-year, one column per item and metric
    the batches carry (public batches: every metric, no organisation-level count)."""
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    codes, batches = _with_columns(batches)
    names = [*META_COLUMNS, *codes]
    yield (",".join(names) + "\r\n").encode()
    for frame, mask in batches:
        columns = [_neutralise_array(pa.array(frame[c], from_pandas=True)) for c in _TEXT_META]
        columns.append(pc.cast(pa.array(frame["year"]), pa.string()))
        columns += [_figure_strings(frame, mask, code) for code in codes]
        table = pa.Table.from_arrays(columns, names=names)
        sink = io.BytesIO()
        pacsv.write_csv(table, sink, options)
        yield sink.getvalue().replace(b"\n", b"\r\n")


# -- Tidy long -------------------------------------------------------------------------------


def _long_measures() -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    """(code, measure, ethnicity, numerator codes, denominator codes) for every long row."""
    rows: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = []
    shares: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def triplet(prefix: str) -> tuple[str, ...]:
        return tuple(f"{prefix}.{eth}" for eth in ETHNICITIES)

    prefixes = [f"i1.{g}.{grade}" for g, grades in STAFF_GROUPS.items() for grade in grades]
    for prefix in prefixes:
        for eth in ETHNICITIES:
            shares[f"{prefix}.{eth}_pct"] = ((f"{prefix}.{eth}",), triplet(prefix))
    for spec in LIKELIHOODS:
        k = spec.indicator
        for eth in ("white", "bme"):
            extra = ("_prev",) if k == 3 else ()
            shares[f"i{k}.likelihood.{eth}"] = (
                tuple(f"i{k}.{spec.event}{s}.{eth}" for s in ("", *extra)),
                tuple(f"i{k}.{spec.base}{s}.{eth}" for s in ("", *extra)),
            )
    for role in BOARD_ROLES:
        shares[f"i9.{role}.bme_pct"] = ((f"i9.{role}.bme",), triplet(f"i9.{role}"))
    for item in ITEMS:
        measure = item.code.rsplit(".", 1)[0] if item.ethnicity else item.code
        rows.append((item.code, measure, item.ethnicity or "all", (), ()))
    for metric in METRICS:
        parts, ethnicity = [], "all"
        for part in metric.code.split("."):
            base = part.removesuffix("_pct")
            if base in ETHNICITIES:
                ethnicity = base
                if part.endswith("_pct"):
                    parts.append("share")
            else:
                parts.append(part)
        numerator, denominator = shares.get(metric.code, ((), ()))
        rows.append((metric.code, ".".join(parts), ethnicity, numerator, denominator))
    return rows


LONG_MEASURES: Final = _long_measures()


def _sum_codes(frame: pd.DataFrame, codes: tuple[str, ...]) -> np.ndarray:
    """Sum of codes; previous-year codes count as 0 where missing (indicator 3 not pooled)."""
    total = np.zeros(len(frame))
    for code in codes:
        values = frame[code].to_numpy(dtype=np.float64, na_value=np.nan)
        total = total + (np.nan_to_num(values) if "_prev" in code else values)
    return total


def _long_table(frame: pd.DataFrame, mask: pd.DataFrame | None) -> pa.Table:
    """The long rows of ``frame``: a row per measure it carries (public frames: no count
    measure), numerator and denominator only where their counts are in it (analysts' files)."""
    measures = [m for m in LONG_MEASURES if m[0] in frame.columns]
    n, k = len(frame), len(measures)
    values: list[pa.Array] = []
    numerators: list[pa.Array] = []
    denominators: list[pa.Array] = []
    for code, _, _, num, den in measures:
        values.append(_figure_strings(frame, mask, code))
        for codes, out in ((num, numerators), (den, denominators)):
            if not codes or not all(c in frame.columns for c in codes):
                out.append(pa.nulls(n, pa.string()))
                continue
            text = pc.cast(pa.array(_sum_codes(frame, codes), from_pandas=True), pa.string())
            if mask is not None:
                hidden = np.zeros(n, dtype=bool)
                for c in codes:
                    hidden |= mask[c].to_numpy(dtype=bool)
                text = pc.if_else(pa.array(hidden), pa.scalar(MARK), text)
            out.append(text)
    order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
    take = pa.array(order)

    def stack(parts: list[pa.Array]) -> pa.Array:
        return pa.concat_arrays([p.cast(pa.string()) for p in parts]).take(take)

    organisation = _neutralise_array(pa.array(frame["organisation"])).take(
        pa.array(np.repeat(np.arange(n), k))
    )
    year = pc.cast(pa.array(np.repeat(frame["year"].to_numpy(), k)), pa.string())
    measure_names = pa.array(np.tile([m[1] for m in measures], n))
    ethnicity = pa.array(np.tile([m[2] for m in measures], n))
    return pa.Table.from_arrays(
        [
            organisation,
            year,
            measure_names,
            ethnicity,
            stack(values),
            stack(numerators),
            stack(denominators),
        ],
        names=list(LONG_COLUMNS),
    )


def long_csv(batches: Iterable[Batch]) -> Iterator[bytes]:
    """The tidy long table as CSV: organisation, year, measure, ethnicity, value, numerator,
    denominator (the shape of the Race Disparity Unit's Ethnicity facts and figures)."""
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    yield (",".join(LONG_COLUMNS) + "\r\n").encode()
    for frame, mask in batches:
        sink = io.BytesIO()
        pacsv.write_csv(_long_table(frame, mask), sink, options)
        yield sink.getvalue().replace(b"\n", b"\r\n")


# -- Data dictionary -------------------------------------------------------------------------


DICTIONARY_COLUMNS: Final = (
    "code",
    "kind",
    "indicator",
    "label",
    "unit",
    "decimals",
    "direction",
    "definition",
)


def dictionary_rows() -> list[list[str]]:
    """One row per column of the extracts, from the engine's tables (never listed by hand)."""
    rows = [
        ["organisation", "organisation", "", "ODS code of the organisation", "text", "", "", ""],
        ["name", "organisation", "", "Organisation name", "text", "", "", ""],
        ["org_type", "organisation", "", "Organisation type", "text", "", "", ""],
        ["sector", "organisation", "", "Sector (NHS trusts)", "text", "", "", ""],
        ["region", "organisation", "", "NHS England region (ODS code)", "text", "", "", ""],
        ["icb", "organisation", "", "Integrated care board (ODS code)", "text", "", "", ""],
        ["year", "organisation", "", "Year of the 31 March snapshot", "year", "", "", ""],
    ]
    for item in ITEMS:
        rows.append(
            [item.code, "item", str(item.indicator), item.label, item.unit, "", "", item.help_text]
        )
    for metric in METRICS:
        rows.append(
            [
                metric.code,
                "metric",
                "" if metric.indicator is None else str(metric.indicator),
                metric.label,
                metric.unit,
                "" if metric.decimals is None else str(metric.decimals),
                metric.direction,
                metric.formula,
            ]
        )
    rows.append([MARK, "marker", "", f"Suppressed: {NOTE}", "", "", "", ""])
    return rows


def dictionary_csv() -> bytes:
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(DICTIONARY_COLUMNS)
    for row in dictionary_rows():
        writer.writerow([neutralise(cell) for cell in row])
    return sink.getvalue().encode()


# -- XLSX ------------------------------------------------------------------------------------


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # always text, never a formula
    return cell


DATA_SHEET: Final = "xl/worksheets/sheet1.xml"
#: Deflate level 1: compression takes about a third of the time of the default (6) on this XML,
#: for files about 20% larger.
COMPRESS_LEVEL: Final = 1


def _data_sheet(batches: Iterable[Batch], *, long: bool) -> Iterator[bytes]:
    """The Data sheet's XML, a row group at a time."""
    first_row = 2
    codes, batches = _with_columns(batches)
    columns = (*META_COLUMNS, *codes)
    for frame, mask in batches:
        if long:
            table = _long_table(frame, mask)
            body = xlsx.table_rows(
                table, first_row=first_row, text=("organisation", "measure", "ethnicity")
            )
            first_row += table.num_rows
        else:
            body = xlsx.frame_rows(
                frame,
                mask,
                first_row=first_row,
                text=_TEXT_META,
                flags=_FLAGS,
                columns=columns,
            )
            first_row += len(frame)
        yield body


def xlsx_file(batches: Iterable[Batch], *, long: bool = False) -> Path:
    """The wide (or long) table and the data dictionary as an XLSX workbook in a temporary file.

    openpyxl writes the workbook's frame and the small Dictionary sheet; the Data sheet is
    streamed into the archive by :mod:`extracts.xlsx` while the archive is re-zipped with fixed
    entry times and document timestamps (so identical input gives identical bytes).
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "WRES portal"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.create_sheet("Data")
    dictionary = workbook.create_sheet("Dictionary")
    dictionary.append([_xlsx_cell(dictionary, h) for h in DICTIONARY_COLUMNS])
    for row in dictionary_rows():
        dictionary.append([_xlsx_cell(dictionary, v) for v in row])
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as raw:
        raw_path = Path(raw.name)
    workbook.save(raw_path)
    codes, batches = _with_columns(batches)
    header = LONG_COLUMNS if long else (*META_COLUMNS, *codes)
    return _deterministic_zip(
        raw_path, replace={DATA_SHEET: xlsx.sheet_xml(header, _data_sheet(batches, long=long))}
    )


def _deterministic_zip(path: Path, *, replace: dict[str, Iterable[bytes]]) -> Path:
    """The same archive with fixed entry times and document timestamps, and the members in
    ``replace`` written from their chunks instead."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as out:
        out_path = Path(out.name)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.compress_level = COMPRESS_LEVEL  # type: ignore[attr-defined]
            fixed.external_attr = 0o600 << 16
            with source.open(info) as member, target.open(fixed, "w") as sink:
                if info.filename in replace:
                    for chunk in replace[info.filename]:
                        sink.write(chunk)
                elif info.filename == "docProps/core.xml":
                    import re

                    text = member.read()
                    text = re.sub(
                        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, text
                    )
                    sink.write(text)
                else:
                    while chunk := member.read(1 << 20):
                        sink.write(chunk)
    path.unlink()
    return out_path


def file_chunks(path: Path, size: int = 1 << 16) -> Iterator[bytes]:
    """The file's bytes in chunks, deleting it when done."""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(size):
                yield chunk
    finally:
        path.unlink(missing_ok=True)
