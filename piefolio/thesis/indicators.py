"""An indicator's transform and condition, on a series' own dates.

Conventions:

- A series is a ``pd.Series`` of floats indexed by sorted, unique dates: the
  dates it printed on, as its source dates them (a monthly FRED series on the
  first day of each month). Nothing here fills, resamples or stretches a series
  onto other dates: a monthly series yields one transformed value a month.
- A *periodic* series (monthly, quarterly, yearly) looks back by exact date:
  ``yoy`` of 2024-03-01 divides by the value of 2023-03-01, twelve observations
  back by date, and is NaN when that month did not print. A *daily* or weekly
  series looks back to its last observation on or before the date one period
  earlier (1 year back by date for ``yoy``), no further back than
  :data:`LOOKBACK_SLACK_DAYS`.
- A change is ``value / value_back - 1``; NaN where either value is missing or
  the earlier one is not positive (a change of a level crossing zero means
  nothing). ``relative:SYMBOL`` is ``(1 + change) / (1 + change of SYMBOL) - 1``
  over the same period, SYMBOL read on (or just before) the series' own dates.
- A condition holds when the value is strictly above ``above`` / below
  ``below``; on a NaN value it is unknown (NaN), neither holding nor failing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from piefolio.periods import period_offset
from piefolio.spec import Indicator, Transform

__all__ = [
    "LOOKBACK_SLACK_DAYS",
    "PERIODIC",
    "as_ns",
    "change",
    "fails",
    "holds",
    "transform",
    "value_back",
]

#: Frequencies (:data:`piefolio.data.series.FREQUENCIES`) whose observations
#: are dated once per period: they look back by exact date.
PERIODIC = frozenset({"monthly", "quarterly", "semiannual", "annual"})
#: How far before its target date a daily or weekly look-back may land: a
#: week of holidays, never a year-old value standing in for a missing one.
LOOKBACK_SLACK_DAYS = {"daily": 7, "weekly": 14, "biweekly": 21}


def as_ns(dates: pd.Index) -> np.ndarray:
    """Dates as int64 nanoseconds, whatever resolution the index has."""
    return pd.DatetimeIndex(dates).to_numpy(dtype="datetime64[ns]").view(np.int64)


def _asof(values: pd.Series, targets: pd.DatetimeIndex, slack_days: int) -> np.ndarray:
    """Value at the last date on or before each target, within ``slack_days``."""
    dates = pd.DatetimeIndex(values.index)
    rows = np.searchsorted(as_ns(dates), as_ns(targets), side="right") - 1
    found = rows >= 0
    picked = dates[np.maximum(rows, 0)]
    found &= (targets - picked) <= pd.Timedelta(days=slack_days)
    raw = values.to_numpy(dtype=np.float64)[np.maximum(rows, 0)]
    return np.where(found, raw, np.nan)


def value_back(values: pd.Series, period: str, frequency: str) -> pd.Series:
    """Return the value one ``period`` before each date, by the rules of the module.

    Parameters
    ----------
    values : pd.Series
        The series on its own dates.
    period : str
        ``"12M"``, ``"3M"``, ``"1Y"``...
    frequency : str
        One of :data:`piefolio.data.series.FREQUENCIES` (``"monthly"``...).

    Returns
    -------
    pd.Series
        On ``values``' dates; NaN where nothing printed at the earlier date.
    """
    dates = pd.DatetimeIndex(values.index)
    targets = dates - period_offset(period)
    if frequency in PERIODIC:
        back = values.reindex(targets).to_numpy(dtype=np.float64)
    else:
        back = _asof(values, targets, LOOKBACK_SLACK_DAYS.get(frequency, 7))
    return pd.Series(back, index=values.index, name=values.name)


def change(values: pd.Series, period: str, frequency: str) -> pd.Series:
    """Fractional change over ``period`` on each date: ``value / value_back - 1``.

    NaN where the earlier value is missing or not positive.
    """
    back = value_back(values, period, frequency)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = values.astype("float64") / back.where(back > 0) - 1.0
    return out


def transform(
    values: pd.Series,
    rule: Transform,
    frequency: str,
    *,
    reference: pd.Series | None = None,
    reference_frequency: str = "daily",
) -> pd.Series:
    """Apply an indicator's transform to its series, on the series' own dates.

    Parameters
    ----------
    values : pd.Series
        The series, as stored.
    rule : Transform
        ``level``, a change over a period, or a change relative to a symbol.
    frequency : str
        The series' frequency, as stored (``"monthly"``, ``"daily"``...).
    reference : pd.Series, optional
        The symbol of a relative transform, on its own dates (required then).
    reference_frequency : str
        The reference's frequency.

    Returns
    -------
    pd.Series
        The transformed values on ``values``' dates: in the series' unit for a
        level, a fraction otherwise; NaN where they cannot be computed.
    """
    values = values.astype("float64")
    if rule.kind == "level":
        return values
    assert rule.period is not None
    own = change(values, rule.period, frequency)
    if rule.kind == "change":
        return own
    if reference is None:
        raise ValueError(f"a relative transform needs the series of {rule.symbol}")
    dates = pd.DatetimeIndex(values.index)
    slack = LOOKBACK_SLACK_DAYS.get(reference_frequency, 45)
    now = _asof(reference, dates, slack)
    then = _asof(reference, dates - period_offset(rule.period), slack)
    with np.errstate(invalid="ignore", divide="ignore"):
        theirs = np.where(then > 0, now / then, np.nan)
        out = (1.0 + own.to_numpy()) / theirs - 1.0
    return pd.Series(out, index=values.index, name=values.name)


def holds(values: pd.Series, indicator: Indicator) -> pd.Series:
    """Whether the indicator's condition holds on each date: 1.0, 0.0 or NaN.

    NaN where the value is NaN (unknown, neither holding nor failing).
    """
    x = values.to_numpy(dtype=np.float64)
    met = (
        x > indicator.threshold
        if indicator.side == "above"
        else x < indicator.threshold
    )
    return pd.Series(
        np.where(np.isnan(x), np.nan, met.astype(np.float64)), index=values.index
    )


def fails(held: pd.Series, means: str) -> pd.Series:
    """Whether a signal fails on each date: 1.0, 0.0 or NaN.

    A supporting condition fails when it does not hold; a weakening one when it
    does. NaN stays NaN.
    """
    return 1.0 - held if means == "supports" else held.copy()
