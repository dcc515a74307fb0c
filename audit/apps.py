"""App configuration for audit."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # The admin has discovered every app's ModelAdmins by now (it is first in INSTALLED_APPS).
        from django.contrib import admin

        from audit.admin import audit_every_admin

        audit_every_admin(admin.site)
