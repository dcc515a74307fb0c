"""Creating, opening and closing a year's collection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisations.models import Organisation, OrganisationType
from returns.exceptions import TransitionNotAllowed
from returns.models import Collection, Return
from returns.services.rows import Actor, audit


def _in_scope(collection: Collection) -> Iterable[int]:
    """Organisations of the collection's types that existed, open, at its snapshot date."""
    snapshot = collection.snapshot_date
    return (
        Organisation.objects.filter(org_type__in=collection.organisation_types)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=snapshot))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=snapshot))
        .values_list("pk", flat=True)
    )


def collection_create(
    *,
    year: int,
    opens_on: dt.date,
    deadline: dt.date,
    closes_on: dt.date,
    organisation_types: list[str],
    actor: Actor,
    name: str = "",
) -> Collection:
    """Creates the collection of ``year`` (not yet open); snapshot date 31 March of the year.

    Refuses (``ValidationError`` naming the field) a year that already has one, dates out of
    order (opens <= deadline <= closes, opening after the snapshot) and unknown types.
    """
    snapshot = dt.date(year, 3, 31)
    errors: dict[str, str] = {}
    if Collection.objects.filter(year=year).exists():
        errors["year"] = f"There is already a collection for {year}."
    if opens_on <= snapshot:
        errors["opens_on"] = (
            f"The collection must open after the snapshot date, {snapshot.day} {snapshot:%B %Y}."
        )
    if not opens_on <= deadline <= closes_on:
        errors["deadline"] = "The deadline must fall between the opening and closing dates."
    known = set(OrganisationType.values)
    unknown = [code for code in organisation_types if code not in known]
    if not organisation_types or unknown:
        errors["organisation_types"] = (
            f"Unknown organisation types: {', '.join(map(str, unknown))}."
            if unknown
            else "Choose at least one organisation type that must submit."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        collection = Collection.objects.create(
            name=name or f"WRES {year}",
            year=year,
            snapshot_date=snapshot,
            opens_on=opens_on,
            deadline=deadline,
            closes_on=closes_on,
            organisation_types=sorted(set(organisation_types)),
        )
        audit(
            action="collection.created",
            actor=actor,
            target=collection,
            detail={"year": year, "organisation_types": collection.organisation_types},
        )
    return collection


def collection_open(*, collection: Collection, actor: Actor) -> int:
    """Opens the collection and creates an empty draft for every organisation in scope.

    Idempotent: run again (e.g. after new organisations were registered) it creates drafts only
    for those without one. Returns how many drafts it created. A closed collection is refused.
    """
    with transaction.atomic():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        if collection.is_closed:
            raise TransitionNotAllowed(f"{collection} is closed, so it cannot be opened again.")
        first_opening = collection.opened_at is None
        if first_opening:
            collection.opened_at = timezone.now()
            collection.save(update_fields=["opened_at"])
        existing = set(collection.returns.values_list("organisation_id", flat=True))
        new = [
            Return(organisation_id=pk, collection=collection)
            for pk in _in_scope(collection)
            if pk not in existing
        ]
        Return.objects.bulk_create(new, batch_size=500)
        if first_opening or new:
            audit(
                action="collection.opened",
                actor=actor,
                target=collection,
                detail={"drafts_created": len(new), "first_opening": first_opening},
            )
    return len(new)


def collection_close(*, collection: Collection, actor: Actor) -> Collection:
    """Closes an open collection: from now on only a reviewer can reopen a return for changes."""
    with transaction.atomic():
        collection = Collection.objects.select_for_update().get(pk=collection.pk)
        if collection.opened_at is None:
            raise TransitionNotAllowed(f"{collection} has not been opened, so it cannot close.")
        if collection.is_closed:
            raise TransitionNotAllowed(f"{collection} is already closed.")
        collection.closed_at = timezone.now()
        collection.save(update_fields=["closed_at"])
        audit(action="collection.closed", actor=actor, target=collection, detail={})
    return collection
