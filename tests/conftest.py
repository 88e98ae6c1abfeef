"""Shared fixtures: the repository's examples and the real price data in ../shared."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def _numba_cache_dir() -> Path:
    """A numba cache folder of its own for this state of the compiled code.

    numba's on-disk cache checks only the source file of the function it
    loads, not its callees': a cached kernel could hide a change in a helper
    of another module. The folder is named by a hash of every module that
    compiles something, so any change to any of them starts from an empty
    cache, and an unchanged tree reuses its compiled kernels.
    """
    sources = sorted(
        p for p in (REPO / "piefolio").rglob("*.py") if "@njit" in p.read_text()
    )
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return Path(tempfile.gettempdir()) / f"piefolio-numba-{digest.hexdigest()[:16]}"


# Before anything imports numba (CLI tests' subprocesses inherit it).
os.environ["NUMBA_CACHE_DIR"] = str(_numba_cache_dir())


#: Fixtures that read ../shared: a test using one (directly or through another
#: fixture) is a real-data case, marked ``slow`` so that ``-m "not slow"``
#: leaves every one of them out, as the README says.
REAL_DATA_FIXTURES = frozenset({"shared_prices_dir", "shared_macro_dir"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if REAL_DATA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
def shared_macro_dir() -> Path:
    """The real offline macro series of ``../shared/data/macro`` (next to the repo).

    ``fred_macro_monthly.csv`` (21 series) and ``fred_macro_daily.csv``
    (DHHNGSP), long ``date,series,value``; skipped, with the reason, where absent.
    """
    folder = REPO.parent / "shared" / "data" / "macro"
    if not (folder / "fred_macro_monthly.csv").is_file():
        pytest.skip(
            f"real macro data not found at {folder} (../shared next to the repo)"
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
