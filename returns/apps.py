"""App configuration for returns: collections, returns, versions, forms and sign-off."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Returns"

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process, web included: services queue them
        # by name (`wres_portal.celery.task_named`, ADR 0015).
        from returns import tasks  # noqa: F401
