"""The trade session's ledger, with answers worked out by hand.

Found by mutating ``piefolio/engine/_session.py`` (``python mutation/run.py
piefolio/engine/_session.py``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import simulate
from piefolio.spec import Fees, Plan


def test_a_trade_ledger_past_its_first_64_rows_keeps_every_trade() -> None:
    # Weekly deposits of 100 into A and B (50 / 50, flat at 10, no fee) for 40
    # weeks from Monday 1 Jan 2024: the initial 1000 and 39 more deposits (the
    # first week's falls on day 0 with it) are 40 buying days of 2 trades: 80
    # trades, past the ledger's first 64 rows. Each day's two buys are half of
    # that day's money; the shares add up to (1000 + 39 x 100) / 10 / 2 = 245.
    days = pd.bdate_range("2024-01-01", periods=200)
    prices = pd.DataFrame({"A": [10.0] * 200, "B": [10.0] * 200}, index=days)
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 1),
            "initial": 1000.0,
            "deposits": {"amount": 100.0, "every": "week"},
            "fees": Fees(min_order=0.0),
        }
    )
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan)
    assert len(r.trades) == 80
    assert r.trades["value"].sum() == pytest.approx(1000 + 39 * 100, rel=1e-12)
    assert sorted(set(r.trades["symbol"])) == ["A", "B"]
    np.testing.assert_allclose(r.shares.iloc[-1], [245.0, 245.0], rtol=1e-12)


def test_a_small_buy_is_placed_after_the_sells() -> None:
    # 10 shares each of A and B at 10 (Wed 31 Jan). On Thu 1 Feb (monthly
    # rebalance) A is at 9.92 and B at 10.08: 99.2 and 100.8 of 200, so A buys
    # 0.8 and B sells 0.8. The sell is placed first, though A comes first and
    # its buy is under 1.
    prices = pd.DataFrame(
        {"A": [10.0, 9.92], "B": [10.0, 10.08]},
        index=pd.bdate_range("2024-01-31", periods=2),
    )
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 31),
            "initial": 200.0,
            "rebalance": "monthly",
            "fees": Fees(min_order=0.0),
        }
    )
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan)
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    assert list(feb["symbol"]) == ["B", "A"]
    np.testing.assert_allclose(feb["value"], [-0.8, 0.8], rtol=1e-9)


def test_a_deposit_under_one_is_invested() -> None:
    # 0.5 into A at 10, no fee, no minimum: 0.05 shares, nothing left in cash
    # (the session's level is 0.5, under 1, and still a level).
    prices = pd.DataFrame(
        {"A": [10.0, 10.0]}, index=pd.bdate_range("2024-01-04", periods=2)
    )
    plan = Plan.model_validate(
        {"start": dt.date(2024, 1, 4), "initial": 0.5, "fees": Fees(min_order=0.0)}
    )
    r = simulate(prices, {"A": 1.0}, plan)
    np.testing.assert_allclose(r.shares["A"].iloc[0], 0.05, rtol=1e-12)
    assert r.cash.iloc[0] == pytest.approx(0.0, abs=1e-15)


def test_threshold_rebalances_a_deposit_day_still_drifted_after_the_deposit() -> None:
    # 50 shares each of A and B at 10 (Tue 30 Jan, Wed 31 Jan). On Thu 1 Feb A
    # is at 15 and 100 comes in; bought at the targets it would make 800 / 550
    # of 1350, A still off by 0.093 > 0.05, so the day rebalances both ways
    # instead, to 675 each: A sells 75 (45 shares left), B buys 175 (67.5).
    prices = pd.DataFrame(
        {"A": [10.0, 10.0, 15.0], "B": [10.0, 10.0, 10.0]},
        index=pd.bdate_range("2024-01-30", periods=3),
    )
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 30),
            "initial": 1000.0,
            "deposits": {"amount": 100.0},
            "rebalance": {"policy": "threshold", "band": 0.05},
            "fees": Fees(min_order=0.0),
        }
    )
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan)
    np.testing.assert_allclose(r.shares.iloc[-1], [45.0, 67.5], rtol=1e-12)
    assert r.trades["price"].tolist() == [10.0, 10.0, 15.0, 10.0]
    np.testing.assert_allclose(r.trades["value"], [500, 500, -75, 175], rtol=1e-12)
