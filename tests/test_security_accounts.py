"""Issue 19's account findings, each as the attack that worked before its fix (ADR 0020)."""

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, totp_now

pytestmark = pytest.mark.django_db


def _sign_in_with_mfa(client: Client, email: str) -> None:
    """The portal's sign-in as a person does it: password, then the code from the app."""
    client.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_now()})
    assert SESSION_KEY in client.session


# --- 1. The Django admin has no sign-in of its own ---------------------------------------------


@pytest.fixture
def second_admin(make_user: Any) -> Any:
    return make_user("second.admin@nhse.test", national_role="admin")


def test_admin_login_post_from_a_staff_session_does_not_switch_account(
    people, client_for, second_admin
):
    client = client_for(people["admin"])

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": second_admin.email, "password": TEST_PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(people["admin"].pk)
    assert not AuditEvent.objects.filter(actor=second_admin).exists()


def test_admin_login_post_while_signed_out_does_not_sign_in(people):
    client = Client()

    response = client.post(
        "/admin/login/", {"username": people["admin"].email, "password": TEST_PASSWORD}
    )

    assert SESSION_KEY not in client.session
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_sends_people_to_the_portal_sign_in_and_back(people):
    client = Client()

    first = client.get("/admin/accounts/user/")
    to_sign_in = client.get(first.url)
    _sign_in_with_mfa(client, people["admin"].email)
    back = client.get("/admin/accounts/user/")

    assert first.url.startswith("/admin/login/")
    assert to_sign_in.url == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert back.status_code == 200


def test_admin_login_ignores_a_next_to_another_site(people, client_for):
    response = client_for(people["admin"]).get("/admin/login/?next=https://evil.example/")

    assert response.url == "/admin/"


def test_admin_requires_a_session_that_completed_mfa(people):
    client = Client()
    client.force_login(people["admin"])  # signed in, but no two-factor step in this session

    refused = client.get("/admin/", follow=True)
    code_asked = refused.redirect_chain[-1][0]
    client.post(code_asked, {"code": totp_now()})
    admitted = client.get("/admin/")

    assert code_asked.startswith("/accounts/2fa/reauthenticate/")
    assert admitted.status_code == 200


def test_admin_login_refuses_people_who_may_not_use_the_admin(people, client_for):
    assert client_for(people["reviewer"]).get("/admin/login/").status_code == 403
    assert client_for(people["submitter"]).get("/admin/").status_code == 302


# --- 7. Reading or removing two-factor asks for the password or a code again ------------------


@pytest.fixture
def reviewer_with_codes(people: dict[str, Any]) -> Any:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(people["reviewer"])
    return people["reviewer"]


SENSITIVE_MFA_PAGES = (
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/download/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/totp/deactivate/",
)


@pytest.mark.parametrize("path", SENSITIVE_MFA_PAGES)
def test_mfa_pages_ask_to_confirm_it_is_you_in_a_signed_in_session(
    reviewer_with_codes, client_for, path
):
    client = client_for(reviewer_with_codes)  # signed in with a code, but not a moment ago

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/?next=")


def test_mfa_removal_posted_without_confirming_keeps_the_authenticator(people, client_for):
    from allauth.mfa.models import Authenticator

    response = client_for(people["reviewer"]).post("/accounts/2fa/totp/deactivate/", {})

    assert response.status_code == 302 and "/reauthenticate/" in response.url
    assert Authenticator.objects.filter(user=people["reviewer"], type="totp").exists()


def test_mfa_recovery_codes_shown_after_the_password_again_for_five_minutes(
    reviewer_with_codes, client_for, monkeypatch
):
    import time

    client = client_for(reviewer_with_codes)
    client.post(
        "/accounts/reauthenticate/?next=/accounts/2fa/recovery-codes/", {"password": TEST_PASSWORD}
    )
    shown = client.get("/accounts/2fa/recovery-codes/")
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    after_timeout = client.get("/accounts/2fa/recovery-codes/")

    assert shown.status_code == 200
    assert after_timeout.status_code == 302


def test_mfa_first_set_up_needs_no_password_again(client_for, make_user):
    newcomer = make_user("new.reviewer@nhse.test", national_role="reviewer", totp=False)

    assert client_for(newcomer).get("/accounts/2fa/totp/activate/").status_code == 200


# --- 5. Two-factor secrets are encrypted at rest and never shown in the admin -----------------

OLD_KEY = "b2xkLWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcyE="
NEW_KEY = "bmV3LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcyE="


def _totp_of(user: Any) -> Any:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.get(user=user, type="totp")


def test_mfa_secrets_are_stored_encrypted(people):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.conftest import TEST_TOTP_SECRET

    codes = RecoveryCodes.activate(people["reviewer"])
    stored_secret = _totp_of(people["reviewer"]).data["secret"]
    stored_seed = codes.instance.data["seed"]

    assert stored_secret.startswith("fernet:") and TEST_TOTP_SECRET not in stored_secret
    assert stored_seed.startswith("fernet:")
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_mfa_secret_stored_in_clear_before_encryption_still_signs_in(people):
    from tests.conftest import TEST_TOTP_SECRET

    totp = _totp_of(people["reviewer"])
    totp.data = {"secret": TEST_TOTP_SECRET}
    totp.save()

    client = Client()
    _sign_in_with_mfa(client, people["reviewer"].email)


def _migration() -> Any:
    import importlib

    return importlib.import_module("accounts.migrations.0003_encrypt_mfa_secrets")


def test_mfa_migration_encrypts_clear_rows_keeps_every_row_and_reverses(people):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.apps import apps

    from tests.conftest import TEST_TOTP_SECRET

    Authenticator.objects.filter(type="totp").update(data={"secret": TEST_TOTP_SECRET})
    Authenticator.objects.create(
        user=people["admin"], type="recovery_codes",
        data={"seed": "ab" * 40, "used_mask": 1, "migrated_codes": ["12345678"]},
    )  # fmt: skip
    before = sorted(Authenticator.objects.values_list("pk", flat=True))

    _migration().encrypt_secrets(apps, None)
    encrypted = {a.pk: a.data for a in Authenticator.objects.all()}
    codes = RecoveryCodes(Authenticator.objects.get(type="recovery_codes"))
    _migration().decrypt_secrets(apps, None)

    assert sorted(encrypted) == before
    assert all(
        data["secret"].startswith("fernet:") for data in encrypted.values() if "secret" in data
    )
    rc = next(data for data in encrypted.values() if "seed" in data)
    assert rc["seed"].startswith("fernet:") and rc["used_mask"] == 1
    assert rc["migrated_codes"][0].startswith("fernet:")
    assert codes.get_unused_codes() == ["12345678"]
    assert _totp_of(people["reviewer"]).data == {"secret": TEST_TOTP_SECRET}
    assert Authenticator.objects.get(type="recovery_codes").data["seed"] == "ab" * 40


def test_mfa_key_rotation_keeps_old_secrets_readable_then_reencrypts(people, settings):
    from django.core.management import call_command

    from accounts.mfa_crypto import MfaSecretUnreadable, secret_decrypt
    from tests.conftest import TEST_TOTP_SECRET

    settings.WRES_MFA_ENCRYPTION_OLD_KEYS = [settings.WRES_MFA_ENCRYPTION_KEY]
    settings.WRES_MFA_ENCRYPTION_KEY = OLD_KEY
    totp = _totp_of(people["reviewer"])
    totp.data = {"secret": TEST_TOTP_SECRET}
    totp.save()
    call_command("mfa_reencrypt", stdout=None)
    under_old_key = _totp_of(people["reviewer"]).data["secret"]

    settings.WRES_MFA_ENCRYPTION_KEY = NEW_KEY
    settings.WRES_MFA_ENCRYPTION_OLD_KEYS = [OLD_KEY]
    readable_during_rotation = secret_decrypt(under_old_key)
    call_command("mfa_reencrypt", stdout=None)
    settings.WRES_MFA_ENCRYPTION_OLD_KEYS = []

    assert readable_during_rotation == TEST_TOTP_SECRET
    assert secret_decrypt(_totp_of(people["reviewer"]).data["secret"]) == TEST_TOTP_SECRET
    with pytest.raises(MfaSecretUnreadable, match="WRES_MFA_ENCRYPTION_OLD_KEYS"):
        secret_decrypt(under_old_key)


def test_mfa_key_that_is_not_a_fernet_key_is_refused_clearly(settings):
    from django.core.exceptions import ImproperlyConfigured

    from accounts.mfa_crypto import mfa_fernet

    settings.WRES_MFA_ENCRYPTION_KEY = "not-a-key"

    with pytest.raises(ImproperlyConfigured, match="must be Fernet keys"):
        mfa_fernet()


def test_mfa_key_is_required_in_production(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tests.test_settings_modes import PRODUCTION, load_settings

    production = {name: value for name, value in PRODUCTION.items()}
    del production["WRES_MFA_ENCRYPTION_KEY"]

    with pytest.raises(ImproperlyConfigured, match="WRES_MFA_ENCRYPTION_KEY must be set"):
        load_settings(monkeypatch, **production)


def test_mfa_admin_never_shows_the_secret_or_seeds(people, client_for):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.conftest import TEST_TOTP_SECRET

    codes = RecoveryCodes.activate(people["reviewer"])
    totp = _totp_of(people["reviewer"])
    totp.data = {"secret": TEST_TOTP_SECRET}  # even a row still in clear
    totp.save()
    admin = client_for(people["admin"])

    pages = [
        admin.get(f"/admin/mfa/authenticator/{totp.pk}/change/"),
        admin.get(f"/admin/mfa/authenticator/{codes.instance.pk}/change/"),
        admin.get("/admin/mfa/authenticator/"),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert TEST_TOTP_SECRET not in html and "fernet:" not in html and "seed" not in html
        assert codes.get_unused_codes()[0] not in html


# --- 6. Security events in the audit trail: who, what, when, from where -----------------------


def _event(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, (action, [e.action for e in AuditEvent.objects.all()])
    return events[0]


def test_audit_admin_deleting_someones_authenticator_is_recorded(people, client_for):
    totp = _totp_of(people["reviewer"])

    client_for(people["admin"]).post(f"/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"})

    event = _event("admin.deleted")
    assert event.actor == people["admin"] and event.ip_address == "127.0.0.1"
    assert event.object_type == "mfa.authenticator" and event.object_id == str(totp.pk)
    assert event.detail["user"] == people["reviewer"].email
    assert event.occurred_at is not None and event.request_id


def test_audit_admin_disabling_an_account_and_granting_staff_is_recorded(people, client_for):
    target = people["analyst"]
    client = client_for(people["admin"])
    form = {
        "email": target.email, "full_name": "Ana Lyst", "is_staff": "on",
        "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
    }  # fmt: skip

    response = client.post(f"/admin/accounts/user/{target.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert not target.is_active and target.is_staff
    event = _event("admin.changed")
    assert event.actor == people["admin"] and event.object_id == str(target.pk)
    assert event.detail["is_active"] is False and event.detail["is_staff"] is True
    assert "changes" in event.detail


def test_audit_every_admin_model_is_audited():
    from django.contrib import admin

    from audit.admin import AuditedAdminMixin

    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]

    assert unaudited == []


def test_audit_wrong_totp_code_at_sign_in_is_recorded(people):
    client = Client(REMOTE_ADDR="192.0.2.7")
    client.post("/accounts/login/", {"login": people["reviewer"].email, "password": TEST_PASSWORD})

    client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    event = _event("mfa_code_failed")
    assert event.actor_email == people["reviewer"].email and event.ip_address == "192.0.2.7"
    assert event.detail["during"] == "sign_in"


def test_audit_password_reset_request_reset_and_change_are_recorded(people, mailoutbox):
    import re

    client = Client()
    client.post("/accounts/password/reset/", {"email": people["submitter"].email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)
    form_page = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    new = "another-long-passphrase-77"
    client.post(form_page, {"password1": new, "password2": new})
    people["submitter"].refresh_from_db()
    signed_in = Client()
    signed_in.force_login(people["submitter"])
    signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": new, "password1": TEST_PASSWORD + "x", "password2": TEST_PASSWORD + "x"},
    )

    for action in ("password_reset_requested", "password_reset", "password_changed"):
        event = _event(action)
        assert event.actor == people["submitter"], action
        assert event.ip_address == "127.0.0.1", action


def test_audit_recovery_codes_viewed_and_downloaded_are_recorded(reviewer_with_codes, client_for):
    from tests.conftest import record_mfa

    client = client_for(reviewer_with_codes)
    record_mfa(client, reviewer_with_codes, reauthenticated=True)

    client.get("/accounts/2fa/recovery-codes/")
    client.get("/accounts/2fa/recovery-codes/download/")

    assert _event("mfa_recovery_codes_viewed").actor == reviewer_with_codes
    assert _event("mfa_recovery_codes_downloaded").ip_address == "127.0.0.1"


def test_audit_mfa_removal_is_recorded_with_the_address(people, client_for):
    from tests.conftest import record_mfa

    client = client_for(people["reviewer"])
    record_mfa(client, people["reviewer"], reauthenticated=True)

    client.post("/accounts/2fa/totp/deactivate/", {})

    event = _event("mfa_totp_deactivated")
    assert event.actor == people["reviewer"] and event.ip_address == "127.0.0.1"


# --- 8. Invitations: a daily limit per inviter, and no inviter-chosen text in the email --------


def test_invitation_email_never_carries_the_inviters_chosen_name(
    people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    admin = people["admin"]
    admin.full_name = "URGENT: your NHS account is locked, call 0800 000 0000"
    admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(
            "/accounts/invitations/",
            {"email": "someone@nhse.test", "national_role": "reviewer"},
        )

    body = mailoutbox[-1].body
    assert "URGENT" not in body and "0800" not in body
    assert admin.email in body


def test_invitation_limit_per_inviter_per_day(
    people, client_for, settings, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    from accounts.models import Invitation

    settings.WRES_INVITATIONS_PER_DAY = 2
    client = client_for(people["admin"])

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            client.post(
                "/accounts/invitations/", {"email": f"p{n}@nhse.test", "national_role": "reviewer"}
            )
        refused = client.post(
            "/accounts/invitations/", {"email": "p3@nhse.test", "national_role": "reviewer"}
        )

    assert refused.status_code == 200
    assert "You have sent 2 invitations in the last 24 hours" in refused.content.decode()
    assert Invitation.objects.filter(invited_by=people["admin"]).count() == 2
    assert len(mailoutbox) == 2
    event = _event("invitation_limit_reached")
    assert event.actor == people["admin"] and event.detail["email"] == "p3@nhse.test"


def test_invitation_limit_counts_only_the_last_24_hours(people, client_for, settings):
    import datetime

    from django.utils import timezone

    from accounts.models import Invitation

    settings.WRES_INVITATIONS_PER_DAY = 1
    client = client_for(people["admin"])
    client.post("/accounts/invitations/", {"email": "old@nhse.test", "national_role": "reviewer"})
    Invitation.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    client.post("/accounts/invitations/", {"email": "new@nhse.test", "national_role": "reviewer"})

    assert Invitation.objects.filter(email="new@nhse.test").exists()


# --- 11. Small points: TOTP steps only move forward, no email to unknown addresses, idle limit -


def test_totp_code_of_an_older_step_is_refused_after_a_newer_one_was_used(people):
    newer, older = totp_now(offset=0), totp_now(offset=-1)
    first = Client()
    first.post("/accounts/login/", {"login": people["reviewer"].email, "password": TEST_PASSWORD})
    first.post("/accounts/2fa/authenticate/", {"code": newer})
    assert SESSION_KEY in first.session

    second = Client()
    second.post("/accounts/login/", {"login": people["reviewer"].email, "password": TEST_PASSWORD})
    refused = second.post("/accounts/2fa/authenticate/", {"code": older})

    assert SESSION_KEY not in second.session
    assert "The code is not correct" in refused.content.decode()
    assert _event("mfa_code_failed").detail["during"] == "sign_in"


def test_totp_code_of_a_newer_step_is_still_accepted(people):
    for offset in (0, 1):
        client = Client()
        client.post(
            "/accounts/login/", {"login": people["reviewer"].email, "password": TEST_PASSWORD}
        )
        client.post("/accounts/2fa/authenticate/", {"code": totp_now(offset=offset)})

        assert SESSION_KEY in client.session, offset


def test_totp_older_step_is_refused_when_confirming_it_is_you(people, client_for):
    newer, older = totp_now(offset=0), totp_now(offset=-1)
    client = client_for(people["reviewer"])
    client.post("/accounts/2fa/reauthenticate/", {"code": newer})

    refused = client.post("/accounts/2fa/reauthenticate/", {"code": older})

    assert refused.status_code == 200 and "The code is not correct" in refused.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing(db, mailoutbox, eager_tasks):
    response = Client().post("/accounts/password/reset/", {"email": "never.invited@example.test"})

    assert response.status_code == 302
    assert mailoutbox == []


def test_idle_limit_under_a_minute_is_refused_at_start_up(monkeypatch, settings):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    from tests.test_settings_modes import load_settings

    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_SECONDS must be 60 or more"):
        load_settings(monkeypatch, SESSION_IDLE_SECONDS="30")
    settings.WRES_SESSION_IDLE_SECONDS = 30
    with pytest.raises(ImproperlyConfigured, match="would sign out people who are using"):
        apps.get_app_config("accounts").ready()
