"""The WRES indicator engine: data dictionary, checks, metrics and national computation."""

import importlib
from typing import TYPE_CHECKING, Any

from indicators.checks import CHECKS, Issue, Rule
from indicators.config import DEFAULT_CONFIG, Config
from indicators.dictionary import ITEM_BY_CODE, ITEMS, METRIC_BY_CODE, METRICS, Item, Metric
from indicators.ethnicity import map_ethnicity
from indicators.formatting import format_value, round_half_away
from indicators.likelihood import RelativeLikelihood, relative_likelihood
from indicators.model_employer import ModelEmployer
from indicators.returns import ReturnResult, compute_return

if TYPE_CHECKING:
    from indicators.aggregates import aggregate
    from indicators.national import compute_national, model_employer_defaults
    from indicators.synthetic import synthesise

# The pandas-based parts load on first use, so one return is checked without importing pandas.
_LAZY = {
    "aggregate": "indicators.aggregates",
    "compute_national": "indicators.national",
    "model_employer_defaults": "indicators.national",
    "synthesise": "indicators.synthetic",
}


def __getattr__(name: str) -> Any:
    """Load ``aggregate``, ``compute_national`` and ``synthesise`` when first used."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'indicators' has no attribute {name!r}")


__all__ = [
    "CHECKS",
    "DEFAULT_CONFIG",
    "ITEMS",
    "ITEM_BY_CODE",
    "METRICS",
    "METRIC_BY_CODE",
    "Config",
    "Issue",
    "Item",
    "Metric",
    "ModelEmployer",
    "RelativeLikelihood",
    "ReturnResult",
    "Rule",
    "aggregate",
    "compute_national",
    "compute_return",
    "format_value",
    "map_ethnicity",
    "model_employer_defaults",
    "relative_likelihood",
    "round_half_away",
    "synthesise",
]
