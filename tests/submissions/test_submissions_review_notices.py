"""What the review puts at the top of the organisation's task list and returns list (issue 14,
defect 5): open queries with their subject, due date and what to do, and the reason NHS England
reopened the return until it is submitted again. Also the migration that stores whether a query
needs a change and the reasons for reopening: it keeps every row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from returns.models import Return, ReturnState
from returns.notices import ReturnNotice, return_notices
from review.models import ReturnReopening
from review.notices import review_notices
from review.services import query_raise, query_reply, query_resolve, review_accept, review_reopen
from tests.submissions import test_submissions_review_views as review_views
from tests.submissions.conftest import YEAR
from tests.submissions.test_submissions_review_views import rj1
from tests.submissions.test_submissions_views_forms import reload

#: The review tests' fixture: last year accepted, this year's RJ1 and RJ2 submitted.
history = review_views.history

TODAY = timezone.localdate()


def _words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _raise(return_: Return, actor: Any, *, indicator: int | None, days: int, change: bool) -> Any:
    return query_raise(
        return_=return_, actor=actor, expected_version=reload(return_).version, text="Why?",
        due_on=TODAY + dt.timedelta(days=days), indicator=indicator, needs_change=change,
    )  # fmt: skip


def test_review_notices_list_each_open_query_with_its_subject_due_date_and_what_to_do(
    history, people
):
    _raise(rj1(history), people["reviewer"], indicator=None, days=20, change=False)
    _raise(rj1(history), people["reviewer"], indicator=3, days=7, change=True)

    notices = review_notices(rj1(history))

    assert len(notices) == 1
    notice = notices[0]
    assert notice.heading == "NHS England has 2 open queries about this return"
    first, second = notice.lines
    assert first.startswith(f"Indicator 3: due {_words(TODAY + dt.timedelta(days=7))}.")
    assert "Change your figures in the return, then sign it off and submit it again." in first
    assert second.startswith(f"The whole return: due {_words(TODAY + dt.timedelta(days=20))}.")
    assert "Reply to this query." in second
    assert notice.href == reverse("returns:queries", args=("RJ1", YEAR))
    assert notice.link_text == "Read and answer the queries"
    assert notice.action_needed


def test_review_notices_one_answered_query_waits_for_nhs_england(history, people):
    query = _raise(rj1(history), people["reviewer"], indicator=2, days=1, change=False)
    query_reply(
        return_=rj1(history), query_id=query.pk, actor=people["submitter"],
        side="organisation", text="Because.",
    )  # fmt: skip

    (notice,) = review_notices(rj1(history))

    assert notice.heading == "NHS England has 1 open query about this return"
    assert "You have answered: NHS England will reply or resolve it." in notice.lines[0]
    assert not notice.action_needed


def test_review_notices_an_overdue_query_says_so(history, people):
    query = _raise(rj1(history), people["reviewer"], indicator=2, days=1, change=False)
    type(query).objects.filter(pk=query.pk).update(due_on=TODAY - dt.timedelta(days=2))

    (notice,) = review_notices(rj1(history))

    assert f"was due {_words(TODAY - dt.timedelta(days=2))} (overdue)" in notice.lines[0]


def test_review_notices_none_for_a_return_without_open_queries(history, people):
    assert review_notices(rj1(history)) == []
    query = _raise(rj1(history), people["reviewer"], indicator=2, days=1, change=False)
    query_resolve(return_=rj1(history), query_id=query.pk, actor=people["reviewer"])

    assert review_notices(rj1(history)) == []


def test_review_notices_give_the_reopen_reason_until_the_return_is_submitted_again(
    history, people, submit
):
    accepted = review_accept(
        return_=rj1(history), actor=people["reviewer"], expected_version=rj1(history).version
    )
    review_reopen(
        return_=accepted, actor=people["reviewer"], expected_version=accepted.version,
        reason="Indicator 2 counts the bank staff twice.",
    )  # fmt: skip

    (notice,) = review_notices(rj1(history))

    assert notice.heading == f"NHS England reopened this return on {_words(TODAY)}"
    assert notice.lines[0] == "Reason: Indicator 2 counts the bank staff twice."
    assert "sign it off and submit it again" in notice.lines[1]
    assert notice.action_needed
    submit(rj1(history))
    assert rj1(history).state == ReturnState.SUBMITTED
    assert review_notices(rj1(history)) == []


def test_return_notices_carry_the_reviews_once_the_app_is_ready(history, people):
    _raise(rj1(history), people["reviewer"], indicator=3, days=7, change=True)

    notices = return_notices(rj1(history))

    assert review_notices(rj1(history))[0] in notices
    assert all(isinstance(notice, ReturnNotice) for notice in notices)


def test_review_notices_read_in_a_fixed_number_of_queries(
    history, people, django_assert_max_num_queries
):
    for indicator in (1, 2, 3, 4):
        _raise(rj1(history), people["reviewer"], indicator=indicator, days=3, change=False)
    submitted = Return.objects.select_related("organisation", "collection").get(pk=rj1(history).pk)
    with django_assert_max_num_queries(1):
        review_notices(submitted)
    Return.objects.filter(pk=submitted.pk).update(state=ReturnState.DRAFT)  # as if reopened
    draft = Return.objects.select_related("organisation", "collection").get(pk=submitted.pk)
    with django_assert_max_num_queries(2):
        review_notices(draft)


# Migration 0002 ----------------------------------------------------------------------------


BEFORE = ("review", "0001_initial")
AFTER = ("review", "0002_query_needs_change_return_reopening")


def _migrate(target: tuple[str, str]) -> Any:
    """Migrates the review app to ``target`` (the others stay at their latest); its models."""
    MigrationExecutor(connection).migrate([target])
    loader = MigrationExecutor(connection).loader
    others = [node for node in loader.graph.leaf_nodes() if node[0] != target[0]]
    return loader.project_state([*others, target]).apps


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_every_query_and_stores_past_reopen_reasons():
    apps = _migrate(BEFORE)
    try:
        get = apps.get_model
        user = get("accounts", "User").objects.create(email="r@nhse.test", password="!")
        organisation = get("organisations", "Organisation").objects.create(
            ods_code="RMG", name="Migration trust", org_type="nhs_trust", region="Y56"
        )
        collection = get("returns", "Collection").objects.create(
            name="WRES 2026", year=2026, snapshot_date=dt.date(2026, 3, 31),
            opens_on=dt.date(2026, 4, 1), deadline=dt.date(2026, 8, 31),
            closes_on=dt.date(2026, 9, 30),
        )  # fmt: skip
        return_ = get("returns", "Return").objects.create(
            organisation=organisation, collection=collection, state="draft"
        )
        queries = [
            get("review", "ReturnQuery").objects.create(
                organisation=organisation,
                wres_return=return_,
                indicator=indicator,
                due_on=dt.date(2026, 9, 1),
                raised_by=user,
                status=status,
            )
            for indicator, status in ((3, "open"), (None, "resolved"))
        ]
        events = get("audit", "AuditEvent").objects
        reopened = events.create(
            action="return.reopened", actor=user, object_type="submissions.return",
            object_id=str(return_.pk), detail={"from_version_number": 1, "as_reviewer": True,
                                               "reason": "A merger was missed."},
        )  # fmt: skip
        events.create(  # the organisation's own reopening is not NHS England's
            action="return.reopened", actor=user, object_type="returns.return",
            object_id=str(return_.pk), detail={"as_reviewer": False, "reason": "Ours."},
        )  # fmt: skip
        events.create(  # a return that no longer exists is skipped
            action="return.reopened", object_type="returns.return", object_id="999999",
            system_actor="tests", detail={"as_reviewer": True, "reason": "Gone."},
        )  # fmt: skip

        apps = _migrate(AFTER)
        migrated = apps.get_model("review", "ReturnQuery").objects.order_by("pk")
        assert [(q.pk, q.indicator, q.status, q.needs_change) for q in migrated] == [
            (queries[0].pk, 3, "open", False),
            (queries[1].pk, None, "resolved", False),
        ]
        (reopening,) = apps.get_model("review", "ReturnReopening").objects.all()
        assert reopening.wres_return_id == return_.pk
        assert reopening.organisation_id == organisation.pk
        assert (reopening.reason, reopening.from_state, reopening.version_number) == (
            "A merger was missed.",
            "accepted",
            1,
        )
        assert reopening.reopened_by_id == user.pk
        assert reopening.reopened_at == reopened.occurred_at

        apps = _migrate(BEFORE)
        assert apps.get_model("review", "ReturnQuery").objects.count() == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ReturnReopening.objects.count() == 1  # migrated forward again from the events


def test_task_list_and_returns_list_lead_with_the_review_notices(history, people, client_for):
    _raise(rj1(history), people["reviewer"], indicator=3, days=7, change=True)
    client = client_for(people["submitter"])

    for path in (f"/returns/RJ1/{YEAR}/", "/returns/"):
        page = client.get(path).content.decode()
        assert "NHS England has 1 open query about this return" in page, path
        assert "Indicator 3: due " in page and "submit it again" in page, path
        assert f'href="/returns/RJ1/{YEAR}/queries/"' in page, path
