"""The invitation lifecycle: send, accept, expire, revoke, reuse; each bad path changes nothing."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, User
from audit.models import AuditEvent
from organisations.models import Membership

# Invitation emails go through the outbox: its task runs in process, whatever the mode.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
NEW_PASSWORD = "a-long-and-unusual-passphrase-9"


def _invite(client, ods="RJ1", email="new.person@rj1.nhs.uk", role="submitter"):
    with_capture = client.post(f"/organisations/{ods}/members/", {"email": email, "role": role})
    return with_capture


def _link_from_mail() -> str:
    body = mail.outbox[-1].body
    return re.search(r"http://testserver(/accounts/invitation/[^/\s]+/)", body).group(1)


def _snapshot():
    return (
        list(User.objects.values_list("email", "is_active", "password")),
        list(Membership.objects.values_list("user__email", "organisation__ods_code", "role")),
        list(Invitation.objects.values_list("email", "accepted_at", "revoked_at")),
    )


def test_approver_invites_a_colleague_who_accepts_and_can_sign_in(
    people, client_for, django_capture_on_commit_callbacks
):
    approver = client_for(people["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(approver)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.person@rj1.nhs.uk"]
    link = _link_from_mail()

    newcomer = client_for(None)
    page = newcomer.get(link)
    assert page.status_code == 200
    assert "as a submitter" in page.content.decode()
    response = newcomer.post(
        link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@rj1.nhs.uk")
    assert user.full_name == "New Person"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.get(user=user).role == "submitter"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "invitation_sent" in actions and "invitation_accepted" in actions
    signed_in = client_for(None)
    assert signed_in.login(email="new.person@rj1.nhs.uk", password=NEW_PASSWORD) is not False


def test_invitation_link_works_only_once(people, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]))
    link = _link_from_mail()
    form = {"full_name": "A", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client_for(None).post(link, form)
    before = _snapshot()

    again = client_for(None).post(link, form)

    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert _snapshot() == before


def test_expired_invitation_is_refused(people, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    before = _snapshot()

    response = client_for(None).post(
        _link_from_mail(), {"full_name": "A", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert _snapshot() == before


def test_revoked_invitation_is_refused(people, client_for, django_capture_on_commit_callbacks):
    approver = client_for(people["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(approver)
    invitation = Invitation.objects.get()
    assert approver.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 302
    before = _snapshot()

    response = client_for(None).get(_link_from_mail())

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert _snapshot() == before
    assert AuditEvent.objects.filter(action="invitation_revoked").count() == 1


@pytest.mark.parametrize("token", ["nonsense", "x" * 101, "%00"])
def test_unknown_invitation_link_is_a_clear_message(client, token):
    response = client.get(f"/accounts/invitation/{token}/")

    assert response.status_code in (404, 410)
    assert response.status_code == 404 or "not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"full_name": "A", "password1": "short", "password2": "short"}, "too short"),
        ({"full_name": "A", "password1": NEW_PASSWORD, "password2": "other"}, "do not match"),
        ({"full_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, "full name"),
        ({"full_name": "A", "password1": "password1234", "password2": "password1234"}, "common"),
    ],
)
def test_bad_account_details_are_explained_and_the_invitation_kept(
    people, client_for, django_capture_on_commit_callbacks, form, message
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]))
    before = _snapshot()

    response = client_for(None).post(_link_from_mail(), form)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert _snapshot() == before


def test_existing_user_joins_while_signed_in(
    people, client_for, orgs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]), email=people["viewer"].email, ods="RJ2")
    viewer = client_for(people["viewer"])

    response = viewer.post(_link_from_mail())

    assert response.status_code == 302
    assert (
        Membership.objects.get(user=people["viewer"], organisation=orgs["RJ2"]).role == "submitter"
    )


def test_invitation_for_someone_else_is_refused_to_a_signed_in_user(
    people, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]))
    before = _snapshot()

    response = client_for(people["viewer"]).post(_link_from_mail())

    assert response.status_code == 410
    assert "This invitation is for new.person@rj1.nhs.uk" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "submitter"}, "correct format"),
        ({"email": "a@b.nhs.uk", "role": "overlord"}, "Choose a role from the list"),
        ({"email": "", "role": "submitter"}, "Enter their email address"),
        ({"email": "viewer@rj1.test", "role": "submitter"}, "already a member"),
    ],
)
def test_bad_invitation_is_explained_and_nothing_sent(people, client_for, data, message):
    response = client_for(people["approver"]).post("/organisations/RJ1/members/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_approver_cannot_invite_to_another_organisation(people, client_for):
    response = client_for(people["approver"]).post(
        "/organisations/RJ3/members/", {"email": "x@y.nhs.uk", "role": "approver"}
    )

    assert response.status_code == 404
    assert Invitation.objects.count() == 0


def test_approver_cannot_revoke_another_organisations_invitation(
    people, client_for, orgs, django_capture_on_commit_callbacks
):
    admin = client_for(people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(admin, ods="RJ3")
    invitation = Invitation.objects.get()

    response = client_for(people["approver"]).post(f"/accounts/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_admin_invites_a_national_reviewer(people, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["admin"]).post(
            "/accounts/invitations/", {"email": "new.reviewer@nhs.net", "national_role": "reviewer"}
        )
    assert response.status_code == 302
    client_for(None).post(
        _link_from_mail(),
        {"full_name": "New Reviewer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert User.objects.get(email="new.reviewer@nhs.net").national_role == "reviewer"


def test_no_open_sign_up(client):
    page = client.get("/accounts/signup/")
    client.post(
        "/accounts/signup/",
        {"email": "walk.in@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert "You need an invitation" in page.content.decode()
    assert not User.objects.filter(email="walk.in@example.com").exists()
