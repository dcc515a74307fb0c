"""The open-data API: schema, filters, pagination, suppression, tokens, rate limit, clean errors."""

import pytest
from django.core.cache import cache

from audit.models import AuditEvent
from extracts.models import ApiToken
from extracts.services import api_token_create, api_token_revoke, token_hash
from tests.extracts import conftest as extracts_fixtures

pytestmark = pytest.mark.django_db
# The published history (conftest), built once for this module; each test has it in a
# savepoint rolled back afterwards, and its own copy of the release files.
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_schema_is_valid_openapi_with_every_endpoint(client):
    import schemathesis

    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    schemathesis.openapi.from_dict(schema).validate()  # against the OpenAPI 3.1 meta-schema
    assert set(schema["paths"]) == {
        "/api/organisations",
        "/api/organisations/{ods_code}",
        "/api/collections",
        "/api/returns",
        "/api/aggregates",
    }


def test_api_docs_page_is_off_under_the_strict_csp(client):
    assert client.get("/api/docs").status_code == 404


def test_api_organisations_filter_and_paginate(published, client):
    london = client.get("/api/organisations?region=Y56&page_size=2").json()

    assert london["count"] == 3 and london["pages"] == 2
    assert [o["ods_code"] for o in london["results"]] == ["RJ1", "RJ2"]
    assert london["next"].endswith("/api/organisations?region=Y56&page_size=2&page=2")
    second = client.get(london["next"]).json()
    assert [o["ods_code"] for o in second["results"]] == ["RJ3"] and second["next"] is None
    assert client.get("/api/organisations?region=Y58").json()["count"] == 2


def test_api_organisation_by_ods_code(published, client):
    body = client.get("/api/organisations/rk1").json()

    assert body["ods_code"] == "RK1" and body["region_name"] == "South West"


def test_api_collections_list_only_published_ones_with_what_changed(published, client):
    body = client.get("/api/collections").json()

    assert [c["year"] for c in body["results"]] == [2017, 2016, 2015]  # 2018 is not published
    assert body["results"][0]["publication"]["changes"]["added"][0] == "RJ1"


def test_api_returns_are_published_rows_suppressed_for_the_public(published, client):
    body = client.get("/api/returns?year=2016&region=Y56").json()

    assert body["figures"] == "suppressed" and body["count"] == 3
    assert {r["year"] for r in body["results"]} == {2016}
    # Spec 6.1 (v2): every metric, never suppressed; no organisation-level count.
    for row in body["results"]:
        assert not row["suppressed"]
        assert "i1.total.white" not in row["figures"] and "i2.appointed.bme" not in row["figures"]
        assert isinstance(row["figures"]["i2.rl"], float)
        assert "i2.small_numbers" in row["figures"]


def test_api_returns_filter_by_organisation(published, client):
    body = client.get("/api/returns?organisation=RK2").json()

    assert [(r["organisation"], r["year"]) for r in body["results"]] == [
        ("RK2", 2015),
        ("RK2", 2016),
        ("RK2", 2017),
    ]


def test_api_aggregates_by_region_hide_groups_under_three_organisations(published, client):
    body = client.get("/api/aggregates?by=region&year=2017").json()

    groups = {row["group"]: row for row in body["results"]}
    assert groups["Y56"]["organisations"] == 3 and not groups["Y56"]["suppressed"]
    assert groups["Y58"]["organisations"] == 2
    assert groups["Y58"]["suppressed"] and groups["Y58"]["figures"]["i2.rl"] is None


def test_api_aggregates_by_type_have_an_nhs_trust_group_with_the_headline_facts(published, client):
    body = client.get("/api/aggregates?by=type&year=2017").json()

    groups = {row["group"]: row for row in body["results"]}
    trusts = groups["nhs_trust"]
    assert trusts["organisations"] >= 3 and not trusts["suppressed"]
    for code in (
        "i1.total.bme_pct",
        "i1.vsm.bme_pct",
        "i9.orgs_no_bme_member",
        "i9.orgs_three_plus_bme_members",
        "i9.orgs_no_bme_voting",
    ):
        assert code in trusts["figures"], code


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/returns?year=abc", 400, "year: Input should be a valid integer"),
        ("/api/returns?year=2014", 404, "No figures for 2014 have been published"),
        ("/api/aggregates?year=1999", 400, "year"),
        ("/api/returns?page_size=1000", 400, "page_size: Input should be less than or equal"),
        ("/api/returns?page_size=0", 400, "page_size"),
        ("/api/returns?page=99", 404, "Page 99 does not exist"),
        ("/api/returns?region=Mars", 400, "region: Input should be"),
        ("/api/returns?type=castle", 400, "type: Input should be"),
        ("/api/returns?organisation=ZZZ9", 404, "No organisation has the ODS code ZZZ9"),
        ("/api/organisations/ZZZ9", 404, "No organisation has the ODS code ZZZ9"),
        ("/api/aggregates?by=planet", 400, "by: Input should be"),
    ],
)
def test_api_errors_are_clean_json(published, client, url, status, says):
    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert says in response.json()["detail"]


# -- Tokens ----------------------------------------------------------------------------------


def test_api_token_is_stored_hashed_and_shown_once(people):
    token, key = api_token_create(user=people["analyst"], name="R scripts")

    stored = ApiToken.objects.get(pk=token.pk)
    assert key.startswith("wres_") and len(key) > 40
    assert stored.key_hash == token_hash(key) and key not in stored.key_hash
    assert stored.prefix == key[:12]
    assert AuditEvent.objects.filter(action="api_token_created", actor=people["analyst"]).exists()


def test_api_token_lifecycle_unsuppressed_audited_then_revoked(published, people, client):
    analyst = people["analyst"]
    token, key = api_token_create(user=analyst, name="R scripts")

    body = client.get("/api/returns?year=2016&region=Y56", **_bearer(key)).json()

    assert body["figures"] == "unsuppressed"
    assert not any(row["suppressed"] for row in body["results"])
    assert all(isinstance(r["figures"]["i1.total.white"], int) for r in body["results"])
    public = client.get("/api/returns?year=2016&region=Y56").json()
    assert not any("i1.total.white" in row["figures"] for row in public["results"])
    event = AuditEvent.objects.get(action="api_read_unsuppressed")
    assert event.actor == analyst and event.detail["rows"] == 3
    assert event.detail["token"] == token.prefix
    token.refresh_from_db()
    assert token.last_used_at is not None

    api_token_revoke(token=token, actor=analyst)

    response = client.get("/api/returns", **_bearer(key))
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="api_read_unsuppressed").count() == 1


def test_api_unsuppressed_responses_are_not_cached(published, people, client):
    _, key = api_token_create(user=people["reviewer"], name="x")

    response = client.get("/api/aggregates?by=region", **_bearer(key))

    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert response.json()["figures"] == "unsuppressed"
    assert AuditEvent.objects.filter(action="api_read_unsuppressed").count() == 1


@pytest.mark.parametrize("change", ["disabled", "lost_role", "organisation_role_only"])
def test_api_token_stops_working_when_its_owner_may_no_longer_see_unsuppressed(
    published, people, client, change
):
    user = people["analyst"] if change != "organisation_role_only" else people["approver"]
    _, key = api_token_create(user=user, name="x")
    if change == "disabled":
        user.is_active = False
    elif change == "lost_role":
        user.national_role = ""
    user.save()

    response = client.get("/api/returns", **_bearer(key))

    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action="api_read_unsuppressed").exists()


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Token x"])
def test_api_bad_credentials_are_refused_not_downgraded(published, client, header):
    response = client.get("/api/returns", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


# -- Rate limit ------------------------------------------------------------------------------


def test_api_rate_limit_answers_429_with_json(published, client, settings):
    settings.WRES_API_RATE_LIMIT = 3
    settings.WRES_API_RATE_WINDOW = 3600

    statuses = [client.get("/api/organisations").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/collections")
    assert response.status_code == 429
    assert "Too many requests: the limit is 3 every 3600 seconds" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_api_rate_limit_counts_each_token_apart_from_the_address(
    published, people, client, settings
):
    settings.WRES_API_RATE_LIMIT = 2
    settings.WRES_API_RATE_WINDOW = 3600
    _, key = api_token_create(user=people["analyst"], name="x")
    for _ in range(2):
        assert client.get("/api/organisations").status_code == 200
    assert client.get("/api/organisations").status_code == 429

    assert client.get("/api/organisations", **_bearer(key)).status_code == 200
    assert client.get("/api/organisations", **_bearer(key)).status_code == 200
    assert client.get("/api/organisations", **_bearer(key)).status_code == 429
    cache.clear()
    assert client.get("/api/organisations").status_code == 200


# -- Schemathesis ----------------------------------------------------------------------------


def test_api_conforms_to_its_schema_under_generated_requests(published, people, settings):
    """Schemathesis, in process against the WSGI app: no 5xx, every response as documented."""
    import schemathesis
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    settings.WRES_API_RATE_LIMIT = 1_000_000
    _, key = api_token_create(user=people["analyst"], name="schemathesis")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    # The test's transaction must survive the requests (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 5
        for operation in operations:

            @given(case=operation.as_strategy())
            @hypothesis_settings(
                max_examples=12,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def run(case):
                for headers in ({}, {"Authorization": f"Bearer {key}"}):
                    response = case.call(headers=headers)
                    case.validate_response(response, checks=checks)

            run()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
