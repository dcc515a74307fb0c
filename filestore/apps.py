"""App configuration for filestore: the storage backend over a table of chunks."""

from django.apps import AppConfig


class FilestoreConfig(AppConfig):
    name = "filestore"
    verbose_name = "File store"
    default_auto_field = "django.db.models.BigAutoField"
