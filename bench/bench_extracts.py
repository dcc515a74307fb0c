"""Benchmark of national extracts: 100,000 synthetic organisation-years, wide CSV and XLSX.

Builds a release (wide table + suppression mask, as `release_build` stores them) from
`indicators.synthesise` in a temporary folder, then streams the full wide CSV from it in a fresh
process (so peak memory is the download's own), and times XLSX on a slice (openpyxl write-only),
extrapolated. The database is not used: publication reads ReturnVersion JSON once, at publication.
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
XLSX_SLICE = 5000


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


def stream(directory: Path, kind: str) -> None:
    from extracts import writers
    from extracts.release import Release

    release = Release(None, directory / "r.parquet", directory / "r.mask.parquet")  # type: ignore[arg-type]
    started = time.perf_counter()
    size = 0
    if kind == "csv":
        for chunk in writers.wide_csv(release.batches()):
            size += len(chunk)
    else:

        def first(n: int):  # type: ignore[no-untyped-def]
            seen = 0
            for frame, mask in release.batches():
                take = min(len(frame), n - seen)
                yield frame.iloc[:take], mask.iloc[:take] if mask is not None else None
                seen += take
                if seen >= n:
                    return

        path = writers.xlsx_file(first(XLSX_SLICE))
        size = path.stat().st_size
        path.unlink()
    elapsed = time.perf_counter() - started
    peak = _peak_mb()
    if kind == "csv":
        print(f"wide CSV, all rows: {elapsed:.1f} s, {size / 1e6:.0f} MB, peak RSS {peak:.0f} MB "
              f"(targets < 20 s, < 500 MB)")  # fmt: skip
    else:
        rate = elapsed / XLSX_SLICE
        print(
            f"wide XLSX, {XLSX_SLICE:,} rows: {elapsed:.1f} s, {size / 1e6:.1f} MB, peak RSS "
            f"{peak:.0f} MB; extrapolated to 100,800 rows: {rate * 100_800:.0f} s (target < 90 s)"
        )


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
        _setup()
        stream(Path(sys.argv[1]), sys.argv[2])
        return
    _setup()
    if os.environ.get("DATABASE_URL"):
        print("note: DATABASE_URL is set, but this benchmark reads the stored release files only")
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder))
        for kind in ("csv", "xlsx"):
            subprocess.run([sys.executable, __file__, folder, kind], check=True)


if __name__ == "__main__":
    main()
