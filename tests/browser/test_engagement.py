"""Browser journey of engagement (Chromium, axe on every page): a reviewer records an engagement
from "where to engage" with the organisation's figures attached and adds an action; the
organisation's submitter finds it from the organisation's page and marks the action done; the
"Did it help?" page renders its chart and tables."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from dashboards import views as dashboard_views
from dashboards.snapshot import Snapshot
from engagement import selectors
from engagement.models import Action, Engagement
from tests.browser.test_review import sign_in, sign_out
from tests.engagement.test_engagement_impact import EFFECT, _world

pytestmark = pytest.mark.browser
FIGURES = [{"year": 2015 + i, "rl": 1.6 + i / 10, "low": 1.3, "high": 2.0} for i in range(4)]


@pytest.fixture
def where_to_engage(monkeypatch: Any, orgs: dict[str, Any]) -> None:
    """A release whose "where to engage" lists RJ1 as significantly adverse on indicator 2, and
    synthetic figures (with a planted effect) behind "Did it help?"."""
    empty = {"persistent": [], "worsening": [], "improving": []}
    entry = {"organisation": "RJ1", "name": "RJ1 NHS TRUST", "region": "London",
             "sector": "Acute", "figures": FIGURES}  # fmt: skip
    engage = {"years": [2015, 2016, 2017, 2018], "2": {**empty, "persistent": [entry]},
              "3": empty, "4": empty}  # fmt: skip
    snapshot = Snapshot({"years": [2015, 2016, 2017, 2018], "engage": engage}, Path("."), 1)
    monkeypatch.setattr(dashboard_views, "_snapshot_or_none", lambda: snapshot)
    monkeypatch.setattr(selectors, "dashboard_open", lambda: snapshot)
    world = _world(EFFECT, 1)
    monkeypatch.setattr(selectors, "impact_inputs", lambda: world)


def test_reviewer_records_an_engagement_the_organisation_marks_its_action_done(
    axe_page, people, where_to_engage
):
    page = axe_page.page
    held = dt.date.today() - dt.timedelta(days=7)
    due = dt.date.today() + dt.timedelta(days=90)

    # Given the reviewer is on "where to engage"
    sign_in(axe_page, people["reviewer"].email, national=True)
    axe_page.goto("/dashboard/engage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where to engage")

    # When they record an engagement with RJ1 from there, its figures are shown and kept
    page.get_by_role("link", name="Record an engagement with RJ1 NHS TRUST").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an engagement")
    expect(page.get_by_label("Organisation", exact=True)).to_have_value("RJ1")
    expect(page.get_by_role("table").first).to_contain_text("1.60")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Save the engagement").click()  # no date or kind: errors
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the date")
    axe_page.check_accessibility()
    page.get_by_role("textbox", name="Day").fill(str(held.day))
    page.get_by_role("textbox", name="Month").fill(str(held.month))
    page.get_by_role("textbox", name="Year").fill(str(held.year))
    page.get_by_role("radio", name="Board session").check()
    page.get_by_label("People present (roles, not names)").fill("Chair, chief executive")
    page.get_by_role("button", name="Save the engagement").click()
    expect(page.locator(".wres-messages")).to_contain_text("Engagement recorded")
    axe_page.check_accessibility()
    engagement = Engagement.objects.get()
    assert engagement.figures["lists"][0]["figures"] == FIGURES
    assert engagement.indicators == [2] and engagement.origin == "targeted"

    # And they add an action
    page.get_by_role("link", name="Add an action").click()
    axe_page.check_accessibility()
    page.get_by_label("What is to be done").fill("Diverse shortlisting panels for band 8a+")
    page.get_by_label("Owner (a role, not a name)").fill("Chief people officer")
    page.get_by_role("textbox", name="Day").fill(str(due.day))
    page.get_by_role("textbox", name="Month").fill(str(due.month))
    page.get_by_role("textbox", name="Year").fill(str(due.year))
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator(".wres-messages")).to_contain_text("Action added")
    expect(page.locator(".nhsuk-card")).to_contain_text("Diverse shortlisting panels")
    axe_page.check_accessibility()

    # Then "Did it help?" shows its chart and tables
    axe_page.goto("/engagements/impact/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Did it help?")
    expect(
        page.get_by_role("img", name="Difference between engaged and comparable organisations")
    ).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("t-1 to t+1")
    sign_out(axe_page)

    # When RJ1's submitter opens their organisation's engagements and marks the action done
    sign_in(axe_page, people["submitter"].email)
    axe_page.goto("/organisations/RJ1/")
    page.get_by_role("link", name=re.compile("Engagement with the WRES team")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagement and ideas")
    axe_page.check_accessibility()
    page.get_by_role("link", name=re.compile("Board session")).click()
    expect(page.locator(".nhsuk-card")).to_contain_text("Diverse shortlisting panels")
    axe_page.check_accessibility()
    page.get_by_label(re.compile("^Status")).select_option("done")
    page.get_by_role("button", name=re.compile("Update status")).click()

    # Then it is done, for everyone
    expect(page.locator(".wres-messages")).to_contain_text("Action marked done")
    expect(page.locator(".nhsuk-card .nhsuk-tag")).to_have_text("Done")
    axe_page.check_accessibility()
    assert Action.objects.get().status == "done"
