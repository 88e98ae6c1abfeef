"""The money ledger's one contract, and the one money-weighted return computed from it.

Conventions
-----------
- **Signed from the pie's side**: money into the pie is positive (deposits, the
  initial amount on day one, dividends, interest), money out of it negative
  (withdrawals). The engine writes its ledger this way; every layer above reads
  it this way.
- Totals shown to people are positive: ``deposited`` is the money put in and
  ``withdrawn`` the money taken out (:func:`positive_total` keeps ``-0.0`` out).
- The money-weighted return (XIRR) is the annual rate that discounts the
  investor's flows to zero: the pie's external flows with their sign turned
  (money put in leaves the investor's pocket) and the final value paid back on
  the last date. Act/365F, :func:`pyxirr.xirr`; NaN when no rate solves it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import overload

import numpy as np
import pyxirr

from piefolio.typing import FloatArray

__all__ = ["FLOW_KINDS", "positive_total", "xirr"]

#: Kinds of the ledger's rows, in their order within a day.
FLOW_KINDS = ("deposit", "withdrawal", "dividend", "interest")


def positive_total(amount: float) -> float:
    """Return a total as a positive figure: ``abs``, with ``-0.0`` made ``0.0``."""
    return abs(float(amount)) + 0.0


def _days(dates: Sequence[object] | np.ndarray) -> np.ndarray:
    return np.asarray(dates, dtype="datetime64[D]")


@overload
def xirr(
    dates: Sequence[object] | np.ndarray,
    net_in: FloatArray,
    final: float,
    *,
    end: object | None = None,
) -> float: ...
@overload
def xirr(
    dates: Sequence[object] | np.ndarray,
    net_in: FloatArray,
    final: FloatArray,
    *,
    end: object | None = None,
) -> FloatArray: ...
def xirr(
    dates: Sequence[object] | np.ndarray,
    net_in: FloatArray,
    final: float | FloatArray,
    *,
    end: object | None = None,
) -> float | FloatArray:
    """Money-weighted annual return of dated external flows and a final value.

    Parameters
    ----------
    dates : array-like of dates, shape (K,)
        Dates of ``net_in`` (anything ``numpy.datetime64`` takes); need not be
        unique. Days with a zero flow are ignored.
    net_in : FloatArray, shape (K,) or (..., K)
        Net money into the pie on each date (deposits minus withdrawals, in the
        ledger's sign); the initial amount included. A leading shape runs many
        ledgers over the same dates at once (one per path or per series).
    final : float or FloatArray, shape (...)
        Value paid back to the investor on ``end``. Broadcast against the
        leading shape of ``net_in``.
    end : date, optional
        Date of ``final``; default the last of ``dates``.

    Returns
    -------
    float or FloatArray, shape (...)
        Annual rate ``x`` solving ``sum_i -net_in_i / (1 + x) ** (d_i / 365) +
        final / (1 + x) ** (d_end / 365) = 0``; NaN where no rate solves it
        (no flow at all, or every flow of one sign).
    """
    days = _days(dates)
    last = days[-1] if end is None else np.datetime64(end, "D")
    flows = np.asarray(net_in, dtype=np.float64)
    finals = np.asarray(final, dtype=np.float64)
    shape = np.broadcast_shapes(flows.shape[:-1], finals.shape)
    finals = np.broadcast_to(finals, shape)
    shared = flows.ndim == 1  # one ledger for every final value: sort it out once
    if shared:
        moved = flows != 0.0
        when = np.append(days[moved], last)
        paid = -flows[moved]
    else:
        flows = np.broadcast_to(flows, (*shape, days.shape[0]))
    out = np.full(shape, np.nan)
    for idx in np.ndindex(shape):
        if not shared:
            row = flows[idx]
            moved = row != 0.0
            when = np.append(days[moved], last)
            paid = -row[moved]
        if not moved.any():
            continue
        amounts = np.append(paid, finals[idx])
        # The rate does not depend on the unit of money, but pyxirr's tolerance
        # is absolute: past ~1e11 it never converges (NaN). Solve in units of
        # the largest flow.
        scale = np.max(np.abs(amounts))
        if np.isfinite(scale) and scale > 0:
            amounts = amounts / scale
        try:
            rate = pyxirr.xirr(when, amounts, silent=True)
        except pyxirr.InvalidPaymentsError:
            rate = None
        out[idx] = math.nan if rate is None else rate
    if out.ndim == 0:
        return float(out)
    return out
