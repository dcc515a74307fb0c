"""Versions are frozen and numbered; last year's accepted version feeds this year's checks."""

from typing import Any

import pytest

from returns.models import Return, ReturnState, ReturnVersion
from returns.selectors import (
    return_compute,
    return_prefill,
    return_previous_values,
    return_previous_version,
)
from returns.services import return_accept, return_query, return_save_draft


def test_return_version_cannot_be_changed_or_deleted(ready_draft: Return, submit: Any) -> None:
    version = submit(ready_draft)
    version.late_reason = "rewritten"
    with pytest.raises(TypeError, match="immutable"):
        version.save()
    with pytest.raises(TypeError, match="immutable"):
        version.delete()
    with pytest.raises(TypeError, match="immutable"):
        ReturnVersion.objects.filter(pk=version.pk).update(late_reason="rewritten")
    with pytest.raises(TypeError, match="immutable"):
        ReturnVersion.objects.filter(pk=version.pk).delete()
    assert ReturnVersion.objects.get(pk=version.pk).late_reason == ""


def test_return_versions_are_numbered_one_to_n(
    ready_draft: Return, submit: Any, reviewer: Any
) -> None:
    numbers = []
    for _ in range(3):
        numbers.append(submit(Return.objects.get(pk=ready_draft.pk)).number)
        seen = Return.objects.get(pk=ready_draft.pk)
        return_query(return_=seen, actor=reviewer, expected_version=seen.version, message="Why?")
    assert numbers == [1, 2, 3]
    assert list(
        ReturnVersion.objects.filter(wres_return=ready_draft).values_list("number", flat=True)
    ) == [1, 2, 3]


def _accept_last_year(
    make_org: Any, submit: Any, fill: Any, reviewer: Any, submitter: Any, values: dict[str, Any]
) -> tuple[Return, Return]:
    """A 2025 collection with the trust's return accepted, and the 2026 draft."""
    from returns.models import Collection

    from_2025 = Return.objects.get(collection__year=2025)
    from_2025 = fill(from_2025, values, submitter)
    submit(from_2025)
    seen = Return.objects.get(pk=from_2025.pk)
    return_accept(return_=seen, actor=reviewer, expected_version=seen.version)
    this_year = Return.objects.get(
        collection=Collection.objects.get(year=2026), organisation=from_2025.organisation
    )
    return Return.objects.get(pk=from_2025.pk), this_year


@pytest.fixture
def two_years(db: None, trust: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from returns.services import collection_create, collection_open

    today = timezone.localdate()
    for year in (2025, 2026):
        collection = collection_create(
            year=year,
            opens_on=today.replace(year=year, month=4, day=1),
            deadline=today + timedelta(days=30),
            closes_on=today + timedelta(days=60),
            organisation_types=["nhs_trust"],
            actor="tests",
        )
        collection_open(collection=collection, actor="tests")


def test_return_previous_version_is_last_years_accepted_version(
    two_years: None,
    make_org: Any,
    submit: Any,
    fill: Any,
    reviewer: Any,
    submitter: Any,
    synthetic_values: dict[int, Any],
) -> None:
    last_year, this_year = _accept_last_year(
        make_org, submit, fill, reviewer, submitter, synthetic_values[2025]
    )
    assert return_previous_version(return_=this_year) == last_year.accepted_version
    assert return_previous_values(return_=this_year) == last_year.accepted_version.values  # type: ignore[union-attr]
    # Indicator 3's previous-year items are pre-filled from it, without touching the draft.
    prefill = return_prefill(return_=this_year)
    assert prefill["i3.workforce_prev.bme"] == synthetic_values[2025]["i3.workforce.bme"]
    assert prefill["i3.disciplinary_prev.white"] == synthetic_values[2025]["i3.disciplinary.white"]
    assert Return.objects.get(pk=this_year.pk).is_not_started


def test_return_previous_values_ignore_a_version_not_yet_accepted(
    two_years: None, submit: Any, fill: Any, submitter: Any, synthetic_values: dict[int, Any]
) -> None:
    last_year = fill(Return.objects.get(collection__year=2025), synthetic_values[2025], submitter)
    submit(last_year)
    this_year = Return.objects.get(collection__year=2026)
    assert return_previous_version(return_=this_year) is None
    assert return_prefill(return_=this_year) == {}


def test_return_compute_raises_w103_against_last_years_accepted_return(
    two_years: None,
    make_org: Any,
    submit: Any,
    fill: Any,
    reviewer: Any,
    submitter: Any,
    synthetic_values: dict[int, Any],
) -> None:
    _, this_year = _accept_last_year(
        make_org, submit, fill, reviewer, submitter, synthetic_values[2025]
    )
    doubled = {
        code: value * 2 for code, value in synthetic_values[2026].items() if code.startswith("i1.")
    }
    values = {code: value for code, value in synthetic_values[2026].items() if "_prev" not in code}
    draft = return_save_draft(
        return_=this_year,
        actor=submitter,
        expected_version=this_year.version,
        values={**values, **doubled},
    )
    codes = {issue.code for issue in return_compute(return_=draft, draft=True).issues}
    assert "W103" in codes
    # The frozen version carries the pre-filled previous-year items it was checked with.
    draft = fill(draft, {}, submitter)
    version = submit(draft)
    assert version.values["i3.workforce_prev.white"] == synthetic_values[2025]["i3.workforce.white"]
    assert version.previous_version is not None
    assert Return.objects.get(pk=draft.pk).state == ReturnState.SUBMITTED
