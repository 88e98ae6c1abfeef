"""Claims check: hand-computed windows, late listings, and a real-data window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.errors import PlanError
from piefolio.scenarios.claims import basket_of, check_claim, window_starts
from piefolio.spec import Claim, parse_pie

SPEC = parse_pie(
    """
[pie]
name = "p"
[[pie.slices]]
name = "Grid"
weight = 0.5
slices = [{ ticker = "ETN", weight = 0.5 }, { ticker = "PWR", weight = 0.3 }, { ticker = "GEV", weight = 0.2 }]
[[pie.slices]]
ticker = "IWM"
weight = 0.5
[plan]
start = 2020-01-01
initial = 1
"""
)


def claim(
    horizon: str, long: tuple[str, ...] = ("A",), short: tuple[str, ...] = ("B",)
) -> Claim:
    return Claim(id="c", long=long, short=short, horizon=horizon)


def test_basket_of_themes_and_tickers() -> None:
    # Two entries -> half each; the theme splits its half 0.5/0.3/0.2.
    basket = basket_of(SPEC, ("Grid", "NVDA"))
    assert basket == pytest.approx({"ETN": 0.25, "PWR": 0.15, "GEV": 0.10, "NVDA": 0.5})


def test_daily_windows_hand_computed() -> None:
    dates = pd.bdate_range("2024-01-01", periods=4)
    # A grows 10 % a day, B 0 %, so over 1 trading day: 1.1 / 1.0 - 1 = +10 %.
    # Over 2 days: 1.21 / 1 - 1 = +21 %.
    prices = pd.DataFrame({"A": [100, 110, 121, 133.1], "B": [50.0] * 4}, index=dates)
    one = check_claim(prices, claim("1D"), {"A": 1.0}, {"B": 1.0})
    np.testing.assert_allclose(one.relative.to_numpy(), [0.1, 0.1, 0.1])
    assert list(one.relative.index) == list(dates[1:])
    assert one.share_held == 1.0
    assert one.windows == 3
    two = check_claim(prices, claim("2D"), {"B": 1.0}, {"A": 1.0})
    # The reversed claim: 1 / 1.21 - 1 = -17.355 %; it never holds.
    np.testing.assert_allclose(two.relative.to_numpy(), [1 / 1.21 - 1] * 2)
    assert two.share_held == 0.0
    assert (
        "held in 0% of 2 2D windows (long beat short: relative return (1 + R_long) / (1 + R_short) - 1 above 0)"
        in two.verdict()
    )


def test_buy_and_hold_basket_is_not_rebalanced() -> None:
    dates = pd.bdate_range("2024-01-01", periods=3)
    prices = pd.DataFrame(
        {"A": [100.0, 200.0, 400.0], "B": [100.0, 50.0, 25.0], "C": [1.0, 1.0, 1.0]},
        index=dates,
    )
    res = check_claim(prices, claim("2D"), {"A": 0.5, "B": 0.5}, {"C": 1.0})
    # Half in A (x4) and half in B (x0.25): 0.5*4 + 0.5*0.25 = 2.125 -> +112.5 %.
    assert res.relative.iloc[-1] == pytest.approx(1.125)


def test_ticker_without_price_is_left_out_and_weights_renormalised() -> None:
    dates = pd.bdate_range("2024-01-01", periods=3)
    prices = pd.DataFrame(
        {"A": [100.0, 110.0, 120.0], "N": [np.nan, 10.0, 30.0], "B": [1.0, 1.0, 1.0]},
        index=dates,
    )
    res = check_claim(prices, claim("1D"), {"A": 0.5, "N": 0.5}, {"B": 1.0})
    # Day 2: N had no price at the window start -> only A: 110/100 - 1 = 10 %.
    # Day 3: both: 0.5*120/110 + 0.5*30/10 - 1 = 0.54545... + 1.5 - 1 = 1.04545...
    np.testing.assert_allclose(
        res.relative.to_numpy(), [0.1, 0.5 * 120 / 110 + 1.5 - 1]
    )


def test_monthly_windows_start_on_the_last_trading_day_on_or_before() -> None:
    dates = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-01", "2024-04-01"])
    # 2024-02-29 - 1 month = 2024-01-29 -> before the first date -> no window.
    # 2024-03-01 - 1 month = 2024-02-01 -> last day on or before: 2024-01-31 (row 0).
    # 2024-04-01 - 1 month = 2024-03-01 -> row 2.
    np.testing.assert_array_equal(window_starts(dates, "1M"), [-1, -1, 0, 2])


def test_missing_ticker_is_an_error() -> None:
    prices = pd.DataFrame(
        {"A": [1.0, 2.0]}, index=pd.bdate_range("2024-01-01", periods=2)
    )
    with pytest.raises(PlanError, match="no prices for B"):
        check_claim(prices, claim("1D"), {"A": 1.0}, {"B": 1.0})


def test_not_enough_data_says_so() -> None:
    prices = pd.DataFrame(
        {"A": [1.0, 2.0], "B": [1.0, 1.0]},
        index=pd.bdate_range("2024-01-01", periods=2),
    )
    res = check_claim(prices, claim("1Y"), {"A": 1.0}, {"B": 1.0})
    assert res.windows == 0
    assert "not enough data" in res.verdict()


def test_real_window_matches_a_hand_computation(shared_prices_dir: Path) -> None:
    wide = pd.read_csv(
        shared_prices_dir / "fixture_ai_energy_2023_2024_wide.csv",
        index_col="date",
        parse_dates=True,
    )
    c = Claim(id="grid-beats-chips", long=("Grid",), short=("NVDA",), horizon="1Y")
    res = check_claim(wide, c, basket_of(SPEC, c.long), {"NVDA": 1.0})
    # Window ending 2024-12-31 starts on 2023-12-29 (last trading day of 2023).
    # GEV has no price then, so the grid basket is ETN 0.5/0.8 and PWR 0.3/0.8.
    start, end = pd.Timestamp("2023-12-29"), pd.Timestamp("2024-12-31")
    p = wide.loc
    grid = (
        0.5 * p[end, "ETN"] / p[start, "ETN"] + 0.3 * p[end, "PWR"] / p[start, "PWR"]
    ) / 0.8
    expected = grid / (p[end, "NVDA"] / p[start, "NVDA"]) - 1
    assert res.relative[end] == pytest.approx(expected, rel=1e-12)
    assert res.latest == pytest.approx(expected, rel=1e-12)
    # 2024 was NVIDIA's year: the grid lagged it in most one-year windows.
    assert 0 <= res.share_held < 0.5
