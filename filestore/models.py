"""Stored files and their chunks: the content of every file the portal keeps (ADR 0024).

A file is one `StoredFile` row (its unique name, size and SHA-256) and its content in
`FileChunk` rows of at most `CHUNK_SIZE` bytes, numbered from 0, so that it is written and read
a chunk at a time in constant memory and reading a part of it (a Parquet row group) fetches only
the chunks that hold it. Nothing in these tables is PostgreSQL-only: SQLite holds them too.
"""

from __future__ import annotations

from typing import Final

from django.db import models

#: Bytes per chunk: 1 MiB. Big enough that a 100 MB file is 100 rows, small enough that a reader
#: holds one chunk at a time and PostgreSQL stores each as one TOASTed value without strain.
CHUNK_SIZE: Final = 1024 * 1024


class StoredFile(models.Model):
    """One stored file: its name in the store (unique), size and SHA-256 of its content."""

    name = models.CharField(max_length=512, unique=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class FileChunk(models.Model):
    """``CHUNK_SIZE`` bytes of a stored file (the last one fewer), at position ``index``."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ("file", "index")
        constraints = [
            models.UniqueConstraint(fields=("file", "index"), name="filestore_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}#{self.index}"
