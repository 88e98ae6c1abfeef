"""The kernels' contract with other numba code (Monte Carlo), and the fee solve."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from piefolio.engine import KernelInputs, prepare_inputs
from piefolio.engine._kernels import simulate_pie_nb
from piefolio.engine._solve import (
    ACTIVE,
    BUY_ONLY,
    EXCLUDED,
    RESERVED,
    TWO_SIDED,
    plan_orders_nb,
    session_cost_nb,
    solve_level_nb,
    solve_sell_level_nb,
)
from piefolio.spec import Fees, Flow, Plan


def roles(*r: int) -> np.ndarray:
    return np.array(r, dtype=np.int64)


def test_two_sided_level_solves_v_prime_plus_fees_equals_v() -> None:
    w = np.array([0.5, 0.5])
    a = np.array([600.0, 500.0])
    prop = np.array([0.01, 0.01])
    x = solve_level_nb(w, a, prop, 0.0, roles(ACTIVE, ACTIVE), TWO_SIDED, 0.0)
    assert x == pytest.approx(1099.0)  # fees 0.01 x 100 = 1
    # With zero fees V' = V to rounding.
    x0 = solve_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, ACTIVE), TWO_SIDED, 0.0)
    assert x0 == pytest.approx(1100.0, rel=1e-15)


def test_buy_only_level_stops_inside_a_fixed_fee_jump() -> None:
    # Water-fill with a fixed fee of 5: 100 of cash lifts B from 500 to 600 at
    # level 1200 (cost 100 + 5 = 105 > 100 once A's order starts): B gets 95.
    w = np.array([0.5, 0.5])
    a = np.array([600.0, 500.0])
    x = solve_level_nb(w, a, np.zeros(2), 5.0, roles(ACTIVE, ACTIVE), BUY_ONLY, 100.0)
    assert x == pytest.approx(1190.0)  # 0.5 x - 500 + 5 = 100
    # 102 of cash: B to 600 costs 105 > 102: the level is 1194 (B gets 97).
    x = solve_level_nb(w, a, np.zeros(2), 5.0, roles(ACTIVE, ACTIVE), BUY_ONLY, 102.0)
    assert x == pytest.approx(1194.0)
    # 106: past B's 600, A's order (and its fee) is not affordable: x = 1200.
    x = solve_level_nb(w, a, np.zeros(2), 5.0, roles(ACTIVE, ACTIVE), BUY_ONLY, 106.0)
    assert x == pytest.approx(1200.0)


def test_reserved_buy_keeps_its_money_and_excluded_keeps_its_holding() -> None:
    w = np.array([0.5, 0.5])
    a = np.array([600.0, 500.0])
    # B reserved (no price today): A to half of 1100, 50 waits for B.
    x = solve_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, RESERVED), TWO_SIDED, 0.0)
    assert x == pytest.approx(1100.0)
    # B excluded (a skipped sell would be): A alone takes what is not B.
    x = solve_level_nb(
        w, np.array([500.0, 600.0]), np.zeros(2), 0.0, roles(ACTIVE, EXCLUDED),
        TWO_SIDED, 0.0,
    )  # fmt: skip
    assert 0.5 * x == pytest.approx(500.0)


def test_plan_orders_skips_small_orders_and_reports_them() -> None:
    w = np.array([0.995, 0.005])
    orders, skipped = np.zeros(2), np.zeros(2)
    role = roles(ACTIVE, ACTIVE)
    x = plan_orders_nb(
        w, np.zeros(2), np.zeros(2), 0.0, 1.0, role, BUY_ONLY, 100.0, orders, skipped
    )
    assert x == pytest.approx(100.0)
    np.testing.assert_allclose(orders, [99.5, 0.0])
    np.testing.assert_allclose(skipped, [0.0, 0.5])
    assert list(role) == [ACTIVE, RESERVED]


def test_sell_level_trims_the_most_overweight_first() -> None:
    w = np.array([0.5, 0.5])
    a = np.array([600.0, 500.0])
    x = solve_sell_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, ACTIVE), 50.0)
    assert x == pytest.approx(1100.0)  # only A: 600 -> 550
    x = solve_sell_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, ACTIVE), 150.0)
    assert x == pytest.approx(950.0)
    assert (
        solve_sell_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, ACTIVE), 1200.0) < 0
    )


def test_sell_level_pays_the_fixed_fee_out_of_the_proceeds() -> None:
    # Raise 50 with 1 % and a fixed fee of 1 per order from A = 200, B = 100
    # (w = 0.5 each): only A is above w x on (200, 400), so
    # (200 - 0.5 x) * 0.99 - 1 = 50 -> x = 2 * (200 - 51 / 0.99) = 296.9697.
    w = np.array([0.5, 0.5])
    a = np.array([200.0, 100.0])
    prop = np.full(2, 0.01)
    x = solve_sell_level_nb(w, a, prop, 1.0, roles(ACTIVE, ACTIVE), 50.0)
    assert x == pytest.approx(2 * (200 - 51 / 0.99), rel=1e-12)
    # Without the fixed fee: 200 - 0.5 x = 50 / 0.99 -> x = 298.9899.
    x0 = solve_sell_level_nb(w, a, prop, 0.0, roles(ACTIVE, ACTIVE), 50.0)
    assert x0 == pytest.approx(2 * (200 - 50 / 0.99), rel=1e-12)
    # Both sell below x = 200: (300 - x) * 0.99 - 2 = 150 -> x = 300 - 152 / 0.99.
    x2 = solve_sell_level_nb(w, a, prop, 1.0, roles(ACTIVE, ACTIVE), 150.0)
    assert x2 == pytest.approx(300 - 152 / 0.99, rel=1e-12)


def test_prepare_inputs_takes_the_monte_carlo_placeholder() -> None:
    dates = pd.bdate_range("2026-01-02", periods=300)
    symbols = ["A", "B", "C"]
    placeholder = pd.DataFrame(1.0, index=dates, columns=symbols)
    plan = Plan(
        start=dt.date(2020, 1, 1),
        initial=1000.0,
        deposits=Flow(amount=100.0),
        withdrawals=Flow(amount=30.0, every="quarter"),
        rebalance="quarterly",
        fees=Fees(fx_pct=0.15, commission_fixed=0.5, min_order=1.0),
    ).model_copy(update={"start": dates[0].date(), "end": None})
    inputs = prepare_inputs(
        placeholder, symbols, np.full((1, 3), 1 / 3), plan, fx_mask={"B": True}
    )
    assert isinstance(inputs, KernelInputs)
    assert inputs.deposit[0] == 1000.0 and inputs.days[0] == 0
    assert dates[-1] == pd.Timestamp("2027-02-25")
    assert inputs.deposit.sum() == 1000.0 + 100.0 * 13  # Feb 2026 .. Feb 2027
    np.testing.assert_allclose(inputs.prop, [0.0, 0.0015, 0.0])
    assert (inputs.fixed, inputs.min_order, inputs.policy) == (0.5, 1.0, 1)
    # The kernel as Monte Carlo calls it: positional, detail off; [0] NAV, [10]
    # the day it ran out.
    close = np.cumprod(np.full((300, 3), 1.001), axis=0) * 100.0
    res = simulate_pie_nb(
        close, np.zeros((300, 3)), np.array([0.5, 0.3, 0.2]), inputs.plan_arrays(),
        False,
    )  # fmt: skip
    assert (
        res[0].shape == (300,)
        and res[0][-1] > inputs.deposit.sum() - inputs.withdraw.sum()
    )
    assert res[10] == -1
    assert res[4].shape == (0, 3) and res[6].shape == (0, 2)  # no ledgers kept


def cost_with_tolerance(
    x: float,
    w: np.ndarray,
    a: np.ndarray,
    prop: np.ndarray,
    fixed: float,
    role: np.ndarray,
    mode: int,
    tol: float,
) -> float:
    """session_cost_nb, with an order within ``tol`` of zero counted as none: at a
    breakpoint ``w * (a / w) - a`` is rounding, and plan_orders_nb never places it."""
    total = 0.0
    for wi, ai, pi, ri in zip(w, a, prop, role, strict=True):
        o = wi * x - ai
        if ri == EXCLUDED or abs(o) <= tol:
            continue
        if ri == RESERVED or mode == BUY_ONLY:
            if o > 0:
                total += o + (pi * o + fixed if ri == ACTIVE else 0.0)
        else:
            total += o + pi * abs(o) + fixed
    return total


def test_cost_with_tolerance_matches_the_kernel_away_from_breakpoints() -> None:
    w, a, p = np.array([0.5, 0.5]), np.array([600.0, 500.0]), np.array([0.01, 0.0])
    r = roles(ACTIVE, RESERVED)
    for mode in (TWO_SIDED, BUY_ONLY):
        for x in (0.0, 700.0, 1100.0, 1500.0):
            expected = session_cost_nb(x, w, a, p, 2.0, r, mode, 0.0)
            assert cost_with_tolerance(x, w, a, p, 2.0, r, mode, 1e-9) == pytest.approx(
                expected
            )
    assert cost_with_tolerance(
        1000.0, w, a, p, 2.0, r, TWO_SIDED, 1e-9
    ) != pytest.approx(
        session_cost_nb(1000.0, w, a, p, 3.0, r, TWO_SIDED, 0.0)
    )  # able to fail


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n),
            st.lists(
                st.sampled_from([0.0, 0.0, 10.0, 250.0, 1000.0]), min_size=n, max_size=n
            ),
            st.lists(st.sampled_from([0.0, 0.001, 0.02]), min_size=n, max_size=n),
            st.lists(
                st.sampled_from([ACTIVE, ACTIVE, RESERVED, EXCLUDED]),
                min_size=n,
                max_size=n,
            ),
        )
    ),
    st.sampled_from([0.0, 0.0, 1.0]),
    st.sampled_from([TWO_SIDED, BUY_ONLY]),
    st.floats(0.0, 3000.0),
)
@example(  # found by hypothesis: cash below the tolerance, five dust orders
    arrays=([1.0] * 5, [0.0, 0.0, 0.0, 0.0, 250.0], [0.0] * 5, [ACTIVE] * 5),
    fixed=0.0,
    mode=BUY_ONLY,
    cash=4.1970759333766396e-07,
)
def test_level_spends_exactly_the_cash(
    arrays: tuple[list[float], list[float], list[float], list[int]],
    fixed: float,
    mode: int,
    cash: float,
) -> None:
    raw, held, fee, role = arrays
    w = np.array(raw) / sum(raw)
    a, prop, r = np.array(held), np.array(fee), np.array(role, dtype=np.int64)
    x = solve_level_nb(w, a, prop, fixed, r, mode, cash)
    scale = cash + a.sum() + 1.0
    g0 = session_cost_nb(0.0, w, a, prop, fixed, r, mode, 0.0)
    if x < 0:
        assert g0 > cash
        return
    # The tolerance only keeps a rounding order at a breakpoint from paying the
    # fixed fee; without one, a dust order is just its size (cash of 4e-7 split
    # five ways is all orders under 1e-9 * scale, and dropping them hides it).
    tol = 1e-9 * scale if fixed else 0.0
    g = cost_with_tolerance(x, w, a, prop, fixed, r, mode, tol)
    movable = any(rr != EXCLUDED for rr in role)
    at_breakpoint = any(
        rr == ACTIVE and abs(x - aa / ww) <= 1e-12 * scale
        for rr, aa, ww in zip(role, a, w, strict=True)
    )
    if fixed == 0.0 or not at_breakpoint:
        if movable:
            assert g == pytest.approx(cash, abs=1e-9 * scale)
    else:
        # A fixed fee the cash cannot reach stops the level at a breakpoint
        # (those orders would be zero: no fee), leaving less than their fees.
        assert cash - len(role) * fixed - 1e-9 * scale <= g <= cash + 1e-9 * scale


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n),
            st.lists(st.floats(0.0, 2000.0), min_size=n, max_size=n),
            st.lists(st.sampled_from([0.0, 0.001, 0.02]), min_size=n, max_size=n),
        )
    ),
    st.sampled_from([0.0, 1.0]),
    st.floats(0.01, 0.99),  # of all there is to raise (all of it is x = 0)
)
def test_sell_level_nets_exactly_the_cash_needed(
    arrays: tuple[list[float], list[float], list[float]], fixed: float, share: float
) -> None:
    # Sells that must raise money (the cash drawn above never asks for it): at
    # the level x, each slice above w_i x sells down to it, and the proceeds
    # after its fees, sum (a_i - w_i x)(1 - prop_i) - fixed, are the need.
    raw, held, fee = arrays
    w = np.array(raw) / sum(raw)
    a, prop = np.array(held), np.array(fee)
    role = np.full(len(w), ACTIVE, dtype=np.int64)
    need = share * float((a * (1 - prop)).sum() - fixed * (a > 0).sum())
    if need <= 1e-6:
        return
    x = solve_sell_level_nb(w, a, prop, fixed, role, need)
    assert x >= 0.0  # selling everything raises at least this much
    sold = a > w * x
    net = ((a - w * x)[sold] * (1 - prop[sold])).sum() - fixed * sold.sum()
    assert net == pytest.approx(need, rel=1e-9, abs=1e-9 * (a.sum() + 1.0))


def _walked_level(
    w: np.ndarray, a: np.ndarray, prop: np.ndarray, r: np.ndarray, cash: float
) -> float:
    """The two-sided level without a fixed fee, found as the walk finds it, in
    Python: the cost is linear between sorted breakpoints, so find the first
    breakpoint that costs at least ``cash`` and solve the segment below it."""
    traded = (r != EXCLUDED) & (w > 0)
    points = sorted({0.0, *(a[traded] / w[traded]).tolist()})

    def cost(x: float) -> float:
        return session_cost_nb(x, w, a, prop, 0.0, r, TWO_SIDED, 0.0)

    # Fees only add to the frictionless cost, so twice its level costs more.
    top = 2.0 * (abs(cash) + a[traded].sum()) / w[traded].sum() + points[-1] + 1.0
    lo = 0.0
    for hi in [*points[1:], top]:
        if cost(hi) >= cash:
            break
        lo = hi
    # Slope of the segment, read off two points of it.
    slope = (cost(hi) - cost(lo)) / (hi - lo)
    return lo + (cash - cost(lo)) / slope


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.001, 1.0), min_size=n, max_size=n),
            st.lists(st.floats(0.0, 0.3), min_size=n, max_size=n),
            st.lists(st.sampled_from([0.0002, 0.0017, 0.02]), min_size=n, max_size=n),
            st.lists(
                st.sampled_from([ACTIVE, ACTIVE, ACTIVE, RESERVED, EXCLUDED]),
                min_size=n,
                max_size=n,
            ),
        )
    ),
    st.floats(-0.2, 0.2),
)
def test_two_sided_level_without_fixed_fee_is_the_walk_s(
    arrays: tuple[list[float], list[float], list[float], list[int]], cash_frac: float
) -> None:
    """Two-sided sessions without a fixed fee (a threshold or calendar
    rebalance with FX or percentage fees) solve the level without sorting the
    breakpoints (Newton's steps down a convex cost); up to 40 slices drifted
    apart, so the steps cross many breakpoints. It is the level the sorted
    walk gives, to rounding."""
    raw, drift, fee, role = arrays
    w = np.array(raw) / sum(raw)
    value = 10_000.0
    a = value * w * (1.0 + np.array(drift) * np.where(np.arange(len(w)) % 2, 1, -1))
    prop, r = np.array(fee), np.array(role, dtype=np.int64)
    cash = cash_frac * value
    x = solve_level_nb(w, a, prop, 0.0, r, TWO_SIDED, cash)
    if session_cost_nb(0.0, w, a, prop, 0.0, r, TWO_SIDED, 0.0) > cash:
        assert x == -1.0
        return
    if not np.any((r == ACTIVE) & (w > 0)):
        return  # nothing placed: the walk alone decides, tested above
    assert x == pytest.approx(_walked_level(w, a, prop, r, cash), rel=1e-12, abs=1e-9)
