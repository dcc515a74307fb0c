"""A sweep over every operation of the open-data API, for every kind of caller.

Operations are enumerated from the schema the running app serves (/api/openapi.json), so a new
endpoint is swept without anyone adding it here; an operation that is not classified below fails
`test_every_api_operation_is_classified` until someone decides who may call it. For each caller
(no credentials, the personal token of a reviewer, an analyst and an admin, an organisation
user's token, a revoked token, a disabled owner's token, malformed credentials) every operation
answers the expected status with JSON, never a 500, never anything unpublished, and changes
nothing but the audit trail; every declared parameter given a bad value answers a clean JSON
error (400 or 404).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from extracts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anyone; a valid national token gives the unsuppressed figures
TOKEN_ONLY = "token-only"  # a valid personal token is required
CLASSES: dict[tuple[str, str], str] = {
    ("get", "/api/organisations"): PUBLIC,
    ("get", "/api/organisations/{ods_code}"): PUBLIC,
    ("get", "/api/collections"): PUBLIC,
    ("get", "/api/returns"): PUBLIC,
    ("get", "/api/aggregates"): PUBLIC,
}
PUBLISHED_YEARS = {2015, 2016, 2017}
UNPUBLISHED_YEAR = 2018  # open, with RJ1's draft in it
PATH_SAMPLES = {"ods_code": "RJ1"}
#: Callers whose credentials are valid and allow the unsuppressed figures.
NATIONAL = ("reviewer", "analyst", "admin")
#: Callers whose credentials must be refused (401), never quietly downgraded to public.
REFUSED = ("organisation_user", "revoked", "disabled_owner", "unknown", "malformed", "basic")
CALLERS = ("anonymous", *NATIONAL, *REFUSED)
#: Bad values for a parameter, by the type its schema declares.
BAD_INTEGERS = ("abc", "1.5", "-1", "0", "99999999999999999999999", "1e3", "%00", "%ED%A0%80")
BAD_STRINGS = ("x" * 5000, "%00", "%ED%A0%80", "%C0%AF", "..%5C..%5Cetc", "%E2%80%AE", "%FF")
BAD_CHOICES = ("Mars", "x" * 5000, "%00", "%ED%A0%80", "NULL")


@pytest.fixture
def published(orgs: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    """Accepted returns 2015-2017 for RJ1-RJ3, published; 2018 open with RJ1's draft."""
    from extracts.services import collection_publish
    from returns.demo import seed_history
    from returns.models import Collection

    settings.MEDIA_ROOT = tmp_path
    settings.WRES_API_RATE_LIMIT = 100_000  # the sweep is many requests from one address
    seed_history(organisations=list(orgs.values()), current_year=UNPUBLISHED_YEAR)
    for year in sorted(PUBLISHED_YEARS):
        collection_publish(collection=Collection.objects.get(year=year), actor="tests")


def _schema() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "patch", "delete", "head", "options"):
                yield method, path, operation


def _declared_class(operation: dict[str, Any]) -> str:
    """What the schema itself says: an empty requirement means no credentials are needed."""
    security = operation.get("security", [])
    return PUBLIC if {} in security or not security else TOKEN_ONLY


def _url(path: str, **query: str) -> str:
    for name, value in PATH_SAMPLES.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"add a sample for the path parameter of {path} to PATH_SAMPLES"
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_every_api_operation_is_classified() -> None:
    operations = {(method, path): op for method, path, op in _operations(_schema())}

    unclassified = sorted(set(operations) - set(CLASSES))
    assert not unclassified, f"decide who may call these and add them to CLASSES: {unclassified}"
    assert not set(CLASSES) - set(operations), "CLASSES lists an operation the API no longer has"
    for key, operation in operations.items():
        assert _declared_class(operation) == CLASSES[key], f"{key}: the schema disagrees"


def _headers(caller: str, people: dict[str, Any], make_user: Any) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller == "unknown":
        return {"HTTP_AUTHORIZATION": "Bearer wres_" + "A" * 43}
    if caller == "malformed":
        return {"HTTP_AUTHORIZATION": "Bearer \x00\u202e" + "x" * 500}
    if caller == "basic":
        return {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}
    owner = {
        "organisation_user": lambda: people["approver"],
        "revoked": lambda: make_user("revoked@nhse.test", national_role="analyst"),
        "disabled_owner": lambda: make_user("disabled@nhse.test", national_role="reviewer"),
    }.get(caller, lambda: people[caller])()
    token, key = api_token_create(user=owner, name=f"sweep {caller}")
    if caller == "revoked":
        api_token_revoke(token=token, actor=owner)
    elif caller == "disabled_owner":
        owner.is_active = False
        owner.save()
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _counts() -> dict[str, int]:
    """Rows of every model but the append-only audit trail (unsuppressed reads are audited)."""
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower != "audit.auditevent"
    }


def _years(body: Any) -> Iterator[int]:
    """Every value under a "year" key, anywhere in a JSON body."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "year" and isinstance(value, int):
                yield value
            else:
                yield from _years(value)
    elif isinstance(body, list):
        for value in body:
            yield from _years(value)


def _expected_status(kind: str, caller: str) -> int:
    if caller in REFUSED or (kind == TOKEN_ONLY and caller == "anonymous"):
        return 401
    return 200


def test_every_api_operation_answers_each_caller_cleanly(published, people, make_user):
    clients = {caller: Client(**_headers(caller, people, make_user)) for caller in CALLERS}
    operations = list(_operations(_schema()))
    before = _counts()
    failures = []

    for caller, client in clients.items():
        for method, path, _ in operations:
            failure = _sweep_one(client, caller, method, path)
            if failure:
                failures.append(f"{caller}: {method} {path}: {failure}")

    assert not failures, failures
    assert _counts() == before, "a GET changed the database"


def _sweep_one(client: Client, caller: str, method: str, path: str) -> str | None:
    """What is wrong with one caller's answer from one operation (None: nothing)."""
    expected = _expected_status(CLASSES[(method, path)], caller)
    response = getattr(client, method)(_url(path))
    if response.status_code != expected:
        return f"{response.status_code}, expected {expected}"
    if not response["Content-Type"].startswith("application/json"):
        return f"answered {response['Content-Type']}"
    body = response.json()
    if expected == 401:
        if not body.get("detail") or "WWW-Authenticate" not in response:
            return "a refusal without a reason or challenge"
        return None
    unpublished = set(_years(body)) - PUBLISHED_YEARS
    if unpublished:
        return f"unpublished years {sorted(unpublished)}"
    wanted = "unsuppressed" if caller in NATIONAL else "suppressed"
    if isinstance(body.get("figures"), str) and body["figures"] != wanted:
        return f"figures {body['figures']}, not {wanted}"
    return None


def _bad_values(parameter: dict[str, Any]) -> tuple[str, ...]:
    schema = parameter.get("schema", {})
    options = [schema, *schema.get("anyOf", [])]
    if any("$ref" in option or "enum" in option for option in options):
        return BAD_CHOICES
    if any(option.get("type") == "integer" for option in options):
        return BAD_INTEGERS
    return BAD_STRINGS


def test_every_api_parameter_given_a_bad_value_answers_a_clean_json_error(
    published, people, make_user
):
    clients = [Client(**_headers(caller, people, make_user)) for caller in ("anonymous", "analyst")]
    before = _counts()
    failures = []
    swept = 0

    for client, (method, path, operation) in (
        (client, operation) for client in clients for operation in _operations(_schema())
    ):
        for parameter in operation.get("parameters", []):
            for value in _bad_values(parameter):
                if parameter["in"] == "path":
                    url = path.replace("{" + parameter["name"] + "}", value)
                    url = _url(url)
                else:
                    url = _url(path, **{parameter["name"]: value})
                response = getattr(client, method)(url)
                swept += 1
                where = f"{method} {path} {parameter['name']}={value[:20]!r}"
                if response.status_code not in (400, 404):
                    failures.append(f"{where}: {response.status_code}")
                elif not response["Content-Type"].startswith("application/json"):
                    failures.append(f"{where}: {response['Content-Type']}")
                elif not str(response.json().get("detail", "")).strip():
                    failures.append(f"{where}: no detail")

    assert swept > 50, "the sweep found hardly any parameters: is the schema being read?"
    assert not failures, failures
    assert _counts() == before


def test_no_api_operation_accepts_a_write(published, people):
    _, key = api_token_create(user=people["admin"], name="writes")
    clients = [
        Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}"),
        Client(enforce_csrf_checks=True),
    ]
    before = _counts()
    failures = []

    for client in clients:
        for method in ("post", "put", "patch", "delete"):
            for _, path, _ in _operations(_schema()):
                response = getattr(client, method)(
                    _url(path), data="{}", content_type="application/json"
                )
                if response.status_code not in (401, 403, 405):
                    failures.append(f"{method} {path}: {response.status_code}")

    assert not failures, failures
    assert _counts() == before
