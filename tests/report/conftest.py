"""ReportData factories for the report tests.

``real_report``: a buy-and-hold pie of real ETFs (shared prices) against SPY and
IWM, with monthly deposits, built with plain arithmetic (no engine): every deposit
buys each ticker at its target weight at that day's close, nothing is ever sold.
``tiny_report``: hand-written unit values, for known answers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.analytics import (
    contributions_by_year,
    daily_contributions,
    group_columns,
    performance,
)
from piefolio.report.model import ReportData

PIE = "Energy & metals"
TREE = {  # theme -> {ticker: weight inside the theme}; theme weights below
    "Energy & power": {"XLE": 0.5, "XLU": 0.5},
    "Metals": {"GLD": 0.5, "SLV": 0.5},
}
THEME_WEIGHTS = {"Energy & power": 0.7, "Metals": 0.3}
BENCHMARKS = {"S&P 500": "SPY", "Russell 2000": "IWM"}
START, END = "2019-01-02", "2023-12-29"
INITIAL, MONTHLY = 1000.0, 100.0


def _load(folder: Path, tickers: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(
        folder / "yahoo_adjclose_2000_2026-08-03.csv", parse_dates=["date"]
    )
    raw = raw[raw["ticker"].isin(tickers)]
    wide = raw.pivot(index="date", columns="ticker", values="adj_close")
    wide = wide.loc[START:END, tickers].dropna()
    return wide.astype("float64")


def _deposits(dates: pd.DatetimeIndex) -> pd.Series:
    # The initial amount on the first day, then MONTHLY on each month's first
    # trading day after it.
    months = dates.to_period("M")
    first_day = ~months.duplicated()
    amounts = np.where(first_day, MONTHLY, 0.0)
    amounts[0] = INITIAL
    return pd.Series(amounts, index=dates)


def buy_and_hold(
    prices: pd.DataFrame, weights: dict[str, float], flows: pd.Series
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Shares, NAV and unit value of a never-rebalanced pie fed ``flows``."""
    w = pd.Series(weights)
    p = prices[list(weights)]
    bought = (p.rdiv(1.0).mul(w, axis=1)).mul(flows, axis=0)  # amount * w / price
    shares = bought.cumsum()
    nav = (shares * p).sum(axis=1)
    units = np.empty(len(nav))
    held = 0.0
    for i, (value, flow) in enumerate(
        zip(nav.to_numpy(), flows.to_numpy(), strict=True)
    ):
        if i == 0:
            held = flow  # the first unit is worth 1.0
        elif flow:
            before = value - flow  # NAV before the deposit was invested
            held += flow / (before / held)
        units[i] = held
    return shares, nav, nav / units


def build_real_report(folder: Path, *, with_prices: bool = True) -> ReportData:
    targets = {
        t: THEME_WEIGHTS[th] * w for th, sl in TREE.items() for t, w in sl.items()
    }
    tickers = list(targets) + list(BENCHMARKS.values())
    prices = _load(folder, tickers)
    flows = _deposits(pd.DatetimeIndex(prices.index))
    shares, nav_pie, uv_pie = buy_and_hold(prices, targets, flows)
    navs, uvs = {PIE: nav_pie}, {PIE: uv_pie}
    for name, ticker in BENCHMARKS.items():
        _, navs[name], uvs[name] = buy_and_hold(prices, {ticker: 1.0}, flows)
    nav, uv = pd.DataFrame(navs), pd.DataFrame(uvs)
    invested = flows.cumsum().rename("invested")
    first = next(iter(BENCHMARKS))
    rows = {}
    for name in nav.columns:
        perf = performance(
            nav[name],
            uv[name],
            flows[flows != 0],
            benchmark_unit_value=None if name == first else uv[first],
            benchmark_name=first,
        )
        rows[name] = {
            "final_value": perf.final_value,
            "deposited": perf.deposited,
            "withdrawn": perf.withdrawn,
            "profit": perf.profit,
            "twr": perf.total_return,
            "twr_annual": perf.cagr,
            "xirr": perf.money_weighted_return,
            "volatility": perf.volatility,
            "sharpe": perf.sharpe,
            "sortino": perf.sortino,
            "max_drawdown": perf.max_drawdown.depth,
            "calmar": perf.calmar,
            "fees": 0.0,
            "beta": perf.benchmark.beta if perf.benchmark else np.nan,
            "pme": perf.benchmark.pme if perf.benchmark else np.nan,
        }
    summary = pd.DataFrame.from_dict(rows, orient="index")
    pie_prices = prices[list(targets)]
    weights = (shares * pie_prices).div(nav_pie, axis=0)
    final = summary["final_value"].astype("float64")
    verdicts = tuple(
        f"{'beat' if final[PIE] > final[b] else 'trailed'} {b} by "
        f"{abs(final[PIE] - final[b]):,.0f} USD with the same deposits"
        for b in BENCHMARKS
    )
    tree_rows = [
        {"id": th, "parent": "", "label": th, "weight": THEME_WEIGHTS[th]}
        for th in TREE
    ]
    tree_rows += [
        {"id": f"{th}/{t}", "parent": th, "label": t, "weight": targets[t]}
        for th, sl in TREE.items()
        for t in sl
    ]
    themes = {t: th for th, sl in TREE.items() for t in sl}
    daily = daily_contributions(weights, pie_prices)
    by_theme = group_columns(daily, {th: list(sl) for th, sl in TREE.items()})
    contributions = contributions_by_year(by_theme)
    deposited = float(flows.sum())
    waterfall = pd.Series(
        {
            "Deposits": deposited,
            "Price gains": float(nav_pie.iloc[-1]) - deposited,
            "Fees": 0.0,
            "Ending value": float(nav_pie.iloc[-1]),
        }
    )
    # One buy per ticker and deposit day: the shares added that day.
    added = shares.diff().fillna(shares.iloc[[0]])
    trades = pd.DataFrame({"qty": added.stack(), "price": pie_prices.stack()})
    trades = trades[trades["qty"] > 0].rename_axis(["date", "symbol"]).reset_index()
    trades["value"] = trades["qty"] * trades["price"]
    trades["fee"] = 0.0
    return ReportData(
        title=PIE,
        currency="USD",
        thesis="Power is the bottleneck.\n\nMetals hedge the rest.",
        plan_text="1,000 USD on 2019-01-02, then 100 USD on the first trading day of each month, never rebalanced.",
        generated=dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC),
        notes=("Prices: Yahoo adjusted closes (dividends reinvested).",),
        nav=nav,
        unit_value=uv,
        invested=invested,
        summary=summary,
        verdicts=verdicts,
        weights=weights,
        targets=pd.Series(targets),
        tree=pd.DataFrame(tree_rows),
        themes=themes,
        waterfall=waterfall,
        contributions=contributions,
        trades=trades,
        prices=pie_prices if with_prices else None,
    )


def build_tiny_report(
    unit_values: dict[str, list[float]], dates: list[str], *, title: str = "Tiny <pie>"
) -> ReportData:
    """A report whose every series started with 100 and took no later deposit."""
    index = pd.DatetimeIndex(dates)
    uv = pd.DataFrame(unit_values, index=index)
    nav = uv * 100.0
    names = list(uv.columns)
    end = float(nav.to_numpy()[-1, 0])
    summary = pd.DataFrame(
        {
            "final_value": nav.iloc[-1],
            "deposited": 100.0,
            "withdrawn": 0.0,
            "profit": nav.iloc[-1] - 100.0,
            "twr": uv.iloc[-1] - 1.0,
            "twr_annual": np.nan,
            "xirr": np.nan,
            "volatility": np.nan,
            "sharpe": np.nan,
            "sortino": np.nan,
            "max_drawdown": np.nan,
            "calmar": np.nan,
            "fees": 1234.5,
            "beta": np.nan,
            "pme": np.nan,
        },
        index=names,
    )
    return ReportData(
        title=title,
        currency="EUR",
        thesis="",
        plan_text="100 EUR once.",
        generated=dt.datetime(2026, 1, 2, 3, 4),
        notes=(),
        nav=nav,
        unit_value=uv,
        invested=pd.Series(100.0, index=index),
        summary=summary,
        verdicts=tuple(f"verdict on {n}" for n in names[1:]),
        weights=pd.DataFrame({"A": 0.5, "B": 0.5}, index=index),
        targets=pd.Series({"A": 0.5, "B": 0.5}),
        tree=pd.DataFrame(
            {
                "id": ["A", "B"],
                "parent": ["", ""],
                "label": ["A", "B"],
                "weight": [0.5, 0.5],
            }
        ),
        themes={"A": "A", "B": "B"},
        waterfall=pd.Series(
            {"Deposits": 100.0, "Price gains": end - 100.0, "Ending value": end}
        ),
        contributions=pd.DataFrame(),
        trades=pd.DataFrame(columns=["date", "symbol", "qty", "price", "value", "fee"]),
    )


# Drawdown known answer: peak 1.2, trough 0.9 -> -25 %; back to a high on day 5.
HAND_DATES = ["2020-12-29", "2020-12-30", "2020-12-31", "2021-01-04", "2021-12-31"]
HAND_PIE = [1.0, 1.2, 0.9, 1.0, 1.3]
HAND_BENCH = [1.0, 1.1, 1.1, 1.21, 0.99]


@pytest.fixture(scope="session")
def real_report(shared_prices_dir: Path) -> ReportData:
    return build_real_report(shared_prices_dir)


@pytest.fixture()
def tiny_report() -> ReportData:
    return build_tiny_report({"Pie": HAND_PIE, "Bench <b>": HAND_BENCH}, HAND_DATES)


@pytest.fixture()
def lonely_report() -> ReportData:
    """A pie with no benchmark at all."""
    return build_tiny_report({"Alone": HAND_PIE}, HAND_DATES)
