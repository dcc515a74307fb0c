"""Browser tests (Chromium, axe on every page) of the hand-over from filling in to signing off:
typed explanations are never lost, by leaving the page or by its primary button; indicator 1's
row totals follow the typing; the approver signs with the whole return on the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from returns.models import Return
from returns.services import return_save_draft
from tests.browser.test_return_forms import BASE, draft_without_indicator_2, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def with_a_warning(draft_without_indicator_2: Return, people: dict[str, Any]) -> Return:  # noqa: F811
    """RJ1's draft, complete, with indicator 2 giving warning W105 (not explained yet)."""
    return return_save_draft(
        return_=draft_without_indicator_2,
        actor=people["submitter"],
        expected_version=draft_without_indicator_2.version,
        values={"i2.shortlisted.white": 1200, "i2.shortlisted.bme": 400,
                "i2.shortlisted.unknown": 12, "i2.appointed.white": 240,
                "i2.appointed.bme": 5, "i2.appointed.unknown": 1},
    )  # fmt: skip


def test_typed_explanation_survives_leaving_and_the_primary_button_saves_it(
    axe_page: Any, people: dict[str, Any], with_a_warning: Return
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["submitter"].email)
    axe_page.goto(f"{BASE}check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".nhsuk-summary-list").first).to_be_visible()

    # When they type an explanation and then follow a link away, the browser asks first
    box = page.get_by_label("Explain warning W105 (indicator 2)")
    box.fill("Only five BME appointments: a small year.")
    dialogs: list[str] = []

    def stay(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Back to the task list").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")

    # And when they press the page's primary button, the explanation is saved on the way
    page.get_by_role("button", name="Save and continue to sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off and submit")
    expect(page.locator(".wres-messages")).to_contain_text("Your explanations are saved.")
    axe_page.check_accessibility()
    saved = Return.objects.get(pk=with_a_warning.pk).explanations
    assert saved["W105:i2.shortlisted.white"].startswith("Only five BME appointments")


def test_approver_signs_off_with_the_whole_return_and_a_declaration_on_the_page(
    axe_page: Any,
    people: dict[str, Any],
    draft_without_indicator_2: Return,  # noqa: F811
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["approver"].email)
    axe_page.goto(f"{BASE}sign-off/")

    expect(page.get_by_role("heading", name="The return you are signing off")).to_be_visible()
    figures = page.get_by_role("table", name=re.compile("Computed figures: Indicator 3"))
    expect(figures).to_be_visible()
    expect(page.get_by_text("Explanation: Explained in the test set-up.").first).to_be_visible()
    # Indicator 2 is still empty, so the page lists what is missing before anything is signed
    expect(page.locator(".wres-message--error")).to_contain_text(
        "Indicator 2: recruitment: give the 6 answers still missing."
    )


def test_indicator_1_row_total_follows_the_typing(
    axe_page: Any,
    people: dict[str, Any],
    draft_without_indicator_2: Return,  # noqa: F811
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["submitter"].email)
    axe_page.goto(f"{BASE}indicator-1/")
    first_row = page.locator("table[data-wres-live-totals] tbody tr").first
    boxes = first_row.locator("input.nhsuk-input")
    for index, typed in enumerate(("1,000", "250", "5")):
        boxes.nth(index).fill(typed)

    expect(first_row.locator("[data-wres-row-total]")).to_have_text("1,255")
    boxes.nth(1).fill("2.5")
    expect(first_row.locator("[data-wres-row-total]")).to_have_text("")
    axe_page.check_accessibility()
