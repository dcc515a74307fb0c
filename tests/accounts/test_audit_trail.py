"""The audit trail: append-only events with an actor, browsed, filtered and downloaded by admins."""

import csv
import io

import pytest

from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_audit_record_refuses_an_event_without_an_actor():
    with pytest.raises(ValueError, match="needs an actor"):
        audit_record(action="something")
    assert AuditEvent.objects.count() == 0


def test_audit_record_accepts_a_named_system_process(orgs):
    event = audit_record(
        action="reminders_sent", system_actor="celery:reminders", target=orgs["RJ1"]
    )

    assert event.who == "celery:reminders"
    assert event.object_type == "organisations.organisation"
    assert event.object_label.startswith("RJ1 NHS TRUST")


def test_audit_events_cannot_be_changed_or_deleted(people):
    event = audit_record(action="sign_in", actor=people["admin"])

    event.action = "edited"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="edited")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "sign_in"


def test_audit_record_refuses_bulky_detail(people):
    with pytest.raises(ValueError, match="too large"):
        audit_record(action="x", actor=people["admin"], detail={"data": "x" * 20_000})


@pytest.fixture
def events(people, orgs):
    audit_record(action="sign_in", actor=people["submitter"])
    audit_record(action="invitation_sent", actor=people["approver"], organisation=orgs["RJ1"])
    audit_record(action="sign_in_failed", actor_email='=HYPERLINK("http://evil")')


def test_admin_filters_the_trail(people, client_for, events):
    admin = client_for(people["admin"])

    by_action = admin.get("/audit/?action=invitation_sent").content.decode()
    by_org = admin.get("/audit/?organisation=rj1").content.decode()

    assert "1 events" in by_action and "approver@rj1.test" in by_action
    assert "1 events" in by_org


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-13-01", "Enter the start date as YYYY-MM-DD"),
        ("date_from=2026-05-01&date_to=2026-04-01", "on or after the start date"),
        ("organisation=%3Cscript%3E", "Enter an ODS code"),
        ("who=" + "x" * 300, "at most 254 characters"),
    ],
)
def test_bad_audit_filters_are_explained(people, client_for, events, query, message):
    response = client_for(people["admin"]).get("/audit/?" + query)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_admin_downloads_the_trail_as_csv_safely_and_it_is_recorded(people, client_for, events):
    response = client_for(people["admin"]).get("/audit/events.csv?action=sign_in_failed")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:3] == ["occurred_at", "action", "who"]
    assert len(rows) == 2
    assert rows[1][2].startswith("'=HYPERLINK")  # made inert for spreadsheets
    assert AuditEvent.objects.filter(action="audit_downloaded", actor=people["admin"]).exists()


def test_switching_organisation_is_remembered_and_checked(people, client_for, orgs):
    client = client_for(people["approver"])

    response = client.post("/organisations/switch/", {"organisation": "RJ2", "next": "/"})

    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "RJ2 NHS TRUST" in page and 'value="RJ2" selected' in page
    assert AuditEvent.objects.filter(action="organisation_switched").exists()


@pytest.mark.parametrize("forged", ["RJ3", "NOPE", "", "%00"])
def test_forged_organisation_switch_is_404_and_changes_nothing(people, client_for, forged):
    client = client_for(people["approver"])
    client.get("/")
    before = client.session.get("wres_current_organisation")

    response = client.post("/organisations/switch/", {"organisation": forged})

    assert response.status_code == 404
    assert client.session.get("wres_current_organisation") == before


def test_switch_ignores_an_offsite_next_address(people, client_for):
    response = client_for(people["approver"]).post(
        "/organisations/switch/", {"organisation": "RJ2", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_membership_removed_mid_session_is_noticed_on_the_next_request(people, client_for, orgs):
    client = client_for(people["approver"])
    client.post("/organisations/switch/", {"organisation": "RJ2"})
    client.get("/")  # shows (and so clears) the confirmation message
    people["approver"].memberships.filter(organisation=orgs["RJ2"]).delete()

    page = client.get("/").content.decode()

    assert "RJ2 NHS TRUST" not in page
    assert client.session["wres_current_organisation"] == orgs["RJ1"].pk


def test_approver_changes_a_colleagues_role_and_it_is_recorded(people, client_for, orgs):
    membership = people["submitter"].memberships.get(organisation=orgs["RJ1"])

    response = client_for(people["approver"]).post(
        f"/organisations/RJ1/members/{membership.pk}/role/", {"role": "approver"}
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "approver"
    event = AuditEvent.objects.get(action="role_changed")
    assert event.detail == {"user": "submitter@rj1.test", "from": "submitter", "to": "approver"}


@pytest.mark.parametrize(
    ("who", "target", "role", "status"),
    [
        ("submitter", "viewer", "approver", 403),  # not an approver
        ("approver", "approver", "viewer", 302),  # own role: refused with a message
        ("approver", "viewer", "overlord", 302),  # unknown role: refused with a message
        ("nobody", "viewer", "approver", 404),  # not a member at all
    ],
)
def test_role_change_refused_changes_nothing(people, client_for, orgs, who, target, role, status):
    membership = people[target].memberships.get(organisation=orgs["RJ1"])

    response = client_for(people[who]).post(
        f"/organisations/RJ1/members/{membership.pk}/role/", {"role": role}
    )

    assert response.status_code == status
    membership.refresh_from_db()
    assert membership.role == ("approver" if target == "approver" else "viewer")
    assert not AuditEvent.objects.filter(action="role_changed").exists()


def test_role_change_of_another_organisations_member_is_404(people, client_for, orgs, make_user):
    outsider = make_user("x@rj3.test", memberships=((orgs["RJ3"], "viewer"),))
    membership = outsider.memberships.get()

    response = client_for(people["approver"]).post(
        f"/organisations/RJ1/members/{membership.pk}/role/", {"role": "approver"}
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == "viewer"


@pytest.mark.django_db(transaction=True)
def test_mfa_activation_is_recorded(client_for, make_user):
    """allauth records the change after commit, as the request ends: a transactional test."""
    from tests.conftest import totp_now

    reviewer = make_user("r2@nhse.test", national_role="reviewer", totp=False)
    client = client_for(reviewer)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]

    client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})

    assert AuditEvent.objects.filter(action="mfa_totp_activated", actor=reviewer).exists()


def test_email_change_needs_reverification(people, client_for, mailoutbox):
    client = client_for(people["submitter"])

    client.post("/accounts/email/", {"email": "new.address@rj1.test", "action_add": ""})

    people["submitter"].refresh_from_db()
    assert people["submitter"].email == "submitter@rj1.test"
    assert any("new.address@rj1.test" in m.to for m in mailoutbox)
