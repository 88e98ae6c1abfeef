"""Issue 13: ``data fetch`` offline: one clear outcome, exit 3 when nothing came."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data import chain
from piefolio.data.providers.base import RawSeries, Unreachable, make_frame
from piefolio.data.providers.recorded import RecordedProvider
from piefolio.data.store import Store

from .conftest import run, snapshot


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> RecordedProvider:
    down = RecordedProvider({"CVX": Unreachable("cannot connect")}, name="yahoo")
    monkeypatch.setattr(chain, "default_providers", lambda: [down])
    return down


def test_a_fetch_that_fetched_nothing_exits_3_even_with_stored_data(
    offline: RecordedProvider, piefolio_home: Path
) -> None:
    days = pd.bdate_range("2024-01-02", "2024-01-31")
    ones = np.ones(len(days))
    Store().write([RawSeries("CVX", make_frame(days, close=ones), "USD", "yahoo")])
    before = snapshot(piefolio_home / "store.duckdb")
    code, out = run(
        "data", "fetch", "CVX", "--start", "2024-01-02", "--end", "2024-03-29"
    )
    assert code == 3, out
    assert (
        "fetched nothing for CVX" in out and "using stored data up to 2024-01-31" in out
    )
    assert snapshot(piefolio_home / "store.duckdb") == before
    assert len(offline.calls) == 1
