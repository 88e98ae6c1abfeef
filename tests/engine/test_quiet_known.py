"""The quiet-day run's own outputs, with answers worked out by hand.

Found by mutating ``piefolio/engine/_quiet.py`` (``python mutation/run.py
piefolio/engine/_quiet.py``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import Result, simulate
from piefolio.spec import Fees, Plan


def test_interest_on_quiet_days_counts_the_cash_only() -> None:
    # Fri 5 Jan to Tue 9 Jan, A and B flat at 10. 1000 in at 90 / 10 with
    # min_order 200: A buys 900, B's 100 is skipped and waits as cash. The
    # quiet days after earn 5 % on that 100 only: 3 days to Monday, 1 to
    # Tuesday, 100 * (1.05 ** (4 / 365) - 1) of interest in all; the 900 in A
    # earns none.
    prices = pd.DataFrame(
        {"A": [10.0] * 3, "B": [10.0] * 3},
        index=pd.bdate_range("2024-01-05", periods=3),
    )
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 5),
            "initial": 1000.0,
            "cash_interest": 0.05,
            "fees": Fees(min_order=200.0),
        }
    )
    r = simulate(prices, {"A": 0.9, "B": 0.1}, plan)
    expected = 100 * (1.05 ** (4 / 365) - 1)
    assert r.interest == pytest.approx(expected, rel=1e-9)
    interest = r.flows.loc[r.flows["kind"] == "interest", "amount"]
    assert interest.sum() == pytest.approx(expected, rel=1e-9)
    assert r.nav.iloc[-1] == pytest.approx(1000 + expected, rel=1e-12)


def test_a_day_without_any_price_is_valued_at_the_last_ones() -> None:
    # A and B flat at 10, 1000 in at 50 / 50 on Friday; Monday has no price
    # for either (another market's day). The pie is worth the last closes,
    # 1000, every day.
    nan = float("nan")
    prices = pd.DataFrame(
        {"A": [10.0, 10.0, nan, 10.0], "B": [10.0, 10.0, nan, 10.0]},
        index=pd.bdate_range("2024-01-04", periods=4),
    )
    plan = Plan.model_validate(
        {"start": dt.date(2024, 1, 4), "initial": 1000.0, "fees": Fees(min_order=0.0)}
    )
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan)
    assert r.nav.tolist() == [1000.0] * 4


def test_a_quiet_stretch_longer_than_one_run() -> None:
    # 100 business days, A at 10 for 99 of them and 20 on the last: bought
    # with 1000 on day 0 (100 shares) and held, the pie is worth 1000 until the
    # last day and 2000 on it. The 98 quiet days between are valued in runs of
    # at most RUN (64) days.
    prices = pd.DataFrame(
        {"A": [10.0] * 99 + [20.0]}, index=pd.bdate_range("2024-01-04", periods=100)
    )
    plan = Plan.model_validate(
        {"start": dt.date(2024, 1, 4), "initial": 1000.0, "fees": Fees(min_order=0.0)}
    )
    r = simulate(prices, {"A": 1.0}, plan)
    assert r.nav.tolist() == [1000.0] * 99 + [2000.0]


@pytest.mark.parametrize(
    ("closes", "navs"),
    [
        # Days 1-2 are a quiet run; day 3 has no price: valued at day 2's 12.
        ([10.0, 11.0, 12.0, None, 13.0], [1000.0, 1100.0, 1200.0, 1200.0, 1300.0]),
        # A quiet run of one day (day 1); day 2 has no price: day 1's 11.
        ([10.0, 11.0, None, 12.0], [1000.0, 1100.0, 1100.0, 1200.0]),
    ],
)
def test_a_day_without_a_price_after_a_quiet_run_takes_its_last_close(
    closes: list[float | None], navs: list[float]
) -> None:
    # 1000 buys 100 shares of A at 10 on day 0; then 100 x the last close.
    prices = pd.DataFrame(
        {"A": [float("nan") if c is None else c for c in closes]},
        index=pd.bdate_range("2024-01-04", periods=len(closes)),
    )
    plan = Plan.model_validate(
        {"start": dt.date(2024, 1, 4), "initial": 1000.0, "fees": Fees(min_order=0.0)}
    )
    r = simulate(prices, {"A": 1.0}, plan)
    assert r.nav.tolist() == pytest.approx(navs, rel=1e-12)


def test_a_dividend_of_exactly_one_is_credited() -> None:
    # 100 shares of A (flat at 10) and a cash dividend of 1.0 a share on the
    # third day, no other flow: 100 of cash from then on, NAV 1100.
    prices = pd.DataFrame(
        {"A": [10.0] * 4}, index=pd.bdate_range("2024-01-04", periods=4)
    )
    divs = pd.DataFrame({"A": [1.0]}, index=[prices.index[2]])
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 4),
            "initial": 1000.0,
            "fees": Fees(min_order=0.0),
            "dividends": "cash",
        }
    )
    r = simulate(prices, {"A": 1.0}, plan, dividends=divs)
    assert r.dividends == pytest.approx(100.0, rel=1e-12)
    assert r.nav.tolist() == pytest.approx([1000.0, 1000.0, 1100.0, 1100.0])


def threshold_run(band: float, **cols: list[float]) -> Result:
    prices = pd.DataFrame(cols, index=pd.bdate_range("2024-01-04", periods=3))
    weights = {"A": 0.5, "B": 0.25, "C": 0.25} if "C" in cols else {"A": 0.5, "B": 0.5}
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 4),
            "initial": 1000.0,
            "fees": Fees(min_order=0.0),
            "rebalance": {"policy": "threshold", "band": band},
        }
    )
    return simulate(prices, weights, plan)


def test_threshold_on_a_quiet_day_sees_drift_before_the_last_slice() -> None:
    # 50 / 25 / 25 shares-worth of A, B, C at 10 (50, 25, 25 shares). Day 1: A
    # 12.5, B 8, C 10: worth 625, 200, 250 of 1075, A off by 0.081 > 0.05 (C,
    # the last slice, only by 0.017). Rebalanced that day to 537.5, 268.75,
    # 268.75: 43, 33.59375 and 26.875 shares.
    r = threshold_run(0.05, A=[10.0, 12.5, 12.5], B=[10.0, 8.0, 8.0], C=[10.0] * 3)
    np.testing.assert_allclose(r.shares.iloc[1], [43.0, 33.59375, 26.875])


def test_threshold_on_a_quiet_day_at_exactly_the_band_holds() -> None:
    # 50 shares each of A and B at 10. Day 1: A triples: 1500 / 500 of 2000,
    # weights 0.75 / 0.25, off by exactly the band of 0.25 (exact in binary):
    # not past it, no trade; the shares stay 50 and 50.
    r = threshold_run(0.25, A=[10.0, 30.0, 30.0], B=[10.0] * 3)
    assert len(r.trades) == 2  # the first day's two buys
    np.testing.assert_allclose(r.shares.iloc[-1], [50.0, 50.0])


def test_threshold_drift_on_the_second_day_of_a_quiet_run() -> None:
    # 50 shares each at 10; day 1 flat (quiet), day 2 A at 40: 2000 / 500 of
    # 2500, off by 0.3 > 0.05. Rebalanced on day 2 to 1250 each: 31.25 shares
    # of A, 125 of B.
    r = threshold_run(0.05, A=[10.0, 10.0, 40.0], B=[10.0] * 3)
    np.testing.assert_allclose(r.shares.iloc[1], [50.0, 50.0])
    np.testing.assert_allclose(r.shares.iloc[2], [31.25, 125.0])


def test_two_days_without_any_price_are_valued_at_the_last_ones() -> None:
    # A flat at 10, 1000 in on day 0 (100 shares); days 2 and 3 have no
    # price at all (a market closed twice). No day without a price is plain,
    # so neither is valued from its (missing) closes: 100 x 10 = 1000 every
    # day, the second gap too.
    nan = float("nan")
    prices = pd.DataFrame(
        {"A": [10.0, 10.0, nan, nan, 10.0]},
        index=pd.bdate_range("2024-01-04", periods=5),
    )
    plan = Plan.model_validate(
        {"start": dt.date(2024, 1, 4), "initial": 1000.0, "fees": Fees(min_order=0.0)}
    )
    r = simulate(prices, {"A": 1.0}, plan)
    assert r.nav.tolist() == [1000.0] * 5


def test_threshold_on_a_quiet_day_in_a_pie_worth_under_one() -> None:
    # 0.5 in at 50 / 50, A and B at 10: 0.025 shares each. Day 1 A at 15:
    # worth 0.375 and 0.25 of 0.625, A's weight 0.6 is off by 0.1 > 0.05.
    # The band's margin is 0.05 x 0.625 = 0.03125 of value, and A is
    # 0.375 - 0.3125 = 0.0625 from its target: an alarm, and the exact test
    # rebalances to 0.3125 each: 0.3125 / 15 = 1 / 48 shares of A and
    # 0.3125 / 10 = 0.03125 of B. (A margin of 0.05 / 0.625 = 0.08, or none
    # for a pie under 1, would miss it.)
    prices = pd.DataFrame(
        {"A": [10.0, 15.0, 15.0], "B": [10.0] * 3},
        index=pd.bdate_range("2024-01-04", periods=3),
    )
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 4),
            "initial": 0.5,
            "fees": Fees(min_order=0.0),
            "rebalance": {"policy": "threshold", "band": 0.05},
        }
    )
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan)
    np.testing.assert_allclose(r.shares.iloc[0], [0.025, 0.025], rtol=1e-12)
    np.testing.assert_allclose(r.shares.iloc[1], [1 / 48, 0.03125], rtol=1e-12)


def test_threshold_on_a_quiet_day_a_hair_past_the_band() -> None:
    # 50 shares each of A and B at 10. Day 1 A at 30 + e (e = 2**-38): A's
    # weight is (30 + e) / (40 + e), off by 0.25 + e / 160 (to first order),
    # about 2.3e-14 past the band of 0.25: drift, so the day rebalances, to
    # (2000 + 50 e) / 2 = 1000 + 25 e each, 1000 / 30 shares of A (to 1e-12)
    # and 100 of B. The pre-check's margin must stay under the band: one of
    # band + DUST (1e-12) would call this no alarm.
    e = 2.0**-38
    r = threshold_run(0.25, A=[10.0, 30.0 + e, 30.0 + e], B=[10.0] * 3)
    assert len(r.trades) == 4  # two buys on day 0, a sell and a buy on day 1
    np.testing.assert_allclose(r.shares.iloc[1], [1000 / 30, 100.0], rtol=1e-12)


def test_threshold_on_a_quiet_day_where_shares_over_price_look_on_target() -> None:
    # 1000 in at 50 / 50, A at 1 and B at 2: 500 and 250 shares. Day 1 A at
    # 1.25, B at 0.625: worth 625 and 156.25 of 781.25, weights 0.8 / 0.2,
    # off by 0.3 > 0.25: rebalanced to 390.625 each, 312.5 shares of A and
    # 625 of B. Here shares / price is 400 for both, near the 390.625 of a
    # target: a check on shares / price instead of shares x price would see
    # no drift.
    r = threshold_run(0.25, A=[1.0, 1.25, 1.25], B=[2.0, 0.625, 0.625])
    np.testing.assert_allclose(r.shares.iloc[0], [500.0, 250.0])
    np.testing.assert_allclose(r.shares.iloc[1], [312.5, 625.0], rtol=1e-12)


def test_threshold_on_a_quiet_day_in_a_pie_mostly_in_cash() -> None:
    # 1000 in at 50 / 50, A and B at 10: 50 shares each. Day 1 both pay a
    # cash dividend of 10 a share: 1000 of cash, worth 2000, each slice's
    # weight 0.25, off by exactly the band of 0.25: no trade. Day 2 (quiet)
    # both fall to 2.5: 125 each and the 1000 of cash, weights 0.1, off by
    # 0.4 > 0.25: rebalanced to 625 each, 250 shares of each. (Measured
    # against the band's margin, 0.25 x 1250, instead of the value 1250, the
    # weights would read 0.4, within the band.)
    prices = pd.DataFrame(
        {"A": [10.0, 10.0, 2.5, 2.5], "B": [10.0, 10.0, 2.5, 2.5]},
        index=pd.bdate_range("2024-01-04", periods=4),
    )
    divs = pd.DataFrame({"A": [10.0], "B": [10.0]}, index=[prices.index[1]])
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 4),
            "initial": 1000.0,
            "fees": Fees(min_order=0.0),
            "dividends": "cash",
            "rebalance": {"policy": "threshold", "band": 0.25},
        }
    )
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan, dividends=divs)
    np.testing.assert_allclose(r.shares.iloc[1], [50.0, 50.0])
    assert r.nav.iloc[1] == 2000.0
    np.testing.assert_allclose(r.shares.iloc[2], [250.0, 250.0], rtol=1e-12)
    assert r.nav.iloc[3] == pytest.approx(1250.0, rel=1e-12)
