"""Project wiring: settings, URLs, the Celery app and the Jinja2 environment."""

from wres_portal.celery import app as celery_app

__all__ = ("celery_app",)
