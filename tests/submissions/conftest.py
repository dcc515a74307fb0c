"""Fixtures for the submissions tests: organisations, users, an open collection, full values."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from organisations.models import Organisation, OrganisationType, Region
from returns.models import Collection, Return
from returns.services import collection_create, collection_open

YEAR = 2026


@pytest.fixture(scope="session")
def synthetic_values() -> dict[int, dict[str, Any]]:
    """One synthetic organisation's complete values for 2025 and 2026 (they pass the checks)."""
    from indicators import synthesise
    from returns.demo import values_from_row

    frame = synthesise(["SYN1"], range(2024, 2027), seed=7)
    return {int(row["year"]): values_from_row(row) for row in frame.to_dict("records")}


def make_organisation(code: str, **extra: Any) -> Organisation:
    extra.setdefault("org_type", OrganisationType.NHS_TRUST)
    return Organisation.objects.create(
        ods_code=code, name=f"Test organisation {code}", region=Region.LONDON, **extra
    )


@pytest.fixture
def make_org(db: None) -> Any:
    """Creates an organisation: ``make_org("RAA", org_type=..., closed_on=...)``."""
    return make_organisation


@pytest.fixture
def trust(db: None) -> Organisation:
    return make_organisation("RXX")


@pytest.fixture
def submitter(db: None) -> User:
    return User.objects.create_user("submitter@example.nhs.uk", full_name="Sam Submitter")


@pytest.fixture
def approver(db: None) -> User:
    return User.objects.create_user("approver@example.nhs.uk", full_name="Alex Approver")


@pytest.fixture
def reviewer(db: None) -> User:
    return User.objects.create_user("reviewer@england.nhs.uk", full_name="Rae Reviewer")


def open_collection(
    year: int = YEAR, *, deadline: dt.date | None = None, types: list[str] | None = None
) -> Collection:
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=30)
    opens_on = min(dt.date(year, 4, 1), deadline)
    collection = collection_create(
        year=year,
        opens_on=opens_on,
        deadline=deadline,
        closes_on=max(deadline, today) + dt.timedelta(days=30),
        organisation_types=types or [OrganisationType.NHS_TRUST],
        actor="tests",
    )
    collection_open(collection=collection, actor="tests")
    collection.refresh_from_db()
    return collection


@pytest.fixture
def collection(db: None, trust: Organisation) -> Collection:
    return open_collection()


@pytest.fixture
def draft(collection: Collection, trust: Organisation) -> Return:
    return Return.objects.get(collection=collection, organisation=trust)


def fill_and_explain(return_: Return, values: dict[str, Any], actor: Any) -> Return:
    """Saves ``values`` into the draft and an explanation for every warning they raise."""
    from returns.selectors import return_compute, warning_key
    from returns.services import return_save_draft

    return_ = return_save_draft(
        return_=return_, actor=actor, expected_version=return_.version, values=values
    )
    result = return_compute(return_=return_, draft=False)
    explanations = {
        warning_key(issue): f"Explained: {issue.code}"
        for issue in result.issues
        if issue.severity == "warning"
    }
    if explanations:
        return_ = return_save_draft(
            return_=return_,
            actor=actor,
            expected_version=return_.version,
            explanations=explanations,
        )
    return return_


@pytest.fixture
def fill() -> Any:
    """Saves values into a draft and explains every warning they raise."""
    return fill_and_explain


@pytest.fixture
def ready_draft(
    draft: Return, synthetic_values: dict[int, dict[str, Any]], submitter: User
) -> Return:
    """A draft with complete 2026 values and every warning explained."""
    return fill_and_explain(draft, synthetic_values[YEAR], submitter)


@pytest.fixture
def sign_off(approver: User) -> dict[str, Any]:
    """Valid sign-off details for `return_submit`."""
    return {
        "approver": approver,
        "approver_job_title": "Chief People Officer",
        "board_approved_on": timezone.localdate() - dt.timedelta(days=3),
        "report_url": "https://example.nhs.uk/wres-report",
        "action_plan_url": "https://example.nhs.uk/wres-action-plan",
    }


@pytest.fixture
def submit(sign_off: dict[str, Any], submitter: User) -> Any:
    """Submits a return as the submitter with valid sign-off; keyword overrides allowed."""
    from returns.services import return_submit

    def _submit(return_: Return, **overrides: Any) -> Any:
        kwargs = {**sign_off, "actor": submitter, **overrides}
        return return_submit(return_=return_, expected_version=return_.version, **kwargs)

    return _submit
