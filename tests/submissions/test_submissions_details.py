"""The return's details (contact, narrative, publication links): their own field on the draft and
on each version, saved under the version lock, frozen on submission, restored on reopening, shown
to reviewers with what changed, and moved out of `explanations` by migration 0004 (and back)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from returns.changes import version_changes
from returns.exceptions import ReturnConflict
from returns.models import Return, ReturnState, ReturnVersion
from returns.services import return_accept, return_reopen, return_save_draft
from review.services import query_raise
from tests.submissions.test_submissions_review_views import REVIEW, history, rj1  # noqa: F401
from tests.submissions.test_submissions_views_forms import reload

BEFORE = ("submissions", "0003_review")
AFTER = ("submissions", "0004_return_details")


def save(return_: Return, actor: Any, **kwargs: Any) -> Return:
    return return_save_draft(
        return_=return_, actor=actor, expected_version=return_.version, **kwargs
    )


# Saving -----------------------------------------------------------------------------------


def test_save_draft_details_merge_and_a_blank_clears(draft, submitter):
    draft = save(draft, submitter, details={"contact_name": " Pat ", "other_factors": "A merger"})
    draft = save(draft, submitter, details={"contact_name": "Jo", "other_factors": "  "})

    saved = reload(draft)
    assert saved.details == {"contact_name": "Jo"}
    assert saved.explanations == {}
    assert saved.version == 3


def test_save_draft_unchanged_details_write_nothing(draft, submitter):
    draft = save(draft, submitter, details={"contact_name": "Pat"})

    again = save(draft, submitter, details={"contact_name": "Pat"})

    assert reload(again).version == draft.version


@pytest.mark.parametrize(
    "details",
    [{"contact_name": 12}, {3: "text"}, {"other_factors": "x" * 5001}],
)
def test_save_draft_bad_details_are_refused_and_nothing_stored(draft, submitter, details):
    with pytest.raises(ValidationError):
        save(draft, submitter, details=details)

    assert (reload(draft).details, reload(draft).version) == ({}, draft.version)


def test_save_draft_details_with_a_stale_version_conflict(draft, submitter):
    save(draft, submitter, details={"contact_name": "First"})

    with pytest.raises(ReturnConflict):
        return_save_draft(
            return_=draft,
            actor=submitter,
            expected_version=draft.version,  # the version before the first save
            details={"contact_name": "Second"},
        )

    assert reload(draft).details == {"contact_name": "First"}


# Submission and reopening -------------------------------------------------------------------


def test_reopen_restores_the_accepted_versions_details(ready_draft, submit, submitter, reviewer):
    ready_draft = save(ready_draft, submitter, details={"contact_name": "Pat"})
    version = submit(ready_draft)
    submitted = reload(ready_draft)
    # A draft's details cannot change once submitted, so alter the row to show the reopened
    # draft takes the version's details, not whatever the row held.
    Return.objects.filter(pk=submitted.pk).update(details={"contact_name": "Changed"})
    submitted = reload(submitted)
    accepted = return_accept(return_=submitted, actor=reviewer, expected_version=submitted.version)

    reopened = return_reopen(
        return_=accepted,
        actor=submitter,
        expected_version=accepted.version,
        reason="A late correction",
        as_reviewer=False,
    )

    assert version.details == {"contact_name": "Pat"}
    assert reload(reopened).details == {"contact_name": "Pat"}
    assert reload(reopened).state == ReturnState.DRAFT


# What reviewers see -------------------------------------------------------------------------


def test_reviewer_sees_the_versions_details_and_what_changed(
    history,  # noqa: F811
    people,
    client_for,
    submit,
):
    def ask(return_: Return) -> Return:
        query_raise(return_=return_, actor=people["reviewer"], expected_version=return_.version,
                    text="Check", due_on=timezone.localdate(), indicator=2)  # fmt: skip
        return reload(return_)

    return_ = ask(rj1(history))
    submit(save(return_, people["submitter"], details={"contact_name": "Pat Lead"}))
    return_ = ask(reload(return_))
    draft = save(return_, people["submitter"], details={"contact_name": "Not sent"})

    page = client_for(people["reviewer"]).get(REVIEW).content.decode()
    first, second = ReturnVersion.objects.filter(wres_return=draft).order_by("number")
    changes = version_changes(first, second)

    assert "Pat Lead" in page
    assert "Not sent" not in page  # the draft's unsubmitted change is not the version
    assert [(c.code, c.label, c.before, c.after) for c in changes] == [
        ("contact_name", "Contact's full name", "Empty", "Pat Lead")
    ]
    assert "What changed since version 1" in page


# Migration 0004 ---------------------------------------------------------------------------


def _migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_migration_moves_details_out_of_explanations_and_back():
    apps = _migrate(BEFORE)
    try:
        organisation = apps.get_model("organisations", "Organisation").objects.create(
            ods_code="RMG", name="Migration trust", org_type="nhs_trust", region="Y56"
        )
        collection = apps.get_model("submissions", "Collection").objects.create(
            name="WRES 2026", year=2026, snapshot_date=dt.date(2026, 3, 31),
            opens_on=dt.date(2026, 4, 1), deadline=dt.date(2026, 8, 31),
            closes_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        mixed = {"W105:i2.appointed.bme": "Small numbers", "detail:contact_name": "Pat"}
        draft = apps.get_model("submissions", "Return").objects.create(
            organisation=organisation, collection=collection, explanations=mixed
        )
        version = apps.get_model("submissions", "ReturnVersion").objects.create(
            wres_return=draft, organisation=organisation, collection=collection, number=1,
            values={}, metrics={}, issues=[], explanations=mixed,
            submitted_at=timezone.now(), approver_name="Alex Approver",
        )  # fmt: skip
        plain = apps.get_model("submissions", "ReturnVersion").objects.create(
            wres_return=draft, organisation=organisation, collection=collection, number=2,
            values={}, metrics={}, issues=[], explanations={"W105:i2.appointed.bme": "Small"},
            submitted_at=timezone.now(), approver_name="Alex Approver",
        )  # fmt: skip

        apps = _migrate(AFTER)
        models = {name: apps.get_model("submissions", name) for name in ("Return", "ReturnVersion")}
        moved = [
            models["Return"].objects.get(pk=draft.pk),
            models["ReturnVersion"].objects.get(pk=version.pk),
        ]
        untouched = models["ReturnVersion"].objects.get(pk=plain.pk)
        assert [(row.explanations, row.details) for row in moved] == 2 * [
            ({"W105:i2.appointed.bme": "Small numbers"}, {"contact_name": "Pat"})
        ]
        assert (untouched.explanations, untouched.details) == (
            {"W105:i2.appointed.bme": "Small"},
            {},
        )
        assert models["ReturnVersion"].objects.get(pk=version.pk).approver_name == "Alex Approver"

        apps = _migrate(BEFORE)
        back = [
            apps.get_model("submissions", "Return").objects.get(pk=draft.pk),
            apps.get_model("submissions", "ReturnVersion").objects.get(pk=version.pk),
        ]
        assert [row.explanations for row in back] == [mixed, mixed]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
