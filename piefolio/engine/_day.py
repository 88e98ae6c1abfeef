"""A pie's full day: the five steps of DESIGN.md for a day that is not quiet.

The conventions of :mod:`piefolio.engine._kernels` hold here. The day is cut in
two: what the prices alone decide (:func:`_prices_day_nb`: the last price, who
is listed, who can trade), which every pie of a batch shares, and the pie's own
steps (:func:`_pie_day_nb`). The single-pie kernel and the batch kernel both run
a busy day through these two, so a batch row equals a single run to the bit.
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from piefolio.engine._session import _execute_nb, _grow_nb, _session_nb
from piefolio.engine._solve import ACTIVE, EXCLUDED, solve_sell_level_nb
from piefolio.engine._steps import (
    FLOW_DEPOSIT,
    FLOW_DIVIDEND,
    FLOW_INTEREST,
    FLOW_WITHDRAWAL,
    POLICY_DEPOSITS,
    _flow_nb,
    _interest_nb,
    _units_nb,
)

__all__ = ["SKIP_MIN_ORDER", "Ledger", "PieArrays", "PieState"]

#: Reason codes of skipped orders (third column of ``skips_i``).
SKIP_MIN_ORDER = 1  # smaller than the plan's min_order: its money waits as cash

#: One pie's slice arrays for a full day, each (N,): its own shares, targets in
#: force (tgt) and plan targets; the day's shared price state (last price,
#: listed, tradable); scratch (hold, zeros, role (int64), orders, skipped,
#: orders2, skipped2, after).
PieArrays = namedtuple(
    "PieArrays",
    "shares tgt targets last listed tradable hold zeros role orders skipped "
    "orders2 skipped2 after",
)

#: A pie's running scalars: cash, units, unit value (uv), ran_out (day or -1),
#: fees paid, and the rows used in its trade and skip ledgers (ntr, nsk).
PieState = namedtuple("PieState", "cash units uv ran_out fees ntr nsk")

#: Where a pie's day is recorded: flows (T, 4) or (0, 4) when only the totals
#: (4,) are kept; trades tr_i (K, 2) int64, tr_f (K, 4); skips sk_i (S, 3)
#: int64, sk_f (S, 1) (grown as needed when ``detail``).
Ledger = namedtuple("Ledger", "flows totals tr_i tr_f sk_i sk_f")


@njit(cache=True)
def _prices_day_nb(t, close, plain_t, last, listed, tradable):  # type: ignore[no-untyped-def]
    """Update the last price, listing and tradability of day ``t``'s slices.

    Returns
    -------
    bool
        Whether a slice listed today (or it is day 0): the targets then change.
    """
    n = close.shape[1]
    newly_listed = t == 0
    if plain_t:
        for i in range(n):
            last[i] = close[t, i]
            tradable[i] = True
        return newly_listed
    for i in range(n):
        p = close[t, i]
        if p == p:  # not NaN
            last[i] = p
            if not listed[i]:
                listed[i] = True
                newly_listed = True
            tradable[i] = True
        else:
            tradable[i] = False
    return newly_listed


@njit(cache=True)
def _retarget_nb(targets, listed, tgt):  # type: ignore[no-untyped-def]
    """Targets in force: a slice not listed yet hands its weight to the listed.

    Pro rata (late_listing = "redistribute"; "error" never gets here).
    """
    n = targets.shape[0]
    wsum = 0.0
    unlisted = False
    for i in range(n):
        if targets[i] > 0.0:
            if listed[i]:
                wsum += targets[i]
            else:
                unlisted = True
    for i in range(n):
        if not unlisted:
            tgt[i] = targets[i]
        elif listed[i] and wsum > 0.0:
            tgt[i] = targets[i] / wsum
        else:
            tgt[i] = 0.0


@njit(cache=True, inline="always")  # as a call, 30 arrays in: a kernel 25 % slower
def _pie_day_nb(t, a, plan, divs, plain_t, newly_listed, s, led, daily, detail):  # type: ignore[no-untyped-def]
    """Run one pie through the busy day ``t``, after :func:`_prices_day_nb`.

    Parameters
    ----------
    t : int
        Day index.
    a : PieArrays
        The pie's arrays (``shares`` and ``tgt`` updated in place).
    plan : PlanArrays
        The plan (see :func:`~piefolio.engine._kernels.simulate_pie_nb`).
    divs : ndarray, shape (T, N) or (0, N)
        Cash dividend per share; (0, N): none at all.
    plain_t, newly_listed : bool
        Day ``t`` is plain (:func:`~piefolio.engine._quiet.plain_days_nb`); a
        slice listed today.
    s : PieState
        The pie's scalars before the day.
    led : Ledger
        Its ledgers; ``daily``: keep the day's flows; ``detail``: the trades
        and skips.

    Returns
    -------
    (value, s, led)
        The day's NAV, the scalars after it and the ledgers (grown arrays).
    """
    days, rate, deposit, withdraw, rebal_day, prop, fixed, min_order, policy, band = (
        plan
    )
    (
        shares, tgt, targets, last, listed, tradable, hold, zeros, role, orders,
        skipped, orders2, skipped2, after,
    ) = a  # fmt: skip
    flows, totals, tr_i, tr_f, sk_i, sk_f = led
    cash, units, uv, ran_out, fees_total, ntr, nsk = s
    n = shares.shape[0]
    uncapped = n < 0
    # Holdings at today's prices (last price in a gap), and (2) cash dividends
    # on the shares held into the ex-date (interest (1) only needs the cash).
    dv = 0.0
    held = 0.0
    if plain_t:
        # Same values as the loop below gives on such a day (an empty slice is
        # worth 0 * price = 0), without its branches.
        for i in range(n):
            hold[i] = shares[i] * last[i]
            held += hold[i]
    else:
        paid = divs.shape[0] != 0  # (0, N): no dividends at all
        for i in range(n):
            if shares[i] > 0.0:
                d = divs[t, i] if paid else 0.0
                if d == d and d != 0.0:
                    dv += shares[i] * d
                hold[i] = shares[i] * last[i]
                held += hold[i]
            else:
                hold[i] = 0.0

    # (1) interest on idle cash for the calendar days since the last step.
    grown = _interest_nb(cash, rate[t], days[t])
    if grown != cash:
        _flow_nb(flows, totals, daily, t, FLOW_INTEREST, grown - cash)
        cash = grown
    if dv != 0.0:
        cash += dv
        _flow_nb(flows, totals, daily, t, FLOW_DIVIDEND, dv)
    if newly_listed:
        _retarget_nb(targets, listed, tgt)

    # (3) deposit, then withdrawal: idle cash first, then sales.
    dep = deposit[t]
    if dep > 0.0:
        cash += dep
        _flow_nb(flows, totals, daily, t, FLOW_DEPOSIT, dep)
    paid = 0.0
    wd = withdraw[t]
    if wd > 0.0:
        if cash < wd:
            need = wd - cash
            net = 0.0
            count = 0
            for i in range(n):
                orders[i] = 0.0
                if tradable[i] and hold[i] > 0.0:
                    role[i] = ACTIVE
                    net += hold[i] * (1.0 - prop[i])
                    count += 1
                else:
                    role[i] = EXCLUDED
            emptied = True
            if policy == POLICY_DEPOSITS:
                x = solve_sell_level_nb(tgt, hold, prop, fixed, role, need)
                if x >= 0.0:
                    emptied = False
                    for i in range(n):
                        if role[i] == ACTIVE and tgt[i] > 0.0:
                            o = tgt[i] * x - hold[i]
                            if o < 0.0:
                                orders[i] = o
            elif net > 0.0:
                frac = (need + fixed * count) / net
                if frac < 1.0:
                    emptied = False
                    for i in range(n):
                        if role[i] == ACTIVE:
                            orders[i] = -frac * hold[i]
            if emptied:
                for i in range(n):
                    if role[i] == ACTIVE:
                        orders[i] = -hold[i]
                if ran_out < 0:
                    ran_out = t
            cash, fee, tr_i, tr_f, ntr = _execute_nb(
                t, orders, shares, last, prop, fixed, cash, emptied, detail,
                tr_i, tr_f, ntr,
            )  # fmt: skip
            fees_total += fee
            held = 0.0
            for i in range(n):
                hold[i] = shares[i] * last[i] if shares[i] > 0.0 else 0.0
                held += hold[i]
        paid = min(wd, cash)
        cash = max(cash - paid, 0.0)
        _flow_nb(flows, totals, daily, t, FLOW_WITHDRAWAL, paid)

    # (4) one trade session: which one depends on the policy and the day.
    nav_pre = cash + held
    session = _session_nb(
        policy, dep, rebal_day[t], cash, nav_pre, band, tradable, tgt, hold,
        zeros, prop, fixed, min_order, role, orders, skipped, orders2,
        skipped2, after,
    )  # fmt: skip
    if session >= 0:
        cash, fee, tr_i, tr_f, ntr = _execute_nb(
            t, orders, shares, last, prop, fixed, cash, uncapped, detail,
            tr_i, tr_f, ntr,
        )  # fmt: skip
        fees_total += fee
        if cash < 0.0:
            # Rounding of w * x summed over slices; anything larger would be a
            # bug, and the invariant tests would catch it.
            cash = 0.0
        if detail:
            sk_i, sk_f = _grow_nb(sk_i, sk_f, nsk, nsk + n)
            for i in range(n):
                if skipped[i] != 0.0:
                    sk_i[nsk, 0] = t
                    sk_i[nsk, 1] = i
                    sk_i[nsk, 2] = SKIP_MIN_ORDER
                    sk_f[nsk, 0] = skipped[i]
                    nsk += 1

    # (5) NAV, and units at the value before the day's external flow.
    if session < 0:
        value = nav_pre  # nothing traded since it was summed
    else:
        value = cash
        for i in range(n):
            if shares[i] > 0.0:
                value += shares[i] * last[i]
    units, uv = _units_nb(value, dep - paid, units, uv)
    return (
        value,
        PieState(cash, units, uv, ran_out, fees_total, ntr, nsk),
        Ledger(flows, totals, tr_i, tr_f, sk_i, sk_f),
    )
