"""Demo history: past collections with accepted synthetic versions, this year's open collection."""

import datetime as dt
import time
from typing import Any

import pytest

from indicators import compute_return
from organisations.models import Organisation
from returns.demo import FIRST_YEAR, seed_history
from returns.models import Collection, CollectionStatus, Return, ReturnState, ReturnVersion
from returns.selectors import return_previous_values, unexplained_warnings


def _counts() -> tuple[int, int, int]:
    return Collection.objects.count(), Return.objects.count(), ReturnVersion.objects.count()


def test_seed_history_for_the_register_is_complete_and_idempotent(register: None) -> None:
    organisations = list(Organisation.objects.filter(closed_on__isnull=True))
    first = seed_history(organisations=organisations, current_year=2026)
    assert first.collections_created == 2026 - FIRST_YEAR + 1
    assert first.versions_created > 1500
    counts = _counts()

    started = time.perf_counter()
    second = seed_history(organisations=organisations, current_year=2026)
    elapsed = time.perf_counter() - started

    assert (second.collections_created, second.versions_created, second.drafts_created) == (0, 0, 0)
    assert _counts() == counts
    assert elapsed < 1.0
    # Every organisation that existed at a past snapshot has one accepted, synthetic version.
    for organisation in organisations[::25]:
        years = set(
            Return.objects.filter(
                organisation=organisation, state=ReturnState.ACCEPTED
            ).values_list("collection__year", flat=True)
        )
        expected = {
            year
            for year in range(FIRST_YEAR, 2026)
            if organisation.opened_on is None or organisation.opened_on <= dt.date(year, 3, 31)
        }
        assert years == expected
    assert not ReturnVersion.objects.filter(synthetic=False).exists()
    assert not Return.objects.filter(
        state=ReturnState.ACCEPTED, accepted_version__isnull=True
    ).exists()


@pytest.fixture
def seeded(
    register: None, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> list[Organisation]:
    codes = ["RJ1", "RRV", "R0A", "RJZ", "RQM", "RYJ", "G6V2S"]
    organisations = list(Organisation.objects.filter(ods_code__in=codes))
    with django_capture_on_commit_callbacks(execute=True):  # RJ1's check, queued on commit
        seed_history(organisations=organisations, current_year=2026)
    return organisations


def test_seed_history_versions_pass_the_checks(seeded: list[Organisation]) -> None:
    versions = ReturnVersion.objects.select_related("wres_return__collection")
    assert versions.count() > 50
    for version in versions:
        previous = return_previous_values(return_=version.wres_return)
        result = compute_return(
            version.values, previous=previous, year=version.collection.year, draft=False
        )
        assert not result.has_errors, (version, result.issues)
        assert not unexplained_warnings(result.issues, version.explanations)
        assert version.metrics == result.metrics
        assert version.synthetic and version.number == 1


def test_seed_history_opens_this_year_with_rj1_as_a_draft(seeded: list[Organisation]) -> None:
    current = Collection.objects.get(year=2026)
    assert current.status == CollectionStatus.OPEN
    assert Collection.objects.filter(year__lt=2026, closed_at__isnull=True).count() == 0
    rj1 = Return.objects.get(collection=current, organisation__ods_code="RJ1")
    assert rj1.state == ReturnState.DRAFT and not rj1.is_not_started
    assert not any(code.startswith("i3.workforce_prev") for code in rj1.values)  # pre-filled
    assert rj1.check_is_current
    assert not [i for i in rj1.latest_check["issues"] if i["severity"] == "error"]
    others = Return.objects.filter(collection=current).exclude(pk=rj1.pk)
    assert others.count() > 100  # every open trust in scope, by collection_open
    assert all(r.is_not_started for r in others)


def test_seed_history_skips_years_before_an_organisation_opened(
    seeded: list[Organisation],
) -> None:
    newer = Organisation.objects.get(ods_code="G6V2S")  # opened November 2024
    years = set(
        Return.objects.filter(organisation=newer, state=ReturnState.ACCEPTED).values_list(
            "collection__year", flat=True
        )
    )
    assert years == {2025}
    first = ReturnVersion.objects.get(organisation=newer)
    assert not any("_prev" in code for code in first.values)


def test_seed_history_leaves_an_edited_rj1_draft_alone(
    seeded: list[Organisation], submitter: Any
) -> None:
    from returns.services import return_save_draft

    rj1 = Return.objects.get(collection__year=2026, organisation__ods_code="RJ1")
    edited = return_save_draft(
        return_=rj1, actor=submitter, expected_version=rj1.version, values={"i5.white": 1.5}
    )
    seed_history(organisations=seeded, current_year=2026)
    assert Return.objects.get(pk=rj1.pk).version == edited.version
