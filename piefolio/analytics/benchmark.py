"""A pie against a benchmark: beta, alpha, capture ratios and the Kaplan-Schoar PME.

Conventions (every function in this module)
-------------------------------------------
- ``returns`` and ``benchmark_returns`` are **daily simple** returns on the **same
  dates**; get them from two unit-value series with :func:`align_returns`, which
  keeps the dates both series have and only then takes returns (so a return never
  spans a gap that the other series does not).
- Annualising uses **252 trading days**; the risk-free rate is annual, turned into
  a daily one by ``(1 + rf) ** (1 / 252) - 1``.
- Alpha is Jensen's alpha, compounded to a year:
  ``(1 + mean(r - rf_d) - beta * mean(b - rf_d)) ** 252 - 1``.
- Capture ratios compare annualised compounded returns on the days the benchmark
  rose (up) or fell (down), as in empyrical: ``1.0`` means the pie moved as much as
  the benchmark on those days.
- Cash flows are in the pie's view: deposits positive, withdrawals negative
  (:func:`piefolio.analytics.net_external_flows`).
- Rolling windows are 252 trading days (12 months).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from piefolio.analytics._validate import check_levels, check_pair
from piefolio.analytics.risk import TRADING_DAYS, daily_risk_free

__all__ = [
    "align_returns",
    "alpha",
    "beta",
    "capture_ratios",
    "correlation",
    "information_ratio",
    "kaplan_schoar_pme",
    "r_squared",
    "rolling_beta",
    "tracking_error",
]

#: Annualised tracking error under which two series count as the same.
_NEGLIGIBLE_TE = 1e-12


def align_returns(
    unit_value: pd.Series, benchmark_unit_value: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Daily returns of a pie and a benchmark on their common dates.

    Parameters
    ----------
    unit_value, benchmark_unit_value : pd.Series
        Level series (unit values) indexed by increasing dates, positive, no NaN.

    Returns
    -------
    tuple of pd.Series, each shape (n_common - 1,)
        ``(returns, benchmark_returns)``: simple returns between consecutive
        common dates.

    Raises
    ------
    ValueError
        If fewer than 3 dates are common (2 returns are needed for any statistic).
    """
    pie = check_levels(unit_value, "unit_value")
    bench = check_levels(benchmark_unit_value, "benchmark_unit_value")
    common = pie.index.intersection(bench.index)
    if len(common) < 3:
        raise ValueError(
            "unit_value and benchmark_unit_value have "
            f"{len(common)} dates in common; need at least 3"
        )
    p = pie.loc[common].to_numpy()
    b = bench.loc[common].to_numpy()
    index = common[1:]
    return (
        pd.Series(p[1:] / p[:-1] - 1.0, index=index, name="returns"),
        pd.Series(b[1:] / b[:-1] - 1.0, index=index, name="benchmark_returns"),
    )


def beta(returns: pd.Series, benchmark_returns: pd.Series) -> float:
    """Beta of the pie to the benchmark.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.

    Returns
    -------
    float
        ``cov(r, b) / var(b)`` (same ``ddof``); NaN when the benchmark never moves.
    """
    r, b = check_pair(returns, benchmark_returns)
    rv, bv = r.to_numpy(), b.to_numpy()
    bc = bv - bv.mean()
    var = float(np.mean(bc**2))
    if var == 0.0:
        return math.nan
    return float(np.mean(bc * (rv - rv.mean())) / var)


def alpha(
    returns: pd.Series, benchmark_returns: pd.Series, *, risk_free: float = 0.0
) -> float:
    """Jensen's alpha, annualised by compounding.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.
    risk_free : float, default 0.0
        Annual risk-free rate.

    Returns
    -------
    float
        ``(1 + a_d) ** 252 - 1`` with
        ``a_d = mean(r - rf_d) - beta * mean(b - rf_d)``.
    """
    r, b = check_pair(returns, benchmark_returns)
    rf = daily_risk_free(risk_free)
    slope = beta(r, b)
    if math.isnan(slope):
        return math.nan
    daily = float((r - rf).mean() - slope * (b - rf).mean())
    return float((1.0 + daily) ** TRADING_DAYS - 1.0)


def correlation(returns: pd.Series, benchmark_returns: pd.Series) -> float:
    """Pearson correlation of daily returns.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.

    Returns
    -------
    float
        In [-1, 1]; NaN when either series never moves.
    """
    r, b = check_pair(returns, benchmark_returns)
    if r.std() == 0.0 or b.std() == 0.0:
        return math.nan
    return float(np.corrcoef(r.to_numpy(), b.to_numpy())[0, 1])


def r_squared(returns: pd.Series, benchmark_returns: pd.Series) -> float:
    """Share of the daily variance the benchmark explains (R² of the beta fit).

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.

    Returns
    -------
    float
        The square of :func:`correlation`, in [0, 1] (the R² of the one-factor
        least-squares fit ``r = a + beta * b``); NaN when either never moves.
    """
    rho = correlation(returns, benchmark_returns)
    return math.nan if math.isnan(rho) else rho * rho


def tracking_error(returns: pd.Series, benchmark_returns: pd.Series) -> float:
    """Annualised tracking error.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.

    Returns
    -------
    float
        ``std(r - b, ddof=1) * sqrt(252)``.
    """
    r, b = check_pair(returns, benchmark_returns)
    return float((r - b).std(ddof=1) * math.sqrt(TRADING_DAYS))


def information_ratio(returns: pd.Series, benchmark_returns: pd.Series) -> float:
    """Annualised information ratio.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.

    Returns
    -------
    float
        ``mean(r - b) * 252 / tracking_error``; NaN when the tracking error is
        below ``1e-12`` (the pie is the benchmark up to rounding, and the ratio of
        two rounding errors means nothing).
    """
    r, b = check_pair(returns, benchmark_returns)
    te = tracking_error(r, b)
    if te < _NEGLIGIBLE_TE:
        return math.nan
    return float((r - b).mean() * TRADING_DAYS / te)


def _annualised(values: np.ndarray) -> float:
    return float(np.prod(1.0 + values) ** (TRADING_DAYS / values.size) - 1.0)


def capture_ratios(
    returns: pd.Series, benchmark_returns: pd.Series
) -> tuple[float, float]:
    """Up- and down-capture ratios.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.

    Returns
    -------
    tuple of float
        ``(up, down)`` where ``up = A(r | b > 0) / A(b | b > 0)`` and
        ``down = A(r | b < 0) / A(b | b < 0)``, ``A(x) = prod(1 + x) ** (252 / n)
        - 1`` over the ``n`` selected days. Up above 1 and down below 1 is good.
        NaN when the benchmark has no such day.
    """
    r, b = check_pair(returns, benchmark_returns)
    rv, bv = r.to_numpy(), b.to_numpy()
    result = []
    for mask in (bv > 0.0, bv < 0.0):
        if not mask.any():
            result.append(math.nan)
            continue
        denominator = _annualised(bv[mask])
        result.append(
            math.nan if denominator == 0.0 else _annualised(rv[mask]) / denominator
        )
    return result[0], result[1]


def rolling_beta(
    returns: pd.Series, benchmark_returns: pd.Series, *, window: int = TRADING_DAYS
) -> pd.Series:
    """Compute the rolling beta over a trailing window of trading days.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns on the same dates.
    window : int, default 252
        Window length in returns (252 is 12 months).

    Returns
    -------
    pd.Series, shape (n_days,)
        ``cov(r, b) / var(b)`` over each window; NaN until the window is full.
    """
    r, b = check_pair(returns, benchmark_returns)
    cov = r.rolling(window).cov(b)
    var = b.rolling(window).var()
    return (cov / var).rename("rolling_beta")


def kaplan_schoar_pme(
    nav: pd.Series, external_flows: pd.Series, benchmark_unit_value: pd.Series
) -> float:
    r"""Compute the Kaplan-Schoar public-market equivalent of the pie against an index.

    Every flow is carried to the last date with the index: a deposit of ``C`` on
    day ``t`` would be worth ``C * I_T / I_t`` had it bought the index instead.

    Parameters
    ----------
    nav : pd.Series, shape (n_days,)
        NAV of the pie in the base currency; its last value ``NAV_T`` and last
        date ``T`` are used.
    external_flows : pd.Series
        Net money put into the pie per date, pie's view (deposits positive,
        withdrawals negative), including the initial investment.
    benchmark_unit_value : pd.Series
        The benchmark's unit value (a total-return index) in the same currency;
        the value on or before each flow date is used (the close of the flow's
        day, as the engine invests at the close).

    Returns
    -------
    float
        .. math::

            \mathrm{PME} = \frac{\sum_t D_t \, I_T / I_t + NAV_T}
                                  {\sum_t C_t \, I_T / I_t}

        with contributions ``C_t`` (positive net flows) and distributions ``D_t``
        (withdrawals, as positive amounts). Above 1: the pie beat buying the index
        with the same money on the same days; exactly 1 when the pie is the index.

    Raises
    ------
    ValueError
        If there is no contribution, or a flow or the last NAV date precedes the
        benchmark's first date.
    """
    levels = nav.astype("float64").dropna()
    if levels.empty:
        raise ValueError("nav is empty")
    index = check_levels(benchmark_unit_value, "benchmark_unit_value", min_length=1)
    flows = external_flows.astype("float64")
    flows = flows[flows != 0.0]
    if not (flows > 0).any():
        raise ValueError("external_flows holds no contribution (deposit)")
    end = pd.Timestamp(levels.index[-1])
    dates = pd.DatetimeIndex(flows.index)
    if dates.min() < index.index[0] or end < index.index[0]:
        raise ValueError(
            "benchmark_unit_value starts on "
            f"{index.index[0].date()}, after the first flow or the last NAV date"
        )
    # The index value on or before each date: the close of the flow's own day
    # when the index traded that day, else the last close before it.
    values = index.to_numpy()
    at_flows = values[index.index.searchsorted(dates, side="right") - 1]
    at_end = values[index.index.searchsorted(end, side="right") - 1]
    growth = float(at_end) / at_flows
    amounts = flows.to_numpy()
    contributions = float(np.sum(np.where(amounts > 0, amounts, 0.0) * growth))
    distributions = float(np.sum(np.where(amounts < 0, -amounts, 0.0) * growth))
    return (distributions + float(levels.iloc[-1])) / contributions
