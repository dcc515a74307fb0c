"""Fixtures for the indicator engine tests: a complete, valid return to vary."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from indicators.dictionary import ETHNICITIES, STAFF_GROUPS

ReturnFactory = Callable[..., dict[str, object]]


def _valid_return() -> dict[str, object]:
    values: dict[str, object] = {}
    for group, grades in STAFF_GROUPS.items():
        for index, grade in enumerate(grades):
            values[f"i1.{group}.{grade}.white"] = 40 + index
            values[f"i1.{group}.{grade}.bme"] = 10 + index
            values[f"i1.{group}.{grade}.unknown"] = 1
    for eth, (short, appointed) in zip(ETHNICITIES, ((500, 100), (400, 60), (20, 3)), strict=True):
        values[f"i2.shortlisted.{eth}"] = short
        values[f"i2.appointed.{eth}"] = appointed
    totals = {"white": 0, "bme": 0, "unknown": 0}
    for code, value in values.items():
        if code.startswith("i1."):
            totals[code.rsplit(".", 1)[1]] += value  # type: ignore[operator]
    for eth in ETHNICITIES:
        values[f"i3.workforce.{eth}"] = totals[eth]
        values[f"i3.disciplinary.{eth}"] = {"white": 20, "bme": 12, "unknown": 1}[eth]
        values[f"i4.workforce.{eth}"] = totals[eth]
        values[f"i4.training.{eth}"] = totals[eth] // 2
    for k, (white, bme) in {
        5: (25.0, 28.5),
        6: (22.1, 27.3),
        7: (86.0, 71.2),
        8: (6.0, 15.5),
    }.items():
        values[f"i{k}.white"] = white
        values[f"i{k}.bme"] = bme
    board = {"voting": (9, 2, 0), "executive": (6, 1, 0), "non_executive": (5, 2, 0)}
    for role, counts in board.items():
        for eth, count in zip(ETHNICITIES, counts, strict=True):
            values[f"i9.{role}.{eth}"] = count
    return values


@pytest.fixture(scope="session")
def valid_return() -> ReturnFactory:
    """A factory of complete, valid returns (no issues at all), with optional changes."""

    def make(values: dict[str, object] | None = None) -> dict[str, object]:
        built = _valid_return()
        built.update(values or {})
        return built

    return make
