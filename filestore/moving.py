"""Moving files kept on a node's disk by older versions (under ``MEDIA_ROOT``) into the shared
store (ADR 0024): what ``manage.py move_files_to_store`` does.

Two kinds of file are moved, each to the name it has in the store:

- every file a row names through a ``FileField`` (uploads), from ``MEDIA_ROOT/<the storage's
  location>/<name>`` (``MEDIA_ROOT/uploads/RJ1/2026/....csv``), rows whose model records the file
  as deleted (``file_deleted_at`` set: retention, refused) left out;
- the release folder ``MEDIA_ROOT/releases`` (each publication's table and mask, the dashboard
  snapshot and profile table) to ``releases/<file>`` in the default store, byte for byte, so what
  was published stays exactly what it was. Built extracts (``releases/built``) and temporary
  files are not moved: the first request for an extract builds it again.

A file already stored with the same SHA-256 is left alone, so a second run moves nothing. A
stored file of the same name and other content is reported and left alone too (never replaced).
A file a row names but that is missing on disk is reported, and the run goes on. Local files are
kept unless ``delete_local``: then each is deleted once its stored copy's SHA-256 matches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models

from filestore.files import file_save_once, file_sha256
from filestore.storage import DatabaseStorage

RELEASES = "releases"
SKIPPED_SUFFIXES = (".lock", ".part", ".tmp")


@dataclass
class MoveRun:
    """What one run did (or, with ``dry_run``, would do), as stored names."""

    dry_run: bool
    moved: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)
    deleted_local: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """One local file and where it goes: ``name`` in ``storage``; ``source`` says who names it."""

    storage: Storage
    name: str
    local: Path
    source: str


def _stored_sha256(storage: Storage, name: str) -> str | None:
    if isinstance(storage, DatabaseStorage):
        found = storage.sha256s([name])
        return found.get(name)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        digest = hashlib.sha256()
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
        return digest.hexdigest()


def _location(storage: Storage) -> str:
    """The folder under MEDIA_ROOT that older versions kept this storage's files in: its
    location ("uploads"), as it was on disk."""
    return storage.location if isinstance(storage, DatabaseStorage) else ""


def _row_candidates(media: Path) -> Iterator[Candidate]:
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        for file_field in model._meta.get_fields():
            if not isinstance(file_field, models.FileField):
                continue
            storage = file_field.storage
            rows = model._default_manager.exclude(**{file_field.name: ""})
            if "file_deleted_at" in names:
                rows = rows.filter(file_deleted_at__isnull=True)
            label = model._meta.label
            folder = media / _location(storage)
            for pk, name in rows.order_by("pk").values_list("pk", file_field.name):
                yield Candidate(storage, name, folder / name, f"{label} {pk}")


def _release_candidates(media: Path) -> Iterator[Candidate]:
    folder = media / RELEASES
    if not folder.is_dir():
        return
    storage = storages["default"]
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or relative.parts[0] == "built" or path.suffix in SKIPPED_SUFFIXES:
            continue
        yield Candidate(storage, f"{RELEASES}/{relative.as_posix()}", path, "release folder")


def files_move_to_store(
    *, dry_run: bool = False, delete_local: bool = False, media_root: Path | None = None
) -> MoveRun:
    """Copies every file of ``MEDIA_ROOT`` that the portal still uses into the store (see the
    module's docstring). Idempotent; with ``dry_run`` nothing changes."""
    media = Path(media_root or settings.MEDIA_ROOT)
    run = MoveRun(dry_run=dry_run)
    for candidate in [*_row_candidates(media), *_release_candidates(media)]:
        label = f"{candidate.name} ({candidate.source})"
        if not candidate.local.is_file():
            stored = _stored_sha256(candidate.storage, candidate.name)
            (run.already if stored is not None else run.missing).append(label)
            continue
        local_sha = file_sha256(candidate.local)
        stored = _stored_sha256(candidate.storage, candidate.name)
        if stored is not None and stored != local_sha:
            run.conflicting.append(label)
            continue
        if stored is None:
            if dry_run:
                run.moved.append(label)
                continue
            file_save_once(candidate.storage, candidate.name, candidate.local)
            if _stored_sha256(candidate.storage, candidate.name) != local_sha:
                run.conflicting.append(label)  # pragma: no cover - stored, then changed
                continue
            run.moved.append(label)
        else:
            run.already.append(label)
        if delete_local and not dry_run:
            candidate.local.unlink()
            run.deleted_local.append(label)
    return run
