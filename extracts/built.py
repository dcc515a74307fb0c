"""Extract files built once per release and kept beside it in the store, not rebuilt per request.

A request for an extract (period, shape, format, public or with counts) is served from a stored
file named after the release (``releases/built/<release>-<period>-<shape>-<figures>.<fmt>``,
ADR 0024). The first request builds it: under a lock in the shared cache (Redis in full mode, so
one node builds while the others wait), into a temporary file that dies with the request, then
into the store in one transaction, so a reader never sees half a file. A request that finds
another building it waits a little (``WRES_EXTRACT_BUILD_WAIT_SECONDS``) and is otherwise told to
come back (:class:`ExtractBeingBuilt`). A lock left by a process that died is taken over once
older than :data:`STALE_LOCK_SECONDS`. The first file built for a new release removes the files of
the releases before it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from django.conf import settings
from django.core.cache import cache

from extracts import writers
from extracts.release import Release, release_storage
from filestore.files import file_save_once

STALE_LOCK_SECONDS: Final = 600
_POLL_SECONDS: Final = 0.2
BUILT_DIR: Final = "releases/built"


class ExtractBeingBuilt(Exception):
    """Another request is building this file; ``retry_after`` is a fair wait in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"being built; try again in {retry_after} seconds")
        self.retry_after = retry_after


def _prefix(release: Release) -> str:
    return release.publication.release_file.rsplit("/", 1)[-1]


def built_name(release: Release, period: str, shape: str, fmt: str, unsuppressed: bool) -> str:
    """The stored name of one extract of ``release``."""
    figures = "unsuppressed" if unsuppressed else "public"
    return f"{BUILT_DIR}/{_prefix(release)}-{period}-{shape}-{figures}.{fmt}"


def lock_key(name: str) -> str:
    """The shared cache's key of the lock on building the stored file ``name``."""
    return f"extract-build:{name}"


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


def _take_lock(key: str) -> bool:
    """Whether this request took the lock (a live build holds it: no; a stale one is taken)."""
    for _ in range(2):
        if cache.add(key, time.time(), timeout=STALE_LOCK_SECONDS * 2):
            return True
        taken = cache.get(key)
        if taken is None:
            continue  # released meanwhile: try again
        if time.time() - float(taken) < STALE_LOCK_SECONDS:
            return False
        cache.delete(key)  # its builder died: take it over
    return False


def extract_name(
    release: Release, *, period: str, years: list[int] | None, shape: str, fmt: str,
    unsuppressed: bool,
) -> str:  # fmt: skip
    """The stored name of the extract for ``release``, built now if no request has built it."""
    storage = release_storage()
    name = built_name(release, period, shape, fmt, unsuppressed)
    if storage.exists(name):
        return name
    key = lock_key(name)
    deadline = time.monotonic() + settings.WRES_EXTRACT_BUILD_WAIT_SECONDS
    while not _take_lock(key):
        if storage.exists(name):
            return name
        if time.monotonic() >= deadline:
            raise ExtractBeingBuilt(retry_after=30)
        time.sleep(_POLL_SECONDS)
    try:
        if storage.exists(name):  # built while this request waited for the lock
            return name
        with tempfile.TemporaryDirectory(prefix="wres-extract-") as work:
            partial = Path(work) / "extract.part"
            _build(release, years, shape, fmt, unsuppressed, partial)
            file_save_once(storage, name, partial)
        built_files_prune(release.publication.release_file)
    finally:
        cache.delete(key)
    return name


def built_files_prune(current: str) -> int:
    """Removes the built files of releases before ``current`` (its name); returns how many."""
    storage = release_storage()
    keep = f"{current.rsplit('/', 1)[-1]}-"
    removed = 0
    for filename in storage.listdir(BUILT_DIR)[1]:
        if filename.startswith(keep):
            continue
        storage.delete(f"{BUILT_DIR}/{filename}")
        removed += 1
    return removed
