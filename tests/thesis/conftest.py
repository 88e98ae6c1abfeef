"""A hand-made world for the thesis tests: a small pie, its prices, one series.

Prices (USD, business days 2019-01-01..2021-12-31): CVX and XOM grow 40 % a
year, SPY 10 %, so the energy theme beats SPY over every window. The monthly
series ``COPPERX`` falls by one a month from 36 (2019-01-01) to 1 (2021-12-01).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data import RawSeries
from piefolio.data.providers.base import make_frame

PIE = """
[pie]
name = "Thesis test"
currency = "USD"
[[pie.slices]]
name = "Energy"
weight = 0.6
slices = [{ ticker = "CVX", weight = 0.5 }, { ticker = "XOM", weight = 0.5 }]
[[pie.slices]]
ticker = "SPY"
weight = 0.4
[benchmarks]
"S&P 500" = "SPY"
[plan]
start = 2020-01-02
initial = 1000
"""

DAYS = pd.bdate_range("2019-01-01", "2021-12-31")
MONTHS = pd.date_range("2019-01-01", "2021-12-01", freq="MS")
COPPER = pd.Series(np.arange(36.0, 0.0, -1.0), index=MONTHS)


def grow(rate: float) -> np.ndarray:
    years = (DAYS - DAYS[0]).days.to_numpy() / 365.0
    return 100.0 * (1.0 + rate) ** years


def series(
    symbol: str,
    dates: pd.DatetimeIndex,
    values: np.ndarray,
    frequency: str | None = None,
) -> RawSeries:
    frame = make_frame(dates, close=values, adj_close=values)
    return RawSeries(symbol, frame, "USD", "test", frequency=frequency)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PIEFOLIO_HOME holding the prices and COPPERX; returns the home."""
    from piefolio.data.store import Store

    home = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(home))
    # The page `thesis --json` writes lands under reports/ here, not in the repo.
    monkeypatch.chdir(tmp_path)
    Store(home / "store.duckdb").write(
        [
            series("CVX", DAYS, grow(0.4)),
            series("XOM", DAYS, grow(0.4)),
            series("SPY", DAYS, grow(0.1)),
            series("COPPERX", MONTHS, COPPER.to_numpy(), "monthly"),
        ]
    )
    return home


def indicator(ident: str, claim: str, **keys: object) -> str:
    body = {"series": "COPPERX", "transform": "level", "means": "supports", **keys}
    lines = [
        f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in body.items()
    ]
    text = "\n".join(x.replace("'", '"') for x in lines)
    return f'\n[[indicators]]\nid = "{ident}"\nclaim = "{claim}"\n{text}\n'


PRICED = '\n[[claims]]\nid = "energy-wins"\nlong = ["Energy"]\nshort = ["SPY"]\nhorizon = "3M"\n'
WORLD = '\n[[claims]]\nid = "copper-scarce"\n'


def write_pie(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pie.toml"
    path.write_text(PIE + text, encoding="utf-8")
    return path
