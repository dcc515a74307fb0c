"""The Model Employer trajectory: expected BME shares of senior grades year by year."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from indicators.dictionary import SENIOR_GRADES


@dataclass(frozen=True, slots=True)
class ModelEmployer:
    """An organisation's Model Employer aim (portal rule, after *A Model Employer*, 2019).

    ``target_pct`` is the BME share (0-100) every senior grade should reach by ``target_year``,
    starting from ``base_pct[grade]`` in ``base_year``; a grade whose base share is unknown is
    ``None`` (or absent).
    """

    base_year: int
    target_year: int
    target_pct: float
    base_pct: Mapping[str, float | None] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: object) -> ModelEmployer:
        """Read the spec's ``model_employer`` object; raise ``ValueError`` saying what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError("model_employer must be an object")
        unknown = set(data) - {"base_year", "target_year", "target_pct", "base_pct"}
        if unknown:
            raise ValueError(f"model_employer has unknown field(s): {', '.join(sorted(unknown))}")
        base_year = _whole(data.get("base_year"), "model_employer.base_year")
        target_year = _whole(data.get("target_year"), "model_employer.target_year")
        target_pct = _percent(data.get("target_pct"), "model_employer.target_pct")
        if target_pct is None:
            raise ValueError("model_employer.target_pct must be a number from 0 to 100")
        raw_base = data.get("base_pct", {})
        if not isinstance(raw_base, Mapping):
            raise ValueError("model_employer.base_pct must be an object of grade: share")
        base_pct: dict[str, float | None] = {}
        for grade, share in raw_base.items():
            if grade not in SENIOR_GRADES:
                raise ValueError(
                    f"model_employer.base_pct has unknown grade {grade!r}; "
                    f"use {', '.join(SENIOR_GRADES)}"
                )
            base_pct[grade] = _percent(share, f"model_employer.base_pct.{grade}")
        return cls(base_year, target_year, target_pct, base_pct)

    def expected(self, grade: str, year: int) -> float | None:
        """The expected BME share of ``grade`` in ``year``, or ``None`` before the base year."""
        if year < self.base_year:
            return None
        if year >= self.target_year:
            return self.target_pct
        base = self.base_pct.get(grade)
        if base is None:
            return None
        if base >= self.target_pct:
            return self.target_pct
        return base + (self.target_pct - base) * (year - self.base_year) / (
            self.target_year - self.base_year
        )


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number (a year)")
    return value


def _percent(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number from 0 to 100")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise ValueError(f"{name} must be a number from 0 to 100")
    return number
