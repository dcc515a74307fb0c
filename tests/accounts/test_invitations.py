"""The invitation lifecycle: send, accept, expire, revoke, reuse; each bad path changes nothing."""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, User
from audit.models import AuditEvent
from organisations.models import Membership
from tests.conftest import TEST_PASSWORD

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


# --- Accepting signs the person in; an invitation to an existing account says so (issue 14) ---


def test_accepting_an_invitation_signs_the_newcomer_in_and_lands_on_their_returns(
    people, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]))
    newcomer = client_for(None)

    response = newcomer.post(
        _link_from_mail(),
        {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    user = User.objects.get(email="new.person@rj1.nhs.uk")
    assert newcomer.session[SESSION_KEY] == str(user.pk)
    assert response.redirect_chain[-1][0] == "/returns/"
    page = response.content.decode()
    assert "Your account is ready. You have joined RJ1 NHS TRUST as a submitter." in page
    assert AuditEvent.objects.filter(action="sign_in", actor=user).exists()


def test_national_newcomer_is_signed_in_and_sent_to_set_up_two_factor(
    people, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["admin"]).post(
            "/accounts/invitations/", {"email": "new.analyst@nhs.net", "national_role": "analyst"}
        )
    newcomer = client_for(None)

    response = newcomer.post(
        _link_from_mail(),
        {"full_name": "New Analyst", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert SESSION_KEY in newcomer.session
    assert [url for url, _ in response.redirect_chain] == ["/data/", "/accounts/2fa/totp/activate/"]


def test_invitation_to_an_existing_account_says_so_to_the_inviter_and_in_the_email(
    people, client_for, django_capture_on_commit_callbacks
):
    approver = client_for(people["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(approver, ods="RJ2", email=people["submitter"].email, role="viewer")
    page = approver.get(response.url).content.decode()

    assert "They already have an account" in page
    assert "they join RJ2 NHS TRUST as a viewer when they sign in through the link" in page
    body = mail.outbox[-1].body
    assert "You already have a WRES portal account with this email address" in body
    assert "sign in as usual: you then join RJ2 NHS TRUST as a viewer" in body
    assert "Your other organisations and roles stay as they are." in body
    assert "create your account" not in body
    event = AuditEvent.objects.get(action="invitation_sent")
    assert event.detail["existing_account"] is True


def test_invitation_to_a_new_address_says_nothing_of_an_existing_account(
    people, client_for, django_capture_on_commit_callbacks
):
    approver = client_for(people["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(approver)

    assert "already have an account" not in approver.get(response.url).content.decode()
    body = mail.outbox[-1].body
    assert "Open the link to create your account" in body
    assert "as a submitter" in body and "england.wres@nhs.net" in body


def test_existing_account_signs_in_through_the_link_and_joins(
    people, client_for, orgs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]), ods="RJ2", email=people["submitter"].email)
    link = _link_from_mail()
    client = client_for(None)

    # The link asks them to sign in, not to create a second account
    page = client.get(link).content.decode()
    assert "You already have an account" in page
    assert 'name="password1"' not in page
    sign_in = re.search(r'href="(/accounts/login/\?next=[^"]+)"', page).group(1)
    assert sign_in == f"/accounts/login/?next={link.replace('/', '%2F')}"

    # Signing in brings them back to the link, where one button joins
    back = client.post(sign_in, {"login": people["submitter"].email, "password": TEST_PASSWORD})
    assert back.url == link
    assert "Join RJ2 NHS TRUST" in client.get(link).content.decode()
    joined = client.post(link, follow=True)

    assert Membership.objects.get(user=people["submitter"], organisation=orgs["RJ2"]).role == (
        "submitter"
    )
    assert joined.redirect_chain[-1][0] == "/returns/"
    assert "You have joined RJ2 NHS TRUST as a submitter." in joined.content.decode()
    assert client.session["wres_current_organisation"] == orgs["RJ2"].pk


def test_admin_invites_an_organisation_user_to_a_national_role_and_the_email_says_so(
    people, client_for, django_capture_on_commit_callbacks
):
    admin = client_for(people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/accounts/invitations/",
            {"email": people["approver"].email, "national_role": "reviewer"},
            follow=True,
        )

    assert "they join NHS England&#39;s WRES team as a reviewer" in response.content.decode()
    body = mail.outbox[-1].body
    assert "You already have a WRES portal account" in body
    assert "Your organisations stay as they are." in body
    assert "two-factor authentication" in body


def test_national_invitation_to_someone_already_in_that_role_is_refused(people, client_for):
    response = client_for(people["admin"]).post(
        "/accounts/invitations/", {"email": people["reviewer"].email, "national_role": "reviewer"}
    )

    assert response.status_code == 200
    assert "reviewer@nhse.test is already a reviewer." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_invitation_to_a_disabled_account_is_refused_with_who_can_help(people, client_for):
    people["viewer"].is_active = False
    people["viewer"].save()

    response = client_for(people["approver"]).post(
        "/organisations/RJ2/members/", {"email": people["viewer"].email, "role": "viewer"}
    )

    page = response.content.decode()
    assert "has an account that has been disabled" in page
    assert "england.wres@nhs.net" in page
    assert Invitation.objects.count() == 0


def test_invitation_link_opened_by_someone_else_signed_in_says_whose_it_is(
    people, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(people["approver"]))

    page = client_for(people["viewer"]).get(_link_from_mail()).content.decode()

    assert "This invitation is for someone else" in page
    assert "but you are signed in as <strong>viewer@rj1.test</strong>" in page
    assert 'action="/accounts/logout/"' in page


@pytest.mark.parametrize(
    ("ods", "expected"),
    [("rj3", 302), ("ZZZ9", 200), ("", 200), ("x" * 50, 200)],
)
def test_national_invitations_finds_an_organisation_to_invite_to(people, client_for, ods, expected):
    response = client_for(people["admin"]).get("/accounts/invitations/", {"ods": ods})

    assert response.status_code == expected
    if expected == 302:
        assert response.url == "/organisations/RJ3/members/"
    else:
        assert "There is a problem" in response.content.decode()


def test_national_invitation_to_another_national_role_says_it_replaces_the_current_one(
    people, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["admin"]).post(
            "/accounts/invitations/", {"email": people["reviewer"].email, "national_role": "admin"}
        )

    body = mail.outbox[-1].body
    assert "you then join NHS England's WRES team as a national administrator" in body
    assert "It replaces your current national role (reviewer)." in body
