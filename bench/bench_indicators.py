"""Benchmark of the indicator engine: one return, national computation, and a bare NumPy floor.

Run from the repository root: ``python bench/bench_indicators.py``. Prints the figures only;
it is not a test and asserts nothing.
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from indicators import aggregate, compute_national, compute_return, synthesise
from indicators.dictionary import ITEMS, LIKELIHOODS

YEARS = range(2015, 2027)


def returns(rows: int, seed: int = 1) -> pd.DataFrame:
    """Exactly ``rows`` synthetic organisation-years."""
    organisations = -(-rows // len(YEARS))
    return synthesise(organisations, YEARS, seed=seed).iloc[:rows].reset_index(drop=True)


def values_of(row: pd.Series) -> dict[str, object]:
    return {
        item.code: int(row[item.code]) if item.unit == "count" else float(row[item.code])
        for item in ITEMS
        if not pd.isna(row[item.code])
    }


def bench_one_return() -> None:
    frame = returns(24)
    previous, current = values_of(frame.iloc[7]), values_of(frame.iloc[8])
    plan = {"base_year": 2018, "target_year": 2028, "target_pct": 25.0, "base_pct": {"vsm": 5.0}}
    for _ in range(50):  # warm up
        compute_return(current, previous=previous, model_employer=plan, year=2023)
    timings = []
    for _ in range(1000):
        start = time.perf_counter()
        compute_return(current, previous=previous, model_employer=plan, year=2023)
        timings.append(time.perf_counter() - start)
    timings.sort()
    print("One return, all checks and metrics (with last year's return and Model Employer):")
    print(
        f"  median {statistics.median(timings) * 1e3:.3f} ms, "
        f"p95 {timings[int(0.95 * len(timings))] * 1e3:.3f} ms over {len(timings)} runs"
    )


def rl_floor(frame: pd.DataFrame) -> float:
    """Seconds for bare NumPy arithmetic of the three RL columns (no checks, nulls or flags)."""
    arrays = {
        code: frame[code].to_numpy(dtype=np.float64, na_value=np.nan)
        for spec in LIKELIHOODS
        for name in (spec.event, spec.base)
        for eth in ("white", "bme")
        for code in [f"i{spec.indicator}.{name}.{eth}"]
    }
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for spec in LIKELIHOODS:
            k = spec.indicator
            a = arrays[f"i{k}.{spec.event}.{spec.numerator}"]
            n1 = arrays[f"i{k}.{spec.base}.{spec.numerator}"]
            c = arrays[f"i{k}.{spec.event}.{spec.comparator}"]
            n2 = arrays[f"i{k}.{spec.base}.{spec.comparator}"]
            with np.errstate(all="ignore"):
                _ = (a * n2) / (n1 * c)
        best = min(best, time.perf_counter() - start)
    return best


def bench_national() -> None:
    print("National computation (compute_national, synthetic data, every metric and flag):")
    print(f"  {'rows':>7}  {'time':>8}  {'per 10k rows':>12}  {'peak traced memory':>18}")
    largest = None
    seconds = 0.0
    for rows in (10_000, 50_000, 100_000):
        frame = returns(rows)
        gc.collect()
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            result = compute_national(frame)
            timings.append(time.perf_counter() - start)
            del result
            gc.collect()
        seconds = min(timings)
        tracemalloc.start()
        result = compute_national(frame)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del result
        print(
            f"  {rows:>7,}  {seconds:>7.3f}s  {seconds / rows * 1e4:>11.3f}s  "
            f"{peak / 2**20:>15.0f} MiB"
        )
        largest = frame
    assert largest is not None
    floor = rl_floor(largest)
    print(f"  input frame at 100,000 rows: {largest.memory_usage(deep=True).sum() / 2**20:.0f} MiB")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  process peak RSS (all sizes, input data included): {peak_rss:.0f} MiB")
    print("Floor: bare NumPy (a*n2)/(n1*c) for the three RL columns at 100,000 rows:")
    print(f"  {floor * 1e3:.3f} ms; compute_national / floor = {seconds / floor:,.0f}x")
    start = time.perf_counter()
    aggregate(largest, by=("year", "region"))
    print(f"Aggregate by year and region at 100,000 rows: {time.perf_counter() - start:.3f}s")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, NumPy {np.__version__}, pandas {pd.__version__}")
    bench_one_return()
    bench_national()


if __name__ == "__main__":
    main()
