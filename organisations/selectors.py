"""Reads of the organisation register (public data: every organisation is visible to everyone)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from organisations.models import Organisation
from organisations.names import search_key, search_key_literal


def organisation_name_matches(query: str, *, prefix: str = "") -> Q:
    """A filter for organisations whose name contains ``query``, or whose ODS code is it.

    The name is matched on its search key (``organisations.names.search_key``), so case,
    apostrophes (straight or curly) and punctuation are ignored and "St" matches "Saint", on any
    database. ``prefix`` reaches the organisation through a relation (``"organisation__"``).
    """
    matches = Q(**{f"{prefix}ods_code__iexact": query.strip()})
    for key in dict.fromkeys((search_key(query), search_key_literal(query))):
        if key:
            matches |= Q(**{f"{prefix}search_name__contains": key})
    return matches


def organisation_list(
    *, query: str = "", region: str = "", org_type: str = "", sector: str = ""
) -> QuerySet[Organisation]:
    """Organisations matching a free-text search on name or ODS code and the given filters."""
    organisations = Organisation.objects.all()
    if query:
        organisations = organisations.filter(
            organisation_name_matches(query) | Q(parent_icb_code__iexact=query)
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
