"""The admin of the file store: stored files listed read-only (their content is never shown)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from filestore.models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "size", "sha256", "created")
    search_fields = ("name",)
    readonly_fields = ("name", "size", "sha256", "created")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
