"""Celery tasks of the email outbox: send one recorded email, and the periodic sweep."""

from __future__ import annotations

from notifications.services import (
    EMAIL_SEND_TASK,
    EMAIL_SWEEP_TASK,
    email_deliver,
    email_sweep_run,
)
from wres_portal.celery import app


# The names are the messages' wire format: kept from before the split into apps, so a message
# queued across a deploy still runs (ADR 0015).
@app.task(name=EMAIL_SEND_TASK, time_limit=120, soft_time_limit=100)  # type: ignore[untyped-decorator]
def email_send(record_id: int) -> bool:
    """Sends one outbox row if nobody has (see `email_deliver`); True if this run sent."""
    return email_deliver(record_id=record_id)


@app.task(name=EMAIL_SWEEP_TASK, time_limit=300, soft_time_limit=280)  # type: ignore[untyped-decorator]
def email_sweep() -> int:
    """Queues outbox rows still unsent after the grace period; returns how many it queued."""
    return email_sweep_run()
