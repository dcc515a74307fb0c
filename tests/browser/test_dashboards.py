"""Browser tests (Chromium, axe on every page): the national dashboard, a measure and a profile."""

import pytest
from playwright.sync_api import expect

from tests.extracts import conftest as extracts_fixtures

# The extracts tests' small published history (six trusts, 2015-2017), reused as is.
history = extracts_fixtures.history
published = extracts_fixtures.published
pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_dashboard_measure_and_csv_without_javascript_charts(axe_page, published):
    # Given the public national dashboard
    axe_page.goto("/dashboard/")
    page = axe_page.page
    expect(page.get_by_role("heading", level=1)).to_have_text("National dashboard")
    expect(page.get_by_role("heading", name="Headline figures, 2017")).to_be_visible()

    # Then each chart is an image named by its title, with a data table
    chart = page.get_by_role("img", name="BME shares since 2015")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table").nth(1)).to_contain_text("2017")

    # When the user opens a measure, its trend, spread and breakdowns are there
    page.get_by_role(
        "link", name="Relative likelihood of BME staff entering a formal"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("disciplinary")
    expect(page.get_by_role("img", name="Disciplinary (RL3) by region, 2017")).to_be_visible()
    axe_page.check_accessibility()


def test_profile_of_an_organisation(axe_page, published):
    axe_page.goto("/organisations/RJ1/")
    page = axe_page.page
    expect(page.get_by_role("heading", name="WRES profile")).to_be_visible()
    expect(page.get_by_role("table", name="Indicator 9: Board")).to_contain_text("2017")
    expect(page.get_by_role("heading", name="Position among peers, 2017")).to_be_visible()
