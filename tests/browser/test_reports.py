"""Browser tests (Chromium, axe on every page): the national report and its contents links."""

import pytest
from playwright.sync_api import expect

from tests.extracts import conftest as extracts_fixtures

# The extracts tests' small published history (six trusts, 2015-2017), reused as is.
history = extracts_fixtures.history
published = extracts_fixtures.published
pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_reports():
    from reports.content import report_cache_clear

    report_cache_clear()
    yield
    report_cache_clear()


def test_national_report_passes_axe_and_its_contents_work_by_keyboard(axe_page, published):
    # Given the national report for the latest published year
    axe_page.goto("/reports/national/2017/")
    page = axe_page.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("national report, 2017")
    expect(
        page.get_by_role("img", name="Workforce BME share: national trend, 2015 to 2017")
    ).to_be_visible()

    # When a keyboard user tabs from the PDF link into the contents and presses Enter
    page.get_by_role("link", name="Download this report (PDF)").focus()
    page.keyboard.press("Tab")
    summary = page.get_by_role("link", name="Summary: headline facts")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")

    # Then the page moves to that part
    expect(page).to_have_url(f"{axe_page.base_url}/reports/national/2017/#summary")
    expect(page.get_by_role("heading", name="Summary: headline facts")).to_be_in_viewport()
    axe_page.check_accessibility()

    # And so for a part further down
    support = page.get_by_role("link", name="Where support is needed")
    support.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{axe_page.base_url}/reports/national/2017/#support")
    expect(page.get_by_role("heading", level=2, name="Where support is needed")).to_be_in_viewport()
    axe_page.check_accessibility()


def test_national_report_for_a_year_not_published_passes_axe(axe_page, published):
    axe_page.goto("/reports/national/2030/")
    page = axe_page.page
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "There is no national report for 2030"
    )
    page.get_by_role("link", name="National report 2017").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2017")
    axe_page.check_accessibility()
