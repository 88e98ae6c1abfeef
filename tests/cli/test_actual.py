"""``piefolio actual`` through typer's runner: JSON fields, table, page, errors."""

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


def _import(tmp_path: Path, text: str = HISTORY) -> None:
    history = tmp_path / "mine.csv"
    history.write_text(text)
    result = runner.invoke(app, ["history", "import", str(history)])
    assert result.exit_code == 0, result.output


def test_actual_json_has_the_fields_the_issue_names(
    spec_file: Path, tmp_path: Path
) -> None:
    _import(tmp_path)
    out = tmp_path / "report"
    result = runner.invoke(
        app, ["actual", str(spec_file), "--offline", "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload["summary"]) == {"Your account", "Two stocks", "S&P 500"}
    mine = payload["summary"]["Your account"]
    # Hand-computed in tests/account/test_actual.py: 2047 EUR, 1800 in.
    assert mine["final_value"] == pytest.approx(2047.0)
    assert (mine["deposited"], mine["withdrawn"]) == (1800.0, 0.0)
    assert str(mine["withdrawn"]) == "0.0"  # not "-0.0"
    assert {"xirr", "twr"} <= set(mine)
    assert payload["cash"] == pytest.approx(757.0)
    aaa = next(h for h in payload["holdings"] if h["ticker"] == "AAA")
    assert aaa["shares"] == 7 and aaa["target"] == 0.6
    assert set(aaa) >= {"ticker", "shares", "value", "weight", "target"}
    assert (out / "actual.html").is_file()


def test_actual_table_says_what_the_choices_cost(
    spec_file: Path, tmp_path: Path
) -> None:
    _import(tmp_path)
    result = runner.invoke(
        app, ["actual", str(spec_file), "--offline", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    words = " ".join(result.output.split())
    assert "against the S&P 500 bought with the same deposits on the same" in words
    # The window of the figures, and the day of the holdings: the last
    # business day of January 2024 with prices (CLOSES), not today.
    assert "The same money, three ways, 2024-01-02 to 2024-01-31" in result.output
    assert "Holdings on 2024-01-31" in result.output


def test_actual_png_writes_both_charts_beside_the_page(
    spec_file: Path, tmp_path: Path
) -> None:
    _import(tmp_path)
    out = tmp_path / "r"
    result = runner.invoke(
        app, ["actual", str(spec_file), "--offline", "--png", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name in ("actual-value.png", "actual-growth.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert name in "".join(result.output.split())
    assert "value, EUR" in (out / "actual.html").read_text(encoding="utf-8")


def test_actual_without_history_is_missing_data_exit_3(spec_file: Path) -> None:
    # Nothing imported yet is missing data (exit 3), with the command that brings it.
    result = runner.invoke(app, ["actual", str(spec_file), "--offline"])
    assert result.exit_code == 3
    assert "the history is empty; run `piefolio history import FILE`" in result.output
    assert "Traceback" not in result.output


def test_actual_with_a_ticker_without_prices_exits_3(
    spec_file: Path, tmp_path: Path
) -> None:
    _import(tmp_path, HISTORY + "2024-01-18,buy,ZZZ,1,10,EUR,10,\n")
    result = runner.invoke(app, ["actual", str(spec_file), "--offline"])
    assert result.exit_code == 3
    assert "ZZZ" in result.output and "Traceback" not in result.output
