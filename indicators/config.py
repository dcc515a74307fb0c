"""Thresholds and portal rules of the engine, gathered in one configuration object."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Config:
    """Every threshold the checks and metrics use; the defaults are the spec's values.

    Ratios are exact fractions so that limits such as 0.80 and 1.25 are compared in integers.
    """

    #: Relative likelihoods below this are outside the non-adverse range (spec 3).
    rl_low: Fraction = Fraction(4, 5)
    #: Relative likelihoods above this are outside the range and adverse to BME staff.
    rl_high: Fraction = Fraction(5, 4)
    #: z value of the 95% Katz log interval.
    z: float = 1.959964
    #: A likelihood rests on small numbers where either event count is below this (portal rule).
    small_number: int = 10
    #: Largest headcount accepted for any count item (E002).
    max_count: int = 1_000_000
    #: W101: unknown ethnicity above this share of the indicator 1 total.
    unknown_share: Fraction = Fraction(1, 10)
    #: W102: indicator 3 or 4 workforce differing from the indicator 1 total by more than this.
    workforce_tolerance: Fraction = Fraction(1, 10)
    #: W103: indicator 1 total changing from last year by more than this share.
    year_change: Fraction = Fraction(1, 5)
    #: W104: a relative likelihood moving from last year by more than this.
    rl_change: Fraction = Fraction(1, 2)
    #: W106: the BME workforce share (as a fraction) above which a board without BME voting
    #: members is flagged.
    board_workforce_share: Fraction = Fraction(1, 10)
    #: Model Employer defaults (portal rule): base year and target year.
    model_employer_base_year: int = 2018
    model_employer_target_year: int = 2028


DEFAULT_CONFIG = Config()
