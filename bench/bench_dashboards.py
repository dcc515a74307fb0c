"""Benchmark of the dashboards: building the snapshot (demo release and 100,800 synthetic
organisation-years), and request times of the dashboard, a measure page and a profile.

The demo part reads the embedded database's current release (`make run` / `seed_demo`); the
synthetic part builds a release like `bench_extracts.py` in a temporary folder. Requests use
Django's test client in process (no network, no gunicorn): median and p95 of 50 requests each.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ORGS = 8400  # x 12 years (2015-2026) = 100,800 organisation-years
REQUESTS = 50


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres_portal.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def _timed(label: str, build: Any) -> None:
    started = time.perf_counter()
    timings = build()
    total = time.perf_counter() - started
    parts = ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
    print(f"{label}: {total:.2f} s ({parts})")


def demo_build() -> None:
    from dashboards.snapshot import build_files
    from extracts.release import release_open

    release = release_open()
    if release is None:
        print("demo release: none (run seed_demo first)")
        return
    rows = len(release.keys())
    _timed(
        f"snapshot, demo release ({rows:,} rows), cold chart cache",
        lambda: build_files(
            release.storage, release.data_name, release.mask_name, release.publication.aggregates
        ),
    )
    _timed(
        "snapshot, demo release again (charts unchanged: render cache warm)",
        lambda: build_files(
            release.storage, release.data_name, release.mask_name, release.publication.aggregates
        ),
    )


def synthetic_build() -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.conf import settings
    from django.core.files.storage import storages
    from django.test.utils import override_settings

    from dashboards.snapshot import build_files
    from extracts.release import FIGURE_CODES, META_COLUMNS, ROW_GROUP, aggregates_of
    from extracts.suppression import suppress
    from indicators import compute_national, synthesise

    frame = synthesise(ORGS, range(2015, 2027), seed=1)
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
    mask = suppress(wide)
    aggregates = aggregates_of(wide, 4)
    with tempfile.TemporaryDirectory() as folder:
        data, hidden = Path(folder) / "r.parquet", Path(folder) / "r.mask.parquet"
        pq.write_table(
            pa.Table.from_pandas(wide, preserve_index=False), data, row_group_size=ROW_GROUP
        )
        pq.write_table(
            pa.Table.from_pandas(mask, preserve_index=False), hidden, row_group_size=ROW_GROUP
        )
        # A local folder as the store: this times the build, not the store (ADR 0024).
        local = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                 "OPTIONS": {"location": folder}}  # fmt: skip
        stores = override_settings(STORAGES={**settings.STORAGES, "default": local})
        stores.enable()
        _timed(
            f"snapshot, synthetic release ({len(wide):,} rows)",
            lambda: build_files(storages["default"], data.name, hidden.name, aggregates),
        )
        from dashboards.profiles import organisation_profile

        class _Org:
            ods_code = str(wide["organisation"].iloc[len(wide) // 2])

            class predecessors:  # stands in for the related manager
                @staticmethod
                def order_by(*args: str) -> Any:
                    class _Q:
                        @staticmethod
                        def values_list(*a: str) -> list[tuple[str, str]]:
                            return []

                    return _Q()

        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            organisation_profile(_Org(), profile_name="r.profiles.parquet", unsuppressed=False)
            times.append(time.perf_counter() - started)
        stores.disable()
        print(f"profile read+shape at 100,800 rows: {_stats(times)}")


def _stats(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def requests() -> None:
    from django.test import Client

    client = Client()
    for label, url in (
        ("dashboard", "/dashboard/"),
        ("measure page", "/dashboard/disciplinary/"),
        ("profile RJ1", "/organisations/RJ1/"),
        ("trivial page (floor)", "/accessibility/"),
    ):
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"{label} {url}: {_stats(times)} ({len(response.content) / 1000:.0f} kB)")


def main() -> None:
    _setup()
    demo_build()
    requests()
    synthetic_build()


if __name__ == "__main__":
    main()
