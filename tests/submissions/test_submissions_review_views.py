"""The national review by its pages: who may reach what, the queue (counts, filters, CSV, a fixed
number of queries), a query's round trip with the organisation, the version diff, verdicts,
accept and reopen, two reviewers at once, and bad input that stores nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import EmailRecord
from organisations.models import Organisation
from returns.models import Return, ReturnState, ReturnVersion
from returns.services import collection_close, return_accept, return_save_draft
from review.models import ExplanationVerdict, QueryMessage, QuerySide, QueryStatus, ReturnQuery
from review.services import query_raise, warning_key_of
from tests.submissions.conftest import YEAR, make_organisation
from tests.submissions.test_submissions_views_forms import open_year, reload

TODAY = timezone.localdate()
QUEUE = "/returns/review/"
REVIEW = f"/returns/review/RJ1/{YEAR}/"
ORG_QUERIES = f"/returns/RJ1/{YEAR}/queries/"


def due(days: int = 14) -> dict[str, str]:
    day = TODAY + dt.timedelta(days=days)
    return {"due_day": str(day.day), "due_month": str(day.month), "due_year": str(day.year)}


@pytest.fixture
def history(people, orgs, synthetic_values, fill, submit, reviewer) -> dict[str, Any]:
    """Last year's collection with RJ1 and RJ2 accepted (closed), and this year's open one with
    RJ1 and RJ2 submitted and RJ3 untouched."""
    last = open_year(YEAR - 1)
    for code in ("RJ1", "RJ2"):
        draft = Return.objects.get(organisation=orgs[code], collection=last)
        version_return = fill(draft, synthetic_values[YEAR - 1], people["submitter"])
        submit(version_return)
        fresh = reload(version_return)
        return_accept(return_=fresh, actor="tests", expected_version=fresh.version)
    collection_close(collection=last, actor="tests")
    this = open_year(YEAR)
    returns = {
        code: Return.objects.get(organisation=org, collection=this) for code, org in orgs.items()
    }
    for code in ("RJ1", "RJ2"):
        values = dict(synthetic_values[YEAR])
        if code == "RJ1":
            values["i2.appointed.bme"] = 5  # small numbers: a warning (W105) to explain
        filled = fill(returns[code], values, people["submitter"])
        submit(filled)
        returns[code] = reload(filled)
    return {"collection": this, "returns": returns}


def rj1(history: dict[str, Any]) -> Return:
    return reload(history["returns"]["RJ1"])


# Who may reach what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("submitter", 403), ("approver", 403), ("viewer", 403),
     ("analyst", 403), ("nobody", 403), ("reviewer", 200), ("admin", 200)],
)  # fmt: skip
def test_review_pages_only_reviewers_and_admins(history, people, client_for, role, status):
    client = client_for(people.get(role))
    for path in (QUEUE, f"{QUEUE}queue.csv", f"{QUEUE}completeness/", REVIEW):
        assert client.get(path).status_code == status, path
    for path in (f"{REVIEW}accept/", f"{REVIEW}query/", f"{QUEUE}reminders/"):
        assert client.post(path, {}).status_code in ((302,) if status == 302 else (403, 200, 302))
    if status == 403:
        assert client.post(f"{REVIEW}accept/", {"expected_version": "1"}).status_code == 403
        assert reload(history["returns"]["RJ1"]).state == ReturnState.SUBMITTED


def test_organisation_users_cannot_see_another_organisations_queries(history, people, client_for):
    client = client_for(people["submitter"])  # a member of RJ1 only
    assert client.get(ORG_QUERIES).status_code == 200
    assert client.get(f"/returns/RJ2/{YEAR}/queries/").status_code == 200 - 200 + 404
    assert client_for(people["nobody"]).get(ORG_QUERIES).status_code == 404


def test_reviewers_cannot_edit_an_organisations_values(history, people, client_for):
    return_ = reload(history["returns"]["RJ1"])
    Return.objects.filter(pk=return_.pk).update(state=ReturnState.QUERIED)
    response = client_for(people["reviewer"]).post(
        f"/returns/RJ1/{YEAR}/indicator-2/",
        {"expected_version": str(return_.version), "i2-shortlisted-white": "1"},
    )
    assert response.status_code == 403
    assert reload(return_).values == return_.values


def test_a_reviewer_cannot_answer_as_the_organisation(history, people, client_for):
    query = query_raise(
        return_=rj1(history), actor=people["reviewer"], expected_version=rj1(history).version,
        text="Why?", due_on=TODAY + dt.timedelta(days=7), indicator=3,
    )  # fmt: skip
    for role in ("reviewer", "viewer"):
        response = client_for(people[role]).post(
            ORG_QUERIES, {"query": str(query.pk), f"q{query.pk}-text": "Because."}
        )
        assert response.status_code == 403
    assert QueryMessage.objects.filter(query=query).count() == 1


# The queue ------------------------------------------------------------------------------------


def test_queue_counts_filters_and_sorts(history, people, client_for):
    client = client_for(people["reviewer"])
    page = client.get(QUEUE).content.decode()
    assert "Review queue: WRES 2026" in page
    assert "3 returns" in page
    assert 'aria-label="2 submitted: show them"' in page
    assert 'aria-label="1 not started: show them"' in page

    submitted = client.get(QUEUE, {"state": "submitted", "sort": "-name"}).content.decode()
    assert "2 returns" in submitted
    assert submitted.index("RJ2 NHS TRUST") < submitted.index("RJ1 NHS TRUST")
    assert "RJ3 NHS TRUST</a>" not in submitted

    not_started = client.get(QUEUE, {"state": "not_started"}).content.decode()
    assert "1 return<" in not_started and "RJ3 NHS TRUST</a>" in not_started

    assert "0 returns" in client.get(QUEUE, {"late": "on"}).content.decode()
    assert "1 return<" in client.get(QUEUE, {"q": "rj2"}).content.decode()


def test_queue_reviewer_assignment_and_my_returns(history, people, client_for):
    client = client_for(people["reviewer"])
    response = client.post(f"{REVIEW}assign/", {"reviewer": str(people["reviewer"].pk)})
    assert response.status_code == 302
    mine = client.get(QUEUE, {"reviewer": "me"}).content.decode()
    assert "1 return<" in mine and "RJ1 NHS TRUST</a>" in mine
    assert "2 returns" in client.get(QUEUE, {"reviewer": "none"}).content.decode()
    # Someone who is not a reviewer cannot be assigned (a forged id)
    forged = client.post(f"{REVIEW}assign/", {"reviewer": str(people["submitter"].pk)})
    assert (
        forged.status_code == 200 and "Choose a reviewer from the list" in forged.content.decode()
    )


def test_queue_has_warnings_and_unanswered_filters(history, people, client_for):
    client = client_for(people["reviewer"])
    with_warnings = ReturnVersion.objects.filter(collection=history["collection"]).exclude(
        issues=[]
    )
    expected = f"{with_warnings.count()} return"
    assert expected in client.get(QUEUE, {"has_warnings": "yes"}).content.decode()
    query_raise(
        return_=rj1(history), actor=people["reviewer"], expected_version=rj1(history).version,
        text="Why?", due_on=TODAY, indicator=None,
    )  # fmt: skip
    page = client.get(QUEUE, {"unanswered": "on"}).content.decode()
    assert "1 return<" in page and "Query unanswered" in page


@pytest.mark.parametrize(
    "params",
    [{"state": "bogus"}, {"region": "Y99"}, {"reviewer": "999999"}, {"sort": "organisation__x"},
     {"page": "abc"}, {"page": "-4"}, {"page": "99999"}, {"q": "x" * 500},
     {"has_warnings": "maybe"}, {"q": "a\x00b"}],
)  # fmt: skip
def test_queue_bad_filters_are_reported_never_500(history, people, client_for, params):
    response = client_for(people["reviewer"]).get(QUEUE, params)
    assert response.status_code == 200
    assert client_for(people["reviewer"]).get(f"{QUEUE}queue.csv", params).status_code == 200


def _queue_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(QUEUE, {"sort": "-submitted"}).status_code == 200
    return len(context.captured_queries)


def test_queue_runs_a_fixed_number_of_queries(
    history, people, client_for, django_assert_num_queries
):
    client = client_for(people["reviewer"])
    client.post(f"{REVIEW}assign/", {"reviewer": str(people["reviewer"].pk)})
    client.get(QUEUE)  # reads the "assigned" message once
    small = _queue_queries(client)
    collection = history["collection"]
    for n in range(60):
        Return.objects.create(organisation=make_organisation(f"RZ{n:02d}"), collection=collection)
    assert Return.objects.filter(collection=collection).count() == 63
    with django_assert_num_queries(small):
        client.get(QUEUE, {"sort": "-submitted"})
    assert small <= 12


def test_queue_csv_lists_every_filtered_return_formula_safe(history, people, client_for):
    Organisation.objects.filter(ods_code="RJ3").update(name="=HYPERLINK(1)")
    response = client_for(people["reviewer"]).get(f"{QUEUE}queue.csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("ods_code,organisation,region")
    assert len(lines) == 4
    assert "'=HYPERLINK(1)" in body
    assert any(line.startswith("RJ1,") and ",Submitted," in line for line in lines)
    submitted_only = client_for(people["reviewer"]).get(f"{QUEUE}queue.csv", {"state": "submitted"})
    assert len(b"".join(submitted_only.streaming_content).decode().strip().splitlines()) == 3


# Reviewing one return ---------------------------------------------------------------------------


def test_review_page_shows_figures_last_year_change_and_peers(history, people, client_for):
    page = client_for(people["reviewer"]).get(REVIEW).content.decode()
    assert "Review the WRES 2026 return" in page
    assert "Accepted version 1 of 2025" in page
    assert "2025 (accepted)" in page and "Change" in page
    assert "Relative likelihood" in page
    assert "Too few to compare (2)" in page  # two trusts have submitted: no quartile yet
    assert "Warnings and explanations" in page


def test_review_page_peer_quartiles(history, people, client_for, synthetic_values, fill, submit):
    from indicators import synthesise
    from returns.demo import values_from_row

    frame = synthesise([f"P{n}" for n in range(6)], range(YEAR, YEAR + 1), seed=11)
    for n, row in enumerate(frame.to_dict("records")):
        org = make_organisation(f"RP{n}")
        collection = history["collection"]
        draft = Return.objects.create(organisation=org, collection=collection)
        submit(reload(fill(draft, values_from_row(row), people["submitter"])))
    page = client_for(people["reviewer"]).get(REVIEW).content.decode()
    assert " quarter of 8" in page
    assert "quartiles " in page


def test_query_round_trip_with_the_organisation(
    history,
    people,
    client_for,
    mailoutbox,
    eager_tasks,
    django_capture_on_commit_callbacks,
    fill,
    submit,
    synthetic_values,
):
    reviewer = client_for(people["reviewer"])
    return_ = rj1(history)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            f"{REVIEW}query/",
            {"expected_version": str(return_.version), "indicator": "3", "needs_change": "yes",
             "text": "Disciplinary cases doubled: please confirm.", **due()},
        )  # fmt: skip
    assert response.status_code == 302
    return_ = reload(return_)
    assert return_.state == ReturnState.QUERIED
    query = ReturnQuery.objects.get(wres_return=return_)
    assert query.indicator == 3 and query.version_number == 1 and query.is_open
    assert query.needs_change
    assert query.awaiting == QuerySide.ORGANISATION
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["approver@rj1.test", "submitter@rj1.test"]
    assert "indicator 3" in mailoutbox[0].subject
    assert "Disciplinary cases doubled" in mailoutbox[0].body
    assert f"http://testserver{ORG_QUERIES}" in mailoutbox[0].body
    record = EmailRecord.objects.get(kind="query_raised")
    assert record.sent_at is not None and record.recipients == mailoutbox[0].to

    # The organisation reads it and answers
    organisation = client_for(people["submitter"])
    page = organisation.get(ORG_QUERIES).content.decode()
    assert "Query about indicator 3" in page and "Disciplinary cases doubled" in page
    assert "Send answer about indicator 3" in page
    assert "Send answer" not in client_for(people["viewer"]).get(ORG_QUERIES).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answered = organisation.post(
            ORG_QUERIES, {"query": str(query.pk), f"q{query.pk}-text": "A data error: corrected."}
        )
    assert answered.status_code == 302
    query.refresh_from_db()
    assert query.awaiting == QuerySide.REVIEWER
    assert mailoutbox[-1].to == [people["reviewer"].email]
    assert "answered your query" in mailoutbox[-1].subject

    # ... amends indicator 3 and resubmits: a new version
    values = {**synthetic_values[YEAR], "i2.appointed.bme": 5}
    values["i2.shortlisted.white"] += 1
    submit(reload(fill(reload(return_), values, people["submitter"])))
    return_ = reload(return_)
    assert return_.state == ReturnState.SUBMITTED
    assert return_.versions.count() == 2

    # The reviewer sees what changed, the thread, and accepts: the query is resolved
    page = reviewer.get(REVIEW).content.decode()
    assert "What changed since version 1" in page
    assert "Shortlisted applicants: White" in page
    assert "A data error: corrected." in page
    response = reviewer.post(f"{REVIEW}accept/", {"expected_version": str(return_.version)})
    assert response.status_code == 302
    return_ = reload(return_)
    assert return_.state == ReturnState.ACCEPTED
    assert return_.accepted_version.number == 2
    query.refresh_from_db()
    assert query.status == QueryStatus.RESOLVED


def test_version_diff_lists_each_changed_item(history, people, fill, submit, synthetic_values):
    from returns.changes import version_changes

    return_ = rj1(history)
    query_raise(return_=return_, actor=people["reviewer"], expected_version=return_.version,
                text="Check", due_on=TODAY, indicator=2)  # fmt: skip
    values = {**synthetic_values[YEAR], "i2.appointed.bme": 5}
    values["i2.shortlisted.white"] += 10
    values["i1.nonclinical.band_5.white"] += 1
    submit(reload(fill(reload(return_), values, people["submitter"])))
    first, second = ReturnVersion.objects.filter(wres_return=return_).order_by("number")
    changes = version_changes(first, second)
    codes = [change.code for change in changes]
    assert codes[:2] == ["i1.nonclinical.band_5.white", "i2.shortlisted.white"]
    change = changes[1]
    assert change.before.replace(",", "") == str(synthetic_values[YEAR]["i2.shortlisted.white"])
    assert change.after.replace(",", "") == str(values["i2.shortlisted.white"])


@pytest.mark.parametrize(
    ("data", "message"),
    [({"text": ""}, "Write your question"),
     ({"text": "x" * 5001}, "5,000 characters or fewer"),
     ({"text": "bad\x00"}, "Null characters are not allowed"),
     ({"indicator": "12"}, "Choose an indicator from the list"),
     ({"indicator": "3; DROP"}, "Choose an indicator from the list"),
     ({"needs_change": "maybe"}, "Choose whether the organisation needs to change the return"),
     ({"due_day": "1", "due_month": "1", "due_year": "2000"}, "cannot be in the past"),
     ({"due_day": "31", "due_month": "2", "due_year": str(TODAY.year + 1)}, "real date"),
     ({"due_day": "", "due_month": "", "due_year": ""}, "Enter the date an answer is due"),
     ({"expected_version": "abc"}, "The page was out of date"),
     ({"expected_version": "99999999999999"}, "The page was out of date")],
)  # fmt: skip
def test_raise_query_bad_input_stores_nothing(
    history, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks,
    data, message,
):  # fmt: skip
    return_ = rj1(history)
    form = {"expected_version": str(return_.version), "indicator": "3", "text": "Why?",
            "needs_change": "no", **due()}  # fmt: skip
    form.update(data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["reviewer"]).post(f"{REVIEW}query/", form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and message in page
    assert not ReturnQuery.objects.exists() and mailoutbox == []
    assert not EmailRecord.objects.exists()
    assert reload(return_).state == ReturnState.SUBMITTED


def test_acting_on_a_return_in_the_wrong_state_is_refused(history, people, client_for):
    draft = reload(history["returns"]["RJ3"])
    client = client_for(people["reviewer"])
    base = f"/returns/review/RJ3/{YEAR}/"
    for path, data in (
        ("query/", {"indicator": "", "text": "Why?", "needs_change": "no", **due()}),
        ("accept/", {}),
        ("reopen/", {"reason": "Because"}),
    ):
        response = client.post(base + path, {"expected_version": str(draft.version), **data})
        assert response.status_code == 409, path
        assert "draft" in response.content.decode()
    assert reload(draft).state == ReturnState.DRAFT and not ReturnQuery.objects.exists()
    assert client.get(f"/returns/review/XXX9/{YEAR}/").status_code == 404
    assert client.get("/returns/review/RJ1/1999/").status_code == 404
    assert client.post(f"{REVIEW}queries/999999/reply/", {"q999999-text": "Hi"}).status_code == 200


def test_two_reviewers_at_once_one_wins_the_other_is_told(history, people, make_user, client_for):
    other = make_user("second.reviewer@nhse.test", national_role="reviewer")
    return_ = rj1(history)
    seen = str(return_.version)  # both reviewers loaded the page at this version
    first = client_for(people["reviewer"]).post(f"{REVIEW}accept/", {"expected_version": seen})
    second = client_for(other).post(
        f"{REVIEW}query/",
        {"expected_version": seen, "indicator": "3", "text": "Why?", "needs_change": "no", **due()},
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Another reviewer (or the organisation) changed this return" in second.content.decode()
    assert reload(return_).state == ReturnState.ACCEPTED
    assert not ReturnQuery.objects.exists()


def test_accept_then_reopen_keeps_the_accepted_version(history, people, client_for):
    client = client_for(people["reviewer"])
    return_ = rj1(history)
    client.post(f"{REVIEW}accept/", {"expected_version": str(return_.version)})
    return_ = reload(return_)
    accepted = return_.accepted_version
    refused = client.post(
        f"{REVIEW}reopen/", {"expected_version": str(return_.version), "reason": ""}
    )
    assert "Give the reason for reopening" in refused.content.decode()
    response = client.post(
        f"{REVIEW}reopen/", {"expected_version": str(return_.version), "reason": "Merger found."}
    )
    assert response.status_code == 302
    return_ = reload(return_)
    assert return_.state == ReturnState.DRAFT
    assert return_.accepted_version == accepted
    assert return_.values == accepted.values
    from audit.models import AuditEvent

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"return.accepted", "return.reopened"} <= actions


def test_explanation_verdicts(history, people, client_for):
    return_ = rj1(history)
    version = ReturnVersion.objects.get(wres_return=return_)
    if not version.issues:
        pytest.skip("the synthetic return raised no warning")  # pragma: no cover
    key = warning_key_of(version.issues[0])
    client = client_for(people["reviewer"])
    base = {"prefix": "w0", "w0-version_number": "1", "w0-warning_key": key}
    refused = client.post(f"{REVIEW}verdict/", {**base, "w0-verdict": "not_accepted"})
    assert "Write the reason the explanation is not accepted" in refused.content.decode()
    forged = client.post(
        f"{REVIEW}verdict/", {**base, "w0-warning_key": "W999:x", "w0-verdict": "accepted"}
    )
    assert "not one of this version" in forged.content.decode()
    bad_prefix = client.post(f"{REVIEW}verdict/", {"prefix": "../x", "w0-verdict": "maybe"})
    assert bad_prefix.status_code == 200
    assert not ExplanationVerdict.objects.exists()
    saved = client.post(
        f"{REVIEW}verdict/", {**base, "w0-verdict": "not_accepted", "w0-comment": "Too vague."}
    )
    assert saved.status_code == 302
    verdict = ExplanationVerdict.objects.get()
    assert verdict.verdict == "not_accepted" and verdict.comment == "Too vague."
    assert "Explanation not accepted" in client.get(REVIEW).content.decode()


def test_completeness_compares_with_the_same_point_last_year(history, people, client_for):
    page = client_for(people["reviewer"]).get(f"{QUEUE}completeness/").content.decode()
    assert "Completeness: WRES 2026" in page
    assert "same number of days before last year" in page
    assert "Not submitted (1)" in page and "RJ3 NHS TRUST" in page


def test_org_answer_bad_input_stores_nothing(history, people, client_for):
    query = query_raise(
        return_=rj1(history), actor=people["reviewer"], expected_version=rj1(history).version,
        text="Why?", due_on=TODAY, indicator=None,
    )  # fmt: skip
    client = client_for(people["submitter"])
    for data in (
        {"query": str(query.pk), f"q{query.pk}-text": ""},
        {"query": str(query.pk), f"q{query.pk}-text": "x" * 5001},
        {"query": "999999", "q999999-text": "Hello"},
        {"query": "abc", "q0-text": "Hello"},
    ):
        response = client.post(ORG_QUERIES, data)
        assert response.status_code in (200, 409)
        assert "There is a problem" in response.content.decode()
    assert QueryMessage.objects.filter(query=query).count() == 1
    client_for(people["reviewer"]).post(f"{REVIEW}queries/{query.pk}/resolve/")
    late = client.post(ORG_QUERIES, {"query": str(query.pk), f"q{query.pk}-text": "Late answer"})
    assert late.status_code == 409 and "resolved" in late.content.decode()


def test_return_save_draft_unchanged_by_review_models(history, people):
    # A queried return stays editable by the organisation (ADR 0003) after a query thread.
    return_ = rj1(history)
    query_raise(return_=return_, actor=people["reviewer"], expected_version=return_.version,
                text="Why?", due_on=TODAY, indicator=1)  # fmt: skip
    fresh = reload(return_)
    saved = return_save_draft(
        return_=fresh, actor=people["submitter"], expected_version=fresh.version,
        values={"i2.shortlisted.white": 5000},
    )  # fmt: skip
    assert saved.values["i2.shortlisted.white"] == 5000


def test_review_queue_search_ignores_case_and_apostrophes(history, people, client_for):
    from organisations.models import Organisation

    rj1 = Organisation.objects.get(ods_code="RJ1")
    rj1.name = "Guy's and St Thomas' NHS Foundation Trust"
    rj1.save()

    client = client_for(people["reviewer"])

    assert "1 return<" in client.get(QUEUE, {"q": "guy\u2019s and saint thomas"}).content.decode()
    assert "1 return<" in client.get(QUEUE, {"q": "GUYS AND ST THOMAS"}).content.decode()
