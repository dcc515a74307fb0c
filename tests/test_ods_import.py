"""The ODS register import: the real file, idempotency, updates, and malformed files."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.models import Organisation, Sector
from organisations.ods import infer_sector, parse_ods_register
from tests.conftest import REGISTER_FILE

REAL_ROWS = REGISTER_FILE.read_text(encoding="utf-8").splitlines()


def _snapshot() -> list[tuple]:
    return list(Organisation.objects.order_by("ods_code").values_list())


def _write(tmp_path: Path, lines: list[str], name: str = "etr.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_ods", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_ods_real_register_loads_every_trust_in_england():
    output = _import(REGISTER_FILE)

    assert "207 created" in output and "3 outside England skipped" in output
    assert Organisation.objects.count() == 207
    assert not Organisation.objects.filter(region="W00").exists()
    guys = Organisation.objects.get(ods_code="RJ1")
    assert guys.register_name == "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST"
    assert guys.name == "Guy's and St Thomas' NHS Foundation Trust"
    assert guys.region == "Y56"
    assert guys.org_type == "nhs_trust"
    assert guys.opened_on is not None
    assert Organisation.objects.get(ods_code="RRU").sector == Sector.AMBULANCE
    counts = {
        region: Organisation.objects.filter(region=region).count()
        for region in ("Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63")
    }
    assert counts == {"Y56": 35, "Y58": 19, "Y59": 29, "Y60": 40, "Y61": 22, "Y62": 31, "Y63": 31}


@pytest.mark.django_db
def test_import_ods_second_run_changes_nothing():
    _import(REGISTER_FILE)
    before = _snapshot()

    output = _import(REGISTER_FILE)

    assert "0 created, 0 updated, 0 closed, 207 unchanged" in output
    assert _snapshot() == before


@pytest.mark.django_db
def test_import_ods_updates_names_and_close_dates(tmp_path):
    _import(REGISTER_FILE)
    changed = []
    for line in REAL_ROWS:
        fields = line.split('","')
        if fields[0] == '"RJ1':
            fields[1] = "GUY'S AND ST THOMAS' HOSPITALS NHS FOUNDATION TRUST"
        if fields[0] == '"RJ2':
            fields[11] = "20260331"
        changed.append('","'.join(fields))

    output = _import(_write(tmp_path, changed))

    assert "0 created, 2 updated, 1 closed" in output
    guys = Organisation.objects.get(ods_code="RJ1")
    assert guys.register_name == "GUY'S AND ST THOMAS' HOSPITALS NHS FOUNDATION TRUST"
    assert guys.name == "Guy's and St Thomas' Hospitals NHS Foundation Trust"
    assert Organisation.objects.get(ods_code="RJ2").closed_on == dt.date(2026, 3, 31)


@pytest.mark.django_db
def test_import_ods_keeps_a_sector_an_admin_set():
    _import(REGISTER_FILE)
    Organisation.objects.filter(ods_code="RRU").update(
        sector=Sector.COMBINED, sector_set_by_admin=True
    )

    _import(REGISTER_FILE)

    assert Organisation.objects.get(ods_code="RRU").sector == Sector.COMBINED


def _with_line(index: int, replacement: str) -> list[str]:
    lines = list(REAL_ROWS)
    lines[index] = replacement
    return lines


def _replace_field(index: int, field: int, value: str) -> list[str]:
    fields = REAL_ROWS[index].split('","')
    fields[field] = value
    return _with_line(index, '","'.join(fields))


MALFORMED = {
    "missing column": (_with_line(4, '"R0X","A TRUST","Y56"'), "line 5: 3 fields"),
    "bad open date": (_replace_field(6, 10, "2019-04-01"), "line 7: open date '2019-04-01'"),
    "impossible date": (_replace_field(6, 10, "20190231"), "line 7: open date '20190231'"),
    "bad close date": (_replace_field(8, 11, "31/03/2026"), "line 9: close date"),
    "duplicate code": (
        _with_line(9, REAL_ROWS[2]),
        "line 10: ODS code R0B appears twice (first on line 3)",
    ),
    "unknown region": (_replace_field(3, 2, "Y99"), "line 4: region code 'Y99'"),
    "empty name": (_replace_field(5, 1, "  "), "line 6: the name is empty"),
    "bad code": (_with_line(7, REAL_ROWS[7].replace('"R', '"R!', 1)), "line 8: ODS code"),
    "unbalanced quote": (_with_line(11, '"R0Z,"UNFINISHED'), "the CSV is malformed"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_import_ods_malformed_file_names_the_line_and_changes_nothing(tmp_path, case):
    _import(REGISTER_FILE)
    Organisation.objects.filter(ods_code="RJ1").update(name="EDITED LOCALLY")
    before = _snapshot()
    lines, expected = MALFORMED[case]

    with pytest.raises(CommandError) as raised:
        _import(_write(tmp_path, lines))

    assert expected in str(raised.value)
    assert "nothing was changed" in str(raised.value)
    assert _snapshot() == before


@pytest.mark.django_db
def test_import_ods_wrong_encoding_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    lines = list(REAL_ROWS)
    lines[20] = lines[20].replace("NHS", "NHS \u00e9")
    path.write_bytes("\n".join(lines).encode("latin-1"))

    with pytest.raises(CommandError, match="line 21: the file is not UTF-8"):
        _import(path)
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"\n\n  \n", "the file is empty"), (b"a,b\x00c\n", "null byte")],
)
def test_import_ods_empty_or_binary_file_is_refused(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        _import(path)
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_ods_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nope\.csv"):
        _import(tmp_path / "nope.csv")


def test_parse_ods_register_reports_every_problem_at_once():
    lines = _replace_field(3, 2, "Y99")
    lines[6] = lines[6].replace('","20', '","x20', 1)
    result = parse_ods_register("\n".join(lines).encode())

    assert [problem.line for problem in result.problems][:1] == [4]
    assert len(result.problems) >= 2


def test_parse_ods_register_accepts_a_byte_order_mark():
    result = parse_ods_register(b"\xef\xbb\xbf" + REGISTER_FILE.read_bytes())

    assert not result.problems
    assert result.rows[0].ods_code == "G6V2S"


@pytest.mark.parametrize(
    ("name", "sector"),
    [
        ("LONDON AMBULANCE SERVICE NHS TRUST", "ambulance"),
        ("OXLEAS NHS FOUNDATION TRUST", ""),
        ("SUSSEX PARTNERSHIP NHS FOUNDATION TRUST", "mental_health"),
        ("GREAT ORMOND STREET HOSPITAL FOR CHILDREN NHS FOUNDATION TRUST", "specialist"),
        ("HERTFORDSHIRE COMMUNITY NHS TRUST", "community"),
        ("BARKING, HAVERING AND REDBRIDGE UNIVERSITY HOSPITALS NHS TRUST", "acute"),
    ],
)
def test_infer_sector_only_where_the_name_is_plain(name, sector):
    assert infer_sector(name) == sector
