"""Engagements, actions and case studies in the Django admin, read-only: every write goes
through a service, which audits it."""

from __future__ import annotations

from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from engagement.models import Action, CaseStudy, Engagement


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "held_on", "kind", "origin")
    list_filter = ("kind", "origin")


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "due_on", "status", "owner_role")
    list_filter = ("status",)


@admin.register(CaseStudy)
class CaseStudyAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "indicator", "contact_role")
