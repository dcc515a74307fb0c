"""Data retention (ADR 0012): old upload files deleted with their rows kept, inactive accounts
disabled with their sessions ended, each recorded once; dry runs, second runs, bad settings."""

from __future__ import annotations

import datetime as dt
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.retention import (
    account_disable_inactive,
    account_inactive_cutoff,
    accounts_apply_retention,
    accounts_apply_retention_task,
)
from audit.models import AuditEvent
from returns.exceptions import TransitionNotAllowed
from returns.models import Return, ReturnVersion
from tests.conftest import ROOT
from tests.submissions.conftest import open_collection
from uploads.models import Upload, UploadStatus
from uploads.retention import (
    upload_delete_file,
    upload_retention_cutoff,
    uploads_apply_retention,
    uploads_apply_retention_task,
)
from uploads.services import (
    upload_apply,
    upload_process,
    upload_receive,
    upload_recheck,
    upload_reject,
)

YEAR = 2026
GOOD = b"item,value\ni2.shortlisted.white,120\ni2.appointed.white,30\n"
BAD = b"item,value\ni2.shortlisted.white,5\ni2.appointed.white,9\n"  # more appointed: an error


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.WRES_UPLOAD_RETENTION_DAYS = 400
    settings.WRES_ACCOUNT_INACTIVE_DAYS = 365
    return tmp_path


@pytest.fixture
def returns(orgs: dict[str, Any]) -> dict[str, Return]:
    open_collection(YEAR)
    return {r.organisation.ods_code: r for r in Return.objects.select_related("organisation")}


def make_upload(return_: Return, actor: Any, data: bytes, *, days_old: int = 0) -> Upload:
    """An upload received and checked (ready or rejected), made ``days_old`` days ago."""
    upload = upload_receive(return_=return_, actor=actor, filename="figures.csv", data=data)
    upload_process(upload_id=upload.pk)
    Upload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_old)
    )
    upload.refresh_from_db()
    return upload


def stored(upload: Upload) -> bool:
    return upload.file.storage.exists(upload.file.name)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def page(name: str, upload: Upload) -> str:
    return reverse(f"returns:{name}", args=("RJ1", YEAR, upload.pk))


@pytest.fixture
def old_uploads(
    people: dict[str, Any], returns: dict[str, Return], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Upload]:
    """Uploads of RJ1 in every state: finished ones old and young, pending ones old.

    The rejected ones are made as before ADR 0021, when a file that checking refused was kept
    (databases still hold such files; retention deletes them): since then it is deleted at once
    (tests/test_security_infra.py).
    """
    monkeypatch.setattr("uploads.services.upload_delete_refused_file", lambda **kwargs: False)
    submitter = people["submitter"]
    draft = returns["RJ1"]
    applied = make_upload(draft, submitter, GOOD, days_old=401)
    upload_apply(upload=applied, actor=submitter)
    discarded = make_upload(draft, submitter, GOOD, days_old=500)
    upload_reject(upload=discarded, actor=submitter)
    uploads = {
        "applied": applied,
        "discarded": discarded,
        "rejected": make_upload(draft, submitter, BAD, days_old=401),
        "young": make_upload(draft, submitter, BAD, days_old=399),
        "ready": make_upload(draft, submitter, GOOD, days_old=800),
    }
    received = make_upload(draft, submitter, GOOD, days_old=800)
    Upload.objects.filter(pk=received.pk).update(status=UploadStatus.RECEIVED, result=None)
    checking = make_upload(draft, submitter, GOOD, days_old=800)
    Upload.objects.filter(pk=checking.pk).update(status=UploadStatus.CHECKING, result=None)
    uploads |= {"received": received, "checking": checking}
    return {key: Upload.objects.get(pk=upload.pk) for key, upload in uploads.items()}


# -- Uploads -------------------------------------------------------------------------------------


def test_retention_deletes_old_finished_files_and_keeps_their_rows(
    old_uploads: dict[str, Upload],
) -> None:
    results = {key: upload.result for key, upload in old_uploads.items()}

    run = uploads_apply_retention()

    due = ("applied", "discarded", "rejected")
    assert sorted(run.deleted) == sorted(old_uploads[key].pk for key in due)
    assert sorted(run.kept_pending) == sorted(
        old_uploads[key].pk for key in ("ready", "received", "checking")
    )
    for key, upload in old_uploads.items():
        fresh = Upload.objects.get(pk=upload.pk)
        assert fresh.result == results[key], key  # what checking found stays
        assert fresh.status == upload.status, key
        if key in due:
            assert not stored(fresh) and fresh.file_deleted_at is not None, key
        else:
            assert stored(fresh) and fresh.file_deleted_at is None, key


def test_retention_records_each_deletion_once_and_a_second_run_does_nothing(
    old_uploads: dict[str, Upload],
) -> None:
    uploads_apply_retention()
    recorded = events("upload.file_deleted")
    assert sorted(int(e.object_id) for e in recorded) == sorted(
        old_uploads[key].pk for key in ("applied", "discarded", "rejected")
    )
    event = next(e for e in recorded if int(e.object_id) == old_uploads["applied"].pk)
    assert event.system_actor == "celery:retention" and event.actor is None
    assert event.organisation is not None and event.organisation.ods_code == "RJ1"
    assert event.detail["filename"] == "figures.csv"
    assert event.detail["sha256"] == old_uploads["applied"].sha256
    assert event.detail["retention_days"] == 400
    marked = dict(Upload.objects.values_list("pk", "file_deleted_at"))

    again = uploads_apply_retention()

    assert again.deleted == [] and again.failed == []
    assert len(events("upload.file_deleted")) == len(recorded)
    assert dict(Upload.objects.values_list("pk", "file_deleted_at")) == marked


def test_retention_leaves_the_return_and_its_versions_untouched(
    people: dict[str, Any], returns: dict[str, Return], old_uploads: dict[str, Upload]
) -> None:
    draft = Return.objects.get(pk=returns["RJ1"].pk)
    version = ReturnVersion.objects.create(
        wres_return=draft,
        organisation=draft.organisation,
        collection=draft.collection,
        number=1,
        values=dict(draft.values),
        metrics={"m": 1},
        issues=[],
        submitted_at=timezone.now() - dt.timedelta(days=450),
        approver_name="Alex Approver",
    )
    before = list(ReturnVersion.objects.values())

    uploads_apply_retention()

    assert list(ReturnVersion.objects.values()) == before
    assert ReturnVersion.objects.get(pk=version.pk).values == draft.values
    fresh = Return.objects.get(pk=draft.pk)
    assert (fresh.values, fresh.version) == (draft.values, draft.version)


def test_retention_honours_the_configured_period(
    settings: Any, old_uploads: dict[str, Upload]
) -> None:
    settings.WRES_UPLOAD_RETENTION_DAYS = 450

    run = uploads_apply_retention()

    assert run.deleted == [old_uploads["discarded"].pk]  # 500 days old; the 401-day ones stay
    assert upload_retention_cutoff() < timezone.now() - dt.timedelta(days=449)


def test_retention_dry_run_changes_nothing(old_uploads: dict[str, Upload]) -> None:
    run = uploads_apply_retention(dry_run=True)

    assert len(run.deleted) == 3
    assert all(stored(upload) for upload in old_uploads.values())
    assert not Upload.objects.filter(file_deleted_at__isnull=False).exists()
    assert events("upload.file_deleted") == []


def test_retention_claim_is_taken_once(old_uploads: dict[str, Upload]) -> None:
    """Two runs at once each claim by a conditional UPDATE: only one deletes and records."""
    cutoff = upload_retention_cutoff()
    pk = old_uploads["applied"].pk

    assert upload_delete_file(upload_id=pk, cutoff=cutoff) is True
    assert upload_delete_file(upload_id=pk, cutoff=cutoff) is False
    assert upload_delete_file(upload_id=old_uploads["ready"].pk, cutoff=cutoff) is False
    assert len(events("upload.file_deleted")) == 1


def test_retention_failed_delete_is_rolled_back_and_tried_again(
    monkeypatch: Any, old_uploads: dict[str, Upload]
) -> None:
    from django.db import OperationalError

    from filestore.storage import DatabaseStorage

    real_delete = DatabaseStorage.delete

    def broken(self: Any, name: str) -> None:
        raise OperationalError("the store could not delete it")

    monkeypatch.setattr(DatabaseStorage, "delete", broken)
    with pytest.raises(CommandError, match="could not be deleted"):
        call_command("apply_retention", stdout=_Null())
    assert not Upload.objects.filter(file_deleted_at__isnull=False).exists()
    assert events("upload.file_deleted") == []
    assert all(stored(upload) for upload in old_uploads.values())

    monkeypatch.setattr(DatabaseStorage, "delete", real_delete)
    assert len(uploads_apply_retention().deleted) == 3


def test_retention_deletes_the_content_from_the_shared_store(
    old_uploads: dict[str, Upload],
) -> None:
    from filestore.models import FileChunk, StoredFile

    due = {f"uploads/{old_uploads[k].file.name}" for k in ("applied", "discarded", "rejected")}
    kept = {f"uploads/{u.file.name}" for u in old_uploads.values()} - due
    assert FileChunk.objects.filter(file__name__in=due).count() == 3

    uploads_apply_retention()

    assert not StoredFile.objects.filter(name__in=due).exists()
    assert not FileChunk.objects.filter(file__name__in=due).exists()
    assert StoredFile.objects.filter(name__in=kept).count() == len(kept) == 4


def test_retention_a_missing_file_is_still_marked(old_uploads: dict[str, Upload]) -> None:
    upload = old_uploads["rejected"]
    upload.file.storage.delete(upload.file.name)  # gone already (a run rolled back after it)

    assert upload.pk in uploads_apply_retention().deleted
    assert Upload.objects.get(pk=upload.pk).file_deleted_at is not None


def test_retention_task_runs_through_celery(eager_tasks: None, old_uploads: Any) -> None:
    assert uploads_apply_retention_task.delay().get() == {"deleted": 3, "failed": 0}
    assert accounts_apply_retention_task.delay().get()["disabled"] == 0


# -- The upload pages after deletion --------------------------------------------------------------


def test_upload_pages_say_the_file_was_deleted(
    people: dict[str, Any], old_uploads: dict[str, Upload], client_for: Any
) -> None:
    uploads_apply_retention()
    rejected = Upload.objects.get(pk=old_uploads["rejected"].pk)
    assert rejected.file_deleted_at is not None
    deleted_on = timezone.localtime(rejected.file_deleted_at).strftime("%-d %B %Y")
    client = client_for(people["submitter"])

    results = client.get(page("upload_results", rejected))

    html = results.content.decode()
    assert results.status_code == 200
    assert f"The file was deleted on {deleted_on} under the retention policy" in html
    assert "Errors (1)" in html  # the problems found are still listed
    report = client.get(page("upload_report", rejected))
    assert report.status_code == 200 and "E0" in report.content.decode()
    listing = client.get(reverse("returns:upload", args=("RJ1", YEAR))).content.decode()
    assert listing.count("under the retention policy") == 3
    status = client.get(page("upload_status", rejected))
    assert status.status_code == 302 and status["Location"] == page("upload_results", rejected)
    young = client.get(page("upload_results", old_uploads["young"])).content.decode()
    assert "retention policy" not in young


def test_a_deleted_file_cannot_be_checked_again(
    people: dict[str, Any], old_uploads: dict[str, Upload], client_for: Any
) -> None:
    uploads_apply_retention()
    rejected = Upload.objects.get(pk=old_uploads["rejected"].pk)
    client = client_for(people["submitter"])

    response = client.post(page("upload_recheck", rejected), follow=True)

    assert response.status_code == 200
    assert "cannot be checked again" in response.content.decode()
    assert Upload.objects.get(pk=rejected.pk).status == UploadStatus.REJECTED
    with pytest.raises(TransitionNotAllowed):
        upload_recheck(upload=rejected)  # the service refuses it too (a run racing a click)
    assert upload_process(upload_id=rejected.pk) is False  # and a queued check does nothing


# -- Accounts ------------------------------------------------------------------------------------


def age(user: User, *, signed_in_days_ago: int | None, joined_days_ago: int = 1000) -> User:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        last_login=None
        if signed_in_days_ago is None
        else now - dt.timedelta(days=signed_in_days_ago),
        date_joined=now - dt.timedelta(days=joined_days_ago),
    )
    return User.objects.get(pk=user.pk)


def is_active(user: User) -> bool:
    return User.objects.get(pk=user.pk).is_active


def test_inactive_accounts_are_disabled_and_active_ones_kept(
    people: dict[str, Any], make_user: Any
) -> None:
    age(people["submitter"], signed_in_days_ago=366)
    age(people["admin"], signed_in_days_ago=400)  # national admins (superusers) are included
    age(people["viewer"], signed_in_days_ago=None, joined_days_ago=366)  # never signed in
    age(people["reviewer"], signed_in_days_ago=364)
    age(people["analyst"], signed_in_days_ago=None, joined_days_ago=30)
    age(people["approver"], signed_in_days_ago=10)
    age(people["nobody"], signed_in_days_ago=900)
    User.objects.filter(pk=people["nobody"].pk).update(is_active=False)  # disabled already

    run = accounts_apply_retention()

    assert sorted(run.disabled) == sorted(
        people[key].email for key in ("submitter", "admin", "viewer")
    )
    for key in ("submitter", "admin", "viewer"):
        assert not is_active(people[key]), key
    for key in ("reviewer", "analyst", "approver"):
        assert is_active(people[key]), key
    recorded = events("account_disabled_inactive")
    assert sorted(e.object_id for e in recorded) == sorted(
        str(people[key].pk) for key in ("submitter", "admin", "viewer")
    )
    viewer = next(e for e in recorded if e.object_id == str(people["viewer"].pk))
    assert viewer.system_actor == "celery:retention"
    assert viewer.detail["last_sign_in"] is None and viewer.detail["inactive_days"] == 365


def test_disabling_ends_the_accounts_sessions(
    people: dict[str, Any], client_for: Any, old_uploads: dict[str, Upload]
) -> None:
    submitter_client = client_for(people["submitter"])
    approver_client = client_for(people["approver"])
    results = page("upload_results", old_uploads["young"])
    assert submitter_client.get(results).status_code == 200
    age(people["submitter"], signed_in_days_ago=366)  # sign-in above set last_login to now

    run = accounts_apply_retention()

    assert run.disabled == [people["submitter"].email] and run.sessions_ended == 1
    assert events("account_disabled_inactive")[0].detail["sessions_ended"] == 1
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(people["submitter"].pk) not in remaining
    assert str(people["approver"].pk) in remaining
    response = submitter_client.get(results)
    assert response.status_code == 302 and "login" in response["Location"]
    assert approver_client.get(results).status_code == 200


def test_recent_api_token_use_counts_as_activity(people: dict[str, Any]) -> None:
    from extracts.models import ApiToken

    analyst = age(people["analyst"], signed_in_days_ago=500)
    token = ApiToken.objects.create(user=analyst, name="nightly job", key_hash="0" * 64)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(days=2))

    assert accounts_apply_retention().disabled == []
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(days=400)
    )
    assert accounts_apply_retention().disabled == [analyst.email]


def test_a_re_enabled_account_gets_a_whole_period_again(people: dict[str, Any]) -> None:
    submitter = age(people["submitter"], signed_in_days_ago=366)
    assert accounts_apply_retention().disabled == [submitter.email]
    User.objects.filter(pk=submitter.pk).update(is_active=True)  # an admin enables it again

    assert accounts_apply_retention().disabled == []
    not_yet = accounts_apply_retention(now=timezone.now() + dt.timedelta(days=364), dry_run=True)
    assert submitter.email not in not_yet.disabled
    later = accounts_apply_retention(now=timezone.now() + dt.timedelta(days=366))
    assert submitter.email in later.disabled


def test_account_retention_second_run_and_dry_run_do_nothing(people: dict[str, Any]) -> None:
    age(people["submitter"], signed_in_days_ago=366)

    assert accounts_apply_retention(dry_run=True).disabled == [people["submitter"].email]
    assert is_active(people["submitter"]) and events("account_disabled_inactive") == []
    assert accounts_apply_retention().disabled == [people["submitter"].email]
    assert accounts_apply_retention().disabled == []
    assert len(events("account_disabled_inactive")) == 1


def test_an_account_used_after_listing_is_not_disabled(people: dict[str, Any]) -> None:
    submitter = age(people["submitter"], signed_in_days_ago=366)
    cutoff = account_inactive_cutoff()
    User.objects.filter(pk=submitter.pk).update(last_login=timezone.now())  # signs in meanwhile

    assert account_disable_inactive(user_id=submitter.pk, cutoff=cutoff) is None
    assert is_active(submitter) and events("account_disabled_inactive") == []


# -- The command ---------------------------------------------------------------------------------


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_command_dry_run_prints_and_changes_nothing(
    capsys: Any, people: dict[str, Any], old_uploads: dict[str, Upload]
) -> None:
    age(people["submitter"], signed_in_days_ago=366)

    call_command("apply_retention", "--dry-run")

    out = capsys.readouterr().out
    assert "3 file(s) would be deleted" in out
    assert "3 old upload(s) kept: still received, checking or ready to apply" in out
    assert "1 would be disabled" in out and people["submitter"].email in out
    assert "Dry run: nothing was changed." in out
    assert all(stored(upload) for upload in old_uploads.values())
    assert is_active(people["submitter"])
    assert not AuditEvent.objects.filter(
        action__in=("upload.file_deleted", "account_disabled_inactive")
    ).exists()


def test_command_applies_both_and_records_itself_as_the_actor(
    capsys: Any, people: dict[str, Any], old_uploads: dict[str, Upload]
) -> None:
    age(people["submitter"], signed_in_days_ago=366)

    call_command("apply_retention")

    out = capsys.readouterr().out
    assert "3 file(s) deleted" in out and "1 disabled" in out
    assert "Dry run" not in out
    actors = set(
        AuditEvent.objects.filter(
            action__in=("upload.file_deleted", "account_disabled_inactive")
        ).values_list("system_actor", flat=True)
    )
    assert actors == {"manage.py apply_retention"}
    call_command("apply_retention")
    assert "0 file(s) deleted" in capsys.readouterr().out


def test_command_refuses_an_unknown_option(db: None) -> None:
    with pytest.raises(CommandError, match="unrecognized arguments"):
        call_command("apply_retention", "--everything")


# -- Settings ------------------------------------------------------------------------------------


def load_settings(monkeypatch: Any, **env: str) -> dict[str, Any]:
    for name in ("DEBUG", "DATABASE_URL", "REDIS_URL", "UPLOAD_RETENTION_DAYS",
                 "ACCOUNT_INACTIVE_DAYS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "wres_portal" / "settings.py"))


def test_settings_retention_defaults_and_schedule(monkeypatch: Any) -> None:
    s = load_settings(monkeypatch)

    assert (s["WRES_UPLOAD_RETENTION_DAYS"], s["WRES_ACCOUNT_INACTIVE_DAYS"]) == (400, 365)
    tasks = {entry["task"] for entry in s["CELERY_BEAT_SCHEDULE"].values()}
    assert {"submissions.uploads_apply_retention", "accounts.accounts_apply_retention"} <= tasks
    custom = load_settings(monkeypatch, UPLOAD_RETENTION_DAYS="30", ACCOUNT_INACTIVE_DAYS=" 90 ")
    assert (custom["WRES_UPLOAD_RETENTION_DAYS"], custom["WRES_ACCOUNT_INACTIVE_DAYS"]) == (30, 90)


def test_the_scheduled_tasks_are_registered_under_their_names(db: None) -> None:
    # Celery's Django fixup runs the system checks on import, which may ask the database.
    from wres_portal.celery import app

    app.loader.import_default_modules()
    for entry in django_settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"UPLOAD_RETENTION_DAYS": "a year"}, "UPLOAD_RETENTION_DAYS must be a whole number"),
        ({"UPLOAD_RETENTION_DAYS": "0"}, "UPLOAD_RETENTION_DAYS must be 1 or more, not 0"),
        ({"UPLOAD_RETENTION_DAYS": "-5"}, "UPLOAD_RETENTION_DAYS must be 1 or more, not -5"),
        ({"ACCOUNT_INACTIVE_DAYS": "365.5"}, "ACCOUNT_INACTIVE_DAYS must be a whole number"),
        ({"ACCOUNT_INACTIVE_DAYS": "0"}, "ACCOUNT_INACTIVE_DAYS must be 1 or more, not 0"),
    ],
)
def test_settings_bad_retention_values_are_refused_by_name(
    monkeypatch: Any, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **env)


# -- Full mode: runs at the same time on PostgreSQL, and the task in a real worker ---------------


def test_two_runs_at_once_delete_and_disable_each_once(
    full_mode: None,
    transactional_db: None,
    people: dict[str, Any],
    old_uploads: dict[str, Upload],
) -> None:
    import threading

    from django.db import connection

    age(people["submitter"], signed_in_days_ago=366)
    age(people["viewer"], signed_in_days_ago=400)
    barrier = threading.Barrier(2)
    runs: list[tuple[Any, Any]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            runs.append((uploads_apply_retention(), accounts_apply_retention()))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == [] and len(runs) == 2
    deleted = sorted(pk for uploads, _ in runs for pk in uploads.deleted)
    assert deleted == sorted(old_uploads[k].pk for k in ("applied", "discarded", "rejected"))
    disabled = sorted(email for _, accounts in runs for email in accounts.disabled)
    assert disabled == sorted([people["submitter"].email, people["viewer"].email])
    assert len(events("upload.file_deleted")) == 3
    assert len(events("account_disabled_inactive")) == 2


def test_the_account_task_runs_in_a_real_worker(
    celery_worker_process: str, transactional_db: None, people: dict[str, Any]
) -> None:
    age(people["submitter"], signed_in_days_ago=366)

    result = accounts_apply_retention_task.delay()

    assert result.get(timeout=60) == {"disabled": 1, "sessions_ended": 0}
    assert not is_active(people["submitter"])
    (event,) = events("account_disabled_inactive")
    assert event.system_actor == "celery:retention"


# -- In the browser (Chromium, axe on every page) -------------------------------------------------


@pytest.mark.browser
def test_browser_an_old_upload_says_its_file_was_deleted(
    axe_page: Any, people: dict[str, Any], old_uploads: dict[str, Upload]
) -> None:
    from playwright.sync_api import expect

    from tests.conftest import TEST_PASSWORD

    uploads_apply_retention()
    page = axe_page.page
    # Given the submitter has signed in
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(people["submitter"].email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    axe_page.check_accessibility()

    # When they open the list of uploads, the deleted files are marked
    axe_page.goto(f"/returns/RJ1/{YEAR}/upload/")
    expect(page.get_by_text("under the retention policy")).to_have_count(3)

    # And when they open an old rejected upload by keyboard, its results are still there
    rejected = old_uploads["rejected"]
    link = page.locator(f'a[href="{page_path(rejected)}"]')
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results of checking your file")
    expect(page.locator("#file-deleted")).to_contain_text("The file was deleted on")
    expect(page.get_by_role("heading", name=re.compile(r"Errors \(1\)"))).to_be_visible()
    axe_page.check_accessibility()


def page_path(upload: Upload) -> str:
    return reverse("returns:upload_status", args=("RJ1", YEAR, upload.pk))
