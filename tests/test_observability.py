"""Request ids: in the response, in log lines, and carried into Celery tasks."""

import logging

import pytest

from wres_portal.celery import health_roundtrip
from wres_portal.observability import RequestIdFilter, current_request_id


def test_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]

    assert len(first) == 32 and first != second


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_when_safe(client, settings):
    settings.WRES_TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address
    response = client.get("/healthz", headers={"X-Request-ID": "lb-12345678-abc"})

    assert response.headers["X-Request-ID"] == "lb-12345678-abc"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["short", "bad id with spaces\n", "x" * 65, "<script>"])
def test_request_id_from_the_proxy_is_replaced_when_unsafe(client, settings, incoming):
    settings.WRES_TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    assert response.headers["X-Request-ID"] != incoming


@pytest.mark.django_db
def test_request_id_from_a_client_that_is_not_a_proxy_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-12345678-abc"})

    assert response.headers["X-Request-ID"] != "lb-12345678-abc"


def test_log_records_carry_the_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    token = current_request_id.set("req-0123456789")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)

    assert record.request_id == "req-0123456789"


@pytest.mark.django_db
def test_eager_task_keeps_the_request_id_of_its_request(register, eager_tasks):
    token = current_request_id.set("req-eager-0001")
    try:
        result = health_roundtrip.delay().get()
        after = current_request_id.get()
    finally:
        current_request_id.reset(token)

    assert result == {"organisations": 207, "request_id": "req-eager-0001"}
    assert after == "req-eager-0001"


@pytest.mark.django_db(transaction=True)
def test_worker_task_sees_the_test_database_and_the_request_id(register, celery_worker_process):
    token = current_request_id.set("req-worker-0001")
    try:
        result = health_roundtrip.delay().get(timeout=30)
    finally:
        current_request_id.reset(token)

    assert result == {"organisations": 207, "request_id": "req-worker-0001"}
