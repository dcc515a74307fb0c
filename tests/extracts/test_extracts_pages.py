"""Pages for national users: API tokens and publishing (with its task); every role per URL."""

import re

import pytest

from audit.models import AuditEvent
from extracts.models import ApiToken, Publication
from extracts.release import release_open
from extracts.services import api_token_create, publication_release_rebuild
from returns.models import Collection
from tests.extracts import conftest as extracts_fixtures

pytestmark = pytest.mark.django_db
# The published history (conftest), built once for this module; each test has it in a
# savepoint rolled back afterwards, and its own copy of the release files.
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared

ROLES = ("anonymous", "submitter", "approver", "viewer", "reviewer", "analyst", "admin", "nobody")
NATIONAL_DATA = {"anonymous": 302, "submitter": 403, "approver": 403, "viewer": 403,
                 "reviewer": 200, "analyst": 200, "admin": 200, "nobody": 403}  # fmt: skip
ADMIN_ONLY = {"anonymous": 302, "submitter": 403, "approver": 403, "viewer": 403,
              "reviewer": 403, "analyst": 403, "admin": 200, "nobody": 403}  # fmt: skip
PUBLIC = dict.fromkeys(ROLES, 200)
MATRIX = {
    "/data/": PUBLIC,
    "/data/wres-data-dictionary.csv": PUBLIC,
    "/data/wres-2017-wide.csv": PUBLIC,
    "/data/wres-2017-wide.csv?figures=unsuppressed": PUBLIC,  # suppressed unless allowed
    "/data/wres-2013-wide.csv": dict.fromkeys(ROLES, 404),
    "/data/tokens/": NATIONAL_DATA,
    "/data/publish/": ADMIN_ONLY,
    "/api/openapi.json": PUBLIC,
    "/api/organisations": PUBLIC,
    "/api/organisations/RJ3": PUBLIC,
    "/api/collections": PUBLIC,
    "/api/returns": PUBLIC,
    "/api/aggregates": PUBLIC,
}
POSTS = {
    "/data/publish/2017/": {**ADMIN_ONLY, "admin": 302},
    "/data/tokens/": NATIONAL_DATA,
}


# One test per URL, every role inside it: publishing the fixture history per case is slow.
@pytest.mark.parametrize("path", MATRIX)
def test_extracts_url_answers_each_role_as_the_matrix_says(published, people, client_for, path):
    got = {role: client_for(people.get(role)).get(path).status_code for role in ROLES}

    assert got == MATRIX[path]


@pytest.mark.parametrize("path", POSTS)
def test_extracts_post_answers_each_role_as_the_matrix_says(
    published, people, client_for, eager_tasks, path
):
    got, publications = {}, 3
    for role in ROLES:
        got[role] = client_for(people.get(role)).post(path, {"name": "A token"}).status_code
        publications += path.startswith("/data/publish") and role == "admin"
        assert Publication.objects.count() == publications, role

    assert got == POSTS[path]


@pytest.mark.parametrize("path", ["/data/tokens/1/revoke/", "/data/publish/2017/"])
def test_extracts_state_changes_refuse_get(people, client_for, path):
    assert client_for(people["admin"]).get(path).status_code == 405


# -- Tokens page -----------------------------------------------------------------------------


def test_tokens_page_creates_a_token_and_shows_its_key_once(people, client_for):
    client = client_for(people["analyst"])

    response = client.post("/data/tokens/", {"name": "R scripts"})

    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    key = re.search(rb'id="new-token-key">(wres_[^<]+)<', response.content)[1].decode()
    token = ApiToken.objects.get(user=people["analyst"])
    assert token.name == "R scripts" and key not in token.key_hash
    again = client.get("/data/tokens/")
    assert key.encode() not in again.content and b"R scripts" in again.content


def test_tokens_page_refuses_a_token_without_a_name(people, client_for):
    response = client_for(people["reviewer"]).post("/data/tokens/", {"name": "  "})

    assert response.status_code == 200
    assert b"Enter a name for the token" in response.content
    assert not ApiToken.objects.exists()


def test_tokens_page_lists_only_the_users_own_tokens(people, client_for):
    api_token_create(user=people["reviewer"], name="Reviewer's")
    api_token_create(user=people["analyst"], name="Analyst's")

    content = client_for(people["analyst"]).get("/data/tokens/").content

    assert b"Analyst&#39;s" in content and b"Reviewer&#39;s" not in content


def test_tokens_page_revokes_own_token_and_not_anyone_elses(people, client_for):
    mine, _ = api_token_create(user=people["analyst"], name="mine")
    theirs, _ = api_token_create(user=people["reviewer"], name="theirs")
    client = client_for(people["analyst"])

    assert client.post(f"/data/tokens/{theirs.pk}/revoke/").status_code == 404
    response = client.post(f"/data/tokens/{mine.pk}/revoke/")

    assert response.status_code == 302 and response["Location"] == "/data/tokens/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert AuditEvent.objects.filter(action="api_token_revoked", actor=people["analyst"]).count()


# -- Publish page and task -------------------------------------------------------------------


def test_publish_page_lists_collections_with_their_status(published, people, client_for):
    content = client_for(people["admin"]).get("/data/publish/").content.decode()

    assert "WRES 2018" in content and "Nothing accepted yet" in content
    assert "Published: version 1" in content and "Republish" in content


def test_publish_by_admin_publishes_and_the_task_rebuilds_the_release(
    published, people, client_for, eager_tasks, django_capture_on_commit_callbacks
):
    before = release_open().publication

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(people["admin"]).post("/data/publish/2017/")

    assert response.status_code == 302 and response["Location"] == "/data/publish/"
    assert len(callbacks) == 1  # the task is sent only after the commit
    publication = Publication.objects.get(collection__year=2017, number=2)
    assert publication.published_by == people["admin"]
    assert publication.release_file  # built by the (eager) task
    assert release_open().publication == publication != before
    event = AuditEvent.objects.filter(action="collection_published").latest("pk")
    assert event.actor == people["admin"]


def test_publish_shows_the_release_being_built_until_the_task_runs(
    published, people, client_for, django_capture_on_commit_callbacks
):
    client = client_for(people["admin"])

    with django_capture_on_commit_callbacks(execute=False):
        client.post("/data/publish/2016/")

    content = client.get("/data/publish/").content.decode()
    assert "Publishing version 2: the public files are being built" in content
    assert release_open().publication.number == 1  # the previous release stays public
    publication = Publication.objects.get(collection__year=2016, number=2)
    assert publication_release_rebuild(publication_id=publication.pk) == "built"
    assert "Published: version 2" in client.get("/data/publish/").content.decode()


def test_publish_of_a_collection_with_nothing_accepted_says_why(published, people, client_for):
    response = client_for(people["admin"]).post("/data/publish/2018/", follow=True)

    assert b"has no accepted returns to publish" in response.content
    assert not Publication.objects.filter(collection__year=2018).exists()


def test_publish_of_an_unknown_year_is_404(published, people, client_for):
    assert client_for(people["admin"]).post("/data/publish/1999/").status_code == 404


def test_release_rebuild_task_skips_a_publication_already_superseded(published, eager_tasks):
    from extracts.tasks import release_rebuild

    first = Publication.objects.get(collection=Collection.objects.get(year=2015))

    assert release_rebuild.delay(first.pk).get() == "superseded"
    latest = Publication.objects.get(collection__year=2017)
    assert release_rebuild.delay(latest.pk).get() == "built"
