"""Publication: versioned snapshots of accepted returns, what changed, and isolation of
everything unpublished (drafts, unaccepted and later-accepted versions) from the release."""

import pytest

from extracts.models import Publication, PublishedReturn
from extracts.release import release_open
from extracts.services import collection_publish
from returns.models import Return, ReturnVersion
from tests.extracts import conftest as extracts_fixtures

pytestmark = pytest.mark.django_db
# The published history (conftest), built once for this module; each test has it in a
# savepoint rolled back afterwards, and its own copy of the release files.
published = extracts_fixtures.published_shared
orgs = extracts_fixtures.orgs_shared


def _new_version(return_: Return, **changed) -> ReturnVersion:
    """A later version of an accepted return (as if resubmitted), with some values changed."""
    latest = return_.versions.order_by("-number").first()
    return ReturnVersion.objects.create(
        wres_return=return_,
        organisation=return_.organisation,
        collection=return_.collection,
        number=latest.number + 1,
        values={**latest.values, **changed},
        metrics=latest.metrics,
        issues=[],
        submitted_at=latest.submitted_at,
        approver_name="A",
        synthetic=True,
    )


def test_collection_publish_again_is_version_two_and_says_what_changed(published):
    rj2 = Return.objects.get(organisation__ods_code="RJ2", collection__year=2017)
    version = _new_version(rj2, **{"i2.shortlisted.white": 4321})
    Return.objects.filter(pk=rj2.pk).update(accepted_version=version)

    second = collection_publish(collection=rj2.collection, actor="tests")

    assert second.number == 2
    assert second.changes["amended"] == ["RJ2"]
    assert second.changes["unchanged"] == 5
    assert second.changes["previous"] == 1
    first = Publication.objects.get(collection=rj2.collection, number=1)
    assert first.published_returns.get(organisation=rj2.organisation).version_id != version.pk


def test_release_holds_only_published_versions(published):
    # After publication: RJ2's 2017 return gets a new accepted version, RJ3 a submitted one,
    # and RJ1 has a 2018 draft in an unpublished collection.
    rj2 = Return.objects.get(organisation__ods_code="RJ2", collection__year=2017)
    Return.objects.filter(pk=rj2.pk).update(
        accepted_version=_new_version(rj2, **{"i2.shortlisted.white": 987654})
    )
    rj3 = Return.objects.get(organisation__ods_code="RJ3", collection__year=2017)
    _new_version(rj3, **{"i2.shortlisted.white": 876543})
    assert Return.objects.get(organisation__ods_code="RJ1", collection__year=2018).values

    release = release_open()
    rows = release.keys()

    assert sorted(rows["year"].unique()) == [2015, 2016, 2017]
    frame = next(release.batches(suppressed=False))[0]
    assert not frame["i2.shortlisted.white"].isin([987654, 876543]).any()
    expected = {
        (pr.organisation.ods_code, pr.publication.collection.year): pr.version.values[
            "i2.shortlisted.white"
        ]
        for pr in PublishedReturn.objects.select_related(
            "organisation", "publication__collection", "version"
        )
    }
    got = {
        (o, y): v
        for o, y, v in frame[["organisation", "year", "i2.shortlisted.white"]].itertuples(
            index=False
        )
    }
    assert got == expected


def test_release_follows_republication(published):
    rj2 = Return.objects.get(organisation__ods_code="RJ2", collection__year=2017)
    Return.objects.filter(pk=rj2.pk).update(
        accepted_version=_new_version(rj2, **{"i2.shortlisted.white": 987654})
    )

    collection_publish(collection=rj2.collection, actor="tests")

    frame = next(release_open().batches(suppressed=False))[0]
    assert (frame["i2.shortlisted.white"] == 987654).sum() == 1
    assert len(frame) == 18


def test_release_mask_has_the_shape_of_the_table(published):
    frame, mask = next(release_open().batches())

    assert len(frame) == len(mask)
    # v2: public batches carry no count, and nothing left in them is suppressed (spec 6.1)
    assert "i1.total.white" not in frame.columns and "i2.rl" in frame.columns
    assert not mask.to_numpy().any()
