"""Views the report derives from :class:`~piefolio.report.model.ReportData`.

Each function here is a thin loop over the series of a report that calls one
:mod:`piefolio.analytics` function; no metric is computed here a second way, so the
page, the PNGs and the JSON always show the numbers the analytics tests check.

Conventions
-----------
- Returns, drawdowns, VaR and ES are simple-return fractions; drawdowns, VaR and
  ES are negative for a loss (as in :mod:`piefolio.analytics.risk`).
- Rolling windows are 252 trading days (12 months).
- A series' missing days (NaN in ``unit_value``) are dropped before a metric is
  computed, so a benchmark that starts later is measured over its own dates.
"""

from __future__ import annotations

import pandas as pd

from piefolio.analytics import (
    annual_returns,
    correlation_matrix,
    daily_returns,
    drawdown_series,
    expected_shortfall,
    max_drawdown,
    monthly_returns_table,
    rolling_performance,
    value_at_risk,
    weight_drift,
)
from piefolio.analytics.risk import TRADING_DAYS
from piefolio.report.model import ReportData

__all__ = [
    "annual_table",
    "drawdown_stats",
    "drawdowns",
    "drift",
    "monthly_table",
    "rolling_table",
    "slice_correlations",
    "tail_risk",
]


def _levels(data: ReportData, name: str) -> pd.Series:
    return data.unit_value[name].astype("float64").dropna()


def drawdowns(data: ReportData) -> pd.DataFrame:
    """Underwater curve of every series.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_days, n_series)
        :func:`piefolio.analytics.drawdown_series` of each unit value: 0 at a new
        high, negative below it; NaN where a series has no value.
    """
    return pd.DataFrame(
        {name: drawdown_series(_levels(data, name)) for name in data.series},
        index=data.unit_value.index,
    )


def drawdown_stats(data: ReportData) -> pd.DataFrame:
    """Maximum drawdown of every series with its dates.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_series, 6)
        Index = series; columns ``depth`` (negative fraction), ``peak``,
        ``trough``, ``recovery`` (``datetime.date`` or None) and
        ``decline_days``, ``duration_days`` (calendar days or None when not
        recovered), from :func:`piefolio.analytics.max_drawdown`.
    """
    rows = {}
    for name in data.series:
        dd = max_drawdown(_levels(data, name))
        rows[name] = {
            "depth": dd.depth,
            "peak": dd.peak,
            "trough": dd.trough,
            "recovery": dd.recovery,
            "decline_days": dd.decline_days,
            "duration_days": dd.duration_days,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def annual_table(data: ReportData) -> pd.DataFrame:
    """Calendar-year time-weighted returns of every series.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_years, n_series)
        Index = year (int); :func:`piefolio.analytics.annual_returns` of each unit
        value; the first and last years may be partial.
    """
    return pd.DataFrame(
        {name: annual_returns(_levels(data, name)) for name in data.series}
    ).rename_axis("year")


def monthly_table(data: ReportData) -> pd.DataFrame:
    """Monthly returns of the pie as a year x month table.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_years, 12)
        :func:`piefolio.analytics.monthly_returns_table` of the pie's unit value;
        NaN for months outside the run.
    """
    return monthly_returns_table(_levels(data, data.pie))


def rolling_table(data: ReportData, *, window: int = TRADING_DAYS) -> pd.DataFrame:
    """Compute the rolling return, volatility and beta of every series.

    Beta is measured against the **first benchmark**, so it is left out for that
    benchmark itself (it would be 1) and for a pie without benchmarks.

    Parameters
    ----------
    data : ReportData
        The report's data.
    window : int, default 252
        Window in trading days (252 is 12 months).

    Returns
    -------
    pd.DataFrame, shape (n_days, n_columns)
        Columns are a two-level index ``(figure, series)`` with figure one of
        ``return``, ``volatility``, ``beta``, from
        :func:`piefolio.analytics.rolling_performance`; NaN until a window is
        full.
    """
    reference = data.benchmarks[0] if data.benchmarks else None
    frames = {}
    for name in data.series:
        bench = None
        if reference is not None and name != reference:
            bench = _levels(data, reference)
        frames[name] = rolling_performance(
            _levels(data, name), benchmark_unit_value=bench, window=window
        )
    table = pd.concat(frames, axis=1).swaplevel(axis=1)
    figures = [f for f in ("return", "volatility", "beta") if f in table.columns]
    return table.reindex(columns=figures, level=0).reindex(data.unit_value.index)


def tail_risk(data: ReportData, *, level: float = 0.95) -> pd.DataFrame:
    """Historical one-day VaR and expected shortfall of every series.

    Parameters
    ----------
    data : ReportData
        The report's data.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pd.DataFrame, shape (n_series, 2)
        Columns ``var`` and ``es``: daily returns, negative for a loss
        (:func:`piefolio.analytics.value_at_risk`,
        :func:`piefolio.analytics.expected_shortfall`).
    """
    rows = {}
    for name in data.series:
        returns = daily_returns(_levels(data, name))
        rows[name] = {
            "var": value_at_risk(returns, level=level),
            "es": expected_shortfall(returns, level=level),
        }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["var", "es"])


def slice_correlations(data: ReportData) -> pd.DataFrame | None:
    """Correlation of the slices' daily returns.

    Parameters
    ----------
    data : ReportData
        The report's data; uses ``prices`` (None gives None).

    Returns
    -------
    pd.DataFrame or None, shape (n_tickers, n_tickers)
        :func:`piefolio.analytics.correlation_matrix` of the price columns that
        are targets of the pie (all columns when none is); None without prices.
    """
    if data.prices is None or data.prices.empty:
        return None
    held = [str(t) for t in data.targets.index if t in data.prices.columns]
    prices = data.prices[held] if held else data.prices
    return correlation_matrix(prices)


def drift(data: ReportData) -> pd.DataFrame:
    """Actual minus target weight of each slice, day by day.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_days, n_tickers)
        :func:`piefolio.analytics.weight_drift` in weight points (0.02 is two
        points over target), columns in the order of ``targets``.
    """
    targets = {str(k): float(v) for k, v in data.targets.items()}
    return weight_drift(data.weights, targets)
