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

from piefolio.engine._quiet import RUN, QuietArrays, _quiet_run_nb, plain_days_nb
from piefolio.engine._session import _execute_nb, _grow_nb, _session_nb
from piefolio.engine._solve import (
    ACTIVE,
    DUST,
    EXCLUDED,
    solve_sell_level_nb,
)
from piefolio.engine._steps import (
    FLOW_DEPOSIT,
    FLOW_DIVIDEND,
    FLOW_INTEREST,
    FLOW_WITHDRAWAL,
    POLICY_CALENDAR,
    POLICY_DEPOSITS,
    POLICY_NONE,
    POLICY_THRESHOLD,
    _flow_nb,
    _interest_nb,
    _units_nb,
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
    q = QuietArrays(
        close_t, days, rate, quiet, shares, tgt, hold, last, nav, cash_out,
        units_out, uv_out, flows, totals, shares_out, np.empty((4, RUN)),
        np.empty(RUN, dtype=np.bool_),
    )  # fmt: skip
    t = 0
    alarmed = False
    while t < n_days:
        if quiet[t] and not alarmed:
            t, cash, units, uv, alarmed = _quiet_run_nb(
                t, q, policy, band, cash, units, uv, daily_flows, detail
            )
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
