"""Helpers for code that keeps files in a storage: write once under a fixed name, and a
fingerprint of what is stored (for caches that must notice a file written anew)."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction

from filestore.storage import DatabaseStorage


def _atomic(storage: Storage) -> AbstractContextManager[object]:
    """A transaction on the database of a database store; nothing for another store."""
    if isinstance(storage, DatabaseStorage):
        return transaction.atomic(using=storage.using)
    return nullcontext()


def file_save_once(storage: Storage, name: str, source: Path | bytes) -> bool:
    """Stores ``source`` (a local temporary file, or bytes) as ``name`` unless a file of that
    name is already stored; returns whether it stored it.

    For names that identify their content (a release's files carry its hash), so a second
    writer, even one racing this one, finds the same content there and keeps it."""
    if storage.exists(name):
        return False
    try:
        with _atomic(storage):
            if isinstance(source, bytes):
                saved = storage.save(name, ContentFile(source))
            else:
                with source.open("rb") as handle:
                    saved = storage.save(name, File(handle))
    except IntegrityError:  # another writer stored it first (unique name)
        if storage.exists(name):
            return False
        raise
    if saved != name:  # a store that renames instead of refusing (S3): keep the first
        storage.delete(saved)
        return False
    return True


def file_fingerprint(storage: Storage, name: str) -> str:
    """What identifies the stored content of ``name`` (raises ``FileNotFoundError`` if none):
    its SHA-256 in the database store, its modification time and size elsewhere."""
    if isinstance(storage, DatabaseStorage):
        return storage.sha256(name)
    if not storage.exists(name):
        raise FileNotFoundError(name)
    return f"{storage.get_modified_time(name).isoformat()}:{storage.size(name)}"


def file_fingerprints(storage: Storage, names: list[str]) -> dict[str, str]:
    """:func:`file_fingerprint` of each of ``names`` that is stored (one query in the database
    store); a name not stored is left out."""
    if isinstance(storage, DatabaseStorage):
        return storage.sha256s(names)
    found = {}
    for name in names:
        try:
            found[name] = file_fingerprint(storage, name)
        except FileNotFoundError:
            continue
    return found


def file_sha256(path: Path) -> str:
    """The SHA-256 (hex) of a local file, read in pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def file_replace(storage: Storage, files: dict[str, Path]) -> None:
    """Stores each local file under its name, replacing what was stored there, all in one
    transaction (in the database store: a reader sees all the old files or all the new).

    Two writers of the same names at once: the second finds the first's rows (unique names)
    and keeps them, as both built the same thing."""
    try:
        with _atomic(storage):
            for name, source in files.items():
                storage.delete(name)
                with source.open("rb") as handle:
                    saved = storage.save(name, File(handle))
                if saved != name:  # pragma: no cover - a store that renames (S3, a race)
                    storage.delete(saved)
    except IntegrityError:
        if not all(storage.exists(name) for name in files):
            raise
