"""Celery beat's schedule for the review, in code (django-celery-beat does not support Django 6.1).

Settings take it with one line: ``CELERY_BEAT_SCHEDULE = {**REVIEW_BEAT_SCHEDULE}``. The task
works out for itself which reminder (if any) is due for each open collection, so running it
more often than daily only catches up sooner; it never sends a reminder twice.
"""

from celery.schedules import crontab

REVIEW_BEAT_SCHEDULE = {
    "review-send-reminders": {
        "task": "submissions.review_send_reminders",
        # 07:30 in the Celery app's time zone (Europe/London, from Django's TIME_ZONE).
        "schedule": crontab(hour="7", minute="30"),
    },
}
