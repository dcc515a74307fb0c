"""Extracts before anything is published, and the first publication of a collection (these
build their own history; the other modules share one published history per module)."""

import pytest

from audit.models import AuditEvent
from extracts.models import Publication
from extracts.services import PublicationRefused, collection_publish
from returns.models import Collection, Return

pytestmark = pytest.mark.django_db


def test_api_before_any_publication_says_so(history, client):
    response = client.get("/api/returns")

    assert response.status_code == 404
    assert response.json()["detail"] == "Nothing has been published yet."


def test_downloads_page_before_any_publication(history, client):
    assert b"Nothing has been published yet" in client.get("/data/").content


def test_collection_publish_snapshots_every_accepted_version(history):
    collection = Collection.objects.get(year=2017)

    publication = collection_publish(collection=collection, actor="tests")

    accepted = set(
        Return.objects.filter(collection=collection).values_list("accepted_version_id", flat=True)
    )
    snapshot = set(publication.published_returns.values_list("version_id", flat=True))
    assert snapshot == accepted and len(snapshot) == 6
    assert publication.number == 1 and publication.changes["previous"] is None
    assert len(publication.changes["added"]) == 6
    event = AuditEvent.objects.get(action="collection_published")
    assert event.system_actor == "tests" and event.detail["returns"] == 6


def test_collection_publish_refuses_a_collection_with_nothing_accepted(history):
    with pytest.raises(PublicationRefused):
        collection_publish(collection=Collection.objects.get(year=2018), actor="tests")
    assert not Publication.objects.exists()
