"""`DatabaseStorage`: a Django storage over the chunk tables, shared by every node (ADR 0024).

Saving streams the content in `CHUNK_SIZE` pieces inside ``transaction.atomic()``, so it joins
the caller's transaction: a row and the file it names are committed, or rolled back, together.
Opening gives a read-only, seekable file that fetches one chunk at a time as it is read, so
pyarrow can read a Parquet file's footer and chosen row groups without loading the rest.
Files have no URL: the portal serves them through its own views, never directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import threading
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections, transaction
from django.utils.deconstruct import deconstructible

from filestore.models import CHUNK_SIZE, FileChunk, StoredFile


class ChunkReader(io.RawIOBase):
    """Read-only raw access to one stored file, fetching the chunk under the position lazily."""

    def __init__(self, file_id: int, size: int, name: str, using: str) -> None:
        super().__init__()
        self.file_id = file_id
        self.size = size
        self.label = name
        self.using = using
        self._position = 0
        self._index = -1
        self._chunk = b""
        self._owner = threading.get_ident()
        self._connection = connections[using]
        quote = self._connection.ops.quote_name
        table, data, owner, position = (
            quote(n) for n in (FileChunk._meta.db_table, "data", "file_id", "index")
        )
        # Names of our own, quoted; the values are parameters.
        self._sql = f"SELECT {data} FROM {table} WHERE {owner} = %s AND {position} = %s"  # noqa: S608

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise OSError(f"negative seek position {position}")
        self._position = position
        return position

    def _load(self, index: int) -> bytes:
        if index != self._index:
            data = self._fetch(index)
            if data is None:
                raise OSError(f"{self.label}: chunk {index} is missing (was the file deleted?)")
            self._chunk, self._index = bytes(data), index
        return self._chunk

    def _fetch(self, index: int) -> Any:
        """One chunk, on the connection of the thread that opened the file: pyarrow reads from
        its own threads (one read at a time, under its file lock), and a connection opened in
        each of those would never be closed."""
        connection = self._connection
        shared = threading.get_ident() != self._owner
        if shared:
            connection.inc_thread_sharing()
        try:
            with connection.cursor() as cursor:
                cursor.execute(self._sql, [self.file_id, index])
                found = cursor.fetchone()
        finally:
            if shared:
                connection.dec_thread_sharing()
        return None if found is None else found[0]

    def readinto(self, buffer: Any) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self.size - self._position)
        if wanted <= 0:
            return 0
        index, offset = divmod(self._position, CHUNK_SIZE)
        piece = self._load(index)[offset : offset + wanted]
        view[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)

    def close(self) -> None:
        self._chunk = b""
        super().close()


@deconstructible(path="filestore.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files as rows of `StoredFile` and `FileChunk` in the database ``using`` (ADR 0024).

    ``location`` is a prefix of every name, as a `FileSystemStorage`'s folder is: the uploads
    storage keeps the names its rows hold ("RJ1/2026/....csv") under "uploads/".
    """

    def __init__(self, location: str = "", using: str = "default") -> None:
        self.location = location.strip("/")
        self.using = using

    def _full(self, name: str) -> str:
        name = posixpath.normpath(str(name).replace("\\", "/")).lstrip("/")
        if name in ("", ".") or name == ".." or name.startswith("../"):
            raise ValueError(f"not a file name in the store: {name!r}")
        return f"{self.location}/{name}" if self.location else name

    def _row(self, name: str) -> StoredFile:
        try:
            return StoredFile.objects.using(self.using).get(name=self._full(name))
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(f"no stored file {name!r}") from None

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(c in mode for c in "wax+"):
            raise ValueError("stored files are read-only: save a new file instead")
        row = self._row(name)
        raw = ChunkReader(row.pk, row.size, name, self.using)
        handle: IO[Any] = io.BufferedReader(raw, buffer_size=CHUNK_SIZE)
        if "b" not in mode:
            handle = io.TextIOWrapper(handle, encoding="utf-8")
        return File(handle, name=name)

    def _save(self, name: str, content: File) -> str:
        digest = hashlib.sha256()
        size = 0
        index = 0
        pending = bytearray()
        with transaction.atomic(using=self.using):
            row = StoredFile.objects.using(self.using).create(name=self._full(name))

            def write(data: bytes) -> None:
                nonlocal index
                FileChunk.objects.using(self.using).create(file=row, index=index, data=data)
                index += 1

            for piece in content.chunks(CHUNK_SIZE):
                if isinstance(piece, str):
                    piece = piece.encode("utf-8")
                digest.update(piece)
                size += len(piece)
                pending += piece
                while len(pending) >= CHUNK_SIZE:
                    write(bytes(pending[:CHUNK_SIZE]))
                    del pending[:CHUNK_SIZE]
            if pending or index == 0:
                write(bytes(pending))
            row.size, row.sha256 = size, digest.hexdigest()
            row.save(update_fields=["size", "sha256"])
        return name

    def delete(self, name: str) -> None:
        if not name:
            raise ValueError("The name must be given to delete().")
        with transaction.atomic(using=self.using):
            found = StoredFile.objects.using(self.using).filter(name=self._full(name))
            FileChunk.objects.using(self.using).filter(file__in=found).delete()
            found.delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.using(self.using).filter(name=self._full(name)).exists()

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        base = self._full(path) if path.strip("/") not in ("", ".") else self.location
        prefix = f"{base}/" if base else ""
        names = StoredFile.objects.using(self.using).filter(name__startswith=prefix)
        directories: set[str] = set()
        files: list[str] = []
        for full in names.values_list("name", flat=True):
            rest = full[len(prefix) :]
            head, _, tail = rest.partition("/")
            if tail:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def size(self, name: str) -> int:
        return self._row(name).size

    def sha256(self, name: str) -> str:
        """The SHA-256 of the stored content (hex), worked out while it was saved."""
        return self._row(name).sha256

    def sha256s(self, names: list[str]) -> dict[str, str]:
        """The SHA-256 of each of ``names`` that is stored, in one query."""
        full = {self._full(name): name for name in names}
        rows = StoredFile.objects.using(self.using).filter(name__in=full)
        return {full[found]: digest for found, digest in rows.values_list("name", "sha256")}

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Stored files have no URL: the portal's views serve them")

    def get_created_time(self, name: str) -> dt.datetime:
        return self._row(name).created

    get_modified_time = get_created_time
    get_accessed_time = get_created_time
