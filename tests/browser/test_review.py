"""Browser journey of the national review (Chromium, axe on every page): the reviewer filters the
queue and raises a query on indicator 3; the organisation answers, amends and resubmits; the
reviewer sees what changed and accepts."""

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
from tests.conftest import TEST_PASSWORD, complete_mfa
from tests.submissions.conftest import fill_and_explain, open_collection

pytestmark = pytest.mark.browser
YEAR = 2026


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
    page.get_by_role("link", name="RJ1 NHS TRUST").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review the WRES {YEAR} return")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Send the query").click()  # nothing typed: errors
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write your question")
    axe_page.check_accessibility()
    page.get_by_label("What is the query about?").select_option("3")
    page.get_by_label("Your question").fill("Disciplinary cases for White staff look low.")
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
    page.get_by_role("button", name="Accept the return").click()
    expect(page.locator(".wres-messages")).to_contain_text("Return accepted")
    axe_page.check_accessibility()
    axe_page.goto("/returns/review/completeness/")

    return_ = Return.objects.get(pk=submitted["RJ1"].pk)
    assert return_.state == ReturnState.ACCEPTED
    assert return_.accepted_version.number == 2
    assert return_.accepted_version.values["i3.disciplinary.white"] == 13
    assert not ReturnQuery.objects.filter(status="open").exists()
