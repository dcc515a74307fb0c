"""Django admin for the review: each collection's reminder plan (national admins edit it here)."""

from __future__ import annotations

from django.contrib import admin

from review.models import ReminderPlan


@admin.register(ReminderPlan)
class ReminderPlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A collection's reminder days: national admins edit it here."""

    list_display = ("collection", "days_before", "weekly_when_late")
