"""Reminders: which one is due, only to organisations that have not submitted, at most once per
organisation and reminder whether the task runs twice, concurrently, or after a worker died
mid-run (a real worker killed with SIGKILL in full mode), and a reviewer's "send now"."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from django.utils import timezone

from notifications.models import EmailRecord
from returns.models import Return
from review.models import ReminderPlan
from review.reminders import reminder_due, reminders_run, reminders_send_scheduled
from review.tasks import review_send_reminders
from tests.submissions.conftest import make_organisation, open_collection

TODAY = timezone.localdate()
D = dt.date(2026, 8, 31)


@pytest.mark.parametrize(
    ("today", "key"),
    [(D - dt.timedelta(days=29), None), (D - dt.timedelta(days=28), "before-28"),
     (D - dt.timedelta(days=20), "before-28"), (D - dt.timedelta(days=14), "before-14"),
     (D - dt.timedelta(days=1), "before-1"), (D, "before-1"),
     (D + dt.timedelta(days=6), "before-1"),
     (D + dt.timedelta(days=7), "late-week-1"), (D + dt.timedelta(days=20), "late-week-2")],
)  # fmt: skip
def test_reminder_due_is_the_latest_scheduled_point(today, key):
    due = reminder_due(deadline=D, days_before=[28, 14, 7, 1], weekly_when_late=True, today=today)
    assert (due.key if due else None) == key


def test_no_weekly_reminders_when_the_plan_says_so():
    due = reminder_due(
        deadline=D, days_before=[7], weekly_when_late=False, today=D + dt.timedelta(days=30)
    )
    assert due is not None and due.key == "before-7"


@pytest.fixture
def reminder_setup(make_user: Any, db: None) -> dict[str, Any]:
    orgs = [make_organisation(f"RM{n}") for n in range(4)]
    for n, org in enumerate(orgs):
        make_user(f"submitter{n}@rm.test", memberships=((org, "submitter"),))
        make_user(f"viewer{n}@rm.test", memberships=((org, "viewer"),))
    collection = open_collection(deadline=TODAY + dt.timedelta(days=7))
    # RM0 has submitted: it must not be reminded.
    Return.objects.filter(organisation=orgs[0]).update(last_submitted_at=timezone.now())
    return {"orgs": orgs, "collection": collection}


def test_scheduled_reminders_run_twice_send_once_per_organisation(
    reminder_setup, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    collection = reminder_setup["collection"]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_scheduled(collection_id=collection.pk) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_scheduled(collection_id=collection.pk) == 0
        assert review_send_reminders.apply().get() == {collection.year: 0}
    assert len(mailoutbox) == 3
    recipients = sorted(address for email in mailoutbox for address in email.to)
    assert recipients == ["submitter1@rm.test", "submitter2@rm.test", "submitter3@rm.test"]
    assert all("due 7 " not in e.subject or "reminder" in e.subject for e in mailoutbox)
    assert "in 7 day(s)" in mailoutbox[0].body
    records = EmailRecord.objects.filter(kind="reminder_scheduled")
    assert records.count() == 3 and all(r.sent_at and r.reminder_key == "before-7" for r in records)


def test_a_claimed_reminder_is_never_created_again_even_if_its_send_was_lost(
    reminder_setup, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    collection = reminder_setup["collection"]
    orgs = reminder_setup["orgs"]
    # A worker died after committing RM1's row and before its email was queued: the outbox's
    # sweep sends that row (test_submissions_outbox); the reminder run never makes another.
    EmailRecord.objects.create(
        kind="reminder_scheduled", organisation=orgs[1], collection=collection,
        reminder_key="before-7", recipients=["submitter1@rm.test"], subject="x",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_scheduled(collection_id=collection.pk) == 2
    assert sorted(e.to[0] for e in mailoutbox) == ["submitter2@rm.test", "submitter3@rm.test"]
    assert EmailRecord.objects.filter(organisation=orgs[1]).count() == 1


def test_each_scheduled_point_sends_its_own_reminder(
    reminder_setup, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    collection = reminder_setup["collection"]
    ReminderPlan.objects.create(collection=collection, days_before=[7, 3], weekly_when_late=True)
    for days in (0, 4, 14):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send_scheduled(
                collection_id=collection.pk, today=TODAY + dt.timedelta(days=days)
            )
    keys = sorted(set(EmailRecord.objects.values_list("reminder_key", flat=True)))
    assert keys == ["before-3", "before-7", "late-week-1"]
    assert len(mailoutbox) == 9
    assert "late" in mailoutbox[-1].subject and "7 day(s) late" in mailoutbox[-1].body


def test_closed_or_unopened_collections_send_nothing(
    reminder_setup, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    from returns.services import collection_close

    collection_close(collection=reminder_setup["collection"], actor="tests")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_run() == {}
    assert not EmailRecord.objects.exists()
    assert mailoutbox == []


def test_reviewer_sends_a_reminder_now_to_a_filtered_set_once(
    reminder_setup, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(people["reviewer"])
    token = str(uuid.uuid4())
    form = {"token": token, "q": "RM1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/returns/review/reminders/", form)
    assert response.status_code == 302 and "q=RM1" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/returns/review/reminders/", form).status_code == 302  # double click
    assert [e.to for e in mailoutbox] == [["submitter1@rm.test"]]
    with django_capture_on_commit_callbacks(execute=True):
        everyone = client.post("/returns/review/reminders/", {"token": str(uuid.uuid4())})
    assert everyone.status_code == 302
    assert len(mailoutbox) == 4  # RM1 again (a new reminder), RM2, RM3; never RM0 (submitted)
    assert "submitter0@rm.test" not in [e.to[0] for e in mailoutbox]
    for bad in ({"token": "not-a-uuid"}, {}, {"token": token, "state": "bogus"}):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/returns/review/reminders/", bad).status_code == 302
    assert len(mailoutbox) == 4
    assert (
        client_for(people["submitter"]).post("/returns/review/reminders/", form).status_code == 403
    )


# With a real worker (full mode) -------------------------------------------------------------


def _worker(queue: str) -> subprocess.Popen[bytes]:
    from tests.conftest import LOG_DIR, ROOT, _test_database_url

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": _test_database_url(),
           "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test"}  # fmt: skip
    log = (LOG_DIR / "celery-review-worker.log").open("ab")
    return subprocess.Popen(
        # The worker takes the outbox's email tasks (the default queue) too.
        [sys.executable, "-m", "celery", "-A", "wres_portal", "worker", "-Q", f"{queue},celery",
         "--hostname", f"{queue}@localhost", "--concurrency", "1", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _wait(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_real_worker_killed_mid_run_and_rerun_sends_no_duplicates(
    full_mode, make_user, monkeypatch
):
    from notifications import services as emails

    orgs = [make_organisation(f"RK{n:03d}") for n in range(400)]
    for n, org in enumerate(orgs):
        make_user(f"s{n}@rk.test", memberships=((org, "submitter"),))
    collection = open_collection(deadline=TODAY + dt.timedelta(days=1))
    queue = f"review-{uuid.uuid4().hex[:8]}"
    worker = _worker(queue)
    try:
        review_send_reminders.apply_async(queue=queue)
        records = EmailRecord.objects.filter(collection=collection)
        _wait(lambda: records.count() >= 40)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-run: rows claimed, the rest not yet
        worker.wait(timeout=10)
        claimed_at_kill = records.count()
        assert 40 <= claimed_at_kill < 400
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    worker = _worker(queue)
    try:
        review_send_reminders.apply_async(queue=queue)  # beat's next run
        _wait(lambda: records.count() == 400, seconds=120)
        review_send_reminders.apply_async(queue=queue).get(timeout=60)  # and once more
        # The outbox's sweep (its grace period waived here) queues any row whose email task
        # was lost with the killed worker; every reminder is then sent.
        monkeypatch.setattr(emails, "SWEEP_GRACE", dt.timedelta(0))
        emails.email_sweep_run()
        _wait(lambda: not records.filter(sent_at__isnull=True).exists(), seconds=120)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    rows = list(records.values_list("organisation_id", "reminder_key", "attempts"))
    assert len(rows) == len({(org, key) for org, key, _ in rows}) == 400
    assert {key for _, key, _ in rows} == {"before-1"}
    # Each row was claimed, and so sent, exactly once, however often its task was queued.
    assert {attempts for _, _, attempts in rows} == {1}
