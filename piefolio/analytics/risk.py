"""Risk of a pie: volatility, Sharpe, Sortino, drawdowns, Calmar, VaR and ES.

Conventions (every function in this module)
-------------------------------------------
- ``returns`` are **daily simple** returns as fractions (from
  :func:`piefolio.analytics.daily_returns`); ``unit_value`` is a level series.
  NaN returns are dropped before computing.
- Annualising daily figures uses **252 trading days a year**: volatility
  ``std * sqrt(252)``, mean ``mean * 252``.
- Standard deviations are sample ones (``ddof=1``), except the downside deviation
  of the Sortino ratio, a root mean square over all days (as in empyrical).
- The risk-free rate is an **annual** rate (0.03 is 3 %), turned into a daily one
  by compounding: ``rf_d = (1 + rf) ** (1 / 252) - 1``.
- Drawdowns are **negative** fractions (-0.25 is 25 % below the running peak);
  0 at a new high.
- VaR and expected shortfall are **returns**, negative for a loss (the 5 % worst
  daily return and the mean below it), not positive loss amounts.
- Rolling 12-month windows are 252 trading days.
- A figure that is undefined on the data (fewer than 2 returns, zero volatility,
  no drawdown for Calmar) is NaN, never an exception.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.analytics._validate import check_levels, check_returns
from piefolio.analytics.returns import cagr

__all__ = [
    "TRADING_DAYS",
    "Drawdown",
    "calmar_ratio",
    "daily_risk_free",
    "drawdown_periods",
    "drawdown_series",
    "expected_shortfall",
    "max_drawdown",
    "rolling_return",
    "rolling_sharpe",
    "rolling_volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "value_at_risk",
    "volatility",
]

#: Trading days per year used to annualise daily returns.
TRADING_DAYS = 252


def daily_risk_free(risk_free: float) -> float:
    """Daily risk-free return equivalent to an annual rate.

    Parameters
    ----------
    risk_free : float
        Annual rate as a fraction (0.03 is 3 %).

    Returns
    -------
    float
        ``(1 + risk_free) ** (1 / 252) - 1``.
    """
    if risk_free <= -1.0:
        raise ValueError(f"risk_free must be above -100 %; got {risk_free!r}")
    return float((1.0 + risk_free) ** (1.0 / TRADING_DAYS) - 1.0)


def volatility(returns: pd.Series) -> float:
    """Annualised volatility of daily returns.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.

    Returns
    -------
    float
        ``std(r, ddof=1) * sqrt(252)``; NaN with fewer than 2 returns.
    """
    r = check_returns(returns, "returns")
    if len(r) < 2:
        return math.nan
    return float(r.std(ddof=1) * math.sqrt(TRADING_DAYS))


def sharpe_ratio(returns: pd.Series, *, risk_free: float = 0.0) -> float:
    """Annualised Sharpe ratio.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.
    risk_free : float, default 0.0
        Annual risk-free rate, converted with :func:`daily_risk_free`.

    Returns
    -------
    float
        ``mean(r - rf_d) / std(r - rf_d, ddof=1) * sqrt(252)``; NaN with fewer
        than 2 returns or zero volatility.
    """
    r = check_returns(returns, "returns")
    excess = r - daily_risk_free(risk_free)
    if len(excess) < 2:
        return math.nan
    sd = float(excess.std(ddof=1))
    if sd == 0.0 or not math.isfinite(sd):
        return math.nan
    return float(excess.mean() / sd * math.sqrt(TRADING_DAYS))


def sortino_ratio(returns: pd.Series, *, risk_free: float = 0.0) -> float:
    """Annualised Sortino ratio, with the risk-free rate as the target.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.
    risk_free : float, default 0.0
        Annual risk-free rate, converted with :func:`daily_risk_free`; it is also
        the minimum acceptable return.

    Returns
    -------
    float
        ``mean(x) * 252 / (sqrt(mean(min(x, 0) ** 2)) * sqrt(252))`` with
        ``x = r - rf_d``; NaN when no return is below the target or fewer than 2
        returns.
    """
    r = check_returns(returns, "returns")
    excess = (r - daily_risk_free(risk_free)).to_numpy()
    if len(excess) < 2:
        return math.nan
    downside = float(np.sqrt(np.mean(np.minimum(excess, 0.0) ** 2)))
    if downside == 0.0:
        return math.nan
    return float(np.mean(excess) * TRADING_DAYS / (downside * math.sqrt(TRADING_DAYS)))


def drawdown_series(unit_value: pd.Series) -> pd.Series:
    """Drawdown from the running peak, day by day (the "underwater" curve).

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    pd.Series, shape (n_days,)
        ``V_t / max_{s <= t} V_s - 1``: 0 at a new high, negative below it.
    """
    levels = check_levels(unit_value, "unit_value", min_length=1)
    return (levels / levels.cummax() - 1.0).rename("drawdown")


@dataclass(frozen=True, slots=True)
class Drawdown:
    """The maximum drawdown of a series and its dates.

    Attributes
    ----------
    depth : float
        Maximum drawdown, a fraction in [-1, 0] (negative; 0 when the series never
        falls).
    peak : datetime.date or None
        Date of the running high before the trough; None when ``depth == 0``.
    trough : datetime.date or None
        Date of the lowest point; None when ``depth == 0``.
    recovery : datetime.date or None
        First date after the trough at or above the peak value; None when the
        series has not recovered by its end (or ``depth == 0``).
    duration_days : int or None
        Calendar days from peak to recovery; None when not recovered.
    decline_days : int or None
        Calendar days from peak to trough; None when ``depth == 0``.
    """

    depth: float
    peak: dt.date | None
    trough: dt.date | None
    recovery: dt.date | None
    duration_days: int | None
    decline_days: int | None


def max_drawdown(unit_value: pd.Series) -> Drawdown:
    """Maximum drawdown with its peak, trough and recovery dates.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    Drawdown
        ``depth = min_t (V_t / max_{s <= t} V_s - 1)``; when several days share the
        lowest drawdown the first is the trough; the peak is the last day before
        the trough at the running high.
    """
    levels = check_levels(unit_value, "unit_value", min_length=1)
    values = levels.to_numpy()
    running = np.maximum.accumulate(values)
    dd = values / running - 1.0
    i_trough = int(np.argmin(dd))
    depth = float(dd[i_trough])
    if depth >= 0.0:
        return Drawdown(0.0, None, None, None, None, None)
    peak_value = running[i_trough]
    i_peak = int(np.flatnonzero(values[: i_trough + 1] == peak_value)[-1])
    later = np.flatnonzero(values[i_trough:] >= peak_value)
    dates = levels.index
    peak = dates[i_peak].date()
    trough = dates[i_trough].date()
    if later.size:
        recovery: dt.date | None = dates[i_trough + int(later[0])].date()
    else:
        recovery = None
    return Drawdown(
        depth=depth,
        peak=peak,
        trough=trough,
        recovery=recovery,
        duration_days=None if recovery is None else (recovery - peak).days,
        decline_days=(trough - peak).days,
    )


def calmar_ratio(unit_value: pd.Series) -> float:
    """Calmar ratio: annualised return over the size of the maximum drawdown.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    float
        ``cagr / |max drawdown|`` with the calendar-day CAGR of
        :func:`piefolio.analytics.cagr`; NaN when there is no drawdown.
    """
    depth = max_drawdown(unit_value).depth
    if depth == 0.0:
        return math.nan
    return float(cagr(unit_value) / abs(depth))


def _tail(returns: pd.Series, level: float) -> tuple[float, np.ndarray]:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    r = check_returns(returns, "returns").to_numpy()
    if r.size == 0:
        return math.nan, r
    cutoff = float(np.percentile(r, 100.0 * (1.0 - level)))
    return cutoff, r


def value_at_risk(returns: pd.Series, *, level: float = 0.95) -> float:
    """Historical value at risk of daily returns.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    float
        The ``1 - level`` quantile of the returns (numpy's linear interpolation),
        a return: -0.02 means "on 5 % of days the pie lost 2 % or more".
    """
    cutoff, _ = _tail(returns, level)
    return cutoff


def expected_shortfall(returns: pd.Series, *, level: float = 0.95) -> float:
    """Historical expected shortfall (conditional VaR) of daily returns.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    float
        Mean of the returns at or below :func:`value_at_risk`; a return, negative
        for a loss.
    """
    cutoff, r = _tail(returns, level)
    if r.size == 0:
        return math.nan
    return float(r[r <= cutoff].mean())


def rolling_return(unit_value: pd.Series, *, window: int = TRADING_DAYS) -> pd.Series:
    """Compute the rolling return over a trailing window of trading days.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.
    window : int, default 252
        Window length in trading days (252 is 12 months).

    Returns
    -------
    pd.Series, shape (n_days,)
        ``V_t / V_{t-window} - 1``; NaN for the first ``window`` days.
    """
    levels = check_levels(unit_value, "unit_value", min_length=1)
    return (levels / levels.shift(window) - 1.0).rename("rolling_return")


def rolling_volatility(returns: pd.Series, *, window: int = TRADING_DAYS) -> pd.Series:
    """Compute the annualised volatility over a trailing window of trading days.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.
    window : int, default 252
        Window length in returns (252 is 12 months).

    Returns
    -------
    pd.Series, shape (n_days,)
        ``std(r over the window, ddof=1) * sqrt(252)``; NaN until the window is
        full.
    """
    r = check_returns(returns, "returns")
    vol = r.rolling(window).std(ddof=1) * math.sqrt(TRADING_DAYS)
    return vol.rename("rolling_volatility")


def rolling_sharpe(
    returns: pd.Series, *, window: int = TRADING_DAYS, risk_free: float = 0.0
) -> pd.Series:
    """Compute the annualised Sharpe ratio over a trailing window of trading days.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Daily simple returns.
    window : int, default 252
        Window length in returns (252 is 12 months).
    risk_free : float, default 0.0
        Annual risk-free rate, converted with :func:`daily_risk_free`.

    Returns
    -------
    pd.Series, shape (n_days,)
        :func:`sharpe_ratio` of each window's returns; NaN until the window is
        full and where the window never moved.
    """
    r = check_returns(returns, "returns")
    excess = r - daily_risk_free(risk_free)
    roll = excess.rolling(window)
    sd = roll.std(ddof=1)
    ratio = roll.mean() / sd.where(sd > 0.0) * math.sqrt(TRADING_DAYS)
    return ratio.rename("rolling_sharpe")


#: Columns of :func:`drawdown_periods`.
DRAWDOWN_COLUMNS: tuple[str, ...] = (
    "depth",
    "peak",
    "trough",
    "recovery",
    "decline_days",
    "duration_days",
)


def drawdown_periods(unit_value: pd.Series, *, top: int = 10) -> pd.DataFrame:
    """List the deepest separate drawdowns of a series, deepest first.

    A drawdown is one stretch under the running high: it starts on the last day
    at the high (the peak), bottoms at its trough, and ends on the first day back
    at or above the peak (the recovery). Two drawdowns never overlap, so the
    first row is :func:`max_drawdown`.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.
    top : int, default 10
        Most rows returned.

    Returns
    -------
    pd.DataFrame, shape (min(top, n_drawdowns), 6)
        Columns :data:`DRAWDOWN_COLUMNS`: ``depth`` (negative fraction),
        ``peak``, ``trough``, ``recovery`` (``datetime.date``; recovery None when
        the series ends under water), ``decline_days`` (calendar days peak to
        trough) and ``duration_days`` (peak to recovery; None when not
        recovered). Index 1..n. Ties in depth keep the earlier drawdown first.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1; got {top!r}")
    levels = check_levels(unit_value, "unit_value", min_length=1)
    values = levels.to_numpy()
    dd = values / np.maximum.accumulate(values) - 1.0
    under = dd < 0.0
    # Starts and ends of the runs under water: edges of the boolean mask.
    edges = np.diff(np.concatenate(([0], under.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # first index back at the high (or n)
    dates = levels.index
    rows = []
    for i0, i1 in zip(starts, ends, strict=True):
        i_trough = i0 + int(np.argmin(dd[i0:i1]))
        peak = dates[i0 - 1].date()  # i0 > 0: the first value is its own high
        trough = dates[i_trough].date()
        recovery = dates[i1].date() if i1 < len(values) else None
        rows.append(
            {
                "depth": float(dd[i_trough]),
                "peak": peak,
                "trough": trough,
                "recovery": recovery,
                "decline_days": (trough - peak).days,
                "duration_days": None if recovery is None else (recovery - peak).days,
            }
        )
    frame = pd.DataFrame(rows, columns=list(DRAWDOWN_COLUMNS))
    # Day counts stay ints, with None (not a float NaN) for "not recovered".
    for column in ("decline_days", "duration_days"):
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    if frame.empty:
        return frame
    frame = frame.sort_values("depth", kind="stable").head(top)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame
