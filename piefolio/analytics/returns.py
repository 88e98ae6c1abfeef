"""Returns of a pie: time-weighted, money-weighted, by month and by year.

Conventions (every function in this module)
-------------------------------------------
- Returns are **simple** returns, ``r_t = V_t / V_{t-1} - 1``, as fractions
  (0.05 is 5 %), never log returns.
- Time-weighted returns come from a **unit value** series (the NAV per unit of the
  pie: deposits buy units at the day's unit value, so the unit value moves only with
  the market, never with deposits). A unit value is a level series: dated,
  increasing dates, strictly positive, no NaN.
- Annualised time-weighted return (CAGR) uses **calendar days / 365**:
  ``(V_T / V_0) ** (365 / days) - 1`` with ``days`` the calendar days between the
  first and the last date; 365 is also the day count of :func:`pyxirr.xirr`
  (Act/365F), so the two annual rates are comparable.
- Cash-flow ledgers are :mod:`piefolio.ledger`'s, the engine's own: money into
  the pie positive, withdrawals negative. The money-weighted return is
  :func:`piefolio.ledger.xirr` of them (the investor's side: money put in is
  paid out of pocket, withdrawals and the final NAV are received).
- Months and years are calendar periods. The return of a period is the last unit
  value of the period over the last unit value of the period before; the first
  period starts from the first unit value, so the first and last periods may be
  partial.
"""

from __future__ import annotations

import math

import pandas as pd

from piefolio.analytics._validate import check_levels
from piefolio.ledger import xirr

__all__ = [
    "DAYS_PER_YEAR",
    "TRAILING_YEARS",
    "annual_returns",
    "cagr",
    "daily_returns",
    "money_weighted_return",
    "monthly_returns",
    "monthly_returns_table",
    "net_external_flows",
    "positive_months",
    "total_return",
    "trailing_returns",
]

#: Trailing periods of :func:`trailing_returns`: label -> whole years (0 = YTD).
TRAILING_YEARS: dict[str, int] = {"YTD": 0, "1Y": 1, "3Y": 3, "5Y": 5, "10Y": 10}

#: Calendar days per year for CAGR and XIRR (Act/365F).
DAYS_PER_YEAR = 365.0

_EXTERNAL_IN = "deposit"
_EXTERNAL_OUT = "withdrawal"


def daily_returns(unit_value: pd.Series) -> pd.Series:
    """Daily simple returns of a unit-value series.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value (or any level series) indexed by increasing dates, positive, no
        NaN.

    Returns
    -------
    pd.Series, shape (n_days - 1,)
        ``r_t = V_t / V_{t-1} - 1`` indexed by the later date; the first date has no
        return and is dropped.
    """
    levels = check_levels(unit_value, "unit_value")
    values = levels.to_numpy()
    return pd.Series(
        values[1:] / values[:-1] - 1.0, index=levels.index[1:], name=levels.name
    )


def total_return(unit_value: pd.Series) -> float:
    """Total time-weighted return over the whole series.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    float
        ``V_T / V_0 - 1``.
    """
    levels = check_levels(unit_value, "unit_value")
    return float(levels.iloc[-1] / levels.iloc[0] - 1.0)


def cagr(unit_value: pd.Series) -> float:
    """Annualised time-weighted return (compound annual growth rate).

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    float
        ``(V_T / V_0) ** (365 / days) - 1`` where ``days`` is the number of
        calendar days from the first to the last date; NaN when both dates are the
        same day.
    """
    levels = check_levels(unit_value, "unit_value")
    days = (levels.index[-1] - levels.index[0]).days
    if days <= 0:
        return math.nan
    growth = float(levels.iloc[-1] / levels.iloc[0])
    return float(growth ** (DAYS_PER_YEAR / days) - 1.0)


def net_external_flows(flows: pd.DataFrame) -> pd.Series:
    """Net money put into the pie per day, from the engine's cash-flow ledger.

    Parameters
    ----------
    flows : pd.DataFrame
        The engine's ledger (``Result.flows``): columns ``date``, ``kind`` and
        ``amount``; ``kind`` is one of ``"deposit"``, ``"withdrawal"``,
        ``"dividend"``, ``"interest"``; amounts signed from the pie's side
        (withdrawals negative, the others positive). Only deposits and
        withdrawals cross the pie's boundary; dividends and interest are earned
        inside the pie and are ignored here.

    Returns
    -------
    pd.Series
        Indexed by date (sorted, one row per day with a flow), in the pie's view:
        deposits positive, withdrawals negative, in the base currency.

    Raises
    ------
    ValueError
        If a column is missing, a kind is unknown or an amount has the wrong
        sign (a negative deposit, a positive withdrawal).
    """
    missing = {"date", "kind", "amount"} - set(flows.columns)
    if missing:
        raise ValueError(f"flows lacks the columns {sorted(missing)}")
    kinds = set(flows["kind"].unique()) - {
        _EXTERNAL_IN,
        _EXTERNAL_OUT,
        "dividend",
        "interest",
    }
    if kinds:
        raise ValueError(
            f"flows has unknown kinds {sorted(map(str, kinds))}; expected deposit, "
            "withdrawal, dividend or interest"
        )
    amount = flows["amount"].astype("float64").to_numpy()
    outgoing = (flows["kind"] == _EXTERNAL_OUT).to_numpy()
    if (amount[~outgoing] < 0).any() or (amount[outgoing] > 0).any():
        raise ValueError(
            "flows amounts are signed from the pie's side: withdrawals negative, "
            "deposits, dividends and interest positive"
        )
    external = flows["kind"].isin([_EXTERNAL_IN, _EXTERNAL_OUT]).to_numpy()
    signed = pd.Series(
        amount[external],
        index=pd.DatetimeIndex(pd.to_datetime(flows["date"]))[external],
    )
    return signed.groupby(level=0).sum().sort_index().rename("net_flow")


def money_weighted_return(nav: pd.Series, external_flows: pd.Series) -> float:
    """Money-weighted return: the XIRR of the investor's cash flows.

    Parameters
    ----------
    nav : pd.Series, shape (n_days,)
        NAV of the pie in the base currency; only its last value and date are used
        (the investor is paid the final NAV on the last date).
    external_flows : pd.Series
        Net money put into the pie per date, in the pie's view (deposits positive,
        withdrawals negative), as returned by :func:`net_external_flows`. It must
        include the initial investment.

    Returns
    -------
    float
        Annual rate ``x`` solving
        ``sum_i c_i / (1 + x) ** ((t_i - t_0) / 365) = 0`` where the investor's
        flows are ``c_i = -external_flows_i`` and ``+NAV_T`` on the last date
        (:func:`piefolio.ledger.xirr`, Act/365F). NaN when no rate solves it.

    Raises
    ------
    ValueError
        If there is no external flow, or a flow falls after the last NAV date.
    """
    levels = nav.astype("float64").dropna()
    if levels.empty:
        raise ValueError("nav is empty")
    flows = external_flows.astype("float64")
    flows = flows[flows != 0.0]
    if flows.empty:
        raise ValueError("external_flows holds no deposit nor withdrawal")
    end = pd.Timestamp(levels.index[-1])
    if pd.Timestamp(flows.index.max()) > end:
        raise ValueError(
            f"external_flows has a flow after the last NAV date {end.date()}"
        )
    when = pd.DatetimeIndex(flows.index).to_numpy()
    return xirr(when, flows.to_numpy(), float(levels.iloc[-1]), end=end.to_numpy())


def _period_returns(unit_value: pd.Series, freq: str) -> pd.Series:
    levels = check_levels(unit_value, "unit_value")
    periods = pd.DatetimeIndex(levels.index).to_period(freq)
    ends = levels.groupby(periods).last()
    starts = ends.shift(1)
    starts.iloc[0] = levels.iloc[0]
    return (ends / starts - 1.0).rename("return")


def monthly_returns(unit_value: pd.Series) -> pd.Series:
    """Calendar-month time-weighted returns.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    pd.Series
        Indexed by monthly ``Period``; ``V(last day of month) / V(last day of the
        previous month) - 1``, the first month measured from the first value.
    """
    return _period_returns(unit_value, "M")


def annual_returns(unit_value: pd.Series) -> pd.Series:
    """Calendar-year time-weighted returns.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    pd.Series
        Indexed by the year (``int``); the first and last years may be partial.
    """
    annual = _period_returns(unit_value, "Y")
    annual.index = pd.Index([p.year for p in annual.index], name="year")
    return annual


def monthly_returns_table(unit_value: pd.Series) -> pd.DataFrame:
    """Monthly returns as a year x month table, for a heatmap.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    pd.DataFrame, shape (n_years, 12)
        Rows are years, columns the months 1..12; NaN where a month has no data.
    """
    monthly = monthly_returns(unit_value)
    frame = pd.DataFrame(
        {
            "year": [p.year for p in monthly.index],
            "month": [p.month for p in monthly.index],
            "value": monthly.to_numpy(),
        }
    )
    table = frame.pivot(index="year", columns="month", values="value")
    table = table.reindex(columns=range(1, 13))
    table.columns.name = "month"
    return table


def positive_months(unit_value: pd.Series) -> float:
    """Fraction of calendar months with a strictly positive return.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    float
        In [0, 1]; partial first and last months count.
    """
    monthly = monthly_returns(unit_value)
    return float((monthly > 0).mean())


def trailing_returns(unit_value: pd.Series) -> pd.Series:
    """Time-weighted returns over the periods that end on the last date.

    Parameters
    ----------
    unit_value : pd.Series, shape (n_days,)
        Unit value indexed by increasing dates.

    Returns
    -------
    pd.Series
        Indexed by ``"YTD"``, ``"1Y"``, ``"3Y"``, ``"5Y"``, ``"10Y"`` and
        ``"since start"``. YTD is the last calendar year's return of
        :func:`annual_returns` (from the previous year's last value, or from the
        first value when the series starts that year). ``nY`` starts from the last
        value on or before the same calendar day ``n`` years before the last date;
        1Y is a total return, 3Y and longer are annualised over exactly ``n``
        years: ``(V_T / V_s) ** (1 / n) - 1``, as Portfolio Visualizer shows
        them. NaN when the series starts after that day. "since start" is
        :func:`cagr` (annualised, calendar days / 365).
    """
    levels = check_levels(unit_value, "unit_value")
    dates = pd.DatetimeIndex(levels.index)
    last = dates[-1]
    out: dict[str, float] = {}
    for label, years in TRAILING_YEARS.items():
        if years == 0:
            out[label] = float(annual_returns(levels).iloc[-1])
            continue
        anchor = last - pd.DateOffset(years=years)
        if dates[0] > anchor:
            out[label] = math.nan
            continue
        base = float(levels.loc[:anchor].iloc[-1])
        growth = float(levels.iloc[-1]) / base
        out[label] = growth - 1.0 if years == 1 else growth ** (1.0 / years) - 1.0
    out["since start"] = cagr(levels)
    return pd.Series(out, name="return")
