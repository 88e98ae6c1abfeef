"""The shape of a pie's daily returns: skew, kurtosis, win rate, tails, extremes.

Conventions (every function in this module)
-------------------------------------------
- ``returns`` are **daily simple** returns as fractions; NaN returns are dropped
  first (as in :mod:`piefolio.analytics.risk`).
- Skewness and kurtosis are the **bias-corrected sample** moments of pandas
  (``Series.skew``, ``Series.kurt``), the ones QuantStats reports; kurtosis is the
  **excess** kurtosis (0 for a normal distribution).
- The win rate counts only days that moved: a day with a return of exactly 0 (a
  holiday carried forward, a cash day) is neither a win nor a loss, as in
  QuantStats.
- The tail ratio is ``|95th percentile| / |5th percentile|`` (linear
  interpolation), as in empyrical and QuantStats: above 1 the good days are
  bigger than the bad ones.
- A figure undefined on the data (too few returns, no moving day) is NaN.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.analytics._validate import check_levels, check_returns
from piefolio.analytics.returns import annual_returns, daily_returns, monthly_returns

__all__ = [
    "Extremes",
    "extremes",
    "kurtosis",
    "skewness",
    "tail_ratio",
    "win_rate",
]


def skewness(returns: pd.Series) -> float:
    """Sample skewness of daily returns (bias-corrected, as pandas).

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.

    Returns
    -------
    float
        ``n / ((n-1)(n-2)) * sum(((r - mean) / s) ** 3)`` with the sample
        standard deviation ``s``; negative when the big days are losses. NaN with
        fewer than 3 returns or no movement.
    """
    r = check_returns(returns, "returns")
    if len(r) < 3 or r.std() == 0.0:
        return math.nan
    return float(r.skew())


def kurtosis(returns: pd.Series) -> float:
    """Sample excess kurtosis of daily returns (bias-corrected, as pandas).

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.

    Returns
    -------
    float
        Fisher's excess kurtosis (0 for a normal distribution, above 0 for fat
        tails); NaN with fewer than 4 returns or no movement.
    """
    r = check_returns(returns, "returns")
    if len(r) < 4 or r.std() == 0.0:
        return math.nan
    return float(r.kurt())


def win_rate(returns: pd.Series) -> float:
    """Share of the days that moved on which the return was positive.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily (or monthly) simple returns.

    Returns
    -------
    float
        ``#(r > 0) / #(r != 0)`` in [0, 1]; NaN when no day moved.
    """
    r = check_returns(returns, "returns").to_numpy()
    moved = np.count_nonzero(r)
    if moved == 0:
        return math.nan
    return float(np.count_nonzero(r > 0.0) / moved)


def tail_ratio(returns: pd.Series) -> float:
    """Right tail over left tail of the daily returns.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.

    Returns
    -------
    float
        ``|q95| / |q05|`` with linearly interpolated percentiles; NaN with no
        return or when ``q05`` is 0.
    """
    r = check_returns(returns, "returns").to_numpy()
    if r.size == 0:
        return math.nan
    low = abs(float(np.percentile(r, 5)))
    if low == 0.0:
        return math.nan
    return float(abs(float(np.percentile(r, 95))) / low)


@dataclass(frozen=True, slots=True)
class Extremes:
    """Best and worst day, month and year of a unit value, with their dates.

    Attributes
    ----------
    best_day, worst_day : float
        Best and worst daily return (NaN with one value only).
    best_day_on, worst_day_on : datetime.date or None
        Their dates.
    best_month, worst_month : float
        Best and worst calendar-month return (partial first and last months
        count, as in :func:`piefolio.analytics.monthly_returns`).
    best_month_label, worst_month_label : str or None
        Those months as ``"YYYY-MM"``.
    best_year, worst_year : float
        Best and worst calendar-year return (partial years count).
    best_year_label, worst_year_label : int or None
        Those years.
    """

    best_day: float
    best_day_on: dt.date | None
    worst_day: float
    worst_day_on: dt.date | None
    best_month: float
    best_month_label: str | None
    worst_month: float
    worst_month_label: str | None
    best_year: float
    best_year_label: int | None
    worst_year: float
    worst_year_label: int | None


def _max_min(values: pd.Series) -> tuple[float, object, float, object]:
    v = values.dropna()
    if v.empty:
        return math.nan, None, math.nan, None
    return float(v.max()), v.idxmax(), float(v.min()), v.idxmin()


def extremes(unit_value: pd.Series) -> Extremes:
    """Best and worst day, month and year of a unit value.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    Extremes
        The first date wins a tie.
    """
    levels = check_levels(unit_value, "unit_value")
    bd, bd_on, wd, wd_on = _max_min(daily_returns(levels))
    bm, bm_at, wm, wm_at = _max_min(monthly_returns(levels))
    by, by_at, wy, wy_at = _max_min(annual_returns(levels))

    def _day(at: object) -> dt.date | None:
        return None if at is None else pd.Timestamp(at).date()  # type: ignore[arg-type]

    return Extremes(
        best_day=bd,
        best_day_on=_day(bd_on),
        worst_day=wd,
        worst_day_on=_day(wd_on),
        best_month=bm,
        best_month_label=None if bm_at is None else str(bm_at),
        worst_month=wm,
        worst_month_label=None if wm_at is None else str(wm_at),
        best_year=by,
        best_year_label=None if by_at is None else int(by_at),  # type: ignore[call-overload]
        worst_year=wy,
        worst_year_label=None if wy_at is None else int(wy_at),  # type: ignore[call-overload]
    )
