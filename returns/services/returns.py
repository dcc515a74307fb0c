"""Saving a draft's values, explanations and details, and checking a return with the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators import compute_return
from returns.exceptions import InvalidValues, TransitionNotAllowed
from returns.models import Return
from returns.selectors import return_compute
from returns.services.rows import Actor, audit, return_advance, return_load
from wres_portal.celery import task_named

#: The Celery task that runs `return_check` (queued by name: ADR 0015).
CHECK_TASK = "submissions.return_validate"

#: The engine's item-level checks: a value failing one is refused before it is saved.
ITEM_LEVEL_CHECKS = frozenset({"E002", "E006", "E010"})
MAX_EXPLANATION_CHARS = 5000


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def values_problems(values: Mapping[str, object]) -> list[Any]:
    """The engine's item-level issues (unknown code, bad count, bad percentage) in ``values``."""
    supplied = {code: value for code, value in values.items() if not _is_blank(value)}
    result = compute_return(supplied, draft=True)
    return [issue for issue in result.issues if issue.code in ITEM_LEVEL_CHECKS]


def _clean_texts(texts: Mapping[str, object], what: str, keyed_by: str) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, text in texts.items():
        if not isinstance(key, str) or not (text is None or isinstance(text, str)):
            raise ValidationError(f"{what.capitalize()}s must be text, keyed by {keyed_by}.")
        if text is not None and len(text) > MAX_EXPLANATION_CHARS:
            raise ValidationError(
                f"Each {what} must be {MAX_EXPLANATION_CHARS:,} characters or fewer."
            )
        cleaned[key] = (text or "").strip()
    return cleaned


def _merge_texts(saved: Mapping[str, Any], cleaned: Mapping[str, str]) -> dict[str, Any]:
    """``saved`` with ``cleaned`` merged in: a text replaces, a blank removes."""
    merged = dict(saved)
    for key, text in cleaned.items():
        if text:
            merged[key] = text
        else:
            merged.pop(key, None)
    return merged


def return_save_draft(
    *,
    return_: Return,
    actor: Actor,
    expected_version: int,
    values: Mapping[str, object] | None = None,
    explanations: Mapping[str, object] | None = None,
    details: Mapping[str, object] | None = None,
) -> Return:
    """Merges ``values`` (item code -> value; ``None`` or blank clears it), ``explanations``
    (warning key -> text; blank clears it) and ``details`` (contact, narrative and links: name ->
    text; blank clears it) into the draft, then queues a check.

    Values are typed already (forms parse "1,234"): a count must be an int >= 0, a survey
    percentage a number 0-100, and every code must be in the data dictionary; otherwise
    `InvalidValues` lists the engine's issues and nothing is written. Only a draft or a queried
    return can change (`TransitionNotAllowed`); a stale ``expected_version`` gets `ReturnConflict`.
    Returns the updated return.
    """
    values = dict(values or {})
    problems = values_problems(values)
    if problems:
        raise InvalidValues(problems)
    cleaned = _clean_texts(explanations or {}, "explanation", "warning")
    cleaned_details = _clean_texts(details or {}, "detail", "name")
    with transaction.atomic():
        fresh = return_load(return_=return_, expected_version=expected_version)
        if not fresh.is_editable:
            raise TransitionNotAllowed(
                f"This return is {fresh.get_state_display().lower()}, so its figures cannot be "
                "changed. Ask a reviewer to reopen it if it needs amending."
            )
        merged = dict(fresh.values)
        changed = 0
        for code, value in values.items():
            if _is_blank(value):
                if merged.pop(code, None) is not None:
                    changed += 1
            elif merged.get(code) != value or type(merged.get(code)) is not type(value):
                merged[code] = value
                changed += 1
        notes = _merge_texts(fresh.explanations, cleaned)
        new_details = _merge_texts(fresh.details, cleaned_details)
        explanations_changed = notes != fresh.explanations
        details_changed = new_details != fresh.details
        if merged == fresh.values and not explanations_changed and not details_changed:
            return fresh
        return_advance(
            return_=fresh,
            expected_version=expected_version,
            values=merged,
            filled_items=len(merged),
            explanations=notes,
            details=new_details,
        )
        audit(
            action="return.draft_saved",
            actor=actor,
            target=fresh,
            detail={
                "items_changed": changed,
                "explanations_changed": explanations_changed,
                "details_changed": details_changed,
                "version": fresh.version,
            },
        )
        return_request_check(return_=fresh)
    return fresh


def return_request_check(*, return_: Return) -> None:
    """Queues the check (`return_check`) for the return, sent once the transaction commits."""
    task_named(CHECK_TASK).delay_on_commit(return_.pk)


def return_check(*, return_id: int) -> bool:
    """Checks the return's current values (as a draft) and stores the metrics and issues.

    The result is stored only if the return has not changed since it was read (it records the
    version it checked); a later save queues its own check. Returns whether it was stored. A
    check is a cached computation, not a change of the return, so it is not audited.
    """
    with transaction.atomic():
        return_ = Return.objects.select_related("collection").filter(pk=return_id).first()
        if return_ is None:
            return False
        result = return_compute(return_=return_, draft=True)
        stored = Return.objects.filter(pk=return_.pk, version=return_.version).update(
            latest_check=result.as_dict(),
            checked_at=timezone.now(),
            checked_version=return_.version,
        )
    return stored == 1
