"""Celery tasks of the email outbox: send one recorded email, and the periodic sweep."""

from __future__ import annotations

from wres_portal.celery import app


@app.task(  # type: ignore[untyped-decorator]
    name="submissions.email_send", time_limit=120, soft_time_limit=100
)
def email_send(record_id: int) -> bool:
    """Sends one outbox row if nobody has (see `emails.email_deliver`); True if this run sent."""
    from submissions.emails import email_deliver

    return email_deliver(record_id=record_id)


@app.task(  # type: ignore[untyped-decorator]
    name="submissions.email_sweep", time_limit=300, soft_time_limit=280
)
def email_sweep() -> int:
    """Queues outbox rows still unsent after the grace period; returns how many it queued."""
    from submissions.emails import email_sweep_run

    return email_sweep_run()
