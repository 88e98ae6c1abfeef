"""The trade session of a day: the slices' roles and the orders placed.

Sells before buys, fees out of cash (step 4 of a day in
:mod:`piefolio.engine._kernels`); the orders themselves come from
:mod:`piefolio.engine._solve`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from piefolio.engine._solve import (
    ACTIVE,
    BUY_ONLY,
    EXCLUDED,
    RESERVED,
    TWO_SIDED,
    plan_orders_nb,
)
from piefolio.engine._steps import (
    POLICY_CALENDAR,
    POLICY_DEPOSITS,
    POLICY_THRESHOLD,
    _drifted_nb,
)

__all__: list[str] = []


@njit(cache=True)
def _grow_nb(ints, floats, n, need):  # type: ignore[no-untyped-def]
    """Make room for ``need`` rows in a ledger of ``n`` (ints (K, 2), floats (K, m)).

    At least doubles it. Called once before a loop that may add rows, never
    inside it: an array reassigned in a loop costs numba reference counting
    (atomic operations) on every pass, taken or not: a fifth of a batch's time.
    """
    if need <= ints.shape[0]:
        return ints, floats
    cap = max(64, 2 * ints.shape[0], need)
    new_i = np.empty((cap, ints.shape[1]), dtype=np.int64)
    new_f = np.empty((cap, floats.shape[1]))
    # Element loops, not ``new_i[:n] = ints[:n]``: a slice assignment brings
    # numba's shape-mismatch error (string formatting) into the compile, 5 s
    # of a first run's 30.
    for r in range(n):
        for c in range(ints.shape[1]):
            new_i[r, c] = ints[r, c]
        for c in range(floats.shape[1]):
            new_f[r, c] = floats[r, c]
    return new_i, new_f


@njit(cache=True, inline="always")
def _mode(mode):  # type: ignore[no-untyped-def]
    """Return ``mode`` as a plain int64, not a numba literal.

    A global constant passed as is is a literal, and each literal value
    compiles its own copy of the solve: twice the compile for one solve.
    """
    return np.int64(mode)


@njit(cache=True)
def _role(tradable, target):  # type: ignore[no-untyped-def]
    """Role of a slice in a session: no price today -> its buy money waits."""
    if target <= 0.0:
        return EXCLUDED
    return ACTIVE if tradable else RESERVED


@njit(cache=True, inline="always")  # as a call, its arguments cost a deposit day 14 %
def _execute_nb(  # type: ignore[no-untyped-def]
    t, orders, shares, price, prop, fixed, cash, cap_fee, detail, tr_i, tr_f, ntr
):
    """Place the orders of one session: sells first, then buys.

    ``orders`` are values (base currency, negative = sell). A sell of the whole
    holding sets the shares to exactly zero. With ``cap_fee`` (emptying the pie
    for a withdrawal) a fee never exceeds the order, so NAV cannot go negative.

    Returns
    -------
    (cash, fees, tr_i, tr_f, ntr)
    """
    fees = 0.0
    if detail:
        tr_i, tr_f = _grow_nb(tr_i, tr_f, ntr, ntr + orders.shape[0])
    for side in range(2):  # 0: sells, 1: buys
        for i in range(orders.shape[0]):
            o = orders[i]
            if o == 0.0 or (side == 0) != (o < 0.0):
                continue
            held = shares[i] * price[i]
            if o < 0.0 and -o >= held:
                new = 0.0
            else:
                new = shares[i] + o / price[i]
                if new < 0.0:
                    new = 0.0
            qty = new - shares[i]
            value = qty * price[i]
            fee = prop[i] * abs(o) + fixed
            if cap_fee and fee > abs(value):
                fee = abs(value)
            shares[i] = new
            cash -= value + fee
            fees += fee
            if detail:
                tr_i[ntr, 0] = t
                tr_i[ntr, 1] = i
                tr_f[ntr, 0] = qty
                tr_f[ntr, 1] = price[i]
                tr_f[ntr, 2] = value
                tr_f[ntr, 3] = fee
                ntr += 1
    return cash, fees, tr_i, tr_f, ntr


@njit(cache=True, inline="always")  # once per busy day, in the day loop
def _session_nb(  # type: ignore[no-untyped-def]
    policy, dep, rebal, cash, nav_pre, band, tradable, tgt, hold, zeros, prop,
    fixed, min_order, role, orders, skipped, orders2, skipped2, after,
):  # fmt: skip
    """Decide the day's trade session and plan its orders (step 4 of a day).

    A calendar rebalance day trades both ways (a deposit that day is part of
    the rebalance); a deposit is invested buy-only (at the targets, or for
    ``deposits`` towards them); under a threshold policy, a pie drifted by more
    than ``band`` after the day's buys is rebalanced both ways instead.

    Parameters
    ----------
    policy : int
        ``POLICY_*`` of the plan.
    dep, cash, nav_pre : float
        The day's deposit, the cash after it and the withdrawal, and the NAV
        before trading, base currency.
    rebal : bool
        A calendar rebalance is due today.
    band : float
        Threshold band in weight points.
    tradable, tgt, hold, zeros, prop : ndarray, shape (N,)
        Priced today, today's targets, holdings' values, zeros, fee rates.
    fixed, min_order : float
        Fixed fee per order and the smallest order, base currency.
    role, orders, skipped, orders2, skipped2, after : ndarray, shape (N,)
        Scratch the session writes; ``orders`` and ``skipped`` hold its plan.

    Returns
    -------
    int
        ``BUY_ONLY`` or ``TWO_SIDED`` with ``orders`` to place, or -1: no
        trade today.
    """
    n = tgt.shape[0]
    may_trade = (
        dep > 0.0 or policy == POLICY_THRESHOLD or (policy == POLICY_CALENDAR and rebal)
    )
    session = -1
    if not may_trade:
        pass
    elif policy == POLICY_CALENDAR and rebal:
        session = TWO_SIDED  # a deposit that day is part of the rebalance
    elif dep > 0.0 and cash > 0.0:
        session = BUY_ONLY
    if session >= 0:
        for i in range(n):
            role[i] = _role(tradable[i], tgt[i])
    if session == BUY_ONLY:
        base = hold if policy == POLICY_DEPOSITS else zeros
        x = plan_orders_nb(
            tgt, base, prop, fixed, min_order, role, _mode(BUY_ONLY), cash, orders,
            skipped,
        )  # fmt: skip
        if x < 0.0:
            session = -1
    if policy == POLICY_THRESHOLD and may_trade and nav_pre > 0.0:
        # Drift is measured after the day's deposit is invested at targets.
        post = nav_pre
        if session == BUY_ONLY:
            for i in range(n):
                if orders[i] != 0.0:
                    post -= prop[i] * abs(orders[i]) + fixed
                after[i] = hold[i] + orders[i]
        else:
            for i in range(n):  # no slice assignment: see _grow_nb
                after[i] = hold[i]
        if post > 0.0 and _drifted_nb(after, post, tgt, band):
            for i in range(n):
                role[i] = _role(tradable[i], tgt[i])
            x = plan_orders_nb(
                tgt, hold, prop, fixed, min_order, role, _mode(TWO_SIDED), cash,
                orders2, skipped2,
            )  # fmt: skip
            if x >= 0.0:
                session = TWO_SIDED
                for i in range(n):  # the rebalance replaces the buy
                    orders[i] = orders2[i]
                    skipped[i] = skipped2[i]
    elif session == TWO_SIDED:
        x = plan_orders_nb(
            tgt, hold, prop, fixed, min_order, role, _mode(TWO_SIDED), cash, orders,
            skipped,
        )  # fmt: skip
        if x < 0.0:
            session = -1
    return session
