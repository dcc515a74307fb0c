"""Writes of the extracts app: publishing a collection, and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from audit.services import audit_record
from extracts.models import ApiToken, Publication, PublishedReturn
from extracts.release import release_build
from extracts.signals import publication_outputs_built
from extracts.suppression import MIN_AGGREGATE_ORGANISATIONS
from returns.models import Collection, Return

TOKEN_PREFIX = "wres_"  # noqa: S105 (a label, not a secret)


class PublicationRefused(Exception):
    """A collection that cannot be published (with a message fit to show)."""


def _actor_kwargs(actor: Any) -> dict[str, Any]:
    if isinstance(actor, str):
        return {"system_actor": actor}
    return {"actor": actor}


def collection_publish(
    *,
    collection: Collection,
    actor: Any,
    request: HttpRequest | None = None,
    rebuild_release: bool = True,
) -> Publication:
    """Publishes every accepted return of ``collection`` as it is now (a new numbered version).

    The snapshot is one ``PublishedReturn`` per organisation naming the accepted version; a
    republication records what changed since the previous one (organisations added, removed
    and with a new version). Then the release (tables, mask, aggregates) is rebuilt. ``actor``
    is a user (the view allows national admins only) or the name of a system process.
    Publishing several collections at once may pass ``rebuild_release=False`` to all but the last.
    """
    with transaction.atomic():
        accepted = dict(
            Return.objects.filter(collection=collection, accepted_version__isnull=False)
            .values_list("organisation_id", "accepted_version_id")
            .order_by("organisation_id")
        )
        if not accepted:
            raise PublicationRefused(f"{collection} has no accepted returns to publish.")
        previous = Publication.objects.filter(collection=collection).order_by("-number").first()
        before: dict[int, int] = {}
        if previous is not None:
            before = dict(previous.published_returns.values_list("organisation_id", "version_id"))
        changes: dict[str, Any] = {
            "previous": previous.number if previous else None,
            "added": _codes(set(accepted) - set(before)),
            "removed": _codes(set(before) - set(accepted)),
            "amended": _codes({o for o in accepted if o in before and before[o] != accepted[o]}),
        }
        changes["unchanged"] = sum(1 for o in accepted if before.get(o) == accepted[o])
        number = (
            Publication.objects.filter(collection=collection).aggregate(top=Max("number"))["top"]
            or 0
        ) + 1
        basis = _aggregates_basis(previous, accepted)
        changes["aggregates"] = _pending(basis, accepted, number)
        publication = Publication.objects.create(
            collection=collection,
            number=number,
            published_at=timezone.now(),
            published_by=None if isinstance(actor, str) else actor,
            system_actor=actor if isinstance(actor, str) else "",
            return_count=len(accepted),
            changes=changes,
            aggregates_from=basis,
        )
        PublishedReturn.objects.bulk_create(
            PublishedReturn(publication=publication, organisation_id=org, version_id=version)
            for org, version in accepted.items()
        )
        audit_record(
            action="collection_published",
            target=publication,
            detail={
                "collection": collection.year,
                "number": number,
                "returns": len(accepted),
                "added": len(changes["added"]),
                "removed": len(changes["removed"]),
                "amended": len(changes["amended"]),
            },
            request=request,
            **_actor_kwargs(actor),
        )
        if rebuild_release:
            # The dashboard snapshot is then built by its first request (or by the publish
            # page's task, which builds both): building it here would slow every caller.
            release_build(publication=publication)
    return publication


def _basis_returns(publication: Publication) -> dict[int, int]:
    return dict(publication.published_returns.values_list("organisation_id", "version_id"))


def _differences(before: dict[int, int], after: dict[int, int]) -> dict[str, set[int]]:
    return {
        "added": set(after) - set(before),
        "removed": set(before) - set(after),
        "amended": {o for o in after if o in before and before[o] != after[o]},
    }


def _aggregates_basis(previous: Publication | None, accepted: dict[int, int]) -> Publication | None:
    """The earlier publication whose returns the new one's aggregates keep, or ``None`` for its own.

    Republication (spec 6.2): the public aggregates of a year change only once 3 or more
    organisations differ (added, removed or amended) from the returns they were pooled from, so
    that no one can subtract two publications' aggregates to find one organisation's counts.
    """
    if previous is None:
        return None
    basis = previous.aggregates_basis
    differ = _differences(_basis_returns(basis), accepted)
    if sum(len(d) for d in differ.values()) >= MIN_AGGREGATE_ORGANISATIONS:
        return None
    return basis


def _pending(basis: Publication | None, accepted: dict[int, int], number: int) -> dict[str, Any]:
    """Which organisations' returns are in the organisation figures but not yet the aggregates."""
    if basis is None:
        return {"from": number, "added": [], "amended": [], "removed": []}
    differ = _differences(_basis_returns(basis), accepted)
    return {"from": basis.number, **{kind: _codes(orgs) for kind, orgs in differ.items()}}


def publication_outputs_build(*, publication: Publication) -> None:
    """Everything built from a publication: the release (tables, mask, aggregates), then the
    dashboard snapshot and charts, so that no public page computes them per request."""
    from dashboards.snapshot import dashboard_build

    release_build(publication=publication)
    dashboard_build(publication=publication)
    publication_outputs_built.send(sender=Publication, publication=publication)


def publication_release_rebuild(*, publication_id: int) -> str:
    """Builds the release for a publication sent by the publish page (the task calls this).

    Returns "built", or "superseded" when a later publication's release already exists (it
    holds everything this one would, so building again would waste the time).
    """
    publication = Publication.objects.get(pk=publication_id)
    if (
        Publication.objects.filter(published_at__gt=publication.published_at)
        .exclude(release_file="")
        .exists()
    ):
        return "superseded"
    publication_outputs_build(publication=publication)
    return "built"


def _codes(organisation_ids: set[int]) -> list[str]:
    from organisations.models import Organisation

    return sorted(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("ods_code", flat=True)
    )


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *, user: Any, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Creates a personal API token; returns it with the key, which is never shown again."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=key[:12], key_hash=token_hash(key)
        )
        audit_record(
            action="api_token_created", actor=user, target=token, detail={}, request=request
        )
    return token, key


def api_token_revoke(*, token: ApiToken, actor: Any, request: HttpRequest | None = None) -> None:
    """Revokes a token (kept, with the time, for the audit trail)."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_record(
                action="api_token_revoked", actor=actor, target=token, detail={}, request=request
            )


def api_token_authenticate(key: str) -> ApiToken | None:
    """The active token with this key, its owner still active; records when it was last used."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
