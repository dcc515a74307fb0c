"""Public dashboards use suppressed figures only: a suppressed organisation value cannot be read
back from the snapshot's charts, tables, CSVs, pages or public profiles.

The proof: build the snapshot of a synthetic release, change every suppressed organisation
figure the dashboard reads to something else, build again, and compare every public output.
Whatever does not change cannot tell the suppressed values."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.files import File
from django.test import override_settings
from django.urls import reverse

from dashboards import views
from dashboards.measures import MEASURES, PEER_CODES, PROFILE_CODES
from dashboards.profiles import organisation_profile, profile_rows
from dashboards.snapshot import (
    MIN_SPREAD_ORGANISATIONS,
    Snapshot,
    build_files,
    snapshot_names,
)
from extracts.release import FIGURE_CODES, META_COLUMNS, aggregates_of, release_storage
from extracts.suppression import MARK, MIN_AGGREGATE_ORGANISATIONS, suppress
from indicators import compute_national, synthesise

ORGANISATIONS = 40
YEARS = range(2015, 2018)
#: Figures the dashboard reads organisation by organisation (spreads, medians, profiles, ranks).
READ_BY_ORGANISATION = tuple(
    dict.fromkeys((*(m.organisation for m in MEASURES), *PROFILE_CODES, *PEER_CODES))
)


def _release() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = synthesise(ORGANISATIONS, YEARS, seed=7)
    metrics = compute_national(frame.drop(columns=["synthetic", "region", "type", "sector"]))
    wide = pd.concat(
        [
            frame.rename(columns={"type": "org_type"}),
            metrics.drop(columns=["organisation", "year"]),
        ],
        axis=1,
    ).copy()
    wide["name"] = "Synthetic trust " + wide["organisation"]
    wide["icb"] = "QXX"
    wide = wide[[*META_COLUMNS, *FIGURE_CODES]]
    for code in FIGURE_CODES:
        if str(wide[code].dtype) != "boolean":
            wide[code] = pd.to_numeric(wide[code]).astype("float64")
    return wide, suppress(wide)


def _perturbed(wide: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Every suppressed figure the dashboard reads per organisation, changed (flags flipped)."""
    other = wide.copy()
    rng = np.random.default_rng(11)
    for code in READ_BY_ORGANISATION:
        hidden = mask[code].to_numpy(dtype=bool)
        if not hidden.any():
            continue
        if str(other[code].dtype) == "boolean":
            other.loc[hidden, code] = ~other.loc[hidden, code].fillna(False)
        else:
            other.loc[hidden, code] = 500 + rng.random(int(hidden.sum())) * 1000
    return other


@dataclass
class Built:
    snapshot: Snapshot
    folder: Path


def _build(folder: Path, wide: pd.DataFrame, mask: pd.DataFrame, aggregates: Any) -> Built:
    """Builds in the store (in memory for this module, see ``_store``) from local files."""
    folder.mkdir()
    data, hidden = folder / "r.parquet", folder / "r.mask.parquet"
    pq.write_table(pa.Table.from_pandas(wide, preserve_index=False), data)
    pq.write_table(pa.Table.from_pandas(mask, preserve_index=False), hidden)
    storage = release_storage()
    names = {f"{folder.name}/{path.name}": path for path in (data, hidden)}
    for name, path in names.items():
        with path.open("rb") as handle:
            storage.save(name, File(handle))
    data_name, mask_name = names
    build_files(storage, data_name, mask_name, aggregates)
    json_name, profile_name = snapshot_names(data_name)
    with storage.open(json_name) as handle:
        return Built(Snapshot(json.loads(handle.read()), profile_name, 0), folder)


class _Organisation:
    """Stands in for an Organisation without predecessors (the profile reads only these)."""

    def __init__(self, code: str) -> None:
        self.ods_code = code

    class predecessors:
        @staticmethod
        def order_by(*args: str) -> Any:
            class _Values:
                @staticmethod
                def values_list(*fields: str) -> list[tuple[str, str]]:
                    return []

            return _Values()


@pytest.fixture(scope="module", autouse=True)
def _store() -> Iterator[None]:
    """This module builds snapshots without a database: its store is kept in memory."""
    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "default": memory}):
        yield


@pytest.fixture(scope="module")
def builds(tmp_path_factory, _store):
    """The snapshot of one synthetic release, and of the same release with every suppressed
    organisation figure changed (the aggregates, computed from counts, are the same)."""
    wide, mask = _release()
    aggregates = aggregates_of(wide, 4)
    folder = tmp_path_factory.mktemp("suppression")
    real = _build(folder / "real", wide, mask, aggregates)
    other = _build(folder / "other", _perturbed(wide, mask), mask, aggregates)
    return wide, mask, real, other


def _public(snapshot: Snapshot) -> dict[str, Any]:
    return {k: v for k, v in snapshot.data.items() if k != "engage"}


def test_spread_is_over_every_organisation_with_the_metric(builds):
    # Spec 6.1 and 6.3 (v2): metrics are never suppressed, so a spread is over every
    # organisation with the figure; one with a null figure is counted as having none.
    wide, mask, real, _ = builds
    latest = wide["year"] == max(YEARS)
    for code in ("i2.rl", "i1.senior.bme_pct"):
        assert not mask.loc[latest, code].any(), code
    spread = real.snapshot.data["charts"]["recruitment-spread"]
    keys = [c["key"] for c in spread["columns"]]
    last = dict(zip(keys, spread["rows"][-1], strict=True))
    assert last["organisations"] == wide.loc[latest, "i2.rl"].notna().sum()
    assert last["not_shown"] == wide.loc[latest, "i2.rl"].isna().sum()
    assert "small numbers" not in spread["summary"]


def test_spread_is_over_the_published_figures_only(builds):
    wide, mask, real, _ = builds
    for measure in MEASURES:
        chart = real.snapshot.data["charts"][f"{measure.slug}-spread"]
        keys = [c["key"] for c in chart["columns"]]
        for row in chart["rows"]:
            cells = dict(zip(keys, row, strict=True))
            year = wide["year"] == cells["year"]
            shown = wide.loc[year & ~mask[measure.organisation], measure.organisation].dropna()
            assert cells["organisations"] == len(shown), measure.slug
            if len(shown) >= MIN_SPREAD_ORGANISATIONS:
                assert cells["median"] == pytest.approx(shown.median()), measure.slug
                assert cells["p90"] == pytest.approx(shown.quantile(0.9)), measure.slug


def test_no_public_snapshot_figure_depends_on_a_suppressed_value(builds):
    _, _, real, other = builds

    assert _public(real.snapshot) == _public(other.snapshot)
    # v2 (spec 6.1): nothing the dashboard reads per organisation is hidden any more (metrics
    # are public), so the perturbation changes no figure at all and the engage lists agree too.
    assert real.snapshot.data["engage"] == other.snapshot.data["engage"]


def test_no_public_profile_depends_on_a_suppressed_value(builds):
    wide, _, real, other = builds
    changed = 0
    for code in sorted(set(wide["organisation"])):
        organisation = _Organisation(code)
        public = [
            organisation_profile(
                organisation, profile_name=b.snapshot.profile_name, unsuppressed=False
            )
            for b in (real, other)
        ]
        assert public[0] == public[1], code
        full = [
            organisation_profile(
                organisation, profile_name=b.snapshot.profile_name, unsuppressed=True
            )
            for b in (real, other)
        ]
        changed += full[0] != full[1]
    # v2 (spec 6.1): every profile figure is a public metric, so none was perturbed.
    assert not changed


def test_public_peer_ranks_leave_suppressed_figures_out(builds):
    wide, mask, real, _ = builds
    rows = profile_rows(real.snapshot.profile_name, sorted(set(wide["organisation"])))
    table = wide.set_index(["organisation", "year"])
    hidden = mask.set_index(pd.MultiIndex.from_frame(wide[["organisation", "year"]]))
    for _, row in rows[rows["year"] == max(YEARS)].iterrows():
        peers = table.xs(max(YEARS), level="year")
        # issue 15: peers are of the same organisation type as well as the same region
        peers = peers[(peers["region"] == row["region"]) & (peers["org_type"] == row["org_type"])]
        shown = ~hidden.xs(max(YEARS), level="year").loc[peers.index, "i2.rl"]
        published = peers.loc[shown, "i2.rl"].dropna()
        if row["mask:i2.rl"] or pd.isna(row["i2.rl"]):
            continue
        assert row["public_peer.region.i2.rl.n"] == len(published)
        assert row["public_peer.region.i2.rl.rank"] == 1 + (published < row["i2.rl"]).sum()


def test_breakdowns_never_show_a_group_of_fewer_than_three(builds):
    _, _, real, _ = builds
    small = 0
    for measure in MEASURES:
        for key in ("region", "sector"):
            chart = real.snapshot.data["charts"][f"{measure.slug}-{key}"]
            for row in chart["rows"]:
                if row[1] is not None and row[1] < MIN_AGGREGATE_ORGANISATIONS:
                    small += 1
                    assert row[2] == MARK, (measure.slug, key, row)
                    assert row[0] not in chart["svg"], (measure.slug, key, row)
    assert small, "the test release has groups of fewer than three organisations"


_NONCE = re.compile(r'nonce="[^"]*"|csrfmiddlewaretoken" value="[^"]*"')


@pytest.mark.django_db
def test_no_public_page_or_csv_depends_on_a_suppressed_value(builds, client, monkeypatch):
    _, _, real, other = builds
    urls = [reverse("dashboards:national")]
    urls += [reverse("dashboards:measure", args=[m.slug]) for m in MEASURES]
    urls += [reverse("dashboards:chart_csv", args=[c]) for c in real.snapshot.data["charts"]]
    pages = []
    for built in (real, other):
        monkeypatch.setattr(views, "dashboard_open", lambda built=built: built.snapshot)
        answers = [client.get(url) for url in urls]
        assert all(a.status_code == 200 for a in answers)
        pages.append([_NONCE.sub("", a.content.decode()) for a in answers])

    for url, first, second in zip(urls, *pages, strict=True):
        assert first == second, url
