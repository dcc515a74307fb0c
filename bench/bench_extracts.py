"""Benchmark of national extracts: 100,000 synthetic organisation-years, wide CSV and XLSX.

Builds a release (wide table + suppression mask, as `release_build` stores them) from
`indicators.synthesise` in a temporary folder, then writes the full wide CSV and the full wide
XLSX from it, each in a fresh process (so peak memory is the download's own). The database is not
used for those: publication reads ReturnVersion JSON once, at publication. Last, the API: requests
per second for a page of published returns, through Django's test client against a release of
the same 100,800 rows (a throwaway SQLite database in the temporary folder holds its publication).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS_ORGS = 8400  # x 12 years (2015-2026) = 100,800 organisation-years
API_REQUESTS = 200


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres_portal.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def build(directory: Path) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from extracts.release import FIGURE_CODES, META_COLUMNS, ROW_GROUP
    from extracts.suppression import suppress
    from indicators import compute_national, synthesise

    started = time.perf_counter()
    frame = synthesise(ROWS_ORGS, range(2015, 2027), seed=1)
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
        if str(wide[code].dtype) not in ("boolean",):
            wide[code] = pd.to_numeric(wide[code]).astype("float64")
    built = time.perf_counter()
    mask = suppress(wide)
    suppressed = time.perf_counter()
    pq.write_table(pa.Table.from_pandas(wide, preserve_index=False), directory / "r.parquet",
                   row_group_size=ROW_GROUP)  # fmt: skip
    pq.write_table(pa.Table.from_pandas(mask, preserve_index=False), directory / "r.mask.parquet",
                   row_group_size=ROW_GROUP)  # fmt: skip
    print(f"rows: {len(wide):,}; columns: {wide.shape[1]}")
    print(f"synthesise + metrics: {built - started:.1f} s; suppression: {suppressed - built:.1f} s "
          f"({mask.to_numpy().mean():.1%} of cells suppressed); release files written")  # fmt: skip


def _local(directory: Path) -> dict[str, object]:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(directory)},
    }


def stream(directory: Path, kind: str) -> None:
    from django.conf import settings
    from django.test.utils import override_settings

    from extracts import writers
    from extracts.release import Release

    # A local folder as the store: this times the writers, not the store (ADR 0024).
    stores = override_settings(STORAGES={**settings.STORAGES, "default": _local(directory)})
    stores.enable()
    release = Release(None, "r.parquet", "r.mask.parquet")  # type: ignore[arg-type]
    started = time.perf_counter()
    size = 0
    if kind == "csv":
        for chunk in writers.wide_csv(release.batches()):
            size += len(chunk)
    else:
        path = writers.xlsx_file(release.batches())
        size = path.stat().st_size
        path.unlink()
    elapsed = time.perf_counter() - started
    stores.disable()
    peak = _peak_mb()
    if kind == "csv":
        print(f"wide CSV, all rows: {elapsed:.1f} s, {size / 1e6:.0f} MB, peak RSS {peak:.0f} MB "
              f"(targets < 20 s, < 500 MB)")  # fmt: skip
    else:
        print(f"wide XLSX, all rows: {elapsed:.1f} s, {size / 1e6:.0f} MB, peak RSS {peak:.0f} MB "
              f"(target < 90 s)")  # fmt: skip


def api(directory: Path) -> None:
    """Requests per second for /api/returns pages (test client, in process, one thread)."""
    import shutil

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    from extracts.models import Publication
    from returns.models import Collection

    collection = Collection.objects.create(
        name="WRES 2026", year=2026, snapshot_date="2026-03-31", opens_on="2026-04-01",
        deadline="2026-05-31", closes_on="2026-06-30",
    )  # fmt: skip
    publication = Publication.objects.create(
        collection=collection, number=1, published_at="2026-07-01T00:00Z", release_file="r"
    )
    releases = directory / "releases"
    releases.mkdir(exist_ok=True)
    for name in ("r.parquet", "r.mask.parquet"):
        shutil.copy(directory / name, releases / name)
    client = Client()
    with override_settings(
        STORAGES={**settings.STORAGES, "default": _local(directory)},
        WRES_API_RATE_LIMIT=10**9,
        ALLOWED_HOSTS=["*"],
    ):
        for query, label in (
            ("page_size=50", "50 rows, all years"),
            ("page_size=50&year=2020", "50 rows, one year"),
            ("page_size=500", "500 rows"),
        ):
            first = client.get(f"/api/returns?{query}")  # warms the caches
            assert first.status_code == 200, first.content[:200]
            last_page = first.json()["pages"]
            pages = max(1, API_REQUESTS // (10 if "500" in query else 1))
            started = time.perf_counter()
            for page in range(pages):
                response = client.get(f"/api/returns?{query}&page={1 + page % last_page}")
                assert response.status_code == 200, response.content[:200]
            elapsed = time.perf_counter() - started
            size = len(response.content) / 1e3
            print(
                f"API /api/returns ({label}): {pages / elapsed:.1f} requests/s, "
                f"{1000 * elapsed / pages:.0f} ms each, {size:.0f} kB"
            )
    connection.close()
    del publication  # kept alive for the requests above


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: reset by exec, unlike ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    if len(sys.argv) == 3:
        if sys.argv[2] == "api":
            os.environ["SQLITE_PATH"] = str(Path(sys.argv[1]) / "bench.sqlite3")
            _setup()
            api(Path(sys.argv[1]))
            return
        _setup()
        stream(Path(sys.argv[1]), sys.argv[2])
        return
    _setup()
    if os.environ.get("DATABASE_URL"):
        print("note: DATABASE_URL is set, but this benchmark reads the stored release files only")
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder))
        for kind in ("csv", "xlsx", "api"):
            subprocess.run([sys.executable, __file__, folder, kind], check=True)


if __name__ == "__main__":
    main()
