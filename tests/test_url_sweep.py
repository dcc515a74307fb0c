"""A sweep over every URL pattern, for every role: nobody reaches another organisation's data,
no GET changes anything, no POST without a CSRF token is accepted, nothing answers 500.

URLs are enumerated from the resolver, so a new view is swept without anyone adding it here; a
URL that is not classified below fails `test_every_url_is_classified` until someone decides who
may see it.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.submissions.test_submissions_views_forms import open_year

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "submitter", "approver", "viewer", "reviewer", "analyst", "admin", "nobody")
ORG_ROLES = ("submitter", "approver", "viewer", "nobody")

# Who may see each URL (by name). "org": an organisation's own data, under <ods_code>: another
# organisation's answers 404. "review" / "admin" / "national": NHS England roles only.
# "public": anyone. "account": sign-in machinery (allauth) and the signed-in user's own pages.
PUBLIC = "public"
ACCOUNT = "account"
ORG = "org"
REVIEW = "review"
ADMIN = "admin"
NATIONAL = "national"
CLASSES: dict[str, str] = {
    "start": PUBLIC,
    "accessibility": PUBLIC,
    "privacy": PUBLIC,
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    # A redirect from the admin's old addresses (ADR 0015) to the admin, which checks who may see.
    "old_admin_redirect": PUBLIC,
    "organisations:list": PUBLIC,
    "organisations:detail": PUBLIC,
    "organisations:switch": ACCOUNT,
    "organisations:members": ORG,
    "organisations:member_role": ORG,
    "accept_invitation": ACCOUNT,
    "national_invitations": ADMIN,
    "revoke_invitation": ACCOUNT,
    "audit:list": ADMIN,
    "audit:csv": ADMIN,
    "returns:list": ACCOUNT,
    "returns:review_queue": REVIEW,
    "returns:review_queue_csv": REVIEW,
    "returns:review_completeness": REVIEW,
    "returns:review_remind": REVIEW,
    "returns:review_return": REVIEW,
    "returns:review_assign": REVIEW,
    "returns:review_query": REVIEW,
    "returns:review_reply": REVIEW,
    "returns:review_resolve": REVIEW,
    "returns:review_verdict": REVIEW,
    "returns:review_accept": REVIEW,
    "returns:review_reopen": REVIEW,
    "returns:queries": ORG,
    "returns:task_list": ORG,
    "returns:check": ORG,
    "returns:sign_off": ORG,
    "returns:ask_approver": ORG,
    "returns:submit": ORG,
    "returns:confirmation": ORG,
    "returns:summary": ORG,
    "returns:section": ORG,
    "returns:upload_template": ORG,
    "returns:upload": ORG,
    "returns:upload_status": ORG,
    "returns:upload_status_json": ORG,
    "returns:upload_results": ORG,
    "returns:upload_report": ORG,
    "returns:upload_apply": ORG,
    "returns:upload_discard": ORG,
    "returns:upload_recheck": ORG,
    "returns:survey_load": ADMIN,
    "dashboards:national": PUBLIC,
    "dashboards:engage": REVIEW,
    "dashboards:methodology": PUBLIC,
    "dashboards:chart_csv": PUBLIC,
    "dashboards:measure": PUBLIC,
    "reports:national": PUBLIC,
    "reports:national_pdf": PUBLIC,
    "extracts:downloads": PUBLIC,
    "extracts:dictionary": PUBLIC,
    "extracts:extract": PUBLIC,
    "extracts:api_docs": PUBLIC,
    "extracts:tokens": NATIONAL,
    "extracts:token_revoke": NATIONAL,
    "extracts:publish": ADMIN,
    "extracts:publish_year": ADMIN,
    "engagement:list": REVIEW,
    "engagement:csv": REVIEW,
    "engagement:create": REVIEW,
    "engagement:impact": REVIEW,
    "engagement:practice": REVIEW,
    "engagement:case_study_create": REVIEW,
    "engagement:case_study_edit": REVIEW,
    "engagement:organisation": ORG,
    "engagement:detail": ORG,
    "engagement:edit": REVIEW,
    "engagement:action_add": REVIEW,
    "engagement:action_edit": REVIEW,
    "engagement:action_status": ORG,
}
# allauth's pages and the API (public, read-only; errors tested in tests/extracts) by prefix.
PREFIX_CLASSES = {"account_": ACCOUNT, "mfa_": ACCOUNT, "extracts:api:": PUBLIC}

ANONYMOUS_REFUSALS = (302, 401, 403, 404, 405)  # 302: to sign in
REFUSALS = (403, 404, 405)
SAMPLES = {
    "model": "return",
    "rest": "",
    "token": "not-a-real-token",
    "section": "indicator-2",
    "year": 2026,
    "chart_id": "no-such-chart",
    "slug": "no-such-measure",
    "period": "all",
    "shape": "wide",
    "fmt": "csv",
    "key": "not-a-key",
    "uidb36": "1",
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin: only national admins, tested in tests/accounts
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), joined)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern


URLS = dict(_walk(get_resolver().url_patterns))


def _class(name: str) -> str | None:
    if name in CLASSES:
        return CLASSES[name]
    return next((c for prefix, c in PREFIX_CLASSES.items() if name.startswith(prefix)), None)


def _url(name: str, ods_code: str) -> str:
    pattern = URLS[name].pattern
    names = list(getattr(pattern, "converters", {})) or list(pattern.regex.groupindex)
    kwargs = {
        arg: ods_code if arg == "ods_code" else SAMPLES.get(arg, 1)
        for arg in names
    }  # fmt: skip
    return reverse(name, kwargs=kwargs)


def test_every_url_is_classified():
    unclassified = sorted(name for name in URLS if _class(name) is None)

    assert not unclassified, (
        f"decide who may see these URLs and add them to CLASSES: {unclassified}"
    )


@pytest.fixture
def world(people, orgs):
    open_year()
    return people


def _counts() -> dict[str, int]:
    """Rows of every model but the append-only audit trail and sessions."""
    skip = {"audit.auditevent", "sessions.session"}
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in skip
    }


def _client(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_get_every_url_as_every_role_never_fails_or_changes_anything(world, role):
    client = _client(world.get(role))
    before = _counts()
    failures = []

    for name in sorted(URLS):
        kind = _class(name)
        response = client.get(_url(name, "RJ1"))
        # /readyz answers 503 by design when a dependency is down (no worker runs here).
        if response.status_code >= 500 and not (name == "readyz" and response.status_code == 503):
            failures.append(f"{name}: {response.status_code}")
        protected = kind in (ORG, REVIEW, ADMIN, NATIONAL)
        if role == "anonymous" and protected and response.status_code not in ANONYMOUS_REFUSALS:
            failures.append(f"{name}: anonymous got {response.status_code}")
        national_only = kind in (REVIEW, ADMIN, NATIONAL)
        if role in ORG_ROLES and national_only and response.status_code not in REFUSALS:
            failures.append(f"{name}: {role} got {response.status_code}")

    assert not failures, failures
    assert _counts() == before, "a GET changed the database"


@pytest.mark.parametrize("role", ORG_ROLES)
def test_another_organisations_data_answers_404(world, role):
    client = _client(world[role])
    failures = []

    for name in sorted(URLS):
        if _class(name) != ORG:
            continue
        response = client.get(_url(name, "RJ3"))
        if response.status_code not in (404, 405):
            failures.append(f"{name}: {response.status_code}")

    assert not failures, failures


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_no_post_without_a_csrf_token_is_accepted(world, role):
    client = _client(world[role], enforce_csrf_checks=True)
    before = _counts()
    failures = []

    for name in sorted(URLS):
        response = client.post(_url(name, "RJ1"), {"role": "viewer", "organisation": "RJ2"})
        if response.status_code not in (403, 405):
            failures.append(f"{name}: {response.status_code}")

    assert not failures, failures
    assert _counts() == before
