"""Celery beat's schedule for data retention (ADR 0012): upload files and inactive accounts.

Settings take it with one line, beside the review's: ``CELERY_BEAT_SCHEDULE = {...,
**RETENTION_BEAT_SCHEDULE}``. Both tasks work out for themselves what is due, so a day the
scheduler missed is caught up the next day, and running them twice changes nothing the second time.
"""

from celery.schedules import crontab

RETENTION_BEAT_SCHEDULE = {
    "retention-upload-files": {
        "task": "submissions.uploads_apply_retention",
        # 02:15 in the Celery app's time zone (Europe/London): outside working hours.
        "schedule": crontab(hour="2", minute="15"),
    },
    "retention-inactive-accounts": {
        "task": "accounts.accounts_apply_retention",
        "schedule": crontab(hour="2", minute="45"),
    },
}
