"""The Celery app: configured from Django settings (`CELERY_*`), request ids carried into tasks."""

import os
from contextvars import Token
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres_portal.settings")

# DjangoTask gives every task `delay_on_commit`, which the portal uses so that a task is sent
# only once the transaction that created its work has committed.
app = Celery("wres_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_REQUEST_ID = "wres_request_id"


def task_named(name: str) -> Any:
    """The registered task called ``name``.

    Services queue their tasks by name, so a service never imports the task module that imports
    it (ADR 0015). Each app's ``AppConfig.ready`` imports its ``tasks`` module, so every task is
    registered in web processes as well as workers; an unknown name raises ``NotRegistered``
    rather than sending a message nobody would run.
    """
    return app.tasks[name]


@signals.before_task_publish.connect
def _attach_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    from wres_portal.observability import current_request_id

    request_id = current_request_id.get()
    if headers is not None and request_id:
        headers[_REQUEST_ID] = request_id


_tokens: dict[str, Token[str | None]] = {}


@signals.task_prerun.connect
def _restore_request_id(task_id: str = "", task: Any = None, **_: Any) -> None:
    """In a worker, the sending request's id; run eagerly, the request's own id stays as it is."""
    from wres_portal.observability import current_request_id

    request_id = getattr(task.request, _REQUEST_ID, None) if task is not None else None
    if request_id:
        _tokens[task_id] = current_request_id.set(request_id)


@signals.task_postrun.connect
def _forget_request_id(task_id: str = "", **_: Any) -> None:
    from wres_portal.observability import current_request_id

    token = _tokens.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)


@app.task(name="wres_portal.health_roundtrip", acks_late=False, time_limit=30, soft_time_limit=25)
def health_roundtrip() -> dict[str, Any]:
    """Proves a worker can reach the database: returns the organisation count it sees."""
    from organisations.models import Organisation
    from wres_portal.observability import current_request_id

    return {
        "organisations": Organisation.objects.count(),
        "request_id": current_request_id.get(),
    }
