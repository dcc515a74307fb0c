"""The WRES indicator engine: data dictionary, checks, metrics and national computation."""

from indicators.aggregates import aggregate
from indicators.checks import CHECKS, Issue, Rule
from indicators.config import DEFAULT_CONFIG, Config
from indicators.dictionary import ITEM_BY_CODE, ITEMS, METRIC_BY_CODE, METRICS, Item, Metric
from indicators.ethnicity import map_ethnicity
from indicators.formatting import format_value, round_half_away
from indicators.likelihood import RelativeLikelihood, relative_likelihood
from indicators.model_employer import ModelEmployer
from indicators.national import compute_national, model_employer_defaults
from indicators.returns import ReturnResult, compute_return
from indicators.synthetic import synthesise

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
