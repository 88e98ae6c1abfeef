"""The verdict through history: when a claim changed state, and what followed.

Conventions:

- A signal's history is its failing flag (1.0 fails, 0.0 holds, NaN unread) on
  its own dates: a monthly (or rarer) indicator on the dates its series
  printed; the price check and a daily or weekly indicator once a month, on the
  month's last date with a reading (a daily wobble around a threshold is not a
  change of the thesis).
- A claim's state on a date is :func:`~piefolio.thesis.verdict.state_of` the
  latest reading of each of its signals on or before that date; a signal that
  has not printed yet does not count. The dates are the union of its signals'.
- A value counts from the day it could have been known, not the day its source
  dates it: a monthly FRED value is dated the first day of its month and
  published weeks later. Each reading is moved by its indicator's
  ``published`` lag, or by :data:`PUBLISHED_AFTER` for its series' frequency
  (two months for a monthly series: the CPI, the PPI and the metal prices come
  out in the next month, construction spending at the start of the one after;
  a day for a daily series). The price check needs no lag: a close is known
  that evening. So a change of state is dated when an investor could have
  seen it, and the returns after it are ones they could have had.
- The return after a change is the pie's time-weighted return against its first
  benchmark's over the next 6 and 12 months, ``(1 + R_pie) / (1 + R_bench) - 1``,
  from the first trading day on or after the change to the last one on or
  before the date 6 (12) months later; NaN where the backtest does not cover
  the whole span.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from piefolio.periods import period_offset
from piefolio.thesis.indicators import as_ns
from piefolio.thesis.verdict import State

__all__ = [
    "AFTER",
    "PUBLISHED_AFTER",
    "after_by_state",
    "claim_states",
    "known_from",
    "monthly_readings",
    "relative_after",
    "state_changes",
]

#: The spans after a change of state over which the pie's return is measured.
AFTER = ("6M", "12M")

#: How long after its own date a value of each frequency is assumed published,
#: when its indicator does not say (``published = "6W"``): a little more than
#: the usual lag of the agencies the shared data comes from, so that the
#: history never acts on a value before it was out.
PUBLISHED_AFTER: Mapping[str, str] = MappingProxyType(
    {
        "daily": "1D",
        "weekly": "1W",
        "biweekly": "2W",
        "monthly": "2M",
        "quarterly": "4M",
        "semiannual": "8M",
        "annual": "15M",
    }
)

_CODES = {State.UNKNOWN: 0, State.HOLDING: 1, State.WEAKENING: 2, State.BROKEN: 3}


def monthly_readings(daily: pd.Series) -> pd.Series:
    """Keep a daily series' value on each month's last date that has one."""
    daily = daily.dropna()
    if daily.empty:
        return daily
    months = pd.DatetimeIndex(daily.index).to_period("M")
    return daily[~months.duplicated(keep="last")]


def known_from(
    flags: pd.Series, frequency: str, published: str | None = None
) -> pd.Series:
    """Date each reading on the day it could have been known.

    Parameters
    ----------
    flags : pd.Series
        A signal's readings on its series' own dates.
    frequency : str
        The series' frequency (a key of :data:`PUBLISHED_AFTER`).
    published : str, optional
        The indicator's own lag (a period such as ``"6W"``); else the
        frequency's.

    Returns
    -------
    pd.Series
        The same readings, each dated its own date plus the lag.
    """
    lag = published or PUBLISHED_AFTER.get(frequency, "1D")
    moved = flags.copy()
    moved.index = pd.DatetimeIndex(flags.index) + period_offset(lag)
    return moved


def claim_states(failing: Mapping[str, pd.Series]) -> pd.Series:
    """Return the state of one claim on every date any of its signals printed.

    Parameters
    ----------
    failing : mapping of signal name -> pd.Series
        Each signal's failing flag (1.0, 0.0 or NaN) on its own dates.

    Returns
    -------
    pd.Series of str
        The state's value (``"holding"``...) on the union of the dates, sorted.
    """
    series = [s.sort_index() for s in failing.values() if not s.empty]
    if not series:
        return pd.Series([], dtype=object)
    dates = pd.DatetimeIndex(sorted(set().union(*(s.index for s in series))))
    # The latest reading as of each date, an unread one (NaN) included as NaN.
    known = np.column_stack(
        [s.reindex(dates, method="ffill").to_numpy(np.float64) for s in series]
    )
    read = np.isfinite(known).sum(axis=1)
    failed = np.nansum(known, axis=1)
    codes = np.where(
        read == 0,
        0,
        np.where(failed == 0, 1, np.where(2 * failed > read, 3, 2)),
    )
    names = {code: state.value for state, code in _CODES.items()}
    return pd.Series([names[int(c)] for c in codes], index=dates)


def state_changes(states: pd.Series) -> pd.DataFrame:
    """List the dates a claim's state changed, from what to what.

    The first date is where the history starts, not a change. A step into or
    out of ``unknown`` is left out: it is data beginning, not the thesis moving.

    Returns
    -------
    pd.DataFrame
        Columns ``date``, ``from``, ``to``; one row per change, in date order.
    """
    known = states[states != State.UNKNOWN.value]
    before = known.shift(1)
    moved = (known != before) & before.notna()
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(known.index[moved]),
            "from": before[moved].to_numpy(dtype=object),
            "to": known[moved].to_numpy(dtype=object),
        }
    )


def relative_after(
    unit_values: pd.DataFrame, dates: pd.DatetimeIndex, span: str
) -> np.ndarray:
    """Measure the pie's return against a benchmark's over ``span`` after each date.

    Parameters
    ----------
    unit_values : pd.DataFrame, shape (T, 2)
        Time-weighted unit values of the pie (first column) and the benchmark
        (second) on trading days.
    dates : pd.DatetimeIndex
        Where each span starts (the first trading day on or after it).
    span : str
        ``"6M"``, ``"12M"``...

    Returns
    -------
    np.ndarray of float64
        ``(1 + R_pie) / (1 + R_bench) - 1`` per date; NaN where the span starts
        before the first or ends after the last trading day.
    """
    days = pd.DatetimeIndex(unit_values.index)
    values = unit_values.to_numpy(dtype=np.float64)
    out = np.full(len(dates), np.nan)
    if len(days) == 0:
        return out
    ends = dates + period_offset(span)
    first = np.searchsorted(as_ns(days), as_ns(dates), side="left")
    last = np.searchsorted(as_ns(days), as_ns(ends), side="right") - 1
    ok = (dates >= days[0]) & (ends <= days[-1]) & (first < len(days))
    for i in np.flatnonzero(ok):
        a, b = values[first[i]], values[last[i]]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[i] = (b[0] / a[0]) / (b[1] / a[1]) - 1.0
    return out


def after_by_state(changes: pd.DataFrame) -> pd.DataFrame:
    """Summarise the returns after the changes, by claim and the state entered.

    Does entering a state tell anything about what the pie did next? The mean
    of each span's return over the changes that have one, and their count.

    Parameters
    ----------
    changes : pd.DataFrame
        Columns ``claim``, ``to`` and ``after_<span>`` for each span of
        :data:`AFTER` (as :attr:`~piefolio.thesis.verb.ThesisReport.changes`).

    Returns
    -------
    pd.DataFrame
        Indexed by (claim, to); columns ``changes``, then ``mean_<span>`` and
        ``count_<span>`` per span. Empty when there are no changes.
    """
    columns = ["changes"] + [f"{k}_{s}" for s in AFTER for k in ("mean", "count")]
    if changes.empty:
        return pd.DataFrame(columns=columns)
    groups = changes.groupby(["claim", "to"], sort=True)
    out = pd.DataFrame({"changes": groups.size()})
    for span in AFTER:
        out[f"mean_{span}"] = groups[f"after_{span}"].mean()
        out[f"count_{span}"] = groups[f"after_{span}"].count()
    return out[columns]
