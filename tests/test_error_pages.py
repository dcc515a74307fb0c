"""The 403 page says why in the terms of who is asking, and where to go instead."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MEMBERS = "/organisations/RJ1/members/"


def _refused(client, path, status=403):
    response = client.get(path)
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.urls("tests.error_page_urls")
def test_403_signed_out_is_asked_to_sign_in_and_sent_back(client):
    content = _refused(client, "/refused/")

    assert "<h1>Sign in to see this page</h1>" in content
    assert f'<a href="{reverse("account_login")}?next=%2Frefused%2F">Sign in</a>' in content
    assert "nhsuk-header" in content


def test_403_organisation_member_on_a_national_page_is_sent_to_their_returns(client_for, people):
    content = _refused(client_for(people["submitter"]), reverse("audit:list"))

    assert "<h1>This page is for NHS England&#39;s WRES team</h1>" in content
    assert f'<a href="{reverse("returns:list")}">Go to your returns</a>' in content
    assert "ask its WRES approver" not in content


@pytest.mark.parametrize(
    ("role", "says"),
    [
        ("viewer", "You are a viewer for RJ1 NHS TRUST. Viewers can see the return but not "
                   "change it."),
        ("submitter", "You are a submitter for RJ1 NHS TRUST. Submitters fill in and upload the "
                      "return; an approver signs it off"),
    ],
)  # fmt: skip
def test_403_member_is_told_what_their_role_allows_at_their_organisation(
    client_for, people, role, says
):
    content = _refused(client_for(people[role]), MEMBERS)

    assert says in content
    assert "ask an approver at RJ1 NHS TRUST to change your role" in content


def test_403_national_user_on_an_organisations_page_is_told_only_its_members_change_it(
    client_for, people
):
    content = _refused(client_for(people["reviewer"]), MEMBERS)

    assert "You are signed in as a national reviewer" in content
    assert "only the organisation's own submitters and approvers change it" in content
    assert f'<a href="{reverse("returns:review_queue")}">Go to the review queue</a>' in content


def test_403_national_user_on_another_roles_page_is_sent_to_their_own_work(client_for, people):
    content = _refused(client_for(people["analyst"]), reverse("returns:review_queue"))

    assert "<h1>This page is for NHS England&#39;s WRES team</h1>" in content
    assert "You are signed in as a national analyst, and this page is not part of that role" in (
        content
    )
    assert f'<a href="{reverse("extracts:downloads")}">Go to the data downloads</a>' in content


def test_403_account_without_any_role_is_told_how_to_get_one(client_for, people):
    content = _refused(client_for(people["nobody"]), reverse("audit:list"))

    assert "Your account is not linked to an organisation or a national role yet" in content
    assert f'<a href="{reverse("start")}">Go to the start page</a>' in content


@pytest.mark.urls("tests.error_page_urls")
def test_403_on_an_unknown_organisations_page_still_explains(client_for, people):
    content = _refused(client_for(people["submitter"]), "/refused/ZZZ9/")

    assert "<h1>This page is for NHS England&#39;s WRES team</h1>" in content
