"""The reports tests use the dashboards tests' small published history (six trusts, 2015-2017,
published once per module, with the dashboard snapshot built as the publish task does)."""

from collections.abc import Iterator

import pytest

from tests.dashboards.conftest import (  # noqa: F401 - fixtures, registered by name
    _history_once,
    published_once,
)
from tests.extracts.conftest import (  # noqa: F401 - fixtures, registered by name
    history,
    orgs_shared,
    published,
    published_shared,
)


@pytest.fixture(autouse=True)
def _fresh_reports() -> Iterator[None]:
    """Each test assembles its reports afresh (some change published figures in place)."""
    from reports.content import report_cache_clear

    report_cache_clear()
    yield
    report_cache_clear()
