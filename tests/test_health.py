"""/healthz (liveness: nothing checked) and /readyz (database, cache, broker and worker status,
worked out at most once every few seconds), in embedded and full mode."""

import time

import pytest


@pytest.mark.django_db
def test_healthz_is_a_liveness_check_that_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_answers_at_once_when_the_broker_is_down(client, settings, celery_conf):
    """Before ADR 0021 it waited for the broker (about 1 s) on every request."""
    settings.WRES_HEALTH_TIMEOUT = 2.0
    celery_conf.task_always_eager = False
    celery_conf.broker_url = "redis://127.0.0.1:1/0"

    started = time.perf_counter()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert time.perf_counter() - started < 0.5


@pytest.mark.django_db
def test_readyz_embedded_mode_is_ok(client, eager_tasks):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "not used"
    assert response.headers["Cache-Control"].startswith("max-age=0")


@pytest.fixture
def dead_broker(settings, celery_conf):
    """The broker pointed at a port where nothing listens (nothing is mocked)."""
    settings.WRES_HEALTH_TIMEOUT = 0.5
    celery_conf.task_always_eager = False
    celery_conf.broker_url = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_readyz_full_mode_broker_down_is_503(client, dead_broker):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["worker"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_readyz_full_mode_with_worker_is_ok(client, celery_worker_process):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["mode"] == "full"
    assert body["checks"]["database"]["engine"] == "postgresql"
    assert body["checks"]["worker"]["workers"] >= 1


@pytest.mark.django_db
def test_readyz_full_mode_without_worker_is_503(client, full_mode, settings, celery_conf):
    """A reachable broker (a Redis database no worker listens on) but no worker answering."""
    settings.WRES_HEALTH_TIMEOUT = 0.5
    celery_conf.broker_url = celery_conf.broker_url.rsplit("/", 1)[0] + "/15"

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "down"


@pytest.mark.django_db
def test_readyz_checks_at_most_once_per_period_however_many_ask(
    client, settings, dead_broker, django_assert_num_queries
):
    """Nine requests at once used to cost nine broker timeouts; now one per period."""
    settings.WRES_READINESS_CACHE_SECONDS = 60
    first = client.get("/readyz")

    started = time.perf_counter()
    with django_assert_num_queries(0):
        again = [client.get("/readyz") for _ in range(9)]

    assert time.perf_counter() - started < 0.5  # the broker's timeout is 0.5 s
    assert first.status_code == 503
    assert {response.status_code for response in again} == {503}
    assert {response.json()["checked_at"] for response in again} == {first.json()["checked_at"]}


@pytest.mark.django_db
def test_readyz_checks_again_once_the_period_has_passed(
    client, settings, eager_tasks, django_assert_num_queries
):
    from wres_portal import views

    settings.WRES_READINESS_CACHE_SECONDS = 60
    client.get("/readyz")
    checked, body, status = views._readiness
    views._readiness = (checked - 61, body, status)  # as if a minute had passed

    with django_assert_num_queries(1):  # the database's check: SELECT 1
        response = client.get("/readyz")

    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_request_that_loses_the_database_answers_503_with_a_plain_page(db, monkeypatch, error):
    """A database restart mid-request: a clean 503 page with Retry-After and no traceback."""
    import django.db
    from django.test import Client

    def lost(*args, **kwargs):
        raise getattr(django.db, error)("server closed the connection unexpectedly")

    monkeypatch.setattr("wres_portal.views.organisation_counts", lost)
    client = Client(raise_request_exception=False)

    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in page and "Try again in a minute" in page
    assert "Traceback" not in page and "closed the connection" not in page


def test_any_other_failure_is_still_the_500_page(db, monkeypatch):
    from django.test import Client

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("wres_portal.views.organisation_counts", broken)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500 and "boom" not in response.content.decode()
