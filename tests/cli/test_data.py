"""``piefolio data ...`` and ``piefolio demo`` through typer's runner, offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from piefolio.cli import app
from piefolio.data import chain
from piefolio.data.providers.base import TransientProviderError
from piefolio.data.providers.recorded import RecordedProvider
from piefolio.data.store import Store

from ..data.conftest import series

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    # Wide enough that rich tables do not wrap cells.
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_demo_spec_is_reusable() -> None:
    from piefolio.data import demo_spec

    spec = demo_spec()
    assert set(spec.pie.effective_weights()) == {
        "CVX",
        "XOM",
        "RRC",
        "KO",
        "PEP",
        "PG",
        "WMT",
    }
    assert spec.benchmarks[0].ticker == "^GSPC" and spec.pie.currency == "USD"


def test_empty_list_and_unknown_info() -> None:
    code, out = run("data", "list")
    assert code == 0 and "is empty" in out
    code, out = run("data", "info", "NOPE")
    assert code == 3 and "piefolio data fetch NOPE" in out


def test_info_of_a_sample_ticker_states_its_terms() -> None:
    code, out = run("data", "info", "AAPL")
    assert code == 0 and "skfolio" in out and "examples" in out
    code, out = run(
        "data",
        "fetch",
        "AAPL",
        "--provider",
        "sample",
        "--start",
        "2020-01-01",
        "--end",
        "2020-12-31",
    )
    assert code == 0, out
    code, out = run("data", "info", "AAPL")
    assert (
        "Coverage: 2020-01-02 to 2020-12-31" in out
        and "Terms:" in out
        and "skfolio" in out
    )


def test_import_list_info_verify(tmp_path: Path) -> None:
    days = pd.bdate_range("2024-01-02", periods=30)
    price = np.linspace(10, 12, 30)
    # A one-day move of 25 / 11.31 - 1 = +121 % (and back, -54 %) to check.
    price[20] = 25.0
    keep = np.r_[0:5, 13:30]  # an 8-weekday gap
    frame = pd.DataFrame(
        {"date": days[keep].strftime("%Y-%m-%d"), "ticker": "ABC", "close": price[keep]}
    )
    path = tmp_path / "abc.csv"
    frame.to_csv(path, index=False)
    code, out = run("data", "import", str(path), "--currency", "eur")
    assert code == 0, out
    assert "Imported 22 rows of 1 symbol from" in out
    code, out = run("data", "list")
    assert "ABC" in out and "EUR" in out and "file:abc.csv" in out
    code, out = run("data", "info", "ABC")
    assert "Gaps over 5 weekdays: 1" in out and "imported by the user" in out
    code, out = run("data", "verify")
    assert (
        code == 0
        and "gap" in out
        and "big-move" in out
        and "+121%" in out
        and "-54%" in out
    )


def test_fetch_with_network_down_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    down = RecordedProvider(
        {"CVX": TransientProviderError("network down")}, name="yahoo"
    )
    fast = chain.RetryPolicy(wait_initial=0.0, wait_max=0.0)
    monkeypatch.setattr(chain, "default_providers", lambda: [down])
    monkeypatch.setattr(chain, "RetryPolicy", lambda: fast)
    code, out = run(
        "data", "fetch", "CVX", "--start", "2024-01-01", "--end", "2024-01-05"
    )
    assert (
        code == 3
        and "fetched nothing for CVX" in out
        and "piefolio data import FILE" in out
    )


def test_fetch_a_spec_stores_its_symbols(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    days = pd.bdate_range("2024-01-02", periods=5)
    answers = {s: series(s, days, np.ones(5)) for s in ("AAA", "SPY", "EURUSD=X")}
    monkeypatch.setattr(chain, "default_providers", lambda: [RecordedProvider(answers)])
    pie = tmp_path / "p.toml"
    pie.write_text(
        '[pie]\nname = "p"\ncurrency = "EUR"\n[[pie.slices]]\nticker = "AAA"\n'
        'weight = 1.0\n[benchmarks]\n"S&P" = "SPY"\n[plan]\nstart = 2024-01-02\n'
        "initial = 10\n"
    )
    code, out = run("data", "fetch", str(pie), "--end", "2024-01-08")
    assert code == 0, out
    # The pie is in EUR and its symbols in USD: the FX pair comes too.
    assert [i.symbol for i in Store().symbols()] == ["AAA", "EURUSD=X", "SPY"]
