"""Extract files are built once per release (issue 19, finding 3), not for every download; a
second request while one builds waits or is told to come back; a new release replaces them.
They are kept in the shared file store (ADR 0024), the build's lock in the shared cache."""

import time

import pytest
from django.core.cache import cache

from extracts import built
from extracts.built import BUILT_DIR, STALE_LOCK_SECONDS, built_name, extract_name, lock_key
from extracts.release import release_open, release_storage
from extracts.services import collection_publish
from returns.models import Collection
from tests.extracts import conftest as extracts_fixtures

pytestmark = pytest.mark.django_db
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared


def built_files():
    return release_storage().listdir(BUILT_DIR)[1]


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
    stem = release_open().publication.release_file.rsplit("/", 1)[-1]
    assert built_files() == [f"{stem}-2017-wide-public.{fmt}"]


def test_a_new_release_builds_afresh_and_removes_the_old_files(published, client, builds):
    client.get("/data/wres-all-long.csv")
    old = set(built_files())

    collection_publish(collection=Collection.objects.get(year=2016), actor="tests")
    response = client.get("/data/wres-all-long.csv")

    assert response.status_code == 200
    assert len(builds) == 2
    now = set(built_files())
    assert not old & now and len(now) == 1


def test_a_download_while_another_builds_is_told_to_come_back(published, client, builds, settings):
    settings.WRES_EXTRACT_BUILD_WAIT_SECONDS = 0
    release = release_open()
    cache.add(lock_key(built_name(release, "2016", "wide", "csv", False)), time.time())

    response = client.get("/data/wres-2016-wide.csv")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "This file is being prepared" in response.content.decode()
    assert builds == []


def test_a_lock_left_by_a_build_that_died_is_taken_over(published, client, builds, settings):
    settings.WRES_EXTRACT_BUILD_WAIT_SECONDS = 0
    release = release_open()
    key = lock_key(built_name(release, "2016", "wide", "csv", False))
    cache.add(key, time.time() - STALE_LOCK_SECONDS - 5)

    response = client.get("/data/wres-2016-wide.csv")

    assert response.status_code == 200
    assert len(builds) == 1
    assert cache.get(key) is None


def test_a_failed_build_leaves_no_part_file_and_no_lock(published, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(built, "_build", broken)
    release = release_open()

    with pytest.raises(OSError, match="disk full"):
        extract_name(release, period="all", years=None, shape="wide", fmt="csv", unsuppressed=False)

    assert built_files() == []
    assert cache.get(lock_key(built_name(release, "all", "wide", "csv", False))) is None
