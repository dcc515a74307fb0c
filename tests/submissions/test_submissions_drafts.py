"""Saving drafts: merging values, refusing bad input with nothing written, the version lock."""

from typing import Any

import pytest

from audit.models import AuditEvent
from returns.exceptions import InvalidValues, ReturnConflict, TransitionNotAllowed
from returns.models import Return, ReturnState
from returns.services import return_advance, return_save_draft


def _snapshot(return_: Return) -> tuple[Any, ...]:
    fresh = Return.objects.get(pk=return_.pk)
    return (fresh.values, fresh.explanations, fresh.version, fresh.filled_items, fresh.state)


def test_return_save_draft_merges_values_and_bumps_the_version(
    draft: Return, submitter: Any
) -> None:
    saved = return_save_draft(
        return_=draft, actor=submitter, expected_version=1, values={"i2.shortlisted.white": 10}
    )
    saved = return_save_draft(
        return_=saved,
        actor=submitter,
        expected_version=2,
        values={"i2.shortlisted.bme": 7, "i5.white": 28.5},
    )
    fresh = Return.objects.get(pk=draft.pk)
    assert fresh.values == {"i2.shortlisted.white": 10, "i2.shortlisted.bme": 7, "i5.white": 28.5}
    assert fresh.version == saved.version == 3
    assert fresh.filled_items == 3 and not fresh.is_not_started
    events = AuditEvent.objects.filter(action="return.draft_saved", object_id=str(draft.pk))
    assert events.count() == 2
    assert events.first().organisation_id == draft.organisation_id  # type: ignore[union-attr]


def test_return_save_draft_clears_items_given_as_blank(draft: Return, submitter: Any) -> None:
    saved = return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=1,
        values={"i2.shortlisted.white": 10, "i2.shortlisted.bme": 4},
    )
    return_save_draft(
        return_=saved,
        actor=submitter,
        expected_version=saved.version,
        values={"i2.shortlisted.white": None, "i2.shortlisted.bme": "  "},
    )
    fresh = Return.objects.get(pk=draft.pk)
    assert fresh.values == {} and fresh.is_not_started


def test_return_save_draft_without_changes_writes_nothing(draft: Return, submitter: Any) -> None:
    saved = return_save_draft(return_=draft, actor=submitter, expected_version=1, values={})
    assert saved.version == 1
    assert not AuditEvent.objects.filter(action="return.draft_saved").exists()


@pytest.mark.parametrize(
    ("values", "code", "words"),
    [
        ({"i2.shortlisted.purple": 3}, "E010", "not a WRES data item"),
        ({"i2.shortlisted.white": "lots"}, "E002", "not a whole number"),
        ({"i2.shortlisted.white": "1,234"}, "E002", "not a whole number"),
        ({"i2.shortlisted.white": -1}, "E002", "negative"),
        ({"i2.shortlisted.white": 2.5}, "E002", "whole number"),
        ({"i2.shortlisted.white": 1_000_001}, "E002", "over"),
        ({"i5.white": 101}, "E006", "0-100"),
        ({"i5.white": "high"}, "E006", "not a number"),
    ],
)
def test_return_save_draft_refuses_bad_values_and_writes_nothing(
    draft: Return, submitter: Any, values: dict[str, Any], code: str, words: str
) -> None:
    before = _snapshot(draft)
    with pytest.raises(InvalidValues) as caught:
        return_save_draft(
            return_=draft,
            actor=submitter,
            expected_version=1,
            values={"i2.appointed.white": 3, **values},
        )
    assert [problem.code for problem in caught.value.problems] == [code]
    assert words in str(caught.value)
    assert str(caught.value).startswith("Nothing was saved.")
    assert _snapshot(draft) == before
    assert not AuditEvent.objects.filter(action="return.draft_saved").exists()


def test_return_save_draft_keeps_cross_item_errors_for_the_check(
    draft: Return, submitter: Any
) -> None:
    # Appointed > shortlisted (E003) is an error to correct, not a value to refuse mid-entry.
    saved = return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=1,
        values={"i2.shortlisted.white": 1, "i2.appointed.white": 5},
    )
    assert saved.values["i2.appointed.white"] == 5


def test_return_save_draft_with_a_stale_version_is_a_conflict(
    draft: Return, submitter: Any
) -> None:
    return_save_draft(
        return_=draft, actor=submitter, expected_version=1, values={"i2.shortlisted.white": 10}
    )
    before = _snapshot(draft)
    with pytest.raises(ReturnConflict, match="Someone else changed this return") as caught:
        return_save_draft(
            return_=draft, actor=submitter, expected_version=1, values={"i2.shortlisted.white": 99}
        )
    assert caught.value.current_version == 2
    assert _snapshot(draft) == before


def test_return_advance_refuses_a_row_that_moved_on_between_read_and_write(
    draft: Return,
) -> None:
    # Someone else's UPDATE lands after our read: the conditional UPDATE matches no row.
    Return.objects.filter(pk=draft.pk).update(version=2)
    with pytest.raises(ReturnConflict):
        return_advance(return_=draft, expected_version=1, values={"i2.shortlisted.white": 1})
    assert Return.objects.get(pk=draft.pk).values == {}


@pytest.mark.parametrize("state", [ReturnState.SUBMITTED, ReturnState.ACCEPTED])
def test_return_save_draft_refuses_a_return_that_is_not_editable(
    draft: Return, submitter: Any, state: ReturnState
) -> None:
    Return.objects.filter(pk=draft.pk).update(state=state)
    before = _snapshot(draft)
    with pytest.raises(TransitionNotAllowed, match="cannot be changed"):
        return_save_draft(
            return_=draft, actor=submitter, expected_version=1, values={"i2.shortlisted.white": 1}
        )
    assert _snapshot(draft) == before


def test_return_save_draft_allows_amending_a_queried_return(draft: Return, submitter: Any) -> None:
    Return.objects.filter(pk=draft.pk).update(state=ReturnState.QUERIED)
    saved = return_save_draft(
        return_=draft, actor=submitter, expected_version=1, values={"i2.shortlisted.white": 1}
    )
    assert saved.state == ReturnState.QUERIED and saved.values == {"i2.shortlisted.white": 1}


def test_return_save_draft_stores_and_clears_explanations(draft: Return, submitter: Any) -> None:
    saved = return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=1,
        explanations={"W106:i9.voting.bme": "  Two BME non-executives join in May.  "},
    )
    assert saved.explanations == {"W106:i9.voting.bme": "Two BME non-executives join in May."}
    saved = return_save_draft(
        return_=saved,
        actor=submitter,
        expected_version=saved.version,
        explanations={"W106:i9.voting.bme": ""},
    )
    assert Return.objects.get(pk=draft.pk).explanations == {}


def test_return_not_started_and_late_are_derived_not_states(draft: Return, submitter: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from returns.models import Collection

    assert list(Return.objects.not_started()) == [draft]
    assert not Return.objects.late().exists()
    Collection.objects.filter(pk=draft.collection_id).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    assert list(Return.objects.late()) == [draft]
    return_save_draft(
        return_=draft, actor=submitter, expected_version=1, values={"i2.shortlisted.white": 1}
    )
    fresh = Return.objects.get(pk=draft.pk)
    assert fresh.state == ReturnState.DRAFT and not fresh.is_not_started and fresh.is_late()
    assert not Return.objects.not_started().exists()
    assert list(Return.objects.late()) == [draft]
