"""Browser tests (Chromium, axe on every page): start page, search and open an organisation."""

import re

import pytest
from playwright.sync_api import expect

from organisations.services import organisation_seed_demo

pytestmark = pytest.mark.browser


def test_start_page_introduces_the_service(axe_page, register):
    # Given the public start page
    axe_page.goto("/")

    # Then it says what the service is, and the NHS.UK layout is in place
    page = axe_page.page
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Workforce Race Equality Standard (WRES)"
    )
    expect(page.get_by_role("banner")).to_contain_text("Workforce Race Equality Standard")
    expect(
        page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement")
    ).to_be_visible()

    # When a keyboard user presses Tab, the skip link comes first and jumps to the content
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#maincontent$"))
    axe_page.check_accessibility()


def test_search_organisations_and_open_one(axe_page, register):
    organisation_seed_demo()
    axe_page.goto("/")
    page = axe_page.page

    # When the user follows the link to the register and searches by name
    page.get_by_role("link", name="Find an organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    axe_page.check_accessibility()
    page.get_by_label("Name or ODS code").fill("guy\u2019s and saint thomas")
    page.get_by_role("button", name="Apply").click()

    # Then only the matching trust is listed
    expect(page.locator("#results-heading")).to_have_text("1 organisation")
    axe_page.check_accessibility()

    # And opening it shows its register entry and its ICB
    page.get_by_role("link", name="Guy's and St Thomas' NHS Foundation Trust").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Guy's and St Thomas' NHS Foundation Trust"
    )
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("RJ1")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("South East London")
    axe_page.check_accessibility()


def test_filters_work_by_keyboard_and_bad_filters_are_explained(axe_page, register):
    axe_page.goto("/organisations/?region=Y99")
    page = axe_page.page

    # The error summary names the problem and links to the field
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Choose a region from the list")
    expect(page).to_have_title(re.compile(r"^Error: "))

    # Choosing a region and a sector by keyboard alone filters the list
    page.get_by_label("NHS England region").focus()
    page.get_by_label("NHS England region").select_option("Y63")
    page.get_by_label("Sector").select_option("ambulance")
    page.get_by_role("button", name="Apply").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_have_text("2 organisations")
    expect(
        page.get_by_role("link", name="North East Ambulance Service NHS Foundation Trust")
    ).to_be_visible()
    expect(page.get_by_role("link", name="London Ambulance Service NHS Trust")).to_have_count(0)
    axe_page.check_accessibility()


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/organisations/NOPE1/"])
def test_other_public_pages_pass_axe(axe_page, path):
    axe_page.goto(path)


def test_pages_work_under_the_real_content_security_policy(browser, live_server):
    """Without bypassing CSP: no violation, and nhsuk-frontend's JS initialises from its module."""
    context = browser.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    try:
        page.goto(live_server.url + "/organisations/")
        expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
        expect(page.locator("body")).to_have_class(re.compile(r"\bnhsuk-frontend-supported\b"))
        expect(page.locator("header[data-nhsuk-header-init]")).to_have_count(1)
    finally:
        context.close()
    assert not [m for m in messages if "Content Security Policy" in m], messages
