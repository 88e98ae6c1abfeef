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
from numba import njit

from piefolio.engine._batch import BatchRun, simulate_batch_nb
from piefolio.engine._day import (
    SKIP_MIN_ORDER,
    Ledger,
    PieArrays,
    PieState,
    _pie_day_nb,
    _prices_day_nb,
)
from piefolio.engine._quiet import RUN, QuietArrays, _quiet_run_nb, plain_days_nb
from piefolio.engine._solve import DUST
from piefolio.engine._steps import (
    FLOW_DEPOSIT,
    FLOW_DIVIDEND,
    FLOW_INTEREST,
    FLOW_WITHDRAWAL,
    POLICY_CALENDAR,
    POLICY_DEPOSITS,
    POLICY_NONE,
    POLICY_THRESHOLD,
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
    "simulate_batch_nb",
    "simulate_pie_nb",
]

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


@njit(cache=True)
def simulate_pie_nb(close, divs, targets, plan, detail):  # type: ignore[no-untyped-def]
    """Run one pie through its plan, day by day.

    Parameters
    ----------
    close : ndarray, shape (T, N)
        Base-currency closes; NaN before listing or inside a gap.
    divs : ndarray, shape (T, N) or (0, N)
        Cash dividend per share on ex-dates; (0, N): no dividends (reinvested
        in the prices).
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
    # One kernel, no wrapper that only forwards: numba compiled both at first
    # use. The daily outputs: nav, cash, units, unit value (T,); the flows
    # (T, 4) and their totals (4,).
    n_days, n = close.shape
    nav, cash_out = np.empty(n_days), np.empty(n_days)
    units_out, uv_out = np.empty(n_days), np.empty(n_days)
    flows, totals = np.zeros((n_days, 4)), np.zeros(4)
    plain = plain_days_nb(close, divs)
    close_t = np.ascontiguousarray(close.T)
    days, rate, deposit, withdraw = plan.days, plan.rate, plan.deposit, plan.withdraw
    rebal_day, policy, band = plan.rebal_day, plan.policy, plan.band
    daily_flows = flows.shape[0] == n_days
    shares_out = np.zeros((n_days if detail else 0, n))
    cap = 64 if detail else 0
    led = Ledger(
        flows, totals, np.empty((cap, 2), dtype=np.int64), np.empty((cap, 4)),
        np.empty((cap, 3), dtype=np.int64), np.empty((cap, 1)),
    )  # fmt: skip
    # Counters and flags as runtime values, not literals, so that the helpers
    # below compile once rather than once per literal combination.
    ntr = np.int64(0)
    nsk = np.int64(0)

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
    a = PieArrays(
        shares, tgt, targets, last, listed, tradable, hold, zeros, role, orders,
        skipped, orders2, skipped2, after,
    )  # fmt: skip
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
    # int64 from the start: a literal 0 here makes numba type (and compile)
    # the day's callees once for the literal and again for int64, 6 s.
    t = np.int64(0)
    alarmed = False
    while t < n_days:
        if quiet[t] and not alarmed:
            t, cash, units, uv, alarmed = _quiet_run_nb(
                t, q, policy, band, cash, units, uv, daily_flows, detail
            )
            continue
        alarmed = False
        newly_listed = _prices_day_nb(t, close, plain[t], last, listed, tradable)
        value, state, led = _pie_day_nb(
            t, a, plan, divs, plain[t], newly_listed,
            PieState(cash, units, uv, ran_out, fees_total, ntr, nsk), led,
            daily_flows, detail,
        )  # fmt: skip
        cash, units, uv, ran_out, fees_total, ntr, nsk = state
        nav[t] = value
        cash_out[t] = cash
        units_out[t] = units
        uv_out[t] = uv
        if detail:
            for i in range(n):  # no slice assignment: see _session._grow_nb
                shares_out[t, i] = shares[i]
        t += 1
    return PieRun(
        nav, cash_out, units_out, uv_out, shares_out, flows, led.tr_i[:ntr],
        led.tr_f[:ntr], led.sk_i[:nsk], led.sk_f[:nsk], ran_out, fees_total, totals,
    )  # fmt: skip
