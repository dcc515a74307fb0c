"""Downloads: the page, every extract, determinism, formula injection, unsuppressed access."""

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from audit.models import AuditEvent
from extracts import writers
from extracts.release import FIGURE_CODES, META_COLUMNS
from extracts.suppression import COUNT_CODES, MARK, suppress
from indicators import compute_national, synthesise
from indicators.dictionary import METRICS
from tests.extracts import conftest as extracts_fixtures

pytestmark = pytest.mark.django_db
# The published history (conftest), built once for this module; each test has it in a
# savepoint rolled back afterwards, and its own copy of the release files.
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared

ROLES = ("anonymous", "submitter", "approver", "viewer", "reviewer", "analyst", "admin", "nobody")


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _frame(names):
    frame = synthesise(len(names), range(2016, 2018), seed=5)
    metrics = compute_national(frame.drop(columns=["synthetic", "region", "type", "sector"]))
    wide = pd.concat(
        [
            frame.rename(columns={"type": "org_type"}),
            metrics.drop(columns=["organisation", "year"]),
        ],
        axis=1,
    ).copy()
    wide["name"] = [n for n in names for _ in range(2)][: len(wide)]
    wide["icb"] = "QWE"
    return wide[[*META_COLUMNS, *FIGURE_CODES]]


def test_wide_csv_neutralises_formula_text_and_keeps_numbers():
    names = ["=HYPERLINK(1)", "+cmd", "-2 trust", "@SUM", "\tTab", "\rCR", "Plain"]
    frame = _frame(names)
    frame["i5.white"] = -3.5  # out of range for real data, but a negative number stays a number

    rows = list(csv.reader(io.StringIO(b"".join(writers.wide_csv([(frame, None)])).decode())))

    shown = {row[1] for row in rows[1:]}
    assert shown >= {"'=HYPERLINK(1)", "'+cmd", "'-2 trust", "'@SUM", "'\tTab", "'\rCR", "Plain"}
    assert rows[1][rows[0].index("i5.white")] == "-3.5"


def test_xlsx_writes_formula_text_as_text():
    frame = _frame(["=1+1", "ok"])

    path = writers.xlsx_file([(frame, None)])
    sheet = openpyxl.load_workbook(path)["Data"]

    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"
    assert isinstance(sheet["G2"].value, int)
    path.unlink()


def test_extract_writers_are_deterministic():
    frame = _frame(["A", "B", "C"])
    mask = suppress(frame)

    for long in (False, True):
        first, second = writers.xlsx_file([(frame, mask)], long=long), None
        second = writers.xlsx_file([(frame, mask)], long=long)
        assert first.read_bytes() == second.read_bytes()
    assert b"".join(writers.long_csv([(frame, mask)])) == b"".join(
        writers.long_csv([(frame, mask)])
    )


def test_long_csv_has_the_tidy_shape_with_numerators_and_denominators():
    frame = _frame(["A"]).iloc[:1]

    rows = list(csv.DictReader(io.StringIO(b"".join(writers.long_csv([(frame, None)])).decode())))

    assert list(rows[0]) == list(writers.LONG_COLUMNS)
    share = next(r for r in rows if r["measure"] == "i1.total.share" and r["ethnicity"] == "bme")
    assert share["value"]
    rl = next(r for r in rows if r["measure"] == "i2.likelihood" and r["ethnicity"] == "white")
    assert float(rl["value"]) == pytest.approx(float(rl["numerator"]) / float(rl["denominator"]))


def test_dictionary_lists_every_item_and_metric():
    rows = list(csv.DictReader(io.StringIO(writers.dictionary_csv().decode())))

    codes = {row["code"] for row in rows}
    assert set(FIGURE_CODES) <= codes and MARK in codes


def test_downloads_page_lists_published_years(published, client):
    response = client.get("/data/")

    assert response.status_code == 200
    assert b"/data/wres-2017-wide.csv" in response.content
    assert b"/data/wres-all-long.xlsx" in response.content
    assert b"unsuppressed" not in response.content


PUBLIC = ["/data/wres-2017-wide.csv", "/data/wres-all-long.csv", "/data/wres-2016-wide.xlsx"]


@pytest.mark.parametrize("url", [*PUBLIC, "/data/wres-all-long.xlsx"])
def test_extract_downloads_are_public_and_suppressed(published, client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if url.endswith(".csv"):
        # Spec 6.1 (v2): metrics are never suppressed and counts are left out, so no [c].
        body = _content(response).decode()
        assert MARK not in body
        header = body.splitlines()[0].split(",")
        assert "i1.total.white" not in header and "i2.appointed.bme" not in header
        assert ("i2.rl" in header) if "wide" in url else ("i2.rl" in body)


def test_public_wide_csv_has_every_metric_no_count_and_no_mark(published, client):
    rows = list(
        csv.DictReader(io.StringIO(_content(client.get("/data/wres-2017-wide.csv")).decode()))
    )

    columns = set(rows[0])
    assert not columns & set(COUNT_CODES)
    assert {m.code for m in METRICS} - set(COUNT_CODES) <= columns
    assert all(MARK not in value for row in rows for value in row.values())
    assert all(row["i2.rl"] for row in rows)


def test_public_long_csv_has_no_count_rows_and_no_numerators(published, client):
    rows = list(
        csv.DictReader(io.StringIO(_content(client.get("/data/wres-2017-long.csv")).decode()))
    )

    assert rows and not any(r["numerator"] or r["denominator"] for r in rows)
    assert all(MARK not in r["value"] for r in rows)
    assert "i2.appointed" not in {r["measure"] for r in rows}
    assert "i2.rl" in {r["measure"] for r in rows}


def test_analysts_extract_still_has_every_count(published, people, client_for):
    client = client_for(people["analyst"])
    rows = list(
        csv.DictReader(
            io.StringIO(
                _content(client.get("/data/wres-2017-wide.csv?figures=unsuppressed")).decode()
            )
        )
    )

    assert set(COUNT_CODES) <= set(rows[0])
    assert all(row["i1.total.white"] not in ("", MARK) for row in rows)


def test_public_wide_csv_is_one_row_per_published_organisation_year(published, client):
    rows = list(
        csv.DictReader(io.StringIO(_content(client.get("/data/wres-all-wide.csv")).decode()))
    )
    per_year = list(
        csv.DictReader(io.StringIO(_content(client.get("/data/wres-2016-wide.csv")).decode()))
    )

    assert len(rows) == 18 and {r["year"] for r in per_year} == {"2016"}
    # a per-year file hides exactly the cells the all-years file hides
    same = [r for r in rows if r["year"] == "2016"]
    assert same == per_year


UNKNOWN = ["/data/wres-2014-wide.csv", "/data/wres-2017-wide.json", "/data/wres-2017-square.csv"]


@pytest.mark.parametrize("url", [*UNKNOWN, "/data/wres-x-wide.csv"])
def test_unknown_extracts_are_404(published, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_unsuppressed_extract_only_for_national_roles_and_audited(
    published, people, client_for, role
):
    client = client_for(people.get(role))

    body = _content(client.get("/data/wres-2017-wide.csv?figures=unsuppressed"))

    allowed = role in ("reviewer", "analyst", "admin")
    # v2: the unsuppressed extract is the one with the organisations' counts (spec 6.1)
    assert (b",i1.total.white," in body.splitlines()[0]) == allowed
    events = AuditEvent.objects.filter(action="extract_downloaded_unsuppressed")
    assert events.count() == (1 if allowed else 0)


def test_public_extract_is_identical_twice(published, client):
    first = _content(client.get("/data/wres-all-wide.xlsx"))
    second = _content(client.get("/data/wres-all-wide.xlsx"))

    assert first == second


def test_xlsx_cells_are_exact_typed_masked_and_escaped():
    frame = _frame(["A & <b> \r", "=cmd"])
    mask = suppress(frame)

    path = writers.xlsx_file([(frame.iloc[:2], mask.iloc[:2]), (frame.iloc[2:], mask.iloc[2:])])
    sheet = openpyxl.load_workbook(path)["Data"]

    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    assert header == list(writers.WIDE_COLUMNS) and len(rows) == len(frame) + 1
    cells = dict(zip(header, rows[1], strict=True))
    assert cells["name"].value == "A & <b> \r" and cells["name"].data_type == "s"
    assert rows[3][header.index("name")].value == "=cmd"
    assert rows[3][header.index("name")].data_type == "s"
    for code in FIGURE_CODES:
        value, hidden, cell = frame[code].iloc[0], mask[code].iloc[0], cells[code]
        if hidden:
            assert (cell.value, cell.data_type) == (MARK, "s"), code
        elif pd.isna(value):
            assert cell.value is None, code
        elif isinstance(value, (bool, np.bool_)):
            assert cell.value is bool(value), code
        else:
            assert cell.value == float(value), code  # every digit kept
    path.unlink()


def test_long_xlsx_matches_long_csv():
    frame = _frame(["A", "B"])
    mask = suppress(frame)

    path = writers.xlsx_file([(frame, mask)], long=True)
    rows = list(openpyxl.load_workbook(path)["Data"].iter_rows(values_only=True))
    text = b"".join(writers.long_csv([(frame, mask)])).decode()
    expected = list(csv.reader(io.StringIO(text)))

    assert len(rows) == len(expected)
    for got, want in zip(rows[1:500], expected[1:500], strict=True):
        for cell, field in zip(got, want, strict=True):
            if field in ("", None):
                assert cell is None
            elif field in ("true", "false"):
                assert cell is (field == "true")
            elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
                assert cell == float(field)
            else:
                assert str(cell) == field
    path.unlink()
