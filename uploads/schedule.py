"""Celery beat's schedule for uploads: the sweep that queues delayed checks again.

Settings take it with one line: ``CELERY_BEAT_SCHEDULE = {..., **UPLOAD_BEAT_SCHEDULE}``. Each
run queues the check of every upload still waiting after `WRES_UPLOAD_DELAYED_AFTER` seconds
(its sending failed while the broker was down, or its message was lost); a check queued twice
still stores its result once, so running it often only catches up sooner.
"""

UPLOAD_BEAT_SCHEDULE = {
    "upload-sweep-pending": {
        "task": "submissions.upload_sweep_pending",
        "schedule": 60.0,  # seconds
        # A sweep not run within a minute is superseded by the next one.
        "options": {"expires": 55},
    },
}
