"""The national report shows only what is published: a pooled figure the mask hides is ``[c]``
on the page and in the PDF, whatever its value."""

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

published = pytest.fixture(lambda published_shared: published_shared)


def _hide(entry: dict[str, Any], code: str, value: Any) -> None:
    entry["figures"][code] = value
    entry["suppressed"] = sorted({*entry["suppressed"], code})


@pytest.fixture
def hidden(published: Any) -> None:
    """Distinctive small figures put into the published aggregates, each under the mask."""
    from extracts.models import Publication

    latest = Publication.objects.latest("published_at", "pk")
    aggregates = latest.aggregates
    region = next(
        e
        for e in aggregates["region"]
        if int(e["figures"]["year"]) == 2017 and e["figures"]["region"] == "Y60"
    )
    _hide(region, "i2.rl", 3.14159)
    trusts = next(
        e
        for e in aggregates["org_type"]
        if int(e["figures"]["year"]) == 2017 and e["figures"]["org_type"] == "nhs_trust"
    )
    _hide(trusts, "i9.orgs_no_bme_member", 4)
    _hide(trusts, "i9.orgs_three_plus_bme_members", 4321)
    latest.aggregates = aggregates
    latest.save(update_fields=["aggregates"])


def test_report_page_never_shows_a_suppressed_figure(hidden: None) -> None:
    html = Client().get("/reports/national/2017/").content.decode()

    assert "3.14" not in html
    assert "4,321" not in html
    assert "[c]" in html
    row = html.split("Organisations with no BME board member</th>")[1].split("</tr>")[0]
    assert "[c]" in row and ">4<" not in row


def test_report_pdf_never_shows_a_suppressed_figure(
    hidden: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reports import pdf

    drawn: list[str] = []

    def capture(*args: Any, **kwargs: Any) -> str:
        html = render_to_string(*args, **kwargs)
        drawn.append(html)
        return html

    monkeypatch.setattr(pdf, "render_to_string", capture)
    response = Client().get("/reports/national/2017.pdf")

    assert response.status_code == 200
    (html,) = drawn
    assert "[c]" in html
    assert "3.14" not in html
    assert "4,321" not in html
