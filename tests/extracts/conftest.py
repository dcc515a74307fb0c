"""Fixtures for the extracts tests: a small published history, files under a temporary folder.

``history`` and ``published`` build it for one test. ``published_once`` builds it once per test
module, inside a transaction rolled back after the module's last test; a module that takes it
(``published = published_shared``, ``orgs = orgs_shared``) gives each test the same rows, in a
savepoint rolled back after the test, and its own copy of the release files, so each test may
change anything and none depends on another's order."""

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from organisations.models import Organisation, Region

ORG_CODES = ("RJ1", "RJ2", "RJ3")
YEARS = (2015, 2016, 2017)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _seed(orgs: dict[str, Organisation]) -> list[Organisation]:
    from returns.demo import seed_history

    extra = [
        Organisation.objects.create(ods_code=code, name=f"{code} NHS TRUST", region=region)
        for code, region in (
            ("RK1", Region.SOUTH_WEST),
            ("RK2", Region.SOUTH_WEST),
            ("RK3", Region.MIDLANDS),
        )
    ]
    organisations = [*orgs.values(), *extra]
    seed_history(organisations=organisations, current_year=2018)
    return organisations


def _publish() -> list[Any]:
    from extracts.services import collection_publish
    from returns.models import Collection

    return [
        collection_publish(collection=Collection.objects.get(year=year), actor="tests")
        for year in YEARS
    ]


@pytest.fixture
def history(orgs: dict[str, Organisation]) -> list[Organisation]:
    """Six trusts (RJ1-RJ3 in London, three more) with accepted versions 2015-2017, and an open
    2018 collection where RJ1 has a draft. Nothing is published yet."""
    return _seed(orgs)


@pytest.fixture
def published(history: list[Organisation]) -> list[Any]:
    """2015-2017 published by a system process."""
    return _publish()


@pytest.fixture(scope="module")
def published_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Path]:
    """``published``, once per module: the rows stay in an open transaction until the module
    ends, the files in the folder yielded (tests/dashboards adds the dashboard snapshot)."""
    from django.db import transaction
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("published")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=folder):
                orgs = {
                    code: Organisation.objects.create(
                        ods_code=code, name=f"{code} NHS TRUST", region=Region.LONDON
                    )
                    for code in ORG_CODES
                }
                _seed(orgs)
                _publish()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(*sys.exc_info())
            raise
    yield folder
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def orgs_shared(published_once: Path, db: None) -> dict[str, Organisation]:
    """RJ1-RJ3 of the module's published history (stands in for ``orgs``)."""
    return {code: Organisation.objects.get(ods_code=code) for code in ORG_CODES}


@pytest.fixture
def published_shared(published_once: Path, db: None, settings: Any, tmp_path: Path) -> list[Any]:
    """The module's published history, with this test's own copy of its files."""
    from extracts.models import Publication

    shutil.copytree(published_once, tmp_path, dirs_exist_ok=True)
    settings.MEDIA_ROOT = tmp_path
    return list(Publication.objects.order_by("collection__year", "pk"))
