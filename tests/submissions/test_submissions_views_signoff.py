"""Sign-off and submission by form: the approver submits, a submitter asks the approvers, every
refusal shows in the error summary, and emails go out only after commit."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from returns.models import Return, ReturnState, ReturnVersion
from tests.submissions.test_submissions_views_forms import BASE, YEAR, open_year, reload

TODAY = timezone.localdate()


@pytest.fixture
def returns(people: dict[str, Any], orgs: dict[str, Any]) -> dict[str, Return]:
    open_year()
    return {
        code: Return.objects.get(organisation=org, collection__year=YEAR)
        for code, org in orgs.items()
    }


@pytest.fixture
def ready(returns, people, synthetic_values, fill) -> Return:
    """RJ1's draft, complete, every warning explained."""
    return fill(returns["RJ1"], synthetic_values[YEAR], people["submitter"])


def sign_off_data(return_: Return, **overrides: str) -> dict[str, str]:
    approved = TODAY - dt.timedelta(days=3)
    data = {
        "expected_version": str(return_.version),
        "job_title": "Chief People Officer",
        "board_day": str(approved.day),
        "board_month": str(approved.month),
        "board_year": str(approved.year),
        "report_url": "https://rj1.nhs.uk/wres-report",
        "action_plan_url": "https://rj1.nhs.uk/wres-action-plan",
        "declaration": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_submit_creates_a_version_and_emails_the_organisation_after_commit(
    ready, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(people["approver"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"{BASE}submit/", sign_off_data(ready))

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}confirmation/"
    version = ReturnVersion.objects.get(wres_return=ready)
    assert version.number == 1
    assert version.approver == people["approver"]
    assert version.approver_job_title == "Chief People Officer"
    assert version.report_url == "https://rj1.nhs.uk/wres-report"
    assert reload(ready).state == ReturnState.SUBMITTED
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert sorted(email.to) == ["approver@rj1.test", "submitter@rj1.test", "viewer@rj1.test"]
    assert "WRES 2026 return submitted for RJ1 NHS TRUST" in email.subject
    assert "Chief People Officer" in email.body
    assert "&amp;" not in email.body and "&#" not in email.body
    assert f"http://testserver{BASE}summary/" in email.body
    confirmation = client.get(f"{BASE}confirmation/").content.decode()
    assert "nhsuk-panel" in confirmation
    assert "Return submitted" in confirmation


def test_no_email_is_sent_when_submission_is_refused(
    returns, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(people["approver"]).post(
            f"{BASE}submit/", sign_off_data(returns["RJ1"])
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Correct the" in page and "error(s) in the figures" in page
    assert callbacks == [] and mailoutbox == []
    assert not ReturnVersion.objects.exists()
    assert reload(returns["RJ1"]).state == ReturnState.DRAFT


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"job_title": ""}, "job_title", "Enter your job title"),
        ({"job_title": "x" * 201}, "job_title", "200 characters or fewer"),
        ({"job_title": "Chief\x00"}, "job_title", "not allowed"),
        ({"board_day": "31", "board_month": "2"}, "board_day", "enter a real date"),
        ({"board_day": "", "board_month": "", "board_year": ""}, "board_day",
         "Enter the date the board"),
        ({"board_day": "x"}, "board_day", "enter a real day"),
        ({"board_year": str(TODAY.year + 1)}, "board_day", "cannot be in the future"),
        ({"report_url": "http://rj1.nhs.uk/report"}, "report_url", "starting https://"),
        ({"report_url": ""}, "report_url", "Enter the web address of the published WRES"),
        ({"action_plan_url": "ftp://rj1.nhs.uk/plan"}, "action_plan_url", "starting https://"),
        ({"action_plan_url": "https://" + "a" * 500 + ".uk"}, "action_plan_url",
         "500 characters or fewer"),
    ],
)  # fmt: skip
def test_sign_off_bad_input_is_an_error_and_nothing_is_submitted(
    ready, people, client_for, overrides, field, message
):
    response = client_for(people["approver"]).post(
        f"{BASE}submit/", sign_off_data(ready, **overrides)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in page
    assert message in page
    assert not ReturnVersion.objects.exists()


def test_sign_off_refuses_unknown_fields(ready, people, client_for):
    response = client_for(people["approver"]).post(
        f"{BASE}submit/", {**sign_off_data(ready), "approver": str(people["viewer"].pk)}
    )

    assert "fields it does not have" in response.content.decode()
    assert not ReturnVersion.objects.exists()


def test_late_submission_needs_a_reason(people, orgs, client_for, synthetic_values, fill):
    open_year(deadline=TODAY - dt.timedelta(days=1))
    return_ = fill(
        Return.objects.get(organisation=orgs["RJ1"], collection__year=YEAR),
        synthetic_values[YEAR],
        people["submitter"],
    )
    client = client_for(people["approver"])

    form = client.get(f"{BASE}sign-off/").content.decode()
    refused = client.post(f"{BASE}submit/", sign_off_data(return_))
    accepted = client.post(
        f"{BASE}submit/", sign_off_data(return_, late_reason="Board met late this year.")
    )

    assert "Why is the return late?" in form
    assert 'href="#id_late_reason"' in refused.content.decode()
    assert accepted.status_code == 302
    version = ReturnVersion.objects.get(wres_return=return_)
    assert version.is_late and version.late_reason == "Board met late this year."


def test_submit_with_a_stale_version_is_a_conflict(ready, people, client_for):
    response = client_for(people["approver"]).post(
        f"{BASE}submit/", sign_off_data(ready, expected_version=str(ready.version - 1))
    )

    assert response.status_code == 409
    assert "Someone else changed this return" in response.content.decode()
    assert not ReturnVersion.objects.exists()


def test_submitting_twice_is_refused_with_a_clear_message(ready, people, client_for):
    client = client_for(people["approver"])
    client.post(f"{BASE}submit/", sign_off_data(ready))
    submitted = reload(ready)

    response = client.post(f"{BASE}submit/", sign_off_data(submitted))

    assert response.status_code == 409
    assert "This return is submitted" in response.content.decode()
    assert ReturnVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("submitter", 403), ("viewer", 403), ("reviewer", 403),
     ("nobody", 404)],
)  # fmt: skip
def test_only_approvers_can_submit(ready, people, client_for, role, expected):
    response = client_for(people.get(role)).post(f"{BASE}submit/", sign_off_data(ready))

    assert response.status_code == expected
    assert not ReturnVersion.objects.exists()


def test_another_organisations_approver_cannot_submit(returns, people, client_for):
    response = client_for(people["approver"]).post(
        f"/returns/RJ3/{YEAR}/submit/", sign_off_data(returns["RJ3"])
    )

    assert response.status_code == 404


def test_submit_accepts_post_only(ready, people, client_for):
    assert client_for(people["approver"]).get(f"{BASE}submit/").status_code == 405


def test_sign_off_page_shows_each_role_what_it_may_do(ready, people, client_for):
    approver = client_for(people["approver"]).get(f"{BASE}sign-off/").content.decode()
    submitter = client_for(people["submitter"]).get(f"{BASE}sign-off/").content.decode()
    viewer = client_for(people["viewer"]).get(f"{BASE}sign-off/").content.decode()

    assert "Sign off and submit</button>" in approver
    assert 'value="https://' not in approver  # no links saved in the draft yet
    assert "Ask your approver" in submitter and "Sign off and submit</button>" not in submitter
    assert "Email the approvers" not in viewer and "Sign off and submit</button>" not in viewer


def test_sign_off_form_is_prefilled_with_the_saved_publication_links(returns, people, client_for):
    client = client_for(people["submitter"])
    client.post(
        f"{BASE}publication/",
        {"expected_version": "1", "report_url": "https://rj1.nhs.uk/r",
         "action_plan_url": "https://rj1.nhs.uk/p"},
    )  # fmt: skip

    page = client_for(people["approver"]).get(f"{BASE}sign-off/").content.decode()

    assert 'value="https://rj1.nhs.uk/r"' in page
    assert 'value="https://rj1.nhs.uk/p"' in page


def test_submitter_asks_the_approvers_by_email_after_commit(
    ready, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(people["submitter"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}sign-off/ask/", {"expected_version": str(ready.version)})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["approver@rj1.test"]
    assert "ready for your sign-off" in mailoutbox[0].subject
    assert f"http://testserver{BASE}sign-off/" in mailoutbox[0].body
    assert "emailed 1 approver" in client.get(f"{BASE}sign-off/").content.decode()


@pytest.mark.parametrize(
    ("role", "expected"), [("viewer", 403), ("reviewer", 403), ("nobody", 404)]
)
def test_asking_the_approvers_needs_the_edit_role(
    ready, people, client_for, mailoutbox, role, expected
):
    response = client_for(people[role]).post(
        f"{BASE}sign-off/ask/", {"expected_version": str(ready.version)}
    )

    assert response.status_code == expected
    assert mailoutbox == []


@pytest.mark.parametrize(
    "data", [{}, {"expected_version": "x"}, {"expected_version": "1", "to": "a@b"}]
)
def test_asking_the_approvers_with_a_forged_form_sends_nothing(
    ready, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks, data
):
    client = client_for(people["submitter"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}sign-off/ask/", data)

    assert response.status_code == 302
    assert mailoutbox == []


def test_confirmation_of_an_unsubmitted_return_goes_to_the_task_list(returns, people, client_for):
    response = client_for(people["approver"]).get(f"{BASE}confirmation/")

    assert response.status_code == 302
    assert response["Location"] == BASE


def test_submitted_version_keeps_the_returns_details(ready, people, client_for):
    details = {"contact_name": "Jo Bloggs", "data_completeness": "All staff records complete."}
    Return.objects.filter(pk=ready.pk).update(details=details)
    ready = reload(ready)

    client_for(people["approver"]).post(f"{BASE}submit/", sign_off_data(ready))

    version = ReturnVersion.objects.get(wres_return=ready)
    assert version.details == details
    assert set(version.explanations) == set(ready.explanations)  # warnings' explanations only


def test_sign_off_page_shows_the_approver_the_whole_return_before_the_button(
    ready, people, client_for
):
    from returns.services import return_save_draft

    return_save_draft(
        return_=ready, actor=people["submitter"], expected_version=ready.version,
        values={"i2.shortlisted.white": 1200, "i2.shortlisted.bme": 400,
                "i2.appointed.white": 240, "i2.appointed.bme": 5},
        explanations={"W105:i2.shortlisted.white": "Only five BME appointments this year."},
    )  # fmt: skip
    explained = {key: text for key, text in reload(ready).explanations.items() if text}

    page = client_for(people["approver"]).get(f"{BASE}sign-off/").content.decode()
    button = page.index("Sign off and submit</button>")

    assert "The return you are signing off" in page
    for title in ("Indicator 1", "Indicator 2", "Indicator 9"):
        assert page.index(f"Computed figures: {title}") < button
    assert page.count('class="nhsuk-summary-list"') >= 9
    assert "Relative likelihood" in page and "Against the 0.80 to 1.25 range" in page
    assert explained, "the fixture explains its warnings"
    for text in list(explained.values())[:3]:
        assert f"Explanation: {text}" in page
    assert page.index("I have read the whole return on this page") < button


def test_sign_off_without_the_declaration_is_refused_and_nothing_is_submitted(
    ready, people, client_for
):
    response = client_for(people["approver"]).post(
        f"{BASE}submit/", sign_off_data(ready, declaration=None)
    )

    assert response.status_code == 200
    assert "Confirm that you have read the whole return" in response.content.decode()
    assert not ReturnVersion.objects.filter(wres_return=ready).exists()
    assert reload(ready).state == ReturnState.DRAFT


def test_sign_off_page_shows_what_changed_since_the_last_version(ready, people, client_for):
    from returns.services import return_query, return_save_draft

    approver = client_for(people["approver"])
    approver.post(f"{BASE}submit/", sign_off_data(ready))
    submitted = reload(ready)
    reopened = return_query(
        return_=submitted, actor=people["reviewer"], expected_version=submitted.version,
        message="Indicator 2 looks wrong.", indicator=2,
    )  # fmt: skip
    return_save_draft(
        return_=reopened, actor=people["submitter"], expected_version=reopened.version,
        values={"i2.shortlisted.white": 4321},
    )  # fmt: skip

    page = approver.get(f"{BASE}sign-off/").content.decode()

    assert "What changed since version 1" in page
    assert "4,321" in page and "Shortlisted" in page


def test_resubmitting_approver_is_not_asked_to_retype_job_title_and_board_date(
    ready, people, client_for
):
    from returns.services import return_query

    approver = client_for(people["approver"])
    approver.post(f"{BASE}submit/", sign_off_data(ready, job_title="Director of People"))
    submitted = reload(ready)
    return_query(
        return_=submitted, actor=people["reviewer"], expected_version=submitted.version,
        message="Please check indicator 2.", indicator=2,
    )  # fmt: skip
    approved = TODAY - dt.timedelta(days=3)

    page = approver.get(f"{BASE}sign-off/").content.decode()

    assert 'value="Director of People"' in page
    assert f'id="id_board_day" name="board_day" type="text" value="{approved.day}"' in page
    assert f'id="id_board_year" name="board_year" type="text" value="{approved.year}"' in page


def test_sign_off_lists_the_answers_still_missing_by_section(returns, people, client_for):
    page = client_for(people["approver"]).get(f"{BASE}sign-off/").content.decode()

    assert "The return is not ready to submit yet" in page
    assert "Indicator 2: recruitment: give the 6 answers still missing." in page
