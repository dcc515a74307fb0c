"""Security headers and cookies on every kind of page, in the embedded and production shapes."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/organisations/", "/accounts/login/", "/no-such-page/"])
def test_pages_send_the_security_headers(client, path):
    response = client.get(path)

    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_sends_hsts_and_secure_cookies(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True

    assert client.get("/", secure=False).status_code == 301  # to https
    response = client.get("/accounts/login/", secure=True)

    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_session_cookie_is_secure_and_http_only(client, settings, people):
    settings.SESSION_COOKIE_SECURE = True
    client.post(
        "/accounts/login/",
        {"login": people["submitter"].email, "password": "correct-horse-battery-staple-42"},
        secure=True,
    )

    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# -- Issue 19 finding 9: nothing shown to a signed-in person is cached (ADR 0021) ---------------


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("submitter", "/returns/"),
        ("submitter", "/returns/RJ1/2026/"),
        ("submitter", "/returns/RJ1/2026/template.xlsx"),  # a file made for this person
        ("approver", "/organisations/RJ1/members/"),
        ("admin", "/audit/"),
        ("admin", "/audit/events.csv"),
        ("submitter", "/"),  # a public page, signed in: it still names the person
        ("submitter", "/no-such-page/"),
    ],
)
def test_every_response_to_a_signed_in_person_is_no_store_private(client_for, people, role, path):
    from tests.submissions.conftest import open_collection

    open_collection(2026)
    response = client_for(people[role]).get(path)

    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, (path, response.status_code)
    assert "public" not in directives and "Expires" not in response.headers


@pytest.mark.parametrize("path", ["/", "/organisations/", "/data/", "/accessibility/"])
def test_public_pages_for_anonymous_visitors_keep_their_caching(client, path):
    response = client.get(path)

    assert "no-store" not in response.headers.get("Cache-Control", "")
