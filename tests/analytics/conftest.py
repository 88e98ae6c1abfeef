"""Fixtures for the analytics tests: real prices from the shared data folder.

The data live outside the repository (``../shared/data/prices`` from the repository
root, found from this file, never from the working directory); tests that need them
skip with the reason when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ADJCLOSE_CSV = (
    REPO_ROOT.parent
    / "shared"
    / "data"
    / "prices"
    / "yahoo_adjclose_2000_2026-08-03.csv"
)


@pytest.fixture(scope="session")
def adjclose() -> pd.DataFrame:
    """Wide frame of Yahoo adjusted closes, dates x tickers (NaN before listing)."""
    if not ADJCLOSE_CSV.is_file():
        pytest.skip(f"real price data not found at {ADJCLOSE_CSV}")
    long = pd.read_csv(ADJCLOSE_CSV, parse_dates=["date"])
    wide = long.pivot(index="date", columns="ticker", values="adj_close").sort_index()
    # Guard the fixture's shape so a changed file fails loudly, not subtly.
    assert {"SPY", "IWM", "XOM", "NVDA"} <= set(wide.columns)
    assert wide.index[0] == pd.Timestamp("2000-01-03")
    return wide


@pytest.fixture(scope="session")
def spy(adjclose: pd.DataFrame) -> pd.Series:
    """SPY adjusted close (a total-return unit value), 2000-01-03 onwards."""
    return adjclose["SPY"].dropna().rename("SPY")
