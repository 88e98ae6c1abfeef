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
