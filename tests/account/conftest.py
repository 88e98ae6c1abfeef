"""Fixtures of the account tests: a store of tiny hand-made EUR price series."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data.providers.base import RawSeries, make_frame
from piefolio.data.store import Store

DAYS = pd.bdate_range("2024-01-01", "2024-01-31")


def steps(levels: Mapping[str, float]) -> np.ndarray:
    """A close per business day of January 2024: each level from its day on."""
    out = np.full(len(DAYS), np.nan)
    for day, level in levels.items():
        out[DAYS >= pd.Timestamp(day)] = level
    return out


def price_store(
    path: Path,
    closes: Mapping[str, np.ndarray],
    currencies: Mapping[str, str] | None = None,
    dividends: Mapping[str, np.ndarray] | None = None,
) -> Store:
    """A store holding each close series, in EUR unless ``currencies`` says.

    The adjusted close is set to 0.9 x the close, so a test valued at adjusted
    (dividend-reinvested) prices instead of traded ones is off by 10 %.
    """
    store = Store(path, busy_timeout=5.0)
    store.write(
        RawSeries(
            sym,
            make_frame(
                DAYS,
                close=close,
                adj_close=close * 0.9,
                dividend=(dividends or {}).get(sym),
            ),
            (currencies or {}).get(sym, "EUR"),
            "recorded",
        )
        for sym, close in closes.items()
    )
    return store


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(folder))
    return folder
