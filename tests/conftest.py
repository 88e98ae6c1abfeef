"""Shared fixtures: the repository's examples and the real price data in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def shared_prices_dir() -> Path:
    """The real offline prices of ``../shared/data/prices`` (next to the repo).

    Found from this file, never from the working directory; the test is skipped,
    with the reason, where the folder is absent (a clone without shared data).
    """
    folder = REPO.parent / "shared" / "data" / "prices"
    if not (folder / "yahoo_adjclose_2000_2026-08-03.csv").is_file():
        pytest.skip(
            f"real price data not found at {folder} (../shared next to the repo)"
        )
    return folder


@pytest.fixture(scope="session")
def shared_home(
    shared_prices_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A PIEFOLIO_HOME whose store holds the shared real prices and EUR/USD.

    42 tickers 2000-2026 (adjusted closes) and DEXUSEU as ``EURUSD=X``; built once
    per test session. Tests that run the CLI point ``PIEFOLIO_HOME`` here.
    """
    from piefolio.data import read_prices_file
    from piefolio.data.store import Store

    home = tmp_path_factory.mktemp("shared-home")
    store = Store(home / "store.duckdb")
    store.write(
        read_prices_file(shared_prices_dir / "yahoo_adjclose_2000_2026-08-03.csv")
    )
    store.write(
        read_prices_file(
            shared_prices_dir / "fred_ecb_fx_oil_daily.csv", only=["DEXUSEU"]
        )
    )
    return home


@pytest.fixture(scope="session")
def shared_store(shared_home: Path):  # type: ignore[no-untyped-def]
    """The store of :func:`shared_home`."""
    from piefolio.data.store import Store

    return Store(shared_home / "store.duckdb")
