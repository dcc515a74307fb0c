"""The parser pool (uploads/sandbox.py): warm bounded children, reused for good files only.

A child that refused a file, ran out of time or memory, or died is never used again, so a hostile
file cannot reach a later upload in the same process; the bounds hold for every file a child
reads, not only its first.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.submissions.upload_helpers import csv_bytes, save, workbook
from uploads import sandbox
from uploads.template import build_template


@pytest.fixture(autouse=True)
def fresh_pool() -> Iterator[None]:
    sandbox._current_pool().close()
    yield
    sandbox._current_pool().close()


@pytest.fixture(scope="module")
def template() -> bytes:
    return build_template(organisation_name="RJ1 NHS TRUST", ods_code="RJ1", year=2026)


def good(n: int = 7) -> bytes:
    return csv_bytes([("i2.shortlisted.white", 100 + n), ("i2.appointed.white", n)])


def waiting_pids() -> list[int]:
    pool = sandbox._current_pool()
    with pool.lock:
        return [child.process.pid for child in pool.idle]


def settle() -> None:
    """Waits for the background refill to finish (it starts one child at most)."""
    for thread in __import__("threading").enumerate():
        if thread.name == "parser-pool":
            thread.join(timeout=20)


def test_a_good_file_is_read_and_its_child_kept_for_the_next() -> None:
    first = sandbox.extract_bounded(good(1), "csv")
    settle()
    kept = waiting_pids()
    second = sandbox.extract_bounded(good(2), "csv")
    settle()

    assert first != second and "refused" not in first and "refused" not in second
    assert kept and kept[0] in waiting_pids()  # the same warm child read the second file


def test_a_refused_file_retires_its_child_and_the_next_file_is_read_afresh() -> None:
    sandbox.extract_bounded(good(), "csv")
    settle()
    (before,) = waiting_pids()

    refused = sandbox.extract_bounded(b"\x00\x01 not a csv", "csv")
    settle()
    after = sandbox.extract_bounded(good(3), "csv")

    assert "refused" in refused
    assert before not in waiting_pids()
    assert after == sandbox.extract_bounded(good(3), "csv")  # same answer from any child


def test_a_file_that_exhausts_memory_cannot_harm_the_next_upload(template: bytes) -> None:
    book = workbook(template)
    book["Indicator 2"]["XFD1000000"] = 1  # calamine asks for billions of cells
    hostile = sandbox.extract_bounded(save(book), "xlsx")
    clean = sandbox.extract_bounded(template, "xlsx")

    assert hostile["refused"]["code"] == "U013" and "memory" in hostile["refused"]["message"]
    assert "refused" not in clean and clean  # the template reads in full afterwards


def test_a_child_that_runs_out_of_time_is_killed_and_replaced(template: bytes) -> None:
    timed_out = sandbox.extract_bounded(template, "xlsx", wall_seconds=0.001)
    assert timed_out["refused"]["code"] == "U013" and "time" in timed_out["refused"]["message"]
    assert "refused" not in sandbox.extract_bounded(template, "xlsx")


def test_a_waiting_child_that_died_is_replaced_without_the_upload_noticing() -> None:
    sandbox.extract_bounded(good(), "csv")
    settle()
    pool = sandbox._current_pool()
    with pool.lock:
        for child in pool.idle:
            child.process.kill()
            child.process.wait()
    assert "refused" not in sandbox.extract_bounded(good(4), "csv")


def test_a_child_reads_file_after_file_each_under_its_own_cpu_bound() -> None:
    key = (str(sandbox.EXTRACT), sandbox.MEMORY_BYTES, 1)  # one CPU second per file
    child = sandbox._Child(key)
    try:
        import time

        for n in range(5):
            answer = child.exchange("csv", good(n), time.monotonic() + 20)
            assert answer is not None and b"refused" not in answer
        assert child.process.poll() is None
    finally:
        child.close()


def test_a_child_reads_a_bounded_number_of_files_then_is_replaced() -> None:
    key = (str(sandbox.EXTRACT), sandbox.MEMORY_BYTES, sandbox.CPU_SECONDS)
    child = sandbox._Child(key)
    child.served = sandbox.FILES_PER_CHILD
    assert not child.usable
    child.close()
