"""Writes of the engagement app: each service is keyword-only, runs in one transaction and
records an audit event in it (who, what, which organisation, the request id)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from audit.services import audit_record
from engagement.models import Action, ActionStatus, CaseStudy, Engagement
from organisations.models import Organisation


@transaction.atomic
def engagement_record(
    *,
    actor: Any,
    organisation: Organisation,
    held_on: dt.date,
    kind: str,
    origin: str,
    indicators: list[int],
    people_present: str = "",
    follow_up: str = "",
    figures: dict[str, Any] | None = None,
) -> Engagement:
    """Records an engagement (with the figures it was started from, if any)."""
    engagement = Engagement.objects.create(
        organisation=organisation,
        held_on=held_on,
        kind=kind,
        origin=origin,
        indicators=sorted(set(indicators)),
        people_present=people_present,
        follow_up=follow_up,
        figures=figures or {},
        created_by=actor,
    )
    audit_record(
        action="engagement.recorded",
        actor=actor,
        target=engagement,
        detail={
            "held_on": held_on.isoformat(),
            "kind": kind,
            "origin": origin,
            "indicators": engagement.indicators,
            "with_figures": bool(figures),
        },
    )
    return engagement


@transaction.atomic
def engagement_update(*, actor: Any, engagement: Engagement, changes: dict[str, Any]) -> Engagement:
    """Changes an engagement's details (not its organisation or its figures)."""
    allowed = {"held_on", "kind", "origin", "indicators", "people_present", "follow_up"}
    if not set(changes) <= allowed:
        raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
    if "indicators" in changes:
        changes["indicators"] = sorted(set(changes["indicators"]))
    changed = [name for name, value in changes.items() if getattr(engagement, name) != value]
    for name in changed:
        setattr(engagement, name, changes[name])
    if changed:
        engagement.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="engagement.changed",
            actor=actor,
            target=engagement,
            detail={"fields": sorted(changed)},
        )
    return engagement


@transaction.atomic
def action_add(
    *,
    actor: Any,
    engagement: Engagement,
    description: str,
    owner_role: str,
    due_on: dt.date,
    status: str = ActionStatus.OPEN,
) -> Action:
    """Adds an action agreed at the engagement."""
    action = Action.objects.create(
        engagement=engagement,
        organisation=engagement.organisation,
        description=description,
        owner_role=owner_role,
        due_on=due_on,
        status=status,
        updated_by=actor,
    )
    audit_record(
        action="engagement.action_added",
        actor=actor,
        target=action,
        detail={"engagement": engagement.pk, "due_on": due_on.isoformat(), "status": status},
    )
    return action


@transaction.atomic
def action_update(*, actor: Any, action: Action, changes: dict[str, Any]) -> list[str]:
    """Changes an action (the WRES team: any field; the organisation: its status only, which
    the view decides). Returns the names of the fields that changed; nothing is written or
    recorded when none did."""
    allowed = {"description", "owner_role", "due_on", "status"}
    if not set(changes) <= allowed:
        raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
    locked = Action.objects.select_for_update().get(pk=action.pk)
    before = {name: getattr(locked, name) for name in changes}
    changed = sorted(name for name, value in changes.items() if before[name] != value)
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, changes[name])
    locked.updated_by = actor
    locked.save(update_fields=[*changed, "updated_by", "updated_at"])
    detail: dict[str, Any] = {"engagement": locked.engagement_id, "fields": changed}
    if "status" in changed:
        detail |= {"status_from": before["status"], "status_to": locked.status}
    audit_record(
        action="engagement.action_status_changed"
        if changed == ["status"]
        else "engagement.action_changed",
        actor=actor,
        target=locked,
        detail=detail,
    )
    for name in changed:
        setattr(action, name, getattr(locked, name))
    return changed


@transaction.atomic
def case_study_record(
    *,
    actor: Any,
    organisation: Organisation,
    indicator: int,
    summary: str,
    contact_role: str,
    report_url: str = "",
    action_plan_url: str = "",
) -> CaseStudy:
    """Records a sustained improver's case study for the practice library."""
    study = CaseStudy.objects.create(
        organisation=organisation,
        indicator=indicator,
        summary=summary,
        contact_role=contact_role,
        report_url=report_url,
        action_plan_url=action_plan_url,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(
        action="engagement.case_study_recorded",
        actor=actor,
        target=study,
        detail={"indicator": indicator},
    )
    return study


@transaction.atomic
def case_study_update(*, actor: Any, study: CaseStudy, changes: dict[str, Any]) -> list[str]:
    """Changes a case study; returns the fields that changed (nothing recorded if none)."""
    allowed = {"indicator", "summary", "contact_role", "report_url", "action_plan_url"}
    if not set(changes) <= allowed:
        raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
    changed = sorted(name for name, value in changes.items() if getattr(study, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(study, name, changes[name])
    study.updated_by = actor
    study.save(update_fields=[*changed, "updated_by", "updated_at"])
    audit_record(
        action="engagement.case_study_changed",
        actor=actor,
        target=study,
        detail={"fields": changed},
    )
    return changed
