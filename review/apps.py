"""App configuration for review: the queue, queries, verdicts, acceptance and reminders."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "National review"

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process, web included: services queue them
        # by name (`wres_portal.celery.task_named`, ADR 0015).
        from review import tasks  # noqa: F401
