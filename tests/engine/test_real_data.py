"""The engine on real prices from ../shared/data/prices (skipped where absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import simulate, simulate_batch
from piefolio.spec import Fees, Flow, Plan

AI_ENERGY = {
    "CVX": 0.08, "XOM": 0.08, "BE": 0.06, "NEE": 0.08, "CEG": 0.08, "VST": 0.08,
    "ETN": 0.08, "PWR": 0.08, "GEV": 0.08, "FCX": 0.08, "SCCO": 0.06, "PAAS": 0.04,
    "MP": 0.04, "IWM": 0.08,
}  # fmt: skip


@pytest.fixture(scope="module")
def adjclose(shared_prices_dir: Path) -> pd.DataFrame:
    long = pd.read_csv(
        shared_prices_dir / "yahoo_adjclose_2000_2026-08-03.csv", parse_dates=["date"]
    )
    wide = long.pivot(index="date", columns="ticker", values="adj_close").sort_index()
    assert {"SPY", "IWM", "GEV"} <= set(wide.columns)  # guard the fixture's shape
    return wide


@pytest.fixture(scope="module")
def ai_fixture(shared_prices_dir: Path) -> pd.DataFrame:
    wide = pd.read_csv(
        shared_prices_dir / "fixture_ai_energy_2023_2024_wide.csv",
        parse_dates=["date"],
        index_col="date",
    )
    assert wide.index[0] == pd.Timestamp("2023-01-03")
    return wide.drop(columns="EURUSD")


def test_spy_buy_and_hold_is_the_price_ratio(adjclose: pd.DataFrame) -> None:
    plan = Plan(start=dt.date(2010, 1, 1), end=dt.date(2020, 12, 31), initial=1000.0)
    r = simulate(adjclose, {"SPY": 1.0}, plan)
    spy = adjclose["SPY"].loc["2010-01-01":"2020-12-31"]
    assert r.dates[0] == pd.Timestamp("2010-01-04")
    assert r.final_value == pytest.approx(1000 * spy.iloc[-1] / spy.iloc[0], rel=1e-12)
    np.testing.assert_allclose(r.unit_value, spy / spy.iloc[0], rtol=1e-12)
    assert r.twr == pytest.approx(spy.iloc[-1] / spy.iloc[0] - 1, rel=1e-12)


def test_100_a_month_into_spy(adjclose: pd.DataFrame) -> None:
    plan = Plan(
        start=dt.date(2015, 1, 1),
        end=dt.date(2024, 12, 31),
        deposits=Flow(amount=100.0),
        fees=Fees(min_order=0.0),
    )
    r = simulate(adjclose, {"SPY": 1.0}, plan)
    spy = adjclose["SPY"].loc["2015-01-01":"2024-12-31"]
    # Each deposit buys 100 / price on the first trading day of a month after
    # January 2015; its worth at the end is 100 x last / price then.
    firsts = spy.groupby(spy.index.to_period("M")).head(1).iloc[1:]
    assert r.deposited == pytest.approx(100.0 * len(firsts))
    expected = (100.0 * spy.iloc[-1] / firsts).sum()
    assert r.final_value == pytest.approx(expected, rel=1e-12)
    assert r.nav.iloc[0] == 0.0 and r.unit_value.iloc[0] == 1.0
    assert 0.05 < r.xirr < 0.25
    # With regular deposits, TWR follows the price: the unit value is SPY's.
    start = firsts.index[0]
    np.testing.assert_allclose(
        r.unit_value.loc[start:], spy.loc[start:] / spy.loc[start], rtol=1e-10
    )


def test_ai_energy_pie_with_a_late_listing(ai_fixture: pd.DataFrame) -> None:
    plan = Plan(
        start=dt.date(2023, 1, 3),
        initial=10_000.0,
        deposits=Flow(amount=500.0),
        rebalance={"policy": "threshold", "band": 0.05},
        fees=Fees(fx_pct=0.15, spread_bps=2.0),
        cash_interest=0.03,
        late_listing="redistribute",
    )
    r = simulate(ai_fixture, AI_ENERGY, plan)
    gev = r.weights["GEV"]
    assert (gev.loc[:"2024-03-26"] == 0).all()
    first_buy = r.trades.loc[r.trades["symbol"] == "GEV", "date"].min()
    assert first_buy == pd.Timestamp("2024-03-27")  # the band breaks at once
    assert gev.loc["2024-03-27"] == pytest.approx(0.08, abs=1e-9)
    value = (r.shares * ai_fixture[list(r.symbols)].ffill().loc[r.dates]).sum(axis=1)
    np.testing.assert_allclose(r.nav, r.cash + value.fillna(0.0), rtol=1e-10)
    assert r.fees == pytest.approx(r.trades["fee"].sum())
    batch = simulate_batch(
        ai_fixture, pd.DataFrame([AI_ENERGY], index=["ai"]).fillna(0.0), plan
    )
    np.testing.assert_array_equal(batch.nav["ai"].to_numpy(), r.nav.to_numpy())
