"""The organisation register in the Django admin: sector and merger links are set here."""

from django.contrib import admin

from organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("ods_code", "name", "org_type", "sector", "region", "closed_on")
    list_filter = ("org_type", "sector", "region", "is_demo")
    search_fields = ("ods_code", "name", "register_name")
    filter_horizontal = ("predecessors",)
    readonly_fields = ("register_name", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if "sector" in form.changed_data:
            obj.sector_set_by_admin = True
        super().save_model(request, obj, form, change)
