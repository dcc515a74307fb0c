"""A year never reaches a person as a float ("2025.0"): the upload refusal for last year's
template, and a sweep of the published pages, files and API answers for any year so written."""

import re

import pytest
from django.urls import reverse

from dashboards.measures import MEASURES
from tests.extracts.conftest import _media, history, published  # noqa: F401 (fixtures)
from uploads.parser import parse_upload
from uploads.template import build_template

FLOAT_YEAR = re.compile(r".{0,60}\b(?:19|20)\d\d\.0\b.{0,20}")


def test_last_years_template_uploaded_this_year_names_the_year_whole():
    # Spreadsheet readers give every number as a float: the stamp's 2025 is read as 2025.0.
    template = build_template(organisation_name="RJ1 NHS TRUST", ods_code="RJ1", year=2025)

    parsed = parse_upload(template, filename="wres.xlsx", ods_code="RJ1", year=2026)

    assert parsed.refusal is not None and parsed.refusal.code == "U102"
    assert parsed.refusal.message.startswith("This template is for 2025, not 2026.")


@pytest.mark.django_db
def test_published_pages_files_and_api_show_years_whole(published, client_for, people):  # noqa: F811
    from dashboards.snapshot import dashboard_build

    dashboard_build(publication=published[-1])
    reviewer = client_for(people["reviewer"])
    paths = [
        "/dashboard/",
        "/dashboard/engage/",
        *(reverse("dashboards:measure", args=[m.slug]) for m in MEASURES),
        "/organisations/RJ1/",
        "/organisations/RK3/",
        "/data/",
        "/data/wres-all-wide.csv",
        "/data/wres-all-long.csv",
        "/api/",
        "/api/returns",
        "/api/aggregates?by=region",
        "/api/collections",
    ]
    found = {}
    for path in paths:
        response = reviewer.get(path)
        assert response.status_code == 200, path
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode()
        links = re.findall(r'href="(/dashboard/data/[^"]+\.csv)"', body)
        for link in links:
            body += reviewer.get(link).content.decode()
        hits = FLOAT_YEAR.findall(body)
        if hits:
            found[path] = hits[:3]

    assert found == {}
