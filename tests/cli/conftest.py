"""Helpers of the CLI tests: an isolated home, the runner, store snapshots, and a
runner that fails any test on a traceback (a user never sees one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from piefolio.cli import app

# The optimizer's synthetic market and real prices, for test_optimize.py: one home
# for these fixtures (tests/optimize/conftest.py), visible to the CLI tests too.
from ..optimize.conftest import market, real_prices, spec_text, themes

__all__ = ["market", "real_prices", "spec_text", "themes"]


@pytest.fixture(autouse=True)
def piefolio_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every CLI test gets its own store (PIEFOLIO_HOME) and working folder.

    Both in tmp_path: the pages a command writes under ``reports/`` (with
    ``--json`` too) never land in the repository.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


def run(*args: str) -> tuple[int, str]:
    """Run ``piefolio ARGS``; return the exit code and stdout+stderr.

    A traceback never counts as a result: an exception the CLI let escape fails
    the test here, whatever the exit code.
    """
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"piefolio {' '.join(args)} raised") from (
            result.exception
        )
    return result.exit_code, result.output


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the store's ``prices``, ``symbols`` and ``series`` tables.

    Timestamps included: "unchanged" means every value of every row, not only
    the closes.
    """
    import duckdb

    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in ("prices", "symbols", "series")
        }
    finally:
        con.close()


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


# A small valid pie; tests replace one line of it to make one bad input.
BASE = """\
[pie]
name = "T"
currency = "USD"

[[pie.slices]]
name = "Energy"
weight = 0.5
slices = [{ ticker = "CVX", weight = 0.5 }, { ticker = "XOM", weight = 0.5 }]

[[pie.slices]]
ticker = "SPY"
weight = 0.5

[benchmarks]
"Small caps" = "IWM"

[plan]
start = 2015-01-02
initial = 1000
"""


@dataclass(frozen=True)
class Outcome:
    """What a user sees: the exit code and everything printed."""

    code: int
    output: str


Invoke = Callable[..., Outcome]


@pytest.fixture
def piefolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``piefolio ARGS`` in ``tmp_path`` with its own empty store.

    ``home=`` points PIEFOLIO_HOME elsewhere (the shared store). Any exception
    other than a clean exit fails the test: a user never sees a traceback.
    """
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, home: Path | None = None) -> Outcome:
        env = {"COLUMNS": "200", "PIEFOLIO_HOME": str(home or tmp_path / "home")}
        result = CliRunner().invoke(app, list(args), env=env)
        if result.exception is not None and not isinstance(
            result.exception, SystemExit
        ):
            raise AssertionError(
                f"piefolio {' '.join(args)} raised {result.exception!r}\n"
                f"{result.output}"
            ) from result.exception
        return Outcome(result.exit_code, result.output)

    return invoke


@pytest.fixture
def write_pie(tmp_path: Path) -> Callable[..., Path]:
    """Write BASE with ``old -> new`` replacements as ``tmp_path/name``."""

    def write(*changes: tuple[str, str], name: str = "pie.toml") -> Path:
        text = BASE
        for old, new in changes:
            assert old in text, old
            text = text.replace(old, new, 1)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def synthetic_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of random-walk closes of SPY, CVX, XOM, IWM (USD), 2012 to mid-2026.

    Built once per session: for CLI tests that must run without the shared data.
    """
    from piefolio.data import read_prices_file
    from piefolio.data.store import Store

    home = tmp_path_factory.mktemp("fuzz-home")
    days = pd.bdate_range("2012-01-02", "2026-06-30")
    rng = np.random.default_rng(13)
    closes = 100 * np.exp(np.cumsum(rng.normal(2e-4, 0.012, (len(days), 4)), axis=0))
    frame = pd.DataFrame(closes, index=days, columns=["SPY", "CVX", "XOM", "IWM"])
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
