"""Django admin for collections and returns: read-only views, changes go through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.admin import ReadOnlyAdmin
from returns.exceptions import WorkflowError
from returns.models import Collection, Return, ReturnVersion
from returns.services import collection_close, collection_open


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ("name", "year", "status", "opens_on", "deadline", "closes_on")
    actions = ("open_collections", "close_collections")

    @admin.action(
        description="Open (creates a draft for every organisation in scope)", permissions=["open"]
    )
    def open_collections(self, request: HttpRequest, queryset: QuerySet[Collection]) -> None:
        for collection in queryset:
            try:
                created = collection_open(collection=collection, actor=request.user)  # type: ignore[arg-type]
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{collection}: {created} drafts created.")

    @admin.action(description="Close", permissions=["open"])
    def close_collections(self, request: HttpRequest, queryset: QuerySet[Collection]) -> None:
        for collection in queryset:
            try:
                collection_close(collection=collection, actor=request.user)  # type: ignore[arg-type]
            except WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"{collection} closed.")

    def has_open_permission(self, request: HttpRequest) -> bool:
        """The open and close actions write through services; for those who may change one."""
        return request.user.has_perm("returns.change_collection")


class ReturnVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ReturnVersion
    fk_name = "wres_return"
    extra = 0
    can_delete = False
    fields = ("number", "submitted_at", "submitted_by", "approver_name", "is_late", "synthetic")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Return)
class ReturnAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "collection", "state", "filled_items", "last_submitted_at")
    list_filter = ("collection", "state")
    search_fields = ("organisation__name", "organisation__ods_code")
    list_select_related = ("organisation", "collection")
    inlines = (ReturnVersionInline,)
