"""Calendars of a plan: flows in the period after start, on the next trading day."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from piefolio.engine import simulate
from piefolio.engine.schedule import (
    calendar_days,
    cash_rates,
    flow_amounts,
    flow_dates,
    flow_periods,
    rebalance_days,
)
from piefolio.spec import Fees, Flow, Frequency, Plan


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_calendar_days_count_the_weekend() -> None:
    dates = pd.DatetimeIndex(["2024-01-04", "2024-01-05", "2024-01-08"])
    np.testing.assert_array_equal(calendar_days(dates), [0, 1, 3])


def test_monthly_flow_starts_the_month_after_start() -> None:
    out = flow_dates(d("2024-01-15"), d("2024-04-30"), Flow(amount=1, day=10))
    np.testing.assert_array_equal(
        out, [d("2024-02-10"), d("2024-03-10"), d("2024-04-10")]
    )
    # Even when start is before the day of its own month: the first is next month.
    out = flow_dates(d("2024-01-02"), d("2024-02-28"), Flow(amount=1, day=15))
    np.testing.assert_array_equal(out, [d("2024-02-15")])


def test_monthly_day_is_clipped_to_the_month() -> None:
    out = flow_dates(d("2024-01-02"), d("2024-04-30"), Flow(amount=1, day=31))
    np.testing.assert_array_equal(
        out, [d("2024-02-29"), d("2024-03-31"), d("2024-04-30")]
    )


def test_quarterly_and_weekly_flows() -> None:
    q = flow_dates(
        d("2024-02-10"), d("2024-12-31"), Flow(amount=1, every="quarter", day=92)
    )
    np.testing.assert_array_equal(
        q, [d("2024-06-30"), d("2024-09-30"), d("2024-12-31")]
    )
    # 2024-01-03 is a Wednesday; Friday (5) of each following week.
    w = flow_dates(
        d("2024-01-03"), d("2024-01-20"), Flow(amount=1, every="week", day=5)
    )
    np.testing.assert_array_equal(w, [d("2024-01-12"), d("2024-01-19")])


def test_known_flow_periods() -> None:
    # 1970-01-05 was a Monday: week 1, the Thursday 1970-01-01 starting week
    # 0. 2024-03-31, a Sunday, is day 54 * 365 + 13 leap days + 90 = 19813,
    # in the week of Monday 19807 = 7 * 2830 - 3: week 2830. It is month
    # (2024 - 1970) * 12 + 2 = 650, quarter 650 // 3 = 216.
    days = np.array(["1970-01-04", "1970-01-05", "2024-03-31"], "datetime64[D]")
    np.testing.assert_array_equal(flow_periods(days, Frequency.WEEK), [0, 1, 2830])
    np.testing.assert_array_equal(flow_periods(days, Frequency.MONTH), [0, 0, 650])
    np.testing.assert_array_equal(flow_periods(days, Frequency.QUARTER), [0, 0, 216])


@given(
    every=st.sampled_from(["week", "month", "quarter"]),
    day=st.integers(1, 92),
    offsets=st.tuples(*[st.integers(0, 2000)] * 3),
)
def test_a_later_start_keeps_the_flows_of_later_periods(
    every: str, day: int, offsets: tuple[int, int, int]
) -> None:
    # The start sweep cuts each window's flows out of the whole data's: the
    # flows after ``first`` are those of an earlier start whose period comes
    # after first's.
    day = min(day, {"week": 7, "month": 31, "quarter": 92}[every])
    flow = Flow(amount=1.0, every=every, day=day)
    early = d("1999-12-20") + offsets[0]
    first = early + offsets[1]
    last = first + offsets[2]
    whole = flow_dates(early, last, flow)
    later = whole[flow_periods(whole, flow.every) > flow_periods([first], flow.every)]
    np.testing.assert_array_equal(flow_dates(first, last, flow), later)


def test_flow_on_a_weekend_moves_to_the_next_trading_day() -> None:
    # 1 Jun 2024 is a Saturday: the deposit falls on Monday 3 Jun.
    dates = pd.bdate_range("2024-05-30", "2024-06-05")
    amounts = flow_amounts(dates, Flow(amount=100.0))
    assert dict(zip(dates[amounts > 0], amounts[amounts > 0], strict=True)) == {
        pd.Timestamp("2024-06-03"): 100.0
    }


def test_flows_that_land_on_one_trading_day_add_up() -> None:
    dates = pd.DatetimeIndex(["2024-01-02", "2024-03-01"])  # a long closure
    amounts = flow_amounts(dates, Flow(amount=100.0, day=15))
    np.testing.assert_array_equal(amounts, [0.0, 100.0])  # 15 Feb only: 15 Mar is after
    amounts = flow_amounts(
        pd.DatetimeIndex(["2024-01-02", "2024-01-22"]),
        Flow(amount=10.0, every="week", day=1),
    )
    np.testing.assert_array_equal(amounts, [0.0, 30.0])  # Mondays 8, 15, 22 Jan


def test_rebalance_days_are_first_trading_days_after_day_zero() -> None:
    dates = pd.DatetimeIndex(
        [
            "2024-01-02",
            "2024-01-31",
            "2024-02-01",
            "2024-03-28",
            "2024-04-01",
            "2025-01-02",
        ]
    )
    np.testing.assert_array_equal(
        rebalance_days(dates, "month"), [False, False, True, True, True, True]
    )
    np.testing.assert_array_equal(
        rebalance_days(dates, "quarter"), [False, False, False, False, True, True]
    )
    np.testing.assert_array_equal(
        rebalance_days(dates, "year"), [False, False, False, False, False, True]
    )
    assert not rebalance_days(dates, None).any()


def test_cash_rates_step_with_the_dated_series() -> None:
    dates = pd.bdate_range("2024-01-01", periods=4)
    rates = pd.Series(
        [0.03, 0.04], index=pd.DatetimeIndex(["2024-01-02", "2024-01-04"])
    )
    np.testing.assert_allclose(cash_rates(dates, 0.01, rates), [0.01, 0.03, 0.03, 0.04])
    np.testing.assert_allclose(cash_rates(dates, 0.01, None), [0.01] * 4)


@pytest.mark.parametrize(
    ("start", "first_deposit"),
    [
        (dt.date(2024, 1, 2), "2024-02-01"),  # not on 2 Jan: that is the initial
        (dt.date(2024, 1, 31), "2024-02-01"),
        (dt.date(2024, 2, 1), "2024-03-01"),
    ],
)
def test_simulate_first_deposit_in_the_period_after_start(
    start: dt.date, first_deposit: str
) -> None:
    prices = pd.DataFrame({"A": 10.0}, index=pd.bdate_range("2024-01-01", "2024-03-29"))
    plan = Plan(
        start=start, initial=100.0, deposits=Flow(amount=50.0), fees=Fees(min_order=0)
    )
    r = simulate(prices, {"A": 1.0}, plan)
    deposits = r.flows[r.flows["kind"] == "deposit"]
    assert deposits["date"].iloc[0] == pd.Timestamp(start)
    assert deposits["amount"].iloc[0] == 100.0
    assert deposits["date"].iloc[1] == pd.Timestamp(first_deposit)


def test_rebalance_days_of_two_and_three_trading_days() -> None:
    # Wed 31 Jan, Thu 1 Feb: the second day opens a month, not a quarter
    # (both are in the first quarter).
    two = pd.DatetimeIndex(["2024-01-31", "2024-02-01"])
    assert rebalance_days(two, "month").tolist() == [False, True]
    assert rebalance_days(two, "quarter").tolist() == [False, False]
    # Each day against the day before it, not against the first day.
    three = pd.DatetimeIndex(["2024-01-31", "2024-02-01", "2024-02-02"])
    assert rebalance_days(three, "month").tolist() == [False, True, False]
    year = pd.DatetimeIndex(["2023-12-29", "2024-01-02", "2024-01-03"])
    assert rebalance_days(year, "year").tolist() == [False, True, False]


def test_calendar_days_of_nanosecond_and_day_arrays() -> None:
    # Fri 5 Jan -> Mon 8 Jan -> Tue 9 Jan: 3 and 1 calendar days, as integers,
    # whether the dates come as days or as nanosecond timestamps.
    for unit in ("D", "ns"):
        days = np.array(
            ["2024-01-05", "2024-01-08", "2024-01-09"], f"datetime64[{unit}]"
        )
        out = calendar_days(days)
        assert out.tolist() == [0, 3, 1] and out.dtype == np.int64


def test_monthly_flows_far_outside_the_month_table() -> None:
    # 2400 is a leap year (divisible by 400): day 31 is clipped to 29 Feb, then
    # 31 Mar and 30 Apr; computed without the 1800-2300 lookup table.
    flow = Flow(amount=1.0, every="month", day=31)
    got = flow_dates(np.datetime64("2400-01-03"), np.datetime64("2400-04-30"), flow)
    assert got.astype(str).tolist() == ["2400-02-29", "2400-03-31", "2400-04-30"]
    # One month inside the table: the single flow of February 2024.
    one = flow_dates(np.datetime64("2024-01-03"), np.datetime64("2024-02-29"), flow)
    assert one.astype(str).tolist() == ["2024-02-29"]


def test_weekly_flows_over_a_year_and_rebalance_days_are_booleans() -> None:
    # Thu 4 Jan 2024 to Fri 27 Dec: the Tuesday (day 2) of each later week,
    # 9 Jan to 24 Dec, 51 of them.
    flow = Flow(amount=1.0, every="week", day=2)
    got = flow_dates(np.datetime64("2024-01-04"), np.datetime64("2024-12-27"), flow)
    expected = pd.date_range("2024-01-09", "2024-12-24", freq="7D")
    assert got.astype(str).tolist() == [d.date().isoformat() for d in expected]
    assert len(got) == 51
    days = pd.bdate_range("2024-01-30", periods=3)
    assert rebalance_days(days, "month").dtype == np.bool_
