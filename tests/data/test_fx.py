"""Dated FX: each day's own close (or the latest before it), never a later one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.data.fx import canonical_pair, dated_rate, fx_candidates


def test_candidates_and_canonical_pairs() -> None:
    assert fx_candidates("USD", "EUR") == [
        ("USDEUR=X", False),
        ("EURUSD=X", True),
        ("EUR=X", False),
    ]
    assert fx_candidates("EUR", "EUR") == []
    assert canonical_pair("USD", "EUR") == "EURUSD=X"
    assert canonical_pair("JPY", "USD") == "USDJPY=X"
    assert canonical_pair("SEK", "NOK") == "NOKSEK=X"


def test_dated_rate_uses_the_day_or_the_latest_before() -> None:
    fx = {
        "EURUSD=X": pd.Series(
            [1.10, 1.20, 1.40],
            index=pd.to_datetime(["2024-01-02", "2024-01-04", "2024-01-20"]),
        )
    }
    days = pd.to_datetime(
        ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-12", "2024-01-19"]
    )
    rates, used = dated_rate("USD", "EUR", pd.DatetimeIndex(days), fx)
    assert used == "EURUSD=X"
    # 01-03 has no FX close: the 01-02 close, not the later 01-04 one; 01-12 is
    # 8 days after the last close (too old); 01-19 never sees the 01-20 close.
    np.testing.assert_allclose(rates, [1 / 1.10, 1 / 1.10, 1 / 1.20, np.nan, np.nan])


def test_direct_and_missing_series() -> None:
    days = pd.DatetimeIndex(pd.to_datetime(["2024-01-02"]))
    rates, used = dated_rate(
        "USD", "EUR", days, {"USDEUR=X": pd.Series([0.9], index=days)}
    )
    assert used == "USDEUR=X" and rates[0] == pytest.approx(0.9)
    rates, used = dated_rate("GBP", "EUR", days, {})
    assert used is None and np.isnan(rates).all()
    rates, used = dated_rate("EUR", "EUR", days, {})
    assert used is None and rates.tolist() == [1.0]


def test_pairs_in_market_convention_whatever_the_case_or_the_currency() -> None:
    # EUR ranks before USD whichever is given first, in any case; a currency
    # outside the list comes after every listed one, two of them alphabetically.
    assert canonical_pair("eur", "usd") == "EURUSD=X"
    assert canonical_pair("usd", "eur") == "EURUSD=X"
    assert canonical_pair("SEK", "EUR") == "EURSEK=X"
    assert canonical_pair("JPY", "SEK") == "JPYSEK=X"


def test_a_yahoo_dollar_pair_is_inverted_into_dollars() -> None:
    # JPY=X is yen per dollar: 150 yen a dollar is 1/150 dollar a yen.
    assert fx_candidates("jpy", "usd") == [
        ("JPYUSD=X", False),
        ("USDJPY=X", True),
        ("JPY=X", True),
    ]
    fx = {"JPY=X": pd.Series([150.0], index=pd.to_datetime(["2024-01-02"]))}
    days = pd.DatetimeIndex(pd.to_datetime(["2024-01-02"]))
    rates, used = dated_rate("JPY", "USD", days, fx)
    assert used == "JPY=X"
    np.testing.assert_allclose(rates, [1 / 150.0])
