"""The reviewer's decisions after a query (issue 14): a return is never stuck (the submitted
version is accepted once no query is open and the draft still matches it; a queried return can
be reopened), a query says whether the return must change and how, the review page says why
Accept is not available, Accept asks for confirmation, and the queue opens on what needs action.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from notifications.models import EmailRecord
from returns.models import Return, ReturnState, ReturnVersion
from returns.services import return_save_draft
from review.models import QueryMessage, QuerySide, QueryStatus, ReturnQuery, ReturnReopening
from tests.submissions import test_submissions_review_views as review_views
from tests.submissions.conftest import YEAR, make_organisation
from tests.submissions.test_submissions_review_views import ORG_QUERIES, QUEUE, REVIEW, due, rj1

#: The review tests' fixture: last year accepted, this year's RJ1 and RJ2 submitted.
history = review_views.history

ACCEPT = f"{REVIEW}accept/"
TASK_LIST = f"/returns/RJ1/{YEAR}/"
TO_RESUBMIT = "change your figures in the return, then sign it off and submit it again"


def _raise(client: Any, return_: Return, *, needs_change: str = "no", **extra: str) -> Any:
    data = {
        "expected_version": str(return_.version),
        "indicator": "3",
        "text": "Disciplinary cases doubled: please confirm.",
        "needs_change": needs_change,
        **due(),
        **extra,
    }
    return client.post(f"{REVIEW}query/", data)


def _answer(client: Any, query: ReturnQuery, text: str = "They did: two new cases.") -> Any:
    return client.post(ORG_QUERIES, {"query": str(query.pk), f"q{query.pk}-text": text})


def _resolve(client: Any, query: ReturnQuery) -> Any:
    return client.post(f"{REVIEW}queries/{query.pk}/resolve/")


def _accept_links(page: str) -> list[str]:
    return re.findall(rf'<a\s[^>]*href="{re.escape(ACCEPT)}"', page)


# Stuck after a query (defect 2) ---------------------------------------------------------------


def test_review_accept_after_a_resolved_query_accepts_the_version_that_was_submitted(
    history, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    reviewer, organisation = client_for(people["reviewer"]), client_for(people["submitter"])
    _raise(reviewer, rj1(history))
    query = ReturnQuery.objects.get()
    _answer(organisation, query)
    _resolve(reviewer, query)
    assert rj1(history).state == ReturnState.QUERIED

    page = reviewer.get(REVIEW).content.decode()
    assert _accept_links(page), "the review page offers Accept once the query is resolved"
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(ACCEPT, {"expected_version": str(rj1(history).version)})

    assert response.status_code == 302
    return_ = rj1(history)
    assert return_.state == ReturnState.ACCEPTED
    assert return_.accepted_version.number == 1
    assert ReturnVersion.objects.filter(wres_return=return_).count() == 1
    assert "has been accepted" in mailoutbox[-1].subject


def test_review_page_says_accept_waits_while_a_query_is_open(history, people, client_for):
    reviewer = client_for(people["reviewer"])
    _raise(reviewer, rj1(history))
    _answer(client_for(people["submitter"]), ReturnQuery.objects.get())

    page = reviewer.get(REVIEW).content.decode()
    refused = reviewer.post(ACCEPT, {"expected_version": str(rj1(history).version)})

    assert "You cannot accept this return yet" in page
    assert "1 query about this return is still open" in page
    assert not _accept_links(page)
    assert refused.status_code == 409 and "still open" in refused.content.decode()
    assert rj1(history).state == ReturnState.QUERIED


def test_review_page_says_accept_waits_for_the_resubmission_once_the_figures_changed(
    history, people, client_for
):
    reviewer = client_for(people["reviewer"])
    _raise(reviewer, rj1(history), needs_change="yes")
    query = ReturnQuery.objects.get()
    queried = rj1(history)
    return_save_draft(
        return_=queried, actor=people["submitter"], expected_version=queried.version,
        values={"i3.disciplinary.white": queried.values["i3.disciplinary.white"] + 1},
    )  # fmt: skip
    _resolve(reviewer, query)

    page = reviewer.get(REVIEW).content.decode()
    refused = reviewer.post(ACCEPT, {"expected_version": str(rj1(history).version)})

    assert "You cannot accept this return yet" in page
    assert "The organisation has changed its figures since version 1" in page
    assert "wait for the organisation to sign the return off and submit it again" in page
    assert not _accept_links(page)
    assert refused.status_code == 409 and "changed its figures" in refused.content.decode()
    assert rj1(history).state == ReturnState.QUERIED


def test_review_reopen_from_queried_keeps_the_draft_and_stores_the_reason(
    history, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    reviewer = client_for(people["reviewer"])
    _raise(reviewer, rj1(history))
    queried = rj1(history)
    assert "Reopen the return" in reviewer.get(REVIEW).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            f"{REVIEW}reopen/",
            {"expected_version": str(queried.version), "reason": "Indicator 2 must be recounted."},
        )

    assert response.status_code == 302
    return_ = rj1(history)
    assert return_.state == ReturnState.DRAFT and return_.values == queried.values
    reopening = ReturnReopening.objects.get()
    assert reopening.reason == "Indicator 2 must be recounted."
    assert (reopening.from_state, reopening.version_number) == ("queried", 1)
    assert reopening.reopened_by == people["reviewer"]
    assert reopening.organisation_id == return_.organisation_id
    assert "has been reopened" in mailoutbox[-1].subject
    assert "Indicator 2 must be recounted." in mailoutbox[-1].body


def test_review_reopen_of_an_accepted_return_stores_the_reason(history, people, client_for):
    reviewer = client_for(people["reviewer"])
    reviewer.post(ACCEPT, {"expected_version": str(rj1(history).version)})

    reviewer.post(
        f"{REVIEW}reopen/",
        {"expected_version": str(rj1(history).version), "reason": "  A merger was missed. "},
    )

    reopening = ReturnReopening.objects.get()
    assert (reopening.reason, reopening.from_state) == ("A merger was missed.", "accepted")
    assert rj1(history).state == ReturnState.DRAFT


# A query says whether the return must change ------------------------------------------------


def test_raise_query_asks_whether_the_return_must_change(history, people, client_for):
    response = _raise(client_for(people["reviewer"]), rj1(history), needs_change="")

    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert "Choose whether the organisation needs to change the return" in page
    assert not ReturnQuery.objects.exists()


@pytest.mark.parametrize(
    ("needs_change", "stored", "told"),
    [("yes", True, TO_RESUBMIT), ("no", False, "reply to this query")],
)
def test_query_tells_the_organisation_whether_to_resubmit_or_reply(
    history, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks,
    needs_change, stored, told,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _raise(client_for(people["reviewer"]), rj1(history), needs_change=needs_change)

    query = ReturnQuery.objects.get()
    assert query.needs_change is stored
    body = mailoutbox[-1].body
    assert told in body.lower()
    assert (f"http://testserver{TASK_LIST}\n" in body) is stored
    assert f"http://testserver{ORG_QUERIES}" in body
    page = client_for(people["submitter"]).get(ORG_QUERIES).content.decode()
    assert told in page.lower()
    assert (f'<a href="{TASK_LIST}">Change the return from its task list</a>' in page) is stored
    review_page = client_for(people["reviewer"]).get(REVIEW).content.decode()
    assert ("Needs a change to the return" in review_page) is stored


# Accept asks for confirmation -----------------------------------------------------------------


def test_accept_asks_for_confirmation_on_its_own_page(history, people, client_for):
    reviewer = client_for(people["reviewer"])
    page = reviewer.get(REVIEW).content.decode()
    assert _accept_links(page)
    assert f'action="{ACCEPT}"' not in page  # no one-click accept on the review page

    confirm = reviewer.get(ACCEPT)

    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Are you sure you want to accept version 1" in html
    assert f'action="{ACCEPT}"' in html and "Yes, accept the return" in html
    assert f'name="expected_version" value="{rj1(history).version}"' in html
    assert f'href="{REVIEW}"' in html  # the way back without accepting
    assert rj1(history).state == ReturnState.SUBMITTED
    assert client_for(people["submitter"]).get(ACCEPT).status_code == 403


def test_accept_confirmation_page_says_why_not_when_it_cannot_be_accepted(
    history, people, client_for
):
    reviewer = client_for(people["reviewer"])
    _raise(reviewer, rj1(history))

    html = reviewer.get(ACCEPT).content.decode()

    assert "You cannot accept this return yet" in html
    assert "1 query about this return is still open" in html
    assert "Yes, accept the return" not in html
    draft = client_for(people["reviewer"]).get(f"/returns/review/RJ3/{YEAR}/accept/")
    assert "has not been submitted" in draft.content.decode()


# The queue opens on what needs action --------------------------------------------------------


def _in_state(code: str, collection: Any, state: str, submitted_days_ago: int | None) -> Return:
    return_ = Return.objects.create(
        organisation=make_organisation(code), collection=collection, state=state
    )
    if submitted_days_ago is not None:
        when = timezone.now() - dt.timedelta(days=submitted_days_ago)
        Return.objects.filter(pk=return_.pk).update(last_submitted_at=when)
    return return_


def _open_query(return_: Return, reviewer: Any, *, awaiting: str, replied_days_ago: int) -> None:
    query = ReturnQuery.objects.create(
        organisation_id=return_.organisation_id, wres_return=return_, raised_by=reviewer,
        due_on=timezone.localdate(), awaiting=awaiting,
    )  # fmt: skip
    message = QueryMessage.objects.create(
        query=query, author=reviewer, side=QuerySide.ORGANISATION, text="An answer."
    )
    when = timezone.now() - dt.timedelta(days=replied_days_ago)
    QueryMessage.objects.filter(pk=message.pk).update(created_at=when)


def _queue_codes(page: str) -> list[str]:
    """The ODS codes of the queue's rows, in order."""
    return re.findall(r'<span class="nhsuk-body-s">\((R[JA]\d), ', page)


def test_queue_opens_on_what_needs_action_oldest_first(history, people, client_for):
    collection = history["collection"]
    reviewer = people["reviewer"]
    now = timezone.now()
    Return.objects.filter(pk=history["returns"]["RJ1"].pk).update(last_submitted_at=now)
    Return.objects.filter(pk=history["returns"]["RJ2"].pk).update(
        last_submitted_at=now - dt.timedelta(days=3)
    )
    replied_late = _in_state("RA1", collection, ReturnState.QUERIED, 20)
    _open_query(replied_late, reviewer, awaiting=QuerySide.REVIEWER, replied_days_ago=1)
    replied_early = _in_state("RA2", collection, ReturnState.QUERIED, 10)
    _open_query(replied_early, reviewer, awaiting=QuerySide.REVIEWER, replied_days_ago=5)
    settled = _in_state("RA3", collection, ReturnState.QUERIED, 30)
    ReturnQuery.objects.create(
        organisation_id=settled.organisation_id, wres_return=settled, raised_by=reviewer,
        due_on=timezone.localdate(), status=QueryStatus.RESOLVED,
    )  # fmt: skip
    waiting = _in_state("RA4", collection, ReturnState.QUERIED, 40)
    _open_query(waiting, reviewer, awaiting=QuerySide.ORGANISATION, replied_days_ago=2)
    _in_state("RA5", collection, ReturnState.ACCEPTED, 50)
    _in_state("RA0", collection, ReturnState.DRAFT, None)
    client = client_for(reviewer)

    page = client.get(QUEUE).content.decode()

    assert _queue_codes(page) == [
        "RJ2", "RJ1",  # submitted, awaiting review: oldest first
        "RA2", "RA1",  # the organisation answered: the oldest answer first
        "RA3",  # every query resolved: accept, or wait for a resubmission
        "RA4",  # waiting for the organisation's answer
        "RJ3", "RA0",  # not submitted
        "RA5",  # accepted
    ]  # fmt: skip
    sort_options = re.findall(r'<option value="([-\w]+)"', page[page.index('name="sort"') :])
    assert sort_options[0] == "action" and "Needs action first" in page
    assert page.count("Answer to read") == 2
    by_name = _queue_codes(client.get(QUEUE, {"sort": "name"}).content.decode())
    assert [code for code in by_name if code.startswith("RJ")] == ["RJ1", "RJ2", "RJ3"]


def test_no_email_or_state_change_when_accept_is_refused(
    history, people, client_for, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    reviewer = client_for(people["reviewer"])
    _raise(reviewer, rj1(history))
    sent = EmailRecord.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post(ACCEPT, {"expected_version": str(rj1(history).version)})

    assert EmailRecord.objects.count() == sent
    assert ReturnQuery.objects.get().status == QueryStatus.OPEN
