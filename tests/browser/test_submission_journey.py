"""The whole submission in one browser journey (Chromium, axe on every page): an approver signs
in, fills indicator 2 by form (by keyboard), downloads the portal's template, fills in the rest of
the return with openpyxl, uploads and confirms it, explains the warnings on the check page, signs
off and submits. The version holds exactly what was sent.

In full mode (WRES_FULL=1) the upload is checked by a real Celery worker and the status page is
watched until it says the check has finished; in embedded mode tasks run in process.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from indicators import synthesise
from organisations.models import OrganisationType
from returns.demo import values_from_row
from returns.models import Return, ReturnState, ReturnVersion
from returns.services import collection_create, collection_open
from tests.conftest import FULL, TEST_PASSWORD
from tests.submissions.upload_helpers import cell_of, fill, workbook
from uploads.models import Upload

pytestmark = pytest.mark.browser
YEAR = 2026
BASE = f"/returns/RJ1/{YEAR}/"
#: Indicator 2 as the approver types it into the form: no warning of its own.
FORM_I2 = {
    "Shortlisted applicants: White": ("1,200", "i2.shortlisted.white", 1200),
    "Shortlisted applicants: BME": ("800", "i2.shortlisted.bme", 800),
    "Shortlisted applicants: Unknown": ("12", "i2.shortlisted.unknown", 12),
    "Appointed from shortlisting: White": ("150", "i2.appointed.white", 150),
    "Appointed from shortlisting: BME": ("60", "i2.appointed.bme", 60),
    "Appointed from shortlisting: Unknown": ("1", "i2.appointed.unknown", 1),
}


@pytest.fixture
def tasks(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Iterator[None]:
    """Full mode: a real Celery worker, reading the uploaded files from the shared store (the
    database, ADR 0024). Embedded mode: tasks run in process. MEDIA_ROOT stays empty either way."""
    request.getfixturevalue("celery_worker_process" if FULL else "eager_tasks")
    settings.MEDIA_ROOT = tmp_path
    yield
    for upload in Upload.objects.all():
        upload.file.delete(save=False)


@pytest.fixture
def rj1_draft(orgs: dict[str, Any]) -> Return:
    today = timezone.localdate()
    collection = collection_create(
        year=YEAR,
        opens_on=min(dt.date(YEAR, 4, 1), today),
        deadline=today + dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
        organisation_types=[OrganisationType.NHS_TRUST],
        actor="tests",
    )
    collection_open(collection=collection, actor="tests")
    return Return.objects.get(organisation=orgs["RJ1"], collection=collection)


def uploaded_values() -> dict[str, object]:
    """A complete synthetic return without indicator 2, with no BME voting board member (a
    warning, W106, beside the small-numbers warning, W105, that indicator 3's figures raise)."""
    row = synthesise(["SYN1"], range(YEAR, YEAR + 1), seed=7).to_dict("records")[0]
    values = {k: v for k, v in values_from_row(row).items() if not k.startswith("i2.")}
    values["i9.voting.bme"] = 0
    return values


def test_approver_fills_by_form_and_upload_explains_signs_off_and_submits(
    axe_page: Any, people: dict[str, Any], rj1_draft: Return, tasks: None, tmp_path: Path
) -> None:
    page = axe_page.page

    # Given the approver has signed in and opened the return from their list
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(people["approver"].email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_page.check_accessibility()
    axe_page.goto("/returns/")
    page.get_by_role("link", name=re.compile(f"WRES {YEAR}")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your WRES {YEAR} return")
    axe_page.check_accessibility()

    # When they fill in indicator 2 by keyboard alone: type, Tab to the next box, Enter to save
    page.get_by_role("link", name="Indicator 2: recruitment").click()
    axe_page.check_accessibility()
    page.get_by_label("Shortlisted applicants: White", exact=True).focus()
    for typed, _, _ in FORM_I2.values():
        page.keyboard.type(typed)
        page.keyboard.press("Tab")
    for label, (typed, _, _) in FORM_I2.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(typed)
    page.get_by_label("Appointed from shortlisting: Unknown", exact=True).press("Enter")
    expect(page.locator(".wres-messages")).to_contain_text("Indicator 2: recruitment: saved.")
    axe_page.check_accessibility()

    # And download the portal's template, which already holds the figures they typed
    page.get_by_role("link", name="upload it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload the template or a CSV file")
    axe_page.check_accessibility()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the WRES")).click()
    template = Path(download.value.path()).read_bytes()
    book = workbook(template)
    assert {code: cell_of(book, code).value for _, code, _ in FORM_I2.values()} == {
        code: value for _, code, value in FORM_I2.values()
    }

    # And fill in the rest of the return with a spreadsheet program, and upload it
    rest = uploaded_values()
    filled = tmp_path / "rj1-wres-2026.xlsx"
    filled.write_bytes(fill(template, rest))
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and check the file").click()
    results = page.get_by_role("heading", level=1, name="Results of checking your file")
    status = page.locator("#upload-status")
    expect(results.or_(status)).to_be_visible()
    if status.count():  # a worker is checking it: the status page says when it has finished
        axe_page.check_accessibility()
        expect(page.get_by_role("link", name="See the results")).to_be_visible(timeout=60_000)
        axe_page.check_accessibility()
        page.get_by_role("link", name="See the results").click()
    expect(results).to_be_visible()
    expect(page.get_by_text(f"{len(rest)} figure(s) filled in")).to_be_visible()
    axe_page.check_accessibility()

    # Then they review the changes and confirm them
    page.get_by_role("link", name="Review and apply the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Apply the uploaded figures to your return?"
    )
    axe_page.check_accessibility()
    page.get_by_role("button", name="Apply the changes").click()
    expect(page.locator(".wres-messages")).to_contain_text("The upload has been applied")
    axe_page.check_accessibility()

    # When they check their answers, the warnings ask for explanations, which they give
    page.get_by_role("link", name="Check answers and explain warnings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    axe_page.check_accessibility()
    explanations = {
        "W105": "Few disciplinary cases: a small year for this trust.",
        "W106": "Our BME non-voting member joins the voting board in May.",
    }
    for code, text in explanations.items():
        page.get_by_label(f"Explain warning {code}").fill(text)
    page.get_by_role("button", name="Save explanations").click()
    expect(page.locator(".wres-messages")).to_contain_text("Your explanations are saved.")
    axe_page.check_accessibility()

    # And sign off and submit
    page.get_by_role("button", name="Continue to sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign off")
    axe_page.check_accessibility()
    approved = timezone.localdate() - dt.timedelta(days=2)
    page.get_by_label("Your job title").fill("Chief People Officer")
    page.get_by_label("Day").fill(str(approved.day))
    page.get_by_label("Month").fill(str(approved.month))
    page.get_by_label("Year").fill(str(approved.year))
    page.get_by_label("Web address of the published WRES report").fill("https://rj1.nhs.uk/r")
    page.get_by_label("Web address of the published action plan").fill("https://rj1.nhs.uk/p")
    page.get_by_label("I have read the whole return on this page", exact=False).check()
    page.get_by_role("button", name="Sign off and submit").click()

    # Then the confirmation page says it is submitted, and the version holds exactly what was sent
    expect(page.locator(".nhsuk-panel")).to_contain_text("Return submitted")
    axe_page.check_accessibility()
    return_ = Return.objects.get(pk=rj1_draft.pk)
    assert return_.state == ReturnState.SUBMITTED
    version = ReturnVersion.objects.get(wres_return=return_)
    assert version.values == {**{code: value for _, code, value in FORM_I2.values()}, **rest}
    assert sorted(issue["code"] for issue in version.issues) == ["W105", "W106"]
    assert sorted(version.explanations.values()) == sorted(explanations.values())
    assert version.approver == people["approver"]
