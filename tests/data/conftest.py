"""Fixtures of the data tests: an isolated store and tiny hand-made series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data.providers.base import RawSeries, make_frame
from piefolio.data.store import Store


@pytest.fixture(autouse=True)
def piefolio_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every data test gets its own store: PIEFOLIO_HOME points into tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(home))
    return home


@pytest.fixture
def store(piefolio_home: Path) -> Store:
    return Store(busy_timeout=5.0)


def series(
    symbol: str,
    dates: Sequence[str] | Sequence[pd.Timestamp] | pd.DatetimeIndex,
    close: Sequence[float] | np.ndarray,
    *,
    adj: Sequence[float] | np.ndarray | None = None,
    dividend: Sequence[float] | np.ndarray | None = None,
    currency: str = "USD",
    source: str = "recorded",
) -> RawSeries:
    """A RawSeries from literal values (adj defaults to close)."""
    frame = make_frame(
        pd.DatetimeIndex(list(dates)),
        close=np.asarray(close, float),
        adj_close=np.asarray(adj if adj is not None else close, float),
        dividend=None if dividend is None else np.asarray(dividend, float),
    )
    return RawSeries(symbol, frame, currency, source)


def business_days(start: str, end: str) -> pd.DatetimeIndex:
    return pd.bdate_range(start, end)


D = dt.date
