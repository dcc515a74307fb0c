"""Organisation profile and "where to engage": published data only, suppression for the
public and not for analysts, peers, links, predecessors, permissions and bounded queries."""

import pytest
from django.urls import reverse

from dashboards.profiles import organisation_profile, profile_rows
from dashboards.snapshot import dashboard_open
from extracts.suppression import MARK
from organisations.models import Organisation
from returns.models import Return
from tests.extracts import conftest as extracts_fixtures
from tests.extracts.test_extracts_publication import _new_version

# The extracts tests' small published history (six trusts, 2015-2017), built once per module;
# each test has it in a savepoint rolled back afterwards, and its own copy of the files.
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_profile_shows_every_published_year_and_all_nine_indicators(published, client):
    content = client.get(reverse("organisations:detail", args=["RJ1"])).content.decode()

    assert "WRES profile" in content
    assert "Published years: 2015, 2016, 2017." in content
    for k in range(1, 10):
        assert f"Indicator {k}:" in content
    assert "Position among peers, 2017" in content
    assert "Model Employer trajectory" in content


def test_profile_never_shows_drafts_or_unpublished_versions(published, client):
    # After publication RJ1's 2017 return gets a new accepted version, and 2018 has a draft.
    rj1 = Return.objects.get(organisation__ods_code="RJ1", collection__year=2017)
    newer = _new_version(rj1, **{"i9.voting.bme": 77})
    Return.objects.filter(pk=rj1.pk).update(accepted_version=newer)
    assert Return.objects.get(organisation__ods_code="RJ1", collection__year=2018).values

    profile = organisation_profile(
        Organisation.objects.get(ods_code="RJ1"),
        profile_name=dashboard_open().profile_name,
        unsuppressed=True,
    )

    assert profile["years"] == [2015, 2016, 2017]
    board = next(t for t in profile["tables"] if t["indicator"] == 9)
    assert board["rows"][-1][1] != "77"
    assert "2018" not in {row[0] for table in profile["tables"] for row in table["rows"]}


def test_profile_shows_every_metric_and_no_mark_for_everyone(published, people, client_for):
    # Spec 6.1 (v2): an organisation's metrics are public and never suppressed, so the public
    # profile is the full one, with the small-numbers flag beside each likelihood.
    snapshot = dashboard_open()
    organisation = Organisation.objects.get(ods_code="RK2")

    public = organisation_profile(
        organisation, profile_name=snapshot.profile_name, unsuppressed=False
    )
    full = organisation_profile(organisation, profile_name=snapshot.profile_name, unsuppressed=True)

    def cells(profile):
        tables = profile["tables"] + [{"rows": g["rows"]} for g in profile["trajectory"]]
        return [cell for table in tables for row in table["rows"] for cell in row]

    assert MARK not in cells(public) and cells(public) == cells(full)
    recruitment = next(t for t in public["tables"] if t["indicator"] == 2)
    assert "Small numbers" in " ".join(recruitment["columns"]) or any(
        "small" in c.lower() for c in recruitment["columns"]
    )
    url = reverse("organisations:detail", args=[organisation.ods_code])
    # The organisation page is public and the same for everyone, signed in or not.
    for role in (None, "analyst", "reviewer", "admin", "submitter"):
        page = client_for(people[role] if role else None).get(url).content.decode()
        assert MARK not in page, role
        assert "unsuppressed figures" not in page, role


def test_profile_peers_rank_within_sector_and_region(published):
    rows = profile_rows(dashboard_open().profile_name, ["RJ1", "RJ2", "RJ3"])
    latest = rows[rows["year"] == 2017]
    # RJ1-RJ3 are the London trusts of the test set: ranks 1..3 of 3 where all have a figure.
    ranks = sorted(latest["peer.region.i1.total.bme_pct.rank"].tolist())
    assert ranks == [1.0, 2.0, 3.0]
    assert set(latest["peer.region.i1.total.bme_pct.n"]) == {3.0}


def test_profile_queries_are_bounded(published, client, django_assert_max_num_queries):
    client.get(reverse("organisations:detail", args=["RJ1"]))  # builds the snapshot once

    # The profile table is read from the shared store (ADR 0024): its row and the one chunk
    # holding RJ1's rows are queries too (the file's fingerprint comes with the snapshot's).
    with django_assert_max_num_queries(9):
        assert client.get(reverse("organisations:detail", args=["RJ1"])).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("dashboards:national")).status_code == 200


def test_engage_is_for_reviewers_and_admins_only(published, people, client_for):
    url = reverse("dashboards:engage")

    assert client_for(None).get(url).status_code == 302
    for role in ("submitter", "approver", "viewer", "analyst", "nobody"):
        assert client_for(people[role]).get(url).status_code == 403, role
    for role in ("reviewer", "admin"):
        response = client_for(people[role]).get(url)
        assert response.status_code == 200, role
        assert "Significantly adverse three years running" in response.content.decode()
    assert client_for(people["reviewer"]).get(url + "?indicator=9").status_code == 404
    assert client_for(people["reviewer"]).get(url + "?indicator=3").status_code == 200


def test_engage_lists_follow_the_rules():
    import pandas as pd

    from dashboards.engage import engage_lists

    rows = []
    patterns = {
        "PER": [(1.6, 1.3), (1.7, 1.4), (1.8, 1.5), (1.9, 1.6)],  # adverse and significant
        "WOR": [(1.1, 0.9), (1.2, 1.0), (1.3, 1.1), (1.4, 0.9)],  # rising, above 1.25 now
        "IMP": [(2.0, 1.5), (1.6, 1.2), (1.3, 1.0), (1.1, 0.9)],  # nearer parity each year
        "FLAT": [(1.0, 0.9), (1.0, 0.9), (1.0, 0.9), (1.0, 0.9)],
    }
    for code, figures in patterns.items():
        for year, (rl, low) in zip((2015, 2016, 2017, 2018), figures, strict=True):
            rows.append(
                {"organisation": code, "name": code, "region": "Y56", "sector": "acute",
                 "year": year, "i2.rl": rl, "i2.rl_ci_low": low, "i2.rl_ci_high": rl + 0.2}
                | {f"i{k}.{m}": None for k in (3, 4) for m in ("rl", "rl_ci_low", "rl_ci_high")}
            )  # fmt: skip

    lists = engage_lists(pd.DataFrame(rows), [2015, 2016, 2017, 2018])["2"]

    assert [e["organisation"] for e in lists["persistent"]] == ["PER"]
    assert sorted(e["organisation"] for e in lists["worsening"]) == ["PER", "WOR"]
    assert [e["organisation"] for e in lists["improving"]] == ["IMP"]
    assert lists["persistent"][0]["figures"][-1] == {
        "year": 2018,
        "rl": 1.9,
        "low": 1.6,
        "high": 2.1,
    }


def test_methodology_page_states_the_rule_in_plain_english(client_for):
    body = client_for(None).get(reverse("dashboards:methodology")).content.decode()

    assert "never hidden" in body and "are not in the public pages" in body
    assert "3 or more organisations" in body and "never as 0" in body


def test_profile_peer_position_never_one_of_one(published):
    from dashboards.profiles import _peer_rows

    rows = profile_rows(dashboard_open().profile_name, ["RK3"])
    latest = rows[rows["year"] == 2017].iloc[0]
    # RK3 is the only trust of its region in the test set: no peers there, so no position.
    entries = _peer_rows(latest, unsuppressed=False)

    assert all(entry["region"] == "Not available" for entry in entries)
    assert not any("1 of 1" in str(entry.values()) for entry in entries)
