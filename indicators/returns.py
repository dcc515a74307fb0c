"""Checking and computing one WRES return: the engine's single entry point for one organisation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from indicators.checks import CheckContext, Issue, run_checks
from indicators.config import DEFAULT_CONFIG, Config
from indicators.dictionary import ETHNICITIES, METRIC_BY_CODE
from indicators.formatting import format_value
from indicators.metrics import (
    MetricSet,
    MetricValue,
    Number,
    compute_comparison_metrics,
    compute_metrics,
)
from indicators.model_employer import ModelEmployer
from indicators.values import is_supplied, valid_values

#: Previous-year indicator 3 items and the items of last year's return they are derived from.
PREVIOUS_YEAR_SOURCES: dict[str, str] = {
    f"i3.{name}_prev.{eth}": f"i3.{name}.{eth}"
    for name in ("workforce", "disciplinary")
    for eth in ETHNICITIES
}


@dataclass(frozen=True, slots=True)
class ReturnResult:
    """Every metric of one return (``None`` where it cannot be computed) and every issue found."""

    metrics: dict[str, MetricValue]
    issues: list[Issue]
    exact: Mapping[str, Fraction] = field(default_factory=dict, repr=False)

    @property
    def has_errors(self) -> bool:
        """Whether any issue is an error (which blocks submission)."""
        return any(issue.severity == "error" for issue in self.issues)

    def display(self, code: str, *, null: str = "") -> str:
        """The metric ``code`` formatted for display, rounded from its exact value."""
        value = self.exact.get(code, self.metrics[code])
        return format_value(METRIC_BY_CODE[code], value, null=null)

    def as_dict(self) -> dict[str, object]:
        """The result as the JSON object of the command-line contract."""
        return {"metrics": dict(self.metrics), "issues": [i.as_dict() for i in self.issues]}


def with_previous_year(
    values: Mapping[str, object], previous: Mapping[str, object] | None
) -> dict[str, object]:
    """``values`` with indicator 3's previous-year items filled from last year's return.

    An item given in ``values`` takes precedence, item by item, over the one derived from
    ``previous``.
    """
    merged = dict(values)
    if previous is not None:
        for code, source in PREVIOUS_YEAR_SOURCES.items():
            if not is_supplied(merged.get(code)) and is_supplied(previous.get(source)):
                merged[code] = previous[source]
    return merged


def _evaluate(
    ctx: CheckContext, year: int | None, model_employer: ModelEmployer | None
) -> tuple[list[Issue], MetricSet]:
    issues = run_checks(ctx, "items")
    # An item named by an error is treated as missing for the metrics.
    blocked = {code for issue in issues if issue.severity == "error" for code in issue.items}
    ctx.effective = {code: v for code, v in ctx.valid.items() if code not in blocked}
    metrics = compute_metrics(
        ctx.effective, year=year, model_employer=model_employer, config=ctx.config
    )
    ctx.metrics = metrics
    return issues, metrics


def compute_return(
    values: Mapping[str, object],
    *,
    previous: Mapping[str, object] | None = None,
    model_employer: ModelEmployer | Mapping[str, object] | None = None,
    year: int | None = None,
    draft: bool = False,
    config: Config = DEFAULT_CONFIG,
) -> ReturnResult:
    """Check one return and compute every metric of the spec.

    ``values`` maps item codes to values as submitted (``None`` or absent is missing);
    ``previous`` is last year's accepted return (its values), used to pre-fill indicator 3's
    previous-year items and for W103/W104; ``model_employer`` is the Model Employer input of the
    spec (needs ``year``). A draft is checked without E001. Bad values become issues, never
    exceptions; only arguments of the wrong shape raise ``TypeError`` or ``ValueError``.
    """
    if not isinstance(values, Mapping):
        raise TypeError("values must be a mapping of item code to value")
    if previous is not None and not isinstance(previous, Mapping):
        raise TypeError("previous must be a mapping of item code to value, or None")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise TypeError("year must be a whole number, or None")
    plan = (
        model_employer
        if model_employer is None or isinstance(model_employer, ModelEmployer)
        else ModelEmployer.from_mapping(model_employer)
    )
    ctx = CheckContext(with_previous_year(values, previous), config, draft)
    issues, metrics = _evaluate(ctx, year, plan)
    if previous is not None:
        # Last year's return is checked as a draft and compared on its totals and likelihoods.
        before = CheckContext(with_previous_year(previous, None), config, draft=True)
        blocked = {
            code
            for issue in run_checks(before, "items")
            if issue.severity == "error"
            for code in issue.items
        }
        before.effective = {code: v for code, v in before.valid.items() if code not in blocked}
        ctx.previous = before.effective
        ctx.previous_metrics = compute_comparison_metrics(before.effective, config=config)
    issues += run_checks(ctx, "metrics")
    return ReturnResult(metrics.values, issues, metrics.exact)


def effective_values(
    values: Mapping[str, object], config: Config = DEFAULT_CONFIG
) -> dict[str, Number]:
    """The values metrics are computed from: valid items not named by any error."""
    ctx = CheckContext(values, config, draft=True)
    _evaluate(ctx, None, None)
    return ctx.effective


__all__ = ["ReturnResult", "compute_return", "effective_values", "valid_values"]
