"""NHS Staff Survey results: the national load (whole file or nothing, every bad line located),
who may load, the pre-fill of indicators 5 to 8 in forms, template and review, local figures."""

from __future__ import annotations

import codecs
from decimal import Decimal
from typing import Any

import pytest

from audit.models import AuditEvent
from returns.models import Return, ReturnVersion
from returns.presenters import SECTION_BY_SLUG, return_picture, section_grids
from returns.selectors import return_prefill
from review.presenters import version_picture
from survey.models import SurveyLoad, SurveyResult
from survey.parser import MAX_FILE_BYTES, parse_survey
from survey.selectors import percent_value, survey_values
from survey.services import SurveyLoadRefused, survey_load
from tests.submissions.test_submissions_views_forms import YEAR, open_year

pytestmark = pytest.mark.django_db

PAGE = "/returns/survey/"
SECTION = f"/returns/RJ1/{YEAR}/indicators-5-8/"
HEADER = "ods_code,year,indicator,white_pct,bme_pct\n"
GOOD = (
    HEADER
    + f"RJ1,{YEAR},5,27.4,30.1\n"
    + f"RJ1,{YEAR},6,20,25.55\n"
    + f"RJ1,{YEAR},7,88.2,71\n"
    + f"RJ1,{YEAR},8,5.1,\n"
    + f"rj2,{YEAR},5,22.5,26.25\n"
)


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def snapshot() -> tuple[list[tuple[Any, ...]], int]:
    """Every loaded figure and the number of loads: what a refused file must leave unchanged."""
    rows = list(
        SurveyResult.objects.order_by("pk").values_list(
            "organisation__ods_code", "year", "indicator", "white_pct", "bme_pct", "load_id"
        )
    )
    return rows, SurveyLoad.objects.count()


@pytest.fixture
def loaded(people: dict[str, Any], orgs: dict[str, Any]) -> SurveyLoad:
    """The good file loaded once by the national admin."""
    return survey_load(actor=people["admin"], filename="survey.csv", data=GOOD.encode())


# -- Loading ---------------------------------------------------------------------------------


def test_survey_load_stores_every_row_with_its_load_and_audits_it(loaded, people):
    results = {
        (r.organisation.ods_code, r.indicator): (r.white_pct, r.bme_pct)
        for r in SurveyResult.objects.select_related("organisation")
    }

    assert results == {
        ("RJ1", 5): (Decimal("27.4"), Decimal("30.1")),
        ("RJ1", 6): (Decimal("20"), Decimal("25.55")),
        ("RJ1", 7): (Decimal("88.2"), Decimal("71")),
        ("RJ1", 8): (Decimal("5.1"), None),
        ("RJ2", 5): (Decimal("22.5"), Decimal("26.25")),
    }
    assert set(SurveyResult.objects.values_list("load", flat=True)) == {loaded.pk}
    assert (loaded.row_count, loaded.organisation_count, loaded.years) == (5, 2, [YEAR])
    assert loaded.loaded_by == people["admin"] and loaded.original_filename == "survey.csv"
    assert len(loaded.sha256) == 64 and loaded.size == len(GOOD.encode())
    event = AuditEvent.objects.get(action="survey.loaded")
    assert event.actor == people["admin"]
    assert event.detail["rows"] == 5 and event.detail["sha256"] == loaded.sha256


def test_survey_load_accepts_a_byte_order_mark_and_crlf_lines(people, orgs):
    data = codecs.BOM_UTF8 + GOOD.replace("\n", "\r\n").encode()

    load = survey_load(actor=people["admin"], filename="excel.csv", data=data)

    assert load.row_count == 5


def test_survey_reload_replaces_the_year_for_the_organisations_in_the_file_only(
    loaded, people, orgs
):
    survey_load(
        actor=people["admin"],
        filename="other-year.csv",
        data=csv_bytes(f"RJ1,{YEAR - 1},5,1,2"),
    )

    second = survey_load(
        actor=people["admin"], filename="correction.csv", data=csv_bytes(f"RJ1,{YEAR},5,30,35.5")
    )

    assert survey_values(organisation_id=orgs["RJ1"].pk, year=YEAR) == {
        "i5.white": 30,
        "i5.bme": 35.5,
    }
    assert survey_values(organisation_id=orgs["RJ2"].pk, year=YEAR) == {
        "i5.white": 22.5,
        "i5.bme": 26.25,
    }
    assert survey_values(organisation_id=orgs["RJ1"].pk, year=YEAR - 1) == {
        "i5.white": 1,
        "i5.bme": 2,
    }
    assert SurveyResult.objects.get(organisation=orgs["RJ1"], year=YEAR).load == second
    assert AuditEvent.objects.filter(action="survey.loaded").count() == 3


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        (
            f"XXX9,{YEAR},5,10,20",
            "ods_code",
            "'XXX9' is not an ODS code in the organisation register",
        ),
        (f",{YEAR},5,10,20", "ods_code", "is empty"),
        ("RJ1,2026.0,5,10,20", "year", "'2026.0' is not a year"),
        ("RJ1,twenty,5,10,20", "year", "is not a year"),
        ("RJ1,2014,5,10,20", "year", "2014 is outside the years that can be loaded"),
        ("RJ1,2199,5,10,20", "year", "2199 is outside the years that can be loaded"),
        (f"RJ1,{YEAR},4,10,20", "indicator", "'4' is not an indicator: enter 5, 6, 7 or 8"),
        (f"RJ1,{YEAR},9,10,20", "indicator", "'9' is not an indicator"),
        (f"RJ1,{YEAR},five,10,20", "indicator", "'five' is not an indicator"),
        (f"RJ1,{YEAR},5,100.5,20", "white_pct", "'100.5' is over 100"),
        (f"RJ1,{YEAR},5,10,-1", "bme_pct", "'-1' is negative"),
        (f"RJ1,{YEAR},5,ten,20", "white_pct", "'ten' is not a percentage"),
        (f"RJ1,{YEAR},5,10,1e2", "bme_pct", "'1e2' is not a percentage"),
        (f"RJ1,{YEAR},5,10,NaN", "bme_pct", "'NaN' is not a percentage"),
        (f"RJ1,{YEAR},5,10.123,20", "white_pct", "'10.123' has more than 2 decimal places"),
        (f"RJ1,{YEAR},5,,", None, "neither percentage is given"),
        (f"RJ1,{YEAR},5,10", None, "4 values found; each line needs 5"),
        (f"RJ1,{YEAR},5,10,20,30", None, "6 values found; each line needs 5"),
    ],
)
def test_survey_load_refuses_a_bad_row_with_its_line_and_column_and_changes_nothing(
    loaded, people, line, column, expected
):
    before = snapshot()
    data = csv_bytes(f"RJ2,{YEAR},6,11,12", line)

    with pytest.raises(SurveyLoadRefused) as refusal:
        survey_load(actor=people["admin"], filename="bad.csv", data=data)

    (problem,) = refusal.value.problems
    assert (problem.line, problem.column) == (3, column)
    assert expected in problem.message
    assert str(problem).startswith(f"Line 3, column {column}: " if column else "Line 3: ")
    assert snapshot() == before


def test_survey_load_refuses_a_repeated_organisation_year_and_indicator(loaded, people):
    before = snapshot()
    data = csv_bytes(f"RJ1,{YEAR},5,10,20", f"RJ2,{YEAR},5,10,20", f"rj1,{YEAR},5,11,21")

    with pytest.raises(SurveyLoadRefused) as refusal:
        survey_load(actor=people["admin"], filename="dup.csv", data=data)

    (problem,) = refusal.value.problems
    assert problem.line == 4
    assert f"RJ1 {YEAR} indicator 5 is already on line 2" in problem.message
    assert snapshot() == before


def test_survey_load_reports_every_bad_line_of_a_file(loaded, people):
    before = snapshot()
    data = csv_bytes(f"RJ1,{YEAR},5,10,20", f"NOPE1,{YEAR},6,10,20", "", f"RJ2,{YEAR},3,10,101")

    with pytest.raises(SurveyLoadRefused) as refusal:
        survey_load(actor=people["admin"], filename="bad.csv", data=data)

    located = [(p.line, p.column) for p in refusal.value.problems]
    assert located == [(3, "ods_code"), (5, "indicator"), (5, "bme_pct")]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "is empty"),
        (b" \r\n\n", "is empty"),
        (GOOD.encode("utf-16"), "UTF-16"),
        (GOOD.encode("utf-16-le"), "NUL characters"),
        (GOOD.encode().replace(b"rj2", b"rj\x002"), "NUL characters"),
        (
            GOOD.encode().replace(b"rj2", "rj\u00e92".encode("latin-1")),
            "not UTF-8 text (the first bad character is on line 6)",
        ),
        (
            b"ods_code;year;indicator;white_pct;bme_pct\nRJ1;2026;5;1;2\n",
            "the header must be exactly",
        ),
        (b"ODS,YEAR,IND,W,B\n", "the header must be exactly"),
        (HEADER.encode(), "has a header but no figures"),
        (HEADER.encode() + b'RJ1,"2026,5,1,2\n', "Check the quotation marks"),
        (b"x" * (MAX_FILE_BYTES + 1), "is over 5 MB"),
    ],
    ids=[
        "empty",
        "blank",
        "utf16-bom",
        "utf16-no-bom",
        "nul",
        "latin1",
        "semicolons",
        "wrong-header",
        "header-only",
        "open-quote",
        "too-big",
    ],
)
def test_survey_load_refuses_a_bad_file_whole(loaded, people, data, expected):
    before = snapshot()

    with pytest.raises(SurveyLoadRefused) as refusal:
        survey_load(actor=people["admin"], filename="bad.csv", data=data)

    assert expected in str(refusal.value.problems[0])
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="survey.loaded").count() == 1


def test_survey_parser_stops_listing_after_many_problems_but_counts_them(orgs):
    data = csv_bytes(*[f"NOPE,{YEAR},5,1,2" for _ in range(600)])

    parsed = parse_survey(data, organisations={"RJ1": 1}, years=range(2015, 2030))

    assert len(parsed.problems) == 500 and parsed.problem_count == 600


def test_percent_value_is_what_the_engine_and_forms_hold():
    assert percent_value(Decimal("23.00")) == 23 and type(percent_value(Decimal("23.00"))) is int
    assert percent_value(Decimal("23.50")) == 23.5 and type(percent_value(Decimal("23.5"))) is float
    assert repr(percent_value(Decimal("28.35"))) == "28.35"


# -- The page ------------------------------------------------------------------------------


def test_survey_page_loads_a_file_and_shows_counts_per_year(people, orgs, client_for):
    client = client_for(people["admin"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        PAGE, {"file": SimpleUploadedFile("survey.csv", GOOD.encode(), "text/csv")}
    )
    assert response.status_code == 302 and response["Location"] == PAGE

    page = client.get(PAGE).content.decode()
    assert "Loaded 5 rows for 2 organisations (2026)." in page
    assert f'<th class="nhsuk-table__header" scope="row">{YEAR}</th>' in page
    assert SurveyResult.objects.count() == 5


def test_survey_page_lists_every_problem_of_a_refused_file_and_loads_nothing(
    loaded, people, client_for
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = snapshot()
    data = csv_bytes(f"RJ1,{YEAR},5,10,20", f"RJ1,{YEAR},9,10,20", f"RJ1,{YEAR},6,10,200")

    response = client_for(people["admin"]).post(
        PAGE, {"file": SimpleUploadedFile("bad.csv", data, "text/csv")}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert "it has 2 problems, listed below. Nothing was changed." in page
    assert "Line 3, column indicator: &#39;9&#39; is not an indicator" in page
    assert "Line 4, column bme_pct: &#39;200&#39; is over 100" in page
    assert snapshot() == before


def test_survey_page_refuses_no_file_and_an_oversize_file(loaded, people, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people["admin"])
    before = snapshot()

    missing = client.post(PAGE, {})
    too_big = client.post(
        PAGE, {"file": SimpleUploadedFile("big.csv", b"x" * (MAX_FILE_BYTES + 10), "text/csv")}
    )

    assert "Select the Staff Survey results CSV file" in missing.content.decode()
    assert "The file must be 5 MB or smaller." in too_big.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "role", ["submitter", "approver", "viewer", "reviewer", "analyst", "nobody"]
)
def test_survey_page_is_for_national_admins_only(people, client_for, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people[role])

    assert client.get(PAGE).status_code == 403
    posted = client.post(PAGE, {"file": SimpleUploadedFile("s.csv", GOOD.encode(), "text/csv")})
    assert posted.status_code == 403
    assert not SurveyResult.objects.exists() and not SurveyLoad.objects.exists()


def test_survey_page_sends_anonymous_users_to_sign_in(client, orgs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.get(PAGE)
    posted = client.post(PAGE, {"file": SimpleUploadedFile("s.csv", GOOD.encode(), "text/csv")})

    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert posted.status_code == 302 and not SurveyResult.objects.exists()


def test_survey_page_refuses_a_post_without_a_csrf_token(people):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["admin"])

    posted = client.post(PAGE, {"file": SimpleUploadedFile("s.csv", GOOD.encode(), "text/csv")})

    assert posted.status_code == 403 and not SurveyResult.objects.exists()


# -- Pre-fill and marking ------------------------------------------------------------------


@pytest.fixture
def draft(people, orgs, loaded) -> Return:
    open_year()
    return Return.objects.get(organisation=orgs["RJ1"], collection__year=YEAR)


def test_return_prefill_has_the_organisations_survey_figures_for_the_collection_year(
    draft, people, orgs
):
    survey_load(actor=people["admin"], filename="last.csv", data=csv_bytes(f"RJ1,{YEAR - 1},6,1,2"))

    prefill = return_prefill(return_=draft)

    assert prefill == {
        "i5.white": 27.4, "i5.bme": 30.1, "i6.white": 20, "i6.bme": 25.55,
        "i7.white": 88.2, "i7.bme": 71, "i8.white": 5.1,
    }  # fmt: skip
    other = Return.objects.get(organisation=orgs["RJ3"], collection__year=YEAR)
    assert return_prefill(return_=other) == {}


def test_section_form_is_prefilled_and_tagged_and_the_gap_is_computed(draft, people, client_for):
    page = client_for(people["submitter"]).get(SECTION).content.decode()

    assert 'name="i5-white"' in page and 'value="27.4"' in page and 'value="25.55"' in page
    assert page.count(">NHS Staff Survey</strong>") == 7
    assert ">Local figure</strong>" not in page
    assert 'aria-describedby="id_i5-white-source"' in page
    picture = return_picture(draft)
    assert picture.result.metrics["i5.gap_pp"] == pytest.approx(2.7)
    assert (
        draft.values == {}
        and picture.status(SECTION_BY_SLUG["indicators-5-8"]).value != "not_started"
    )


def test_a_figure_typed_over_the_survey_is_stored_and_marked_local(draft, people, client_for):
    client = client_for(people["submitter"])
    data = {
        "expected_version": str(draft.version),
        "i5-white": "27.4", "i5-bme": "31", "i6-white": "20", "i6-bme": "25.55",
        "i7-white": "88.2", "i7-bme": "71", "i8-white": "5.1", "i8-bme": "4.5",
        "action": "stay",
    }  # fmt: skip

    response = client.post(SECTION, data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.values == {"i5.bme": 31, "i8.bme": 4.5}  # the survey figures stay pre-filled
    page = client.get(SECTION).content.decode()
    assert page.count(">Local figure</strong>") == 2
    assert page.count(">NHS Staff Survey</strong>") == 6
    picture = return_picture(draft)
    assert picture.sources["i5.bme"] == "local" and picture.sources["i5.white"] == "survey"


def test_reviewers_see_which_figures_are_local(draft, people, client_for):
    from returns.services import return_save_draft

    return_save_draft(
        return_=draft, actor=people["submitter"], expected_version=draft.version,
        values={"i6.white": 19.5},
    )  # fmt: skip

    page = client_for(people["reviewer"]).get(f"/returns/review/RJ1/{YEAR}/").content.decode()

    assert page.count(">Local figure</strong>") == 1
    assert page.count(">NHS Staff Survey</strong>") == 6


def test_a_submitted_version_marks_figures_equal_to_the_survey_as_survey(draft):
    version = ReturnVersion(
        values={"i5.white": 27.4, "i5.bme": 29, "i9.voting.bme": 1},
        explanations={},
        metrics={},
        issues=[],
    )

    picture = version_picture(draft, version, None)

    assert picture.sources == {"i5.white": "survey", "i5.bme": "local"}
    (grid,) = section_grids(SECTION_BY_SLUG["indicators-5-8"], picture)[:1]
    assert grid.sources == {"i5.white": "NHS Staff Survey", "i5.bme": "Local figure"}


def test_template_download_has_the_survey_figures(draft, people, client_for):
    from tests.submissions.upload_helpers import cell_of, workbook

    response = client_for(people["submitter"]).get(f"/returns/RJ1/{YEAR}/template.xlsx")

    book = workbook(response.content)
    assert cell_of(book, "i5.white").value == 27.4
    assert cell_of(book, "i6.bme").value == 25.55
    assert cell_of(book, "i8.bme").value is None


def test_an_uploaded_template_keeps_survey_figures_pre_filled_unless_changed(
    draft, people, client_for
):
    from tests.submissions.upload_helpers import fill
    from uploads.checks import check_upload
    from uploads.parser import parse_upload

    template = client_for(people["submitter"]).get(f"/returns/RJ1/{YEAR}/template.xlsx").content
    prefill = return_prefill(return_=draft)

    def changes(data: bytes) -> dict[str, object]:
        parsed = parse_upload(data, filename="t.xlsx", ods_code="RJ1", year=YEAR)
        return check_upload(parsed, draft_values=draft.values, prefilled=prefill, year=YEAR).changes

    assert changes(template) == {}
    assert changes(fill(template, {"i5.bme": 33.3})) == {"i5.bme": 33.3}


def test_survey_load_refuses_when_another_load_of_the_year_wins_the_race(
    loaded, people, monkeypatch
):
    from django.db import IntegrityError
    from django.db.models.query import QuerySet

    before = snapshot()

    def collide(self: Any, *args: Any, **kwargs: Any) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(QuerySet, "bulk_create", collide)

    with pytest.raises(SurveyLoadRefused) as refusal:
        survey_load(actor=people["admin"], filename="late.csv", data=GOOD.encode())

    assert "another Staff Survey load for the same year" in str(refusal.value.problems[0])
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="survey.loaded").count() == 1


def test_a_submission_freezes_the_survey_figures_it_was_checked_with(
    draft, people, synthetic_values
):
    import datetime as dt

    from django.utils import timezone

    from returns.services import return_submit
    from tests.submissions.conftest import fill_and_explain

    typed = {
        code: value
        for code, value in synthetic_values[YEAR].items()
        if not code.startswith(("i5.", "i6.", "i7.", "i8."))
    }
    typed["i8.bme"] = 4.5  # one local figure where the survey published none
    ready = fill_and_explain(draft, typed, people["submitter"])

    version = return_submit(
        return_=ready, expected_version=ready.version, actor=people["submitter"],
        approver=people["approver"], approver_job_title="Chief People Officer",
        board_approved_on=timezone.localdate() - dt.timedelta(days=3),
        report_url="https://example.nhs.uk/wres", action_plan_url="https://example.nhs.uk/plan",
    )  # fmt: skip

    assert version.values["i5.white"] == 27.4 and version.values["i6.bme"] == 25.55
    assert version.values["i8.bme"] == 4.5
    assert version.metrics["i5.gap_pp"] == pytest.approx(2.7)
    assert version_picture(draft, version, None).sources["i8.bme"] == "local"


def test_make_template_has_the_survey_figures_for_an_organisation_without_a_return(
    loaded, orgs, tmp_path
):
    from django.core.management import call_command

    from tests.submissions.upload_helpers import cell_of, workbook

    path = tmp_path / "rj2.xlsx"
    call_command("make_template", "--organisation", "RJ2", "--year", str(YEAR), "-o", str(path))

    book = workbook(path.read_bytes())
    assert cell_of(book, "i5.white").value == 22.5 and cell_of(book, "i5.bme").value == 26.25
