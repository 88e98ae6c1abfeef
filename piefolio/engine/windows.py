"""One plan over many windows of one price frame: the runs of a start sweep.

A start sweep runs the same plan from hundreds of start dates. Each run is
:func:`~piefolio.engine.simulate` of the plan with its ``start`` and ``end``
replaced, but what does not depend on the window is done once: the frame's
columns of each series are copied into kernel arrays once and every window is
a row slice of them (no copy); weights, dividends and fees are validated once;
only the window's own facts (prices positive inside it, a price for every held
slice on its first day) and its schedule are worked out per window.

Conventions
-----------
- A window ``(start, end)`` means the plan's ``start`` and ``end`` (``end``
  None: to the last date); its runs equal ``simulate(frame, weights,
  replace(plan, start=start, end=end))`` of each series, bit for bit.
- Arrays are (W, P): windows in the order given, series in ``names`` order.
- ``xirr`` is :func:`piefolio.ledger.xirr` of the money that moved: the
  scheduled deposits and withdrawals, or, for a series that could not pay
  every withdrawal (it ran out), the ones it paid; with the final value paid
  back on the window's last day. ``withdrawn`` is positive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.engine._kernels import PlanArrays, simulate_pie_nb
from piefolio.engine.frame import Frame, day_numbers, frame_of
from piefolio.engine.simulate import (
    _bounds,
    _check_dividends,
    _check_weights,
    _check_window,
    _columns,
    _fee_rates,
    _kernel_order,
    _positions,
    _schedule,
    _weights_dict,
)
from piefolio.ledger import xirr
from piefolio.spec import Plan
from piefolio.typing import FloatArray, IntArray

__all__ = ["WindowRuns", "simulate_windows"]

_FIELDS = (
    "final_value",
    "deposited",
    "withdrawn",
    "fees",
    "twr",
    "xirr",
    "max_drawdown",
)


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class WindowRuns:
    """P series run through one plan over W windows of one frame.

    Attributes
    ----------
    names : tuple of str, length P
        The series, in the order given.
    first, last : pd.DatetimeIndex, shape (W,)
        First and last trading day of each window's run.
    final_value, deposited, withdrawn, fees, twr, xirr, max_drawdown : FloatArray
        Shape (W, P), as a :class:`~piefolio.engine.Result` of each run has
        them (``max_drawdown``: deepest fall of the unit value below an
        earlier peak, negative or 0).
    ran_out : IntArray, shape (W, P)
        Day (index within the window) a withdrawal emptied the series, or -1.
    """

    names: tuple[str, ...]
    first: pd.DatetimeIndex
    last: pd.DatetimeIndex
    final_value: FloatArray
    deposited: FloatArray
    withdrawn: FloatArray
    fees: FloatArray
    twr: FloatArray
    xirr: FloatArray
    max_drawdown: FloatArray
    ran_out: IntArray


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class _Columns:
    """One series' kernel arrays over the rows every window lies in."""

    close: FloatArray  # (R, n) C-ordered: a window is a row slice, no copy
    divs: FloatArray  # (R, n)
    targets: FloatArray  # (n,)
    prop: FloatArray  # (n,)


def _max_drawdown(unit: FloatArray) -> float:
    """Deepest ``unit / peak - 1`` (0 when it never falls).

    The divisions of the batch kernel's summary, so the same figure.
    """
    return min(0.0, float(np.min(unit / np.maximum.accumulate(unit) - 1.0)))


def simulate_windows(
    prices: pd.DataFrame | Frame,
    series: Mapping[str, Mapping[str, float]],
    plan: Plan,
    windows: Sequence[tuple[dt.date, dt.date | None]],
    *,
    cash_rate: pd.Series | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WindowRuns:
    """Run each series through the plan over each window of the frame.

    Parameters
    ----------
    prices : pd.DataFrame or Frame
        As in :func:`~piefolio.engine.simulate` (a Frame brings its dividends
        and FX mask).
    series : Mapping[str, Mapping[str, float]]
        Name -> target weights (fractions summing to 1).
    plan : Plan
        The plan; its ``start`` and ``end`` are each window's.
    windows : sequence of (date, date or None)
        Start and end of each run (None: to the last date).
    cash_rate : pd.Series, optional
        As in :func:`~piefolio.engine.simulate`.
    progress : callable, optional
        ``progress(done, total)`` after each window.

    Returns
    -------
    WindowRuns

    Raises
    ------
    PlanError
        What a batch of the series over a window's plan raises, for the first
        window that raises it; weights, dividends and fees are checked once,
        before any window.
    """
    frame = frame_of(prices)
    names = tuple(series)
    wanted = {n: _weights_dict(series[n]) for n in names}
    union = _kernel_order(
        frame, list(dict.fromkeys(s for n in names for s in wanted[n]))
    )
    position = _positions(frame, union)
    cols = [position[s] for s in union]
    # The checks of one batch of every series over the union of their slices,
    # as a sweep of one batch per start made them (the same errors, worded
    # the same): weights, dividends and fees once, prices per window.
    matrix = np.array([[wanted[n].get(s, 0.0) for s in union] for n in names])
    _check_weights(matrix, list(names))
    _check_dividends(frame, plan)
    _fee_rates(frame, cols, plan)
    index = frame.dates
    spans = [_bounds(index, start, end) for start, end in windows]
    top = min((lo for lo, _ in spans), default=0)
    rows = _columns(frame.base, top, max((hi for _, hi in spans), default=top), cols)
    bad = np.flatnonzero(np.fmin.reduce(rows, axis=1) <= 0.0)  # a price <= 0
    parts = [_series(frame, rows, top, wanted[n], union, position, plan) for n in names]

    out = {k: np.empty((len(spans), len(names))) for k in _FIELDS}
    ran_out = np.empty((len(spans), len(names)), dtype=np.int64)
    for k, (lo, hi) in enumerate(spans):
        a, b = lo - top, hi - top
        first_bad = np.searchsorted(bad, a)
        if (first_bad < bad.size and bad[first_bad] < b) or (
            plan.late_listing == "error" and np.isnan(rows[a]).any()
        ):
            _check_window(rows[a:b], matrix, union, frame, cols, lo, plan)
        when = _schedule(index, lo, hi, plan, cash_rate)
        arrays = PlanArrays(
            when.days, when.rate, when.deposit, when.withdraw, when.rebal_day,
            None, float(plan.fees.commission_fixed), float(plan.fees.min_order),
            when.policy, when.band,
        )  # fmt: skip
        for p, part in enumerate(parts):
            run = simulate_pie_nb(
                part.close[a:b], part.divs[a:b], part.targets,
                arrays._replace(prop=part.prop), False,
            )  # fmt: skip
            out["final_value"][k, p] = run.nav[-1]
            out["twr"][k, p] = run.unit_value[-1] - 1.0
            out["deposited"][k, p] = run.totals[0]
            out["withdrawn"][k, p] = run.totals[1]
            out["fees"][k, p] = run.fees
            out["max_drawdown"][k, p] = _max_drawdown(run.unit_value)
            ran_out[k, p] = run.ran_out
        day = day_numbers(index)[lo:hi]
        # Every series that paid what was asked moved the same money on the
        # same days: one ledger serves all their XIRRs. One that ran out paid
        # less: its own run, with its ledger, gives its own.
        out["xirr"][k] = np.atleast_1d(
            xirr(day, when.deposit - when.withdraw, out["final_value"][k])
        )
        asked = float(np.cumsum(when.withdraw)[-1])  # summed in day order
        for p in np.flatnonzero((ran_out[k] >= 0) | (out["withdrawn"][k] != asked)):
            part = parts[p]
            run = simulate_pie_nb(
                part.close[a:b], part.divs[a:b], part.targets,
                arrays._replace(prop=part.prop), True,
            )  # fmt: skip
            paid = run.flows[:, 0] - run.flows[:, 1]
            out["xirr"][k, p] = xirr(day, paid, float(run.nav[-1]))
        if progress is not None:
            progress(k + 1, len(spans))
    return WindowRuns(
        names=names,
        first=index[[lo for lo, _ in spans]],
        last=index[[hi - 1 for _, hi in spans]],
        ran_out=ran_out,
        **out,
    )


def _series(
    frame: Frame,
    rows: FloatArray,
    top: int,
    weights: dict[str, float],
    union: list[str],
    position: dict[str, int],
    plan: Plan,
) -> _Columns:
    """Take a series' own columns of ``rows``, in frame order (as ``simulate``)."""
    symbols = _kernel_order(frame, list(weights))
    cols = [position[s] for s in symbols]
    close = _columns(rows, 0, rows.shape[0], [union.index(s) for s in symbols])
    divs = (
        np.zeros(close.shape)
        if frame.dividends is None
        else _columns(frame.dividends, top, top + rows.shape[0], cols)
    )
    return _Columns(
        close=close,
        divs=divs,
        targets=np.array([weights[s] for s in symbols]),
        prop=_fee_rates(frame, cols, plan),
    )
