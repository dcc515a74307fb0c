"""Browser journeys (Chromium, axe on every page): a national admin invites someone who follows the
email and lands on their returns, accepting an invitation signs in, each role lands on its own
work, a reviewer sets up MFA, switching organisation, and every account page."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.services import invitation_send
from notifications.models import EmailKind, EmailRecord
from tests.conftest import TEST_PASSWORD, complete_mfa, totp_now

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a-long-and-unusual-passphrase-9"


def _sign_in(axe_page, email, password=TEST_PASSWORD):
    page = axe_page.page
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_accept_an_invitation_signs_in_and_lands_on_the_returns(
    axe_page, people, orgs, live_server
):
    # Given an approver has invited a colleague
    sent = invitation_send(
        invited_by=people["approver"],
        email="new.person@rj1.nhs.uk",
        organisation=orgs["RJ1"],
        role="submitter",
        accept_url=lambda token: f"{live_server.url}/accounts/invitation/{token}/",
    )
    page = axe_page.page

    # When they open the link and make a mistake, the error is shown and linked to the field
    axe_page.goto(f"/accounts/invitation/{sent.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    page.get_by_label("Your full name").fill("New Person")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill("something else entirely")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The passwords do not match")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_page.check_accessibility()

    # Then, when they correct it, they are signed in on their returns, acting for RJ1: no second
    # sign-in
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/returns/$"))
    expect(page.locator(".wres-messages")).to_contain_text("Your account is ready")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("region", name="Current organisation", exact=True)).to_contain_text(
        "RJ1 NHS TRUST"
    )
    axe_page.check_accessibility()


def test_admin_invites_an_organisation_user_who_follows_the_email_to_their_returns(
    axe_page, people, orgs, eager_tasks
):
    page = axe_page.page

    # Given a national admin has signed in: they land on their invitations page
    _sign_in(axe_page, people["admin"].email)
    axe_page.check_accessibility()
    complete_mfa(page)
    page.wait_for_url(re.compile(r"/accounts/invitations/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    axe_page.check_accessibility()

    # When they go to RJ1's members and invite a submitter
    page.get_by_label("Organisation's ODS code").fill("rj1")
    page.get_by_role("button", name="Go to its members").click()
    page.wait_for_url(re.compile(r"/organisations/RJ1/members/$"))
    axe_page.check_accessibility()
    page.get_by_label("Email address").fill("new.submitter@rj1.nhs.uk")
    page.get_by_label("Role", exact=True).select_option("submitter")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".wres-messages")).to_contain_text(
        "Invitation sent to new.submitter@rj1.nhs.uk."
    )
    axe_page.check_accessibility()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    axe_page.check_accessibility()

    # Then the email went out through the outbox with the link
    record = EmailRecord.objects.get(kind=EmailKind.INVITATION)
    assert record.recipients == ["new.submitter@rj1.nhs.uk"] and record.sent_at is not None
    sent = [m for m in mail.outbox if m.to == ["new.submitter@rj1.nhs.uk"]]
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", sent[-1].body).group(0)

    # And the invitee follows it, creates their account by keyboard alone, and is signed in on
    # their returns
    axe_page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    expect(page.locator("main")).to_contain_text("RJ1 NHS TRUST")
    page.get_by_label("Your full name").focus()
    page.keyboard.type("New Submitter")
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/returns/$"))
    expect(page.locator(".wres-messages")).to_contain_text(
        "You have joined RJ1 NHS TRUST as a submitter"
    )
    expect(page.get_by_role("region", name="Current organisation", exact=True)).to_contain_text(
        "RJ1 NHS TRUST"
    )
    axe_page.check_accessibility()


def test_someone_with_an_account_accepts_by_signing_in_through_the_link(
    axe_page, people, orgs, live_server
):
    # Given the approver invited the RJ1 submitter to RJ2 as well
    sent = invitation_send(
        invited_by=people["approver"],
        email=people["submitter"].email,
        organisation=orgs["RJ2"],
        role="viewer",
        accept_url=lambda token: f"{live_server.url}/accounts/invitation/{token}/",
    )
    assert sent.existing_account
    page = axe_page.page

    # When they open the link, they are asked to sign in rather than make a second account
    axe_page.goto(f"/accounts/invitation/{sent.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You already have an account")
    page.get_by_role("button", name="Sign in to accept").click()
    axe_page.check_accessibility()
    page.get_by_label("Email address").fill(people["submitter"].email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Then they come back to the invitation, join with one button and land on their returns
    page.wait_for_url(re.compile(r"/accounts/invitation/"))
    axe_page.check_accessibility()
    page.get_by_role("button", name="Join RJ2 NHS TRUST").click()
    page.wait_for_url(re.compile(r"/returns/$"))
    expect(page.locator(".wres-messages")).to_contain_text("You have joined RJ2 NHS TRUST")
    expect(
        page.get_by_role("region", name="Current organisation", exact=True).get_by_label(
            "Acting for"
        )
    ).to_have_value("RJ2")
    axe_page.check_accessibility()


@pytest.mark.parametrize(
    ("role", "landing", "heading"),
    [
        ("submitter", "/returns/", None),
        ("reviewer", "/returns/review/", None),
        ("analyst", "/data/", "Download WRES data"),
        ("admin", "/accounts/invitations/", "Invitations"),
    ],
)
def test_sign_in_lands_each_role_on_its_own_work(axe_page, people, role, landing, heading):
    page = axe_page.page
    _sign_in(axe_page, people[role].email)
    if people[role].national_role:
        axe_page.check_accessibility()
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
        complete_mfa(page)

    page.wait_for_url(re.compile(re.escape(landing) + "$"))
    if heading:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe_page.check_accessibility()


def test_wrong_password_is_explained(axe_page, people):
    _sign_in(axe_page, people["submitter"].email, "not-the-password")

    expect(axe_page.page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_page.check_accessibility()


def test_reviewer_sets_up_mfa_on_first_sign_in_then_uses_it(axe_page, make_user):
    make_user("new.reviewer@nhse.test", national_role="reviewer", totp=False)
    page = axe_page.page

    # Signing in sends a national user without an authenticator to set one up, before anything
    _sign_in(axe_page, "new.reviewer@nhse.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    axe_page.check_accessibility()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Security code").fill("123456")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".nhsuk-error-message")).to_be_visible()
    axe_page.check_accessibility()
    page.get_by_label("Security code").fill(totp_now(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    # Then they see their recovery codes, and continue to their own work
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    axe_page.check_accessibility()
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(re.compile(r"/returns/review/$"))
    axe_page.check_accessibility()

    # Next time, the code is asked for after the password
    page.context.clear_cookies()
    _sign_in(axe_page, "new.reviewer@nhse.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    axe_page.check_accessibility()
    complete_mfa(page, secret)  # the code used to activate is refused once: single use
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.wait_for_url(re.compile(r"/returns/review/$"))
    axe_page.check_accessibility()


def test_switch_organisation_from_the_header(axe_page, people):
    _sign_in(axe_page, people["approver"].email)
    page = axe_page.page
    region = page.get_by_role("region", name="Current organisation", exact=True)
    expect(region.get_by_label("Acting for")).to_have_value("RJ1")
    axe_page.check_accessibility()

    region.get_by_label("Acting for").select_option("RJ2")
    region.get_by_role("button", name="Switch").click()

    expect(page.locator(".wres-messages")).to_contain_text("You are now acting for RJ2 NHS TRUST")
    expect(region.get_by_label("Acting for")).to_have_value("RJ2")
    axe_page.check_accessibility()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-not-a-key/",
        "/accounts/password/reset/key/done/",
        "/accounts/signup/",
        "/accounts/inactive/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/invitation/nonsense/",
    ],
)
def test_account_pages_pass_axe(axe_page, path):
    axe_page.goto(path)


def test_signed_in_account_pages_pass_axe(axe_page, people):
    _sign_in(axe_page, people["approver"].email)
    axe_page.page.wait_for_url(re.compile(r"/returns/$"))
    axe_page.check_accessibility()
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/",
                 "/accounts/2fa/totp/activate/", "/accounts/reauthenticate/",
                 "/accounts/logout/", "/organisations/RJ1/members/"):  # fmt: skip
        axe_page.goto(path)


def test_admin_pages_pass_axe(axe_page, people):
    page = axe_page.page
    _sign_in(axe_page, people["admin"].email)
    axe_page.check_accessibility()
    complete_mfa(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_page.check_accessibility()
    for path in (
        "/accounts/invitations/",
        "/audit/",
        "/audit/?date_from=bad",
        "/accounts/invitations/?ods=NOPE1",
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/reauthenticate/",
        "/accounts/reauthenticate/",
        "/accounts/email/",
        "/organisations/RJ3/members/",
    ):
        axe_page.goto(path)
