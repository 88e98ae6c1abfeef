"""Fixtures for the optimiser: small synthetic markets and the real AI-energy prices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.spec import PieSpec, load_pie, parse_pie

REPO = Path(__file__).resolve().parents[2]
REAL_PRICES = (
    REPO.parent / "shared" / "data" / "prices" / "yahoo_adjclose_2000_2026-08-03.csv"
)


def prices_from_returns(
    returns: np.ndarray, columns: list[str], start: str = "2020-01-01"
) -> pd.DataFrame:
    """Prices starting at 100 whose simple daily returns are exactly ``returns``."""
    growth = np.vstack([np.ones(returns.shape[1]), np.cumprod(1 + returns, axis=0)])
    index = pd.bdate_range(start, periods=len(growth))
    return pd.DataFrame(100 * growth, index=index, columns=columns)


def pie_text(
    themes: dict[str, list[str]], optimize: str = "", cash_interest: float = 0.0
) -> str:
    """A pie with equal theme weights and equal weights within each theme."""
    parts = ['[pie]\nname = "t"\ncurrency = "USD"\n']
    k = len(themes)
    for i, (name, tickers) in enumerate(themes.items()):
        w = round(1 / k, 12) if i < k - 1 else round(1 - (k - 1) * round(1 / k, 12), 12)
        kids = ", ".join(
            f'{{ ticker = "{t}", weight = {(1 / len(tickers)) if j < len(tickers) - 1 else 1 - (len(tickers) - 1) / len(tickers)!r} }}'
            for j, t in enumerate(tickers)
        )
        parts.append(
            f'[[pie.slices]]\nname = "{name}"\nweight = {w!r}\nslices = [{kids}]\n'
        )
    parts.append(
        f"[plan]\nstart = 2020-01-01\ninitial = 1000\ncash_interest = {cash_interest}\n"
    )
    if optimize:
        parts.append(f"[optimize]\n{optimize}\n")
    return "\n".join(parts)


def make_spec(
    themes: dict[str, list[str]], optimize: str = "", cash_interest: float = 0.0
) -> PieSpec:
    return parse_pie(pie_text(themes, optimize, cash_interest))


@pytest.fixture(scope="module")
def market() -> pd.DataFrame:
    """Six correlated synthetic assets, 600 days, positive drift (seeded)."""
    rng = np.random.default_rng(7)
    vols = np.array([0.010, 0.014, 0.020, 0.012, 0.025, 0.016])
    factor = rng.normal(0, 0.008, size=(600, 1))
    noise = rng.normal(0, 1, size=(600, 6)) * vols
    returns = 0.0004 + 0.5 * factor + noise
    return prices_from_returns(returns, ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"])


@pytest.fixture(scope="session")
def build_spec() -> Callable[..., PieSpec]:
    """``build_spec(themes, optimize="", cash_interest=0.0)`` -> an equal-weight pie."""
    return make_spec


@pytest.fixture(scope="session")
def spec_text() -> Callable[..., str]:
    """``spec_text(themes, optimize="", cash_interest=0.0)`` -> the TOML of that pie."""
    return pie_text


@pytest.fixture(scope="session")
def to_prices() -> Callable[..., pd.DataFrame]:
    """``to_prices(returns, columns, start)`` -> prices with exactly those returns."""
    return prices_from_returns


@pytest.fixture(scope="session")
def themes() -> dict[str, list[str]]:
    """Themes over the six assets of ``market``: two, three and one ticker."""
    return {"Alpha": ["AAA", "BBB"], "Beta": ["CCC", "DDD", "EEE"], "Gamma": ["FFF"]}


@pytest.fixture(scope="module")
def real_prices() -> pd.DataFrame:
    """Real adjusted closes (dates x tickers) from ../shared, or skip with the reason."""
    if not REAL_PRICES.is_file():
        pytest.skip(
            f"real price data not found at {REAL_PRICES} (../shared next to the repo)"
        )
    long = pd.read_csv(REAL_PRICES, parse_dates=["date"])
    wide = long.pivot(index="date", columns="ticker", values="adj_close").sort_index()
    assert {"CVX", "GEV", "IWM"} <= set(wide.columns)  # guard the fixture's shape
    return wide


@pytest.fixture(scope="module")
def ai_spec() -> PieSpec:
    return load_pie(REPO / "examples" / "ai-energy-2026.toml")
