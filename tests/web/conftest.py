"""Helpers of the web tests: a store of synthetic prices, a folder, a client.

The store holds random walks (seeded) of the template pie's tickers, so a pie
made from ``piefolio new``'s template runs offline, with no network and
without the shared data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

fastapi = pytest.importorskip(
    "fastapi", reason="the web extra is not installed (pip install '.[web]')"
)

from fastapi.testclient import TestClient  # noqa: E402

from piefolio.web.app import create_app  # noqa: E402
from piefolio.web.guard import Guard  # noqa: E402

TOKEN = "test-token-0123456789"
PORT = 8765

#: The template's tickers and the CLI tests' ones.
TICKERS = ["SPY", "IWM", "XLE", "CVX", "XOM"]


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of random-walk closes (USD) of TICKERS and EURUSD=X, 2008 to 2026."""
    from piefolio.data import read_prices_file
    from piefolio.data.store import Store

    home = tmp_path_factory.mktemp("web-home")
    # From 2008: a Monte Carlo samples 15 years of history by default.
    days = pd.bdate_range("2008-01-02", "2026-11-27")
    rng = np.random.default_rng(18)
    steps = rng.normal(2e-4, 0.012, (len(days), len(TICKERS)))
    frame = pd.DataFrame(
        100 * np.exp(np.cumsum(steps, axis=0)), index=days, columns=TICKERS
    )
    # US dollars per euro, for the template's EUR pie of US tickers.
    frame["EURUSD=X"] = 1.1 * np.exp(np.cumsum(rng.normal(0, 0.004, len(days))))
    long = (
        frame.rename_axis("date")
        .reset_index()
        .melt("date", var_name="ticker", value_name="adj_close")
    )
    csv = home / "prices.csv"
    long.sort_values(["ticker", "date"]).to_csv(
        csv, index=False, date_format="%Y-%m-%d"
    )
    Store(home / "store.duckdb").write(read_prices_file(csv))
    return home


@pytest.fixture
def folder(tmp_path: Path, web_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder of pies; the store is the synthetic one."""
    monkeypatch.setenv("PIEFOLIO_HOME", str(web_home))
    pies = tmp_path / "pies"
    pies.mkdir()
    return pies


def guarded(folder: Path) -> Guard:
    """The app on ``folder`` behind the token and Host checks, as serve runs it."""
    return Guard.around(create_app(folder), TOKEN, {"testserver"}, PORT)


@pytest.fixture
def client(folder: Path) -> Iterator[TestClient]:
    """A client that has visited the start URL: it holds the token's cookie."""
    with TestClient(guarded(folder)) as c:
        first = c.get(f"/?token={TOKEN}")
        assert first.status_code == 200
        yield c


@pytest.fixture
def anonymous(folder: Path) -> Iterator[TestClient]:
    """A client without the token."""
    with TestClient(guarded(folder)) as c:
        yield c
