"""The validation task: sent after commit, run eagerly in embedded mode and by a real worker."""

import time
from typing import Any

import pytest

from returns.models import Return
from returns.services import return_check, return_save_draft
from returns.tasks import return_validate


def test_return_validate_runs_after_the_save_commits(
    draft: Return, submitter: Any, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        saved = return_save_draft(
            return_=draft,
            actor=submitter,
            expected_version=1,
            values={"i2.shortlisted.white": 10, "i2.appointed.white": 12},
        )
        assert Return.objects.get(pk=draft.pk).checked_at is None  # not before commit
    assert len(callbacks) == 1
    fresh = Return.objects.get(pk=draft.pk)
    assert fresh.checked_version == saved.version and fresh.check_is_current
    codes = {issue["code"] for issue in fresh.latest_check["issues"]}
    assert "E003" in codes and "E001" not in codes  # checked as a draft
    assert set(fresh.latest_check["metrics"]) >= {"i2.rl", "i1.total.bme_pct"}


def test_return_validate_task_takes_an_id(draft: Return, eager_tasks: None) -> None:
    assert return_validate.delay(draft.pk).get() is True
    assert return_validate.delay(10**9).get() is False  # a return that no longer exists


def test_return_check_drops_its_result_when_a_save_lands_meanwhile(
    draft: Return, monkeypatch: pytest.MonkeyPatch
) -> None:
    from returns.selectors import return_compute
    from returns.services import returns as return_services

    def compute_while_someone_saves(**kwargs: Any) -> Any:
        Return.objects.filter(pk=draft.pk).update(version=2)
        return return_compute(**kwargs)

    monkeypatch.setattr(return_services, "return_compute", compute_while_someone_saves)
    assert return_check(return_id=draft.pk) is False
    assert Return.objects.get(pk=draft.pk).latest_check is None


@pytest.mark.django_db(transaction=True)
def test_return_validate_is_processed_by_a_real_worker(
    celery_worker_process: str, make_org: Any, synthetic_values: dict[int, Any]
) -> None:
    import datetime as dt

    from django.utils import timezone

    from accounts.models import User
    from returns.services import collection_create, collection_open

    make_org("RWK")
    today = timezone.localdate()
    collection = collection_create(
        year=2026,
        opens_on=dt.date(2026, 4, 1),
        deadline=today + dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
        organisation_types=["nhs_trust"],
        actor="tests",
    )
    collection_open(collection=collection, actor="tests")
    user = User.objects.create_user("worker-test@example.nhs.uk")
    draft = Return.objects.get(collection=collection)
    saved = return_save_draft(
        return_=draft, actor=user, expected_version=1, values=synthetic_values[2026]
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        fresh = Return.objects.get(pk=draft.pk)
        if fresh.checked_version == saved.version:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not check the return within 30 s")
    assert fresh.latest_check is not None
    assert not [i for i in fresh.latest_check["issues"] if i["severity"] == "error"]
    assert fresh.latest_check["metrics"]["i2.rl"] is not None
