"""Demo history: past collections with accepted synthetic returns, and this year's open one.

Used by `seed_demo` so that last-year comparisons, peer context and dashboards have data on a
fresh `make run`. Every version it creates is labelled `synthetic`. Idempotent and bulk: a
second run makes a handful of queries and creates nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from indicators import ITEMS, compute_return
from indicators.returns import PREVIOUS_YEAR_SOURCES
from organisations.models import Organisation
from returns.models import Collection, Return, ReturnState, ReturnVersion
from returns.selectors import warning_key
from returns.services import collection_create, collection_open, return_save_draft
from returns.services.rows import audit

FIRST_YEAR = 2015
SEED = 2026
SYSTEM_ACTOR = "seed_demo"
DRAFT_ORGANISATION = "RJ1"
SYNTHETIC_EXPLANATION = "Synthetic demo data: made up for the demonstration, not a real return."
_UNITS = {item.code: item.unit for item in ITEMS}


@dataclass(frozen=True, slots=True)
class HistoryReport:
    """What `seed_history` created, and how long it took."""

    collections_created: int
    versions_created: int
    drafts_created: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.collections_created} collections, {self.versions_created} accepted synthetic "
            f"versions and {self.drafts_created} drafts created in {self.seconds:.1f} s"
        )


def values_from_row(row: Mapping[str, Any]) -> dict[str, int | float]:
    """A synthetic row (from `indicators.synthesise`) as draft values: ints and floats, no gaps."""
    values: dict[str, int | float] = {}
    for code, unit in _UNITS.items():
        value = row.get(code)
        if value is None or value != value:  # missing, or NaN / pandas NA
            continue
        try:
            values[code] = int(value) if unit == "count" else float(value)
        except TypeError:  # pandas NA in an Int64 column
            continue
    return values


def _existed(organisation: Organisation, year: int) -> bool:
    """Whether the organisation existed, open, at the year's 31 March snapshot."""
    snapshot = dt.date(year, 3, 31)
    opened = organisation.opened_on is None or organisation.opened_on <= snapshot
    return opened and (organisation.closed_on is None or organisation.closed_on > snapshot)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _history_collections(years: list[int], types: list[str]) -> tuple[dict[int, Collection], int]:
    existing = {c.year: c for c in Collection.objects.filter(year__in=years)}
    new = [
        Collection(
            name=f"WRES {year}",
            year=year,
            snapshot_date=dt.date(year, 3, 31),
            opens_on=dt.date(year, 5, 1),
            deadline=dt.date(year, 8, 31),
            closes_on=dt.date(year, 9, 30),
            organisation_types=types,
            opened_at=_at(dt.date(year, 5, 1), 9),
            closed_at=_at(dt.date(year, 9, 30), 17),
        )
        for year in years
        if year not in existing
    ]
    for collection in Collection.objects.bulk_create(new):
        existing[collection.year] = collection
        audit(
            action="collection.seeded",
            actor=SYSTEM_ACTOR,
            target=collection,
            detail={"synthetic": True},
        )
    return existing, len(new)


def _history_returns(
    organisations: list[Organisation],
    collections: dict[int, Collection],
    needed: set[tuple[int, int]],
    current_year: int,
) -> tuple[int, dict[str, int | float] | None]:
    """Creates the accepted returns for ``needed`` (organisation id, year) pairs.

    Returns how many it created and the draft organisation's synthetic current-year values.
    """
    from indicators import synthesise

    by_code = {o.ods_code: o for o in organisations}
    frame = synthesise(sorted(by_code), range(FIRST_YEAR, current_year + 1), seed=SEED)
    rows: dict[tuple[str, int], dict[str, int | float]] = {
        (str(record["organisation"]), int(record["year"])): values_from_row(
            {str(key): value for key, value in record.items()}
        )
        for record in frame.to_dict("records")
    }
    # A new organisation leaves last year's items empty, so its first return stands alone.
    stored: dict[tuple[str, int], dict[str, int | float]] = {}
    first_years: set[tuple[str, int]] = set()
    for (code, year), values in rows.items():
        if _existed(by_code[code], year - 1) and year > FIRST_YEAR:
            stored[(code, year)] = values
        else:
            first_years.add((code, year))
            stored[(code, year)] = {
                k: v for k, v in values.items() if k not in PREVIOUS_YEAR_SOURCES
            }
    returns: list[Return] = []
    versions: list[ReturnVersion] = []
    for (code, year), values in sorted(stored.items()):
        organisation = by_code[code]
        if (organisation.pk, year) not in needed:
            continue
        # Warnings compare with last year's return as stored (what a reviewer would see).
        previous = None if (code, year) in first_years else stored.get((code, year - 1))
        result = compute_return(values, previous=previous, year=year)
        if result.has_errors:  # the generator promises valid returns; never seed a bad one
            raise RuntimeError(f"synthetic return {code} {year} fails the checks")
        warnings = [issue for issue in result.issues if issue.severity == "warning"]
        explanations = {warning_key(issue): SYNTHETIC_EXPLANATION for issue in warnings}
        collection = collections[year]
        submitted = _at(dt.date(year, 8, 15))
        return_ = Return(
            organisation=organisation,
            collection=collection,
            state=ReturnState.ACCEPTED,
            values=values,
            filled_items=len(values),
            explanations=explanations,
            last_submitted_at=submitted,
            accepted_at=_at(dt.date(year, 9, 15)),
        )
        returns.append(return_)
        versions.append(
            ReturnVersion(
                wres_return=return_,
                organisation=organisation,
                collection=collection,
                number=1,
                values=values,
                metrics=result.metrics,
                issues=[issue.as_dict() for issue in warnings],
                explanations=explanations,
                submitted_at=submitted,
                approver_name="Synthetic demo data",
                board_approved_on=dt.date(year, 7, 31),
                synthetic=True,
            )
        )
    Return.objects.bulk_create(returns, batch_size=500)
    ReturnVersion.objects.bulk_create(versions, batch_size=500)
    Return.objects.filter(pk__in=[r.pk for r in returns], accepted_version__isnull=True).update(
        accepted_version=Subquery(
            ReturnVersion.objects.filter(wres_return=OuterRef("pk"))
            .order_by("-number")
            .values("pk")[:1]
        )
    )
    draft = by_code.get(DRAFT_ORGANISATION)
    draft_values = rows.get((DRAFT_ORGANISATION, current_year)) if draft else None
    if draft_values is not None:  # last year's items are pre-filled from the accepted return
        draft_values = {k: v for k, v in draft_values.items() if k not in PREVIOUS_YEAR_SOURCES}
    return len(versions), draft_values


def _current_collection(current_year: int, types: list[str]) -> tuple[Collection, bool]:
    existing = Collection.objects.filter(year=current_year).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    deadline = max(dt.date(current_year, 8, 31), today + dt.timedelta(weeks=8))
    collection = collection_create(
        year=current_year,
        opens_on=min(dt.date(current_year, 5, 1), today),
        deadline=deadline,
        closes_on=deadline + dt.timedelta(days=30),
        organisation_types=types,
        actor=SYSTEM_ACTOR,
    )
    return collection, True


def seed_history(*, organisations: Iterable[Organisation], current_year: int) -> HistoryReport:
    """Collections 2015 to ``current_year`` - 1, each closed with an accepted synthetic version
    for every given organisation that existed at its snapshot, and ``current_year``'s collection
    open with RJ1's draft filled in (other drafts empty, created by `collection_open`).

    Idempotent: only missing collections, returns and the untouched RJ1 draft are created.
    """
    started = time.perf_counter()
    organisations = list(organisations)
    types = sorted({o.org_type for o in organisations})
    years = list(range(FIRST_YEAR, current_year))
    with transaction.atomic():
        collections, collections_created = _history_collections(years, types)
        have = set(
            Return.objects.filter(collection__year__in=years).values_list(
                "organisation_id", "collection__year"
            )
        )
        needed = {
            (o.pk, year)
            for o in organisations
            for year in years
            if _existed(o, year) and (o.pk, year) not in have
        }
        current, created = _current_collection(current_year, types)
        collections_created += created
        draft_organisation = next(
            (o for o in organisations if o.ods_code == DRAFT_ORGANISATION), None
        )
        draft = None
        if draft_organisation is not None:
            draft = Return.objects.filter(
                organisation=draft_organisation, collection=current
            ).first()
        fill_draft = draft_organisation is not None and (
            draft is None or (draft.is_not_started and draft.version == 1)
        )
        versions_created, draft_values = 0, None
        if needed or fill_draft:
            versions_created, draft_values = _history_returns(
                organisations, collections, needed, current_year
            )
        drafts_created = 0
        if not current.is_closed and (created or current.opened_at is None):
            drafts_created = collection_open(collection=current, actor=SYSTEM_ACTOR)
        if fill_draft and draft_values and draft_organisation is not None:
            draft = Return.objects.get(organisation=draft_organisation, collection=current)
            return_save_draft(
                return_=draft,
                actor=SYSTEM_ACTOR,
                expected_version=draft.version,
                values=draft_values,
            )
    return HistoryReport(
        collections_created, versions_created, drafts_created, time.perf_counter() - started
    )
