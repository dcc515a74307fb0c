"""Browser journeys (Chromium, axe on every page): download the template, fill it in, upload it,
see the results and confirm the changes; and the status page updating itself when checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from returns.models import Return
from tests.conftest import TEST_PASSWORD
from tests.submissions.conftest import open_collection
from tests.submissions.upload_helpers import csv_bytes, fill
from uploads.models import Upload
from uploads.services import upload_process

pytestmark = pytest.mark.browser
YEAR = 2026


@pytest.fixture
def rj1_return(orgs: dict[str, Any], settings: Any, tmp_path: Path) -> Return:
    settings.MEDIA_ROOT = tmp_path
    collection = open_collection(YEAR)
    return Return.objects.get(organisation=orgs["RJ1"], collection=collection)


def _sign_in(axe_page: Any, email: str) -> None:
    page = axe_page.page
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    axe_page.check_accessibility()


def test_submitter_uploads_the_template_and_confirms_the_changes(
    axe_page: Any, people: dict[str, Any], rj1_return: Return, tmp_path: Path, eager_tasks: None
) -> None:
    page = axe_page.page
    _sign_in(axe_page, people["submitter"].email)

    # Given the submitter is on the upload page, they download the template made for them
    axe_page.goto(f"/returns/RJ1/{YEAR}/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload the template or a CSV file")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the WRES")).click()
    template = Path(download.value.path()).read_bytes()

    # When they fill in indicator 2 and upload it
    filled = tmp_path / "our-wres-return.xlsx"
    filled.write_bytes(
        fill(template, {"i2.shortlisted.white": 1200, "i2.shortlisted.bme": 800,
                        "i2.appointed.white": 150, "i2.appointed.bme": 60})
    )  # fmt: skip
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and check the file").click()

    # Then they see the results (checked at once: tasks run eagerly here) and what would change
    expect(page.get_by_role("heading", level=1)).to_have_text("Results of checking your file")
    expect(page.get_by_text("4 figure(s) filled in")).to_be_visible()
    axe_page.check_accessibility()
    assert Return.objects.get(pk=rj1_return.pk).values == {}

    # And when they review and apply the changes, the draft holds them
    page.get_by_role("link", name="Review and apply the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Apply the uploaded figures to your return?"
    )
    expect(page.get_by_role("table")).to_contain_text("Shortlisted applicants: White")
    axe_page.check_accessibility()
    page.get_by_role("button", name="Apply the changes").click()
    expect(page.locator(".wres-messages")).to_contain_text("The upload has been applied")
    axe_page.check_accessibility()
    assert Return.objects.get(pk=rj1_return.pk).values == {
        "i2.shortlisted.white": 1200,
        "i2.shortlisted.bme": 800,
        "i2.appointed.white": 150,
        "i2.appointed.bme": 60,
    }


def test_status_page_announces_the_result_when_the_check_finishes(
    axe_page: Any, people: dict[str, Any], rj1_return: Return
) -> None:
    page = axe_page.page
    _sign_in(axe_page, people["submitter"].email)
    # Given an upload still waiting for a worker
    upload = Upload(
        organisation=rj1_return.organisation,
        wres_return=rj1_return,
        uploaded_by=people["submitter"],
        original_filename="export.csv",
        size=10,
        sha256="0" * 64,
    )
    upload.file.save("RJ1/waiting.csv", ContentFile(csv_bytes([("i2.appointed.white", 3)])))

    # When the submitter watches its status page
    axe_page.goto(f"/returns/RJ1/{YEAR}/upload/{upload.pk}/")
    status = page.get_by_role("status")
    expect(status).to_contain_text("being checked")

    # Then, once the worker has checked it, the page says so by itself and links to the results
    upload_process(upload_id=upload.pk)
    expect(status).to_contain_text("no errors", timeout=10_000)
    axe_page.check_accessibility()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results of checking your file")
    axe_page.check_accessibility()
