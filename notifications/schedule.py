"""Celery beat's entry for the email outbox sweep (imported by settings: no models here).

Settings add it with one line, the interval read from ``EMAIL_SWEEP_SECONDS``::

    CELERY_BEAT_SCHEDULE = {..., **email_beat_schedule(EMAIL_SWEEP_SECONDS)}
"""

from __future__ import annotations

from typing import Any

#: How often the sweep runs unless the environment says otherwise.
EMAIL_SWEEP_SECONDS_DEFAULT = 120


def email_beat_schedule(every_seconds: int = EMAIL_SWEEP_SECONDS_DEFAULT) -> dict[str, Any]:
    """The sweep every ``every_seconds`` seconds; each run expires before the next is due."""
    every_seconds = max(int(every_seconds), 10)
    return {
        "email-sweep": {
            "task": "submissions.email_sweep",  # notifications.tasks.email_sweep
            "schedule": float(every_seconds),
            "options": {"expires": every_seconds},
        },
    }


EMAIL_BEAT_SCHEDULE = email_beat_schedule()
