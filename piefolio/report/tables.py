"""The run page's detail tables as text: what Portfolio Visualizer and QuantStats show.

Each function turns one view of :mod:`piefolio.report.derived` into a frame of
strings (money with the currency, percentages with one decimal, ratios with two,
a dash for "not applicable"), ready for the page or a terminal table. Returns and
moves read against zero carry their sign (``+44.4%``), as in the terminal; levels
(volatility, drawdown depth, shares) do not. No number is computed here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from piefolio.report import derived
from piefolio.report.format import DASH, money, percent, ratio
from piefolio.report.model import ReportData

__all__ = [
    "DEFINITIONS",
    "against_frame",
    "holdings_frame",
    "real_frame",
    "shape_frame",
    "slices_frame",
    "trailing_frame",
    "worst_drawdowns_frame",
]

#: Row label -> what it measures, shown as a hover on the label and as a
#: footnote under the summary table.
DEFINITIONS: dict[str, str] = {
    "Return (time-weighted)": "growth of one unit of the pie, so deposits and "
    "withdrawals do not count as gains",
    "XIRR (money-weighted)": "the yearly rate at which the money put in, on the "
    "days it went in, grows to the final value",
    "Sharpe": "return above the risk-free rate per unit of volatility, a year",
    "Sortino": "like Sharpe, but divided by the downside deviation only (the "
    "spread of the days below the risk-free rate)",
    "Calmar": "time-weighted return a year divided by the size of the maximum drawdown",
    "Beta": "how much the series moved per 1 % move of the first benchmark "
    "(daily returns)",
    "PME": "Kaplan-Schoar public-market equivalent: the pie's final value and "
    "withdrawals over what the same money on the same days would have made in "
    "the benchmark; above 1 the pie did better",
}

_TRAILING_LABELS = {
    "YTD": "Year to date",
    "1Y": "1 year",
    "3Y": "3 years, a year",
    "5Y": "5 years, a year",
    "10Y": "10 years, a year",
    "since start": "Since start, a year",
}


def _date(value: Any) -> str:
    return DASH if value is None or value != value else str(value)


def trailing_frame(data: ReportData) -> pd.DataFrame:
    """Trailing returns, one row per period and one column per series.

    Returns
    -------
    pd.DataFrame, shape (6, n_series)
        From :func:`piefolio.report.derived.trailing_table`.
    """
    table = derived.trailing_table(data)
    out = pd.DataFrame(
        {
            name: [percent(v, signed=True) for v in table.loc[name]]
            for name in data.series
        },
        index=[_TRAILING_LABELS[c] for c in table.columns],
    )
    out.index.name = f"to {data.unit_value.index[-1].date()}"
    return out


def against_frame(data: ReportData) -> pd.DataFrame | None:
    """Show the pie against each benchmark: beta, alpha, R², tracking, capture.

    Returns
    -------
    pd.DataFrame or None, shape (8, n_benchmarks)
        From :func:`piefolio.report.derived.against_table`; None without
        benchmarks.
    """
    table = derived.against_table(data)
    if table.empty:
        return None
    rows = {
        "Beta": [ratio(v) for v in table["beta"]],
        "Alpha, a year": [percent(v, signed=True) for v in table["alpha"]],
        "R²": [ratio(v) for v in table["r_squared"]],
        "Correlation": [ratio(v) for v in table["correlation"]],
        "Tracking error, a year": [percent(v) for v in table["tracking_error"]],
        "Information ratio": [ratio(v) for v in table["information_ratio"]],
        "Up capture": [percent(v, decimals=0) for v in table["up_capture"]],
        "Down capture": [percent(v, decimals=0) for v in table["down_capture"]],
    }
    out = pd.DataFrame(rows, index=[f"vs {b}" for b in table.index]).T
    out.index.name = data.pie
    return out


def shape_frame(data: ReportData) -> pd.DataFrame:
    """Skew, kurtosis, win rate, tail ratio and best/worst day, month, year.

    Returns
    -------
    pd.DataFrame, shape (10, n_series)
        From :func:`piefolio.report.derived.return_shape`; each extreme reads
        with its date, e.g. ``"12.3% (2020-03-24)"``.
    """
    t = derived.return_shape(data)

    def dated(value: str, when: str) -> list[str]:
        return [
            DASH if percent(v) == DASH else f"{percent(v, signed=True)} ({_date(w)})"
            for v, w in zip(t[value], t[when], strict=True)
        ]

    rows = {
        "Skewness": [ratio(v) for v in t["skew"]],
        "Excess kurtosis": [ratio(v) for v in t["kurtosis"]],
        "Winning days": [percent(v) for v in t["win_rate"]],
        "Tail ratio": [ratio(v) for v in t["tail_ratio"]],
        "Best day": dated("best_day", "best_day_on"),
        "Worst day": dated("worst_day", "worst_day_on"),
        "Best month": dated("best_month", "best_month_label"),
        "Worst month": dated("worst_month", "worst_month_label"),
        "Best year": dated("best_year", "best_year_label"),
        "Worst year": dated("worst_year", "worst_year_label"),
    }
    return pd.DataFrame(rows, index=data.series).T


def slices_frame(data: ReportData) -> pd.DataFrame | None:
    """Each slice on its own, one row per ticker.

    Returns
    -------
    pd.DataFrame or None, shape (n_tickers, 7)
        From :func:`piefolio.report.derived.slice_table` (the correlation is to
        the first benchmark, "Added" the contribution to the pie's return);
        None without prices.
    """
    t = derived.slice_table(data)
    if t is None:
        return None
    out = pd.DataFrame(
        {
            "Theme": [data.themes.get(str(s), DASH) for s in t.index],
            "Return, a year": [percent(v, signed=True) for v in t["cagr"]],
            "Volatility": [percent(v) for v in t["volatility"]],
            "Max drawdown": [percent(v) for v in t["max_drawdown"]],
            "Sharpe": [ratio(v) for v in t["sharpe"]],
            "Correlation": [ratio(v) for v in t["correlation"]],
            "Added": [percent(v, signed=True) for v in t["contribution"]],
        },
        index=t.index,
    )
    out.index.name = "Slice"
    return out


def worst_drawdowns_frame(data: ReportData, *, top: int = 10) -> pd.DataFrame | None:
    """Show the pie's deepest drawdowns with their dates and lengths.

    Returns
    -------
    pd.DataFrame or None, shape (<= top, 6)
        From :func:`piefolio.report.derived.worst_drawdowns`; None when the pie
        never fell.
    """
    t = derived.worst_drawdowns(data, top=top)
    if t.empty:
        return None
    out = pd.DataFrame(
        {
            "Depth": [percent(v) for v in t["depth"]],
            "Peak": [_date(v) for v in t["peak"]],
            "Trough": [_date(v) for v in t["trough"]],
            "Recovered": ["not yet" if v is None else str(v) for v in t["recovery"]],
            "Days falling": [f"{v:,}" for v in t["decline_days"]],
            "Days peak to recovery": [
                DASH if v is None else f"{v:,}" for v in t["duration_days"]
            ],
        },
        index=t.index,
    )
    out.index.name = "#"
    return out


def holdings_frame(data: ReportData) -> pd.DataFrame | None:
    """Show what the pie holds on its last day.

    Returns
    -------
    pd.DataFrame or None, shape (n_symbols, 5)
        Shares (four decimals: fractional shares), value in the currency,
        actual and target weight, and the drift in points; None when the
        report has no holdings.
    """
    h = data.holdings
    if h is None or h.empty:
        return None
    out = pd.DataFrame(
        {
            "Shares": [f"{v:,.4f}" for v in h["shares"]],
            "Value": [money(v, data.currency) for v in h["value"]],
            "Weight": [percent(v) for v in h["weight"]],
            "Target": [percent(v) for v in h["target"]],
            "Off target, points": [
                DASH if percent(v) == DASH else f"{100 * v:+.1f}" for v in h["drift"]
            ],
        },
        index=h.index,
    )
    out.index.name = f"on {data.nav.index[-1].date()}"
    return out


def real_frame(data: ReportData) -> pd.DataFrame | None:
    """Nominal and real (inflation-adjusted) figures side by side, as text.

    Parameters
    ----------
    data : ReportData
        Uses ``summary`` and ``real``.

    Returns
    -------
    pd.DataFrame or None, shape (7, n_series)
        Rows: final value (nominal, then real: in money of the run's first
        day), money put in (real), TWR a year and XIRR (nominal, then real); one
        column per series. None when there is no price index.
    """
    real = data.real
    if real is None:
        return None
    cur = data.currency
    nominal, deflated = data.summary, real.summary.reindex(data.summary.index)
    rows = {
        "Final value": [money(v, cur) for v in nominal["final_value"]],
        "Final value, real": [money(v, cur) for v in deflated["final_value"]],
        "Put in, real": [money(v, cur) for v in deflated["deposited"]],
        "TWR a year": [percent(v, signed=True) for v in nominal["twr_annual"]],
        "TWR a year, real": [percent(v, signed=True) for v in deflated["twr_annual"]],
        "XIRR": [percent(v, signed=True) for v in nominal["xirr"]],
        "XIRR, real": [percent(v, signed=True) for v in deflated["xirr"]],
    }
    return pd.DataFrame(rows, index=data.series).T
