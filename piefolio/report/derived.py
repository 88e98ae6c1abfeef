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
    align_returns,
    alpha,
    annual_returns,
    beta,
    cagr,
    capture_ratios,
    correlation,
    correlation_matrix,
    daily_contributions,
    daily_returns,
    drawdown_periods,
    drawdown_series,
    expected_shortfall,
    extremes,
    information_ratio,
    kurtosis,
    max_drawdown,
    monthly_returns_table,
    r_squared,
    rolling_performance,
    rolling_sharpe,
    sharpe_ratio,
    skewness,
    tail_ratio,
    total_contributions,
    tracking_error,
    trailing_returns,
    value_at_risk,
    volatility,
    weight_drift,
    win_rate,
)
from piefolio.analytics.risk import TRADING_DAYS
from piefolio.report.model import ReportData

__all__ = [
    "against_table",
    "annual_table",
    "drawdown_stats",
    "drawdowns",
    "drift",
    "monthly_table",
    "return_shape",
    "rolling_table",
    "slice_correlations",
    "slice_table",
    "tail_risk",
    "trailing_table",
    "worst_drawdowns",
]


def _levels(data: ReportData, name: str) -> pd.Series:
    return data.unit_value[name].astype("float64").dropna()


def _rf(data: ReportData) -> float:
    return 0.0 if data.risk_free is None else float(data.risk_free)


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
    """Compute the rolling return, volatility, Sharpe ratio and beta of every series.

    The Sharpe ratio uses the report's risk-free rate (0 when unknown). Beta
    is measured against the **first benchmark**, so it is left out for that
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
        ``return``, ``volatility``, ``sharpe``, ``beta``, from
        :func:`piefolio.analytics.rolling_performance` and
        :func:`piefolio.analytics.rolling_sharpe`; NaN until a window is full.
    """
    reference = data.benchmarks[0] if data.benchmarks else None
    frames = {}
    for name in data.series:
        bench = None
        if reference is not None and name != reference:
            bench = _levels(data, reference)
        frame = rolling_performance(
            _levels(data, name), benchmark_unit_value=bench, window=window
        )
        frame["sharpe"] = rolling_sharpe(
            daily_returns(_levels(data, name)), window=window, risk_free=_rf(data)
        )
        frames[name] = frame
    table = pd.concat(frames, axis=1).swaplevel(axis=1)
    order = ("return", "volatility", "sharpe", "beta")
    figures = [f for f in order if f in table.columns]
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


def trailing_table(data: ReportData) -> pd.DataFrame:
    """Trailing returns of every series up to the last date.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_series, 6)
        :func:`piefolio.analytics.trailing_returns` of each unit value: YTD and
        1Y total, 3Y, 5Y, 10Y and since start annualised; NaN where the series
        is shorter than the period.
    """
    return pd.DataFrame(
        {name: trailing_returns(_levels(data, name)) for name in data.series}
    ).T


def worst_drawdowns(data: ReportData, *, top: int = 10) -> pd.DataFrame:
    """List the pie's deepest separate drawdowns, deepest first.

    Parameters
    ----------
    data : ReportData
        The report's data.
    top : int, default 10
        Most rows.

    Returns
    -------
    pd.DataFrame
        :func:`piefolio.analytics.drawdown_periods` of the pie's unit value.
    """
    return drawdown_periods(_levels(data, data.pie), top=top)


def return_shape(data: ReportData) -> pd.DataFrame:
    """Skewness, kurtosis, win rate, tail ratio and extremes of every series.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    pd.DataFrame, shape (n_series, 16)
        Columns ``skew``, ``kurtosis`` (excess), ``win_rate`` (share of days
        that moved), ``tail_ratio`` (:mod:`piefolio.analytics.distribution`),
        then the fields of :class:`piefolio.analytics.Extremes` (best and worst
        day with its date, month and year with their labels).
    """
    rows = {}
    for name in data.series:
        levels = _levels(data, name)
        r = daily_returns(levels)
        e = extremes(levels)
        rows[name] = {
            "skew": skewness(r),
            "kurtosis": kurtosis(r),
            "win_rate": win_rate(r),
            "tail_ratio": tail_ratio(r),
            **{f: getattr(e, f) for f in e.__slots__},
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def against_table(data: ReportData) -> pd.DataFrame:
    """Measure the pie against each benchmark, on the dates both have.

    Parameters
    ----------
    data : ReportData
        The report's data; alpha uses its risk-free rate (0 when unknown).

    Returns
    -------
    pd.DataFrame, shape (n_benchmarks, 8)
        Columns ``beta``, ``alpha`` (Jensen, annualised), ``r_squared``,
        ``correlation``, ``tracking_error``, ``information_ratio``,
        ``up_capture``, ``down_capture``, from
        :mod:`piefolio.analytics.benchmark`; empty without benchmarks.
    """
    pie = _levels(data, data.pie)
    rows = {}
    for name in data.benchmarks:
        r, b = align_returns(pie, _levels(data, name))
        up, down = capture_ratios(r, b)
        rows[name] = {
            "beta": beta(r, b),
            "alpha": alpha(r, b, risk_free=_rf(data)),
            "r_squared": r_squared(r, b),
            "correlation": correlation(r, b),
            "tracking_error": tracking_error(r, b),
            "information_ratio": information_ratio(r, b),
            "up_capture": up,
            "down_capture": down,
        }
    columns = [
        "beta",
        "alpha",
        "r_squared",
        "correlation",
        "tracking_error",
        "information_ratio",
        "up_capture",
        "down_capture",
    ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def slice_table(data: ReportData) -> pd.DataFrame | None:
    """Each slice on its own: return, risk, and what it added to the pie.

    Parameters
    ----------
    data : ReportData
        The report's data; uses ``prices`` (None gives None) and ``weights``.

    Returns
    -------
    pd.DataFrame or None, shape (n_tickers, 6)
        Index = the targets' tickers. ``cagr``, ``volatility``,
        ``max_drawdown`` and ``sharpe`` of the slice's own close over the days
        it has one (a late listing is measured from its first close);
        ``correlation`` of its daily returns with the first benchmark's (NaN
        without one); ``contribution`` to the pie's return, the sum of its daily
        ``weight x return`` (:func:`piefolio.analytics.total_contributions`).
    """
    if data.prices is None or data.prices.empty:
        return None
    held = [str(t) for t in data.targets.index if t in data.prices.columns]
    prices = data.prices[held].astype("float64")
    weights = data.weights.reindex(columns=held).fillna(0.0)
    added = total_contributions(daily_contributions(weights, prices))
    bench = _levels(data, data.benchmarks[0]) if data.benchmarks else None
    rows = {}
    for ticker in held:
        levels = prices[ticker].dropna()
        if len(levels) < 2:
            rows[ticker] = {"contribution": float(added.get(ticker, 0.0))}
            continue
        r = daily_returns(levels)
        rho = float("nan")
        if bench is not None:
            rho = correlation(*align_returns(levels, bench))
        rows[ticker] = {
            "cagr": cagr(levels),
            "volatility": volatility(r),
            "max_drawdown": max_drawdown(levels).depth,
            "sharpe": sharpe_ratio(r, risk_free=_rf(data)),
            "correlation": rho,
            "contribution": float(added.get(ticker, 0.0)),
        }
    columns = [
        "cagr",
        "volatility",
        "max_drawdown",
        "sharpe",
        "correlation",
        "contribution",
    ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)
