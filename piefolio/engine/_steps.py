"""One day's steps of the engine as small kernels: interest, flows, units, drift.

The conventions of :mod:`piefolio.engine._kernels` hold here (arrays, base
currency, the order of a day's events). Shared by the full day
(:mod:`~piefolio.engine._kernels`) and the quiet-day run
(:mod:`~piefolio.engine._quiet`), so both compute each step the same way, to the
bit.
"""

from __future__ import annotations

from numba import njit

from piefolio.engine._solve import DUST

__all__ = [
    "FLOW_DEPOSIT",
    "FLOW_DIVIDEND",
    "FLOW_INTEREST",
    "FLOW_WITHDRAWAL",
    "POLICY_CALENDAR",
    "POLICY_DEPOSITS",
    "POLICY_NONE",
    "POLICY_THRESHOLD",
]

#: Rebalancing policies as the kernel reads them.
POLICY_NONE = 0
POLICY_CALENDAR = 1
POLICY_THRESHOLD = 2
POLICY_DEPOSITS = 3

# Columns of the (T, 4) flows array.
FLOW_DEPOSIT = 0
FLOW_WITHDRAWAL = 1
FLOW_DIVIDEND = 2
FLOW_INTEREST = 3


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


@njit(cache=True, inline="always")  # kind is a literal: one copy per kind
def _flow_nb(flows, totals, daily, t, kind, amount):  # type: ignore[no-untyped-def]
    """Record a cash flow of day ``t``: in the day's row (when kept) and the total."""
    totals[kind] += amount
    if daily:
        flows[t, kind] = amount
