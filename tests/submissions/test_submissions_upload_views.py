"""The upload pages: every URL by role (viewer 403, another organisation 404), the journey from
template download to applied figures, the polling endpoint, the problem report and conflicts."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from returns.models import Return
from returns.services import return_save_draft
from tests.submissions.conftest import open_collection
from tests.submissions.upload_helpers import csv_bytes, fill
from uploads.models import Upload, UploadStatus
from uploads.services import upload_process, upload_receive

YEAR = 2026


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def returns(orgs: dict[str, Any]) -> dict[str, Return]:
    open_collection(YEAR)
    return {r.organisation.ods_code: r for r in Return.objects.select_related("organisation")}


def url(name: str, ods: str = "RJ1", *extra: Any) -> str:
    return reverse(f"returns:{name}", args=(ods, YEAR, *extra))


def checked_upload(return_: Return, actor: Any, data: bytes, name: str = "a.csv") -> Upload:
    upload = upload_receive(return_=return_, actor=actor, filename=name, data=data)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


PER_UPLOAD = ["upload_status", "upload_status_json", "upload_results", "upload_report",
              "upload_apply"]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "expected"),
    [("submitter", 200), ("approver", 200), ("viewer", 403), ("reviewer", 403),
     ("nobody", 404), (None, 302)],
)  # fmt: skip
def test_every_upload_page_by_role(
    people: dict[str, Any],
    returns: dict[str, Return],
    client_for: Any,
    role: str | None,
    expected: int,
) -> None:
    upload = checked_upload(
        returns["RJ1"], people["submitter"], csv_bytes([("i2.shortlisted.white", 3)])
    )
    client = client_for(people[role] if role else None)
    pages = [url("upload_template"), url("upload")]
    pages += [url(name, "RJ1", upload.pk) for name in PER_UPLOAD]
    for page in pages:
        status = client.get(page).status_code
        wanted = expected
        if expected == 200 and page.endswith("/" + str(upload.pk) + "/"):
            wanted = 302  # the status page of a checked upload goes on to the results
        assert status == wanted, (role, page, status)
    for action in ("upload_discard", "upload_recheck"):
        status = client.post(url(action, "RJ1", upload.pk)).status_code
        assert status == (302 if expected == 200 else expected), (role, action)


def test_another_organisations_uploads_are_404(
    people: dict[str, Any], returns: dict[str, Return], client_for: Any
) -> None:
    other = checked_upload(returns["RJ3"], "tests", csv_bytes([("i2.shortlisted.white", 3)]))
    client = client_for(people["submitter"])
    assert client.get(url("upload", "RJ3")).status_code == 404
    assert client.get(url("upload_template", "RJ3")).status_code == 404
    for name in PER_UPLOAD:
        assert client.get(url(name, "RJ3", other.pk)).status_code == 404
        assert client.get(url(name, "RJ1", other.pk)).status_code == 404  # id of another return
    assert client.post(url("upload_apply", "RJ1", other.pk)).status_code == 404
    assert Upload.objects.get(pk=other.pk).status == UploadStatus.READY


def test_template_download_is_prefilled_with_the_draft(
    people: dict[str, Any], returns: dict[str, Return], client_for: Any
) -> None:
    draft = returns["RJ1"]
    return_save_draft(
        return_=draft, actor=people["submitter"], expected_version=1, values={"i2.appointed.bme": 7}
    )
    response = client_for(people["submitter"]).get(url("upload_template"))
    assert response["Content-Disposition"] == f'attachment; filename="wres-{YEAR}-RJ1.xlsx"'
    from tests.submissions.upload_helpers import cell_of, workbook

    assert cell_of(workbook(response.content), "i2.appointed.bme").value == 7


def test_upload_journey_from_form_to_applied_figures(
    people: dict[str, Any],
    returns: dict[str, Return],
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    eager_tasks: None,
) -> None:
    client = client_for(people["submitter"])
    template = client.get(url("upload_template")).content
    page = client.get(url("upload"))
    assert page.status_code == 200 and b'type="file"' in page.content
    data = fill(template, {"i2.shortlisted.white": 120, "i2.appointed.white": 30})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("upload"), {"file": _file(data, "filled.xlsx")}, format="multipart"
        )
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "upload_status", "RJ1", upload.pk
    )
    status = client.get(url("upload_status_json", "RJ1", upload.pk)).json()
    assert status["done"] is True and status["status"] == "ready"
    assert status["results_url"] == url("upload_results", "RJ1", upload.pk)
    results = client.get(url("upload_results", "RJ1", upload.pk))
    assert b"2 figure(s) filled in" in results.content
    confirm = client.get(url("upload_apply", "RJ1", upload.pk))
    assert b"Shortlisted applicants: White" in confirm.content
    assert Return.objects.get(pk=returns["RJ1"].pk).values == {}  # not before confirming
    applied = client.post(url("upload_apply", "RJ1", upload.pk))
    assert applied.status_code == 302 and applied["Location"] == url("task_list")
    assert Return.objects.get(pk=returns["RJ1"].pk).values == {
        "i2.shortlisted.white": 120,
        "i2.appointed.white": 30,
    }


def _file(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_status_page_polls_and_works_without_javascript(
    people: dict[str, Any], returns: dict[str, Return], client_for: Any
) -> None:
    upload = upload_receive(
        return_=returns["RJ1"],
        actor=people["submitter"],
        filename="a.csv",
        data=csv_bytes([("i2.shortlisted.white", 1)]),
    )  # not yet processed: on_commit never fires inside the test transaction
    page = client_for(people["submitter"]).get(url("upload_status", "RJ1", upload.pk))
    html = page.content.decode()
    assert 'aria-live="polite"' in html and 'role="status"' in html
    assert "js/upload-status.mjs" in html and "http-equiv" not in html
    assert f'href="{url("upload_status", "RJ1", upload.pk)}">Check again' in html
    assert "<script>" not in html.split("<body", 1)[1].replace('<script type="module"', "")


def test_results_list_every_problem_located_and_the_csv_report(
    people: dict[str, Any], returns: dict[str, Return], client_for: Any
) -> None:
    data = csv_bytes([("i2.shortlisted.white", 5), ("i2.appointed.white", 9), ("i2.nope", 1)])
    upload = checked_upload(returns["RJ1"], people["submitter"], data)
    assert upload.status == UploadStatus.REJECTED
    client = client_for(people["submitter"])
    html = client.get(url("upload_results", "RJ1", upload.pk)).content.decode()
    assert "Errors (2)" in html and "line 2" in html and "line 4" in html
    assert "Review and apply" not in html
    report = client.get(url("upload_report", "RJ1", upload.pk))
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.content.decode())))
    assert [(r["code"], r["line"]) for r in rows] == [("E003", "2"), ("E010", "4")]
    assert rows[0]["label"] == "Shortlisted applicants: White"
    refused = client.post(url("upload_apply", "RJ1", upload.pk))
    assert refused.status_code == 302  # a rejected upload cannot be applied
    assert Return.objects.get(pk=returns["RJ1"].pk).values == {}


def test_apply_conflict_shows_a_message_and_changes_nothing(
    people: dict[str, Any], returns: dict[str, Return], client_for: Any
) -> None:
    draft = returns["RJ1"]
    upload = checked_upload(draft, people["submitter"], csv_bytes([("i2.shortlisted.white", 5)]))
    return_save_draft(
        return_=draft, actor=people["approver"], expected_version=1, values={"i4.training.bme": 2}
    )
    response = client_for(people["submitter"]).post(url("upload_apply", "RJ1", upload.pk))
    assert response.status_code == 409
    assert b"has changed since this file was checked" in response.content
    assert b"<title>Error:" in response.content
    assert Return.objects.get(pk=draft.pk).values == {"i4.training.bme": 2}


def test_upload_form_errors(
    people: dict[str, Any], returns: dict[str, Return], client_for: Any, settings: Any
) -> None:
    client = client_for(people["submitter"])
    empty = client.post(url("upload"), {})
    assert b"Select the completed template or a CSV file" in empty.content
    assert b"<title>Error:" in empty.content
    wrong = client.post(url("upload"), {"file": _file(b"%PDF-1.4", "report.pdf")})
    assert b"not an Excel workbook" in wrong.content
    big = client.post(url("upload"), {"file": _file(b"x" * (5 * 1024 * 1024 + 10), "big.csv")})
    assert b"5 MB or smaller" in big.content
    assert not Upload.objects.exists()


def test_task_list_links_to_the_template_and_upload_for_editors_only(people, client_for):
    from tests.submissions.test_submissions_views_forms import BASE, open_year

    open_year()
    submitter_page = client_for(people["submitter"]).get(BASE).content.decode()
    viewer_page = client_for(people["viewer"]).get(BASE).content.decode()

    assert f'href="{BASE}template.xlsx"' in submitter_page
    assert f'href="{BASE}upload/"' in submitter_page
    assert "template.xlsx" not in viewer_page
