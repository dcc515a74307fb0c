"""The review's Celery task: the daily reminder run (Celery beat, see `schedule.py`)."""

from __future__ import annotations

from django.conf import settings

from review.reminders import reminders_run
from wres_portal.celery import app


# The name is the messages' wire format, kept from before the split into apps (ADR 0015).
@app.task(  # type: ignore[untyped-decorator]
    name="submissions.review_send_reminders", time_limit=1800, soft_time_limit=1700
)
def review_send_reminders() -> dict[int, int]:
    """Sends each open collection's due reminders; running it twice sends nothing twice."""
    return reminders_run(base_url=getattr(settings, "PORTAL_BASE_URL", ""))
