"""The return's workflow: every legal transition, every illegal one refused, each audited."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from returns.exceptions import SubmissionBlocked, TransitionNotAllowed
from returns.models import Collection, Return, ReturnState, ReturnVersion
from returns.selectors import return_compute, warning_key
from returns.services import (
    collection_close,
    return_accept,
    return_query,
    return_reopen,
    return_save_draft,
)


def _events(return_: Return) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(return_.pk), object_type="returns.return")
        .order_by("id")
        .values_list("action", flat=True)
    )


def _query(return_: Return, actor: Any) -> Return:
    return return_query(
        return_=return_,
        actor=actor,
        expected_version=return_.version,
        message="Please check the indicator 3 figures.",
        indicator=3,
    )


def _accept(return_: Return, actor: Any) -> Return:
    return return_accept(return_=return_, actor=actor, expected_version=return_.version)


def _reopen(return_: Return, actor: Any, *, as_reviewer: bool = True) -> Return:
    return return_reopen(
        return_=return_,
        actor=actor,
        expected_version=return_.version,
        reason="The trust found an error in indicator 2.",
        as_reviewer=as_reviewer,
    )


def test_return_submit_freezes_version_one_and_audits(
    ready_draft: Return, submit: Any, submitter: Any, approver: Any
) -> None:
    version = submit(ready_draft)
    fresh = Return.objects.get(pk=ready_draft.pk)
    assert fresh.state == ReturnState.SUBMITTED and fresh.last_submitted_at is not None
    assert version.number == 1
    assert version.values == ready_draft.values  # 2026 values carry their own previous year
    assert version.submitted_by == submitter and version.approver == approver
    assert version.approver_name == "Alex Approver"
    assert version.metrics["i2.rl"] == return_compute(return_=fresh, draft=False).metrics["i2.rl"]
    assert all(issue["severity"] == "warning" for issue in version.issues)
    assert set(version.explanations) == {
        f"{issue['code']}:{issue['items'][0]}" for issue in version.issues
    }
    assert not version.is_late and not version.synthetic
    assert _events(fresh)[-1] == "return.submitted"


def test_return_submit_refused_with_errors_including_empty_required_items(
    draft: Return, submitter: Any, submit: Any
) -> None:
    draft = return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=1,
        values={"i2.shortlisted.white": 1, "i2.appointed.white": 5},
    )
    with pytest.raises(SubmissionBlocked, match="Correct the") as caught:
        submit(draft)
    codes = {issue.code for issue in caught.value.issues}
    assert {"E001", "E003"} <= codes
    assert Return.objects.get(pk=draft.pk).state == ReturnState.DRAFT
    assert not ReturnVersion.objects.exists()
    assert "return.submitted" not in _events(draft)


def test_return_submit_refused_while_a_warning_is_unexplained(
    draft: Return, submitter: Any, submit: Any, synthetic_values: dict[int, Any], fill: Any
) -> None:
    values = dict(synthetic_values[2026])
    values["i9.voting.bme"] = 0  # W106 while the workforce is over 10% BME
    values["i9.executive.bme"] = 0
    values["i9.non_executive.bme"] = 0
    draft = fill(draft, values, submitter)
    result = return_compute(return_=draft, draft=False)
    w106 = next(issue for issue in result.issues if issue.code == "W106")
    draft = return_save_draft(
        return_=draft,
        actor=submitter,
        expected_version=draft.version,
        explanations={warning_key(w106): ""},
    )
    with pytest.raises(SubmissionBlocked, match="Explain each of the 1 warning") as caught:
        submit(draft)
    assert [issue.code for issue in caught.value.issues] == ["W106"]
    assert not ReturnVersion.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"board_approved_on": None}, "date the board"),
        ({"board_approved_on": dt.date(2099, 1, 1)}, "cannot be in the future"),
        ({"report_url": "http://example.nhs.uk/report"}, "WRES report is published"),
        ({"action_plan_url": "not a link"}, "action plan is published"),
    ],
)
def test_return_submit_refused_without_complete_sign_off(
    ready_draft: Return, submit: Any, overrides: dict[str, Any], words: str
) -> None:
    with pytest.raises(SubmissionBlocked, match=words):
        submit(ready_draft, **overrides)
    assert Return.objects.get(pk=ready_draft.pk).state == ReturnState.DRAFT


def test_return_submit_after_the_deadline_needs_a_late_reason(
    ready_draft: Return, submit: Any
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Collection.objects.filter(pk=ready_draft.collection_id).update(deadline=yesterday)
    ready_draft.collection.refresh_from_db()
    assert ready_draft.is_late()
    with pytest.raises(SubmissionBlocked, match="give the reason the return is late"):
        submit(ready_draft)
    version = submit(ready_draft, late_reason="  The workforce lead was on long-term leave. ")
    assert version.is_late
    assert version.late_reason == "The workforce lead was on long-term leave."
    assert not Return.objects.get(pk=ready_draft.pk).is_late()


def test_return_submit_refused_after_close(ready_draft: Return, submit: Any) -> None:
    collection_close(collection=ready_draft.collection, actor="tests")
    with pytest.raises(TransitionNotAllowed, match="has closed"):
        submit(ready_draft)


def test_return_submit_refused_unless_draft_or_queried(
    ready_draft: Return, submit: Any, reviewer: Any
) -> None:
    submit(ready_draft)
    submitted = Return.objects.get(pk=ready_draft.pk)
    with pytest.raises(TransitionNotAllowed, match="is submitted; it can only be submitted"):
        submit(submitted)
    accepted = _accept(submitted, reviewer)
    with pytest.raises(TransitionNotAllowed, match="is accepted"):
        submit(accepted)


def test_return_query_then_resubmit_creates_version_two(
    ready_draft: Return, submit: Any, submitter: Any, reviewer: Any
) -> None:
    submit(ready_draft)
    queried = _query(Return.objects.get(pk=ready_draft.pk), reviewer)
    assert queried.state == ReturnState.QUERIED
    amended = return_save_draft(
        return_=queried,
        actor=submitter,
        expected_version=queried.version,
        values={"i2.appointed.white": ready_draft.values["i2.appointed.white"] - 1},
    )
    version = submit(amended)
    assert version.number == 2
    assert Return.objects.get(pk=ready_draft.pk).state == ReturnState.SUBMITTED
    assert _events(ready_draft)[-4:] == [
        "return.submitted",
        "return.queried",
        "return.draft_saved",
        "return.submitted",
    ]
    event = AuditEvent.objects.get(action="return.queried")
    assert event.actor == reviewer and event.detail["indicator"] == 3


def test_return_query_after_close_lets_the_organisation_resubmit(
    ready_draft: Return, submit: Any, reviewer: Any
) -> None:
    submit(ready_draft)
    collection_close(collection=ready_draft.collection, actor="tests")
    queried = _query(Return.objects.get(pk=ready_draft.pk), reviewer)
    assert submit(queried).number == 2


@pytest.mark.parametrize("action", ["query", "accept", "reopen"])
def test_reviewer_transitions_refused_on_a_draft(draft: Return, reviewer: Any, action: str) -> None:
    act = {"query": _query, "accept": _accept, "reopen": _reopen}[action]
    with pytest.raises(TransitionNotAllowed, match="is draft"):
        act(draft, reviewer)
    assert Return.objects.get(pk=draft.pk).version == 1
    assert _events(draft) == []


def test_return_query_needs_a_message(ready_draft: Return, submit: Any, reviewer: Any) -> None:
    from django.core.exceptions import ValidationError

    submit(ready_draft)
    submitted = Return.objects.get(pk=ready_draft.pk)
    with pytest.raises(ValidationError, match="Write the query"):
        return_query(
            return_=submitted, actor=reviewer, expected_version=submitted.version, message=" "
        )


def test_return_accept_locks_the_latest_version(
    ready_draft: Return, submit: Any, reviewer: Any
) -> None:
    version = submit(ready_draft)
    accepted = _accept(Return.objects.get(pk=ready_draft.pk), reviewer)
    fresh = Return.objects.get(pk=accepted.pk)
    assert fresh.state == ReturnState.ACCEPTED
    assert fresh.accepted_version == version and fresh.accepted_by == reviewer
    for illegal in (_accept, _query):
        with pytest.raises(TransitionNotAllowed, match="is accepted"):
            illegal(fresh, reviewer)
    assert _events(fresh)[-1] == "return.accepted"


def test_return_reopen_starts_a_draft_from_the_accepted_values_and_keeps_the_version(
    ready_draft: Return, submit: Any, submitter: Any, reviewer: Any
) -> None:
    version = submit(ready_draft)
    accepted = _accept(Return.objects.get(pk=ready_draft.pk), reviewer)
    reopened = _reopen(accepted, submitter, as_reviewer=False)
    fresh = Return.objects.get(pk=reopened.pk)
    assert fresh.state == ReturnState.DRAFT
    assert fresh.values == version.values and fresh.explanations == version.explanations
    assert fresh.accepted_version == version
    frozen = ReturnVersion.objects.get(pk=version.pk)
    assert frozen.values == version.values and frozen.metrics == version.metrics
    assert submit(fresh).number == 2
    assert Return.objects.get(pk=fresh.pk).accepted_version == version
    assert "return.reopened" in _events(fresh)


def test_return_reopen_after_close_only_by_a_reviewer(
    ready_draft: Return, submit: Any, submitter: Any, reviewer: Any
) -> None:
    submit(ready_draft)
    accepted = _accept(Return.objects.get(pk=ready_draft.pk), reviewer)
    collection_close(collection=ready_draft.collection, actor="tests")
    with pytest.raises(TransitionNotAllowed, match="only a reviewer can reopen"):
        _reopen(accepted, submitter, as_reviewer=False)
    reopened = _reopen(accepted, reviewer, as_reviewer=True)
    assert reopened.state == ReturnState.DRAFT
    assert submit(reopened).number == 2  # sent back after close, so it may be submitted
    event = AuditEvent.objects.get(action="return.reopened")
    assert event.actor == reviewer and event.detail["as_reviewer"] is True


def test_return_reopen_refused_when_submitted(
    ready_draft: Return, submit: Any, reviewer: Any
) -> None:
    submit(ready_draft)
    with pytest.raises(TransitionNotAllowed, match="is submitted; it can only be reopened"):
        _reopen(Return.objects.get(pk=ready_draft.pk), reviewer)


def test_reviewer_transition_with_a_stale_version_is_a_conflict(
    ready_draft: Return, submit: Any, reviewer: Any
) -> None:
    from returns.exceptions import ReturnConflict

    submit(ready_draft)
    seen = Return.objects.get(pk=ready_draft.pk)
    _query(seen, reviewer)  # the first reviewer wins
    with pytest.raises(ReturnConflict):
        return_accept(return_=seen, actor=reviewer, expected_version=seen.version)
    assert Return.objects.get(pk=seen.pk).state == ReturnState.QUERIED


# After a query: accept the submitted version, or reopen (issue 14, defect 2) -----------------


@pytest.fixture
def warned_draft(
    draft: Return, synthetic_values: dict[int, Any], submitter: Any, fill: Any
) -> Return:
    """A complete draft with a small-numbers warning (W105), explained."""
    return fill(draft, {**synthetic_values[2026], "i2.appointed.bme": 5}, submitter)


def _queried(ready_draft: Return, submit: Any, reviewer: Any) -> tuple[Return, ReturnVersion]:
    version = submit(ready_draft)
    assert version.explanations, "the draft should carry an explained warning"
    return _query(Return.objects.get(pk=ready_draft.pk), reviewer), version


def test_return_accept_from_queried_with_the_draft_unchanged_accepts_the_submitted_version(
    warned_draft: Return, submit: Any, submitter: Any, reviewer: Any
) -> None:
    queried, version = _queried(warned_draft, submit, reviewer)
    # Saving the same figures again is no change
    same = return_save_draft(
        return_=queried,
        actor=submitter,
        expected_version=queried.version,
        values={"i2.appointed.white": version.values["i2.appointed.white"]},
    )

    accepted = _accept(same, reviewer)

    fresh = Return.objects.get(pk=accepted.pk)
    assert fresh.state == ReturnState.ACCEPTED
    assert fresh.accepted_version == version
    assert ReturnVersion.objects.filter(wres_return=fresh).count() == 1
    assert _events(fresh)[-1] == "return.accepted"


@pytest.mark.parametrize("changed", ["values", "explanations", "details"])
def test_return_accept_from_queried_refused_once_the_draft_differs_from_the_submitted_version(
    warned_draft: Return, submit: Any, submitter: Any, reviewer: Any, changed: str
) -> None:
    queried, version = _queried(warned_draft, submit, reviewer)
    change: dict[str, Any] = {
        "values": {"i2.appointed.white": version.values["i2.appointed.white"] - 1},
        "explanations": {key: "A better explanation." for key in list(version.explanations)[:1]},
        "details": {"contact_name": "Someone new"},
    }[changed]
    amended = return_save_draft(
        return_=queried, actor=submitter, expected_version=queried.version, **{changed: change}
    )

    with pytest.raises(TransitionNotAllowed, match=r"changed .* since version 1"):
        _accept(amended, reviewer)

    assert Return.objects.get(pk=amended.pk).state == ReturnState.QUERIED
    assert "return.accepted" not in _events(amended)


def test_return_reopen_from_queried_keeps_the_organisations_draft(
    warned_draft: Return, submit: Any, submitter: Any, reviewer: Any
) -> None:
    queried, version = _queried(warned_draft, submit, reviewer)
    amended = return_save_draft(
        return_=queried,
        actor=submitter,
        expected_version=queried.version,
        values={"i2.appointed.white": version.values["i2.appointed.white"] - 1},
    )
    with pytest.raises(TransitionNotAllowed, match="only a reviewer"):
        _reopen(amended, submitter, as_reviewer=False)

    reopened = _reopen(amended, reviewer)

    fresh = Return.objects.get(pk=reopened.pk)
    assert fresh.state == ReturnState.DRAFT and fresh.sent_back_at is not None
    assert fresh.values == amended.values  # nothing the organisation typed is lost
    assert fresh.accepted_version is None
    event = AuditEvent.objects.get(action="return.reopened")
    assert event.detail["from_state"] == "queried" and event.detail["from_version_number"] == 1
    assert submit(fresh).number == 2
