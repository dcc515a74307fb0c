"""Demo engagements, actions and case studies for `seed_demo` (synthetic, like every demo figure).

The demo's WRES figures are synthetic and fixed before any engagement exists, so no engagement
can change them. To give "Did it help?" something to read, the demo picks, for each indicator
and year, half of its engaged organisations among those in need (above 1.25 in year t-1) whose
figure later moved furthest towards parity, and half at random among the others in need. The
effect the page then shows is made by that choice, not by engagement: it is a demonstration of
the page, never evidence. The other engagements (requested ones, RJ1's) carry no effect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from accounts.models import User
from engagement import selectors
from engagement.impact import INDICATORS
from engagement.models import Engagement
from engagement.services import action_add, case_study_record, engagement_record
from organisations.models import Organisation

DEMO_REVIEWER = "reviewer@demo.wres.test"
PER_YEAR = 8  # engaged organisations per indicator and year (half of them "improvers")
SEED = 2026
ACTIONS = (
    ("Put a BME member on every shortlisting panel for band 8a and above", "Chief people officer"),
    ("Review every formal disciplinary case with a decision-maker checklist", "Director of HR"),
    ("Publish the WRES action plan with the board's named sponsor", "Chair"),
    ("Reverse mentoring for every executive director", "Chief executive"),
    ("Track non-mandatory training by ethnicity each quarter", "Head of learning"),
)
STUDIES = {
    2: "Shortlisting panels always include a trained member from outside the directorate, and "
    "the recruitment data by ethnicity goes to the people committee every quarter.",
    3: "Every proposed formal investigation is reviewed first by a second manager against a "
    "just culture checklist; cases involving BME staff are audited by the staff network.",
    4: "Non-mandatory training and CPD funding are advertised to all staff in one place, with "
    "applications and approvals reported by ethnicity to the board each year.",
}


def seed_demo_engagements() -> int:
    """Records the demo's engagements (once: nothing is added if any exists). Returns how many."""
    actor = User.objects.filter(email=DEMO_REVIEWER).first()
    inputs = selectors.impact_inputs()
    if actor is None or inputs is None or Engagement.objects.exists():
        return 0
    figures = inputs[0]
    rng = np.random.default_rng(SEED)
    years = sorted(int(y) for y in figures["year"].unique())
    chosen: dict[tuple[str, int], set[int]] = {}
    for k in INDICATORS:
        column = f"i{k}.rl"
        if column not in figures:
            continue
        ln = np.log(
            figures.pivot_table(index="organisation", columns="year", values=column).where(
                lambda v: v > 0
            )
        )
        for t in years[1:-2][-4:]:  # the latest four years with t-1 and t+2 published
            need = ln[t - 1] > np.log(1.25)
            improvement = (ln[t - 1] - ln[t + 2])[need].dropna().sort_values(ascending=False)
            best = list(improvement.index[: PER_YEAR // 2])
            rest = [c for c in improvement.index if c not in best]
            picked = best + list(rng.permutation(rest)[: PER_YEAR - len(best)])
            for code in picked:
                chosen.setdefault((str(code), t), set()).add(k)
    count = 0
    organisations = Organisation.objects.in_bulk(
        [code for code, _ in chosen], field_name="ods_code"
    )
    for (code, year), indicators in sorted(chosen.items()):
        organisation = organisations.get(code)
        if organisation is None:
            continue
        _record(actor, organisation, year, sorted(indicators), "targeted", rng)
        count += 1
    rj1 = Organisation.objects.filter(ods_code="RJ1").first()
    if rj1 is not None:  # the demo organisation users' own: something to see and update
        _record(actor, rj1, years[-1], [2, 3], "requested", rng, open_actions=True)
        count += 1
    _case_studies(actor)
    return count


def _record(
    actor: Any,
    organisation: Organisation,
    year: int,
    indicators: list[int],
    origin: str,
    rng: np.random.Generator,
    open_actions: bool = False,
) -> None:
    # A day in the WRES year ``year`` (the 12 months to 31 March): June to December before it.
    held_on = dt.date(year - 1, int(rng.integers(6, 13)), int(rng.integers(1, 29)))
    today = dt.date.today()
    held_on = min(held_on, today - dt.timedelta(days=30))
    engagement = engagement_record(
        actor=actor,
        organisation=organisation,
        held_on=held_on,
        kind=str(rng.choice(["board", "executive", "staff_network", "regional"])),
        origin=origin,
        indicators=indicators,
        people_present="Chair, chief executive, chief people officer, staff network chair",
        follow_up="Synthetic demonstration engagement.",
    )
    for index in rng.permutation(len(ACTIONS))[:2]:
        description, owner = ACTIONS[int(index)]
        status = "open" if open_actions else str(rng.choice(["open", "in_progress", "done"]))
        action_add(
            actor=actor,
            engagement=engagement,
            description=description,
            owner_role=owner,
            due_on=held_on + dt.timedelta(days=180),
            status=status,
        )


def _case_studies(actor: Any) -> None:
    engage = selectors.engage_entries()
    for k in INDICATORS:
        for entry in engage.get(str(k), {}).get("improving", [])[:2]:
            organisation = Organisation.objects.filter(ods_code=entry["organisation"]).first()
            if organisation is None:
                continue
            case_study_record(
                actor=actor,
                organisation=organisation,
                indicator=k,
                summary=STUDIES[k] + " (Synthetic demonstration case study.)",
                contact_role="Head of equality, diversity and inclusion",
                report_url=f"https://example.nhs.uk/{organisation.ods_code.lower()}/wres-report",
            )
