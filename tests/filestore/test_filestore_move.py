"""``move_files_to_store`` (ADR 0024): files kept under MEDIA_ROOT by older versions are copied
into the store under the names their rows hold; a dry run changes nothing, a second run moves
nothing, a missing or conflicting file is reported and the run goes on, local copies are
deleted only when asked and only once the stored copy's SHA-256 matches."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from filestore.models import StoredFile
from tests.submissions.conftest import open_collection
from tests.submissions.upload_helpers import csv_bytes
from uploads.models import Upload
from uploads.services import upload_receive

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("move_files_to_store", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def legacy(settings: Any, tmp_path: Path, orgs: dict[str, Any]) -> dict[str, Any]:
    """Two uploads whose files are on local disk as an older version kept them (not in the
    store), a third whose file is lost, and an old release folder."""
    settings.MEDIA_ROOT = tmp_path
    open_collection(2026)
    draft = orgs["RJ1"].returns.get(collection__year=2026)
    store = storages["uploads"]
    uploads = []
    for n in range(3):
        upload = upload_receive(
            return_=draft, actor="tests", filename=f"f{n}.csv",
            data=csv_bytes([("i2.shortlisted.white", 10 + n)]),
        )  # fmt: skip
        with store.open(upload.file.name) as handle:
            content = handle.read()
        store.delete(upload.file.name)
        if n < 2:
            local = tmp_path / "uploads" / upload.file.name
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(content)
        uploads.append(upload)
    releases = tmp_path / "releases"
    (releases / "built").mkdir(parents=True)
    (releases / "release-7.parquet").write_bytes(b"PAR1 table PAR1")
    (releases / "release-7.mask.parquet").write_bytes(b"PAR1 mask PAR1")
    (releases / "release-7.dashboard.json").write_text("{}")
    (releases / "built" / "release-7-all-wide-public.csv").write_text("a,b\n")
    (releases / "release-7.parquet.lock").write_text("")
    return {"uploads": uploads, "media": tmp_path}


def test_move_dry_run_says_what_would_move_and_changes_nothing(legacy: dict[str, Any]) -> None:
    out, err = run("--dry-run")

    assert "would move: uploads/" not in out  # names are the rows' own, not prefixed
    assert out.count("would move: ") == 5  # two uploads, table, mask, snapshot
    assert "2 would move" not in out and out.strip().endswith("1 missing, 0 in conflict")
    assert f"missing: {legacy['uploads'][2].file.name}" in err
    assert not StoredFile.objects.exists()


def test_move_copies_every_file_to_its_stored_name_and_a_second_run_moves_nothing(
    legacy: dict[str, Any],
) -> None:
    out, err = run()

    assert "5 moved, 0 already in the store, 1 missing, 0 in conflict" in out
    assert "missing: " in err and "Traceback" not in err
    for upload in legacy["uploads"][:2]:
        upload = Upload.objects.get(pk=upload.pk)
        with upload.file.open("rb") as handle:  # through the row's own storage
            assert hashlib.sha256(handle.read()).hexdigest() == upload.sha256
    default = storages["default"]
    assert default.open("releases/release-7.parquet").read() == b"PAR1 table PAR1"
    assert default.exists("releases/release-7.dashboard.json")
    assert not default.listdir("releases/built")[1]  # built again on the first request
    assert not default.exists("releases/release-7.parquet.lock")
    assert all(p.exists() for p in legacy["media"].rglob("*"))  # local copies kept

    again, _ = run()
    assert "0 moved, 5 already in the store, 1 missing, 0 in conflict" in again


def test_move_reports_a_stored_file_of_other_content_and_keeps_both(
    legacy: dict[str, Any],
) -> None:
    storages["default"].save("releases/release-7.mask.parquet", ContentFile(b"other"))

    out, err = run()

    assert "conflict: releases/release-7.mask.parquet" in err
    assert "4 moved" in out and "1 in conflict" in out
    assert storages["default"].open("releases/release-7.mask.parquet").read() == b"other"
    assert (legacy["media"] / "releases" / "release-7.mask.parquet").exists()


def test_move_deletes_local_copies_only_when_asked_and_once_stored(
    legacy: dict[str, Any],
) -> None:
    out, _ = run("--delete-local")

    assert "5 local copies deleted" in out
    media = legacy["media"]
    assert not (media / "releases" / "release-7.parquet").exists()
    assert not list((media / "uploads").rglob("*.csv"))
    assert (media / "releases" / "built" / "release-7-all-wide-public.csv").exists()  # not moved
    assert run()[0].startswith("0 moved, 2 already in the store")  # the uploads; no folder left


def test_move_leaves_out_files_deleted_by_retention(legacy: dict[str, Any]) -> None:
    from django.utils import timezone

    lost = legacy["uploads"][2]
    Upload.objects.filter(pk=lost.pk).update(file_deleted_at=timezone.now())

    out, err = run()

    assert "0 missing" in out and err == ""
