"""Browser checks (Chromium, axe on every page) of the API documentation, the 403 page as
different people meet it, and the audit trail's plain-English actions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from audit.services import audit_record
from tests.browser.test_extracts import sign_in
from tests.extracts.conftest import _media, history, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_anyone_reads_the_api_documentation_from_the_data_page_by_keyboard(
    axe_page: Any,
    published: list[Any],  # noqa: F811
) -> None:
    page = axe_page.page

    # Given someone on the downloads page, they follow the link to the API documentation
    axe_page.goto("/data/")
    page.get_by_role("link", name="API documentation").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/api/")
    axe_page.check_accessibility()

    # Then each operation is listed, and the contents link jumps to its section
    expect(page.get_by_role("heading", level=1)).to_have_text("WRES open data API")
    operations = page.get_by_role("navigation", name="Operations").get_by_role("link")
    expect(operations).to_have_count(5)
    page.get_by_role("link", name="One organisation", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#extracts-api-organisation$"))
    axe_page.check_accessibility()
    section = page.locator("section", has=page.locator("#extracts-api-organisation"))
    expect(section.get_by_role("table", name="Parameters of one organisation")).to_contain_text(
        "ods_code"
    )
    expect(section.locator("pre").first).to_contain_text("/api/organisations/RJ1")
    # And the example blocks can be scrolled from the keyboard
    section.locator("pre").first.focus()
    expect(section.locator("pre").first).to_be_focused()


def test_a_submitter_on_a_national_page_is_sent_to_their_returns(
    axe_page: Any, people: dict[str, Any]
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["submitter"].email)

    axe_page.goto("/audit/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This page is for NHS England's WRES team"
    )
    expect(
        page.get_by_role("main").get_by_role("link", name="Go to your returns")
    ).to_have_attribute("href", "/returns/")


def test_a_viewer_refused_a_members_page_is_told_what_their_role_allows(
    axe_page: Any, people: dict[str, Any]
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["viewer"].email)

    axe_page.goto("/organisations/RJ1/members/")

    expect(page.get_by_role("main")).to_contain_text(
        "You are a viewer for RJ1 NHS TRUST. Viewers can see the return but not change it."
    )


def test_admin_reads_the_audit_trail_in_plain_english(
    axe_page: Any, people: dict[str, Any], orgs: dict[str, Any]
) -> None:
    audit_record(action="return.submitted", actor=people["approver"], organisation=orgs["RJ1"])
    page = axe_page.page
    sign_in(axe_page, people["admin"].email, national=True)

    axe_page.goto("/audit/")

    events = page.get_by_role("table")
    expect(events).to_contain_text("Return signed off and submitted")
    expect(events).not_to_contain_text("return.submitted")
    page.get_by_label("Action").select_option(label="Return signed off and submitted")
    page.get_by_role("button", name="Apply").click()
    axe_page.check_accessibility()
    expect(page.get_by_role("heading", name="1 events")).to_be_visible()
