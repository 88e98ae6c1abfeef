"""The headline numbers of one pie against one benchmark, as one value object.

:class:`Performance` is what the report and ``--json`` show; :func:`performance`
builds it from plain pandas series with the functions of :mod:`returns`,
:mod:`risk` and :mod:`benchmark`, whose conventions it keeps: simple returns,
252 trading days to annualise daily figures, calendar days / 365 for CAGR and
XIRR, drawdowns, VaR and ES negative, an annual risk-free rate, cash flows in the
pie's view (deposits positive). An undefined figure is NaN in the object and
``None`` in :meth:`Performance.to_dict`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from piefolio.analytics._validate import check_levels
from piefolio.analytics.benchmark import (
    align_returns,
    alpha,
    beta,
    capture_ratios,
    correlation,
    information_ratio,
    kaplan_schoar_pme,
    rolling_beta,
    tracking_error,
)
from piefolio.analytics.returns import (
    annual_returns,
    cagr,
    daily_returns,
    money_weighted_return,
    monthly_returns,
    positive_months,
    total_return,
)
from piefolio.analytics.risk import (
    TRADING_DAYS,
    Drawdown,
    calmar_ratio,
    expected_shortfall,
    max_drawdown,
    rolling_return,
    rolling_volatility,
    sharpe_ratio,
    sortino_ratio,
    value_at_risk,
    volatility,
)
from piefolio.ledger import positive_total

__all__ = [
    "BenchmarkComparison",
    "Performance",
    "performance",
    "rolling_performance",
]


@dataclass(frozen=True, slots=True)
class BenchmarkComparison:
    """The pie against one benchmark, on the dates both have.

    Attributes
    ----------
    name : str
        Benchmark label (e.g. ``"SPY"``).
    total_return, cagr : float
        The benchmark's own time-weighted return over the common dates.
    beta, alpha, correlation, tracking_error, information_ratio : float
        See :mod:`piefolio.analytics.benchmark` (alpha annualised, Jensen).
    up_capture, down_capture : float
        Capture ratios on the benchmark's up and down days.
    pme : float
        Kaplan-Schoar public-market equivalent: above 1 the pie beat buying the
        benchmark with the same money on the same days.
    """

    name: str
    total_return: float
    cagr: float
    beta: float
    alpha: float
    correlation: float
    tracking_error: float
    information_ratio: float
    up_capture: float
    down_capture: float
    pme: float


@dataclass(frozen=True, slots=True)
class Performance:
    """Headline numbers of a pie over its run.

    Attributes
    ----------
    start, end : datetime.date
        First and last date of the NAV.
    final_value : float
        NAV on ``end``, base currency.
    deposited, withdrawn : float
        Money put in and taken out (both positive).
    profit : float
        ``final_value - deposited + withdrawn``.
    total_return, cagr : float
        Time-weighted return, total and annualised (calendar days / 365).
    money_weighted_return : float
        XIRR of the investor's flows and the final NAV (annual).
    volatility, sharpe, sortino : float
        Annualised (252 days), with ``risk_free``.
    max_drawdown : Drawdown
        Depth (negative), peak, trough, recovery and durations.
    calmar : float
        ``cagr / |max drawdown depth|``.
    var_95, es_95 : float
        Historical daily VaR and expected shortfall at 95 % (negative returns).
    best_month, worst_month : float
        Best and worst calendar-month return.
    best_month_label, worst_month_label : str or None
        Those months as ``"YYYY-MM"``.
    best_year, worst_year : float
        Best and worst calendar-year return (partial years included).
    best_year_label, worst_year_label : int or None
        Those years.
    positive_months : float
        Fraction of months with a positive return.
    risk_free : float
        Annual risk-free rate used.
    benchmark : BenchmarkComparison or None
        The comparison, when a benchmark was given.
    """

    start: dt.date
    end: dt.date
    final_value: float
    deposited: float
    withdrawn: float
    profit: float
    total_return: float
    cagr: float
    money_weighted_return: float
    volatility: float
    sharpe: float
    sortino: float
    max_drawdown: Drawdown
    calmar: float
    var_95: float
    es_95: float
    best_month: float
    best_month_label: str | None
    worst_month: float
    worst_month_label: str | None
    best_year: float
    best_year_label: int | None
    worst_year: float
    worst_year_label: int | None
    positive_months: float
    risk_free: float
    benchmark: BenchmarkComparison | None

    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-safe values.

        Returns
        -------
        dict
            Floats stay floats except NaN and infinities, which become ``None``;
            dates become ISO strings (``"2020-03-23"``); nested dataclasses become
            dicts; ``json.dumps`` accepts the result as is.
        """
        return {f.name: _json_safe(getattr(self, f.name)) for f in _fields(self)}


def _fields(obj: Any) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(obj)


def _json_safe(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_safe(getattr(value, f.name)) for f in _fields(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _extremes(
    returns: pd.Series,
) -> tuple[float, Any, float, Any]:
    values = returns.dropna()
    if values.empty:
        return math.nan, None, math.nan, None
    return (
        float(values.max()),
        values.idxmax(),
        float(values.min()),
        values.idxmin(),
    )


def _compare(
    name: str,
    nav: pd.Series,
    unit_value: pd.Series,
    external_flows: pd.Series,
    benchmark_unit_value: pd.Series,
    risk_free: float,
) -> BenchmarkComparison:
    r, b = align_returns(unit_value, benchmark_unit_value)
    bench = benchmark_unit_value.loc[
        unit_value.index.intersection(benchmark_unit_value.index)
    ]
    up, down = capture_ratios(r, b)
    return BenchmarkComparison(
        name=name,
        total_return=total_return(bench),
        cagr=cagr(bench),
        beta=beta(r, b),
        alpha=alpha(r, b, risk_free=risk_free),
        correlation=correlation(r, b),
        tracking_error=tracking_error(r, b),
        information_ratio=information_ratio(r, b),
        up_capture=up,
        down_capture=down,
        pme=kaplan_schoar_pme(nav, external_flows, benchmark_unit_value),
    )


def performance(
    nav: pd.Series,
    unit_value: pd.Series,
    external_flows: pd.Series,
    *,
    benchmark_unit_value: pd.Series | None = None,
    benchmark_name: str = "benchmark",
    risk_free: float = 0.0,
) -> Performance:
    """Compute the headline numbers of a pie, optionally against a benchmark.

    Parameters
    ----------
    nav : pd.Series, shape (n_days,)
        Daily NAV in the base currency (pie including cash).
    unit_value : pd.Series, shape (n_days,)
        Daily unit value (time-weighted NAV per unit) on the same dates.
    external_flows : pd.Series
        Net money put in per date, pie's view (deposits positive, withdrawals
        negative), including the initial investment; see
        :func:`piefolio.analytics.net_external_flows`.
    benchmark_unit_value : pd.Series, optional
        The benchmark's unit value (total-return index), same currency. Its
        statistics use the dates it shares with ``unit_value``.
    benchmark_name : str, default "benchmark"
        Label stored in :attr:`BenchmarkComparison.name`.
    risk_free : float, default 0.0
        Annual risk-free rate for Sharpe, Sortino and alpha.

    Returns
    -------
    Performance
        The numbers; NaN where a figure is undefined on the data (e.g. Sortino
        with no losing day).
    """
    levels = check_levels(unit_value, "unit_value")
    values = check_levels(nav, "nav", min_length=1, allow_zero=True)
    if not levels.index.equals(values.index):
        raise ValueError("nav and unit_value must be on the same dates")
    flows = external_flows.astype("float64")
    r = daily_returns(levels)
    monthly = monthly_returns(levels)
    annual = annual_returns(levels)
    best_m, best_m_at, worst_m, worst_m_at = _extremes(monthly)
    best_y, best_y_at, worst_y, worst_y_at = _extremes(annual)
    deposited = float(flows[flows > 0].sum())
    withdrawn = positive_total(flows[flows < 0].sum())
    final_value = float(values.iloc[-1])
    comparison = None
    if benchmark_unit_value is not None:
        comparison = _compare(
            benchmark_name, values, levels, flows, benchmark_unit_value, risk_free
        )
    return Performance(
        start=levels.index[0].date(),
        end=levels.index[-1].date(),
        final_value=final_value,
        deposited=deposited,
        withdrawn=withdrawn,
        profit=final_value - deposited + withdrawn,
        total_return=total_return(levels),
        cagr=cagr(levels),
        money_weighted_return=money_weighted_return(values, flows),
        volatility=volatility(r),
        sharpe=sharpe_ratio(r, risk_free=risk_free),
        sortino=sortino_ratio(r, risk_free=risk_free),
        max_drawdown=max_drawdown(levels),
        calmar=calmar_ratio(levels),
        var_95=value_at_risk(r, level=0.95),
        es_95=expected_shortfall(r, level=0.95),
        best_month=best_m,
        best_month_label=None if best_m_at is None else str(best_m_at),
        worst_month=worst_m,
        worst_month_label=None if worst_m_at is None else str(worst_m_at),
        best_year=best_y,
        best_year_label=None if best_y_at is None else int(best_y_at),
        worst_year=worst_y,
        worst_year_label=None if worst_y_at is None else int(worst_y_at),
        positive_months=positive_months(levels),
        risk_free=float(risk_free),
        benchmark=comparison,
    )


def rolling_performance(
    unit_value: pd.Series,
    *,
    benchmark_unit_value: pd.Series | None = None,
    window: int = TRADING_DAYS,
) -> pd.DataFrame:
    """Compute rolling return, volatility and beta over a trailing window.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Daily unit value of the pie.
    benchmark_unit_value : pd.Series, optional
        The benchmark's unit value; adds the ``beta`` column, computed on the
        dates both series have.
    window : int, default 252
        Window in trading days (252 is 12 months).

    Returns
    -------
    pd.DataFrame, shape (n_days, 2 or 3)
        On the dates of ``unit_value``: ``return`` (``V_t / V_{t-window} - 1``),
        ``volatility`` (annualised, of the last ``window`` daily returns) and
        ``beta``; NaN until a window is full (and on dates the benchmark lacks).
    """
    levels = check_levels(unit_value, "unit_value")
    frame = pd.DataFrame(
        {
            "return": rolling_return(levels, window=window),
            "volatility": rolling_volatility(daily_returns(levels), window=window),
        },
        index=levels.index,
    )
    if benchmark_unit_value is not None:
        r, b = align_returns(levels, benchmark_unit_value)
        frame["beta"] = rolling_beta(r, b, window=window).reindex(levels.index)
    return frame
