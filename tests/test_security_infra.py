"""Infrastructure findings of issue 19 (ADR 0021): the client's address behind trusted proxies,
a cheap liveness check, limits on anonymous downloads and on uploads, no caching of signed-in
pages, request ids only from the proxy, and no Server header from gunicorn."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD
from wres_portal.proxies import client_address, parse_trusted_proxies

PROXY = "127.0.0.1"  # the test client's connection address: the proxy on the same host


def _from(address: str, *, via: str = PROXY) -> Client:
    """A client whose requests reach the portal through the proxy at ``via`` for ``address``."""
    return Client(REMOTE_ADDR=via, HTTP_X_FORWARDED_FOR=address)


# -- 2. The client's address ------------------------------------------------------------------

TRUSTED = parse_trusted_proxies(["127.0.0.1", "10.0.0.0/8", "::1"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # through the proxy
        ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # through two proxies
        ("127.0.0.1", "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # left part is the client's
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not from a proxy: header ignored
        ("127.0.0.1", "", "127.0.0.1"),  # the proxy's own request
        ("127.0.0.1", "not-an-address", "127.0.0.1"),  # garbage is never an address
        ("127.0.0.1", "203.0.113.9, junk", "127.0.0.1"),  # nor a hop behind garbage
        ("::1", "[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "203.0.113.9:51000", "203.0.113.9"),
    ],
)
def test_client_address_believes_only_trusted_proxies(peer, forwarded, expected):
    assert client_address(peer, forwarded, TRUSTED) == expected


def test_client_address_trusts_nobody_by_default():
    assert client_address("127.0.0.1", "203.0.113.9", ()) == "127.0.0.1"


def test_trusted_proxies_setting_refuses_what_is_not_an_address():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="WRES_TRUSTED_PROXIES"):
        parse_trusted_proxies(["10.0.0.0/8", "proxy.local"])


@pytest.mark.django_db
def test_failed_sign_ins_from_one_address_do_not_lock_out_everyone_behind_the_proxy(
    settings, people
):
    settings.WRES_TRUSTED_PROXIES = [PROXY]
    attacker = _from("203.0.113.66")
    for attempt in range(12):  # past the per-address limit (10 a minute), other accounts each
        attacker.post(
            "/accounts/login/", {"login": f"guess{attempt}@x.test", "password": "wrong-guess"}
        )
    locked = attacker.post(
        "/accounts/login/", {"login": people["viewer"].email, "password": TEST_PASSWORD}
    )
    assert "Too many" in locked.content.decode()

    colleague = _from("198.51.100.20")
    response = colleague.post(
        "/accounts/login/", {"login": people["submitter"].email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert colleague.session[SESSION_KEY] == str(people["submitter"].pk)


@pytest.mark.django_db
def test_failed_sign_ins_for_one_account_lock_it_from_every_address(settings, people):
    settings.WRES_TRUSTED_PROXIES = [PROXY]
    email = people["submitter"].email
    for number in range(5):
        _from(f"203.0.113.{number + 1}").post(
            "/accounts/login/", {"login": email, "password": "wrong-guess"}
        )

    elsewhere = _from("198.51.100.99")
    response = elsewhere.post("/accounts/login/", {"login": email, "password": TEST_PASSWORD})

    assert SESSION_KEY not in elsewhere.session
    assert "Too many failed" in response.content.decode()


@pytest.mark.django_db
def test_audit_trail_records_the_client_behind_the_proxy_not_the_proxy(settings, people):
    settings.WRES_TRUSTED_PROXIES = [PROXY]
    _from("203.0.113.5").post(
        "/accounts/login/", {"login": people["submitter"].email, "password": "wrong"}
    )
    _from("203.0.113.6", via="198.51.100.1").post(  # straight to the portal, header forged
        "/accounts/login/", {"login": people["viewer"].email, "password": "wrong"}
    )

    events = AuditEvent.objects.filter(action="sign_in_failed")
    assert events.get(actor_email=people["submitter"].email).ip_address == "203.0.113.5"
    assert events.get(actor_email=people["viewer"].email).ip_address == "198.51.100.1"


# -- 11. Request ids ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_id_chosen_by_a_client_is_not_stored_in_the_audit_trail(settings, people):
    settings.WRES_TRUSTED_PROXIES = ["10.0.0.1"]  # the test client (127.0.0.1) is not a proxy
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": people["submitter"].email, "password": "wrong"},
        headers={"X-Request-ID": "someone-elses-request-0001"},
    )

    event = AuditEvent.objects.get(action="sign_in_failed")
    assert event.request_id != "someone-elses-request-0001"
    assert event.request_id == response.headers["X-Request-ID"]
    assert len(event.request_id) == 32


@pytest.mark.django_db
def test_request_id_from_a_trusted_proxy_is_stored(settings, people):
    settings.WRES_TRUSTED_PROXIES = [PROXY]
    Client().post(
        "/accounts/login/",
        {"login": people["submitter"].email, "password": "wrong"},
        headers={"X-Request-ID": "lb-request-0001"},
    )

    assert AuditEvent.objects.get(action="sign_in_failed").request_id == "lb-request-0001"


@pytest.mark.django_db
def test_request_id_with_a_trailing_line_break_is_replaced_even_from_the_proxy(settings):
    settings.WRES_TRUSTED_PROXIES = [PROXY]
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-request-0001\n"})

    assert response.headers["X-Request-ID"] != "lb-request-0001"
    assert len(response.headers["X-Request-ID"]) == 32


# -- 3. Liveness, readiness and anonymous downloads --------------------------------------------

EXTRACT = "/data/wres-2017-wide.xlsx"


@pytest.mark.django_db
def test_anonymous_downloads_are_limited_per_address_with_a_page_saying_how_long_to_wait(
    settings,
):
    settings.WRES_TRUSTED_PROXIES = [PROXY]
    settings.WRES_DOWNLOAD_RATE_LIMIT = 3
    settings.WRES_DOWNLOAD_RATE_WINDOW = 600
    busy = _from("203.0.113.7")
    for _ in range(3):
        assert busy.get(EXTRACT).status_code != 429  # 404 here: nothing is published

    refused = busy.get(EXTRACT)

    page = refused.content.decode()
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert "<h1>Too many downloads</h1>" in page
    assert "Wait " in page and "minute" in page and "try again" in page
    assert _from("198.51.100.8").get(EXTRACT).status_code != 429  # someone else


@pytest.mark.django_db
def test_signed_in_downloads_are_not_limited(settings, people, client_for):
    settings.WRES_DOWNLOAD_RATE_LIMIT = 1
    client = client_for(people["analyst"])

    statuses = {client.get(EXTRACT).status_code for _ in range(3)}

    assert 429 not in statuses


# -- 4. Upload limits and refused files ------------------------------------------------------

YEAR = 2026
GOOD = b"item,value\ni2.shortlisted.white,120\ni2.appointed.white,30\n"
BAD = b"item,value\ni2.shortlisted.white,5\ni2.appointed.white,9\n"  # more appointed: an error


@pytest.fixture
def upload_page(
    settings, tmp_path, orgs, people, client_for, django_capture_on_commit_callbacks, eager_tasks
):
    """RJ1's upload page, files under a temporary folder, and its submitter signed in; each
    post's check runs (eagerly, in either mode) once its transaction commits."""
    from django.urls import reverse

    from tests.submissions.conftest import open_collection

    settings.MEDIA_ROOT = tmp_path
    open_collection(YEAR)
    client = client_for(people["submitter"])
    client.committed = django_capture_on_commit_callbacks
    return reverse("returns:upload", args=("RJ1", YEAR)), client


def _post(client, page, data, name="figures.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with client.committed(execute=True):
        return client.post(page, {"file": SimpleUploadedFile(name, data, "text/csv")})


def _stored_files(root):
    """The uploaded files kept: in the shared store (ADR 0024), none under MEDIA_ROOT."""
    from filestore.models import StoredFile

    assert not any(path.is_file() for path in root.rglob("*"))
    return list(
        StoredFile.objects.filter(name__startswith="uploads/").values_list("name", flat=True)
    )


@pytest.mark.django_db
def test_a_refused_file_is_deleted_at_once_and_its_problems_kept(upload_page, tmp_path):
    from uploads.models import Upload, UploadStatus

    page, client = upload_page

    response = _post(client, page, BAD)

    upload = Upload.objects.get()
    assert response.status_code == 302
    assert upload.status == UploadStatus.REJECTED and upload.error_count
    assert upload.file_deleted_at is not None and upload.file_deleted_as_refused
    assert _stored_files(tmp_path) == []
    assert upload.result["problems"] and upload.size == len(BAD) and upload.sha256
    results = client.get(response["Location"], follow=True).content.decode()
    assert "we deleted it as soon as it was checked" in results
    assert "i2.appointed.white" in results or "appointed" in results  # the problems stay
    assert "File deleted when checking refused it" in client.get(page).content.decode()
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action="upload.refused_file_deleted")
    assert event.detail["sha256"] == upload.sha256 and event.detail["errors"] == upload.error_count


@pytest.mark.django_db
def test_a_file_without_errors_is_kept(upload_page, tmp_path):
    from uploads.models import Upload

    page, client = upload_page

    _post(client, page, GOOD)

    assert Upload.objects.get().file_deleted_at is None
    assert len(_stored_files(tmp_path)) == 1


@pytest.mark.django_db
def test_uploads_past_the_hourly_limit_are_refused_on_the_form_and_store_nothing(
    upload_page, settings, tmp_path
):
    from uploads.models import Upload

    settings.WRES_UPLOADS_PER_HOUR = 2
    page, client = upload_page
    for _ in range(2):
        assert _post(client, page, GOOD).status_code == 302

    response = _post(client, page, GOOD)

    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "has uploaded 2 files in the last hour, the most allowed" in text
    assert "You can upload again after" in text
    assert Upload.objects.count() == 2 and len(_stored_files(tmp_path)) == 2


@pytest.mark.django_db
def test_uploads_past_the_storage_quota_are_refused_and_refused_files_do_not_count(
    upload_page, settings, tmp_path
):
    from uploads.models import Upload

    settings.WRES_UPLOAD_QUOTA_BYTES = len(GOOD) + len(BAD)
    page, client = upload_page
    assert _post(client, page, BAD).status_code == 302  # refused: deleted, counts for nothing
    assert _post(client, page, GOOD).status_code == 302
    assert _post(client, page, BAD).status_code == 302  # fits, then deleted

    response = _post(client, page, GOOD + b"i2.shortlisted.black,1\n")

    text = response.content.decode()
    assert response.status_code == 200
    assert "would take it past the limit" in text and "Nothing was stored" in text
    assert Upload.objects.count() == 3 and len(_stored_files(tmp_path)) == 1


@pytest.mark.django_db
def test_the_upload_page_states_the_limits_and_that_refused_files_are_deleted(
    upload_page, settings
):
    settings.WRES_UPLOADS_PER_HOUR = 20
    settings.WRES_UPLOAD_QUOTA_BYTES = 200 * 1024 * 1024
    page, client = upload_page

    text = client.get(page).content.decode()

    assert "A file with errors is deleted as soon as it has been checked" in text
    assert "can upload 20 files an hour and keep up to 200 MB of files" in text


# -- 11. No Server header from gunicorn ---------------------------------------------------------


def test_gunicorn_with_the_portals_config_sends_no_server_header(tmp_path):
    """Starts gunicorn as the Dockerfile does (config file from the working folder) and asks
    for /healthz; the only server identification that was sent was gunicorn's own header."""
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    } | {"SQLITE_PATH": str(tmp_path / "db.sqlite3"), "MEDIA_ROOT": str(tmp_path / "media")}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wres_portal.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        headers = {name.lower() for name, _ in response.getheaders()}
        assert response.status == 200 and response.read() == b'{"status": "ok"}'
        assert "server" not in headers
        assert "date" in headers  # gunicorn's other default headers are still sent
    finally:
        server.terminate()
        server.wait(timeout=10)
