"""The dashboards tests use the extracts tests' small published history (six trusts, 2015-2017):
``history``/``published`` per test, or ``published_once`` per module (see tests/extracts), here
with the dashboard snapshot built once too (as the publish task does)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.extracts import conftest as extracts_fixtures
from tests.extracts.conftest import (  # noqa: F401 - fixtures, registered by name
    history,
    orgs_shared,
    published,
    published_shared,
)

_history_once = extracts_fixtures.published_once


@pytest.fixture(scope="module")
def published_once(_history_once: Path, django_db_blocker: Any) -> Iterator[Path]:
    from django.test import override_settings

    from dashboards.snapshot import dashboard_build
    from extracts.models import Publication

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_history_once):
        dashboard_build(publication=Publication.objects.latest("published_at", "pk"))
    yield _history_once
