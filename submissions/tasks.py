"""Celery tasks of submissions: thin wrappers that take ids and call one service."""

from __future__ import annotations

from wres_portal.celery import app


@app.task(  # type: ignore[untyped-decorator]
    name="submissions.return_validate", time_limit=60, soft_time_limit=50
)
def return_validate(return_id: int) -> bool:
    """Checks a return's current values and stores the result (see `return_check`)."""
    from submissions.services import return_check

    return return_check(return_id=return_id)


# The upload task lives beside the upload machinery; importing it here registers it with Celery,
# which discovers `submissions.tasks` only.
from submissions import email_tasks as _email_tasks  # noqa: E402, F401 - the outbox
from submissions.review import tasks as _review_tasks  # noqa: E402, F401 - reminders (beat)
from submissions.upload import tasks as _upload_tasks  # noqa: E402, F401
