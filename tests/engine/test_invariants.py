"""Invariants of any run (hypothesis): money is accounted for, nothing goes negative,
a batch row is a single run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piefolio.engine import Result, simulate, simulate_batch
from piefolio.engine._kernels import simulate_pie_nb
from piefolio.engine.simulate import prepare_inputs
from piefolio.spec import Fees, Flow, Plan

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass
class Case:
    prices: pd.DataFrame
    weights: dict[str, float]
    plan: Plan
    dividends: pd.DataFrame | None
    fx_mask: dict[str, bool]


@st.composite
def cases(draw: st.DrawFn, *, gaps: bool = True) -> Case:
    n = draw(st.integers(1, 4))
    t = draw(st.integers(3, 70))
    rets = np.array(
        draw(st.lists(st.floats(-0.2, 0.2), min_size=n * t, max_size=n * t))
    ).reshape(t, n)
    close = 20.0 * np.cumprod(1.0 + rets, axis=0)
    late = gaps and draw(st.booleans())
    if late:
        for j in range(1, n):  # slice 0 always trades from day one
            first = draw(st.integers(0, t - 1))
            close[:first, j] = np.nan
            if draw(st.booleans()):  # and a gap after listing
                g0 = draw(st.integers(first, t - 1))
                close[g0 : g0 + draw(st.integers(1, 5)), j] = np.nan
    dates = pd.bdate_range("2024-01-29", periods=t)
    symbols = [f"S{j}" for j in range(n)]
    prices = pd.DataFrame(close, index=dates, columns=symbols)
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    raw[0] += 0.05
    w = raw / raw.sum()
    weights = dict(zip(symbols, w.tolist(), strict=True))
    weights[symbols[0]] += 1.0 - sum(weights.values())
    every = draw(st.sampled_from(["week", "month"]))
    deposits = draw(
        st.none()
        | st.just(Flow(amount=draw(st.sampled_from([5.0, 100.0, 1000.0])), every=every))
    )
    withdrawals = draw(
        st.none()
        | st.just(
            Flow(
                amount=draw(st.sampled_from([50.0, 400.0, 3000.0])),
                every=every,
                day=2 if every == "week" else 3,
            )
        )
    )
    rebalance = draw(
        st.sampled_from(
            [
                "none",
                "deposits",
                "monthly",
                {"policy": "threshold", "band": 0.02},
                {"policy": "threshold", "band": 0.1},
            ]
        )
    )
    fees = Fees(
        commission_pct=draw(st.sampled_from([0.0, 0.1, 2.0])),
        commission_fixed=draw(st.sampled_from([0.0, 0.0, 1.0])),
        fx_pct=draw(st.sampled_from([0.0, 0.15])),
        spread_bps=draw(st.sampled_from([0.0, 5.0])),
        min_order=draw(st.sampled_from([0.0, 1.0, 30.0])),
    )
    cash_mode = draw(st.booleans())
    dividends = None
    if cash_mode:
        divs = np.where(
            np.array(
                draw(st.lists(st.booleans(), min_size=n * t, max_size=n * t))
            ).reshape(t, n),
            0.3,
            0.0,
        )
        dividends = pd.DataFrame(divs, index=dates, columns=symbols)
    plan = Plan(
        start=dt.date(2024, 1, 29),
        initial=draw(st.sampled_from([0.0, 1000.0])) if deposits else 1000.0,
        deposits=deposits,
        withdrawals=withdrawals,
        rebalance=rebalance,
        fees=fees,
        cash_interest=draw(st.sampled_from([0.0, 0.04])),
        dividends="cash" if cash_mode else "reinvest",
        late_listing="redistribute",
    )
    fx_mask = {s: draw(st.booleans()) for s in symbols}
    return Case(prices, weights, plan, dividends, fx_mask)


def run(case: Case) -> Result:
    return simulate(
        case.prices,
        case.weights,
        case.plan,
        dividends=case.dividends,
        fx_mask=case.fx_mask,
    )


@SETTINGS
@given(cases())
def test_money_is_accounted_for_every_day(case: Case) -> None:
    r = run(case)
    px = case.prices[list(r.symbols)].ffill().fillna(0.0).to_numpy()
    shares = r.shares.to_numpy()
    nav = r.nav.to_numpy()
    scale = max(r.deposited, 1.0)
    # NAV = cash + holdings; nothing negative; NAV = units x unit value.
    np.testing.assert_allclose(
        nav, r.cash + (shares * px).sum(axis=1), rtol=1e-9, atol=1e-9 * scale
    )
    assert (shares >= 0).all() and (r.cash >= 0).all() and (nav >= 0).all()
    np.testing.assert_allclose(
        nav, r.units * r.unit_value, rtol=1e-9, atol=1e-9 * scale
    )
    # Fees are the ledger's; a trade's value is qty x price.
    assert r.fees == np.float64(r.trades["fee"].sum()) or np.isclose(
        r.fees, r.trades["fee"].sum(), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(r.trades["value"], r.trades["qty"] * r.trades["price"])
    # Day by day: NAV moves by the market on yesterday's shares, the flows, the fees.
    flows = r.flows.groupby("date")["amount"].sum().reindex(r.dates, fill_value=0.0)
    fees = r.trades.groupby("date")["fee"].sum().reindex(r.dates, fill_value=0.0)
    market = np.zeros_like(nav)
    market[1:] = (shares[:-1] * (px[1:] - px[:-1])).sum(axis=1)
    prev = np.concatenate([[0.0], nav[:-1]])
    np.testing.assert_allclose(
        nav,
        prev + market + flows.to_numpy() - fees.to_numpy(),
        rtol=1e-9,
        atol=1e-9 * scale,
    )
    # Deposits and withdrawals in the ledger are the totals.
    assert r.withdrawn >= 0
    assert r.deposited == np.float64(
        r.flows.loc[r.flows["kind"] == "deposit", "amount"].sum()
    ) or np.isclose(
        r.deposited, r.flows.loc[r.flows["kind"] == "deposit", "amount"].sum()
    )


@SETTINGS
@given(cases(gaps=False))
def test_zero_fees_and_daily_rebalance_conserve_money(case: Case) -> None:
    symbols = list(case.weights)
    w = np.array([[case.weights[s] for s in symbols]])
    plan = case.plan.model_copy(update={"fees": Fees(min_order=0.0)})
    inp = prepare_inputs(case.prices, symbols, w, plan, dividends=case.dividends)
    # Calendar policy (1), a rebalance due every day.
    plan = inp.plan_arrays()._replace(
        rebal_day=np.ones_like(inp.rebal_day), policy=1, band=0.0
    )
    res = simulate_pie_nb(inp.close, inp.divs, inp.targets[0], plan, True)
    nav, cash, shares, flows = res[0], res[1], res[4], res[5]
    assert res[11] == 0.0  # no fees
    px = inp.close
    market = np.zeros_like(nav)
    market[1:] = (shares[:-1] * (px[1:] - px[:-1])).sum(axis=1)
    external = flows[:, 0] - flows[:, 1] + flows[:, 2] + flows[:, 3]
    prev = np.concatenate([[0.0], nav[:-1]])
    scale = max(inp.deposit.sum(), 1.0)
    np.testing.assert_allclose(
        nav, prev + market + external, rtol=1e-9, atol=1e-9 * scale
    )
    held = nav > 0
    weights = shares * px / np.where(held, nav, 1.0)[:, None]
    np.testing.assert_allclose(
        weights[held], np.broadcast_to(inp.targets[0], weights.shape)[held], atol=1e-9
    )
    np.testing.assert_allclose(cash, 0.0, atol=1e-9 * scale)


@SETTINGS
@given(cases(), st.lists(st.integers(0, 2**31), min_size=1, max_size=4))
def test_batch_rows_equal_single_runs(case: Case, seeds: list[int]) -> None:
    symbols = list(case.prices.columns)
    rows = {}
    for p, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        raw = rng.random(len(symbols)) * (rng.random(len(symbols)) > 0.3)
        raw[0] += 0.1
        rows[f"pie{p}"] = raw / raw.sum()
    weights = pd.DataFrame(rows, index=symbols).T
    # Symbols that no pie of the batch holds must not change anything.
    weights = weights[list(reversed(symbols))]
    batch = simulate_batch(
        case.prices, weights, case.plan, dividends=case.dividends, fx_mask=case.fx_mask
    )
    for name in batch.names:
        single = simulate(
            case.prices,
            {s: float(v) for s, v in weights.loc[name].items() if v > 0},
            case.plan,
            dividends=case.dividends,
            fx_mask=case.fx_mask,
        )
        np.testing.assert_array_equal(batch.nav[name].to_numpy(), single.nav.to_numpy())
        np.testing.assert_array_equal(
            batch.cash[name].to_numpy(), single.cash.to_numpy()
        )
        np.testing.assert_array_equal(
            batch.unit_value[name].to_numpy(), single.unit_value.to_numpy()
        )
        assert batch.fees[name] == single.fees
        assert batch.final_value[name] == single.final_value
        assert batch.deposited[name] == single.deposited
        assert batch.twr[name] == single.twr
        ran = batch.ran_out[name]
        assert (pd.isna(ran) and single.ran_out is None) or ran == single.ran_out
    detail = batch.result(batch.names[0])
    np.testing.assert_array_equal(
        detail.nav.to_numpy(), batch.nav[batch.names[0]].to_numpy()
    )
