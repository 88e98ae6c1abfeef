"""One plan over many windows of one price frame: the runs of a start sweep.

A start sweep runs the same plan from hundreds of start dates. Each run is
:func:`~piefolio.engine.simulate` of the plan with its ``start`` and ``end``
replaced, but what does not depend on the window is done once: the frame's
columns of each series are copied into kernel arrays once and every window is
a row slice of them (no copy); weights, dividends and fees are validated once;
only the window's own facts (prices positive inside it, a price for every held
slice on its first day) are checked per window. The plan's calendar is worked
out once over all the rows and each window's schedule cut from it; every window
of a series runs in one compiled loop (``_windows_nb``), so a window costs its
kernel run and little else.

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
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from piefolio.engine._kernels import PlanArrays, simulate_pie_nb
from piefolio.engine.frame import Frame, day_numbers, frame_of, per_index
from piefolio.engine.schedule import cash_rates, flow_dates, flow_periods
from piefolio.engine.simulate import (
    _bounds,
    _calendar_gaps,
    _check_dividends,
    _check_weights,
    _check_window,
    _columns,
    _fee_rates,
    _kernel_order,
    _positions,
    _tell_kernel,
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
# The columns _windows_nb writes, in its order.
_KERNEL_FIELDS = (
    "final_value",
    "deposited",
    "withdrawn",
    "fees",
    "twr",
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


#: The plan's calendar over the rows every window lies in, from which each
#: window's schedule is cut (see _plan_nb): days since the previous trading
#: day, rate, calendar rebalance (R,); each flow's trading-day rows (K,) and,
#: per window, the range [from, to) of them it takes (W,); the amounts.
_Calendar = namedtuple(
    "_Calendar",
    "days rate rebal dep_at dep_from dep_to wd_at wd_from wd_to deposit withdrawal "
    "initial",
)


@njit(cache=True)
def _plan_nb(cal, k, a, b, prop, fixed, min_order, policy, band):  # type: ignore[no-untyped-def]
    """Window ``k`` (rows ``a:b``) as the plan arrays ``simulate`` makes for it.

    What :func:`~piefolio.engine.simulate._schedule` computes over the
    window's own days, to the bit: a flow lands by ``np.add.at`` order (0,
    then each flow of the day), the initial amount last on day 0.
    """
    n = b - a
    days = cal.days[a:b].copy()
    days[0] = 0
    deposit = np.zeros(n)
    for i in range(cal.dep_from[k], cal.dep_to[k]):
        deposit[cal.dep_at[i] - a] += cal.deposit
    deposit[0] += cal.initial
    withdraw = np.zeros(n)
    for i in range(cal.wd_from[k], cal.wd_to[k]):
        withdraw[cal.wd_at[i] - a] += cal.withdrawal
    rebal = cal.rebal[a:b].copy()
    rebal[0] = False
    return PlanArrays(
        days, cal.rate[a:b].copy(), deposit, withdraw, rebal, prop, fixed,
        min_order, policy, band,
    )  # fmt: skip


@njit(cache=True)
def _windows_nb(close, divs, targets, cal, lo, hi, plan, out, ran_out, asked, detail):  # type: ignore[no-untyped-def]
    """Run one series over every window ``lo[k]:hi[k]`` of its rows.

    ``plan`` gives prop, fixed, min_order, policy and band (its arrays are
    unused). Writes ``out[k]`` = final value, deposited, withdrawn, fees,
    twr, max drawdown; ``ran_out[k]``; ``asked[k]``, the withdrawals asked,
    summed in day order. ``detail`` is False, passed in rather than written
    here: a literal False would compile a second ``simulate_pie_nb`` (half a
    minute) beside the one ``simulate`` uses.
    """
    for k in range(lo.shape[0]):
        a, b = lo[k], hi[k]
        arrays = _plan_nb(
            cal, k, a, b, plan.prop, plan.fixed, plan.min_order, plan.policy,
            plan.band,
        )  # fmt: skip
        run = simulate_pie_nb(close[a:b], divs[a:b], targets, arrays, detail)
        unit = run.unit_value
        # The deepest unit / peak - 1, in the divisions of _max_drawdown.
        peak = unit[0]
        low = 0.0
        for u in unit:
            peak = max(peak, u)
            low = min(low, u / peak - 1.0)
        out[k, 0] = run.nav[-1]
        out[k, 1] = run.totals[0]
        out[k, 2] = run.totals[1]
        out[k, 3] = run.fees
        out[k, 4] = run.unit_value[-1] - 1.0
        out[k, 5] = low
        ran_out[k] = run.ran_out
        total = 0.0
        for x in arrays.withdraw:
            total += x
        asked[k] = total


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
    # the same): weights, dividends and fees once, prices per window, every
    # window before any runs.
    matrix = np.array([[wanted[n].get(s, 0.0) for s in union] for n in names])
    _check_weights(matrix, list(names))
    _check_dividends(frame, plan)
    _fee_rates(frame, cols, plan)
    index = frame.dates
    spans = [_bounds(index, start, end) for start, end in windows]
    top = min((lo for lo, _ in spans), default=0)
    bottom = max((hi for _, hi in spans), default=top)
    rows = _columns(frame.base, top, bottom, cols)
    bad = np.flatnonzero(np.fmin.reduce(rows, axis=1) <= 0.0)  # a price <= 0
    lo = np.array([a for a, _ in spans], dtype=np.int64) - top
    hi = np.array([b for _, b in spans], dtype=np.int64) - top
    for a, b in zip(lo, hi, strict=True):
        first_bad = np.searchsorted(bad, a)
        if (first_bad < bad.size and bad[first_bad] < b) or (
            plan.late_listing == "error" and np.isnan(rows[a]).any()
        ):
            _check_window(rows[a:b], matrix, union, frame, cols, top + a, plan)
    parts = [_series(frame, rows, top, wanted[n], union, position, plan) for n in names]

    out = {k: np.empty((len(spans), len(names))) for k in _FIELDS}
    ran_out = np.empty((len(spans), len(names)), dtype=np.int64)
    if not spans:
        return WindowRuns(names, index[:0], index[:0], ran_out=ran_out, **out)
    cal = _calendar(index, top, bottom, lo, hi, plan, cash_rate)
    policy, band = _tell_kernel(plan.rebalance, day_numbers(index)[:1])[:2]
    fixed, least = float(plan.fees.commission_fixed), float(plan.fees.min_order)
    asked = np.empty(len(spans))
    each = np.empty((len(spans), len(_KERNEL_FIELDS)))
    # A buffer of its own: a column of ran_out is strided past one series,
    # and a strided array compiles the kernel a second time.
    ran = np.empty(len(spans), dtype=np.int64)
    for p, part in enumerate(parts):
        fees = PlanArrays(
            None, None, None, None, None, part.prop, fixed, least, policy, band
        )
        _windows_nb(
            part.close, part.divs, part.targets, cal, lo, hi, fees, each, ran,
            asked, False,
        )  # fmt: skip
        ran_out[:, p] = ran
        for j, key in enumerate(_KERNEL_FIELDS):
            out[key][:, p] = each[:, j]
    days = day_numbers(index)[top:bottom]
    for k in range(len(spans)):
        a, b = int(lo[k]), int(hi[k])
        day = days[a:b]
        arrays = _plan_nb(cal, k, a, b, parts[0].prop, fixed, least, policy, band)
        # Every series that paid what was asked moved the same money on the
        # same days: one ledger serves all their XIRRs. One that ran out paid
        # less: its own run, with its ledger, gives its own.
        out["xirr"][k] = np.atleast_1d(
            xirr(day, arrays.deposit - arrays.withdraw, out["final_value"][k])
        )
        short = (ran_out[k] >= 0) | (out["withdrawn"][k] != asked[k])
        for p in np.flatnonzero(short):
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
        first=index[lo + top],
        last=index[hi - 1 + top],
        ran_out=ran_out,
        **out,
    )


def _calendar(
    index: pd.DatetimeIndex,
    top: int,
    bottom: int,
    lo: IntArray,
    hi: IntArray,
    plan: Plan,
    cash_rate: pd.Series | None,
) -> _Calendar:
    """Cut the plan's calendar over rows ``top:bottom``, and each window's flows.

    ``lo``, ``hi`` are the windows' rows from ``top``. A window's flows are
    those of the whole rows whose period comes after the period of the
    window's first day and that fall on or before its last day
    (:func:`~piefolio.engine.schedule.flow_periods`): what ``flow_dates``
    gives over the window itself.
    """
    day = day_numbers(index)[top:bottom]
    rebal = np.ascontiguousarray(_tell_kernel(plan.rebalance, day)[2])
    flows: list[object] = []
    for flow in (plan.deposits, plan.withdrawals):
        if flow is None:
            none = np.zeros_like(lo)
            flows.append((np.zeros(0, np.int64), none, none, 0.0))
            continue
        nominal = flow_dates(day[0], day[-1], flow)
        at = np.searchsorted(day, nominal, side="left").astype(np.int64)
        after = np.searchsorted(
            flow_periods(nominal, flow.every),
            flow_periods(day[lo], flow.every),
            side="right",
        ).astype(np.int64)
        until = np.searchsorted(nominal, day[hi - 1], side="right").astype(np.int64)
        flows.append((at, after, np.maximum(after, until), float(flow.amount)))
    (dep_at, dep_from, dep_to, deposit), (wd_at, wd_from, wd_to, withdrawal) = flows
    return _Calendar(
        days=per_index(index, _calendar_gaps)[top:bottom].copy(),
        rate=cash_rates(day, plan.cash_interest, cash_rate),
        rebal=rebal,
        dep_at=dep_at,
        dep_from=dep_from,
        dep_to=dep_to,
        wd_at=wd_at,
        wd_from=wd_from,
        wd_to=wd_to,
        deposit=deposit,
        withdrawal=withdrawal,
        initial=float(plan.initial),
    )


def _series(
    frame: Frame,
    rows: FloatArray,
    top: int,
    weights: dict[str, float],
    union: list[str],
    position: Mapping[str, int],
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
