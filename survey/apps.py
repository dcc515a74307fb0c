"""App configuration for survey: the national Staff Survey load (pre-fills indicators 5-8)."""

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = "NHS Staff Survey"
