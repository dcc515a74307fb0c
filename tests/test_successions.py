"""ODS successions and the register with closed trusts (issue 16): predecessors linked where
both are in the register, idempotent, a malformed file refused whole naming each bad line."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from organisations.models import Organisation
from organisations.ods import parse_ods_register
from organisations.services import organisation_import_register

pytestmark = pytest.mark.django_db
DATA = Path(apps.get_app_config("organisations").path) / "data"


@pytest.fixture
def register() -> None:
    for name in ("etr-with-closed.csv", "care-trusts.csv"):
        result = parse_ods_register((DATA / name).read_bytes())
        assert result.problems == []
        organisation_import_register(rows=result.rows)


def _links() -> list[tuple[str, str]]:
    through = Organisation.predecessors.through
    return sorted(
        through.objects.values_list("from_organisation__ods_code", "to_organisation__ods_code")
    )


def test_the_register_with_closed_trusts_reads_whole_welsh_ones_skipped():
    result = parse_ods_register((DATA / "etr-with-closed.csv").read_bytes())

    assert result.problems == []
    assert sum(1 for row in result.rows if not row.in_england) == 3  # Wales, region left empty
    closed = {row.ods_code: row.closed_on for row in result.rows}
    assert closed["RRP"] is not None and closed["G6V2S"] is None


def test_successions_link_mergers_once(register):
    call_command("import_successions", str(DATA / "succ.csv"))
    links = _links()

    call_command("import_successions", str(DATA / "succ.csv"))

    assert _links() == links
    g6v2s = Organisation.objects.get(ods_code="G6V2S")
    assert {"RRP", "TAF"} <= set(g6v2s.predecessors.values_list("ods_code", flat=True))
    assert set(Organisation.objects.get(ods_code="RRP").successors.values_list(
        "ods_code", flat=True
    )) == {"G6V2S"}  # fmt: skip


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ["the file is empty"]),
        (
            b'"RRP","G6V2S","","20241101","0"\n"RRP","G6V2S"\n"R??","TAF","","20241301","0"\n'
            b'"TAF","TAF","","20241101","0"\n',
            [
                "line 2: 2 fields where a succession has at least 4",
                "line 3: ODS code 'R??' is not valid; effective date '20241301' is not a date",
                "line 4: TAF cannot succeed itself",
            ],
        ),
        (b'"RRP","G6V2S","","20241101","0"\x00\n', ["null byte"]),
    ],
)
def test_a_malformed_succession_file_is_refused_whole(register, tmp_path, content, expected):
    path = tmp_path / "succ.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        call_command("import_successions", str(path))

    message = str(raised.value)
    assert "was not loaded, nothing was changed" in message
    for part in expected:
        assert part in message
    assert _links() == []
