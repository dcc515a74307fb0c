"""The database file store (ADR 0024): files saved a chunk at a time in the caller's
transaction, read back lazily and seekably (pyarrow reads chosen row groups through it),
deleted with their chunks, and named as Django's storages name files."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from filestore.models import CHUNK_SIZE, FileChunk, StoredFile
from filestore.storage import DatabaseStorage

pytestmark = pytest.mark.django_db


class CountingStream(io.RawIOBase):
    """A stream of ``size`` pseudo-random bytes that records the largest read asked of it."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.largest = size, 0, 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        self.largest = max(self.largest, len(view))
        count = min(len(view), self.size - self.position)
        block = (self.position.to_bytes(8, "big") * ((count // 8) + 1))[:count]
        view[:count] = block
        self.digest.update(block)
        self.position += count
        return count


def test_storage_is_the_default_and_uploads_store():
    assert isinstance(storages["default"], DatabaseStorage)
    assert isinstance(storages["uploads"], DatabaseStorage)
    assert storages["uploads"].location == "uploads"


def test_storage_round_trip_of_a_large_file_is_streamed_in_chunks():
    storage = DatabaseStorage()
    size = 3 * CHUNK_SIZE + 12345
    stream = CountingStream(size)

    name = storage.save("big/file.bin", File(stream, name="file.bin"))

    assert name == "big/file.bin"
    assert stream.largest <= CHUNK_SIZE  # never read whole
    row = StoredFile.objects.get(name=name)
    assert row.size == size == storage.size(name)
    assert row.sha256 == stream.digest.hexdigest() == storage.sha256(name)
    lengths = list(row.chunks.order_by("index").values_list("index", "data"))
    assert [i for i, _ in lengths] == [0, 1, 2, 3]
    assert [len(d) for _, d in lengths] == [CHUNK_SIZE] * 3 + [12345]
    with storage.open(name) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == row.sha256


def test_storage_reads_a_part_without_fetching_the_other_chunks():
    storage = DatabaseStorage()
    content = os.urandom(2 * CHUNK_SIZE + 10)
    name = storage.save("part.bin", ContentFile(content))

    handle = storage.open(name)
    with CaptureQueriesContext(connection) as queries:
        handle.seek(2 * CHUNK_SIZE + 3)
        tail = handle.read(5)
    assert tail == content[2 * CHUNK_SIZE + 3 : 2 * CHUNK_SIZE + 8]
    assert len(queries) == 1 and queries[0]["sql"].endswith("= 2")  # chunk 2 only
    handle.seek(CHUNK_SIZE - 2)
    assert handle.read(4) == content[CHUNK_SIZE - 2 : CHUNK_SIZE + 2]  # across two chunks
    assert handle.tell() == CHUNK_SIZE + 2
    handle.seek(-3, io.SEEK_END)
    assert handle.read() == content[-3:]
    assert handle.read(10) == b""
    buffer = bytearray(7)
    handle.seek(1)
    assert handle.readinto(buffer) == 7 and bytes(buffer) == content[1:8]
    handle.close()


def test_storage_is_read_only_once_saved():
    storage = DatabaseStorage()
    name = storage.save("ro.txt", ContentFile(b"x"))
    with pytest.raises(ValueError, match="read-only"):
        storage.open(name, "wb")


def test_storage_save_joins_the_callers_transaction_so_a_rollback_leaves_no_file():
    storage = DatabaseStorage()

    class Stop(Exception):
        pass

    with pytest.raises(Stop), transaction.atomic():
        storage.save("rolled/back.bin", ContentFile(os.urandom(CHUNK_SIZE + 1)))
        assert storage.exists("rolled/back.bin")
        raise Stop

    assert not storage.exists("rolled/back.bin")
    assert not FileChunk.objects.exists()


def test_storage_delete_removes_the_file_and_its_chunks():
    storage = DatabaseStorage()
    kept = storage.save("kept.bin", ContentFile(b"keep"))
    name = storage.save("gone.bin", ContentFile(os.urandom(CHUNK_SIZE * 2)))

    storage.delete(name)
    storage.delete(name)  # already gone: nothing to do, as FileSystemStorage

    assert not storage.exists(name)
    assert list(FileChunk.objects.values_list("file__name", flat=True)) == [kept]
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(FileNotFoundError):
        storage.size(name)


def test_storage_names_follow_django_an_existing_name_gets_another():
    storage = DatabaseStorage()
    first = storage.save("same/name.csv", ContentFile(b"1"))
    second = storage.save("same/name.csv", ContentFile(b"2"))

    assert first == "same/name.csv"
    assert second != first and second.startswith("same/name_") and second.endswith(".csv")
    assert storage.open(second).read() == b"2"
    with pytest.raises(Exception, match=r"path traversal|not a file name"):
        storage.save("../escape.csv", ContentFile(b"x"))


def test_storage_empty_file_and_text_mode():
    storage = DatabaseStorage()
    empty = storage.save("empty", ContentFile(b""))
    assert storage.size(empty) == 0 and storage.open(empty).read() == b""
    text = storage.save("t.json", ContentFile('{"é": 1}'.encode()))
    assert storage.open(text, "r").read() == '{"é": 1}'


def test_storage_location_prefixes_names_and_listdir_lists_one_level():
    uploads = DatabaseStorage(location="uploads")
    other = DatabaseStorage()
    uploads.save("RJ1/2026/a.csv", ContentFile(b"a"))
    uploads.save("RJ1/b.csv", ContentFile(b"b"))
    other.save("releases/r.parquet", ContentFile(b"r"))

    assert StoredFile.objects.filter(name="uploads/RJ1/2026/a.csv").exists()
    assert uploads.exists("RJ1/2026/a.csv") and not other.exists("RJ1/2026/a.csv")
    assert uploads.listdir("") == (["RJ1"], [])
    assert uploads.listdir("RJ1") == (["2026"], ["b.csv"])
    assert other.listdir("") == (["releases", "uploads"], [])


def test_storage_has_no_url_and_no_local_path():
    storage = DatabaseStorage()
    with pytest.raises(NotImplementedError):
        storage.url("a")
    with pytest.raises(NotImplementedError):
        storage.path("a")


def test_storage_deconstructs_for_migrations():
    path, _args, kwargs = DatabaseStorage(location="uploads").deconstruct()
    assert path == "filestore.storage.DatabaseStorage"
    assert kwargs == {"location": "uploads"}


def test_parquet_row_groups_are_read_through_the_storage_without_the_whole_file():
    storage = DatabaseStorage()
    rows = 60_000
    frame = pd.DataFrame({"n": range(rows), "noise": [os.urandom(24).hex() for _ in range(rows)]})
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, row_group_size=5000)
    assert len(buffer.getvalue()) > 2 * CHUNK_SIZE  # spans several chunks
    name = storage.save("t.parquet", ContentFile(buffer.getvalue()))

    with storage.open(name) as handle, CaptureQueriesContext(connection) as queries:
        parquet = pq.ParquetFile(handle)
        assert parquet.num_row_groups == 12
        last = parquet.read_row_group(11).to_pandas()
    assert list(last["n"]) == list(range(55_000, 60_000))
    chunks = storage.size(name) // CHUNK_SIZE + 1
    fetched = sum("filestore_filechunk" in q["sql"] for q in queries)
    assert fetched < chunks  # the footer and one row group, not every chunk
