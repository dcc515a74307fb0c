"""The return's task list and section forms: every role, saving and re-rendering, bad input that
stores nothing, the version conflict, explanations, and the read-only return."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from indicators import ITEMS
from organisations.models import Organisation
from returns.models import Return, ReturnState
from returns.services import collection_create, collection_open, return_save_draft

YEAR = 2026
BASE = f"/returns/RJ1/{YEAR}/"
I2_VALUES = {
    "i2-shortlisted-white": "1,200",
    "i2-shortlisted-bme": " 400 ",
    "i2-shortlisted-unknown": "12",
    "i2-appointed-white": "240",
    "i2-appointed-bme": "5",
    "i2-appointed-unknown": "1",
}


def open_year(year: int = YEAR, *, deadline: dt.date | None = None) -> Any:
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=30)
    collection = collection_create(
        year=year,
        opens_on=min(dt.date(year, 4, 1), deadline),
        deadline=deadline,
        closes_on=max(deadline, today) + dt.timedelta(days=30),
        organisation_types=["nhs_trust"],
        actor="tests",
    )
    collection_open(collection=collection, actor="tests")
    return collection


@pytest.fixture
def returns(people: dict[str, Any], orgs: dict[str, Organisation]) -> dict[str, Return]:
    """This year's open collection: a draft for RJ1, RJ2 and RJ3."""
    open_year()
    return {
        code: Return.objects.get(organisation=org, collection__year=YEAR)
        for code, org in orgs.items()
    }


def reload(return_: Return) -> Return:
    return Return.objects.get(pk=return_.pk)


def post_section(client: Any, section: str, data: dict[str, str], version: int) -> Any:
    return client.post(f"{BASE}{section}/", {"expected_version": str(version), **data})


def i2_filled(return_: Return, actor: Any, **values: int) -> Return:
    base = {
        "i2.shortlisted.white": 1200,
        "i2.shortlisted.bme": 400,
        "i2.shortlisted.unknown": 12,
        "i2.appointed.white": 240,
        "i2.appointed.bme": 50,
        "i2.appointed.unknown": 1,
    }
    base.update({code.replace("_", ".", 2): value for code, value in values.items()})
    return return_save_draft(
        return_=return_, actor=actor, expected_version=return_.version, values=base
    )


# Who may see and change what ----------------------------------------------------------------

ROLES = ("anonymous", "submitter", "approver", "viewer", "reviewer", "admin", "nobody")
PAGES = ("", "organisation/", "indicator-1/", "indicator-2/", "indicator-3/", "indicators-5-8/",
         "narrative/", "publication/", "check/", "sign-off/", "summary/")  # fmt: skip
OWN = {"anonymous": 302, "submitter": 200, "approver": 200, "viewer": 200, "reviewer": 200,
       "admin": 200, "nobody": 404}  # fmt: skip
OTHER = {**OWN, "submitter": 404, "approver": 404, "viewer": 404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_return_pages_answer_each_role(returns, people, client_for, role, page):
    client = client_for(people.get(role))

    own = client.get(f"{BASE}{page}")
    other = client.get(f"/returns/RJ3/{YEAR}/{page}")

    assert own.status_code == OWN[role], (page, role)
    assert other.status_code == OTHER[role], (page, role)
    if other.status_code == 404:
        assert b"RJ3 NHS TRUST" not in other.content


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("submitter", 302), ("approver", 302), ("viewer", 403),
     ("reviewer", 403), ("admin", 403), ("nobody", 404)],
)  # fmt: skip
def test_section_post_is_allowed_to_editors_only(returns, people, client_for, role, expected):
    before = reload(returns["RJ1"])

    response = post_section(client_for(people.get(role)), "indicator-2", I2_VALUES, before.version)

    # A national admin (a Django superuser, for the admin) is still not an editor: see ADR 0006
    assert response.status_code == expected
    if expected != 302 or role == "anonymous":
        assert reload(returns["RJ1"]).values == {}


def test_section_post_to_another_organisations_return_is_404(returns, people, client_for):
    client = client_for(people["approver"])  # approver of RJ1 and RJ2, not RJ3

    response = client.post(
        f"/returns/RJ3/{YEAR}/indicator-2/", {"expected_version": "1", **I2_VALUES}
    )

    assert response.status_code == 404
    assert reload(returns["RJ3"]).values == {}


def test_unknown_section_year_or_code_is_404(returns, people, client_for):
    client = client_for(people["submitter"])

    assert client.get(f"{BASE}indicator-10/").status_code == 404
    assert client.get(f"/returns/RJ1/{YEAR + 1}/").status_code == 404
    assert client.get("/returns/R%00J1/2026/").status_code == 404
    assert client.get("/returns/RJ1/99999999999999999999/").status_code == 404


# Saving and re-rendering ---------------------------------------------------------------------


def test_section_save_parses_commas_and_spaces_and_shows_the_computed_figures(
    returns, people, client_for
):
    client = client_for(people["submitter"])

    response = post_section(client, "indicator-2", I2_VALUES, returns["RJ1"].version)

    saved = reload(returns["RJ1"])
    assert saved.values == {
        "i2.shortlisted.white": 1200,
        "i2.shortlisted.bme": 400,
        "i2.shortlisted.unknown": 12,
        "i2.appointed.white": 240,
        "i2.appointed.bme": 5,
        "i2.appointed.unknown": 1,
    }
    # A warning (W105, small numbers) keeps the person on the section, saying why at the top
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}indicator-2/"
    page = client.get(f"{BASE}indicator-2/").content.decode()
    assert "this section is not finished: explain the warning below, then continue" in page
    assert "Relative likelihood of White compared with BME staff" in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">16.00</td>' in page
    assert "Outside" in page
    assert "Explain warning W105" in page
    assert 'value="1,200"' in page


def test_section_save_and_continue_goes_to_the_task_list_when_nothing_needs_attention(
    returns, people, client_for
):
    client = client_for(people["submitter"])
    data = {**I2_VALUES, "i2-appointed-bme": "80", "action": "continue"}

    response = post_section(client, "indicator-2", data, returns["RJ1"].version)

    assert response.status_code == 302
    assert response["Location"] == BASE
    task_list = client.get(BASE).content.decode()
    assert "Relative likelihood 1.00" in task_list


def test_section_save_and_stay_returns_to_the_section(returns, people, client_for):
    data = {**I2_VALUES, "i2-appointed-bme": "80", "action": "stay"}

    response = post_section(
        client_for(people["approver"]), "indicator-2", data, returns["RJ1"].version
    )

    assert response["Location"] == f"{BASE}indicator-2/"


def test_section_blank_box_clears_the_saved_value(returns, people, client_for):
    return_ = i2_filled(returns["RJ1"], people["submitter"])

    post_section(
        client_for(people["submitter"]),
        "indicator-2",
        {**I2_VALUES, "i2-shortlisted-unknown": "  "},
        return_.version,
    )

    assert "i2.shortlisted.unknown" not in reload(return_).values


def test_indicator_1_grid_shows_engine_totals(returns, people, client_for):
    values = {item.code: 10 for item in ITEMS if item.code.startswith("i1.medical.")}
    return_save_draft(
        return_=returns["RJ1"], actor=people["submitter"], expected_version=1, values=values
    )

    page = client_for(people["submitter"]).get(f"{BASE}indicator-1/").content.decode()

    assert (
        '<caption class="nhsuk-table__caption nhsuk-table__caption--s">Medical and dental staff'
        in page
    )
    # White total of the medical staff group: the engine's i1.medical.total.white
    assert "Total (saved figures)" in page
    assert page.count(">40</td>") == 3  # the engine's i1.medical.total.{white,bme,unknown}
    assert ">120</td>" in page
    assert page.count(">30</td>") == 4  # each grade's row total


def test_survey_percentages_accept_decimals(returns, people, client_for):
    response = post_section(
        client_for(people["submitter"]),
        "indicators-5-8",
        {"i5-white": "23.5", "i5-bme": "30%", "i6-white": "", "i6-bme": "",
         "i7-white": "", "i7-bme": "", "i8-white": "", "i8-bme": ""},
        returns["RJ1"].version,
    )  # fmt: skip

    assert response.status_code == 302
    assert reload(returns["RJ1"]).values == {"i5.white": 23.5, "i5.bme": 30}


# Bad input: a clear error, nothing stored, never a 500 ---------------------------------------

BAD_COUNTS = [
    ("abc", "enter a whole number, like 1,234"),
    ("-3", "enter 0 or more"),
    ("1.5", "without decimals"),
    ("12,34", "enter a whole number, like 1,234"),
    ("1e3", "enter a whole number, like 1,234"),
    ("\u0663", "enter a whole number, like 1,234"),
    ("1,000,001", "no more than 1,000,000"),
    ("99999999999999999999", "no more than 1,000,000"),
    ("1" * 21, "20 characters or fewer"),
    ("1" * 5000, "20 characters or fewer"),
    ("12\x00", "enter digits only"),
]


@pytest.mark.parametrize(("typed", "message"), BAD_COUNTS)
def test_section_bad_count_is_an_error_linked_to_its_box_and_nothing_is_stored(
    returns, people, client_for, typed, message
):
    before = reload(returns["RJ1"])

    response = post_section(
        client_for(people["submitter"]),
        "indicator-2",
        {**I2_VALUES, "i2-shortlisted-white": typed},
        before.version,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert 'href="#id_i2-shortlisted-white"' in page
    assert message in page
    assert "Shortlisted applicants: White" in page
    after = reload(returns["RJ1"])
    assert (after.values, after.version) == ({}, before.version)


def test_section_bad_percentage_is_an_error(returns, people, client_for):
    response = post_section(
        client_for(people["submitter"]), "indicators-5-8", {"i5-white": "101"}, 1
    )

    assert 'href="#id_i5-white"' in response.content.decode()
    assert reload(returns["RJ1"]).values == {}


def test_section_keeps_what_was_typed_when_another_box_is_wrong(returns, people, client_for):
    response = post_section(
        client_for(people["submitter"]),
        "indicator-2",
        {**I2_VALUES, "i2-appointed-white": "lots"},
        returns["RJ1"].version,
    )

    page = response.content.decode()
    assert 'value="1,200"' in page
    assert 'value="lots"' in page


def test_section_refuses_fields_it_does_not_have(returns, people, client_for):
    response = post_section(
        client_for(people["submitter"]),
        "indicator-2",
        {**I2_VALUES, "i3-workforce-white": "10", "is_admin": "1"},
        returns["RJ1"].version,
    )

    assert response.status_code == 200
    assert "fields it does not have" in response.content.decode()
    assert reload(returns["RJ1"]).values == {}


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", "1.5", "99999999999999999999", "1\x00"])
def test_section_forged_version_is_refused(returns, people, client_for, version):
    response = post_section(client_for(people["submitter"]), "indicator-2", I2_VALUES, version)

    assert response.status_code == 200
    assert "The page was out of date" in response.content.decode()
    assert reload(returns["RJ1"]).values == {}


def test_section_conflict_says_so_and_keeps_what_was_typed(returns, people, client_for):
    stale = returns["RJ1"].version
    i2_filled(returns["RJ1"], people["approver"], i2_shortlisted_white=999)
    client = client_for(people["submitter"])

    response = post_section(client, "indicator-2", I2_VALUES, stale)

    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this return" in page
    assert "Shortlisted applicants: White: now 999" in page
    assert 'value="1,200"' in page
    current = reload(returns["RJ1"])
    assert current.values["i2.shortlisted.white"] == 999
    assert f'name="expected_version" value="{current.version}"' in page
    # Saving again from the re-rendered page keeps the person's figures
    again = post_section(client, "indicator-2", I2_VALUES, current.version)
    assert again.status_code == 302
    assert reload(returns["RJ1"]).values["i2.shortlisted.white"] == 1200


# Explanations and details --------------------------------------------------------------------


def test_section_explanation_is_saved_under_the_warning_key(returns, people, client_for):
    return_ = i2_filled(returns["RJ1"], people["submitter"], i2_appointed_bme=5)
    client = client_for(people["submitter"])

    response = post_section(
        client,
        "indicator-2",
        {**I2_VALUES, "explain-W105-i2-shortlisted-white": "A small year for BME hires."},
        return_.version,
    )

    assert response.status_code == 302
    assert response["Location"] == BASE
    assert reload(return_).explanations == {
        "W105:i2.shortlisted.white": "A small year for BME hires."
    }
    assert "Completed" in client.get(BASE).content.decode()


@pytest.mark.parametrize(("text", "message"), [("x" * 5001, "5,000 characters or fewer"),
                                               ("bad\x00", "not allowed")])  # fmt: skip
def test_section_bad_explanation_is_an_error(returns, people, client_for, text, message):
    return_ = i2_filled(returns["RJ1"], people["submitter"], i2_appointed_bme=5)

    response = post_section(
        client_for(people["submitter"]),
        "indicator-2",
        {**I2_VALUES, "explain-W105-i2-shortlisted-white": text},
        return_.version,
    )

    assert message in response.content.decode()
    assert reload(return_).explanations == {}


def test_contact_details_are_kept_with_the_draft(returns, people, client_for):
    client = client_for(people["submitter"])
    data = {"contact_name": "Pat Lead", "contact_job_title": "Head of EDI",
            "contact_email": "pat.lead@rj1.nhs.uk", "contact_phone": "020 7946 0000"}  # fmt: skip

    response = post_section(client, "organisation", data, returns["RJ1"].version)

    assert response.status_code == 302
    saved = reload(returns["RJ1"])
    assert saved.details == {"contact_name": "Pat Lead", "contact_job_title": "Head of EDI",
                             "contact_email": "pat.lead@rj1.nhs.uk",
                             "contact_phone": "020 7946 0000"}  # fmt: skip
    assert saved.explanations == {}
    assert 'value="Pat Lead"' in client.get(f"{BASE}organisation/").content.decode()


@pytest.mark.parametrize(
    ("section", "field", "typed", "message"),
    [("organisation", "contact_email", "not-an-email", "enter an email address"),
     ("organisation", "contact_name", "x" * 201, "200 characters or fewer"),
     ("narrative", "other_factors", "x" * 5001, "5,000 characters or fewer"),
     ("narrative", "other_factors", "nul\x00", "not allowed"),
     ("publication", "report_url", "http://example.nhs.uk/report", "starting https://"),
     ("publication", "report_url", "javascript:alert(1)", "starting https://")],
)  # fmt: skip
def test_details_bad_input_is_an_error(returns, people, client_for, section, field, typed, message):
    response = post_section(
        client_for(people["submitter"]), section, {field: typed}, returns["RJ1"].version
    )

    page = response.content.decode()
    assert message in page
    assert f'href="#id_{field}"' in page
    saved = reload(returns["RJ1"])
    assert (saved.details, saved.version) == ({}, returns["RJ1"].version)


# Pre-fill, read-only returns, statuses, query count ------------------------------------------


def test_indicator_3_previous_year_is_prefilled_and_not_stored_unchanged(
    returns, people, client_for, synthetic_values, fill, sign_off
):
    from returns.services import return_accept, return_submit

    open_year(YEAR - 1)
    last = Return.objects.get(organisation__ods_code="RJ1", collection__year=YEAR - 1)
    last = fill(last, synthetic_values[YEAR - 1], people["submitter"])
    return_submit(return_=last, actor=people["approver"], expected_version=last.version,
                  **{**sign_off, "approver": people["approver"]})  # fmt: skip
    last = reload(last)
    return_accept(return_=last, actor=people["reviewer"], expected_version=last.version)
    client = client_for(people["submitter"])

    page = client.get(f"{BASE}indicator-3/").content.decode()
    last_year = synthetic_values[YEAR - 1]
    box = 'name="i3-workforce_prev-white" type="text" inputmode="numeric"'
    assert box in page
    assert f'value="{last_year["i3.workforce.white"]:,}"' in page
    assert "pre-filled from your accepted return" in page

    # Sent back unchanged, the pre-filled figures are not written into the draft
    data = {}
    for name in ("workforce", "disciplinary"):
        for eth in ("white", "bme", "unknown"):
            shown = f"{last_year[f'i3.{name}.{eth}']:,}"
            data[f"i3-{name}-{eth}"] = shown
            data[f"i3-{name}_prev-{eth}"] = shown
    response = post_section(client, "indicator-3", data, returns["RJ1"].version)

    assert response.status_code == 302
    stored = reload(returns["RJ1"]).values
    assert "i3.workforce.white" in stored
    assert not any("_prev" in code for code in stored)


def test_submitted_return_is_read_only_and_refuses_posts(
    returns, people, client_for, synthetic_values, fill, submit
):
    return_ = fill(returns["RJ1"], synthetic_values[YEAR], people["submitter"])
    submit(return_)
    return_ = reload(return_)
    assert return_.state == ReturnState.SUBMITTED
    client = client_for(people["approver"])

    page = client.get(f"{BASE}indicator-2/").content.decode()
    response = post_section(client, "indicator-2", I2_VALUES, return_.version)
    check = client.post(f"{BASE}check/", {"expected_version": str(return_.version)})

    assert '<input class="nhsuk-input' not in page
    assert "This return is submitted, so its figures cannot be changed" in page
    assert response.status_code == 409
    assert "This return is submitted" in response.content.decode()
    assert check.status_code == 409
    assert reload(return_).values == return_.values
    assert reload(return_).version == return_.version


def test_viewer_sees_values_without_boxes(returns, people, client_for):
    i2_filled(returns["RJ1"], people["submitter"])

    page = client_for(people["viewer"]).get(f"{BASE}indicator-2/").content.decode()

    assert '<input class="nhsuk-input' not in page
    assert "1,200" in page
    assert "only the organisation's submitters and approvers can" in page


def test_task_list_shows_each_sections_status(returns, people, client_for):
    from returns.presenters import SECTION_BY_SLUG, Status, return_picture

    return_ = i2_filled(returns["RJ1"], people["submitter"])  # complete, no warnings
    return_ = return_save_draft(
        return_=return_, actor=people["submitter"], expected_version=return_.version,
        values={"i4.workforce.white": 100, "i4.training.white": 200, "i9.voting.white": 3},
        details={"contact_name": "Pat"},
    )  # fmt: skip

    picture = return_picture(reload(return_))
    statuses = {slug: picture.status(section) for slug, section in SECTION_BY_SLUG.items()}
    page = client_for(people["submitter"]).get(BASE).content.decode()

    assert statuses == {
        "organisation": Status.IN_PROGRESS,
        "indicator-1": Status.NOT_STARTED,
        "indicator-2": Status.COMPLETED,
        "indicator-3": Status.NOT_STARTED,
        "indicator-4": Status.HAS_ERRORS,  # training > workforce (E005)
        "indicators-5-8": Status.NOT_STARTED,
        "indicator-9": Status.IN_PROGRESS,
        "narrative": Status.NOT_STARTED,
        "publication": Status.NOT_STARTED,
    }
    assert page.count("Not started") >= 5
    assert "Has errors" in page
    assert "In progress" in page


def test_task_list_query_count_is_bounded(
    returns, people, client_for, synthetic_values, fill, django_assert_max_num_queries
):
    fill(returns["RJ1"], synthetic_values[YEAR], people["submitter"])
    client = client_for(people["submitter"])
    client.get(BASE)  # warm the session

    with django_assert_max_num_queries(10):
        response = client.get(BASE)

    assert response.status_code == 200


def test_check_page_lists_errors_and_saves_explanations(returns, people, client_for):
    return_ = i2_filled(returns["RJ1"], people["submitter"], i2_appointed_bme=5)
    client = client_for(people["submitter"])

    page = client.get(f"{BASE}check/").content.decode()
    response = client.post(
        f"{BASE}check/",
        {"expected_version": str(return_.version),
         "explain-W105-i2-shortlisted-white": "Few BME appointments this year."},
    )  # fmt: skip

    assert "E001" not in page  # an empty answer is not an error until sign-off
    assert "You have not started this section" in page
    assert "Explain warning W105" in page
    assert response.status_code == 302
    assert reload(return_).explanations["W105:i2.shortlisted.white"].startswith("Few BME")


def test_return_list_shows_the_users_organisations_only(returns, people, client_for):
    page = client_for(people["approver"]).get("/returns/").content.decode()
    national = client_for(people["reviewer"]).get("/returns/").content.decode()

    assert "RJ1 NHS TRUST" in page and "RJ2 NHS TRUST" in page
    assert "RJ3 NHS TRUST" not in page
    assert f"/returns/RJ1/{YEAR}/" in page
    assert "review queue" in national


def test_summary_has_every_value_and_a_print_stylesheet(returns, people, client_for):
    i2_filled(returns["RJ1"], people["submitter"])

    page = client_for(people["viewer"]).get(f"{BASE}summary/").content.decode()

    assert 'media="print"' in page and "return-print.css" in page
    assert "1,200" in page
    assert "Relative likelihood of White compared with BME staff" in page
    assert "style=" not in page


def test_check_page_of_an_untouched_return_says_not_started_not_has_errors(
    returns, people, client_for
):
    client = client_for(people["submitter"])

    page = client.get(f"{BASE}check/").content.decode()
    task_list = client.get(BASE).content.decode()

    assert "Has errors" not in page and "Has errors" not in task_list
    assert "is empty" not in page and "E001" not in page
    assert page.count("You have not started this section") >= 8


def test_section_with_nothing_typed_is_not_started_even_with_the_submission_errors(returns):
    from returns.presenters import SECTIONS, Status, return_picture

    picture = return_picture(returns["RJ1"])

    assert picture.full.has_errors  # as on submission: every required item is empty
    assert all(picture.status(s) is Status.NOT_STARTED for s in SECTIONS if s.has_items)


def test_check_page_shows_each_answer_in_a_summary_list_with_a_change_link(
    returns, people, client_for
):
    i2_filled(returns["RJ1"], people["submitter"])

    page = client_for(people["submitter"]).get(f"{BASE}check/").content.decode()

    assert page.count('class="nhsuk-summary-list"') == 1  # the one section started
    assert f'href="{BASE}indicator-2/#id_i2-shortlisted-white"' in page
    assert "Shortlisted" in page and "White: 1,200" in page
    assert 'Change<span class="nhsuk-u-visually-hidden"> shortlisted' in page
    assert "Computed figures: Indicator 2" in page


def test_check_page_primary_button_saves_explanations_then_continues_to_sign_off(
    returns, people, client_for
):
    return_ = i2_filled(returns["RJ1"], people["submitter"], i2_appointed_bme=5)
    client = client_for(people["submitter"])

    response = client.post(
        f"{BASE}check/",
        {"expected_version": str(return_.version), "action": "continue",
         "explain-W105-i2-shortlisted-white": "Typed, then the primary button pressed."},
    )  # fmt: skip

    assert response.status_code == 302 and response["Location"] == f"{BASE}sign-off/"
    assert reload(return_).explanations["W105:i2.shortlisted.white"].startswith("Typed")


def test_check_page_says_nothing_was_saved_when_nothing_was_typed(returns, people, client_for):
    return_ = i2_filled(returns["RJ1"], people["submitter"], i2_appointed_bme=5)
    client = client_for(people["submitter"])

    response = client.post(
        f"{BASE}check/", {"expected_version": str(return_.version), "action": "save"}, follow=True
    )
    page = response.content.decode()

    assert "Your explanations are saved" not in page
    assert "nothing to save" in page
    assert reload(return_).version == return_.version


def test_check_page_counts_answers_still_to_give_in_a_started_section(returns, people, client_for):
    return_ = returns["RJ1"]
    return_save_draft(
        return_=return_, actor=people["submitter"], expected_version=return_.version,
        values={"i2.shortlisted.white": 100},
    )  # fmt: skip

    page = client_for(people["submitter"]).get(f"{BASE}check/").content.decode()

    assert "answers still to give in this section" in page
    assert "E001" not in page


@pytest.fixture
def a_notice(monkeypatch):
    """A notice provider as the review registers one: for RJ1's return only."""
    from returns import notices

    def provider(return_):
        if return_.organisation.ods_code != "RJ1":
            return []
        return [notices.ReturnNotice(
            "NHS England has 1 open query about this return",
            ("Indicator 2, due 12 February 2027",), "See the query", "/returns/RJ1/q/",
        )]  # fmt: skip

    monkeypatch.setattr(notices, "_providers", [provider])


def test_task_list_and_returns_list_put_notices_at_the_top(returns, people, client_for, a_notice):
    client = client_for(people["approver"])

    task_list = client.get(BASE).content.decode()
    listing = client.get("/returns/").content.decode()

    for page in (task_list, listing):
        assert "NHS England has 1 open query about this return" in page
        assert "Indicator 2, due 12 February 2027" in page
        assert 'href="/returns/RJ1/q/"' in page
    assert task_list.index("open query") < task_list.index("Prepare the return")
    assert listing.count("open query") == 1  # RJ2's return has none


def test_returns_list_leads_with_the_current_return_and_what_to_do_next(
    returns, people, client_for
):
    page = client_for(people["submitter"]).get("/returns/").content.decode()
    deadline = returns["RJ1"].collection.deadline

    assert f"Your {YEAR} return" in page
    assert f"Not started, due {deadline.day} {deadline:%B %Y}." in page
    assert f'href="/returns/RJ1/{YEAR}/" role="button"' in page and ">Start<" in page


def test_indicator_3_two_year_average_is_refused_saying_what_to_enter_instead(
    returns, people, client_for
):
    client = client_for(people["submitter"])

    form_page = client.get(f"{BASE}indicator-3/").content.decode()
    response = post_section(
        client, "indicator-3", {"i3-disciplinary-bme": "8.5"}, returns["RJ1"].version
    )

    assert "not a two-year average" in form_page  # the boxes' hint says so before typing
    page = response.content.decode()
    assert "own count, not a two-year average)" in page
    assert reload(returns["RJ1"]).values == {}
