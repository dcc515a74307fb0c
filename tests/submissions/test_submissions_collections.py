"""Collections: creating, opening (drafts for the organisation types in scope, once) and closing."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from organisations.models import OrganisationType
from returns.exceptions import TransitionNotAllowed
from returns.models import Collection, CollectionStatus, Return, ReturnState
from returns.services import collection_close, collection_create, collection_open

pytestmark = pytest.mark.django_db


def _create(year: int = 2026, **overrides: Any) -> Collection:
    kwargs: dict[str, Any] = {
        "year": year,
        "opens_on": dt.date(year, 5, 1),
        "deadline": dt.date(year, 8, 31),
        "closes_on": dt.date(year, 9, 30),
        "organisation_types": [OrganisationType.NHS_TRUST],
        "actor": "tests",
    }
    kwargs.update(overrides)
    return collection_create(**kwargs)


def test_collection_create_sets_name_snapshot_and_status() -> None:
    collection = _create()
    assert collection.name == "WRES 2026"
    assert collection.snapshot_date == dt.date(2026, 3, 31)
    assert collection.status == CollectionStatus.NOT_YET_OPEN
    assert AuditEvent.objects.filter(action="collection.created").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"opens_on": dt.date(2026, 3, 1)}, "opens_on"),
        ({"deadline": dt.date(2026, 10, 1)}, "deadline"),
        ({"deadline": dt.date(2026, 4, 1)}, "deadline"),
        ({"organisation_types": ["hospital"]}, "organisation_types"),
        ({"organisation_types": []}, "organisation_types"),
    ],
)
def test_collection_create_refuses_bad_input(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(**overrides)
    assert field in caught.value.message_dict
    assert not Collection.objects.exists()
    assert not AuditEvent.objects.exists()


def test_collection_create_refuses_a_second_collection_for_the_year() -> None:
    _create()
    with pytest.raises(ValidationError, match="already a collection for 2026"):
        _create()


def test_collection_open_creates_drafts_only_for_types_in_scope(make_org: Any) -> None:
    trust = make_org("RAA")
    make_org("QAA", org_type=OrganisationType.ICB)
    make_org("IAA", org_type=OrganisationType.INDEPENDENT)
    make_org("RCL", closed_on=dt.date(2025, 4, 1), opened_on=dt.date(2000, 1, 1))
    make_org("RNW", opened_on=dt.date(2026, 4, 1))
    collection = _create()

    created = collection_open(collection=collection, actor="tests")

    assert created == 1
    (only,) = Return.objects.filter(collection=collection)
    assert only.organisation == trust
    assert only.state == ReturnState.DRAFT and only.is_not_started
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.OPEN


def test_collection_open_twice_creates_nothing_more(make_org: Any) -> None:
    make_org("RAA")
    make_org("RBB")
    collection = _create(organisation_types=["nhs_trust", "icb"])
    assert collection_open(collection=collection, actor="tests") == 2
    assert collection_open(collection=collection, actor="tests") == 0
    assert Return.objects.count() == 2
    assert AuditEvent.objects.filter(action="collection.opened").count() == 1


def test_collection_open_again_adds_only_new_organisations(make_org: Any) -> None:
    make_org("RAA")
    collection = _create()
    collection_open(collection=collection, actor="tests")
    make_org("RBB")
    assert collection_open(collection=collection, actor="tests") == 1
    assert Return.objects.filter(collection=collection).count() == 2


def test_collection_close_then_refuses_to_open_or_close_again(make_org: Any) -> None:
    make_org("RAA")
    collection = _create()
    with pytest.raises(TransitionNotAllowed, match="has not been opened"):
        collection_close(collection=collection, actor="tests")
    collection_open(collection=collection, actor="tests")
    collection = collection_close(collection=collection, actor="tests")
    assert collection.status == CollectionStatus.CLOSED
    with pytest.raises(TransitionNotAllowed, match="already closed"):
        collection_close(collection=collection, actor="tests")
    with pytest.raises(TransitionNotAllowed, match="is closed"):
        collection_open(collection=collection, actor="tests")
    assert AuditEvent.objects.filter(action="collection.closed").count() == 1


def test_collection_is_past_deadline_only_after_the_deadline_day() -> None:
    collection = _create()
    assert not collection.is_past_deadline(dt.date(2026, 8, 31))
    assert collection.is_past_deadline(dt.date(2026, 9, 1))
