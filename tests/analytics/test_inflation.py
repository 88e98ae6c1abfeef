"""Real returns: known answers of a price index applied on its own dates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from piefolio.analytics.inflation import (
    PriceIndex,
    daily_index,
    real_returns,
)
from piefolio.analytics.returns import cagr, money_weighted_return

T0 = pd.Timestamp("2020-01-01")


def _constant_index(rate: float, first: str, last: str) -> PriceIndex:
    """Monthly prints on the 1st, 100 x (1 + rate) ** (calendar days / 365)."""
    months = pd.date_range(first, last, freq="MS")
    years = (months - T0).days.to_numpy() / 365.0
    return PriceIndex("TEST", "a test index", pd.Series(100.0 * (1 + rate) ** years,
                                                        index=months))  # fmt: skip


def _plan_at(rate: float) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.Series]]:
    """A run whose unit value grows (1 + rate) ** (calendar days / 365).

    1,000 on the first day, then 100 on the first trading day of each month;
    each deposit buys units at that day's unit value, so every euro grows at
    ``rate`` a year from its own day and the XIRR is ``rate`` exactly.
    """
    days = pd.bdate_range("2020-01-02", "2024-06-28")
    uv = pd.Series((1 + rate) ** ((days - T0).days.to_numpy() / 365.0), index=days)
    months = days.to_period("M")
    firsts = days[np.r_[True, months[1:] != months[:-1]]]
    flows = pd.Series(100.0, index=firsts)
    flows.iloc[0] = 1000.0
    units = (flows / uv.reindex(firsts)).reindex(days, fill_value=0.0).cumsum()
    nav = pd.DataFrame({"Pie": units * uv})
    return nav, pd.DataFrame({"Pie": uv / uv.iloc[0]}), {"Pie": flows}


def test_constant_two_percent_inflation_turns_five_percent_into_the_ratio() -> None:
    # The known answer: (1.05 / 1.02) - 1, to 1e-9, for XIRR and TWR.
    nav, unit, flows = _plan_at(0.05)
    assert money_weighted_return(nav["Pie"], flows["Pie"]) == pytest.approx(
        0.05, abs=1e-9
    )
    assert cagr(unit["Pie"]) == pytest.approx(0.05, abs=1e-12)
    real = real_returns(nav, unit, flows, _constant_index(0.02, "2019-12-01",
                                                          "2024-07-01"))  # fmt: skip
    row = real.summary.loc["Pie"]
    expected = 1.05 / 1.02 - 1.0
    assert abs(row["xirr"] - expected) < 1e-9
    assert abs(row["twr_annual"] - expected) < 1e-9
    # Total TWR over the run's calendar days d: (1.05 / 1.02) ** (d / 365) - 1.
    d = (nav.index[-1] - nav.index[0]).days
    assert row["twr"] == pytest.approx((1.05 / 1.02) ** (d / 365) - 1.0, abs=1e-12)
    # Final value in money of the first day: divided by 1.02 ** (d / 365).
    final = float(nav["Pie"].iloc[-1])
    assert row["final_value"] == pytest.approx(final / 1.02 ** (d / 365), rel=1e-12)
    # Each deposit deflated from its own day back to the first one.
    when = (flows["Pie"].index - nav.index[0]).days.to_numpy() / 365.0
    deflated = float((flows["Pie"].to_numpy() / 1.02**when).sum())
    assert row["deposited"] == pytest.approx(deflated, rel=1e-12)
    assert row["withdrawn"] == 0.0 and not math.copysign(1.0, row["withdrawn"]) < 0
    assert real.held_days == 0


def test_prints_are_used_on_their_dates_and_bridged_log_linearly() -> None:
    # 100 on 1 Jan, 121 on 1 Mar (February missing, as October 2025 is in the
    # US CPI): the 60 days between them (2024 is a leap year) grow at one
    # rate, so 30 Jan (day 29)
    # is 100 * 1.21 ** (29 / 60); 1 Mar is 121; before 1 Jan there is no level.
    index = PriceIndex(
        "X", "x", pd.Series([100.0, 121.0], index=pd.to_datetime(["2024-01-01",
                                                                   "2024-03-01"]))
    )  # fmt: skip
    days = pd.to_datetime(["2023-12-29", "2024-01-01", "2024-01-30", "2024-03-01"])
    level = daily_index(index, pd.DatetimeIndex(days))
    assert math.isnan(level.iloc[0])
    assert level.iloc[1] == pytest.approx(100.0, rel=1e-15)
    assert level.iloc[2] == pytest.approx(100.0 * 1.21 ** (29 / 60), rel=1e-14)
    assert level.iloc[3] == pytest.approx(121.0, rel=1e-14)
    # No day has a move of its own: the daily log change is one constant.
    every = daily_index(index, pd.date_range("2024-01-01", "2024-03-01"))
    steps = np.diff(np.log(every.to_numpy()))
    assert np.allclose(steps, np.log(1.21) / 60, rtol=1e-10, atol=0)


def test_days_after_the_last_print_are_held_and_said() -> None:
    nav, unit, flows = _plan_at(0.05)  # ends 2024-06-28
    index = _constant_index(0.02, "2019-12-01", "2024-03-01")
    real = real_returns(nav, unit, flows, index)
    assert (
        real.held_days == (pd.Timestamp("2024-06-28") - pd.Timestamp("2024-03-01")).days
    )
    level = daily_index(index, nav.index)
    assert (level.loc["2024-03-01":] == level.loc["2024-03-01"]).all()
    note = real.note()
    assert "TEST" in note and "2024-03-01" in note and f"{real.held_days} days" in note
    assert "money of 2020-01-02" in note


def test_an_index_that_starts_after_the_run_is_refused() -> None:
    nav, unit, flows = _plan_at(0.05)
    with pytest.raises(ValueError, match="starts on 2021-01-01, after the run"):
        real_returns(nav, unit, flows, _constant_index(0.02, "2021-01-01",
                                                       "2024-07-01"))  # fmt: skip


def test_a_bad_index_is_refused() -> None:
    dates = pd.to_datetime(["2024-02-01", "2024-01-01"])
    with pytest.raises(ValueError, match="dates must increase"):
        PriceIndex("X", "x", pd.Series([1.0, 2.0], index=dates))
    with pytest.raises(ValueError, match="positive"):
        PriceIndex("X", "x", pd.Series([1.0, -2.0], index=dates.sort_values()))
    with pytest.raises(ValueError, match="no value"):
        PriceIndex("X", "x", pd.Series([np.nan], index=dates[:1]))
