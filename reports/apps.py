"""The reports app."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "National reports"

    def ready(self) -> None:
        from extracts.signals import publication_outputs_built
        from reports.tasks import prebuild_after_publication

        publication_outputs_built.connect(prebuild_after_publication, dispatch_uid="reports-pdf")
