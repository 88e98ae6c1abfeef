"""Cross-check against bt, an independent backtester (optional package)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from piefolio.engine import simulate
from piefolio.spec import Fees, Plan

pytestmark = pytest.mark.crosscheck

WEIGHTS = {"SPY": 0.4, "XOM": 0.2, "NEE": 0.2, "FCX": 0.2}


def test_monthly_rebalanced_pie_matches_bt(shared_prices_dir: Path) -> None:
    bt = pytest.importorskip("bt")
    long = pd.read_csv(
        shared_prices_dir / "yahoo_adjclose_2000_2026-08-03.csv", parse_dates=["date"]
    )
    wide = long.pivot(index="date", columns="ticker", values="adj_close").sort_index()
    prices = wide.loc["2012-01-03":"2019-12-31", list(WEIGHTS)]
    plan = Plan(
        start=dt.date(2012, 1, 3),
        initial=10_000.0,
        rebalance="monthly",
        fees=Fees(min_order=0.0),
    )
    ours = simulate(prices, WEIGHTS, plan)

    strategy = bt.Strategy(
        "pie",
        [
            bt.algos.RunMonthly(run_on_first_date=True),
            bt.algos.SelectAll(),
            bt.algos.WeighSpecified(**WEIGHTS),
            bt.algos.Rebalance(),
        ],
    )
    test = bt.Backtest(
        strategy, prices, initial_capital=10_000.0, integer_positions=False,
        progress_bar=False,
    )  # fmt: skip
    theirs = bt.run(test).prices["pie"] * 100.0  # bt rebases its index to 100
    theirs = theirs.loc[ours.dates]
    assert ours.final_value == pytest.approx(theirs.iloc[-1], rel=1e-9)
    pd.testing.assert_series_equal(
        ours.nav, theirs, check_names=False, check_freq=False, rtol=1e-9
    )
