"""National and group aggregates: pooled counts, not averages of ratios."""

from collections.abc import Callable

import pandas as pd
import pytest

from indicators import aggregate

# The valid_return fixture (tests/indicators/conftest.py): a complete, valid return.
ReturnFactory = Callable[..., dict[str, object]]


def _frame(valid_return: ReturnFactory) -> pd.DataFrame:
    rows = [
        {
            "organisation": "A",
            "year": 2023,
            "region": "London",
            **valid_return(
                {
                    "i2.shortlisted.white": 100,
                    "i2.appointed.white": 30,
                    "i2.shortlisted.bme": 100,
                    "i2.appointed.bme": 10,
                    "i9.voting.bme": 0,
                }
            ),
        },
        {
            "organisation": "B",
            "year": 2023,
            "region": "North",
            **valid_return(
                {
                    "i2.shortlisted.white": 900,
                    "i2.appointed.white": 90,
                    "i2.shortlisted.bme": 100,
                    "i2.appointed.bme": 10,
                    "i9.voting.bme": 3,
                    "i9.executive.bme": 3,
                }
            ),
        },
        {"organisation": "C", "year": 2023, "region": "North"},
        {"organisation": "A", "year": 2024, "region": "London", **valid_return()},
    ]
    return pd.DataFrame(rows)


def test_aggregate_national_rl2_is_from_pooled_counts(valid_return: ReturnFactory) -> None:
    national = aggregate(_frame(valid_return)).set_index("year")
    # Pooled: White 120/1000, BME 20/200 -> 1.2 (the mean of the two ratios would be 2.0).
    assert national.loc[2023, "i2.rl"] == pytest.approx(1.2)
    assert national.loc[2023, "i2.likelihood.white"] == pytest.approx(0.12)
    assert (
        national.loc[2023, "i2.outside_range"] is False
        or not national.loc[2023, "i2.outside_range"]
    )
    assert national.loc[2023, "organisations"] == 3
    assert national.loc[2023, "i2.orgs_with_rl"] == 2
    assert national.loc[2023, "i2.orgs_outside_range"] == 1
    assert national.loc[2023, "i2.orgs_significantly_adverse"] == 1
    assert national.loc[2024, "organisations"] == 1


def test_aggregate_counts_boards_without_and_with_three_bme_members(
    valid_return: ReturnFactory,
) -> None:
    national = aggregate(_frame(valid_return)).set_index("year")
    assert national.loc[2023, "i9.orgs_reporting"] == 2
    assert national.loc[2023, "i9.orgs_no_bme_voting"] == 1
    assert national.loc[2023, "i9.orgs_three_plus_bme_voting"] == 1
    # Pooled board share: 0 + 3 BME of 9 + 12 voting members.
    assert national.loc[2023, "i9.voting.bme_pct"] == pytest.approx(100 * 3 / 21)


def test_aggregate_counts_boards_by_any_member_as_the_national_reports_do(
    valid_return: ReturnFactory,
) -> None:
    frame = _frame(valid_return)
    # A: no BME voting member but one BME non-executive (voting or not, a board member).
    frame.loc[0, ["i9.executive.bme", "i9.non_executive.bme"]] = [0, 1]
    frame.loc[1, ["i9.executive.bme", "i9.non_executive.bme"]] = [3, 2]
    national = aggregate(frame).set_index("year")

    assert national.loc[2023, "i9.orgs_reporting_board"] == 2
    assert national.loc[2023, "i9.orgs_no_bme_member"] == 0
    assert national.loc[2023, "i9.orgs_three_plus_bme_members"] == 1
    assert national.loc[2023, "i9.orgs_no_bme_voting"] == 1
    board = frame.loc[:1, [f"i9.{r}.{e}" for r in ("executive", "non_executive")
                           for e in ("white", "bme", "unknown")]]  # fmt: skip
    assert national.loc[2023, "i9.board.bme_pct"] == pytest.approx(
        100 * 6 / board.to_numpy(dtype=float).sum()
    )


def test_aggregate_by_caller_supplied_columns(valid_return: ReturnFactory) -> None:
    groups = aggregate(_frame(valid_return), by=("year", "region"))
    assert list(groups.columns[:3]) == ["year", "region", "organisations"]
    north = groups[(groups["year"] == 2023) & (groups["region"] == "North")].iloc[0]
    assert north["organisations"] == 2
    assert north["i2.rl"] == pytest.approx(1.0)
    assert north["i1.total.white"] == 1576


def test_aggregate_workforce_share_pools_every_complete_return(valid_return: ReturnFactory) -> None:
    national = aggregate(_frame(valid_return)).set_index("year")
    assert national.loc[2023, "i1.total.bme"] == 2 * 556
    assert national.loc[2023, "i1.total.bme_pct"] == pytest.approx(100 * 556 / 2166)


def test_aggregate_rejects_missing_grouping_column(valid_return: ReturnFactory) -> None:
    with pytest.raises(ValueError, match="sector"):
        aggregate(_frame(valid_return), by=("year", "sector"))


def test_aggregate_of_no_returns_has_the_columns_and_no_rows() -> None:
    empty = pd.DataFrame({"organisation": pd.Series([], dtype=object), "year": []}).astype(
        {"year": "int64"}
    )
    figures = aggregate(empty)
    assert len(figures) == 0
    assert {"year", "organisations", "i2.rl", "i9.orgs_no_bme_voting"} <= set(figures.columns)
