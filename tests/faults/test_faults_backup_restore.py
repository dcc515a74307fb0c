"""`make backup` / `make restore` (scripts/backup.sh, scripts/restore.sh) on PostgreSQL
(WRES_FAULTS=1): a round trip into a scratch database gives back every row (returns, versions
with their values, explanations and metrics, uploads, audit) and every uploaded file, which is
kept in the database's file store (ADR 0024), so nothing is read from or written to MEDIA_ROOT;
a restore that is not confirmed, or of a damaged or unsuitable backup, changes nothing and says
why.
One test, so that the data and the backup are made once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from organisations.models import Organisation
from returns.demo import seed_history
from returns.models import Return, ReturnVersion
from tests.conftest import ROOT, _test_database_url
from tests.submissions.upload_helpers import csv_bytes
from uploads.models import Upload
from uploads.services import upload_receive

pytestmark = [
    pytest.mark.faults,
    pytest.mark.usefixtures("own_redis"),  # session-wide, so up before the cache is cleared
    pytest.mark.django_db(transaction=True),
]


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def dumpdata(database_url: str) -> list[dict[str, Any]]:
    """Every row of every model, as Django's dumpdata gives it, from the given database."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "dumpdata", "--indent", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
        env={**os.environ, "DATABASE_URL": database_url,
             "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test"},
    )  # fmt: skip
    rows: list[dict[str, Any]] = json.loads(out.stdout)
    return sorted(rows, key=lambda row: (row["model"], str(row["pk"])))


def stored_uploads(database_url: str) -> dict[str, str]:
    """The uploads' files in the given database's file store: name -> SHA-256 of the content
    read back chunk by chunk (not the recorded hash)."""
    out = subprocess.run(
        ["psql", "--no-psqlrc", "-At", "-F", " ", "-d", database_url, "-c",
         "select f.name, encode(sha256(string_agg(c.data, '' order by c.index)), 'hex') "
         "from filestore_storedfile f join filestore_filechunk c on c.file_id = f.id "
         "where f.name like 'uploads/%' group by f.name"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    pairs = (line.split(" ") for line in out.stdout.splitlines() if line)
    return {name.removeprefix("uploads/"): digest for name, digest in pairs}


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """An empty database beside the test database, dropped afterwards."""
    name = f"test_wres_restore_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    source = _test_database_url()
    try:
        yield source.rsplit("/", 1)[0] + "/" + name
    finally:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def data(full_mode: None, settings: Any, tmp_path: Path) -> Path:
    """Ten years of accepted returns for three trusts, a draft, and uploads with their files."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    organisations = [
        Organisation.objects.create(ods_code=code, name=f"{code} NHS TRUST", region="Y56")
        for code in ("RJ1", "RJ2", "RJ3")
    ]
    seed_history(organisations=organisations, current_year=2026)
    draft = Return.objects.get(organisation__ods_code="RJ1", collection__year=2026)
    for n in range(3):
        upload_receive(
            return_=draft,
            actor="tests",
            filename=f"figures-{n}.csv",
            data=csv_bytes([("i2.shortlisted.white", 10 + n)]),
        )
    return media


def bad_copies(backup: Path, tmp_path: Path) -> dict[str, Path]:
    """Copies of the backup spoiled in each way restore.sh must notice."""
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    with (damaged / "database.pgdump").open("ab") as handle:
        handle.write(b"x")
    sqlite_kind = tmp_path / "sqlite-kind"
    shutil.copytree(backup, sqlite_kind)
    (sqlite_kind / "database.pgdump").rename(sqlite_kind / "database.sqlite3")
    (sqlite_kind / "SHA256SUMS").unlink()
    subprocess.run("sha256sum -- * > SHA256SUMS", shell=True, cwd=sqlite_kind, check=True)
    incomplete = tmp_path / "incomplete"
    shutil.copytree(backup, incomplete)
    (incomplete / "SHA256SUMS").unlink()
    return {"damaged": damaged, "sqlite_kind": sqlite_kind, "incomplete": incomplete}


def table_count(database_url: str) -> int:
    """How many tables the database has (0 for an untouched scratch database)."""
    out = subprocess.run(
        ["psql", "--no-psqlrc", "-At", "-d", database_url, "-c",
         "select count(*) from pg_tables where schemaname = 'public'"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return int(out.stdout.strip())


def test_backup_and_restore_round_trip_gives_back_every_row_and_file(
    data: Path, scratch_database: str, tmp_path: Path
) -> None:
    source = _test_database_url()
    assert ReturnVersion.objects.count() >= 30 and Upload.objects.count() == 3
    assert all(v.metrics and v.values for v in ReturnVersion.objects.all())
    assert ReturnVersion.objects.exclude(explanations={}).exists()
    before = dumpdata(source)
    files_before = stored_uploads(source)
    assert len(files_before) == 3
    assert not any(data.rglob("*"))  # nothing on the node's disk

    made = run("backup.sh", env={"DATABASE_URL": source, "MEDIA_ROOT": str(data),
                                 "WRES_BACKUP_DIR": str(tmp_path / "backups")})  # fmt: skip
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} >= {"database.pgdump", "SHA256SUMS"}
    assert "uploads.tar.gz" not in {p.name for p in backup.iterdir()}  # the files are in the dump

    # Refused, each saying why, and nothing changed: bad input, then no confirmation.
    restored_media = tmp_path / "restored-media"
    target = {"DATABASE_URL": scratch_database, "MEDIA_ROOT": str(restored_media)}
    bad = bad_copies(backup, tmp_path)
    cases = [
        ((), 1, "which backup?"),
        ((str(tmp_path / "nowhere"), "--yes"), 1, "no backup folder at"),
        ((str(bad["damaged"]), "--yes"), 1, "is damaged"),
        ((str(bad["incomplete"]), "--yes"), 1, "is not a complete backup"),
        ((str(bad["sqlite_kind"]), "--yes"), 1, "holds no database.pgdump"),
        ((str(backup), "--force"), 1, "unknown option --force"),
        ((str(backup),), 2, "--yes"),
    ]
    for args, code, message in cases:
        refused = run("restore.sh", *args, env=target)
        assert refused.returncode == code, (args, refused.stderr)
        assert message in refused.stderr and "Traceback" not in refused.stderr, args
    assert table_count(scratch_database) == 0 and not restored_media.exists()

    done = run("restore.sh", str(backup), "--yes", env=target)
    assert done.returncode == 0, done.stderr
    after = dumpdata(scratch_database)
    assert after == before
    models = {row["model"] for row in after}
    assert {"returns.return", "returns.returnversion", "uploads.upload"} <= models
    assert {"filestore.storedfile", "filestore.filechunk"} <= models
    assert stored_uploads(scratch_database) == files_before
    for upload in Upload.objects.all():
        assert files_before[upload.file.name] == upload.sha256
    assert not restored_media.exists()
