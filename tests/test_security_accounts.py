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
