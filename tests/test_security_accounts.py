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
