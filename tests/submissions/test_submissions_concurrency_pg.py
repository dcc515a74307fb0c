"""Two people saving the same return at once on PostgreSQL: one wins, the other gets a conflict.

The loser reads the return before the winner commits (so it passes the early version check)
and is stopped by the conditional UPDATE itself, after waiting for the winner's row lock.
"""

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from returns.exceptions import ReturnConflict
from returns.models import Return
from returns.services import collection_create, collection_open, return_save_draft
from returns.services import returns as return_services


@pytest.mark.django_db(transaction=True)
def test_return_save_draft_concurrent_writers_on_postgresql_one_conflicts(
    full_mode: None, make_org: Any, eager_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounts.models import User

    assert connection.vendor == "postgresql"
    make_org("RCC")
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
    first = User.objects.create_user("first@example.nhs.uk")
    second = User.objects.create_user("second@example.nhs.uk")
    pk = Return.objects.get(collection=collection).pk

    seen_by: dict[str, int] = {}
    real_load = return_services.return_load

    def recording_load(**kwargs: Any) -> Return:
        fresh = real_load(**kwargs)
        seen_by[threading.current_thread().name] = fresh.version
        return fresh

    monkeypatch.setattr(return_services, "return_load", recording_load)
    first_has_written = threading.Event()
    outcome: dict[str, Any] = {}

    def first_writer() -> None:
        try:
            with transaction.atomic():
                return_save_draft(
                    return_=Return.objects.get(pk=pk),
                    actor=first,
                    expected_version=1,
                    values={"i2.shortlisted.white": 100},
                )
                first_has_written.set()
                time.sleep(1.0)  # hold the row lock while the second writer arrives
            outcome["first"] = "saved"
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcome["first"] = error
        finally:
            first_has_written.set()
            connection.close()

    def second_writer() -> None:
        try:
            first_has_written.wait(timeout=10)
            return_save_draft(
                return_=Return.objects.get(pk=pk),
                actor=second,
                expected_version=1,
                values={"i2.shortlisted.white": 200},
            )
            outcome["second"] = "saved"
        except Exception as error:
            outcome["second"] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=first_writer, name="first"),
        threading.Thread(target=second_writer, name="second"),
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcome["first"] == "saved"
    assert isinstance(outcome["second"], ReturnConflict)
    assert outcome["second"].current_version == 2
    # The second writer read version 1 (the first had not committed), so it was the
    # UPDATE ... WHERE version = 1, after waiting for the lock, that refused it.
    assert seen_by == {"first": 1, "second": 1}
    assert time.monotonic() - started >= 1.0
    fresh = Return.objects.get(pk=pk)
    assert fresh.values == {"i2.shortlisted.white": 100}
    assert fresh.version == 2
