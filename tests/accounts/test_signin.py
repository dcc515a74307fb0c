"""Signing in: passwords, lockout, MFA (forced for national roles), sessions, disabled accounts."""

import time

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from accounts.services import user_disable
from audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD, totp_now

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_in_with_the_right_password_starts_a_new_session(client, people):
    client.get("/")
    _sign_in(client, "wrong@x.test", "nope")  # a session may exist before signing in
    before = client.session.session_key

    response = _sign_in(client, people["submitter"].email)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(people["submitter"].pk)
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="sign_in", actor=people["submitter"]).exists()


def test_wrong_password_is_refused_and_recorded(client, people):
    response = _sign_in(client, people["submitter"].email, "not-the-password")

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(action="sign_in_failed")
    assert event.actor_email == people["submitter"].email
    assert event.ip_address == "127.0.0.1"


def test_repeated_failures_lock_the_address_even_with_the_right_password(client, people):
    email = people["submitter"].email
    for _ in range(5):
        _sign_in(client, email, "not-the-password")

    response = _sign_in(client, email, TEST_PASSWORD)

    assert SESSION_KEY not in client.session
    assert "Too many failed" in response.content.decode()


def test_national_user_must_give_a_totp_code(client, people):
    response = _sign_in(client, people["reviewer"].email)

    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert SESSION_KEY not in client.session
    assert "The code is not correct" in wrong.content.decode()

    client.post("/accounts/2fa/authenticate/", {"code": totp_now()})

    assert client.session[SESSION_KEY] == str(people["reviewer"].pk)


def test_a_totp_code_cannot_be_replayed(client_for, people):
    code = totp_now()
    first = client_for(None)
    _sign_in(first, people["reviewer"].email)
    first.post("/accounts/2fa/authenticate/", {"code": code})
    assert SESSION_KEY in first.session

    second = client_for(None)
    _sign_in(second, people["reviewer"].email)
    second.post("/accounts/2fa/authenticate/", {"code": code})

    assert SESSION_KEY not in second.session


def test_national_user_without_an_authenticator_is_sent_to_set_one_up(client_for, make_user):
    reviewer = make_user("fresh.reviewer@nhse.test", national_role="reviewer", totp=False)
    client = client_for(reviewer)

    for path in ("/", "/organisations/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == "/accounts/2fa/totp/activate/"
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_organisation_user_is_not_forced_to_set_up_mfa(client_for, people):
    assert client_for(people["submitter"]).get("/").status_code == 200


def test_password_reset_does_not_sign_in_or_skip_mfa(client, people, mailoutbox):
    import re

    client.post("/accounts/password/reset/", {"email": people["reviewer"].email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)
    response = client.get(link.group(1), follow=True)
    new = "another-long-passphrase-77"
    client.post(response.redirect_chain[-1][0], {"password1": new, "password2": new})

    assert SESSION_KEY not in client.session
    after = _sign_in(client, people["reviewer"].email, new)
    assert after.url == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session


def test_admin_sign_in_goes_through_the_portal_sign_in_and_mfa(client, people):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    _sign_in(client, people["admin"].email)
    assert SESSION_KEY not in client.session  # MFA still to do
    assert client.get("/admin/").status_code == 302


def test_idle_session_is_signed_out(client_for, people):
    client = client_for(people["submitter"])
    client.get("/")
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()

    response = client.get("/organisations/RJ1/members/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert SESSION_KEY not in client.session


def test_session_ends_after_the_absolute_limit_even_when_active(client_for, people):
    client = client_for(people["submitter"])
    client.get("/")
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - 13 * 3600
    session.save()

    client.get("/")

    assert SESSION_KEY not in client.session


def test_disabling_an_account_ends_its_sessions(client_for, people):
    client = client_for(people["approver"])
    assert client.get("/organisations/RJ1/members/").status_code == 200

    user_disable(user=people["approver"], actor=people["admin"])

    assert client.get("/organisations/RJ1/members/").status_code == 302
    assert AuditEvent.objects.filter(action="account_disabled").exists()


def test_sign_out_is_recorded(client_for, people):
    client = client_for(people["submitter"])

    client.post("/accounts/logout/")

    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="sign_out").exists()
