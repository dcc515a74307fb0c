"""Organisation names as people read them, and a search that forgives how people type them
(case, straight and curly apostrophes, "St" or "Saint"), on SQLite and PostgreSQL (ADR 0017)."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from organisations.models import Membership, Organisation
from organisations.names import display_name, search_key
from organisations.selectors import organisation_list, organisation_name_matches
from organisations.services import organisation_seed_demo

GUYS = "RJ1"

# Names as people read them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        ("GUY\u2019S AND ST THOMAS\u2019 NHS TRUST", "Guy\u2019s and St Thomas\u2019 NHS Trust"),
        (
            "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        (
            "THE QUEEN ELIZABETH HOSPITAL, KING'S LYNN, NHS FOUNDATION TRUST",
            "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust",
        ),
        (
            "GREAT ORMOND STREET HOSPITAL FOR CHILDREN NHS FOUNDATION TRUST",
            "Great Ormond Street Hospital for Children NHS Foundation Trust",
        ),
        ("HAMPSHIRE AND ISLE OF WIGHT ICB", "Hampshire and Isle of Wight ICB"),
        ("STOKE-ON-TRENT CARE (UK) CIC", "Stoke-on-Trent Care (UK) CIC"),
        ("O'NEILL COMMUNITY CARE LTD", "O'Neill Community Care Ltd"),
        ("LANCASHIRE & SOUTH CUMBRIA NHS TRUST", "Lancashire & South Cumbria NHS Trust"),
        ("4TH FLOOR RJ1 SERVICES", "4th Floor RJ1 Services"),
        # Written by a person (mixed case): kept exactly.
        ("NHS North Central London ICB", "NHS North Central London ICB"),
        ("Demo Care Partners Ltd", "Demo Care Partners Ltd"),
    ],
)  # fmt: skip
def test_display_name_is_title_case_with_acronyms_and_small_words(register, expected):
    assert display_name(register) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "guys and st thomas",
        "Guy\u2019s",
        "saint thomas",
        "GUY'S AND ST. THOMAS'",
        "Guy\u2018s & Saint Thomas\u2019",
        "  guy's   and  st  ",
    ],
)
def test_search_key_of_what_people_type_is_found_in_the_name(typed):
    assert search_key(typed) in search_key("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST")


# The register, imported and searched -------------------------------------------------------


@pytest.mark.django_db
def test_import_keeps_the_register_name_and_shows_title_case(register):
    guys = Organisation.objects.get(ods_code=GUYS)

    assert guys.register_name == "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST"
    assert guys.name == "Guy's and St Thomas' NHS Foundation Trust"
    assert guys.search_name == "guys and saint thomas nhs foundation trust"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "guys and st thomas",
        "Guy\u2019s",
        "guy's",
        "saint thomas",
        "GUY'S AND SAINT THOMAS'",
        "st thomas\u2019",
        "Guys & St Thomas",
    ],
)
def test_organisation_search_ignores_case_apostrophes_and_saint(register, typed):
    found = list(organisation_list(query=typed).values_list("ods_code", flat=True))

    assert found == [GUYS]


@pytest.mark.django_db
def test_organisation_search_for_st_still_finds_words_that_contain_it(register):
    found = set(organisation_list(query="st").values_list("ods_code", flat=True))

    assert {GUYS, "RWJ"} <= found  # St Thomas', and Stockport


@pytest.mark.django_db
def test_organisation_search_finds_a_name_changed_in_the_admin(register):
    guys = Organisation.objects.get(ods_code=GUYS)
    guys.name = "Guy's and St Thomas' Hospitals"
    guys.save(update_fields=["name"])

    assert list(organisation_list(query="saint thomas hospitals")) == [guys]


@pytest.mark.django_db
def test_organisation_name_matches_works_through_a_relation(register, make_user):
    guys = Organisation.objects.get(ods_code=GUYS)
    make_user("someone@rj1.test", memberships=((guys, "viewer"),))

    found = Membership.objects.filter(
        organisation_name_matches("Guy\u2019s and Saint Thomas", prefix="organisation__")
    )

    assert [m.organisation.ods_code for m in found] == [GUYS]


@pytest.mark.django_db
def test_organisation_list_page_shows_title_case_names_and_finds_curly_apostrophes(
    client, register
):
    content = client.get(reverse("organisations:list") + "?q=Guy%E2%80%99s").content.decode()

    assert "Guy&#39;s and St Thomas&#39; NHS Foundation Trust" in content
    assert "1 organisation" in content
    assert "GUY&#39;S" not in content


@pytest.mark.django_db
def test_demo_organisations_are_searchable_by_their_own_names():
    organisation_seed_demo()

    found = organisation_list(query="north central london")

    assert [o.ods_code for o in found] == ["QMJ"]


# The data migration: every existing row keeps its data and gains the new names ---------------

BEFORE = ("organisations", "0002_membership")
AFTER = ("organisations", "0003_names_for_people_and_search")


def _migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_migration_fills_register_and_search_names_of_every_row_and_reverses():
    apps = _migrate(BEFORE)
    try:
        model = apps.get_model("organisations", "Organisation")
        model.objects.create(
            ods_code="RJ1", name="GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", region="Y56"
        )
        model.objects.create(
            ods_code="QMJ", name="NHS North Central London Integrated Care Board", region="Y56"
        )
        before = sorted(model.objects.values_list("pk", "ods_code", "region"))

        apps = _migrate(AFTER)
        model = apps.get_model("organisations", "Organisation")
        rows = {o.ods_code: o for o in model.objects.all()}
        assert sorted(model.objects.values_list("pk", "ods_code", "region")) == before
        assert (rows["RJ1"].name, rows["RJ1"].register_name, rows["RJ1"].search_name) == (
            "Guy's and St Thomas' NHS Foundation Trust",
            "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST",
            "guys and saint thomas nhs foundation trust",
        )
        assert (rows["QMJ"].name, rows["QMJ"].register_name, rows["QMJ"].search_name) == (
            "NHS North Central London Integrated Care Board",
            "",
            "nhs north central london integrated care board",
        )

        apps = _migrate(BEFORE)
        model = apps.get_model("organisations", "Organisation")
        assert dict(model.objects.values_list("ods_code", "name")) == {
            "RJ1": "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST",
            "QMJ": "NHS North Central London Integrated Care Board",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
