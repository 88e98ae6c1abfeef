"""The fee solve's edge cases, each with an answer worked out by hand.

Found by mutating ``piefolio/engine/_solve.py`` (``python mutation/run.py
piefolio/engine/_solve.py``): each test below fails on a mutant that the rest of
the suite let through.
"""

from __future__ import annotations

import numpy as np

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


def roles(*r: int) -> np.ndarray:
    return np.array(r, dtype=np.int64)


def plan(w, a, prop, fixed, min_order, role, mode, cash):  # type: ignore[no-untyped-def]
    # float(cash): an int compiles the whole solve a second time (for int cash).
    n = len(w)
    orders, skipped = np.zeros(n), np.zeros(n)
    x = plan_orders_nb(
        np.asarray(w, dtype=np.float64), np.asarray(a, dtype=np.float64),
        np.asarray(prop, dtype=np.float64), fixed, min_order, role, mode,
        float(cash), orders, skipped,
    )  # fmt: skip
    return x, orders, skipped


def test_a_frictionless_rebalance_is_one_division_to_the_last_bit() -> None:
    # No fee: the level is the pie's value, 17.3 + 54.88 + 20.3 = 92.48, and
    # (20.3 - (-72.18)) / 1 is the double nearest 92.48. The breakpoint walk
    # gets there by two segments and lands 2 ulp above (92.48000000000002).
    # The third slice is not traded (excluded, with a fee of its own): it must
    # not turn the shortcut off.
    w = np.array([0.5, 0.5, 0.25])
    a = np.array([17.3, 54.88, 10.0])
    prop = np.array([0.0, 0.0, 0.01])
    role = roles(ACTIVE, ACTIVE, EXCLUDED)
    x = solve_level_nb(w, a, prop, 0.0, role, TWO_SIDED, 20.3)
    assert x == 92.48


def test_a_holding_under_one_is_sold_at_level_zero() -> None:
    # g(0) is minus everything held, 0.5 + 99.5 = 100, however small a
    # holding: the level of a rebalance with no cash and no fee is 100.
    w = np.array([0.5, 0.5])
    a = np.array([0.5, 99.5])
    x = solve_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, ACTIVE), TWO_SIDED, 0.0)
    assert x == 100.0


def test_liquidating_for_less_than_the_fixed_fee_is_refused() -> None:
    # Selling all of 10 pays a fixed fee of 20: g(0) = -10 + 20 = 10 > 0 of
    # cash, so no level exists: -1, and no order is planned.
    w, a, role = np.array([1.0]), np.array([10.0]), roles(ACTIVE)
    assert solve_level_nb(w, a, np.zeros(1), 20.0, role, TWO_SIDED, 0.0) == -1.0
    x, orders, skipped = plan(w, a, [0.0], 20.0, 0.0, role, TWO_SIDED, 0.0)
    assert x == -1.0
    assert orders.tolist() == [0.0]
    assert skipped.tolist() == [0.0]
    # Buy-only new money with negative cash has no level either.
    assert (
        solve_level_nb(w, np.zeros(1), np.zeros(1), 0.0, role, BUY_ONLY, -1.0) == -1.0
    )


def test_level_zero_sells_the_whole_holding() -> None:
    # Cash of -100 must be raised from a holding of 100 with no fee: the
    # level is 0, g(0) = -100, and the order sells all 100.
    x, orders, _ = plan([1.0], [100.0], [0.0], 0.0, 0.0, roles(ACTIVE), TWO_SIDED, -100)
    assert x == 0.0
    assert orders.tolist() == [-100.0]


def test_new_money_under_the_fixed_fee_buys_nothing() -> None:
    # 0.5 of new money against a fixed fee of 1: the order cannot pay its own
    # fee, so the level stays at 0 and nothing is bought.
    x, orders, skipped = plan(
        [1.0], [0.0], [0.02], 1.0, 0.0, roles(ACTIVE), BUY_ONLY, 0.5
    )
    assert x == 0.0
    assert orders.tolist() == [0.0]
    assert skipped.tolist() == [0.0]


def test_a_pie_on_target_places_no_sliver_order() -> None:
    # 350 / 0.35 = 1000 is the pie's value, but 0.65 * 1000.0000000000001 - 650
    # is 1.1e-13, not 0: a rounding sliver that a fixed fee of 1 would make
    # cost 1. Both orders must be exactly 0. The last slice (nothing held, not
    # traded) keeps the dust tolerance from being measured on it alone.
    w = [0.35, 0.65, 0.0]
    role = roles(ACTIVE, ACTIVE, EXCLUDED)
    x, orders, skipped = plan(w, [350.0, 650.0, 0.0], [0.0] * 3, 1.0, 0.0, role,
                              TWO_SIDED, 0.0)  # fmt: skip
    assert x >= 0.0
    assert orders.tolist() == [0.0, 0.0, 0.0]
    assert skipped.tolist() == [0.0, 0.0, 0.0]


def test_a_skipped_buy_is_solved_again_without_its_fee() -> None:
    # 100 of new money, w = 0.995 / 0.005, 1 % fees, min_order 1. First solve:
    # x = 100 / 1.01, B's order 0.005 x = 0.495 < 1 is skipped (its money
    # waits, no fee). Solved again: 0.995 x * 1.01 + 0.005 x = 100, so
    # x = 100 / 1.00495 and A buys 0.995 x = 99.00990...; B's skip is the order
    # it was skipped at, 0.495.
    role = roles(ACTIVE, ACTIVE)
    x, orders, skipped = plan([0.995, 0.005], [0.0, 0.0], [0.01, 0.01], 0.0, 1.0,
                              role, BUY_ONLY, 100.0)  # fmt: skip
    level = 100.0 / (0.995 * 1.01 + 0.005)
    np.testing.assert_allclose(x, level, rtol=1e-13)
    np.testing.assert_allclose(orders, [0.995 * level, 0.0], rtol=1e-13)
    np.testing.assert_allclose(skipped, [0.0, 0.005 * 100.0 / 1.01], rtol=1e-13)
    assert role.tolist() == [ACTIVE, RESERVED]


def test_a_small_sell_keeps_its_holding_and_a_small_buy_its_money() -> None:
    # Rebalance 51 / 49 to 50 / 50 with min_order 5: A's sell of 1 and B's buy
    # of 1 are both skipped. A keeps its holding (excluded), B's money would
    # wait (reserved); nothing is ordered.
    role = roles(ACTIVE, ACTIVE)
    x, orders, skipped = plan([0.5, 0.5], [51.0, 49.0], [0.0, 0.0], 0.0, 5.0, role,
                              TWO_SIDED, 0.0)  # fmt: skip
    assert x >= 0.0
    assert orders.tolist() == [0.0, 0.0]
    np.testing.assert_allclose(skipped, [-1.0, 1.0], rtol=1e-12)
    assert role.tolist() == [EXCLUDED, RESERVED]


def test_a_slice_out_of_the_session_does_not_stop_the_others() -> None:
    # A is excluded; B alone takes 100 of new money: level 100 / 0.5 = 200,
    # B buys 0.5 * 200 = 100.
    x, orders, _ = plan([0.5, 0.5], [0.0, 0.0], [0.0, 0.0], 0.0, 0.0,
                        roles(EXCLUDED, ACTIVE), BUY_ONLY, 100.0)  # fmt: skip
    assert x == 200.0
    assert orders.tolist() == [0.0, 100.0]


def test_session_cost_counts_a_buy_under_one() -> None:
    # Level 1, nothing held, w = 0.5 each: two buys of 0.5, each with 1 % and a
    # fixed fee of 1: 2 * (0.5 + 0.005 + 1) = 3.01.
    w, a = np.array([0.5, 0.5]), np.zeros(2)
    prop = np.full(2, 0.01)
    g = session_cost_nb(1.0, w, a, prop, 1.0, roles(ACTIVE, ACTIVE), BUY_ONLY, 0.0)
    assert g == 3.01


def test_buy_only_level_turns_at_a_breakpoint_under_one() -> None:
    # A holds 0.25 (breakpoint 0.5), B 10 (breakpoint 20), w = 0.5 each, no
    # fee, 1 of cash: only A buys, 0.5 x - 0.25 = 1, so x = 2.5.
    w = np.array([0.5, 0.5])
    a = np.array([0.25, 10.0])
    x = solve_level_nb(w, a, np.zeros(2), 0.0, roles(ACTIVE, ACTIVE), BUY_ONLY, 1.0)
    assert x == 2.5


def test_selling_everything_that_exactly_raises_the_need_is_level_zero() -> None:
    # Raise 100 from a holding of 100, no fee: the level is 0 (all sold), not
    # "cannot raise it" (-1).
    x = solve_sell_level_nb(
        np.array([1.0]), np.array([100.0]), np.zeros(1), 0.0, roles(ACTIVE), 100.0
    )
    assert x == 0.0


def test_nothing_to_sell_raises_nothing() -> None:
    # Nothing held: no sell raises 10, -1.
    x = solve_sell_level_nb(
        np.array([0.5, 0.5]), np.zeros(2), np.zeros(2), 0.0,
        roles(EXCLUDED, EXCLUDED), 10.0,
    )  # fmt: skip
    assert x == -1.0


def test_an_order_of_exactly_min_order_is_placed() -> None:
    # 2 of new money at 50 / 50, min_order 1: two orders of exactly 1, the
    # smallest order placed, not skipped.
    x, orders, skipped = plan([0.5, 0.5], [0.0, 0.0], [0.0, 0.0], 0.0, 1.0,
                              roles(ACTIVE, ACTIVE), BUY_ONLY, 2.0)  # fmt: skip
    assert x == 2.0
    assert orders.tolist() == [1.0, 1.0]
    assert skipped.tolist() == [0.0, 0.0]


def test_an_order_its_fixed_fee_makes_unaffordable_stays_cash() -> None:
    # A = 600, B = 500, w = 0.5 each, fixed fee 5, 106 of cash (buy-only): B
    # to 600 costs 100 + 5, leaving 1, less than A's fixed fee. The level stops
    # at A's breakpoint 1200: A gets no order, B buys 100, 1 stays cash.
    x, orders, skipped = plan([0.5, 0.5], [600.0, 500.0], [0.0, 0.0], 5.0, 0.0,
                              roles(ACTIVE, ACTIVE), BUY_ONLY, 106.0)  # fmt: skip
    assert x == 1200.0
    assert orders.tolist() == [0.0, 100.0]
    assert skipped.tolist() == [0.0, 0.0]


def test_a_holding_under_one_is_not_new_money() -> None:
    # Buy-only towards the targets with A holding 0.5 and B nothing, 10 of
    # cash, no fee: (0.5 x - 0.5) + 0.5 x = 10, x = 10.5; A buys 4.75, B 5.25.
    # Taken for new money (nothing held), A's 0.5 would be forgotten: x = 10.
    x, orders, _ = plan([0.5, 0.5], [0.5, 0.0], [0.0, 0.0], 0.0, 0.0,
                        roles(ACTIVE, ACTIVE), BUY_ONLY, 10.0)  # fmt: skip
    assert x == 10.5
    assert orders.tolist() == [4.75, 5.25]


def test_a_rebalance_with_cash_stops_where_a_slice_needs_no_order() -> None:
    # A = 100, B = 50, w = 0.5 each, fixed fee 1, 51 of cash. At level 200 A
    # is on target and B buys 50 for 50 + 1 = 51: exactly the cash. Just below
    # 200, A would sell a sliver and pay a fee of 1 for it (x - 148 = 51 at
    # x = 199: A sells 0.5, B buys 49.5); the level of no order wins.
    x, orders, _ = plan([0.5, 0.5], [100.0, 50.0], [0.0, 0.0], 1.0, 0.0,
                        roles(ACTIVE, ACTIVE), TWO_SIDED, 51.0)  # fmt: skip
    assert x == 200.0
    assert orders.tolist() == [0.0, 50.0]
