"""The email outbox: rows written in the action's transaction (nothing if it rolls back), sent
by a task after commit; a broker that is down loses nothing (the sweep sends the row later,
once); a task run twice sends once; a claim left by a dead worker is taken back by the sweep;
failures are retried up to a cap; accept and reopen email the organisation; the beat entry."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import services as emails
from notifications.models import EmailKind, EmailRecord
from notifications.schedule import email_beat_schedule
from notifications.services import MAX_ATTEMPTS, email_enqueue
from notifications.tasks import email_send, email_sweep
from returns.models import Return, ReturnState
from tests.submissions.conftest import YEAR
from tests.submissions.test_submissions_views_forms import open_year, reload
from tests.submissions.test_submissions_views_signoff import sign_off_data

REVIEW = f"/returns/review/RJ1/{YEAR}/"
SIGN_OFF = f"/returns/RJ1/{YEAR}/sign-off/"
RJ1_PEOPLE = ["approver@rj1.test", "submitter@rj1.test", "viewer@rj1.test"]


def _enqueue(**overrides: Any) -> EmailRecord:
    fields = {
        "kind": EmailKind.QUERY_MESSAGE,
        "subject": "A subject",
        "body": "A plain-text body.",
        "recipients": ["someone@rj1.test"],
    }
    return email_enqueue(**{**fields, **overrides})


def _age(record: EmailRecord, **delta: float) -> None:
    """Moves a row's creation (and claim, if any) back in time, as if written earlier."""
    EmailRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(**delta)
    )


def _sweep() -> int:
    return email_sweep.apply().get()


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queueing any email task fails as it does when Redis is unreachable."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(email_send, "apply_async", refuse)


@pytest.fixture
def ready(people: dict[str, Any], orgs: dict[str, Any], synthetic_values: Any, fill: Any) -> Return:
    """RJ1's draft for this year, complete (RJ1 has a submitter, an approver and a viewer)."""
    open_year(YEAR)
    draft = Return.objects.get(organisation=orgs["RJ1"], collection__year=YEAR)
    return fill(draft, synthetic_values[YEAR], people["submitter"])


@pytest.fixture
def submitted(ready: Return, submit: Any) -> Return:
    """RJ1's return for this year, submitted."""
    submit(ready)
    return reload(ready)


def _wait_until_sent(record: EmailRecord, seconds: float = 60) -> None:
    """Polls for a real worker's send (a timeout, not a timing assertion)."""
    give_up = time.monotonic() + seconds
    while not EmailRecord.objects.filter(pk=record.pk, sent_at__isnull=False).exists():
        assert time.monotonic() < give_up, f"email {record.pk} was not sent"
        time.sleep(0.05)


# Written in the caller's transaction --------------------------------------------------------


def test_enqueue_writes_the_row_and_sends_after_commit(
    db, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = _enqueue()
        assert mailoutbox == []  # not before the commit
        assert EmailRecord.objects.filter(pk=record.pk, sent_at__isnull=True).exists()

    assert len(callbacks) == 1
    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [
        ("A subject", "A plain-text body.", ["someone@rj1.test"])
    ]
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL
    record.refresh_from_db()
    assert record.sent_at is not None and record.attempts == 1 and record.last_error == ""


def test_a_rolled_back_action_leaves_no_row_and_sends_nothing(
    db, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _enqueue()
        raise RuntimeError("the action failed after writing its email")

    assert callbacks == []
    assert not EmailRecord.objects.exists()
    assert mailoutbox == []


def test_a_refused_review_action_leaves_no_email(
    submitted, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(people["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        stale = client.post(f"{REVIEW}accept/", {"expected_version": str(submitted.version - 1)})
        wrong_state = client.post(f"{REVIEW}reopen/", {"expected_version": str(submitted.version),
                                                       "reason": "Not accepted yet."})  # fmt: skip

    assert stale.status_code in (200, 302, 409) and wrong_state.status_code in (200, 302, 409)
    assert reload(submitted).state == ReturnState.SUBMITTED
    assert not EmailRecord.objects.exists()
    assert mailoutbox == []


def test_an_email_with_nobody_to_send_to_is_given_up_at_once(
    db, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = _enqueue(recipients=["", ""])

    record.refresh_from_db()
    assert callbacks == [] and mailoutbox == []
    assert record.failed_at is not None and record.last_error == "Nobody to send it to."
    _age(record, minutes=10)
    assert _sweep() == 0


# The broker is down ------------------------------------------------------------------------


def test_broker_down_the_action_succeeds_and_the_sweep_sends_the_email_once(
    ready, people, client_for, mailoutbox, eager_tasks, broker_down, caplog,
    django_capture_on_commit_callbacks, monkeypatch,
):  # fmt: skip
    client = client_for(people["submitter"])

    with (
        caplog.at_level(logging.WARNING, logger="notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(f"{SIGN_OFF}ask/", {"expected_version": str(ready.version)})

    assert response.status_code == 302
    assert "emailed 1 approver" in client.get(SIGN_OFF).content.decode()
    record = EmailRecord.objects.get()
    assert record.kind == EmailKind.APPROVAL_REQUESTED and record.recipients == [
        "approver@rj1.test"
    ]
    assert record.sent_at is None and record.claimed_at is None and record.attempts == 0
    assert mailoutbox == []
    assert f"Email {record.pk} could not be queued" in caplog.text

    # Still young: the sweep leaves it for its own task (here there is none, but it cannot know).
    monkeypatch.undo()  # the broker is back
    assert _sweep() == 0 and mailoutbox == []
    _age(record, minutes=3)
    assert _sweep() == 1
    assert [m.to for m in mailoutbox] == [["approver@rj1.test"]]
    assert "ready for your sign-off" in mailoutbox[0].subject
    assert f"http://testserver{SIGN_OFF}" in mailoutbox[0].body
    assert _sweep() == 0 and email_send.apply((record.pk,)).get() is False
    assert len(mailoutbox) == 1
    record.refresh_from_db()
    assert record.sent_at is not None and record.attempts == 1


def test_a_sweep_that_finds_the_broker_down_queues_later(
    db, mailoutbox, eager_tasks, broker_down, monkeypatch
):
    records = [_enqueue(subject=f"Email {n}") for n in range(3)]
    for record in records:
        _age(record, minutes=5)

    assert _sweep() == 0  # stops at the first refusal
    monkeypatch.undo()
    assert _sweep() == 3
    assert sorted(m.subject for m in mailoutbox) == ["Email 0", "Email 1", "Email 2"]


# Claims ------------------------------------------------------------------------------------


def test_the_task_run_twice_sends_once(db, mailoutbox, eager_tasks):
    record = _enqueue()  # not committed: nothing queued; the task is run by hand

    assert email_send.apply((record.pk,)).get() is True
    assert email_send.apply((record.pk,)).get() is False
    assert len(mailoutbox) == 1
    record.refresh_from_db()
    assert record.attempts == 1


def test_a_row_another_worker_is_sending_is_left_alone(db, mailoutbox, eager_tasks):
    record = _enqueue()
    EmailRecord.objects.filter(pk=record.pk).update(claimed_at=timezone.now(), attempts=1)
    _age(record, minutes=5)

    assert email_send.apply((record.pk,)).get() is False
    assert _sweep() == 0
    assert mailoutbox == []


def test_a_claim_left_by_a_dead_worker_is_sent_by_the_sweep(db, mailoutbox, eager_tasks):
    record = _enqueue()
    long_ago = timezone.now() - emails.STALE_CLAIM - dt.timedelta(minutes=1)
    EmailRecord.objects.filter(pk=record.pk).update(
        created_at=long_ago, claimed_at=long_ago, attempts=1
    )

    assert _sweep() == 1
    assert _sweep() == 0
    assert len(mailoutbox) == 1
    record.refresh_from_db()
    assert record.sent_at is not None and record.attempts == 2


def test_a_row_whose_workers_all_died_is_given_up(db, mailoutbox, eager_tasks):
    record = _enqueue()
    long_ago = timezone.now() - emails.STALE_CLAIM - dt.timedelta(minutes=1)
    EmailRecord.objects.filter(pk=record.pk).update(
        created_at=long_ago, claimed_at=long_ago, attempts=MAX_ATTEMPTS
    )

    assert _sweep() == 0
    record.refresh_from_db()
    assert record.failed_at is not None and "every attempt" in record.last_error
    assert mailoutbox == []


# Failures ----------------------------------------------------------------------------------


def test_a_failed_send_is_recorded_retried_and_given_up_after_the_cap(
    db, mailoutbox, eager_tasks, monkeypatch
):
    def refuse(self: Any, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    record = _enqueue(kind=EmailKind.INVITATION, body="Your link: https://x/invitation/SECRET/")
    _age(record, minutes=5)

    assert email_send.apply((record.pk,)).get() is False
    record.refresh_from_db()
    assert record.attempts == 1 and record.claimed_at is None and record.failed_at is None
    assert record.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert "SECRET" in record.body  # kept for the retry
    for _ in range(MAX_ATTEMPTS - 1):
        assert _sweep() == 1
    record.refresh_from_db()
    assert record.attempts == MAX_ATTEMPTS and record.failed_at is not None
    assert record.sent_at is None and record.body == ""  # the secret link goes with it
    assert _sweep() == 0
    assert mailoutbox == []


def test_a_failure_then_success_sends_once_and_clears_the_error(
    db, mailoutbox, eager_tasks, monkeypatch
):
    def refuse(self: Any, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        record = _enqueue()
        assert email_send.apply((record.pk,)).get() is False
    _age(record, minutes=5)
    assert _sweep() == 1

    record.refresh_from_db()
    assert len(mailoutbox) == 1 and record.sent_at is not None
    assert record.attempts == 2 and record.last_error == ""


# Every portal email goes through it --------------------------------------------------------


def test_invitation_goes_through_the_outbox_and_its_link_is_wiped_once_sent(
    people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["approver"]).post(
            "/organisations/RJ1/members/", {"email": "new.person@rj1.nhs.uk", "role": "viewer"}
        )

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["new.person@rj1.nhs.uk"]]
    assert "/accounts/invitation/" in mailoutbox[0].body
    record = EmailRecord.objects.get(kind=EmailKind.INVITATION)
    assert record.organisation.ods_code == "RJ1" and record.collection is None
    assert record.created_by == people["approver"]
    assert record.sent_at is not None and record.body == ""


def test_submission_confirmation_is_an_outbox_row_for_the_return(
    ready, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["approver"]).post(
            f"/returns/RJ1/{YEAR}/submit/", sign_off_data(ready)
        )

    assert response.status_code == 302
    record = EmailRecord.objects.get()
    assert record.kind == EmailKind.SUBMITTED and record.created_by == people["approver"]
    assert record.organisation_id == ready.organisation_id
    assert record.collection_id == ready.collection_id and record.wres_return_id == ready.pk
    assert record.recipients == RJ1_PEOPLE and record.sent_at is not None
    assert [m.to for m in mailoutbox] == [RJ1_PEOPLE]
    assert mailoutbox[0].body == record.body


def test_accepting_a_return_emails_everyone_at_the_organisation(
    submitted, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["reviewer"]).post(
            f"{REVIEW}accept/", {"expected_version": str(submitted.version)}
        )

    assert response.status_code == 302
    assert reload(submitted).state == ReturnState.ACCEPTED
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == RJ1_PEOPLE
    assert email.subject == f"WRES {YEAR}: RJ1 NHS TRUST's return has been accepted"
    assert "has accepted RJ1 NHS TRUST's (RJ1) WRES 2026 return (version 1)" in email.body
    assert f"{settings.PORTAL_BASE_URL}/returns/RJ1/{YEAR}/summary/" in email.body
    assert "&#" not in email.body and "&amp;" not in email.body
    record = EmailRecord.objects.get()
    assert record.kind == EmailKind.RETURN_ACCEPTED and record.wres_return_id == submitted.pk
    assert record.created_by == people["reviewer"] and record.sent_at is not None


def test_reopening_a_return_emails_everyone_the_reason(
    submitted, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(people["reviewer"])
    client.post(f"{REVIEW}accept/", {"expected_version": str(submitted.version)})
    accepted = reload(submitted)
    reason = "Merger with RJ2 found: include its staff & resubmit."

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{REVIEW}reopen/", {"expected_version": str(accepted.version), "reason": reason}
        )

    assert response.status_code == 302
    assert reload(submitted).state == ReturnState.DRAFT
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == RJ1_PEOPLE
    assert email.subject == f"WRES {YEAR}: RJ1 NHS TRUST's return has been reopened"
    assert reason in email.body and "starting from the accepted figures (version 1)" in email.body
    assert f"{settings.PORTAL_BASE_URL}/returns/RJ1/{YEAR}/\n" in email.body
    kinds = list(EmailRecord.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [EmailKind.RETURN_ACCEPTED, EmailKind.RETURN_REOPENED]


def test_only_active_members_are_emailed(
    submitted, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    people["viewer"].is_active = False
    people["viewer"].save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["reviewer"]).post(
            f"{REVIEW}accept/", {"expected_version": str(submitted.version)}
        )

    assert [m.to for m in mailoutbox] == [["approver@rj1.test", "submitter@rj1.test"]]


# Beat -------------------------------------------------------------------------------------


def test_the_sweep_is_on_beats_schedule_and_its_interval_is_configurable():
    from wres_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["email-sweep"]
    assert entry["task"] == email_sweep.name and entry["task"] in app.tasks
    assert entry["schedule"] == float(settings.EMAIL_SWEEP_SECONDS)
    assert email_beat_schedule(45)["email-sweep"]["schedule"] == 45.0
    assert email_beat_schedule(1)["email-sweep"]["schedule"] == 10.0  # never a busy loop


# With the real broker and worker (full mode) ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_after_commit_and_the_sweep_recovers_a_dead_broker(
    full_mode, celery_worker_process, celery_conf
):
    from wres_portal.celery import app

    def use_broker(url: str) -> None:
        celery_conf.broker_url = url
        app._pool = None  # connections are pooled per broker URL on first use
        app.amqp._producer_pool = None

    first = _enqueue(subject="Sent by the worker")  # autocommit: queued at once
    _wait_until_sent(first)
    # The broker goes away: the email is written all the same, and stays pending.
    use_broker("redis://127.0.0.1:1/0")
    second = _enqueue(subject="Queued by the sweep")
    second.refresh_from_db()
    assert second.sent_at is None and second.claimed_at is None and second.attempts == 0
    # It comes back; the sweep (run here, past the grace period) queues the row, sent once.
    use_broker(settings.CELERY_BROKER_URL)
    _age(second, minutes=5)
    assert emails.email_sweep_run() == 1
    _wait_until_sent(second)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.attempts == 1 and first.attempts == 1


def test_national_admins_see_the_outbox_in_the_admin_without_bodies(people, client_for):
    with transaction.atomic():
        email_enqueue(
            kind=EmailKind.INVITATION, subject="You are invited", body="secret one-time link",
            recipients=["someone@example.nhs.uk"],
        )  # fmt: skip

    admin = client_for(people["admin"])
    listing = admin.get("/admin/notifications/emailrecord/?sent_at__isempty=1")
    record = EmailRecord.objects.get()
    detail = admin.get(f"/admin/notifications/emailrecord/{record.pk}/change/")

    assert listing.status_code == 200 and "You are invited" in listing.content.decode()
    assert detail.status_code == 200 and "secret one-time link" not in detail.content.decode()
    reviewer = client_for(people["reviewer"])
    assert reviewer.get("/admin/notifications/emailrecord/").status_code == 302


def test_old_admin_addresses_of_moved_models_redirect_to_their_new_app(people, client_for):
    admin = client_for(people["admin"])

    outbox = admin.get("/admin/submissions/emailrecord/?sent_at__isempty=1")
    returns_list = admin.get("/admin/submissions/return/")
    unknown = admin.get("/admin/submissions/nothing/")

    assert outbox.status_code == 301
    assert outbox["Location"] == "/admin/notifications/emailrecord/?sent_at__isempty=1"
    assert returns_list["Location"] == "/admin/returns/return/"
    assert unknown.status_code == 404
