"""Celery tasks of returns: thin wrappers that take ids and call one service."""

from __future__ import annotations

from returns.services.returns import CHECK_TASK, return_check
from wres_portal.celery import app


# The task's name is its messages' wire format: kept from before the split into apps, so a
# message queued across a deploy still runs (ADR 0015).
@app.task(name=CHECK_TASK, time_limit=60, soft_time_limit=50)  # type: ignore[untyped-decorator]
def return_validate(return_id: int) -> bool:
    """Checks a return's current values and stores the result (see `return_check`)."""
    return return_check(return_id=return_id)
