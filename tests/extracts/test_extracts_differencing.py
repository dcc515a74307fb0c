"""No published aggregate gives an organisation's counts back by subtraction (spec 6.2).

Two attacks recovered hidden counts from the first publication rule: subtracting a year's
national aggregate in one publication from the next (one organisation added), and subtracting
overlapping groups (a region from its groups by sector, say). These tests make both attacks on
what the portal now publishes, and show that the same attacks succeed without the protection,
so they can fail.
"""

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import pytest

from extracts import release as release_module
from extracts.models import Publication
from extracts.release import aggregates_of, release_open
from extracts.services import collection_publish
from extracts.suppression import AGGREGATE_COUNTS
from indicators import synthesise
from indicators.aggregates import contributions
from organisations.models import Organisation, Region
from returns.models import Return, ReturnVersion
from tests.extracts import conftest as extracts_fixtures

GROUP_COLUMNS = {"region": "region", "org_type": "org_type", "sector": "sector", "icb": "icb"}
COUNT = AGGREGATE_COUNTS[0]  # i1.total.white; the triplet is published or hidden together


# -- Groupings ---------------------------------------------------------------------------------


def _frame(seed: int = 11) -> pd.DataFrame:
    """Synthetic organisation-years with the shapes that leaked: a region where one organisation
    is alone in its sector, an organisation with no sector, ICBs of one or two organisations."""
    frame = synthesise(40, (2023, 2024), seed=seed).rename(columns={"type": "org_type"})
    frame = frame.drop(columns=["synthetic"])
    codes = sorted(frame["organisation"].unique())
    icb = {code: f"Q{n % 9:02d}" for n, code in enumerate(codes)}
    frame["icb"] = frame["organisation"].map(icb)
    frame.loc[frame["organisation"] == codes[0], ["region", "sector"]] = ["London", "ambulance"]
    frame.loc[frame["organisation"] == codes[1], "sector"] = None
    frame.loc[frame["organisation"] == codes[2], "icb"] = "QLONE"
    return frame


def _published_groups(frame: pd.DataFrame, out: dict[str, Any]) -> list[dict[str, Any]]:
    """Every published aggregate with the organisations its counts pool, as an attacker who
    knows the register (who is in which region, type, sector and ICB) and who published."""
    counted = frame[contributions(frame)["workforce.white"].notna().to_numpy()]
    groups = []
    for key, rows in out.items():
        for row in rows:
            figures = row["figures"]
            year = int(figures["year"])
            members = counted[counted["year"] == year]
            if key != "national":
                value = figures[key]
                column = members[GROUP_COLUMNS[key]]
                members = members[column.isna()] if value is None else members[column == value]
            groups.append(
                {
                    "grouping": key,
                    "year": year,
                    "members": frozenset(members["organisation"]),
                    "value": figures[COUNT],
                    "published": COUNT not in row["suppressed"] and figures[COUNT] is not None,
                }
            )
    return groups


def _true_count(frame: pd.DataFrame, year: int, organisations: frozenset[str]) -> float:
    rows = frame[(frame["year"] == year) & frame["organisation"].isin(organisations)]
    return float(contributions(rows)["workforce.white"].sum())


def _leaks(frame: pd.DataFrame, out: dict[str, Any]) -> list[str]:
    """What subtraction gives back: every pair of published groups of a year, one inside the
    other, and every published group less the published groups of another grouping inside it."""
    groups = _published_groups(frame, out)
    shown = [g for g in groups if g["published"]]
    found = []
    for a, b in combinations(shown, 2):
        if a["year"] != b["year"]:
            continue
        small, big = sorted((a, b), key=lambda g: len(g["members"]))
        if not small["members"] < big["members"]:
            continue
        rest = big["members"] - small["members"]
        # The subtraction is exact: it is the pooled count of the organisations in between.
        assert big["value"] - small["value"] == _true_count(frame, big["year"], rest)
        if len(rest) < 3:
            found.append(f"{big['grouping']} - {small['grouping']} {big['year']}: {sorted(rest)}")
    for parent in shown:
        for grouping in {g["grouping"] for g in groups} - {parent["grouping"]}:
            inside = [
                g for g in groups
                if g["grouping"] == grouping and g["year"] == parent["year"]
                and g["members"] and g["members"] <= parent["members"]
            ]  # fmt: skip
            used = [g for g in inside if g["published"]]
            residual = parent["members"] - frozenset().union(*(g["members"] for g in used))
            if not residual or not used:
                continue
            value = parent["value"] - sum(g["value"] for g in used)
            assert value == _true_count(frame, parent["year"], residual)
            one_hidden = any(not g["published"] and g["members"] == residual for g in inside)
            if len(residual) < 3 or one_hidden:
                found.append(
                    f"{parent['grouping']} - {grouping} {parent['year']}: {sorted(residual)}"
                )
    return found


@pytest.mark.parametrize("seed", [11, 12])
def test_no_pair_of_published_groupings_gives_a_count_by_subtraction(seed):
    frame = _frame(seed)

    out = aggregates_of(frame, threshold=4)

    assert _leaks(frame, out) == []
    assert {"national", "region", "org_type", "sector", "icb"} <= set(out)
    # Something is still published at every level: protection is not hiding everything.
    assert all(any(COUNT not in row["suppressed"] for row in out[key]) for key in out)


def test_the_same_attack_finds_counts_without_the_protection(monkeypatch):
    frame = _frame(11)
    monkeypatch.setattr(release_module, "protect_groupings", lambda *args, **kwargs: None)

    out = aggregates_of(frame, threshold=4)

    assert _leaks(frame, out)  # so the test above can fail


# -- Republication -------------------------------------------------------------------------------

published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared


def _accept_new_return(code: str, year: int, workforce: int) -> Organisation:
    """A new organisation with an accepted return for ``year`` (RJ1's figures, its own
    headcount), as if it had submitted late and the WRES team had accepted it."""
    organisation = Organisation.objects.create(
        ods_code=code, name=f"{code} NHS TRUST", region=Region.LONDON
    )
    model = Return.objects.get(organisation__ods_code="RJ1", collection__year=year)
    version = model.accepted_version
    values = {**version.values, "i1.nonclinical.band_1.white": workforce}
    return_ = Return.objects.create(
        organisation=organisation, collection=model.collection, state=model.state, values=values
    )
    accepted = ReturnVersion.objects.create(
        wres_return=return_,
        organisation=organisation,
        collection=model.collection,
        number=1,
        values=values,
        metrics=version.metrics,
        issues=[],
        submitted_at=version.submitted_at,
        approver_name="A",
        synthetic=True,
    )
    Return.objects.filter(pk=return_.pk).update(accepted_version=accepted)
    return organisation


def _national(year: int) -> dict[str, Any]:
    release = release_open()
    assert release is not None
    rows = release.publication.aggregates["national"]
    return next(r["figures"] for r in rows if int(r["figures"]["year"]) == year)


@pytest.mark.django_db
def test_republication_keeps_the_aggregates_until_three_organisations_differ(published, client):
    collection = Publication.objects.get(collection__year=2017, number=1).collection
    before = _national(2017)

    _accept_new_return("RK4", 2017, workforce=1234)
    second = collection_publish(collection=collection, actor="tests")

    after = _national(2017)
    # The old attack: publication 2's national aggregate minus publication 1's.
    assert all(after[c] - before[c] == 0 for c in AGGREGATE_COUNTS)
    assert after == before
    assert second.aggregates_basis.number == 1
    assert second.changes["aggregates"] == {
        "from": 1, "added": ["RK4"], "amended": [], "removed": []
    }  # fmt: skip
    # RK4's own figures are published: its metrics are in the organisation rows.
    keys = release_open().keys()
    assert ((keys["organisation"] == "RK4") & (keys["year"] == 2017)).any()
    # Anyone can see which returns are not in the aggregates yet.
    api = client.get("/api/collections").json()
    current = next(c for c in api["results"] if c["year"] == 2017)["publication"]
    assert current["aggregates"] == {
        "from_publication": 1, "added": ["RK4"], "amended": [], "removed": []
    }  # fmt: skip
    page = client.get("/data/").content.decode()
    assert "RK4" in page and "not yet in the national and group figures" in page

    _accept_new_return("RK5", 2017, workforce=2345)
    third = collection_publish(collection=collection, actor="tests")
    assert _national(2017) == before
    assert third.aggregates_basis.number == 1
    assert third.changes["aggregates"]["added"] == ["RK4", "RK5"]

    _accept_new_return("RK6", 2017, workforce=3456)
    fourth = collection_publish(collection=collection, actor="tests")
    revised = _national(2017)
    # Three organisations differ: the aggregates are revised, and the difference is the pooled
    # count of three organisations, no fewer.
    assert fourth.aggregates_from is None
    assert fourth.changes["aggregates"] == {"from": 4, "added": [], "amended": [], "removed": []}
    assert revised["organisations"] == before["organisations"] + 3
    assert revised[COUNT] > before[COUNT]


@pytest.mark.django_db
def test_an_amended_return_waits_for_the_aggregates_too(published):
    rj2 = Return.objects.get(organisation__ods_code="RJ2", collection__year=2017)
    latest = rj2.accepted_version
    values = {**latest.values, "i1.nonclinical.band_1.white": 7777}
    version = ReturnVersion.objects.create(
        wres_return=rj2,
        organisation=rj2.organisation,
        collection=rj2.collection,
        number=latest.number + 1,
        values=values,
        metrics=latest.metrics,
        issues=[],
        submitted_at=latest.submitted_at,
        approver_name="A",
        synthetic=True,
    )
    Return.objects.filter(pk=rj2.pk).update(accepted_version=version)
    before = _national(2017)

    second = collection_publish(collection=rj2.collection, actor="tests")

    assert _national(2017) == before
    assert second.changes["aggregates"]["amended"] == ["RJ2"]
    frame = next(release_open().batches(suppressed=False))[0]
    rj2_2017 = frame[(frame["organisation"] == "RJ2") & (frame["year"] == 2017)]
    assert np.isclose(rj2_2017["i1.nonclinical.band_1.white"].iloc[0], 7777)
