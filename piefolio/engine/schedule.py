"""Calendars of a plan: which trading days get money in, money out, a rebalance.

Conventions
-----------
- ``dates`` are the run's trading days (the price frame's index inside the
  window), increasing, as ``datetime64[D]`` or a DatetimeIndex.
- A scheduled flow (``Flow``) falls in every period *after* the period of the
  first trading day (the initial amount is that period's money), on the first
  trading day on or after its calendar day: ``day`` 1..7 of an ISO week (Monday =
  1), 1..31 of a month or 1..92 of a quarter, clipped to the period's last day.
  Two flows landing on one trading day (a long market closure) add up.
- A flow whose day comes after the last trading day is not in the run.
- Calendar rebalancing falls on the first trading day of each month, quarter or
  year, never on day 0 (the initial investment is already at the targets).
- Cash interest: the annual rate in force on a day is the last dated rate on or
  before it; before the first dated rate, the plan's ``cash_interest``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import cast

import numpy as np
import pandas as pd

from piefolio.spec import Flow, Frequency
from piefolio.typing import BoolArray, FloatArray, IntArray

__all__ = [
    "calendar_days",
    "cash_rates",
    "flow_amounts",
    "flow_dates",
    "flow_periods",
    "rebalance_days",
]


def _days(dates: pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    if isinstance(dates, np.ndarray) and dates.dtype == np.dtype("datetime64[D]"):
        return dates
    return np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")


def calendar_days(dates: pd.DatetimeIndex | np.ndarray) -> IntArray:
    """Calendar days since the previous trading day.

    Parameters
    ----------
    dates : DatetimeIndex or ndarray of datetime64, shape (T,)
        Trading days, increasing.

    Returns
    -------
    IntArray, shape (T,)
        ``days[0] = 0``; ``days[t] = dates[t] - dates[t-1]`` in days (3 over a
        weekend).
    """
    d = _days(dates).astype(np.int64)
    out = np.zeros(d.shape[0], dtype=np.int64)
    out[1:] = np.diff(d)
    return out


def flow_dates(first: np.datetime64, last: np.datetime64, flow: Flow) -> np.ndarray:
    """Calendar dates of a scheduled flow from the period after ``first`` to ``last``.

    Parameters
    ----------
    first, last : numpy.datetime64
        First and last trading day of the run.
    flow : Flow
        Amount, frequency and day of the period.

    Returns
    -------
    ndarray of datetime64[D]
        The nominal dates (not yet moved to a trading day), increasing, each after
        the period of ``first`` and on or before ``last``.
    """
    first_d = first.astype("datetime64[D]")
    last_d = last.astype("datetime64[D]")
    if flow.every is Frequency.WEEK:
        # 1970-01-01 was a Thursday: Monday of the week = date - (weekday) days.
        weekday = (first_d.astype(np.int64) + 3) % 7
        monday = first_d - np.timedelta64(int(weekday), "D")
        n = int((last_d - monday).astype(np.int64) // 7) + 1
        starts = monday + np.arange(1, n + 1) * np.timedelta64(7, "D")
        dates = starts + np.timedelta64(flow.day - 1, "D")
    else:
        step = 1 if flow.every is Frequency.MONTH else 3
        m0 = _month_index(first_d)
        m0 = m0 - (m0 % step)  # month index of the period's first month
        months = np.arange(m0 + step, _month_index(last_d) + step + 1, step)
        bounds = _month_starts(months)  # the first day of each, and of the next
        starts, length = bounds[:-1], bounds[1:] - bounds[:-1]
        dates = (starts + np.minimum(flow.day, length) - 1).view("datetime64[D]")
    out: np.ndarray = dates[dates <= last_d]
    return out


def flow_periods(dates: pd.DatetimeIndex | np.ndarray, every: Frequency) -> IntArray:
    """Return the period of each date, as :func:`flow_dates` counts periods.

    Parameters
    ----------
    dates : DatetimeIndex or ndarray of datetime64, shape (T,)
        Any dates.
    every : Frequency
        A flow's frequency.

    Returns
    -------
    IntArray, shape (T,)
        An increasing number per ISO week (Monday first), calendar month or
        calendar quarter: ``flow_dates(first, last, flow)`` are the dates of
        ``flow_dates(a, last, flow)`` (any ``a`` before ``first``) whose
        period is after ``first``'s. A run over a window of a longer one takes
        its flows from the longer one's this way.
    """
    d = _days(dates)
    if every is Frequency.WEEK:
        # 1970-01-01 was a Thursday: days + 3 counts from a Monday.
        out: IntArray = (d.astype(np.int64) + 3) // 7
        return out
    step = 1 if every is Frequency.MONTH else 3
    return d.astype("datetime64[M]").astype(np.int64) // step


def _month_index(day: np.datetime64) -> int:
    """Months since 1970-01 of a ``datetime64[D]`` (the calendar month's index)."""
    date = cast(dt.date, day.item())
    return (date.year - 1970) * 12 + date.month - 1


#: Months (since 1970-01) whose first days :func:`_month_starts` looks up.
_TABLE_MONTHS = (-12 * 170, 12 * 330)  # 1800-01 to 2300-01


@cache
def _month_table() -> IntArray:
    months = np.arange(*_TABLE_MONTHS)
    table: IntArray = (
        months.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    )
    table.flags.writeable = False
    return table


def _month_starts(months: IntArray) -> IntArray:
    """Day number (since 1970-01-01) of the first day of each month index.

    Months run at a steady step, so the first and last bound the rest; inside
    the table a lookup (a month's first day costs numpy a calendar
    conversion per element), outside it the conversion.
    """
    lo, hi = _TABLE_MONTHS
    if months.size and lo <= months[0] and months[-1] < hi:
        out: IntArray = _month_table()[months - lo]
        return out
    return months.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)


def flow_amounts(dates: pd.DatetimeIndex | np.ndarray, flow: Flow | None) -> FloatArray:
    """Money of a scheduled flow on each trading day.

    Parameters
    ----------
    dates : DatetimeIndex or ndarray of datetime64, shape (T,)
        Trading days of the run, increasing.
    flow : Flow or None
        The plan's deposits or withdrawals; None gives zeros.

    Returns
    -------
    FloatArray, shape (T,)
        ``flow.amount`` (times the number of flows) on each trading day a flow
        falls on, 0 elsewhere; base currency, positive.
    """
    d = _days(dates)
    out = np.zeros(d.shape[0])
    if flow is None or d.shape[0] == 0:
        return out
    nominal = flow_dates(d[0], d[-1], flow)
    idx = np.searchsorted(d, nominal, side="left")
    idx = idx[idx < d.shape[0]]
    if idx.size > 1 and (idx[1:] == idx[:-1]).any():
        np.add.at(out, idx, flow.amount)  # flows sharing a day add up
    else:
        out[idx] = flow.amount  # 0 + amount: what add.at gives, faster
    return out


def rebalance_days(
    dates: pd.DatetimeIndex | np.ndarray, every: str | None
) -> BoolArray:
    """First trading day of each calendar period, after day 0.

    Parameters
    ----------
    dates : DatetimeIndex or ndarray of datetime64, shape (T,)
        Trading days, increasing.
    every : {"month", "quarter", "year"} or None
        The period; None gives no rebalance days.

    Returns
    -------
    BoolArray, shape (T,)
        True where the period differs from the previous trading day's.
    """
    d = _days(dates)
    out = np.zeros(d.shape[0], dtype=np.bool_)
    if every is None or d.shape[0] < 2:
        return out
    if every == "year":
        period = d.astype("datetime64[Y]").astype(np.int64)
    else:
        period = d.astype("datetime64[M]").astype(np.int64)
        if every == "quarter":
            period = period // 3
    out[1:] = period[1:] != period[:-1]
    return out


def cash_rates(
    dates: pd.DatetimeIndex | np.ndarray, default: float, cash_rate: pd.Series | None
) -> FloatArray:
    """Annual cash interest rate in force on each trading day.

    Parameters
    ----------
    dates : DatetimeIndex or ndarray of datetime64, shape (T,)
        Trading days, increasing.
    default : float
        The plan's ``cash_interest`` (fraction a year), used where no dated rate
        applies yet.
    cash_rate : pd.Series or None
        Dated annual rates (fractions), indexed by date; NaN entries are ignored.

    Returns
    -------
    FloatArray, shape (T,)
        The last dated rate on or before each day, else ``default``.
    """
    d = _days(dates)
    out = np.empty(d.shape[0])
    out.fill(float(default))  # np.full, without its dispatch
    if cash_rate is None:
        return out
    rates = cash_rate.dropna().sort_index()
    if rates.empty:
        return out
    when = _days(pd.DatetimeIndex(rates.index))
    idx = np.searchsorted(when, d, side="right") - 1
    values = rates.to_numpy(dtype=np.float64)
    known = idx >= 0
    out[known] = values[idx[known]]
    return out
