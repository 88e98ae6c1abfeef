"""Quiet days: the engine's fast path over days when nothing but prices move.

A *plain* day has every price, no first listing and no cash dividend; a *quiet*
day is a plain day with no money in or out and no calendar rebalance. Runs of
quiet days are valued in one go, summed in the order of the full path so the
result is the same to the bit (:mod:`piefolio.engine._kernels`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from piefolio.engine._solve import DUST
from piefolio.engine._steps import (
    FLOW_INTEREST,
    POLICY_THRESHOLD,
    _drifted_nb,
    _flow_nb,
    _interest_nb,
    _units_nb,
)

__all__ = ["RUN", "QuietArrays", "plain_days_nb"]

# Longest run of quiet days valued in one go (see _quiet_run_nb).
RUN = 64

#: The arrays a quiet run reads and writes, one value built once per pie run:
#: close_t (N, T) contiguous closes; days, rate (T,) and quiet (T,) bool of the
#: plan; shares, tgt, hold, last (N,) of the pie; the daily outputs nav,
#: cash_out, units_out, uv_out (T,), flows (T, 4) or (0, 4), totals (4,),
#: shares_out (T, N) or (0, N); scratch (4, RUN) and alarm (RUN,) bool.
QuietArrays = namedtuple(
    "QuietArrays",
    "close_t days rate quiet shares tgt hold last nav cash_out units_out uv_out "
    "flows totals shares_out scratch alarm",
)


@njit(cache=True)
def plain_days_nb(close, divs):  # type: ignore[no-untyped-def]
    """Days with nothing to look at per slice but its price.

    A day is *plain* when every slice has a price, none lists for the first time
    and none pays a cash dividend (and it is not day 0). ``divs`` is (T, N), or
    (0, N) when nothing pays dividends. The kernel runs such days
    on a short path; every pie of a batch shares the answer.

    Returns
    -------
    ndarray of bool, shape (T,)
    """
    n_days, n = close.shape
    paid = divs.shape[0] != 0  # (0, N): no dividends at all
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
            if paid:
                d = divs[t, i]
                if d == d and d != 0.0:
                    ok = False
        plain[t] = ok
    return plain


@njit(cache=True, inline="always")  # once per run of quiet days, in the day loop
def _quiet_run_nb(t, q, policy, band, cash, units, uv, daily_flows, detail):  # type: ignore[no-untyped-def]
    """Value the pie over the run of quiet days that starts at ``t``.

    A quiet day has every price, no money in or out and no calendar rebalance:
    only interest, the NAV and (threshold) the band check. Holdings are summed
    slice by slice across the run's days, so the loop runs over days, which
    vectorizes, while each day's sum keeps the order of the full path (same
    bits). A threshold day whose band check fails ends the run there, before
    that day's interest, for the full path to take it.

    Parameters
    ----------
    t : int
        First day of the run (a quiet day).
    q : QuietArrays
        The pie's arrays (read: close_t, days, rate, quiet, shares, tgt;
        written: hold, last, scratch, alarm and the daily outputs).
    policy : int
        ``POLICY_*`` of the plan.
    band : float
        Threshold band in weight points.
    cash, units, uv : float
        The pie's cash, units and unit value before day ``t``.
    daily_flows, detail : bool
        Keep the day's flows, and the daily shares.

    Returns
    -------
    (next_t, cash, units, uv, alarmed)
    """
    (
        close_t, days, rate, quiet, shares, tgt, hold, last, nav, cash_out,
        units_out, uv_out, flows, totals, shares_out, scratch, alarm,
    ) = q  # fmt: skip
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
            for i in range(shares.shape[0]):  # no slice assignment: see _grow_nb
                shares_out[d, i] = shares[i]
    if stop > 0:
        for i in range(n):
            last[i] = close_t[i, t + stop - 1]
    return t + stop, cash, units, uv, stop < m
