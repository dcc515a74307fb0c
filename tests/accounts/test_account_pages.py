"""Every allauth page the portal mounts, as each person who reaches it (issue 14, defect 8): NHS.UK
content (sentence case, plain English, no library phrases), a contact wherever people are told to
ask for help, and security code boxes made for codes.

The pages are found from the URL resolver, so an allauth upgrade that mounts a new page fails
`test_account_pages_every_allauth_url_is_rendered_here` until someone has looked at it.
"""

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD, TEST_TOTP_SECRET, record_mfa
from tests.test_url_sweep import URLS

pytestmark = pytest.mark.django_db

#: What django-allauth says out of the box, in its title case and its words, that the portal's
#: own pages must never show.
LIBRARY_PHRASES = (
    "Two-Factor Authentication",
    "Reset My Password",
    "Please contact us",
    "contact us",
    "Sign Out",
    "Sign In",
    "Confirm Access",
    "Password Reset",
    "Change Password",
    "Set Password",
    "Bad Token",
    "Email Address",
    "Account Inactive",
    "Verify Your Email Address",
    "Activate Authenticator App",
    "Deactivate Authenticator App",
    "Authenticator App",
    "Authenticator secret",
    "Recovery Codes",
    "Unused codes",
    "Incorrect code",
    "Successfully signed in",
    "Please reauthenticate",
    "Enter Sign-In Code",
    "Request Code",
    "Alternative options",
    "Are you sure",
    "Remember Me",
    "Forgot your password?",
    "Current Password",
    "New Password",
    "(again)",
    "You must type the same password each time",
    "This field is required",
    "Re-send Verification",
    "Make Primary",
    "Change Email",
    "Change to:",
    "Current email:",
    "is currently inactive",
    "Please type",
)
#: Words that keep their capital inside a sentence-case heading.
PROPER_WORDS = {"WRES", "NHS", "England", "England's", "Workforce", "Race", "Equality", "Standard"}
SUPPORT_LINK = f'href="mailto:{settings.WRES_SUPPORT_EMAIL}"'


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _headings(html: str) -> list[str]:
    found = re.findall(r"<(h1|h2)\b[^>]*>(.*?)</\1>", html, flags=re.S)
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    texts = [_text(inner).strip() for _, inner in found]
    if title:
        texts.append(unescape(title.group(1)).split(" \u2013 ")[0].removeprefix("Error: ").strip())
    return texts


def _not_sentence_case(heading: str) -> list[str]:
    words = heading.split()
    return [w for w in words[1:] if w[:1].isupper() and w.strip(".,:") not in PROPER_WORDS]


def assert_portal_page(response: Any, where: str) -> str:
    """The page is in the NHS.UK layout, in sentence case, and says nothing allauth says."""
    html = response.content.decode()
    assert response.status_code == 200, f"{where}: {response.status_code}"
    assert 'class="nhsuk-header' in html, f"{where}: not in the NHS.UK layout"
    assert re.search(r"<h1\b", html), f"{where}: no heading"
    text = _text(html)
    library = [phrase for phrase in LIBRARY_PHRASES if phrase in text]
    assert not library, f"{where}: library wording {library}"
    for heading in _headings(html):
        assert not _not_sentence_case(heading), f"{where}: not sentence case: {heading!r}"
    return html


# --- who sees each page, and in what state -------------------------------------------------------


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reauthenticated(user: Any) -> Client:
    """Signed in, and confirmed it's them with a code a moment ago (pages that read or remove
    two-factor ask for that)."""
    client = _signed_in(user)
    record_mfa(client, user, reauthenticated=True)
    return client


def _with_recovery_codes(user: Any) -> Any:
    RecoveryCodes.activate(user)
    return user


def _pending_two_factor(people: dict[str, Any]) -> Client:
    """A national user half-way through signing in: password given, code still to give."""
    client = Client()
    client.post("/accounts/login/", {"login": people["reviewer"].email, "password": TEST_PASSWORD})
    return client


def _reset_link(people: dict[str, Any]) -> tuple[Client, str]:
    client = Client()
    client.post("/accounts/password/reset/", {"email": people["submitter"].email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return client, link.group(1)


def _email_confirmation_key(people: dict[str, Any]) -> str:
    address = EmailAddress.objects.create(
        user=people["submitter"], email="new.address@rj1.test", verified=False
    )
    return str(EmailConfirmationHMAC(address).key)


#: (URL name, who, how to get there) -> the page. Each returns a response to check.
Render = Callable[[dict[str, Any], Any], Any]
PAGES: dict[str, list[tuple[str, Render]]] = {
    "account_login": [
        ("anonymous", lambda p, mk: Client().get("/accounts/login/")),
        (
            "anonymous, wrong password",
            lambda p, mk: Client().post(
                "/accounts/login/", {"login": p["submitter"].email, "password": "wrong-one"}
            ),
        ),
        ("anonymous, nothing typed", lambda p, mk: Client().post("/accounts/login/", {})),
    ],
    "account_logout": [
        ("submitter", lambda p, mk: _signed_in(p["submitter"]).get("/accounts/logout/"))
    ],
    "account_inactive": [("anonymous", lambda p, mk: Client().get("/accounts/inactive/"))],
    "account_signup": [("anonymous", lambda p, mk: Client().get("/accounts/signup/"))],
    "account_reauthenticate": [
        ("submitter", lambda p, mk: _signed_in(p["submitter"]).get("/accounts/reauthenticate/")),
        (
            "submitter, wrong password",
            lambda p, mk: _signed_in(p["submitter"]).post(
                "/accounts/reauthenticate/", {"password": "wrong-one"}
            ),
        ),
    ],
    "account_email": [
        ("submitter", lambda p, mk: _signed_in(p["submitter"]).get("/accounts/email/")),
        ("reviewer", lambda p, mk: _signed_in(p["reviewer"]).get("/accounts/email/")),
        (
            "reviewer, changing the address",
            lambda p, mk: _signed_in(p["reviewer"]).post(
                "/accounts/email/", {"action_add": "", "email": "new.address@nhse.test"}
            ),
        ),
        (
            "submitter, change sent",
            lambda p, mk: _signed_in(p["submitter"]).post(
                "/accounts/email/", {"action_add": "", "email": "new.address@rj1.test"}, follow=True
            ),
        ),
    ],
    "account_email_verification_sent": [
        ("anonymous", lambda p, mk: Client().get("/accounts/confirm-email/"))
    ],
    "account_change_password": [
        ("submitter", lambda p, mk: _signed_in(p["submitter"]).get("/accounts/password/change/")),
        (
            "submitter, passwords differ",
            lambda p, mk: _signed_in(p["submitter"]).post(
                "/accounts/password/change/",
                {"oldpassword": "", "password1": "a-new-long-passphrase-1", "password2": "other"},
            ),
        ),
        (
            "submitter, changed",
            lambda p, mk: _signed_in(p["submitter"]).post(
                "/accounts/password/change/",
                {
                    "oldpassword": TEST_PASSWORD,
                    "password1": "a-new-long-passphrase-1",
                    "password2": "a-new-long-passphrase-1",
                },
                follow=True,
            ),
        ),
    ],
    "account_set_password": [
        (
            "someone with no password",
            lambda p, mk: _signed_in(
                mk("no.password@rj1.test", memberships=(), set_unusable=True)
            ).get("/accounts/password/set/"),
        )
    ],
    "account_reset_password": [
        ("anonymous", lambda p, mk: Client().get("/accounts/password/reset/")),
        ("submitter", lambda p, mk: _signed_in(p["submitter"]).get("/accounts/password/reset/")),
        (
            "anonymous, bad address",
            lambda p, mk: Client().post("/accounts/password/reset/", {"email": "not-an-address"}),
        ),
    ],
    "account_reset_password_done": [
        (
            "anonymous, link sent",
            lambda p, mk: Client().post(
                "/accounts/password/reset/", {"email": p["submitter"].email}, follow=True
            ),
        )
    ],
    "account_reset_password_from_key": [
        (
            "anonymous, bad link",
            lambda p, mk: Client().get("/accounts/password/reset/key/1-not-a-key/"),
        ),
        (
            "anonymous, good link",
            lambda p, mk: (lambda c, link: c.get(link, follow=True))(*_reset_link(p)),
        ),
    ],
    "account_reset_password_from_key_done": [
        ("anonymous", lambda p, mk: Client().get("/accounts/password/reset/key/done/"))
    ],
    "account_confirm_email": [
        ("anonymous, bad link", lambda p, mk: Client().get("/accounts/confirm-email/not-a-key/")),
        (
            "submitter, good link",
            lambda p, mk: _signed_in(p["submitter"]).get(
                f"/accounts/confirm-email/{_email_confirmation_key(p)}/"
            ),
        ),
    ],
    "mfa_index": [
        ("submitter", lambda p, mk: _signed_in(p["submitter"]).get("/accounts/2fa/")),
        (
            "reviewer",
            lambda p, mk: _signed_in(_with_recovery_codes(p["reviewer"])).get("/accounts/2fa/"),
        ),
    ],
    "mfa_authenticate": [
        ("reviewer", lambda p, mk: _pending_two_factor(p).get("/accounts/2fa/authenticate/")),
        (
            "reviewer, wrong code",
            lambda p, mk: _pending_two_factor(p).post(
                "/accounts/2fa/authenticate/", {"code": "000000"}
            ),
        ),
    ],
    "mfa_reauthenticate": [
        ("reviewer", lambda p, mk: _signed_in(p["reviewer"]).get("/accounts/2fa/reauthenticate/"))
    ],
    "mfa_activate_totp": [
        (
            "submitter",
            lambda p, mk: _signed_in(p["submitter"]).get("/accounts/2fa/totp/activate/"),
        ),
        (
            "new reviewer",
            lambda p, mk: _signed_in(
                mk("fresh.reviewer@nhse.test", national_role="reviewer", totp=False)
            ).get("/accounts/2fa/totp/activate/"),
        ),
        (
            "submitter, wrong code",
            lambda p, mk: _signed_in(p["submitter"]).post(
                "/accounts/2fa/totp/activate/", {"code": "000000"}
            ),
        ),
    ],
    "mfa_deactivate_totp": [
        (
            "reviewer",
            lambda p, mk: _reauthenticated(p["reviewer"]).get("/accounts/2fa/totp/deactivate/"),
        ),
        (
            "submitter with an app",
            lambda p, mk: _reauthenticated(_with_totp(p["submitter"])).get(
                "/accounts/2fa/totp/deactivate/"
            ),
        ),
    ],
    "mfa_view_recovery_codes": [
        (
            "reviewer",
            lambda p, mk: _reauthenticated(_with_recovery_codes(p["reviewer"])).get(
                "/accounts/2fa/recovery-codes/"
            ),
        )
    ],
    "mfa_generate_recovery_codes": [
        (
            "reviewer",
            lambda p, mk: _reauthenticated(_with_recovery_codes(p["reviewer"])).get(
                "/accounts/2fa/recovery-codes/generate/"
            ),
        )
    ],
}
#: Mounted, but never a page a person reads: a redirect only (sign-in by emailed code is off) or a
#: file download.
NOT_PAGES = {
    "account_confirm_login_code": "redirects: sign-in by emailed code is not used",
    "account_request_reauthentication_code": "refused: no confirming it's you by emailed code",
    "account_confirm_reauthentication_code": "refused: no confirming it's you by emailed code",
    "mfa_download_recovery_codes": "a text file of the codes",
}
#: Pages that tell people to get help must say who from (the WRES team's address, as a link).
CONTACT_PAGES = {
    "account_login",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "mfa_authenticate",
}


def _with_totp(user: Any) -> Any:
    TOTP.activate(user, TEST_TOTP_SECRET)
    return user


@pytest.fixture
def make_person(make_user: Any) -> Any:
    """`make_user`, and optionally without a usable password."""

    def make(email: str, *, set_unusable: bool = False, **kwargs: Any) -> Any:
        user = make_user(email, **kwargs)
        if set_unusable:
            user.set_unusable_password()
            user.save()
        return user

    return make


def test_account_pages_every_allauth_url_is_rendered_here():
    mounted = {name for name in URLS if name.startswith(("account_", "mfa_"))}

    assert mounted - set(PAGES) - set(NOT_PAGES) == set()


@pytest.mark.parametrize(
    ("name", "who"),
    [(name, who) for name, states in PAGES.items() for who, _ in states],
)
def test_account_pages_use_nhs_content_for_everyone_who_sees_them(
    name, who, people, make_person, eager_tasks
):
    render = dict(PAGES[name])[who]

    html = assert_portal_page(render(people, make_person), f"{name} as {who}")

    if name in CONTACT_PAGES:
        assert SUPPORT_LINK in html, f"{name} as {who}: no contact"


def test_account_pages_not_pages_redirect_or_download(people, eager_tasks):
    client = _reauthenticated(_with_recovery_codes(people["reviewer"]))

    download = client.get(reverse("mfa_download_recovery_codes"))
    code_page = Client().get(reverse("account_confirm_login_code"))
    emailed_code = [
        client.get(reverse("account_request_reauthentication_code")),
        client.post(reverse("account_request_reauthentication_code"), {}),
        client.get(reverse("account_confirm_reauthentication_code")),
    ]

    assert download.status_code == 200 and download["Content-Type"].startswith("text/plain")
    assert code_page.status_code == 302
    assert [response.status_code for response in emailed_code] == [403, 403, 403]
    assert mail.outbox == []


def test_account_pages_too_many_attempts_is_a_portal_page(people):
    client = Client()
    for _ in range(8):
        response = client.post("/accounts/password/reset/", {"email": people["submitter"].email})

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html and 'class="nhsuk-header' in html
    assert SUPPORT_LINK in html


CODE_BOXES = {
    "mfa_authenticate": lambda p: _pending_two_factor(p).get("/accounts/2fa/authenticate/"),
    "mfa_reauthenticate": lambda p: _signed_in(p["reviewer"]).get("/accounts/2fa/reauthenticate/"),
    "mfa_activate_totp": lambda p: _signed_in(p["submitter"]).get("/accounts/2fa/totp/activate/"),
}


@pytest.mark.parametrize("name", CODE_BOXES)
def test_account_pages_security_code_box_is_made_for_codes(name, people):
    html = CODE_BOXES[name](people).content.decode()

    box = re.search(r'<input\b[^>]*\bname="code"[^>]*>', html)
    assert box, html
    tag = box.group(0)
    assert 'inputmode="numeric"' in tag
    assert 'autocomplete="one-time-code"' in tag
    assert 'spellcheck="false"' in tag
    assert re.search(r'class="[^"]*\bnhsuk-input--width-10\b', tag)
    assert "placeholder" not in tag
    label = re.search(r'<label[^>]*for="id_code"[^>]*>(.*?)</label>', html, flags=re.S)
    assert label and label.group(1).strip() == "Security code"


def test_account_pages_password_reset_email_is_the_portals(people, eager_tasks):
    Client().post("/accounts/password/reset/", {"email": people["submitter"].email})

    message = mail.outbox[-1]
    assert message.subject == "WRES portal: Reset your password"
    assert "WRES portal" in message.body and settings.WRES_SUPPORT_EMAIL in message.body
    assert "Hello from" not in message.body and "Thank you for using" not in message.body


def test_account_pages_reset_for_an_unknown_address_sends_nothing(db, eager_tasks):
    """An address with no account gets no email (issue 19): the portal is not a way to send
    official email to any address, nor to learn which addresses have accounts."""
    response = Client().post(
        "/accounts/password/reset/", {"email": "never.invited@example.nhs.uk"}, follow=True
    )

    assert mail.outbox == []
    assert_portal_page(response, "password reset done, unknown address")
