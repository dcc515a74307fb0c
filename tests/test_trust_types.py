"""ERIC trust types (issue 16): imported for every trust with the year each applies to, setting
the sector; idempotent; a malformed file refused whole; an admin's correction kept and audited."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from organisations.eric import parse_trust_types
from organisations.models import Organisation, OrganisationType, TrustType, TrustTypeRecord
from organisations.ods import parse_ods_register
from organisations.services import organisation_import_register, organisation_import_trust_types

pytestmark = pytest.mark.django_db
DATA = Path(apps.get_app_config("organisations").path) / "data"
CURRENT = DATA / "trust_types.csv"
BY_YEAR = DATA / "trust_type_lookup.csv"


@pytest.fixture
def register() -> None:
    organisation_import_register(rows=parse_ods_register((DATA / "etr.csv").read_bytes()).rows)


def _snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    organisations = list(
        Organisation.objects.order_by("ods_code").values_list(
            "ods_code", "trust_type", "trust_type_year", "sector"
        )
    )
    records = list(TrustTypeRecord.objects.order_by("pk").values_list("pk", "year", "trust_type"))
    return organisations, records


def test_every_open_trust_has_an_eric_type_and_the_named_ones_are_right(register):
    call_command("import_trust_types", str(BY_YEAR), str(CURRENT))

    trusts = Organisation.objects.filter(
        org_type=OrganisationType.NHS_TRUST, closed_on__isnull=True
    )
    assert trusts.count() > 190
    assert not trusts.filter(trust_type="").exists()
    named = Organisation.objects.filter(ods_code__in=["RRU", "RX9", "RV3", "RJ1"])
    by_code = {o.ods_code: o for o in named}
    assert by_code["RRU"].trust_type == by_code["RX9"].trust_type == TrustType.AMBULANCE
    assert by_code["RRU"].sector == "ambulance"
    assert by_code["RV3"].trust_type == TrustType.MENTAL_HEALTH
    assert by_code["RV3"].sector == "mental_health"
    assert by_code["RJ1"].trust_type == TrustType.ACUTE_TEACHING
    assert by_code["RJ1"].sector == "acute"
    assert by_code["RJ1"].trust_type_year == 2023  # ERIC 2023/24
    # The history by year is kept (2014/15 to 2021/22 from the by-year file).
    years = set(
        TrustTypeRecord.objects.filter(organisation=by_code["RJ1"]).values_list("year", flat=True)
    )
    assert {2014, 2021, 2023} <= years


def test_import_is_idempotent(register):
    call_command("import_trust_types", str(BY_YEAR), str(CURRENT))
    before = _snapshot()

    rows = parse_trust_types(CURRENT.read_bytes()).rows
    report = organisation_import_trust_types(rows=rows)

    assert report.created == report.updated == 0
    assert report.unchanged == len([r for r in rows if r.ods_code not in report.unknown])
    assert _snapshot() == before


def test_a_later_ods_import_keeps_the_eric_sector(register):
    call_command("import_trust_types", str(CURRENT))
    # A name that reads as one sector, where ERIC says another, keeps ERIC's.
    organisation = Organisation.objects.get(ods_code="RRU")
    Organisation.objects.filter(pk=organisation.pk).update(sector="acute")
    call_command("import_trust_types", str(CURRENT))
    organisation_import_register(rows=parse_ods_register((DATA / "etr.csv").read_bytes()).rows)

    assert Organisation.objects.get(ods_code="RRU").sector == "ambulance"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ["the file is empty"]),
        (b"code,type\nRJ1,AMBULANCE\n", ["line 1: the header must be"]),
        (b"fyear,trust_code,trust_type\n", ["the file has a header but no rows"]),
        (
            b"fyear,trust_code,trust_type\n202122,RJ1,ACUTE - TEACHING\n2021,RJ2,AMBULANCE\n"
            b"202122,rj 3,SPACESHIP\n202122,RJ4\n202122,RJ1,AMBULANCE\n",
            [
                "line 3: fyear '2021' is not a financial year like 202122",
                "line 4: 'RJ 3' is not an ODS code; 'SPACESHIP' is not an ERIC trust type",
                "line 5: 2 fields where the header has 3",
                "line 6: RJ1 has two types for 2021/22 (line 2 says otherwise)",
            ],
        ),
        (
            b"ods_code,name,trust_type,source\nRJ1,GUYS,ACUTE - TEACHING,a spreadsheet\n",
            ["line 2: the source does not name the ERIC year"],
        ),
        (b"fyear,trust_code,trust_type\n202122,RJ1,AMBULANCE\x00\n", ["null byte"]),
        (b"fyear,trust_code,trust_type\n202122,RJ1,\xff\n", ["not UTF-8"]),
    ],
)
def test_a_malformed_file_is_refused_whole_naming_each_bad_line(
    register, tmp_path, content, expected
):
    call_command("import_trust_types", str(CURRENT))
    before = _snapshot()
    path = tmp_path / "types.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        call_command("import_trust_types", str(path))

    message = str(raised.value)
    assert "was not loaded, nothing was changed" in message
    for part in expected:
        assert part in message
    assert _snapshot() == before


def test_a_missing_file_is_a_clear_error(register, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_trust_types", str(tmp_path / "nope.csv"))


def test_an_admin_corrects_a_trust_type_audited_and_imports_keep_it(
    register, client_for, make_user
):
    call_command("import_trust_types", str(CURRENT))
    admin = make_user("admin@nhs.test", national_role="admin")
    client = client_for(admin)  # signed in with the second factor, as the admin requires
    organisation = Organisation.objects.get(ods_code="RV3")
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and not isinstance(value, list)
    }
    data["trust_type"] = TrustType.COMMUNITY

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.trust_type == TrustType.COMMUNITY
    assert organisation.sector == "community"
    assert organisation.trust_type_set_by_admin
    event = AuditEvent.objects.get(action="trust_type_corrected")
    assert event.detail["from"] == TrustType.MENTAL_HEALTH
    assert event.detail["to"] == TrustType.COMMUNITY
    call_command("import_trust_types", str(BY_YEAR), str(CURRENT))
    organisation.refresh_from_db()
    assert organisation.trust_type == TrustType.COMMUNITY
