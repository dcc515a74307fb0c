"""Fixtures for the extracts tests: a small published history, files under a temporary folder."""

from typing import Any

import pytest

from organisations.models import Organisation, Region


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def history(orgs: dict[str, Organisation]) -> list[Organisation]:
    """Six trusts (RJ1-RJ3 in London, three more) with accepted versions 2015-2017, and an open
    2018 collection where RJ1 has a draft. Nothing is published yet."""
    from submissions.demo import seed_history

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


@pytest.fixture
def published(history: list[Organisation]) -> list[Any]:
    """2015-2017 published by a system process."""
    from extracts.services import collection_publish
    from submissions.models import Collection

    return [
        collection_publish(collection=Collection.objects.get(year=year), actor="tests")
        for year in (2015, 2016, 2017)
    ]
