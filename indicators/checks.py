"""Checks E001-E010 and W101-W107 as a table of small rule objects returning located issues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final, Literal

from indicators.config import Config
from indicators.dictionary import (
    COUNT_ITEMS,
    ETHNICITIES,
    I1_ITEMS,
    I3_POOLING_ITEMS,
    ITEM_BY_CODE,
    LIKELIHOODS,
    REQUIRED_ITEMS,
    SURVEY_ITEMS,
)
from indicators.metrics import MetricSet, Number
from indicators.values import count_problem, is_supplied, percent_problem, valid_values

Severity = Literal["error", "warning"]
Phase = Literal["items", "metrics"]

_COUNT_SET: Final = frozenset(COUNT_ITEMS)
_SURVEY_SET: Final = frozenset(SURVEY_ITEMS)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with a return: a stable code, its severity, the items it concerns, and what
    is wrong and how to put it right."""

    code: str
    severity: Severity
    items: tuple[str, ...]
    message: str

    def as_dict(self) -> dict[str, object]:
        """The issue as the JSON object of the command-line contract."""
        return {
            "code": self.code,
            "severity": self.severity,
            "items": list(self.items),
            "message": self.message,
        }


def _label(code: str) -> str:
    item = ITEM_BY_CODE.get(code)
    return f"{item.label} ({code})" if item else code


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(slots=True)
class CheckContext:
    """What the rules look at: the values as supplied, the valid ones, and (for the warnings)
    the values used for metrics, the metrics, and last year's accepted return."""

    raw: Mapping[str, object]
    config: Config
    draft: bool = False
    valid: dict[str, Number] = field(default_factory=dict)
    effective: dict[str, Number] = field(default_factory=dict)
    metrics: MetricSet | None = None
    previous: dict[str, Number] | None = None
    previous_metrics: MetricSet | None = None

    def __post_init__(self) -> None:
        self.valid = valid_values(self.raw, self.config)


class Rule:
    """A check: a stable code, a severity, the phase it runs in, and a generator of issues."""

    code: str = ""
    severity: Severity = "error"
    phase: Phase = "items"
    summary: str = ""

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        """Yield the issues this rule finds in ``ctx``."""
        raise NotImplementedError

    def issue(self, items: tuple[str, ...], message: str) -> Issue:
        """An issue of this rule's code and severity."""
        return Issue(self.code, self.severity, items, message)


class RequiredItemMissing(Rule):
    """E001 (error): a required item is empty (on submission)."""

    code, summary = "E001", "a required item is empty (on submission)"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        if ctx.draft:
            return
        valid = ctx.valid  # a valid value is a supplied one
        for code in REQUIRED_ITEMS:
            if code not in valid and not is_supplied(ctx.raw.get(code)):
                yield self.issue(
                    (code,),
                    f"{_label(code)} is empty. Enter the figure (0 if there were none) "
                    "before submitting.",
                )


#: Many trusts publish indicator 3 as a two-year average (such as 8.5): say what to enter instead.
_ONE_YEARS_COUNT = (
    " For indicator 3 enter each year's own count, not a two-year average: the previous "
    "year goes in its own boxes and the portal pools the two years itself."
)


class BadCount(Rule):
    """E002 (error): a count that is not a whole number, negative, or over 1,000,000."""

    code, summary = "E002", "a count that is not a whole number, negative, or over 1,000,000"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        valid = ctx.valid  # a valid count has no problem to report
        for code, value in ctx.raw.items():
            if code in _COUNT_SET and code not in valid and is_supplied(value):
                problem = count_problem(value, ctx.config)
                if problem:
                    yield self.issue(
                        (code,),
                        f"{_label(code)} is {_shown(value)}, which is {problem}. Enter a "
                        f"headcount as a whole number from 0 to {ctx.config.max_count:,}."
                        + (_ONE_YEARS_COUNT if code.startswith("i3.") else ""),
                    )


class _EventOverBase(Rule):
    """Events counted in more people than the group they come from."""

    pairs: tuple[tuple[str, str], ...] = ()
    what: str = ""

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        for base, event in self.pairs:
            for eth in ETHNICITIES:
                base_code, event_code = f"{base}.{eth}", f"{event}.{eth}"
                n, e = ctx.valid.get(base_code), ctx.valid.get(event_code)
                if n is not None and e is not None and e > n:
                    yield self.issue(
                        (base_code, event_code),
                        f"{_label(event_code)} is {e}, more than {_label(base_code)} ({n}). "
                        f"{self.what}",
                    )


class AppointedOverShortlisted(_EventOverBase):
    """E003 (error): appointed > shortlisted for a group."""

    code, summary = "E003", "appointed > shortlisted for a group"
    pairs = (("i2.shortlisted", "i2.appointed"),)
    what = "Only shortlisted people can be appointed: check both figures."


class DisciplinaryOverWorkforce(_EventOverBase):
    """E004 (error): disciplinary > workforce for a group (current or previous year)."""

    code, summary = "E004", "disciplinary > workforce for a group (current or previous year)"
    pairs = (
        ("i3.workforce", "i3.disciplinary"),
        ("i3.workforce_prev", "i3.disciplinary_prev"),
    )
    what = "People entering the process are part of the workforce: check both figures."


class TrainingOverWorkforce(_EventOverBase):
    """E005 (error): training > workforce for a group."""

    code, summary = "E005", "training > workforce for a group"
    pairs = (("i4.workforce", "i4.training"),)
    what = "People accessing training are part of the workforce: check both figures."


class BadPercentage(Rule):
    """E006 (error): a survey percentage that is not a number or is outside 0-100."""

    code, summary = "E006", "a survey percentage that is not a number or is outside 0-100"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        valid = ctx.valid  # a valid percentage has no problem to report
        for code, value in ctx.raw.items():
            if code in _SURVEY_SET and code not in valid and is_supplied(value):
                problem = percent_problem(value)
                if problem:
                    yield self.issue(
                        (code,),
                        f"{_label(code)} is {_shown(value)}, which is {problem}. Enter a "
                        "percentage from 0 to 100, or leave it empty.",
                    )


class VotingOverBoard(Rule):
    """E007 (error): voting members > executive + non-executive members for a group."""

    code, summary = "E007", "voting members > executive + non-executive members for a group"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        for eth in ETHNICITIES:
            codes = (f"i9.voting.{eth}", f"i9.executive.{eth}", f"i9.non_executive.{eth}")
            voting, executive, non_executive = (ctx.valid.get(code) for code in codes)
            if voting is None or executive is None or non_executive is None:
                continue
            if voting > executive + non_executive:
                yield self.issue(
                    codes,
                    f"{_label(codes[0])} is {voting}, more than the executive ({executive}) and "
                    f"non-executive ({non_executive}) members together. Every voting member is "
                    "one or the other: check the three figures.",
                )


class EmptyWorkforce(Rule):
    """E008 (error): the indicator 1 total is 0."""

    code, summary = "E008", "the indicator 1 total is 0"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        valid = ctx.valid
        for code in I1_ITEMS:  # an issue only if every count is there and every one is 0
            value = valid.get(code)
            if value is None or value:
                return
        yield self.issue(
            I1_ITEMS,
            "Every indicator 1 headcount is 0, so the workforce is empty. Enter the "
            "workforce at the 31 March snapshot.",
        )


class PartPreviousYear(Rule):
    """E009 (error): the previous-year items of indicator 3 are only partly filled."""

    code, summary = "E009", "the previous-year items of indicator 3 are only partly filled"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        filled = [is_supplied(ctx.raw.get(code)) for code in I3_POOLING_ITEMS]
        if any(filled) and not all(filled):
            empty = [code for code, f in zip(I3_POOLING_ITEMS, filled, strict=True) if not f]
            yield self.issue(
                I3_POOLING_ITEMS,
                f"Last year's indicator 3 figures are only partly filled ({', '.join(empty)} "
                "empty). Fill in all four White and BME figures for last year, or clear them all "
                "to use this year alone.",
            )


class UnknownItem(Rule):
    """E010 (error): an item code that is not in this dictionary."""

    code, summary = "E010", "an item code that is not in this dictionary"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        for code in ctx.raw:
            if code not in ITEM_BY_CODE:
                yield self.issue(
                    (str(code),),
                    f"{_shown(code)} is not a WRES data item. Check the code against the data "
                    "dictionary, or remove it.",
                )


def _workforce(values: Mapping[str, Number], prefix: str) -> int | None:
    parts = [values.get(f"{prefix}.{eth}") for eth in ETHNICITIES]
    if any(not isinstance(part, int) for part in parts):
        return None
    return sum(parts)  # type: ignore[arg-type]


_I1_TOTAL_CODES: Final = tuple(f"i1.total.{eth}" for eth in ETHNICITIES)
_I1_ETHNICITY_INDEX: Final[dict[str, int]] = {
    code: ETHNICITIES.index(code.rsplit(".", 1)[1]) for code in I1_ITEMS
}


def _i1_totals(values: Mapping[str, Number], metrics: MetricSet | None = None) -> list[int] | None:
    """The indicator 1 totals by ethnicity, or ``None`` unless every item is a count.

    ``metrics``, when given, must be those computed from ``values``: their whole-workforce
    totals are these sums already.
    """
    if metrics is not None:
        known = [metrics.values[code] for code in _I1_TOTAL_CODES]
        if all(isinstance(value, int) for value in known):
            return known  # type: ignore[return-value]
        return None
    totals = [0, 0, 0]
    for code in I1_ITEMS:
        value = values.get(code)
        if not isinstance(value, int):
            return None
        totals[_I1_ETHNICITY_INDEX[code]] += value
    return totals


def _exceeds(part: int, whole: int, share: Fraction) -> bool:
    """``part > share x whole``, decided in integers."""
    return part * share.denominator > share.numerator * whole


class UnknownEthnicityHigh(Rule):
    """W101 (warning): unknown ethnicity is over 10% of the indicator 1 total."""

    code, severity, phase = "W101", "warning", "metrics"
    summary = "unknown ethnicity is over 10% of the indicator 1 total"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        totals = _i1_totals(ctx.effective, ctx.metrics)
        if totals and _exceeds(totals[2], sum(totals), ctx.config.unknown_share):
            share = float(ctx.config.unknown_share * 100)
            yield self.issue(
                tuple(code for code in I1_ITEMS if code.endswith(".unknown")),
                f"Ethnicity is unknown for {totals[2]} of {sum(totals)} staff, over {share:g}%. "
                "Explain why, and what is being done to improve recording.",
            )


class WorkforceMismatch(Rule):
    """W102 (warning): the indicator 3 or 4 workforce differs from the indicator 1 total."""

    code, severity, phase = "W102", "warning", "metrics"
    summary = "the indicator 3 or 4 workforce differs from the indicator 1 total by over 10%"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        totals = _i1_totals(ctx.effective, ctx.metrics)
        if totals is None:
            return
        total = sum(totals)
        for k in (3, 4):
            workforce = _workforce(ctx.effective, f"i{k}.workforce")
            if workforce is not None and _exceeds(
                abs(workforce - total), total, ctx.config.workforce_tolerance
            ):
                share = float(ctx.config.workforce_tolerance * 100)
                yield self.issue(
                    tuple(f"i{k}.workforce.{eth}" for eth in ETHNICITIES),
                    f"The indicator {k} workforce ({workforce}) differs from the indicator 1 "
                    f"total ({total}) by more than {share:g}%. Check both, or explain the "
                    "difference.",
                )


class WorkforceChange(Rule):
    """W103 (warning): the indicator 1 total changed by over 20% from last year."""

    code, severity, phase = "W103", "warning", "metrics"
    summary = "the indicator 1 total changed by over 20% from last year"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        if ctx.previous is None:
            return
        now, before = (
            _i1_totals(ctx.effective, ctx.metrics),
            _i1_totals(ctx.previous, ctx.previous_metrics),
        )
        if now is None or before is None:
            return
        total, previous = sum(now), sum(before)
        if _exceeds(abs(total - previous), previous, ctx.config.year_change):
            share = float(ctx.config.year_change * 100)
            yield self.issue(
                I1_ITEMS,
                f"The workforce total is {total}, against {previous} last year: a change of "
                f"over {share:g}%. Check the figures, or explain the change (e.g. a merger).",
            )


class LikelihoodChange(Rule):
    """W104 (warning): a relative likelihood moved by over 0.5 from last year."""

    code, severity, phase = "W104", "warning", "metrics"
    summary = "a relative likelihood moved by over 0.5 from last year"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        if ctx.metrics is None or ctx.previous_metrics is None:
            return
        for spec in LIKELIHOODS:
            k = spec.indicator
            now = ctx.metrics.likelihoods[k].exact
            before = ctx.previous_metrics.likelihoods[k].exact
            if now is not None and before is not None and abs(now - before) > ctx.config.rl_change:
                yield self.issue(
                    _likelihood_items(k),
                    f"The indicator {k} relative likelihood is {float(now):.2f}, against "
                    f"{float(before):.2f} last year: a change of over "
                    f"{float(ctx.config.rl_change):g}. Check the figures, or explain the change.",
                )


class SmallNumbers(Rule):
    """W105 (warning): a relative likelihood rests on small numbers."""

    code, severity, phase = "W105", "warning", "metrics"
    summary = "a relative likelihood rests on small numbers"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        if ctx.metrics is None:
            return
        for spec in LIKELIHOODS:
            k = spec.indicator
            result = ctx.metrics.likelihoods[k]
            if result.small_numbers and result.outside_range is not None:
                yield self.issue(
                    _likelihood_items(k),
                    f"The indicator {k} relative likelihood rests on fewer than "
                    f"{ctx.config.small_number} {spec.event} in a group, so it can swing widely "
                    "from year to year. Say so when reporting it.",
                )


class NoBmeBoardMember(Rule):
    """W106 (warning): no BME voting board member while the workforce is over 10% BME."""

    code, severity, phase = "W106", "warning", "metrics"
    summary = "no BME voting board member while the workforce is over 10% BME"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        totals = _i1_totals(ctx.effective, ctx.metrics)
        if totals is None or ctx.effective.get("i9.voting.bme") != 0:
            return
        if _exceeds(totals[1], sum(totals), ctx.config.board_workforce_share):
            share = float(ctx.config.board_workforce_share * 100)
            yield self.issue(
                ("i9.voting.bme",),
                f"The board has no BME voting member while over {share:g}% of the workforce is "
                "BME. Confirm the figure and explain the plan to improve representation.",
            )


class NobodyShortlisted(Rule):
    """W107 (warning): nobody shortlisted at all in the year."""

    code, severity, phase = "W107", "warning", "metrics"
    summary = "nobody shortlisted at all in the year"

    def issues(self, ctx: CheckContext) -> Iterator[Issue]:
        if _workforce(ctx.effective, "i2.shortlisted") == 0:
            yield self.issue(
                tuple(f"i2.shortlisted.{eth}" for eth in ETHNICITIES),
                "Nobody was shortlisted in the year. Confirm this is right, or enter the "
                "shortlisting figures.",
            )


def _likelihood_items(k: int) -> tuple[str, ...]:
    spec = LIKELIHOODS[k - 2]
    return tuple(
        f"i{k}.{name}.{eth}" for name in (spec.base, spec.event) for eth in ("white", "bme")
    )


#: Every check, in the order its issues are listed.
CHECKS: Final[tuple[Rule, ...]] = (
    RequiredItemMissing(),
    BadCount(),
    AppointedOverShortlisted(),
    DisciplinaryOverWorkforce(),
    TrainingOverWorkforce(),
    BadPercentage(),
    VotingOverBoard(),
    EmptyWorkforce(),
    PartPreviousYear(),
    UnknownItem(),
    UnknownEthnicityHigh(),
    WorkforceMismatch(),
    WorkforceChange(),
    LikelihoodChange(),
    SmallNumbers(),
    NoBmeBoardMember(),
    NobodyShortlisted(),
)


_CHECKS_BY_PHASE: Final[dict[str, tuple[Rule, ...]]] = {
    phase: tuple(rule for rule in CHECKS if rule.phase == phase) for phase in ("items", "metrics")
}


def run_checks(ctx: CheckContext, phase: Phase) -> list[Issue]:
    """Run every rule of ``phase`` against ``ctx`` and return the issues, in table order."""
    return [issue for rule in _CHECKS_BY_PHASE[phase] for issue in rule.issues(ctx)]
