"""Browser journeys (Chromium, axe on every page): the public downloads page, a national analyst
creating and revoking an API token, and a national admin republishing a collection."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from extracts.models import ApiToken, Publication
from tests.conftest import TEST_PASSWORD, complete_mfa
from tests.extracts.conftest import _media, history, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


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


def test_anyone_finds_the_published_years_and_the_api_on_the_downloads_page(
    axe_page: Any,
    published: list[Any],  # noqa: F811
) -> None:
    page = axe_page.page

    axe_page.goto("/data/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Download WRES data")
    table = page.get_by_role("table", name="Extracts by year")
    expect(table.get_by_role("rowheader")).to_have_text(["All years", "2017", "2016", "2015"])
    expect(page.get_by_role("link", name="OpenAPI description")).to_have_attribute(
        "href", "/api/openapi.json"
    )
    expect(page.get_by_text("unsuppressed")).to_have_count(0)


def test_analyst_creates_an_api_token_sees_it_once_and_revokes_it(
    axe_page: Any,
    people: dict[str, Any],
    published: list[Any],  # noqa: F811
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["analyst"].email, national=True)

    # Given the analyst is on the downloads page, they follow the link to their API tokens
    axe_page.goto("/data/")
    page.get_by_role("main").get_by_role("link", name="API token", exact=True).click()
    axe_page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()

    # When they create one without a name, the error summary says what to do
    page.get_by_role("button", name="Create token").click()
    axe_page.check_accessibility()
    expect(page.get_by_role("link", name="Enter a name for the token")).to_be_visible()

    # When they name it, the key is shown once
    page.get_by_label("Name of the new token").fill("R scripts")
    page.get_by_role("button", name="Create token").click()
    axe_page.check_accessibility()
    key = page.locator("#new-token-key").inner_text()
    assert re.fullmatch(r"wres_[A-Za-z0-9_-]{40,}", key)
    expect(page.get_by_role("table", name="Your API tokens")).to_contain_text("R scripts")

    # And it is not shown again
    axe_page.goto("/data/tokens/")
    expect(page.get_by_text(key)).to_have_count(0)

    # When they revoke it, the page says so and the token is kept as revoked
    page.get_by_role("button", name="Revoke R scripts").click()
    axe_page.check_accessibility()
    expect(page.get_by_text("The token “R scripts” was revoked.")).to_be_visible()
    expect(page.get_by_role("table", name="Your API tokens")).to_contain_text("Revoked")
    assert ApiToken.objects.get().revoked_at is not None


def test_admin_republishes_a_collection_and_sees_its_status(
    axe_page: Any,
    people: dict[str, Any],
    published: list[Any],  # noqa: F811
    eager_tasks: None,
) -> None:
    page = axe_page.page
    sign_in(axe_page, people["admin"].email, national=True)

    # Given the admin is on the downloads page, they follow the link to publish collections
    axe_page.goto("/data/")
    page.get_by_role("link", name="Publish collections").click()
    axe_page.check_accessibility()
    table = page.get_by_role("table", name="Collections and their publication")
    expect(table.get_by_role("row", name=re.compile("WRES 2018"))).to_contain_text(
        "Nothing accepted yet"
    )

    # When they republish 2017, it becomes version 2 and the release is rebuilt (here eagerly,
    # inside the request: the tables, the aggregates and every dashboard chart, which on a
    # loaded two-core machine takes longer than a click's default wait)
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Republish WRES 2017").click(no_wait_after=True)
    axe_page.check_accessibility()
    expect(page.get_by_text("WRES 2017 version 2 is published")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("WRES 2017"))).to_contain_text(
        "Published: version 2"
    )
    assert Publication.objects.get(collection__year=2017, number=2).release_file
