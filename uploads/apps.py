"""App configuration for uploads: the spreadsheet template, uploads and their bounded parser."""

from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Uploads"

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process, web included: services queue them
        # by name (`wres_portal.celery.task_named`, ADR 0015).
        from uploads import tasks  # noqa: F401
