"""Extract files built once per release and kept beside it, not rebuilt for every request.

A request for an extract (period, shape, format, public or with counts) is served from a file
named after the release. The first request builds it: under an exclusive lock file, into a
temporary file in the same folder, renamed into place when whole, so a reader never sees half a
file. A request that finds another building it waits a little (``WRES_EXTRACT_BUILD_WAIT_SECONDS``)
and is otherwise told to come back (:class:`ExtractBeingBuilt`). A lock left by a process that
died is taken over once older than :data:`STALE_LOCK_SECONDS`. The first file built for a new
release removes the files of the releases before it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from django.conf import settings

from extracts import writers
from extracts.release import Release, release_dir

STALE_LOCK_SECONDS: Final = 600
_POLL_SECONDS: Final = 0.2


class ExtractBeingBuilt(Exception):
    """Another request is building this file; ``retry_after`` is a fair wait in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"being built; try again in {retry_after} seconds")
        self.retry_after = retry_after


def built_dir() -> Path:
    return release_dir() / "built"


def _name(release: Release, period: str, shape: str, fmt: str, unsuppressed: bool) -> str:
    figures = "unsuppressed" if unsuppressed else "public"
    return f"{release.publication.release_file}-{period}-{shape}-{figures}.{fmt}"


def _build(release: Release, years: list[int] | None, shape: str, fmt: str, unsuppressed: bool,
           target: Path) -> None:  # fmt: skip
    batches = release.batches(years=years, suppressed=not unsuppressed)
    if fmt == "csv":
        stream: Iterator[bytes] = (
            writers.wide_csv(batches) if shape == "wide" else writers.long_csv(batches)
        )
        with target.open("wb") as handle:
            for chunk in stream:
                handle.write(chunk)
    else:
        built = writers.xlsx_file(batches, long=shape == "long")
        shutil.move(built, target)


def _take_lock(lock: Path) -> int | None:
    """The lock's descriptor, or ``None`` while a live build holds it (a stale one is taken)."""
    for _ in range(2):
        try:
            return os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                age = time.time() - lock.stat().st_mtime
            except FileNotFoundError:
                continue  # released meanwhile: try again
            if age < STALE_LOCK_SECONDS:
                return None
            lock.unlink(missing_ok=True)  # its builder died: take it over
    return None


def extract_path(
    release: Release, *, period: str, years: list[int] | None, shape: str, fmt: str,
    unsuppressed: bool,
) -> Path:  # fmt: skip
    """The extract's file for ``release``, built now if no request has built it yet."""
    directory = built_dir()
    path = directory / _name(release, period, shape, fmt, unsuppressed)
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    deadline = time.monotonic() + settings.WRES_EXTRACT_BUILD_WAIT_SECONDS
    while True:
        descriptor = _take_lock(lock)
        if descriptor is not None:
            break
        if path.exists():
            return path
        if time.monotonic() >= deadline:
            raise ExtractBeingBuilt(retry_after=30)
        time.sleep(_POLL_SECONDS)
    try:
        if path.exists():  # built while this request waited for the lock
            return path
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as part:
            partial = Path(part.name)
        try:
            _build(release, years, shape, fmt, unsuppressed, partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        built_files_prune(release.publication.release_file)
    finally:
        os.close(descriptor)
        lock.unlink(missing_ok=True)
    return path


def built_files_prune(current: str) -> int:
    """Removes the built files of releases before ``current`` (its name); returns how many."""
    directory = built_dir()
    if not directory.exists():
        return 0
    removed = 0
    for path in directory.iterdir():
        if path.name.startswith(f"{current}-"):
            continue
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            continue
        if path.suffix in (".lock", ".part") and age < STALE_LOCK_SECONDS:
            continue  # another request's build, still going
        path.unlink(missing_ok=True)
        removed += 1
    return removed
