"""The national report page (/reports/national/<year>/): a published year's report in the
order of NHS England's annual report, built from published figures only."""

import re
from typing import Any

import pytest
from django.test import Client

published = pytest.fixture(lambda published_shared: published_shared)


def _get(path: str) -> Any:
    return Client().get(path)


def test_report_page_for_a_published_year_has_every_part_in_order(published: Any) -> None:
    response = _get("/reports/national/2017/")

    assert response.status_code == 200
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", main)
    assert headings[:2] == ["Contents", "Summary: headline facts"]
    assert headings[2:] == [
        "Workforce representation (indicator 1)",
        "Recruitment, disciplinary process and training (indicators 2 to 4)",
        "Staff Survey (indicators 5 to 8)",
        "Board representation (indicator 9)",
        "Model Employer progress",
        "Where support is needed",
        "Sustained improvers",
        "About these figures",
    ]


def test_report_page_charts_each_have_a_text_alternative_and_a_table(published: Any) -> None:
    html = _get("/reports/national/2017/").content.decode()

    svgs = [s for s in re.findall(r"<svg [^>]*>", html) if "wres-chart__svg" in s]
    assert len(svgs) >= 40
    for svg in svgs:
        labelled = re.search(r'aria-labelledby="([^"]+)-title"', svg)
        assert labelled and 'role="img"' in svg
        chart_id = labelled.group(1)
        assert f'id="{chart_id}-summary"' in html
        assert f'id="{chart_id}-caption"' in html


def test_report_page_has_trends_regions_trust_types_and_spreads(published: Any) -> None:
    html = _get("/reports/national/2017/").content.decode()

    for chart in ("trend", "region", "trust-type", "spread"):
        assert f'id="report-recruitment-{chart}"' in html
    assert 'id="report-board-organisations"' in html
    assert 'id="report-model-employer"' in html
    assert "Workforce BME share: national trend, 2015 to 2017" in html


def test_report_page_for_an_earlier_year_stops_at_that_year(published: Any) -> None:
    html = _get("/reports/national/2016/").content.decode()

    assert "national report, 2016" in html
    assert "Workforce BME share: national trend, 2015 to 2016" in html
    assert "2017" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S).split("Contents")[1]


def test_report_page_headline_facts_come_from_the_published_aggregates(published: Any) -> None:
    from dashboards.figures import show
    from extracts.models import Publication

    latest = Publication.objects.latest("published_at", "pk")
    national = next(e for e in latest.aggregates["national"] if int(e["figures"]["year"]) == 2017)
    html = _get("/reports/national/2017/").content.decode()

    assert show(national["figures"]["i1.total.bme_pct"], "percent") in html


@pytest.mark.parametrize("year", ["2014", "2018", "99999", "abc", "0", "02017", "2017.5"])
def test_report_page_for_a_year_not_published_is_a_helpful_404(published: Any, year: str) -> None:
    response = _get(f"/reports/national/{year}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no national report for" in html
    assert 'href="/reports/national/2017/"' in html


def test_report_is_linked_from_the_dashboard_and_the_downloads_page(published: Any) -> None:
    for page in ("/dashboard/", "/data/"):
        html = _get(page).content.decode()
        assert 'href="/reports/national/2017/"' in html, page


def test_report_says_when_there_are_too_few_engagements_to_compare(published: Any) -> None:
    html = _get("/reports/national/2017/").content.decode()

    support = html.split('id="support"')[1].split('id="improvers"')[0]
    assert "Did engagement help?" in support
    assert "Not enough engaged organisations" in support
    assert "does not prove that engagement caused" in support


def test_report_shows_each_comparison_of_engaged_organisations(
    published: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import math

    import pandas as pd

    from engagement import impact, selectors
    from reports.content import report_cache_clear

    engaged = pd.DataFrame([{"organisation": "RJ1", "year": 2016, "indicator": 2}])
    monkeypatch.setattr(
        selectors, "impact_inputs", lambda: (pd.DataFrame(), pd.DataFrame(), engaged)
    )
    effect = impact.Effect(2, 1, 12, 30, 1, -0.1, 0.05, -0.15, -0.25, -0.05)
    no_effect = impact.Effect(3, 2, 7, 20, 0, None, None, None, None, None)
    monkeypatch.setattr(impact, "impact_of", lambda *args, **kwargs: [effect, no_effect])
    report_cache_clear()

    support = _get("/reports/national/2017/").content.decode().split('id="support"')[1]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", support, flags=re.S)
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "|", row)) for row in rows]
    shown = [c for c in cells if "Indicator 2" in c]
    assert len(shown) == 1
    assert f"{math.exp(-0.15):.2f} ({math.exp(-0.25):.2f} to {math.exp(-0.05):.2f})" in shown[0]
    assert "Lower than comparable organisations" in shown[0]
    assert "Indicator 3" not in " ".join(c for c in cells if "Compared" not in c)  # too few
