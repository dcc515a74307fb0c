"""Browser journey (Chromium, axe on every page): a submitter fills indicator 2 by form, sees the
relative likelihood, explains its warning and asks the approver; the approver signs off and
submits."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from returns.models import Return, ReturnState, ReturnVersion
from returns.selectors import return_compute, warning_key
from returns.services import collection_create, collection_open, return_save_draft
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser
YEAR = 2026
BASE = f"/returns/RJ1/{YEAR}/"


@pytest.fixture
def draft_without_indicator_2(people, orgs):
    """RJ1's open draft with every section but indicator 2 filled and explained."""
    from indicators import synthesise
    from returns.demo import values_from_row

    today = timezone.localdate()
    collection = collection_create(
        year=YEAR,
        opens_on=min(dt.date(YEAR, 4, 1), today),
        deadline=today + dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
        organisation_types=["nhs_trust"],
        actor="tests",
    )
    collection_open(collection=collection, actor="tests")
    return_ = Return.objects.get(organisation=orgs["RJ1"], collection=collection)
    row = synthesise(["SYN1"], range(YEAR, YEAR + 1), seed=7).to_dict("records")[0]
    values = {k: v for k, v in values_from_row(row).items() if not k.startswith("i2.")}
    return_ = return_save_draft(
        return_=return_, actor=people["submitter"], expected_version=1, values=values
    )
    warnings = [i for i in return_compute(return_=return_, draft=True).issues
                if i.severity == "warning"]  # fmt: skip
    return return_save_draft(
        return_=return_,
        actor=people["submitter"],
        expected_version=return_.version,
        explanations={warning_key(i): "Explained in the test set-up." for i in warnings},
    )


def sign_in(axe_page, email):
    page = axe_page.page
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_page.check_accessibility()


def test_submitter_fills_indicator_2_and_the_approver_submits(
    axe_page, people, draft_without_indicator_2
):
    page = axe_page.page

    # Given the submitter has signed in and opened the return from their list
    sign_in(axe_page, people["submitter"].email)
    axe_page.goto("/returns/")
    page.get_by_role("link", name=re.compile(f"WRES {YEAR}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your WRES {YEAR} return")
    axe_page.check_accessibility()

    # When they open indicator 2 and make a typing mistake, the error links to the box
    page.get_by_role("link", name="Indicator 2: recruitment").click()
    axe_page.check_accessibility()
    boxes = {
        "Shortlisted applicants: White": "1,200",
        "Shortlisted applicants: BME": "400",
        "Shortlisted applicants: Unknown": "12",
        "Appointed from shortlisting: White": "240",
        "Appointed from shortlisting: BME": "5 people",
        "Appointed from shortlisting: Unknown": "1",
    }
    for label, typed in boxes.items():
        page.get_by_label(label, exact=True).fill(typed)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Appointed from shortlisting: BME: enter a whole number")
    axe_page.check_accessibility()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Appointed from shortlisting: BME", exact=True)).to_be_focused()

    # And when they correct it, the computed relative likelihood and its warning appear
    page.get_by_label("Appointed from shortlisting: BME", exact=True).fill("5")
    page.get_by_role("button", name="Save and continue").click()
    figures = page.locator("#figures")
    expect(figures).to_contain_text("Relative likelihood of White compared with BME staff")
    expect(figures).to_contain_text("16.00")
    expect(figures).to_contain_text("Outside")
    axe_page.check_accessibility()

    # Then they explain the warning, and the section is completed
    page.get_by_label("Explain warning W105").fill("Only five BME appointments: a small year.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your WRES {YEAR} return")
    expect(page.locator("#sections-3-status")).to_have_text("Completed")
    axe_page.check_accessibility()

    # They check their answers and ask the approver to sign off
    page.get_by_role("link", name="Check answers and explain warnings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Continue to sign-off").click()
    expect(page.get_by_role("heading", name="Ask your approver")).to_be_visible()
    axe_page.check_accessibility()
    page.get_by_role("button", name="Email the approvers").click()
    expect(page.locator(".wres-messages")).to_contain_text("emailed 1 approver")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Sign out").click()
    axe_page.check_accessibility()

    # When the approver signs in, signs off and submits
    sign_in(axe_page, people["approver"].email)
    axe_page.goto(f"{BASE}sign-off/")
    approved = timezone.localdate() - dt.timedelta(days=2)
    page.get_by_label("Your job title").fill("Chief People Officer")
    page.get_by_label("Day").fill(str(approved.day))
    page.get_by_label("Month").fill(str(approved.month))
    page.get_by_label("Year").fill(str(approved.year))
    page.get_by_label("Web address of the published WRES report").fill("http://rj1.nhs.uk/r")
    page.get_by_label("Web address of the published action plan").fill("https://rj1.nhs.uk/p")
    page.get_by_label("I have read the whole return on this page", exact=False).check()
    page.get_by_role("button", name="Sign off and submit").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("starting https://")
    axe_page.check_accessibility()
    page.get_by_label("Web address of the published WRES report").fill("https://rj1.nhs.uk/r")
    page.get_by_role("button", name="Sign off and submit").click()

    # Then the return is submitted, confirmed, and its printable summary is there
    expect(page.locator(".nhsuk-panel")).to_contain_text("Return submitted")
    axe_page.check_accessibility()
    page.get_by_role("link", name="See the printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"WRES {YEAR} return: summary")
    axe_page.check_accessibility()
    return_ = Return.objects.get(pk=draft_without_indicator_2.pk)
    assert return_.state == ReturnState.SUBMITTED
    version = ReturnVersion.objects.get(wres_return=return_)
    assert version.values["i2.appointed.bme"] == 5
    assert version.explanations["W105:i2.shortlisted.white"].startswith("Only five")


def test_read_only_pages_pass_axe(axe_page, people, draft_without_indicator_2):
    sign_in(axe_page, people["viewer"].email)

    for path in ("", "indicator-1/", "indicator-3/", "narrative/", "check/", "sign-off/",
                 "summary/"):  # fmt: skip
        axe_page.goto(BASE + path)
        expect(axe_page.page.get_by_role("heading", level=1)).to_be_visible()
