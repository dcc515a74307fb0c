"""Extract files are built once per release (issue 19, finding 3), not for every download; a
second request while one builds waits or is told to come back; a new release replaces them."""

import os
import time

import pytest

from extracts import built
from extracts.built import STALE_LOCK_SECONDS, built_dir, extract_path
from extracts.release import release_open
from extracts.services import collection_publish
from returns.models import Collection
from tests.extracts import conftest as extracts_fixtures

pytestmark = pytest.mark.django_db
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared


@pytest.fixture
def builds(monkeypatch):
    """Counts the builds (each still made by the real writers)."""
    made = []
    real = built._build

    def counting(*args, **kwargs):
        made.append(args[1:4])
        return real(*args, **kwargs)

    monkeypatch.setattr(built, "_build", counting)
    return made


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_extract_is_built_once_and_served_from_the_file_after(published, client, builds, fmt):
    first = client.get(f"/data/wres-2017-wide.{fmt}")
    second = client.get(f"/data/wres-2017-wide.{fmt}")

    assert first.status_code == second.status_code == 200
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
    assert len(builds) == 1
    assert first["Content-Disposition"] == f'attachment; filename="wres-2017-wide.{fmt}"'
    assert [p.name for p in built_dir().iterdir()] == [
        f"{release_open().publication.release_file}-2017-wide-public.{fmt}"
    ]


def test_a_new_release_builds_afresh_and_removes_the_old_files(published, client, builds):
    client.get("/data/wres-all-long.csv")
    old = set(built_dir().iterdir())

    collection_publish(collection=Collection.objects.get(year=2016), actor="tests")
    response = client.get("/data/wres-all-long.csv")

    assert response.status_code == 200
    assert len(builds) == 2
    now = set(built_dir().iterdir())
    assert not old & now and len(now) == 1


def test_a_download_while_another_builds_is_told_to_come_back(published, client, builds, settings):
    settings.WRES_EXTRACT_BUILD_WAIT_SECONDS = 0
    release = release_open()
    directory = built_dir()
    directory.mkdir(parents=True, exist_ok=True)
    lock = directory / f"{release.publication.release_file}-2016-wide-public.csv.lock"
    lock.write_text("")

    response = client.get("/data/wres-2016-wide.csv")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "This file is being prepared" in response.content.decode()
    assert builds == []


def test_a_lock_left_by_a_build_that_died_is_taken_over(published, client, builds, settings):
    settings.WRES_EXTRACT_BUILD_WAIT_SECONDS = 0
    release = release_open()
    directory = built_dir()
    directory.mkdir(parents=True, exist_ok=True)
    lock = directory / f"{release.publication.release_file}-2016-wide-public.csv.lock"
    lock.write_text("")
    old = time.time() - STALE_LOCK_SECONDS - 5
    os.utime(lock, (old, old))

    response = client.get("/data/wres-2016-wide.csv")

    assert response.status_code == 200
    assert len(builds) == 1
    assert not lock.exists()


def test_a_failed_build_leaves_no_part_file_and_no_lock(published, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(built, "_build", broken)
    release = release_open()

    with pytest.raises(OSError, match="disk full"):
        extract_path(release, period="all", years=None, shape="wide", fmt="csv", unsuppressed=False)

    assert list(built_dir().iterdir()) == []
