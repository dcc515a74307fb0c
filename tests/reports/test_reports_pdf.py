"""The national report as a PDF (/reports/national/<year>.pdf): built once per release and
year, kept in the file store, served as a download."""

import re
import zlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

published = pytest.fixture(lambda published_shared: published_shared)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the PDF renders (each call of the renderer)."""
    from reports import pdf, services

    calls: list[int] = []

    def counted(report: dict[str, Any]) -> bytes:
        calls.append(report["year"])
        return pdf.report_pdf_render(report)

    monkeypatch.setattr(services, "report_pdf_render", counted)
    return calls


def test_report_pdf_is_a_tagged_pdf_download(published: Any, renders: list[int]) -> None:
    response = Client().get("/reports/national/2017.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="wres-national-report-2017.pdf"'
    )
    data = response.content
    assert data.startswith(b"%PDF")
    objects = _objects(data)
    assert b"/StructTreeRoot" in objects  # tagged (PDF/UA-1)
    assert b"/Lang" in objects
    assert b"/H2" in objects
    assert b"/Alt" in objects  # each chart a figure with its text alternative


def _objects(data: bytes) -> bytes:
    """The PDF's objects, with its compressed streams (object streams included) inflated."""
    out = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(out)


def test_report_pdf_is_built_once_and_then_served_from_the_store(
    published: Any, renders: list[int]
) -> None:
    from extracts.models import Publication
    from reports.services import national_report_pdf_name

    first = Client().get("/reports/national/2016.pdf")
    second = Client().get("/reports/national/2016.pdf")

    assert renders == [2016]
    assert first.content == second.content
    latest = Publication.objects.latest("published_at", "pk")
    name = national_report_pdf_name(publication=latest, year=2016)
    assert name.startswith("reports/national-2016-")
    assert default_storage.exists(name)


def test_report_pdf_waits_for_another_builder_then_answers_503(
    published: Any, renders: list[int], settings: Any
) -> None:
    from django.core.cache import cache

    from extracts.models import Publication
    from reports.services import national_report_pdf_name

    settings.WRES_REPORT_BUILD_WAIT_SECONDS = 0
    latest = Publication.objects.latest("published_at", "pk")
    name = national_report_pdf_name(publication=latest, year=2015)
    cache.set(f"reports:pdf-lock:{name}", "another process", 60)
    try:
        response = Client().get("/reports/national/2015.pdf")
    finally:
        cache.delete(f"reports:pdf-lock:{name}")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert renders == []


@pytest.mark.parametrize("year", ["2014", "abc", "99999", "2017x"])
def test_report_pdf_for_a_year_not_published_is_a_404(
    published: Any, renders: list[int], year: str
) -> None:
    response = Client().get(f"/reports/national/{year}.pdf")

    assert response.status_code == 404
    assert "There is no national report for" in response.content.decode()
    assert renders == []


@pytest.mark.parametrize("prebuild", [True, False])
def test_report_pdfs_are_built_once_a_publication_is_built_when_prebuild_is_on(
    published: Any,
    renders: list[int],
    settings: Any,
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
    prebuild: bool,
) -> None:
    from extracts.models import Publication
    from extracts.signals import publication_outputs_built
    from reports.content import published_years

    settings.WRES_REPORT_PREBUILD = prebuild
    latest = Publication.objects.latest("published_at", "pk")
    with django_capture_on_commit_callbacks(execute=True):
        publication_outputs_built.send(sender=Publication, publication=latest)

    assert renders == (sorted(published_years()) if prebuild else [])
    if prebuild:  # a reader then gets the stored file: nothing rendered again
        assert Client().get("/reports/national/2016.pdf").status_code == 200
        assert len(renders) == len(published_years())
