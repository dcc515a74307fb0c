"""Browser journeys of the national review (Chromium, axe on every page):

- the reviewer filters the queue and raises a query on indicator 3 that needs a change; the
  organisation answers, amends and resubmits; the reviewer sees what changed and accepts;
- the reviewer raises a query that needs only a reply; the organisation sees it at the top of its
  task list and replies; the reviewer resolves it and accepts the version that was submitted,
  confirming on the confirmation page by keyboard alone (issue 14);
- the reviewer reopens an accepted return with a reason, which the organisation sees on its
  returns list and at the top of its task list (issue 14).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from returns.models import Return, ReturnState
from returns.services import return_submit
from review.models import ReturnQuery
from review.services import review_accept
from tests.conftest import TEST_PASSWORD, complete_mfa
from tests.submissions.conftest import fill_and_explain, open_collection

pytestmark = pytest.mark.browser
YEAR = 2026
REVIEW_RJ1 = f"/returns/review/RJ1/{YEAR}/"
TASK_LIST_RJ1 = f"/returns/RJ1/{YEAR}/"


@pytest.fixture
def submitted(people: dict[str, Any], orgs: dict[str, Any]) -> dict[str, Return]:
    """This year's collection: RJ1 and RJ2 submitted (RJ1 with a warning explained), RJ3 not."""
    from indicators import synthesise
    from returns.demo import values_from_row

    collection = open_collection(YEAR)
    row = synthesise(["SYN1"], range(YEAR, YEAR + 1), seed=7).to_dict("records")[0]
    returns = {}
    for code in ("RJ1", "RJ2"):
        values = {**values_from_row(row), "i2.appointed.bme": 5}
        draft = Return.objects.get(organisation=orgs[code], collection=collection)
        filled = fill_and_explain(draft, values, people["approver"])
        return_submit(
            return_=filled, actor=people["approver"], expected_version=filled.version,
            approver=people["approver"], approver_job_title="Chief People Officer",
            board_approved_on=timezone.localdate() - dt.timedelta(days=3),
            report_url="https://rj.nhs.uk/r", action_plan_url="https://rj.nhs.uk/p",
        )  # fmt: skip
        returns[code] = filled
    return returns


def sign_in(axe_page: Any, email: str, *, national: bool = False) -> None:
    page = axe_page.page
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if national:
        axe_page.check_accessibility()
        complete_mfa(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_page.check_accessibility()


def sign_out(axe_page: Any) -> None:
    axe_page.page.get_by_role("button", name="Sign out").click()
    axe_page.check_accessibility()


def test_reviewer_queries_indicator_3_the_organisation_resubmits_the_reviewer_accepts(
    axe_page, people, submitted
):
    page = axe_page.page
    due = timezone.localdate() + dt.timedelta(days=10)

    # Given the reviewer has signed in and filtered the queue to submitted returns
    sign_in(axe_page, people["reviewer"].email, national=True)
    axe_page.goto("/returns/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review queue: WRES {YEAR}")
    page.get_by_label("State").select_option("submitted")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#results-heading")).to_have_text("2 returns")
    axe_page.check_accessibility()

    # When they open RJ1's return and raise a query on indicator 3
    page.locator(f'a[href="{REVIEW_RJ1}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review the WRES {YEAR} return")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Send the query").click()  # nothing typed: errors
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write your question")
    axe_page.check_accessibility()
    page.get_by_label("What is the query about?").select_option("3")
    page.get_by_label("Your question").fill("Disciplinary cases for White staff look low.")
    page.get_by_role("radio", name=re.compile(r"^Yes: it must change the return")).check()
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Send the query").click()
    expect(page.locator(".wres-messages")).to_contain_text("Query sent")
    expect(page.locator("#queries")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Query about indicator 3"))).to_be_visible()
    axe_page.check_accessibility()
    sign_out(axe_page)

    # Then the organisation's approver answers, amends indicator 3 and resubmits
    sign_in(axe_page, people["approver"].email)
    axe_page.goto(f"/returns/RJ1/{YEAR}/queries/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Queries from NHS England")
    page.get_by_label("Your reply").fill("One case was missed: corrected to 13.")
    page.get_by_role("button", name="Send answer about indicator 3").click()
    expect(page.locator(".wres-messages")).to_contain_text("Your answer is sent")
    axe_page.check_accessibility()
    axe_page.goto(f"/returns/RJ1/{YEAR}/indicator-3/")
    page.get_by_label("Entered a formal disciplinary investigation: White", exact=True).fill("13")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your WRES {YEAR} return")
    axe_page.check_accessibility()
    axe_page.goto(f"/returns/RJ1/{YEAR}/sign-off/")
    approved = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Your job title").fill("Chief People Officer")
    page.get_by_label("Day").fill(str(approved.day))
    page.get_by_label("Month").fill(str(approved.month))
    page.get_by_label("Year").fill(str(approved.year))
    page.get_by_label("Web address of the published WRES report").fill("https://rj1.nhs.uk/r")
    page.get_by_label("Web address of the published action plan").fill("https://rj1.nhs.uk/p")
    page.get_by_label("I have read the whole return on this page", exact=False).check()
    page.get_by_role("button", name="Sign off and submit").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("Return submitted")
    axe_page.check_accessibility()
    sign_out(axe_page)

    # And the reviewer sees the answer and what changed, and accepts
    sign_in(axe_page, people["reviewer"].email, national=True)
    axe_page.goto("/returns/review/?unanswered=on")
    axe_page.goto(f"/returns/review/RJ1/{YEAR}/")
    expect(page.get_by_role("heading", name="What changed since version 1")).to_be_visible()
    expect(page.locator("#changes + table")).to_contain_text("13")
    expect(page.locator("#queries ~ ol").first).to_contain_text("corrected to 13")
    page.get_by_role("button", name="Accept the return").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to accept version 2 of this return?"
    )
    axe_page.check_accessibility()
    page.get_by_role("button", name="Yes, accept the return").click()
    expect(page.locator(".wres-messages")).to_contain_text("Return accepted")
    axe_page.check_accessibility()
    axe_page.goto("/returns/review/completeness/")

    return_ = Return.objects.get(pk=submitted["RJ1"].pk)
    assert return_.state == ReturnState.ACCEPTED
    assert return_.accepted_version.number == 2
    assert return_.accepted_version.values["i3.disciplinary.white"] == 13
    assert not ReturnQuery.objects.filter(status="open").exists()


def _in_words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_reviewer_resolves_a_query_answered_from_the_task_list_and_accepts_by_keyboard(
    axe_page, people, submitted
):
    page = axe_page.page
    due = timezone.localdate() + dt.timedelta(days=10)

    # Given the reviewer has raised a query on indicator 3 that needs only a reply
    sign_in(axe_page, people["reviewer"].email, national=True)
    axe_page.goto(REVIEW_RJ1)
    page.get_by_label("What is the query about?").select_option("3")
    page.get_by_label("Your question").fill("Is the fall in disciplinary cases real?")
    page.get_by_role("radio", name=re.compile(r"^No: a reply to the query is enough")).check()
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Send the query").click()
    expect(page.locator(".wres-messages")).to_contain_text("Query sent")
    expect(page.locator("#accept-blocked")).to_contain_text("1 query about this return is")
    axe_page.check_accessibility()
    sign_out(axe_page)

    # When the submitter opens the task list, the query is at the top; they reply to it
    sign_in(axe_page, people["submitter"].email)
    axe_page.goto(TASK_LIST_RJ1)
    notice = page.locator(".wres-notice").first
    expect(notice).to_contain_text("NHS England has 1 open query about this return")
    expect(notice).to_contain_text(f"Indicator 3: due {_in_words(due)}. Reply to this query.")
    notice.get_by_role("link", name="Read and answer the queries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queries from NHS England")
    expect(page.get_by_text("It does not ask you to change the return")).to_be_visible()
    axe_page.check_accessibility()
    page.get_by_label("Your reply").fill("Yes: a new policy of early resolution.")
    page.get_by_role("button", name="Send answer about indicator 3").click()
    expect(page.locator(".wres-messages")).to_contain_text("Your answer is sent")
    axe_page.check_accessibility()
    sign_out(axe_page)

    # Then the reviewer finds the answer first in the queue, resolves the query and accepts
    sign_in(axe_page, people["reviewer"].email, national=True)
    axe_page.goto("/returns/review/")
    rows = page.locator('table[aria-labelledby="results-heading"] tbody tr')
    expect(rows.nth(0)).to_contain_text("RJ2")  # submitted, awaiting review
    expect(rows.nth(1)).to_contain_text("RJ1")
    expect(rows.nth(1)).to_contain_text("Answer to read")
    page.locator(f'a[href="{REVIEW_RJ1}"]').click()
    expect(page.locator("#queries ~ ol").first).to_contain_text("early resolution")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Mark query about indicator 3 resolved").click()
    expect(page.locator(".wres-messages")).to_contain_text("The query is resolved")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Accept the return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to accept version 1 of this return?"
    )
    axe_page.check_accessibility()
    confirm = page.get_by_role("button", name="Yes, accept the return")
    for _ in range(60):  # by keyboard alone: Tab to the button, then Enter
        page.keyboard.press("Tab")
        if confirm.evaluate("button => button === document.activeElement"):
            break
    else:
        raise AssertionError("the confirmation button is not reachable by Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".wres-messages")).to_contain_text("Return accepted")
    axe_page.check_accessibility()

    return_ = Return.objects.get(pk=submitted["RJ1"].pk)
    assert return_.state == ReturnState.ACCEPTED
    assert return_.accepted_version.number == 1
    assert not ReturnQuery.objects.filter(status="open").exists()


def test_reviewer_reopens_with_a_reason_the_organisation_sees_first(axe_page, people, submitted):
    page = axe_page.page
    rj1 = Return.objects.get(pk=submitted["RJ1"].pk)
    review_accept(return_=rj1, actor=people["reviewer"], expected_version=rj1.version)
    reason = "Indicator 2 counts the bank staff twice: please recount them."

    # Given the reviewer opens the accepted return and reopens it, first without a reason
    sign_in(axe_page, people["reviewer"].email, national=True)
    axe_page.goto(REVIEW_RJ1)
    page.get_by_role("button", name="Reopen the return").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give the reason for reopening")
    axe_page.check_accessibility()
    page.get_by_label("Why are you reopening this return?").fill(reason)
    page.get_by_role("button", name="Reopen the return").click()
    expect(page.locator(".wres-messages")).to_contain_text("Return reopened")
    axe_page.check_accessibility()
    sign_out(axe_page)

    # Then the organisation sees when and why, on its returns list and its task list
    sign_in(axe_page, people["approver"].email)
    for path in ("/returns/", TASK_LIST_RJ1):
        axe_page.goto(path)
        notice = page.locator(".wres-notice").filter(has_text="NHS England reopened").first
        expect(notice).to_contain_text(
            f"NHS England reopened this return on {_in_words(timezone.localdate())}"
        )
        expect(notice).to_contain_text(f"Reason: {reason}")
        expect(notice).to_contain_text("sign it off and submit it again")
