"""``piefolio next`` through typer's runner: history or backtest, JSON, CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piefolio.cli import app
from tests.account.conftest import price_store
from tests.account.test_actual import CLOSES, HISTORY, SPEC

runner = CliRunner()


@pytest.fixture
def spec_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(home))
    price_store(home / "store.duckdb", CLOSES)
    path = tmp_path / "pie.toml"
    path.write_text(SPEC)
    return path


def test_next_balance_from_the_real_holdings(spec_file: Path, tmp_path: Path) -> None:
    history = tmp_path / "mine.csv"
    history.write_text(HISTORY)
    assert runner.invoke(app, ["history", "import", str(history)]).exit_code == 0
    args = ["next", str(spec_file), "--amount", "100", "--mode", "balance"]
    result = runner.invoke(app, [*args, "--offline", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["source"] == "history"
    # Held on 2024-01-31: AAA 840 (target 0.6), BBB 450 (0.4). Value/target:
    # AAA 1400, BBB 1125, so all 100 EUR go to BBB (it would need 110 to reach
    # AAA's level); the 0.1 % commission: 100 / 1.001 = 99.90 and 0.10.
    assert payload["orders"] == [
        {
            "ticker": "BBB",
            "amount": 99.9,
            "fee": 0.1,
            "fx_fee": 0.0,
            "weight": pytest.approx(450 / 1290),
            "target": 0.4,
        }
    ]
    assert payload["left_in_cash"] == 0.0


def test_next_targets_from_the_backtest_writes_csv(
    spec_file: Path, tmp_path: Path
) -> None:
    orders = tmp_path / "orders.csv"
    args = [
        "next",
        str(spec_file),
        "--amount",
        "100",
        "--offline",
        "--csv",
        str(orders),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "from the backtest" in result.output
    # 60 and 40 EUR, each paying 0.1 %: 59.94 + 0.06, 39.96 + 0.04.
    assert orders.read_text().splitlines() == [
        "ticker,amount,fee,fx_fee,currency",
        "AAA,59.94,0.06,0.00,EUR",
        "BBB,39.96,0.04,0.00,EUR",
    ]
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "pass --force" in again.output
    bad = runner.invoke(app, [*args[:4], "--mode", "sell", "--offline"])
    assert bad.exit_code == 2 and "expected one of targets, balance" in bad.output
