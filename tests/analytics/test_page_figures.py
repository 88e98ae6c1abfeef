"""Figures of the run page that peers show: trailing returns, drawdown table,
rolling Sharpe, R², the shape of the returns, holdings. Known answers by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import piefolio.analytics as pa


def _uv(values: list[float], dates: list[str]) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates), dtype="float64")


def test_trailing_returns_by_hand() -> None:
    # Year ends 2019..2024 with values 1, 2, 2, 4, 4, 8 and one mid-2023 value.
    uv = _uv(
        [1, 2, 2, 4, 5, 4, 8],
        [
            "2019-12-31",
            "2020-12-31",
            "2021-12-31",
            "2022-12-31",
            "2023-06-30",
            "2023-12-29",
            "2024-12-31",
        ],
    )
    t = pa.trailing_returns(uv)
    assert list(t.index) == ["YTD", "1Y", "3Y", "5Y", "10Y", "since start"]
    assert t["YTD"] == pytest.approx(8 / 4 - 1)  # from 2023's last value
    # 1Y anchor 2023-12-31 (a Sunday): last value on or before it is 2023-12-29.
    assert t["1Y"] == pytest.approx(1.0)
    assert t["3Y"] == pytest.approx(4 ** (1 / 3) - 1)  # from 2021-12-31's 2
    assert t["5Y"] == pytest.approx(8 ** (1 / 5) - 1)  # from 2019-12-31's 1
    assert math.isnan(t["10Y"])  # the series starts after 2014-12-31
    days = (dt.date(2024, 12, 31) - dt.date(2019, 12, 31)).days  # 1827
    assert t["since start"] == pytest.approx(8 ** (365 / days) - 1)


def test_drawdown_periods_by_hand() -> None:
    dates = [str(d.date()) for d in pd.bdate_range("2024-01-01", periods=9)]
    uv = _uv([1, 2, 1, 2, 3, 1.5, 3.3, 3, 3.2], dates)
    table = pa.drawdown_periods(uv)
    # Three stretches under water: -50 % twice (earlier first), then 3/3.3 - 1.
    assert list(table["depth"]) == pytest.approx([-0.5, -0.5, 3 / 3.3 - 1])
    d = pd.DatetimeIndex(dates).date
    assert list(table["peak"]) == [d[1], d[4], d[6]]
    assert list(table["trough"]) == [d[2], d[5], d[7]]
    assert list(table["recovery"])[:2] == [d[3], d[6]]
    assert table["recovery"].iloc[2] is None
    assert table["duration_days"].iloc[0] == (d[3] - d[1]).days
    assert table["duration_days"].iloc[2] is None
    assert table["decline_days"].iloc[2] == (d[7] - d[6]).days
    assert list(pa.drawdown_periods(uv, top=1).index) == [1]


def test_drawdown_periods_first_row_is_the_max_drawdown() -> None:
    rng = np.random.default_rng(5)
    uv = pd.Series(
        np.cumprod(1 + rng.normal(0.0003, 0.01, 800)),
        index=pd.bdate_range("2015-01-01", periods=800),
    )
    table = pa.drawdown_periods(uv)
    worst = pa.max_drawdown(uv)
    assert table["depth"].iloc[0] == worst.depth
    assert (table["peak"].iloc[0], table["trough"].iloc[0]) == (
        worst.peak,
        worst.trough,
    )
    assert len(table) == 10 and table["depth"].is_monotonic_increasing
    # Stretches never overlap: each starts after the previous one recovered.
    ordered = table.sort_values("peak")
    for a, b in zip(ordered.itertuples(), ordered.iloc[1:].itertuples(), strict=False):
        assert a.recovery is not None and a.recovery <= b.peak


def test_no_drawdown_gives_an_empty_table() -> None:
    uv = _uv([1, 2, 3], ["2024-01-01", "2024-01-02", "2024-01-03"])
    assert pa.drawdown_periods(uv).empty


def test_rolling_sharpe_is_the_sharpe_of_each_window() -> None:
    rng = np.random.default_rng(3)
    r = pd.Series(
        rng.normal(0.0005, 0.01, 300), index=pd.bdate_range("2020-01-01", periods=300)
    )
    roll = pa.rolling_sharpe(r, window=60, risk_free=0.02)
    assert roll.iloc[:59].isna().all()
    for end in (59, 150, 299):
        window = r.iloc[end - 59 : end + 1]
        assert roll.iloc[end] == pytest.approx(
            pa.sharpe_ratio(window, risk_free=0.02), rel=1e-9
        )


def test_r_squared_by_hand() -> None:
    b = pd.Series(
        [0.01, -0.02, 0.03, 0.0], index=pd.bdate_range("2024-01-01", periods=4)
    )
    assert pa.r_squared(2 * b + 0.001, b) == pytest.approx(1.0)
    # r = b on two days, -b on the other two: correlation 0 when the products cancel.
    r = pd.Series([0.01, 0.01, -0.01, -0.01], index=b.index)
    b2 = pd.Series([0.01, -0.01, 0.01, -0.01], index=b.index)
    assert pa.r_squared(r, b2) == pytest.approx(0.0, abs=1e-15)


def test_shape_of_returns_by_hand() -> None:
    idx = pd.bdate_range("2024-01-01", periods=5)
    r = pd.Series([0.01, 0.0, -0.02, 0.03, 0.0], index=idx)
    assert pa.win_rate(r) == pytest.approx(2 / 3)  # zero days are left out
    x = r.to_numpy()
    n = x.size
    m2 = np.mean((x - x.mean()) ** 2)
    m3 = np.mean((x - x.mean()) ** 3)
    m4 = np.mean((x - x.mean()) ** 4)
    # Adjusted Fisher-Pearson skewness G1 and the unbiased excess kurtosis G2.
    g1 = math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
    g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1))
    assert pa.skewness(r) == pytest.approx(g1, rel=1e-12)
    assert pa.kurtosis(r) == pytest.approx(g2, rel=1e-12)
    # 21 returns -5 %..15 %: the 5th percentile is the 2nd value, the 95th the 20th.
    t = pd.Series(
        np.arange(21) / 100 - 0.05, index=pd.bdate_range("2024-01-01", periods=21)
    )
    assert pa.tail_ratio(t) == pytest.approx(0.14 / 0.04)
    flat = pd.Series(0.0, index=idx)
    assert math.isnan(pa.win_rate(flat)) and math.isnan(pa.skewness(flat))


def test_extremes_by_hand() -> None:
    uv = _uv(
        [100, 110, 99, 120, 60],
        ["2023-12-28", "2023-12-29", "2024-01-02", "2024-02-01", "2024-02-02"],
    )
    e = pa.extremes(uv)
    assert (e.best_day, e.best_day_on) == (
        pytest.approx(120 / 99 - 1),
        dt.date(2024, 2, 1),
    )
    assert (e.worst_day, e.worst_day_on) == (pytest.approx(-0.5), dt.date(2024, 2, 2))
    assert (e.best_month, e.best_month_label) == (pytest.approx(0.1), "2023-12")
    assert (e.worst_month, e.worst_month_label) == (
        pytest.approx(60 / 99 - 1),
        "2024-02",
    )
    assert (e.best_year, e.best_year_label) == (pytest.approx(0.1), 2023)
    assert (e.worst_year, e.worst_year_label) == (pytest.approx(60 / 110 - 1), 2024)


def test_holdings_by_hand() -> None:
    shares = pd.Series({"A": 2.0, "B": 0.5, "C": 1.0})
    prices = pd.Series({"A": 10.0, "B": 40.0, "C": 5.0})
    h = pa.holdings(shares, prices, {"A": 0.5, "B": 0.5}, nav=50.0)
    assert list(h.index) == ["A", "B", "C"]  # targets first, then the rest
    assert list(h["value"]) == [20.0, 20.0, 5.0]
    assert list(h["weight"]) == pytest.approx([0.4, 0.4, 0.1])  # 5 in cash
    assert list(h["drift"]) == pytest.approx([-0.1, -0.1, 0.1])
    no_cash = pa.holdings(shares, prices, {"A": 0.5, "B": 0.5})
    assert no_cash["weight"].sum() == pytest.approx(1.0)
