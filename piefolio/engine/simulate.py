"""The engine's boundary: validate a plan against prices, run the kernel, wrap it.

Conventions
-----------
- ``prices``: a :class:`~piefolio.engine.frame.Frame` (prices, dividends and
  FX mask as one value; a :class:`~piefolio.data.PriceFrame` is one), or a
  DataFrame, dates (DatetimeIndex, increasing) x symbols, closes in the base
  currency, NaN where a symbol has no price (before it lists, or in a
  gap). Columns that are not in the pie are ignored.
- Weights are fractions summing to 1 (within 1e-9), never negative.
- The run covers the first trading day on or after ``plan.start`` to ``plan.end``
  (inclusive) or the last date.
- Late listing: with ``plan.late_listing == "error"`` a slice without a price on
  the first day raises :class:`~piefolio.errors.PlanError`. With
  ``"redistribute"``, until a slice's first price its target weight is shared
  pro rata among the listed slices (they are bought, and rebalanced, to those
  renormalised targets). From its first price on the full targets apply: it is
  bought with the next deposit (policies none, calendar, threshold: at the full
  targets; deposits: as the most underweight slice) and, under calendar or
  threshold rebalancing, brought to its target at the next rebalance (its zero
  weight usually breaks the band at once). Nothing already held is sold to buy it
  outside a rebalance.
- Gaps: a NaN price after a slice's first price values it at its last price and
  it is not traded that day; the other slices trade to their targets around it
  and the money it would have bought waits as cash.
- Withdrawals use idle cash first, then sell pro rata to the current holdings
  (policy ``deposits``: the most overweight slices first); these forced sales are
  never skipped for ``min_order`` and come before the day's rebalance, if any. A
  withdrawal larger than what the pie can raise empties it and takes what there
  is; ``ran_out`` records that day.
- Idle cash (cash dividends, interest, skipped orders) waits and is invested with
  the next deposit or rebalance (orders under ``min_order`` keep waiting).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import NoReturn

import numpy as np
import pandas as pd

from piefolio.engine._kernels import (
    POLICY_CALENDAR,
    POLICY_DEPOSITS,
    POLICY_NONE,
    POLICY_THRESHOLD,
    PlanArrays,
    simulate_batch_nb,
    simulate_pie_nb,
)
from piefolio.engine.frame import Frame, day_numbers, frame_of, per_index
from piefolio.engine.result import BatchResult, Result
from piefolio.engine.schedule import (
    calendar_days,
    cash_rates,
    flow_amounts,
    rebalance_days,
)
from piefolio.errors import PlanError
from piefolio.spec import (
    WEIGHT_TOLERANCE,
    Calendar,
    Deposits,
    Plan,
    Rebalance,
    Threshold,
)
from piefolio.typing import BoolArray, FloatArray, IntArray

__all__ = ["KernelInputs", "prepare_inputs", "simulate", "simulate_batch"]


def _tell_kernel(rule: Rebalance, day: np.ndarray) -> tuple[int, float, BoolArray]:
    """How each rebalancing variant tells the kernel: policy code, band, due days."""
    no_days = rebalance_days(day, None)
    match rule:
        case Calendar(every=every):
            return POLICY_CALENDAR, 0.0, rebalance_days(day, every)
        case Threshold(band=band):
            return POLICY_THRESHOLD, float(band), no_days
        case Deposits():
            return POLICY_DEPOSITS, 0.0, no_days
        case _:
            return POLICY_NONE, 0.0, no_days


@dataclass(frozen=True, eq=False)  # eq=False: holds arrays; no slots: cached dates
class KernelInputs:
    """Everything :func:`~piefolio.engine._kernels.simulate_pie_nb` takes, as arrays.

    Attributes
    ----------
    index : pd.DatetimeIndex
        Every trading day of the price frame.
    rows : slice
        The run's rows of ``index`` (and of the frame's arrays).
    dates : pd.DatetimeIndex, shape (T,)
        Trading days of the run, ``index[rows]`` (built on first access).
    symbols : tuple of str, length N
        Column order of ``close``, ``divs``, ``targets`` and ``prop``.
    close : FloatArray, shape (T, N)
        Base-currency closes (NaN before listing or in a gap).
    divs : FloatArray, shape (T, N) or (0, N)
        Cash dividend per share credited each day; (0, N) when nothing pays
        (dividends reinvested in the prices): the kernels read it as none.
    days : IntArray, shape (T,)
        Calendar days since the previous trading day (0 on day 0).
    rate : FloatArray, shape (T,)
        Annual cash interest rate in force each day.
    deposit : FloatArray, shape (T,)
        Money in each day; day 0 holds ``plan.initial``.
    withdraw : FloatArray, shape (T,)
        Money out asked each day (positive).
    rebal_day : BoolArray, shape (T,)
        Calendar rebalance due.
    targets : FloatArray, shape (P, N)
        Target weights of each pie.
    prop : FloatArray, shape (N,)
        Proportional fee per slice: commission + half-spread (+ FX if foreign).
    fixed, min_order, band : float
        Fixed fee per order, smallest order, threshold band.
    policy : int
        0 none, 1 calendar, 2 threshold, 3 deposits.
    """

    index: pd.DatetimeIndex
    rows: slice
    symbols: tuple[str, ...]
    close: FloatArray
    divs: FloatArray
    days: IntArray
    rate: FloatArray
    deposit: FloatArray
    withdraw: FloatArray
    rebal_day: BoolArray
    targets: FloatArray
    prop: FloatArray
    fixed: float
    min_order: float
    policy: int
    band: float

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        """Trading days of the run (shape (T,))."""
        return self.index[self.rows]

    def plan_arrays(self) -> PlanArrays:
        """Return the plan's arrays as the kernels take them, one named value."""
        return PlanArrays(
            self.days, self.rate, self.deposit, self.withdraw, self.rebal_day,
            self.prop, self.fixed, self.min_order, self.policy, self.band,
        )  # fmt: skip


#: Up to this many weights (one pie's row) or slices, the checks run in plain
#: Python: on a few numbers each numpy call costs more than the loop.
_SMALL = 64


def _clearly_fine(row: list[float]) -> bool:
    """Tell whether :func:`_check_weights` surely accepts a row of weights (Python).

    Every weight >= 0 (NaN fails it) and the sum inside the tolerance by more
    than any difference between this sum and numpy's (each within n ulps of
    the exact one, weights >= 0): so numpy's check would pass too. Anything
    else goes to the numpy checks, which decide and name the fault as before.
    """
    total = 0.0
    for x in row:
        if not x >= 0.0:
            return False
        total += x
    margin = 4.0 * len(row) * 2.220446049250313e-16 * (1.0 + total)
    return abs(total - 1.0) <= WEIGHT_TOLERANCE - margin


def _check_weights(weights: FloatArray, names: list[str]) -> None:
    if weights.shape[0] == 1 and 0 < weights.shape[1] <= _SMALL:
        if _clearly_fine(weights[0].tolist()):
            return
    # Two reductions clear the usual case; NaN or infinity fails both
    # comparisons and falls through to the checks that name the fault.
    sums = weights.sum(axis=1)
    if (
        weights.size
        and weights.min() >= 0.0
        and np.abs(sums - 1.0).max() <= WEIGHT_TOLERANCE
    ):
        return
    if not np.all(np.isfinite(weights)):
        raise PlanError("weights must be finite numbers; found NaN or infinity")
    if np.any(weights < 0):
        p, j = np.argwhere(weights < 0)[0]
        raise PlanError(f"{names[p]}: weight {weights[p, j]:g} is negative")
    bad = np.flatnonzero(np.abs(sums - 1.0) > WEIGHT_TOLERANCE)
    if bad.size:
        p = int(bad[0])
        raise PlanError(
            f"{names[p]}: weights sum to {sums[p]:.12g}; expected 1 (within "
            f"{WEIGHT_TOLERANCE:g})"
        )


def prepare_inputs(
    prices: pd.DataFrame | Frame,
    symbols: list[str],
    weights: FloatArray,
    plan: Plan,
    *,
    dividends: pd.DataFrame | None = None,
    fx_mask: pd.Series | Mapping[str, bool] | None = None,
    cash_rate: pd.Series | None = None,
    names: list[str] | None = None,
) -> KernelInputs:
    """Validate a plan against prices and turn both into kernel arrays.

    Parameters
    ----------
    prices : Frame or pd.DataFrame
        A price frame (prices, dividends, FX mask together; see
        :mod:`piefolio.engine.frame`), or dates x symbols of base-currency
        closes (see the module conventions).
    symbols : list of str, length N
        Symbols of ``prices`` the pies hold, in kernel order.
    weights : ndarray, shape (P, N)
        Target weights of each pie over ``symbols``; rows sum to 1.
    plan : Plan
        Window, money in and out, rebalancing, fees, interest, dividends.
    dividends : pd.DataFrame, optional
        With a DataFrame of prices only: cash dividend per share (base
        currency) on ex-dates, dates x symbols; only with ``plan.dividends ==
        "cash"``. Missing symbols or dates are 0.
    fx_mask : pd.Series or Mapping[str, bool], optional
        With a DataFrame of prices only: symbol -> True when it trades in a
        foreign currency (pays ``fx_pct``).
    cash_rate : pd.Series, optional
        Dated annual cash rates; default ``plan.cash_interest``.
    names : list of str, optional
        Pie names, for error messages (default ``pie 0``, ``pie 1``...).

    Returns
    -------
    KernelInputs

    Raises
    ------
    PlanError
        No trading day in the window, unknown symbols, weights that are negative
        or do not sum to 1, non-positive prices, a slice without a price on the
        first day (``late_listing == "error"``), dividends given with
        ``plan.dividends == "reinvest"``, or fees of 100 % or more per trade.
    """
    frame = frame_of(prices, dividends=dividends, fx_mask=fx_mask)
    return _prepare(frame, symbols, weights, plan, cash_rate, names)


def _columns(values: FloatArray, lo: int, hi: int, cols: list[int]) -> FloatArray:
    """Rows ``lo:hi`` of columns ``cols``: a fresh, writable, C-ordered copy.

    A frame may hand out read-only or Fortran-ordered views, and numba compiles
    a separate kernel for each layout; a run of adjacent columns (every pie
    that holds the whole frame) is a plain slice, cheaper than gathering.
    """
    first = cols[0] if cols else 0
    if cols == list(range(first, first + len(cols))):
        return np.array(values[lo:hi, first : first + len(cols)], np.float64, order="C")
    return np.take(np.asarray(values[lo:hi], dtype=np.float64), cols, axis=1)


def _days_since(gaps: IntArray, lo: int, hi: int) -> IntArray:
    """Return the run's calendar days: the whole index's, with day 0 at 0."""
    days = gaps[lo:hi].copy()
    days[0] = 0
    return days


def _calendar_gaps(index: pd.DatetimeIndex) -> IntArray:
    """Calendar days since the previous trading day, over a whole index."""
    gaps = calendar_days(day_numbers(index))
    gaps.flags.writeable = False
    return gaps


def _positions(frame: Frame, symbols: list[str]) -> Mapping[str, int]:
    """Column of each frame symbol; PlanError naming symbols it lacks."""
    position = _column_of(frame.symbols)
    unknown = [s for s in symbols if s not in position]
    if unknown:
        raise PlanError(
            f"no prices for {', '.join(unknown)}; the price frame has "
            f"{', '.join(map(str, frame.symbols))}"
        )
    return position


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _day(date: dt.date) -> np.datetime64:
    """``np.datetime64(date)``: the calendar day, in days."""
    return np.datetime64(date.toordinal() - _EPOCH, "D")


def _bounds(
    index: pd.DatetimeIndex, start: dt.date, end: dt.date | None
) -> tuple[int, int]:
    """Rows ``lo:hi`` of the trading days from ``start`` to ``end`` (inclusive)."""
    # Searched on the index's own datetime64 values: the same days as
    # ``index.searchsorted(pd.Timestamp(...))``, without pandas' dispatch
    # (and a date made a datetime64 from its day number: numpy's own
    # conversion of a date costs more than the search).
    stamps = index.values
    lo = int(stamps.searchsorted(_day(start), side="left"))
    hi = len(index) if end is None else int(stamps.searchsorted(_day(end), "right"))
    if lo >= hi:
        until = end.isoformat() if end else "the end of the data"
        span = f"{index[0].date()} to {index[-1].date()}" if len(index) else "no dates"
        raise PlanError(
            f"no trading day between {start.isoformat()} and {until}; the "
            f"prices cover {span}"
        )
    return lo, hi


def _any_nan(row: FloatArray) -> bool:
    """``np.isnan(row).any()``; in Python for a short row (see :data:`_SMALL`)."""
    if row.shape[0] <= _SMALL:
        return any(x != x for x in row.tolist())
    return bool(np.isnan(row).any())


def _check_window(
    close: FloatArray,
    weights: FloatArray,
    symbols: list[str],
    frame: Frame,
    cols: list[int],
    lo: int,
    plan: Plan,
) -> None:
    """Refuse a window's closes: a price <= 0, or a held slice unpriced on day 0.

    ``close`` holds rows ``lo:`` of the frame's columns ``cols``; ``weights``
    (P, N) says which slices some pie holds.
    """
    # fmin skips NaN (an unpriced day), in one pass without a mask.
    if close.size and np.fmin.reduce(close, axis=None) <= 0.0:
        j = int(np.argwhere(close <= 0.0)[0, 1])
        raise PlanError(f"{symbols[j]} has a price <= 0; prices must be positive")
    if plan.late_listing == "error" and _any_nan(close[0]):
        missing = (weights.max(axis=0) > 0.0) & np.isnan(close[0])
        if missing.any():
            j = int(np.flatnonzero(missing)[0])
            index = frame.dates
            priced = index[~np.isnan(np.asarray(frame.base)[:, cols[j]])]
            when = (
                f"its first price is on {priced[0].date()}"
                if len(priced)
                else "it has no price at all"
            )
            raise PlanError(
                f"{symbols[j]} has no price on the first day "
                f"{index[lo].date()} ({when}); start later or set "
                'late_listing = "redistribute"'
            )


def _check_dividends(frame: Frame, plan: Plan) -> None:
    if frame.dividends is not None and plan.dividends == "reinvest":
        raise PlanError(
            'dividends were given but plan.dividends is "reinvest": the prices '
            "already hold them (total return); pass dividends=None or set "
            'dividends = "cash"'
        )


def _fee_rates(frame: Frame, cols: list[int], plan: Plan) -> FloatArray:
    """Proportional fee of each column: commission, half-spread, FX if foreign."""
    fees = plan.fees
    if len(cols) <= _SMALL:
        # The same float operations as the numpy lines below, element by
        # element: a foreign slice's 1.0 (the bool as a float) or 0.0.
        base, fx = fees.proportional, fees.fx_pct / 100.0
        mask = frame.fx_mask
        rates = [base + fx * (1.0 if mask[j] else 0.0) for j in cols]
        if any(r >= 1.0 for r in rates):
            _fees_too_high()
        return np.array(rates, dtype=np.float64)
    foreign = np.asarray(frame.fx_mask, dtype=np.bool_)[cols]
    prop = fees.proportional + (fees.fx_pct / 100.0) * foreign
    if (prop >= 1.0).any():
        _fees_too_high()
    return np.ascontiguousarray(prop, dtype=np.float64)


def _fees_too_high() -> NoReturn:
    raise PlanError(
        "fees of 100 % or more of each trade leave nothing to invest; check "
        "commission_pct, spread_bps and fx_pct"
    )


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class _Schedule:
    """The plan's calendar over a window (see :class:`KernelInputs`)."""

    days: IntArray
    rate: FloatArray
    deposit: FloatArray
    withdraw: FloatArray
    rebal_day: BoolArray
    policy: int
    band: float


def _schedule(
    index: pd.DatetimeIndex,
    lo: int,
    hi: int,
    plan: Plan,
    cash_rate: pd.Series | None,
) -> _Schedule:
    day = day_numbers(index)[lo:hi]
    policy, band, rebal_day = _tell_kernel(plan.rebalance, day)
    deposit = flow_amounts(day, plan.deposits)
    deposit[0] += plan.initial
    return _Schedule(
        days=_days_since(per_index(index, _calendar_gaps), lo, hi),
        rate=cash_rates(day, plan.cash_interest, cash_rate),
        deposit=deposit,
        withdraw=flow_amounts(day, plan.withdrawals),
        rebal_day=rebal_day,
        policy=policy,
        band=band,
    )


#: Schedules kept per price index (the most recent first out): a plan run
#: again over the same days (a what-if, an optimizer's next try, a benchmark)
#: reuses its calendar instead of building it again (a sixth of a call).
_KEPT_SCHEDULES = 8
_MEMO_LOCK = threading.Lock()


def _schedule_memo(index: pd.DatetimeIndex) -> OrderedDict[tuple, _Schedule]:
    # per_index's one value that changes: a memo of read-only schedules,
    # private to _kept_schedule (see there).
    del index
    return OrderedDict()


def _kept_schedule(
    index: pd.DatetimeIndex,
    lo: int,
    hi: int,
    plan: Plan,
    cash_rate: pd.Series | None,
) -> _Schedule:
    """:func:`_schedule`, kept per index and what decides it; fresh arrays each call.

    The key is everything the schedule reads: the index (an immutable object,
    through :func:`~piefolio.engine.frame.per_index`), the rows, the rules of
    money in and out, rebalancing and interest; floats by their exact bits
    (0.0 and -0.0 differ). A dated ``cash_rate`` (a Series) is not kept. The
    kept arrays are read-only and every call gets writable copies (a kernel
    given a read-only array is another compiled specialization).
    """
    if cash_rate is not None:
        return _schedule(index, lo, hi, plan, cash_rate)
    key = (
        lo, hi, plan.rebalance, plan.deposits, plan.withdrawals,
        float(plan.initial).hex(), float(plan.cash_interest).hex(),
    )  # fmt: skip
    memo = per_index(index, _schedule_memo)
    with _MEMO_LOCK:  # sweeps run plans on threads
        kept = memo.get(key)
        if kept is not None:
            memo.move_to_end(key)
    if kept is None:
        kept = _schedule(index, lo, hi, plan, None)
        for a in (kept.days, kept.rate, kept.deposit, kept.withdraw, kept.rebal_day):
            a.flags.writeable = False
        with _MEMO_LOCK:
            memo[key] = kept
            if len(memo) > _KEPT_SCHEDULES:
                memo.popitem(last=False)
    return _Schedule(
        days=kept.days.copy(),
        rate=kept.rate.copy(),
        deposit=kept.deposit.copy(),
        withdraw=kept.withdraw.copy(),
        rebal_day=kept.rebal_day.copy(),
        policy=kept.policy,
        band=kept.band,
    )


def _prepare(
    frame: Frame,
    symbols: list[str],
    weights: FloatArray,
    plan: Plan,
    cash_rate: pd.Series | None,
    names: list[str] | None,
) -> KernelInputs:
    """:func:`prepare_inputs` on a frame (``frame_of`` already applied)."""
    position = _positions(frame, symbols)
    w = np.ascontiguousarray(np.asarray(weights, dtype=np.float64))
    if w.ndim != 2 or w.shape[1] != len(symbols):
        raise PlanError(
            f"weights must have shape (pies, {len(symbols)}); got {w.shape}"
        )
    _check_weights(w, names or [f"pie {p}" for p in range(w.shape[0])])
    index = frame.dates
    lo, hi = _bounds(index, plan.start, plan.end)
    cols = [position[s] for s in symbols]
    close = _columns(frame.base, lo, hi, cols)
    _check_window(close, w, symbols, frame, cols, lo, plan)
    _check_dividends(frame, plan)
    divs = (
        np.zeros((0, len(cols)))  # no dividends: nothing for the kernel to read
        if frame.dividends is None
        else _columns(frame.dividends, lo, hi, cols)
    )
    prop = _fee_rates(frame, cols, plan)
    when = _kept_schedule(index, lo, hi, plan, cash_rate)
    return KernelInputs(
        index=index,
        rows=slice(lo, hi),
        symbols=tuple(symbols),
        close=close,
        divs=divs,
        days=when.days,
        rate=when.rate,
        deposit=when.deposit,
        withdraw=when.withdraw,
        rebal_day=when.rebal_day,
        targets=w,
        prop=prop,
        fixed=float(plan.fees.commission_fixed),
        min_order=float(plan.fees.min_order),
        policy=when.policy,
        band=when.band,
    )


def _kernel_order(frame: Frame, symbols: list[str]) -> list[str]:
    """Symbols in the price frame's column order (unknown ones last, to be named).

    Running every pie in one column order makes the floating-point sums of a
    single run and of a batch row identical, bit for bit.
    """
    pos = _column_of(frame.symbols)
    return sorted(symbols, key=lambda s: pos.get(s, len(pos)))


@lru_cache(maxsize=64)
def _column_of(symbols: tuple[str, ...]) -> Mapping[str, int]:
    """Column of each symbol of a frame, kept per column tuple (read-only)."""
    return MappingProxyType({c: j for j, c in enumerate(symbols)})


def _run(inputs: KernelInputs, row: int, order: list[str]) -> Result:
    run = simulate_pie_nb(
        inputs.close, inputs.divs, inputs.targets[row], inputs.plan_arrays(), True
    )
    totals = run.totals
    lo = inputs.rows.start
    # Columns stay in the kernel's (price-column) order; the Result reorders a
    # view to the caller's order when it is read.
    col = {s: j for j, s in enumerate(inputs.symbols)}
    perm = [col[s] for s in order]
    return Result(
        _index=inputs.index,
        _rows=inputs.rows,
        symbols=tuple(order),
        deposited=float(totals[0]),
        withdrawn=float(totals[1]),
        fees=float(run.fees),
        dividends=float(totals[2]),
        interest=float(totals[3]),
        final_value=float(run.nav[-1]),
        twr=float(run.unit_value[-1] - 1.0),
        ran_out=None if run.ran_out < 0 else inputs.index[lo + run.ran_out],
        _nav=run.nav,
        _cash=run.cash,
        _units=run.units,
        _unit_value=run.unit_value,
        _shares=run.shares,
        _close=inputs.close,
        _flows=run.flows,
        _trades_i=run.trades_i,
        _trades_f=run.trades_f,
        _skips_i=run.skips_i,
        _skips_f=run.skips_f,
        _perm=None if perm == list(range(len(perm))) else np.array(perm),
    )


def _weights_dict(weights: Mapping[str, float] | pd.Series) -> dict[str, float]:
    if isinstance(weights, pd.Series) and not weights.index.is_unique:
        dup = weights.index[weights.index.duplicated()][0]
        raise PlanError(f"{dup} appears twice in the weights")
    out = {str(k): float(v) for k, v in weights.items()}
    if not out:
        raise PlanError("the pie has no weights")
    return out


def simulate(
    prices: pd.DataFrame | Frame,
    weights: Mapping[str, float] | pd.Series,
    plan: Plan,
    *,
    dividends: pd.DataFrame | None = None,
    fx_mask: pd.Series | Mapping[str, bool] | None = None,
    cash_rate: pd.Series | None = None,
) -> Result:
    """Backtest one pie with its plan over prices.

    Parameters
    ----------
    prices : pd.DataFrame or Frame
        Dates x symbols, closes in the base currency (NaN before a listing or in
        a gap); columns not in ``weights`` are ignored. A :class:`Frame` (a
        :class:`~piefolio.data.PriceFrame`) brings its dividends and FX mask
        with it.
    weights : Mapping[str, float] or pd.Series
        Symbol -> target weight (fractions summing to 1 within 1e-9).
    plan : Plan
        Start and end, initial amount, deposits, withdrawals, rebalancing, fees,
        cash interest, dividends mode, late-listing rule.
    dividends : pd.DataFrame, optional
        Cash dividend per share in the base currency on ex-dates (dates x
        symbols), credited when ``plan.dividends == "cash"``; None means the
        prices are total-return (dividends reinvested in them). With a
        DataFrame of prices only.
    fx_mask : pd.Series or Mapping[str, bool], optional
        Symbol -> True when foreign: every buy and sell of it pays ``fx_pct``.
        With a DataFrame of prices only.
    cash_rate : pd.Series, optional
        Dated annual cash rates (fractions); default ``plan.cash_interest``.

    Returns
    -------
    Result
        Daily NAV, cash, units, unit value, shares and weights; trades, skipped
        orders and cash-flow ledgers; totals, TWR, XIRR and the day the pie ran
        out of money, if it did.

    Raises
    ------
    PlanError
        The plan cannot run on these prices (see :func:`prepare_inputs`).

    Notes
    -----
    Semantics are DESIGN.md's "Engine semantics"; the choices it leaves open are
    in this module's docstring (late listing, gaps, withdrawals, idle cash).
    """
    frame = frame_of(prices, dividends=dividends, fx_mask=fx_mask)
    w = _weights_dict(weights)
    order = list(w)
    symbols = _kernel_order(frame, order)
    matrix = np.array([[w[s] for s in symbols]])
    inputs = _prepare(frame, symbols, matrix, plan, cash_rate, ["the pie"])
    return _run(inputs, 0, order)


def simulate_batch(
    prices: pd.DataFrame | Frame,
    weights: pd.DataFrame,
    plan: Plan,
    *,
    dividends: pd.DataFrame | None = None,
    fx_mask: pd.Series | Mapping[str, bool] | None = None,
    cash_rate: pd.Series | None = None,
    paths: bool = True,
) -> BatchResult:
    """Backtest P pies that share one plan and one price frame, in one call.

    Parameters
    ----------
    prices : pd.DataFrame
        As in :func:`simulate`.
    weights : pd.DataFrame, shape (P, N)
        One row of target weights per pie (index: pie names, columns: symbols);
        each row sums to 1. A zero weight means the pie does not hold it.
    plan, dividends, fx_mask, cash_rate
        As in :func:`simulate`; the same for every pie.
    paths : bool, default True
        Keep every pie's daily NAV, cash and unit value. False keeps only the
        totals and the summary (final value, TWR, daily-return mean and std,
        maximum drawdown): what a sweep of many pies needs, faster and in
        constant memory.

    Returns
    -------
    BatchResult
        NAV, cash and unit value (dates x P) and per-pie totals; each row equals
        a separate :func:`simulate` of that pie exactly. ``result(name)`` gives
        the full detail of one pie.

    Raises
    ------
    PlanError
        As :func:`simulate`, naming the pie at fault.
    """
    if weights.empty:
        raise PlanError("the batch has no pies (an empty weights frame)")
    # tolist(): one conversion; iterating an Arrow-backed index of strings
    # boxes them one by one (20 ms for a sweep chunk of 2,000 names).
    names = [str(n) for n in weights.index.tolist()]
    if len(set(names)) != len(names):
        raise PlanError("pie names (the weights' index) must be unique")
    frame = frame_of(prices, dividends=dividends, fx_mask=fx_mask)
    order = [str(c) for c in weights.columns]
    symbols = _kernel_order(frame, order)
    matrix = weights.to_numpy(dtype=np.float64)[:, [order.index(s) for s in symbols]]
    inputs = _prepare(frame, symbols, matrix, plan, cash_rate, names)
    run = simulate_batch_nb(
        inputs.close, inputs.divs, inputs.targets, inputs.plan_arrays(), paths
    )

    def detail(name: str) -> Result:
        row = weights.to_numpy(dtype=np.float64)[names.index(name)]
        return simulate(
            frame,
            {s: float(v) for s, v in zip(order, row, strict=True) if v != 0.0},
            plan,
            cash_rate=cash_rate,
        )

    return BatchResult(
        names=tuple(names),
        dates=inputs.dates,
        _nav=run.nav,
        _cash=run.cash,
        _unit_value=run.unit_value,
        _totals=run.totals,
        _fees=run.fees,
        _ran_out=run.ran_out,
        _summary=run.summary,
        _detail=detail,
    )
