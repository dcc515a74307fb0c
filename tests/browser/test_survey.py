"""Browser journey of the Staff Survey load (Chromium, axe on every page): a national admin loads
a file with mistakes and sees each located, loads the corrected file by keyboard and sees the
year's counts; the organisation then sees its survey figures tagged on indicators 5 to 8."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from survey.models import SurveyResult
from tests.browser.test_review import sign_in, sign_out
from tests.submissions.conftest import open_collection

pytestmark = pytest.mark.browser
YEAR = 2026
HEADER = "ods_code,year,indicator,white_pct,bme_pct\n"


def csv_file(name: str, *lines: str) -> dict[str, Any]:
    body = HEADER + "".join(line + "\n" for line in lines)
    return {"name": name, "mimeType": "text/csv", "buffer": body.encode()}


def test_admin_loads_survey_results_and_the_organisation_sees_them_tagged(axe_page, people, orgs):
    page = axe_page.page
    open_collection(YEAR)

    # Given the national admin is on the Staff Survey page
    sign_in(axe_page, people["admin"].email, national=True)
    axe_page.goto("/returns/survey/")
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Staff Survey results")

    # When they load a file with two mistakes
    page.get_by_label("Staff Survey results file (CSV)").set_input_files(
        csv_file(
            "survey.csv", f"RJ1,{YEAR},5,27.4,30.1", f"RJ1,{YEAR},9,10,20", f"RJX,{YEAR},6,1,2"
        )
    )
    page.get_by_role("button", name="Check and load the file").click()

    # Then each is listed with its line, and nothing is loaded
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_page.check_accessibility()
    problems = page.locator("#problem-table tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("Line 3, column indicator")
    expect(problems.nth(1)).to_contain_text("Line 4, column ods_code")
    assert not SurveyResult.objects.exists()

    # When they choose the corrected file and send it with the keyboard
    field = page.get_by_label("Staff Survey results file (CSV)")
    field.set_input_files(
        csv_file("survey-fixed.csv", f"RJ1,{YEAR},5,27.4,30.1", f"RJ1,{YEAR},6,20,25.5")
    )
    field.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check and load the file")).to_be_focused()
    page.keyboard.press("Enter")

    # Then the year's counts are shown
    expect(page.get_by_text("Loaded 2 rows for 1 organisation (")).to_be_visible()
    axe_page.check_accessibility()
    year_row = page.locator("#loaded-years tbody tr").first
    expect(year_row).to_contain_text(str(YEAR))
    expect(year_row).to_contain_text("survey-fixed.csv")
    sign_out(axe_page)

    # And the organisation's submitter sees the figures pre-filled and tagged
    sign_in(axe_page, people["submitter"].email)
    axe_page.goto(f"/returns/RJ1/{YEAR}/indicators-5-8/")
    expect(
        page.get_by_label(
            "Harassment, bullying or abuse from patients, relatives or the public: White staff (%)"
        )
    ).to_have_value("27.4")
    expect(page.locator(".wres-source-tag", has_text="NHS Staff Survey")).to_have_count(4)
