"""App configuration for notifications: the email outbox: every email the portal sends."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process, web included: services queue them
        # by name (`wres_portal.celery.task_named`, ADR 0015).
        from notifications import tasks  # noqa: F401
