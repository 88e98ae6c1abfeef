"""Numba kernels of the engine: one pie, or a batch of pies, over plain arrays.

Conventions (every kernel here)
-------------------------------
- Arrays only, float64 unless said; amounts in the base currency; prices are the
  day's close; shares are fractional.
- ``close`` may hold NaN: before a slice's first price (late listing) the slice is
  not *listed* and its target weight goes pro rata to the listed slices; inside a
  gap (NaN after it started) it is valued at its last price and not traded.
- Order of events on day ``t`` (DESIGN.md, engine semantics): (1) interest
  ``cash *= (1 + rate[t]) ** (days[t] / 365)``; (2) cash dividends
  ``shares * divs[t]``; (3) deposit, then withdrawal; (4) one trade session,
  sells before buys, fees out of cash; (5) NAV = cash + sum(shares * price).
- Unit value: on a day with net external flow ``F``, ``uv = (nav - F) /
  units_before`` and ``units = nav / uv``; on a day without, units carry over and
  ``uv = nav / units``; so ``nav == units * uv`` (to rounding) every day. When
  the pie holds nothing (before the first money, or after it ran out; float
  dust under ``DUST`` (1e-12) of a unit counts as nothing) the unit value carries over
  and the next money buys units at it, after its fees.
- Policies (``policy``): 0 none, 1 calendar, 2 threshold, 3 deposits.
- Inputs and outputs are named: :data:`PlanArrays` (the plan as arrays),
  :data:`PieRun` (one pie's run), :data:`BatchRun` (a batch's); skipped orders
  carry a reason code (``SKIP_*``).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, prange

from piefolio.engine._solve import (
    ACTIVE,
    BUY_ONLY,
    DUST,
    EXCLUDED,
    RESERVED,
    TWO_SIDED,
    plan_orders_nb,
    solve_sell_level_nb,
)

__all__ = [
    "DUST",
    "FLOW_DEPOSIT",
    "FLOW_DIVIDEND",
    "FLOW_INTEREST",
    "FLOW_WITHDRAWAL",
    "POLICY_CALENDAR",
    "POLICY_DEPOSITS",
    "POLICY_NONE",
    "POLICY_THRESHOLD",
    "SKIP_MIN_ORDER",
    "BatchRun",
    "PieRun",
    "PlanArrays",
    "path_stats_nb",
    "simulate_batch_nb",
    "simulate_pie_nb",
]

POLICY_NONE = 0
POLICY_CALENDAR = 1
POLICY_THRESHOLD = 2
POLICY_DEPOSITS = 3

# Longest run of quiet days valued in one go (see _quiet_run_nb).
RUN = 64

# Columns of the (T, 4) flows array.
FLOW_DEPOSIT = 0
FLOW_WITHDRAWAL = 1
FLOW_DIVIDEND = 2
FLOW_INTEREST = 3

#: Reason codes of skipped orders (third column of ``skips_i``).
SKIP_MIN_ORDER = 1  # smaller than the plan's min_order: its money waits as cash

#: The plan as kernel arrays, one value instead of ten positional arguments:
#: days (T,) int64, rate (T,), deposit (T,), withdraw (T,), rebal_day (T,)
#: bool, prop (N,), fixed, min_order, band float, policy int.
PlanArrays = namedtuple(
    "PlanArrays",
    "days rate deposit withdraw rebal_day prop fixed min_order policy band",
)

#: One pie's run (see :func:`simulate_pie_nb` for shapes).
PieRun = namedtuple(
    "PieRun",
    "nav cash units unit_value shares flows trades_i trades_f skips_i skips_f "
    "ran_out fees totals",
)

#: A batch's run (see :func:`simulate_batch_nb` for shapes).
BatchRun = namedtuple("BatchRun", "nav cash unit_value totals fees ran_out summary")


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
    new_i[:n] = ints[:n]
    new_f[:n] = floats[:n]
    return new_i, new_f


@njit(cache=True)
def _drifted_nb(value, total, tgt, band):  # type: ignore[no-untyped-def]
    """Whether some held-for slice's weight ``value / total`` is off by > band.

    A pass without divisions first: when no slice comes within DUST of the
    band, the exact test (one division per slice) cannot fire. A slice without
    a target may raise a false alarm there, which the exact test clears.
    """
    near = (band - DUST) * total
    alarm = near <= 0.0
    for i in range(value.shape[0]):
        alarm |= abs(value[i] - tgt[i] * total) >= near
    if not alarm:
        return False
    drift = 0.0
    for i in range(value.shape[0]):
        if tgt[i] > 0.0:
            drift = max(drift, abs(value[i] / total - tgt[i]))
    return drift > band


@njit(cache=True)
def _units_nb(value, flow, units, uv):  # type: ignore[no-untyped-def]
    """Units and unit value after a day worth ``value`` with external ``flow``.

    Units change only with money in or out: on a day without, they carry over
    (rather than ``value / uv``, equal to rounding), which keeps a division off
    the chain from one day to the next. A pie left with nothing but float dust
    (fees that ate it whole) counts as empty: its unit value carries over, as
    it does for a pie worth exactly 0, instead of becoming the dust's ratio.
    """
    if units > 0.0:
        u = (value - flow) / units
        if u > DUST * uv:
            uv = u
            if flow == 0.0:
                return units, uv
    return value / uv, uv


@njit(cache=True)
def _interest_nb(cash, rate, days):  # type: ignore[no-untyped-def]
    """(1) Idle cash after ``days`` calendar days at an annual ``rate`` (Act/365).

    Day 0 has ``days == 0``, so it earns nothing.
    """
    if cash > 0.0 and days > 0 and rate != 0.0:
        return cash * (1.0 + rate) ** (days / 365.0)
    return cash


@njit(cache=True)
def _flow_nb(flows, totals, daily, t, kind, amount):  # type: ignore[no-untyped-def]
    """Record a cash flow of day ``t``: in the day's row (when kept) and the total."""
    totals[kind] += amount
    if daily:
        flows[t, kind] = amount


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


@njit(cache=True)
def plain_days_nb(close, divs):  # type: ignore[no-untyped-def]
    """Days with nothing to look at per slice but its price.

    A day is *plain* when every slice has a price, none lists for the first time
    and none pays a cash dividend (and it is not day 0). The kernel runs such days
    on a short path; every pie of a batch shares the answer.

    Returns
    -------
    ndarray of bool, shape (T,)
    """
    n_days, n = close.shape
    plain = np.zeros(n_days, dtype=np.bool_)
    seen = np.zeros(n, dtype=np.bool_)
    for t in range(n_days):
        ok = t > 0
        for i in range(n):
            if close[t, i] != close[t, i]:  # NaN: no price today
                ok = False
            elif not seen[i]:
                seen[i] = True
                ok = False
            d = divs[t, i]
            if d == d and d != 0.0:
                ok = False
        plain[t] = ok
    return plain


@njit(cache=True)
def simulate_pie_nb(close, divs, targets, plan, detail):  # type: ignore[no-untyped-def]
    """Run one pie through its plan, day by day.

    Parameters
    ----------
    close : ndarray, shape (T, N)
        Base-currency closes; NaN before listing or inside a gap.
    divs : ndarray, shape (T, N)
        Cash dividend per share on ex-dates (zeros when reinvested in prices).
    targets : ndarray, shape (N,)
        Target weights, summing to 1.
    plan : PlanArrays
        The plan as arrays, fields:
    days : ndarray of int64, shape (T,)
        Calendar days since the previous step (0 on day 0).
    rate : ndarray, shape (T,)
        Annual cash interest rate in force on each day (fraction, day count 365).
    deposit : ndarray, shape (T,)
        Money in on each day (day 0 holds the initial amount), base currency.
    withdraw : ndarray, shape (T,)
        Money out asked on each day (positive), base currency.
    rebal_day : ndarray of bool, shape (T,)
        Calendar rebalance due that day (policy 1).
    prop : ndarray, shape (N,)
        Proportional fee per slice (fraction of traded value).
    fixed : float
        Fixed fee per order, base currency.
    min_order : float
        Orders under this value are skipped and reported; the cash waits.
    policy : int
        0 none, 1 calendar, 2 threshold, 3 deposits.
    band : float
        Threshold band in weight points (policy 2).
    detail : bool
        Keep the daily shares and the trade/skip ledgers (False: faster).

    Returns
    -------
    PieRun
        ``nav (T,), cash (T,), units (T,), unit_value (T,), shares (T, N) or
        (0, N), flows (T, 4) [deposit, withdrawal paid, dividend, interest],
        trades_i (K, 2) [day, slice], trades_f (K, 4) [qty, price, value, fee],
        skips_i (S, 3) [day, slice, reason], skips_f (S, 1) [value], ran_out
        (int, day index or -1), fees (float, total), totals (4,) [the flows
        summed in day order]``.
    """
    n_days = close.shape[0]
    nav = np.empty(n_days)
    cash = np.empty(n_days)
    units = np.empty(n_days)
    uv = np.empty(n_days)
    flows = np.zeros((n_days, 4))
    totals = np.zeros(4)
    shares, tr_i, tr_f, sk_i, sk_f, ran_out, fees = _run_pie_nb(
        close, divs, targets, plan, detail, plain_days_nb(close, divs),
        np.ascontiguousarray(close.T), nav, cash, units, uv, flows, totals,
    )  # fmt: skip
    return PieRun(
        nav, cash, units, uv, shares, flows, tr_i, tr_f, sk_i, sk_f, ran_out, fees,
        totals,
    )  # fmt: skip


@njit(cache=True, inline="always")  # called once per run: its 25 arguments add up
def _quiet_run_nb(  # type: ignore[no-untyped-def]
    t, close_t, days, rate, quiet, shares, tgt, hold, last, policy, band, cash,
    units, uv, nav, cash_out, units_out, uv_out, flows, totals, daily_flows,
    shares_out, detail, scratch, alarm,
):  # fmt: skip
    """Value the pie over the run of quiet days that starts at ``t``.

    A quiet day has every price, no money in or out and no calendar rebalance:
    only interest, the NAV and (threshold) the band check. Holdings are summed
    slice by slice across the run's days, so the loop runs over days, which
    vectorizes, while each day's sum keeps the order of the full path (same
    bits). A threshold day whose band check fails ends the run there, before
    that day's interest, for the full path to take it.

    Returns
    -------
    (next_t, cash, units, uv, alarmed)
    """
    n, n_days = close_t.shape
    end = t
    # At most RUN days at a time: a threshold alarm throws away the work done
    # for the days after it.
    while end < n_days and end - t < RUN and quiet[end]:
        end += 1
    m = end - t
    # Rows of ``scratch``: held, cash, value, near. It and close_t are indexed,
    # not sliced: every array view costs numba atomic reference counts.
    # Unsigned day indices: numba then drops its negative-index wraparound, and
    # these loops load contiguous days instead of gathering them (1.4x faster).
    t0 = np.uintp(t)
    mu = np.uintp(m)
    for k in range(mu):
        scratch[0, k] = 0.0
    for i in range(n):
        s = shares[i]
        for k in range(mu):
            scratch[0, k] += s * close_t[i, t0 + k]
    c = cash
    for k in range(m):
        d = t + k
        c = _interest_nb(c, rate[d], days[d])
        scratch[1, k] = c
        scratch[2, k] = c + scratch[0, k]
    stop = m
    if policy == POLICY_THRESHOLD:
        # Without divisions first, across the days: far from the band no exact
        # test is needed. A slice without a target can raise a false alarm;
        # the exact test clears it. An empty pie (value 0) is never checked.
        for k in range(m):
            v = scratch[2, k]
            scratch[3, k] = (band - DUST) * v if v > 0.0 else np.inf
            alarm[k] = v > 0.0 and scratch[3, k] <= 0.0
        for i in range(n):
            s = shares[i]
            w = tgt[i]
            for k in range(mu):
                alarm[k] |= (
                    abs(s * close_t[i, t0 + k] - w * scratch[2, k]) >= scratch[3, k]
                )
        for k in range(m):
            if alarm[k]:
                for i in range(n):
                    hold[i] = shares[i] * close_t[i, t + k]
                if _drifted_nb(hold, scratch[2, k], tgt, band):
                    stop = k
                    break
    for k in range(stop):
        d = t + k
        value = scratch[2, k]
        if scratch[1, k] != cash:
            _flow_nb(flows, totals, daily_flows, d, FLOW_INTEREST, scratch[1, k] - cash)
        cash = scratch[1, k]
        # The same close as step (5) of the full path, written out: as a helper
        # taking the output arrays, even inlined, it cost 3x (reference counts).
        units, uv = _units_nb(value, 0.0, units, uv)
        nav[d] = value
        cash_out[d] = cash
        units_out[d] = units
        uv_out[d] = uv
        if detail:
            shares_out[d] = shares
    if stop > 0:
        for i in range(n):
            last[i] = close_t[i, t + stop - 1]
    return t + stop, cash, units, uv, stop < m


@njit(cache=True)
def _run_pie_nb(  # type: ignore[no-untyped-def]
    close, divs, targets, plan, detail, plain, close_t, nav, cash_out, units_out,
    uv_out, flows, totals,
):  # fmt: skip
    """:func:`simulate_pie_nb` given :func:`plain_days_nb` of its prices.

    ``close_t`` is ``close`` transposed, (N, T) contiguous, for quiet runs.

    Writes the daily ``nav``, ``cash_out``, ``units_out`` and ``uv_out`` (T,)
    and, when ``flows`` has T rows (zeros), the day's flows; adds them up in
    ``totals`` (4,) either way. Returns ``(shares, trades_i, trades_f, skips_i,
    skips_f, ran_out, fees)``.
    """
    days, rate, deposit, withdraw, rebal_day, prop, fixed, min_order, policy, band = (
        plan
    )
    n_days, n = close.shape
    daily_flows = flows.shape[0] == n_days
    shares_out = np.zeros((n_days if detail else 0, n))
    cap = 64 if detail else 0
    tr_i = np.empty((cap, 2), dtype=np.int64)
    tr_f = np.empty((cap, 4))
    sk_i = np.empty((cap, 3), dtype=np.int64)
    sk_f = np.empty((cap, 1))
    # Counters and flags as runtime values, not literals, so that the helpers
    # below compile once rather than once per literal combination.
    ntr = np.int64(0)
    nsk = np.int64(0)
    uncapped = n < 0

    shares = np.zeros(n)
    last = np.full(n, np.nan)
    listed = np.zeros(n, dtype=np.bool_)
    tradable = np.zeros(n, dtype=np.bool_)
    hold = np.zeros(n)
    zeros = np.zeros(n)
    tgt = targets.copy()
    role = np.zeros(n, dtype=np.int64)
    orders = np.zeros(n)
    skipped = np.zeros(n)
    orders2 = np.zeros(n)
    skipped2 = np.zeros(n)
    after = np.zeros(n)
    cash = 0.0
    units = 0.0
    uv = 1.0
    ran_out = -1
    fees_total = 0.0

    # Most days nothing happens: no money in or out, no rebalance due, every
    # price there. A run of such days is valued in one go (_quiet_run_nb); a
    # threshold alarm inside it ends the run and that day takes the full path.
    quiet = plain & (deposit == 0.0) & (withdraw == 0.0)
    if policy == POLICY_CALENDAR:
        quiet &= ~rebal_day
    scratch = np.empty((4, RUN))
    alarm = np.empty(RUN, dtype=np.bool_)
    t = 0
    alarmed = False
    while t < n_days:
        if quiet[t] and not alarmed:
            t, cash, units, uv, alarmed = _quiet_run_nb(
                t, close_t, days, rate, quiet, shares, tgt, hold, last, policy,
                band, cash, units, uv, nav, cash_out, units_out, uv_out, flows,
                totals, daily_flows, shares_out, detail, scratch, alarm,
            )  # fmt: skip
            continue
        alarmed = False
        # Prices of the day, and (2) cash dividends on the shares held into the
        # ex-date, in one pass (interest (1) only needs the cash, so order holds).
        newly_listed = t == 0
        dv = 0.0
        held = 0.0  # holdings value at today's prices (last price in a gap)
        if plain[t]:
            # Same values as the full loop below gives on such a day (an empty
            # slice is worth 0 * price = 0), without its branches.
            for i in range(n):
                p = close[t, i]
                last[i] = p
                tradable[i] = True
                hold[i] = shares[i] * p
                held += hold[i]
        for i in range(n if not plain[t] else 0):
            p = close[t, i]
            if p == p:  # not NaN
                last[i] = p
                if not listed[i]:
                    listed[i] = True
                    newly_listed = True
                tradable[i] = True
            else:
                tradable[i] = False
            if shares[i] > 0.0:
                d = divs[t, i]
                if d == d and d != 0.0:
                    dv += shares[i] * d
                hold[i] = shares[i] * last[i]
                held += hold[i]
            else:
                hold[i] = 0.0

        # (1) interest on idle cash for the calendar days since the last step.
        grown = _interest_nb(cash, rate[t], days[t])
        if grown != cash:
            _flow_nb(flows, totals, daily_flows, t, FLOW_INTEREST, grown - cash)
            cash = grown
        if dv != 0.0:
            cash += dv
            _flow_nb(flows, totals, daily_flows, t, FLOW_DIVIDEND, dv)

        # Targets: a slice not listed yet hands its weight pro rata to the listed
        # ones (late_listing = "redistribute"; "error" never gets here). They
        # only change when a slice lists.
        if newly_listed:
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

        # (3) deposit, then withdrawal: idle cash first, then sales.
        dep = deposit[t]
        if dep > 0.0:
            cash += dep
            _flow_nb(flows, totals, daily_flows, t, FLOW_DEPOSIT, dep)
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
            _flow_nb(flows, totals, daily_flows, t, FLOW_WITHDRAWAL, paid)

        # (4) one trade session: which one depends on the policy and the day.
        may_trade = (
            dep > 0.0
            or policy == POLICY_THRESHOLD
            or (policy == POLICY_CALENDAR and rebal_day[t])
        )
        nav_pre = cash + held
        session = -1
        if not may_trade:
            pass
        elif policy == POLICY_CALENDAR and rebal_day[t]:
            session = TWO_SIDED  # a deposit that day is part of the rebalance
        elif dep > 0.0 and cash > 0.0:
            session = BUY_ONLY
        if session >= 0:
            for i in range(n):
                role[i] = _role(tradable[i], tgt[i])
        if session == BUY_ONLY:
            base = hold if policy == POLICY_DEPOSITS else zeros
            x = plan_orders_nb(
                tgt, base, prop, fixed, min_order, role, BUY_ONLY, cash, orders,
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
                after[:] = hold
            if post > 0.0 and _drifted_nb(after, post, tgt, band):
                for i in range(n):
                    role[i] = _role(tradable[i], tgt[i])
                x = plan_orders_nb(
                    tgt, hold, prop, fixed, min_order, role, TWO_SIDED, cash,
                    orders2, skipped2,
                )  # fmt: skip
                if x >= 0.0:
                    session = TWO_SIDED
                    orders[:] = orders2  # the rebalance replaces the buy
                    skipped[:] = skipped2
        elif session == TWO_SIDED:
            x = plan_orders_nb(
                tgt, hold, prop, fixed, min_order, role, TWO_SIDED, cash, orders,
                skipped,
            )  # fmt: skip
            if x < 0.0:
                session = -1
        if session >= 0:
            cash, fee, tr_i, tr_f, ntr = _execute_nb(
                t, orders, shares, last, prop, fixed, cash, uncapped, detail,
                tr_i, tr_f, ntr,
            )  # fmt: skip
            fees_total += fee
            if cash < 0.0:
                # Rounding of w * x summed over slices; anything larger would
                # be a bug, and the invariant tests would catch it.
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
        nav[t] = value
        cash_out[t] = cash
        units_out[t] = units
        uv_out[t] = uv
        if detail:
            shares_out[t] = shares
        t += 1
    return (
        shares_out, tr_i[:ntr], tr_f[:ntr], sk_i[:nsk], sk_f[:nsk], ran_out,
        fees_total,
    )  # fmt: skip


@njit(cache=True)
def path_stats_nb(unit):  # type: ignore[no-untyped-def]
    """Mean and sample std of a unit-value path's daily returns; its max drawdown.

    Parameters
    ----------
    unit : ndarray, shape (T,)
        Unit values, positive.

    Returns
    -------
    (mean, std, max_drawdown)
        Simple daily returns (NaN with fewer than 2 or 3 days); the drawdown is
        a negative fraction (0 when the path never falls below a peak).
    """
    n_days = unit.shape[0]
    total = 0.0
    squares = 0.0
    peak = unit[0]
    low = 0.0
    for t in range(1, n_days):
        r = unit[t] / unit[t - 1] - 1.0
        total += r
        squares += r * r
        if unit[t] > peak:
            peak = unit[t]
        elif unit[t] / peak - 1.0 < low:
            low = unit[t] / peak - 1.0
    m = n_days - 1
    mean = total / m if m > 0 else np.nan
    var = (squares - m * mean**2) / (m - 1) if m > 1 else np.nan
    return mean, np.sqrt(max(var, 0.0)) if m > 1 else np.nan, low


@njit(cache=True, parallel=True)
def simulate_batch_nb(close, divs, targets, plan, paths):  # type: ignore[no-untyped-def]
    """Run P pies (one row of ``targets`` each) through the same plan and prices.

    Each pie is :func:`simulate_pie_nb` with ``detail=False``, so a row equals a
    single run bit for bit. Parameters are those of :func:`simulate_pie_nb`, with
    ``targets`` of shape (P, N), and ``paths``: keep the daily NAV, cash and
    unit value of every pie (False: only the summary, and each pie's days live
    in a buffer that stays in cache, so a sweep of 100,000 pies never holds
    100,000 paths nor pays for their memory).

    Returns
    -------
    BatchRun
        ``nav (P, T), cash (P, T), unit_value (P, T)`` (or (P, 0) each without
        ``paths``), ``totals (P, 4) [deposit, withdrawal, dividend, interest],
        fees (P,), ran_out (P,), summary (P, 5) [final nav, final unit value,
        mean and std of daily returns, max drawdown] (see path_stats_nb)``.
    """
    n_pies = targets.shape[0]
    n_days = close.shape[0]
    kept = n_days if paths else 0
    nav = np.empty((n_pies, kept))
    cash = np.empty((n_pies, kept))
    uv = np.empty((n_pies, kept))
    totals = np.zeros((n_pies, 4))
    fees = np.empty(n_pies)
    ran_out = np.empty(n_pies, dtype=np.int64)
    summary = np.empty((n_pies, 5))
    # False, but not a compile-time constant: a literal False would make numba
    # compile (and cache) a second copy of the single-pie kernel.
    detail = n_pies < 0
    plain = plain_days_nb(close, divs)
    close_t = np.ascontiguousarray(close.T)
    no_flows = np.empty((0, 4))  # totals only
    for p in prange(n_pies):
        if paths:
            nav_p, cash_p, uv_p = nav[p], cash[p], uv[p]
        else:
            nav_p, cash_p, uv_p = np.empty(n_days), np.empty(n_days), np.empty(n_days)
        _, _, _, _, _, ran_out[p], fees[p] = _run_pie_nb(
            close, divs, targets[p], plan, detail, plain, close_t, nav_p, cash_p,
            np.empty(n_days), uv_p, no_flows, totals[p],
        )  # fmt: skip
        mean, sd, deepest = path_stats_nb(uv_p)
        summary[p, 0] = nav_p[-1]
        summary[p, 1] = uv_p[-1]
        summary[p, 2] = mean
        summary[p, 3] = sd
        summary[p, 4] = deepest
    return BatchRun(nav, cash, uv, totals, fees, ran_out, summary)
