"""Where people land after signing in: their own work, by role (issue 14, defect 6)."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.conftest import TEST_PASSWORD, totp_now

pytestmark = pytest.mark.django_db

LANDING = {
    "submitter": "/returns/",
    "approver": "/returns/",
    "viewer": "/returns/",
    "reviewer": "/returns/review/",
    "analyst": "/data/",
    "admin": "/accounts/invitations/",
    "nobody": "/",
}


def _sign_in(client, user, next_url=None):
    """Signs in through the sign-in page (and the two-factor page for national roles)."""
    path = "/accounts/login/" + (f"?next={next_url}" if next_url is not None else "")
    response = client.post(path, {"login": user.email, "password": TEST_PASSWORD})
    if user.national_role:
        assert response.url == "/accounts/2fa/authenticate/"
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_now()})
    assert client.session[SESSION_KEY] == str(user.pk)
    return response


@pytest.mark.parametrize("role", LANDING)
def test_sign_in_lands_each_role_on_its_own_work(client, people, role):
    response = _sign_in(client, people[role])

    assert response.status_code == 302
    assert response.url == LANDING[role]
    assert client.get(response.url).status_code == 200


def test_sign_in_national_role_wins_over_an_organisation_membership(client, make_user, orgs):
    both = make_user(
        "both@nhse.test", national_role="reviewer", memberships=((orgs["RJ1"], "approver"),)
    )

    response = _sign_in(client, both)

    assert response.url == "/returns/review/"


@pytest.mark.parametrize("role", ["submitter", "reviewer"])
def test_sign_in_honours_a_safe_next(client, people, role):
    response = _sign_in(client, people[role], next_url="/organisations/RJ1/")

    assert response.url == "/organisations/RJ1/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_sign_in_ignores_an_unsafe_next(client, people, next_url):
    response = _sign_in(client, people["submitter"], next_url=next_url)

    assert response.url == "/returns/"


def test_sign_in_page_sends_someone_already_signed_in_to_their_work(client_for, people):
    response = client_for(people["analyst"]).get("/accounts/login/")

    assert response.status_code == 302
    assert response.url == "/data/"


def test_sign_in_says_nothing_a_person_would_not_say(client, people):
    response = _sign_in(client, people["submitter"])

    page = client.get(response.url).content.decode()

    assert "Successfully signed in" not in page
