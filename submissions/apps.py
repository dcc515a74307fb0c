"""App configuration for submissions: the collection's historic migrations only (ADR 0015)."""

from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions (historic migrations)"
