"""simulate_batch: one call for P pies sharing a plan, row p == simulate of pie p."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import BatchResult, simulate, simulate_batch
from piefolio.errors import PlanError
from piefolio.spec import Fees, Flow, Plan

PRICES = pd.DataFrame(
    {"A": [10.0, 12, 9, 11, 13, 12], "B": [20.0, 19, 21, 22, 18, 20], "C": [5.0] * 6},
    index=pd.bdate_range("2024-01-29", periods=6),
)
PLAN = Plan(
    start=dt.date(2024, 1, 29),
    initial=1000.0,
    deposits=Flow(amount=100.0),
    withdrawals=Flow(amount=900.0, day=2),
    rebalance="monthly",
    fees=Fees(commission_pct=0.5, min_order=0.0),
)
WEIGHTS = pd.DataFrame(
    {"A": [1.0, 0.5, 0.0], "B": [0.0, 0.5, 0.2], "C": [0.0, 0.0, 0.8]},
    index=["a", "ab", "bc"],
)


def test_batch_shapes_and_rows() -> None:
    batch = simulate_batch(PRICES, WEIGHTS, PLAN)
    assert isinstance(batch, BatchResult)
    assert batch.names == ("a", "ab", "bc")
    assert batch.nav.shape == (6, 3) and list(batch.nav.columns) == ["a", "ab", "bc"]
    assert batch.nav.index.equals(PRICES.index)
    for name in batch.names:
        w = {s: v for s, v in WEIGHTS.loc[name].items() if v}
        single = simulate(PRICES, w, PLAN)
        np.testing.assert_array_equal(batch.nav[name], single.nav)
        assert batch.final_value[name] == single.final_value
        assert batch.fees[name] == single.fees
        assert batch.withdrawn[name] == single.withdrawn
    # 1 Feb: 100 in; 2 Feb: 900 out of a pie worth about 1,100 -> none runs out.
    assert batch.deposited.tolist() == [1100.0] * 3
    assert batch.ran_out.isna().all()
    detail = batch.result("ab")
    assert list(detail.shares.columns) == ["A", "B"]
    with pytest.raises(KeyError, match="no pie named"):
        batch.result("zz")


def test_batch_records_who_ran_out() -> None:
    plan = PLAN.model_copy(update={"withdrawals": Flow(amount=1090.0, day=2)})
    batch = simulate_batch(PRICES, WEIGHTS, plan)
    single = {
        n: simulate(PRICES, {s: v for s, v in WEIGHTS.loc[n].items() if v}, plan)
        for n in batch.names
    }
    for name in batch.names:
        expected = single[name].ran_out
        got = batch.ran_out[name]
        assert (expected is None and pd.isna(got)) or got == expected
    assert batch.ran_out.notna().any()


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (WEIGHTS.iloc[:0], "no pies"),
        (pd.DataFrame({"A": [0.5], "B": [0.4]}, index=["p"]), "p: weights sum to 0.9"),
        (pd.DataFrame({"A": [0.5], "Z": [0.5]}, index=["p"]), "no prices for Z"),
    ],
)
def test_batch_errors_name_the_pie(weights: pd.DataFrame, match: str) -> None:
    with pytest.raises(PlanError, match=match):
        simulate_batch(PRICES, weights, PLAN)


def test_batch_late_listing_error_names_symbol() -> None:
    prices = PRICES.copy()
    prices.loc[prices.index[:2], "C"] = np.nan
    simulate_batch(prices, WEIGHTS.iloc[:2], PLAN)  # no pie holds C: fine
    with pytest.raises(PlanError, match=r"C has no price on the first day.*2024-01-31"):
        simulate_batch(prices, WEIGHTS, PLAN)


def test_summary_without_paths_matches_the_paths() -> None:
    """paths=False keeps no daily series, and its summary is the paths' own,
    as numpy computes it from the unit values of a run that kept them."""
    rng = np.random.default_rng(5)
    prices = pd.DataFrame(
        100 * np.cumprod(1 + rng.normal(2e-4, 0.02, size=(400, 3)), axis=0),
        index=pd.bdate_range("2020-01-01", periods=400),
        columns=list("ABC"),
    )
    weights = pd.DataFrame(
        rng.dirichlet(np.ones(3), size=25), columns=list("ABC")
    ).rename(index=str)
    plan = Plan(
        start=dt.date(2020, 1, 1),
        initial=1000.0,
        deposits=Flow(amount=100.0),
        rebalance={"policy": "threshold", "band": 0.05},
    )
    full = simulate_batch(prices, weights, plan)
    lean = simulate_batch(prices, weights, plan, paths=False)
    for col in ("final_value", "twr", "fees", "deposited", "max_drawdown"):
        pd.testing.assert_series_equal(getattr(lean, col), getattr(full, col))
    unit = full.unit_value
    daily = unit.pct_change().iloc[1:]
    np.testing.assert_allclose(lean.return_mean, daily.mean(), rtol=1e-10)
    np.testing.assert_allclose(lean.return_std, daily.std(ddof=1), rtol=1e-8)
    deepest = (unit / unit.cummax() - 1).min()
    np.testing.assert_allclose(lean.max_drawdown, deepest, rtol=1e-12, atol=1e-15)
    assert (lean.max_drawdown < 0).all()
    np.testing.assert_array_equal(lean.final_value, full.nav.iloc[-1])
    with pytest.raises(ValueError, match="paths=True"):
        _ = lean.nav


THRESHOLD_FEES = {
    "withdrawals": Flow(amount=200.0, day=15),
    "rebalance": {"policy": "threshold", "band": 0.03},
    "fees": Fees(commission_fixed=0.5, fx_pct=0.15, spread_bps=5.0, min_order=1.0),
}
# No fees: the block runs the rebalance days at once (min_order 2: some pies
# have orders under it and take the full day).
MONTHLY_FREE = {
    "rebalance": "monthly",
    "fees": Fees(min_order=2.0),
}


@pytest.mark.parametrize("rules", [THRESHOLD_FEES, MONTHLY_FREE])
def test_rows_across_blocks_equal_single_runs(rules: dict) -> None:
    """More pies than one block of the batch kernel, on a threshold plan where
    on a given quiet day some pies break their band and trade while the others
    do not, and on a monthly plan without fees whose rebalance days the block
    runs at once: every row still equals its single run bit for bit, with and
    without the daily paths, also the last pie of a block and the first of
    the next."""
    from piefolio.engine._batch import BLOCK

    rng = np.random.default_rng(11)
    days = 90
    close = 50 * np.cumprod(1 + rng.normal(0, 0.03, size=(days, 4)), axis=0)
    close[:7, 3] = np.nan  # lists late
    close[30:33, 1] = np.nan  # a gap
    prices = pd.DataFrame(
        close, index=pd.bdate_range("2024-01-01", periods=days), columns=list("ABCD")
    )
    count = BLOCK + 3
    weights = pd.DataFrame(
        rng.dirichlet(np.ones(4), size=count), columns=list("ABCD")
    ).rename(index=lambda p: f"p{p}")
    plan = Plan(
        start=dt.date(2024, 1, 1),
        initial=1000.0,
        deposits=Flow(amount=50.0, every="week"),
        cash_interest=0.04,
        late_listing="redistribute",
        **rules,
    )
    fx = {"A": True, "B": False, "C": True, "D": False}
    full = simulate_batch(prices, weights, plan, fx_mask=fx)
    lean = simulate_batch(prices, weights, plan, fx_mask=fx, paths=False)
    if rules is THRESHOLD_FEES:
        # Pies that trade on a quiet day (a broken band) differ pie to pie.
        traded = [set(full.result(n).trades["date"]) for n in ("p0", "p1", f"p{BLOCK}")]
        assert len({frozenset(t) for t in traded}) > 1
    for p in (0, 1, BLOCK - 1, BLOCK, count - 1):
        name = f"p{p}"
        single = simulate(prices, weights.loc[name].to_dict(), plan, fx_mask=fx)
        np.testing.assert_array_equal(full.nav[name], single.nav)
        np.testing.assert_array_equal(full.cash[name], single.cash)
        np.testing.assert_array_equal(full.unit_value[name], single.unit_value)
        for batch in (full, lean):
            assert batch.final_value[name] == single.final_value
            assert batch.fees[name] == single.fees
            assert batch.deposited[name] == single.deposited
            assert batch.withdrawn[name] == single.withdrawn
            assert batch.twr[name] == single.twr
        daily = single.unit_value.pct_change().iloc[1:]
        assert lean.return_mean[name] == pytest.approx(daily.mean(), rel=1e-10)
        assert lean.return_std[name] == pytest.approx(daily.std(ddof=1), rel=1e-8)
        deepest = (single.unit_value / single.unit_value.cummax() - 1).min()
        assert lean.max_drawdown[name] == pytest.approx(deepest, rel=1e-12)
