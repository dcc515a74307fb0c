"""Every role against every view so far: allowed, forbidden, and another organisation's data 404."""

import pytest

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "submitter", "approver", "viewer", "reviewer", "analyst", "admin", "nobody")

# (path, expected status per role). 302 = sent to sign in. RJ3 is nobody's organisation.
PUBLIC = {role: 200 for role in ROLES}
MATRIX = {
    "/": PUBLIC,
    "/accessibility/": PUBLIC,
    "/privacy/": PUBLIC,
    "/organisations/": PUBLIC,
    "/organisations/RJ1/": PUBLIC,
    # Analysts see published figures only (ADR 0022): an organisation's own pages are not theirs.
    "/organisations/RJ1/members/": {
        "anonymous": 302, "submitter": 403, "approver": 200, "viewer": 403,
        "reviewer": 403, "analyst": 404, "admin": 200, "nobody": 404,
    },
    "/organisations/RJ3/members/": {
        "anonymous": 302, "submitter": 404, "approver": 404, "viewer": 404,
        "reviewer": 403, "analyst": 404, "admin": 200, "nobody": 404,
    },
    "/accounts/invitations/": {
        "anonymous": 302, "submitter": 403, "approver": 403, "viewer": 403,
        "reviewer": 403, "analyst": 403, "admin": 200, "nobody": 403,
    },
    "/audit/": {
        "anonymous": 302, "submitter": 403, "approver": 403, "viewer": 403,
        "reviewer": 403, "analyst": 403, "admin": 200, "nobody": 403,
    },
    "/audit/events.csv": {
        "anonymous": 302, "submitter": 403, "approver": 403, "viewer": 403,
        "reviewer": 403, "analyst": 403, "admin": 200, "nobody": 403,
    },
    "/admin/": {
        "anonymous": 302, "submitter": 302, "approver": 302, "viewer": 302,
        "reviewer": 302, "analyst": 302, "admin": 200, "nobody": 302,
    },
    "/accounts/email/": {
        "anonymous": 302, "submitter": 200, "approver": 200, "viewer": 200,
        "reviewer": 200, "analyst": 200, "admin": 200, "nobody": 200,
    },
}  # fmt: skip
CASES = [(path, role, statuses[role]) for path, statuses in MATRIX.items() for role in ROLES]


@pytest.mark.parametrize(("path", "role", "expected"), CASES)
def test_view_answers_each_role_as_the_matrix_says(people, client_for, path, role, expected):
    client = client_for(people.get(role))

    response = client.get(path)

    assert response.status_code == expected, (path, role, response.status_code)


def test_members_page_of_another_organisation_shows_nothing_of_it(people, client_for, orgs):
    response = client_for(people["approver"]).get("/organisations/RJ3/members/")

    assert response.status_code == 404
    assert b"RJ3 NHS TRUST" not in response.content


def test_has_perm_scopes_roles_to_their_own_organisation(people, orgs):
    approver, submitter, viewer = people["approver"], people["submitter"], people["viewer"]

    assert approver.has_perm("organisations.submit_return", orgs["RJ1"])
    assert approver.has_perm("organisations.submit_return", orgs["RJ2"])
    assert not approver.has_perm("organisations.submit_return", orgs["RJ3"])
    assert submitter.has_perm("organisations.edit_return", orgs["RJ1"])
    assert not submitter.has_perm("organisations.submit_return", orgs["RJ1"])
    assert not viewer.has_perm("organisations.edit_return", orgs["RJ1"])
    assert viewer.has_perm("organisations.view_organisation_data", orgs["RJ1"])
    assert not viewer.has_perm("organisations.view_organisation_data", orgs["RJ2"])
    assert people["reviewer"].has_perm("organisations.view_organisation_data", orgs["RJ3"])
    assert not people["reviewer"].has_perm("organisations.edit_return", orgs["RJ3"])
    assert people["reviewer"].has_perm("review.review_returns")
    assert not people["analyst"].has_perm("review.review_returns")
    assert people["analyst"].has_perm("extracts.view_unsuppressed")
    assert not people["approver"].has_perm("extracts.view_unsuppressed")


def test_disabled_national_admin_loses_every_permission(people):
    admin = people["admin"]
    admin.is_active = False
    admin.save()

    assert not admin.has_perm("audit.view_events")


@pytest.mark.parametrize("role", ["approver", "submitter"])
def test_state_changing_views_refuse_get(people, client_for, role):
    client = client_for(people[role])

    assert client.get("/organisations/switch/").status_code == 405
    assert client.get("/accounts/invitations/1/revoke/").status_code == 405


def test_national_admin_is_not_an_editor_of_organisations_returns(people, orgs):
    admin = people["admin"]

    assert admin.is_superuser
    assert not admin.has_perm("organisations.edit_return", orgs["RJ1"])
    assert not admin.has_perm("organisations.submit_return", orgs["RJ1"])
    assert admin.has_perm("organisations.view_organisation_data", orgs["RJ1"])
    assert admin.has_perm("organisations.change_organisation")  # Django admin permissions stay
