"""Proxy history: returns are borrowed, levels are not; what is done is reported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.scenarios.proxies import fill_with_proxies, longest_history, splice_proxy

DATES = pd.bdate_range("2024-01-01", periods=4)


def test_splice_moves_the_first_price_back_by_the_proxy_returns() -> None:
    target = pd.Series([np.nan, np.nan, 50.0, 55.0], DATES)
    proxy = pd.Series([100.0, 80.0, 120.0, 90.0], DATES)
    out = splice_proxy(target, proxy)
    # Before 50 on day 3: 50 * 100/120 = 41.667 and 50 * 80/120 = 33.333; the
    # spliced series has the proxy's returns (80/100 - 1 = -20 %) then its own.
    np.testing.assert_allclose(out.to_numpy(), [50 * 100 / 120, 50 * 80 / 120, 50, 55])
    assert out.iloc[1] / out.iloc[0] - 1 == pytest.approx(-0.2)


def test_splice_of_a_full_series_changes_nothing() -> None:
    target = pd.Series([1.0, 2.0, 3.0, 4.0], DATES)
    pd.testing.assert_series_equal(splice_proxy(target, target * 7), target)


def test_fill_with_proxies_reports_what_it_did() -> None:
    prices = pd.DataFrame(
        {
            "OLD": [10.0, 11.0, 12.0, 13.0],
            "NEW": [np.nan, np.nan, 5.0, 6.0],
            "NOPROXY": [np.nan, 1.0, 1.0, 1.0],
            "ETF": [100.0, 110.0, 99.0, 100.0],
        },
        index=DATES,
    )
    weights = {"OLD": 0.5, "NEW": 0.3, "NOPROXY": 0.2}
    filled = fill_with_proxies(prices, weights, {"NEW": "ETF"}, DATES[0], DATES[-1])
    assert filled.proxied == {"NEW": "ETF"}
    assert filled.dropped == ["NOPROXY"]
    # NOPROXY's 0.2 is spread pro rata: OLD 0.5/0.8, NEW 0.3/0.8.
    assert filled.weights == pytest.approx({"OLD": 0.625, "NEW": 0.375})
    assert list(filled.prices.columns) == ["OLD", "NEW"]
    assert filled.prices.notna().all().all()
    notes = filled.notes()
    assert "NEW had no full history here: ETF's returns stand in for it" in notes
    # NOPROXY's first price is on day 2 of the window (2024-01-02).
    assert (
        "NOPROXY has prices in this window only from 2024-01-02 and no proxy: left "
        "out, its weight spread pro rata"
    ) in notes


def test_a_proxy_without_the_window_says_what_each_lacks() -> None:
    # BE and VST never trade in the window; BE's proxy IWM starts on day 3
    # (2024-01-03), VST's NRG not at all, so both are left out, each note saying
    # so (the dot-com window of the example: IWM lists on 2000-05-26, NRG 2003).
    nan = np.nan
    prices = pd.DataFrame(
        {
            "OLD": [10.0, 11.0, 12.0, 13.0],
            "BE": [nan] * 4,
            "IWM": [nan, nan, 50.0, 51.0],
            "VST": [nan] * 4,
            "NRG": [nan] * 4,
        },
        index=DATES,
    )
    filled = fill_with_proxies(
        prices,
        {"OLD": 0.5, "BE": 0.25, "VST": 0.25},
        {"BE": "IWM", "VST": "NRG"},
        DATES[0],
        DATES[-1],
    )
    assert filled.dropped == ["BE", "VST"] and filled.weights == {"OLD": 1.0}
    assert filled.notes() == [
        "BE has no price in this window, and its proxy IWM has prices in this "
        "window only from 2024-01-03: left out, its weight spread pro rata",
        "VST has no price in this window, nor has its proxy NRG: left out, its "
        "weight spread pro rata",
    ]


def test_ticker_absent_from_the_window_uses_its_proxy_whole() -> None:
    prices = pd.DataFrame(
        {"GEV": [np.nan] * 4, "ETN": [1.0, 2.0, 3.0, 4.0]}, index=DATES
    )
    filled = fill_with_proxies(
        prices, {"GEV": 1.0}, {"GEV": "ETN"}, DATES[0], DATES[-1]
    )
    np.testing.assert_allclose(filled.prices["GEV"].to_numpy(), [1, 2, 3, 4])
    assert filled.weights == {"GEV": 1.0}


def test_real_gev_before_listing_follows_etn(shared_prices_dir: Path) -> None:
    wide = pd.read_csv(
        shared_prices_dir / "fixture_ai_energy_2023_2024_wide.csv",
        index_col="date",
        parse_dates=True,
    )
    first = wide["GEV"].first_valid_index()
    assert first == pd.Timestamp("2024-03-27")
    filled = fill_with_proxies(
        wide,
        {"GEV": 0.5, "ETN": 0.5},
        {"GEV": "ETN"},
        pd.Timestamp("2024-01-02"),
        pd.Timestamp("2024-06-28"),
    )
    gev = filled.prices["GEV"]
    before = gev[: first - pd.Timedelta(days=1)]
    etn = wide["ETN"].loc[before.index]
    np.testing.assert_allclose(
        before.pct_change().dropna(), etn.pct_change().dropna(), rtol=1e-12
    )
    assert gev[first] == wide.loc[first, "GEV"]


def test_longest_history_splices_young_tickers() -> None:
    days = pd.bdate_range("2024-01-01", periods=6)
    prices = pd.DataFrame(
        {
            "OLD": [10.0, 11, 12, 13, 14, 15],
            "PROXY": [100.0, 110, 121, 133.1, 146.41, 161.051],
            "YOUNG": [np.nan, np.nan, np.nan, 50.0, 55.0, 60.5],
            "BARE": [np.nan, 1.0, 1.1, 1.2, 1.3, 1.4],
        },
        index=days,
    )
    out, notes = longest_history(prices, ["OLD", "YOUNG", "BARE"], {"YOUNG": "PROXY"})
    # BARE (no proxy) starts on day 2; YOUNG borrows PROXY's +10 % days before day 4.
    assert out.index[0] == days[1]
    assert out["YOUNG"].tolist() == pytest.approx(
        [50 / 1.1**2, 50 / 1.1, 50.0, 55.0, 60.5]
    )
    assert notes == ["YOUNG before 2024-01-04: PROXY's returns"]
