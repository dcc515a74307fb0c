"""National dashboard: figures from the release's pooled aggregates, stored at publication,
charts as safe static SVG with summaries, tables and CSV, and clean answers to bad input."""

import csv
import io
import re

import pandas as pd
import pytest
from django.urls import reverse

from dashboards import snapshot as snapshot_module
from dashboards.charts import UnsafeSvg, clean_svg
from dashboards.measures import MEASURES
from dashboards.snapshot import dashboard_open, snapshot_names
from extracts.models import PublishedReturn
from extracts.release import ITEM_CODES, release_open, release_storage
from extracts.suppression import MARK
from indicators import aggregate
from tests.extracts import conftest as extracts_fixtures

# The extracts tests' small published history (six trusts, 2015-2017), built once per module;
# each test has it in a savepoint rolled back afterwards, and its own copy of the files.
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _release_frame():
    release = release_open()
    return pd.concat([frame for frame, _ in release.batches(suppressed=False)])


def test_headlines_equal_the_engines_pooled_aggregates(published):
    snapshot = dashboard_open()
    frame = _release_frame()
    expected = aggregate(
        frame[["organisation", "year", *ITEM_CODES]].reset_index(drop=True), by=("year",)
    ).set_index("year")

    for measure in MEASURES:
        if measure.national is None:
            continue
        values = snapshot.data["headlines"][measure.slug][0]["values"]
        for year in (2015, 2016, 2017):
            assert values[str(year)] == pytest.approx(expected.loc[year, measure.national])
    rl2 = snapshot.data["headlines"]["recruitment"][0]
    assert rl2["low"]["2017"] == pytest.approx(expected.loc[2017, "i2.rl_ci_low"])
    assert rl2["change_previous"] == pytest.approx(
        expected.loc[2017, "i2.rl"] - expected.loc[2016, "i2.rl"]
    )
    assert rl2["change_first"] == pytest.approx(
        expected.loc[2017, "i2.rl"] - expected.loc[2015, "i2.rl"]
    )


def test_workforce_share_checked_by_hand_from_the_published_versions(published):
    # Sum every indicator 1 cell of the six published 2017 versions, by ethnicity.
    totals = {"white": 0, "bme": 0, "unknown": 0}
    for values in PublishedReturn.objects.filter(publication__collection__year=2017).values_list(
        "version__values", flat=True
    ):
        for code, count in values.items():
            if code.startswith("i1."):
                totals[code.rsplit(".", 1)[1]] += count

    share = dashboard_open().data["headlines"]["workforce"][0]["values"]["2017"]

    assert share == pytest.approx(100 * totals["bme"] / sum(totals.values()))


def test_snapshot_is_stored_once_and_not_recomputed_per_request(published, client, monkeypatch):
    storage = release_storage()
    names = snapshot_names(release_open().data_name)
    for name in names:
        storage.delete(name)
    client.get(reverse("dashboards:national"))  # built once, if publication has not built it
    assert all(storage.exists(name) for name in names)

    def fail(*args, **kwargs):
        raise AssertionError("recomputed per request")

    monkeypatch.setattr(snapshot_module, "snapshot_of", fail)
    assert client.get(reverse("dashboards:national")).status_code == 200
    assert client.get(reverse("dashboards:measure", args=["training"])).status_code == 200


def test_dashboard_shows_headlines_and_accessible_charts_without_scripts(published, client):
    content = client.get(reverse("dashboards:national")).content.decode()

    assert "Headline figures, 2017" in content
    assert "Change since 2016" in content and "Change since 2015" in content
    svgs = re.findall(r"<svg role=\"img\".*?</svg>", content, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
        assert "<script" not in svg and "style=" not in svg and " on" not in svg.split(">")[0]
    assert content.count('class="nhsuk-table wres-chart__data"') == 2
    assert "Download this data (CSV)" in content


def test_each_measure_page_has_trend_spread_and_breakdowns(published, client):
    for measure in (m.slug for m in MEASURES):
        content = client.get(reverse("dashboards:measure", args=[measure])).content.decode()

        for part in ("trend", "spread", "region", "sector"):
            chart = f"{measure}-{part}"
            assert f'id="{chart}-title"' in content
            assert f'id="{chart}-summary"' in content
            assert reverse("dashboards:chart_csv", args=[chart]) in content
        svgs = "".join(re.findall(r"<svg role=\"img\".*?</svg>", content, flags=re.S))
        assert svgs and "<script" not in svgs


def test_chart_csv_holds_the_tables_figures(published, client):
    response = client.get(reverse("dashboards:chart_csv", args=["recruitment-trend"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "wres-recruitment-trend.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Year",
        "National relative likelihood",
        "95% interval, lower",
        "95% interval, upper",
    ]
    assert [r[0] for r in rows[1:]] == ["2015", "2016", "2017"]
    rl = dashboard_open().data["headlines"]["recruitment"][0]["values"]["2017"]
    assert float(rows[3][1]) == pytest.approx(rl)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/no-such-measure/",
        "/dashboard/data/no-such-chart.csv",
        "/dashboard/data/..%2Fsettings.csv",
        "/organisations/ZZZ99/",
    ],
)
def test_bad_input_is_404_not_500(published, client, url):
    assert client.get(url).status_code == 404


def test_clean_svg_refuses_scripts_and_drops_style_and_event_attributes():
    with pytest.raises(UnsafeSvg):
        clean_svg('<svg x="1"><script>alert(1)</script></svg>', "c")
    with pytest.raises(UnsafeSvg):
        clean_svg('<svg x="1"><style>*{}</style></svg>', "c")

    svg = clean_svg(
        '<svg x="1"><clipPath id="clip1"/><g style="fill:red" onclick="x()" '
        'clip-path="url(#clip1)"/><a href="https://evil.test"/></svg>',
        "chart",
    )

    assert "style=" not in svg and "onclick" not in svg and "evil" not in svg
    assert 'id="chart-svg-clip1"' in svg and "url(#chart-svg-clip1)" in svg
    assert svg.startswith('<svg role="img" aria-labelledby="chart-title"')


def test_region_breakdowns_hide_groups_under_three_organisations(published, client):
    # RK3 is the only trust in the Midlands, RK1 and RK2 the two in the South West: no figure of
    # either region may be published; London (RJ1-RJ3) is shown.
    for measure in MEASURES:
        response = client.get(reverse("dashboards:chart_csv", args=[f"{measure.slug}-region"]))
        rows = {r[0]: r for r in list(csv.reader(io.StringIO(response.content.decode())))[1:]}
        for region in ("Midlands", "South West"):
            assert set(rows[region][2:]) == {MARK}, (measure.slug, region)
        assert MARK not in rows["London"], measure.slug
        page = client.get(reverse("dashboards:measure", args=[measure.slug])).content.decode()
        svg = re.search(rf'aria-labelledby="{measure.slug}-region-title".*?</svg>', page, re.S)
        assert svg and "London" in svg.group(0), measure.slug
        assert "Midlands" not in svg.group(0) and "South West" not in svg.group(0), measure.slug
        assert "2 group(s) not shown: too few organisations or small numbers." in page


def test_likelihood_charts_show_the_line_at_one():
    from dashboards import charts

    records = [{"year": 2024, "series": "RL2", "value": 1.3}]
    ratio = charts.series_chart(records, y_title="x", fmt=".2f", order=["RL2"], references=(1.0,))
    share = charts.series_chart(records, y_title="x", fmt=".0f", order=["RL2"])

    rules = [layer for layer in ratio["layer"] if layer["mark"]["type"] == "rule"]
    assert [layer["data"]["values"] for layer in rules] == [[{"value": 1.0}]]
    assert not [layer for layer in share["layer"] if layer["mark"]["type"] == "rule"]
    trend = charts.trend_chart(records, y_title="x", fmt=".2f", interval=False, references=(1.0,))
    assert any(layer["mark"]["type"] == "rule" for layer in trend["layer"])


def test_the_overview_of_likelihoods_says_where_one_is(published, client):
    content = client.get(reverse("dashboards:national")).content.decode()

    assert "The dashed grey line marks 1: equally likely." in content


def test_headline_terms_are_defined_where_they_are_used(published, client):
    national = client.get(reverse("dashboards:national")).content.decode()
    measure = client.get(reverse("dashboards:measure", args=["recruitment"])).content.decode()

    for content, anchor in ((national, "headline-terms"), (measure, "measure-terms")):
        assert f'id="{anchor}"' in content
        for term in ("Inside 0.80 to 1.25", "Significantly adverse", "Percentage points"):
            assert f"<strong>{term}</strong>" in content
    assert "Organisations inside 0.80 to 1.25" in national
