"""App configuration for extracts."""

from django.apps import AppConfig


class ExtractsConfig(AppConfig):
    name = "extracts"
    verbose_name = "Publication and extracts"
