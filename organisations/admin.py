"""The organisation register in the Django admin: sector, trust type and merger links are set
here; a corrected trust type is kept by later imports and audited."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from audit.services import audit_record
from organisations.models import SECTOR_OF_TRUST_TYPE, Organisation, TrustTypeRecord


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("ods_code", "name", "org_type", "trust_type", "sector", "region", "closed_on")
    list_filter = ("org_type", "trust_type", "sector", "region", "is_demo")
    search_fields = ("ods_code", "name", "register_name")
    filter_horizontal = ("predecessors",)
    readonly_fields = ("register_name", "trust_type_year", "created_at", "updated_at")

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if "sector" in form.changed_data:
            obj.sector_set_by_admin = True
        if "trust_type" in form.changed_data:
            organisation_trust_type_correct(request, obj, form.initial.get("trust_type", ""))
        super().save_model(request, obj, form, change)


def organisation_trust_type_correct(
    request: HttpRequest, organisation: Organisation, before: str
) -> None:
    """An admin's correction of a trust type: kept by later imports, recorded for its year (the
    year of the type it corrects, or the latest), sets the sector unless the admin chose one, and
    audited with what it was."""
    organisation.trust_type_set_by_admin = True
    if organisation.trust_type and not organisation.sector_set_by_admin:
        organisation.sector = SECTOR_OF_TRUST_TYPE.get(organisation.trust_type, "")
    if organisation.pk and organisation.trust_type and organisation.trust_type_year:
        TrustTypeRecord.objects.update_or_create(
            organisation=organisation,
            year=organisation.trust_type_year,
            defaults={"trust_type": organisation.trust_type, "set_by_admin": True,
                      "source": "corrected in the admin (see the audit trail)"},
        )  # fmt: skip
    audit_record(
        action="trust_type_corrected",
        actor=request.user,
        target=organisation if organisation.pk else None,
        organisation=organisation if organisation.pk else None,
        detail={
            "from": before,
            "to": organisation.trust_type,
            "year": organisation.trust_type_year,
        },
        request=request,
    )
