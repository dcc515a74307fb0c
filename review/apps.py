"""App configuration for review: the queue, queries, verdicts, acceptance and reminders."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "National review"

    def ready(self) -> None:
        # Registers the app's Celery tasks in every process, web included: services queue them
        # by name (`wres_portal.celery.task_named`, ADR 0015).
        # Open queries and the reason for a reopening at the top of the organisation's task list
        # and returns list: returns reads them through its notice hook (ADR 0015's arrows).
        from returns.notices import notice_provider_register
        from review import tasks  # noqa: F401
        from review.notices import review_notices

        notice_provider_register(review_notices)
