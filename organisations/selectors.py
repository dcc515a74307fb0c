"""Reads of the organisation register (public data: every organisation is visible to everyone)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from organisations.models import Organisation


def organisation_list(
    *, query: str = "", region: str = "", org_type: str = "", sector: str = ""
) -> QuerySet[Organisation]:
    """Organisations matching a free-text search on name or ODS code and the given filters."""
    organisations = Organisation.objects.all()
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(ods_code__iexact=query) | Q(parent_icb_code__iexact=query)
        )
    if region:
        organisations = organisations.filter(region=region)
    if org_type:
        organisations = organisations.filter(org_type=org_type)
    if sector:
        organisations = organisations.filter(sector=sector)
    return organisations.order_by("name")


def organisation_get(*, ods_code: str) -> Organisation:
    """One organisation with its mergers, by ODS code (raises DoesNotExist)."""
    return Organisation.objects.prefetch_related("predecessors", "successors").get(
        ods_code=ods_code.upper()
    )


def organisation_parent_icb(organisation: Organisation) -> Organisation | None:
    """The ICB an organisation belongs to, where the portal knows it."""
    if not organisation.parent_icb_code:
        return None
    return Organisation.objects.filter(ods_code=organisation.parent_icb_code).first()


def organisation_counts() -> dict[str, Any]:
    """How many open organisations the portal knows, by type."""
    counts = Organisation.objects.filter(closed_on__isnull=True).aggregate(
        total=Count("id"),
        trusts=Count("id", filter=Q(org_type="nhs_trust")),
        icbs=Count("id", filter=Q(org_type="icb")),
        independent=Count("id", filter=Q(org_type="independent")),
    )
    return counts


def organisation_for_user(*, user: Any, ods_code: str) -> Organisation:
    """An organisation whose own data the user may see; any other answers 404 (Http404)."""
    from django.http import Http404

    organisation = Organisation.objects.filter(ods_code=ods_code.upper()).first()
    if organisation is None or not user.has_perm(
        "organisations.view_organisation_data", organisation
    ):
        raise Http404("No such organisation among yours")
    return organisation
