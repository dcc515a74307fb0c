"""Browser journeys (Chromium, axe on every page): accept an invitation, sign in, set up MFA as a
reviewer, switch organisation."""

import re

import pytest
from playwright.sync_api import expect

from accounts.services import invitation_send
from tests.conftest import TEST_PASSWORD, complete_mfa, totp_now

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a-long-and-unusual-passphrase-9"


def _sign_in(axe_page, email, password=TEST_PASSWORD):
    page = axe_page.page
    axe_page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_accept_an_invitation_then_sign_in(axe_page, people, orgs, live_server):
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

    # And when they correct it they are sent to sign in
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator(".wres-messages")).to_contain_text("Your account is ready")
    axe_page.check_accessibility()

    # Then they can sign in and see which organisation they act for
    page.get_by_label("Email address").fill("new.person@rj1.nhs.uk")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("region", name="Current organisation")).to_contain_text("RJ1 NHS TRUST")
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    axe_page.check_accessibility()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("123456")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".nhsuk-error-message")).to_be_visible()
    axe_page.check_accessibility()
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    axe_page.check_accessibility()
    page.wait_for_url(re.compile(r"/accounts/2fa/"))

    # Next time, the code is asked for after the password
    page.context.clear_cookies()
    _sign_in(axe_page, "new.reviewer@nhse.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    axe_page.check_accessibility()
    complete_mfa(page, secret)  # the code used to activate is refused once: single use
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_page.check_accessibility()


def test_switch_organisation_from_the_header(axe_page, people):
    _sign_in(axe_page, people["approver"].email)
    page = axe_page.page
    region = page.get_by_role("region", name="Current organisation")
    expect(region.get_by_label("Acting for")).to_have_value("RJ1")
    axe_page.check_accessibility()

    region.get_by_label("Acting for").select_option("RJ2")
    region.get_by_role("button", name="Switch").click()

    expect(page.locator(".wres-messages")).to_contain_text("You are now acting for RJ2 NHS TRUST")
    expect(region.get_by_label("Acting for")).to_have_value("RJ2")
    axe_page.check_accessibility()


@pytest.mark.parametrize(
    "path",
    ["/accounts/password/reset/", "/accounts/signup/", "/accounts/invitation/nonsense/"],
)
def test_account_pages_pass_axe(axe_page, path):
    axe_page.goto(path)


def test_signed_in_account_pages_pass_axe(axe_page, people):
    _sign_in(axe_page, people["approver"].email)
    axe_page.page.wait_for_url(re.compile(r"/$"))
    axe_page.check_accessibility()
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/",
                 "/organisations/RJ1/members/"):  # fmt: skip
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
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/reauthenticate/",
        "/organisations/RJ3/members/",
    ):
        axe_page.goto(path)
