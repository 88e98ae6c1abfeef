"""simulate_paths: every path's numbers are a simulate of its closes, to the bit.

The reference is the public :func:`piefolio.simulate` of each path's closes
(100 compounded by the path's returns, in the kernel's order), with the same
plan: the paths kernel steps whole blocks of paths at their own prices, and
any difference in the order of its sums would show here as unequal bits.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.engine import prepare_inputs, simulate, simulate_paths
from piefolio.engine.paths import PATH_BLOCK, simulate_drawn
from piefolio.spec import Plan

START = dt.date(2030, 1, 1)


def closes(returns: np.ndarray) -> np.ndarray:
    """A path's closes as the kernel compounds them: 100, then ``*= 1 + r``."""
    start = np.full((1, returns.shape[1]), 100.0)
    out: np.ndarray = np.cumprod(np.vstack([start, 1.0 + returns]), axis=0)[1:]
    return out


def reference(
    returns: np.ndarray,
    plan: Plan,
    targets: np.ndarray,
    sample_at: np.ndarray,
    fx: dict[str, bool],
    paths: list[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NAV on the sampled days, ran-out day and withdrawals paid, by simulate."""
    n_days, n = returns.shape[1:]
    dates = pd.bdate_range(START, periods=n_days)
    symbols = [f"S{i}" for i in range(n)]
    nav = np.empty((len(paths), len(targets), len(sample_at)))
    ran_out = np.empty((len(paths), len(targets)), dtype=np.int64)
    paid = np.empty((len(paths), len(targets), n_days))
    for k, p in enumerate(paths):
        prices = pd.DataFrame(closes(returns[p]), index=dates, columns=symbols)
        for s, row in enumerate(targets):
            weights = {symbols[i]: w for i, w in enumerate(row) if w > 0}
            run = simulate(prices[list(weights)], weights, plan, fx_mask=fx)
            nav[k, s] = run.nav.to_numpy()[sample_at]
            ran_out[k, s] = -1 if run.ran_out is None else dates.get_loc(run.ran_out)
            out = run.flows.query("kind == 'withdrawal'")
            paid[k, s] = 0.0
            paid[k, s, dates.get_indexer(out["date"])] = -out["amount"].to_numpy()
    return nav, ran_out, paid


POLICIES = st.sampled_from(
    [
        "none",
        "monthly",
        "quarterly",
        "deposits",
        {"policy": "threshold", "band": 0.02},
        {"policy": "threshold", "band": 0.1},
    ]
)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    spec: dict[str, object] = {
        "start": START.isoformat(),
        "initial": draw(st.sampled_from([0.0, 50.0, 1000.0])),
        "rebalance": draw(POLICIES),
        "fees": {
            "commission_pct": draw(st.sampled_from([0.0, 0.1])),
            "commission_fixed": draw(st.sampled_from([0.0, 0.0, 0.5])),
            "fx_pct": draw(st.sampled_from([0.0, 0.15])),
            "spread_bps": draw(st.sampled_from([0.0, 5.0])),
            "min_order": draw(st.sampled_from([0.0, 1.0, 20.0])),
        },
        "cash_interest": draw(st.sampled_from([0.0, 0.03])),
    }
    if spec["initial"] == 0.0 or draw(st.booleans()):
        spec["deposits"] = {"amount": draw(st.sampled_from([1.0, 100.0])), "day": 1}
    if draw(st.booleans()):
        # 150 a month out of about 1,000 empties some pies within the run.
        spec["withdrawals"] = {
            "amount": draw(st.sampled_from([20.0, 150.0, 400.0])),
            "every": draw(st.sampled_from(["week", "month"])),
            "day": 3,
        }
    return Plan.model_validate(spec)


@settings(max_examples=40, deadline=None)
@given(
    plan=plans(),
    n=st.integers(1, 5),
    n_paths=st.sampled_from([1, 3, PATH_BLOCK - 1, PATH_BLOCK + 2, 2 * PATH_BLOCK + 5]),
    n_days=st.integers(2, 200),
    vol=st.sampled_from([0.005, 0.03]),
    seed=st.integers(0, 2**16),
)
def test_each_path_is_a_simulate_of_its_closes(
    plan: Plan, n: int, n_paths: int, n_days: int, vol: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    returns = rng.normal(2e-4, vol, (n_paths, n_days, n))
    symbols = [f"S{i}" for i in range(n)]
    fx = {s: bool(rng.integers(2)) for s in symbols}
    # The pie, a one-slice benchmark and a pie on some of the slices.
    pie = rng.dirichlet(np.ones(n))
    some = np.where(rng.random(n) < 0.5, rng.random(n), 0.0)
    some[rng.integers(n)] = 1.0
    targets = np.vstack([pie, np.eye(n)[n - 1], some / some.sum()])
    dates = pd.bdate_range(START, periods=n_days)
    inputs = prepare_inputs(
        pd.DataFrame(1.0, index=dates, columns=symbols), symbols,
        np.full((1, n), 1.0 / n), plan, fx_mask=fx,
    )  # fmt: skip
    sample_at = np.unique(np.r_[rng.integers(0, n_days, 4), n_days - 1])
    got = simulate_paths(returns, inputs, targets, sample_at)
    # The block edges and two others.
    paths = sorted(
        {0, n_paths - 1, min(PATH_BLOCK, n_paths - 1), *rng.integers(0, n_paths, 2)}
    )
    nav, ran_out, paid = reference(returns, plan, targets, sample_at, fx, paths)
    np.testing.assert_array_equal(got.nav[paths], nav)
    np.testing.assert_array_equal(got.ran_out[paths], ran_out)
    if inputs.withdraw.any():
        np.testing.assert_array_equal(got.withdrawn[paths], paid)
    else:
        assert got.withdrawn.shape == (n_paths, 3, 0)
        assert not paid.any()


def test_paths_that_run_out_and_paths_that_do_not() -> None:
    # 300 out a month from 1,000 in, from February on (the period after the
    # start): a flat path pays 300 in February, March and April, then the 100
    # left on 1 May, the day it runs out; a path that doubles on each of its
    # first ten days (the first is the day it buys at, so 2**9 counts) pays
    # every month and never runs out.
    plan = Plan.model_validate(
        {
            "start": START.isoformat(),
            "initial": 1000,
            "withdrawals": {"amount": 300, "every": "month", "day": 1},
            "fees": {"min_order": 0},
        }
    )
    n_days = 130
    returns = np.zeros((2, n_days, 1))
    returns[1, :10] = 1.0
    dates = pd.bdate_range(START, periods=n_days)
    inputs = prepare_inputs(
        pd.DataFrame(1.0, index=dates, columns=["A"]), ["A"], np.ones((1, 1)), plan
    )
    runs = simulate_paths(returns, inputs, np.ones((1, 1)), np.array([-1]))
    assert runs.ran_out[:, 0].tolist() == [dates.get_loc("2030-05-01"), -1]
    assert runs.withdrawn[0, 0].sum() == pytest.approx(1000.0)
    months = dates.to_period("M").nunique() - 1  # February to the last month
    assert runs.withdrawn[1, 0].sum() == pytest.approx(300.0 * months)
    assert runs.nav[1, 0, 0] == pytest.approx(1000 * 2**9 - 300.0 * months)
    assert runs.nav[0, 0, 0] == 0.0


def test_drawn_rows_are_the_paths_of_those_rows() -> None:
    """A bootstrap's drawn days run as the paths they stand for."""
    rng = np.random.default_rng(5)
    history = rng.normal(3e-4, 0.01, (50, 3))
    drawn = rng.integers(0, 50, (70, 40))
    plan = Plan.model_validate(
        {"start": START.isoformat(), "initial": 500, "rebalance": "monthly",
         "deposits": {"amount": 50}, "fees": {"fx_pct": 0.15}}
    )  # fmt: skip
    dates = pd.bdate_range(START, periods=40)
    symbols = ["A", "B", "C"]
    inputs = prepare_inputs(
        pd.DataFrame(1.0, index=dates, columns=symbols), symbols,
        np.full((1, 3), 1 / 3), plan,
    )  # fmt: skip
    targets = np.array([[0.5, 0.3, 0.2], [0.0, 1.0, 0.0]])
    at = np.array([0, 20, 39])
    one = simulate_drawn(history, drawn, inputs, targets, at)
    two = simulate_paths(history[drawn], inputs, targets, at)
    np.testing.assert_array_equal(one.nav, two.nav)
    np.testing.assert_array_equal(one.ran_out, two.ran_out)


def test_sample_days_outside_the_run_are_refused() -> None:
    dates = pd.bdate_range(START, periods=5)
    plan = Plan.model_validate({"start": START.isoformat(), "initial": 100})
    inputs = prepare_inputs(
        pd.DataFrame(1.0, index=dates, columns=["A"]), ["A"], np.ones((1, 1)), plan
    )
    with pytest.raises(IndexError, match="day indices of the 5 days"):
        simulate_paths(np.zeros((1, 5, 1)), inputs, np.ones((1, 1)), np.array([5]))
