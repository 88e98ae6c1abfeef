"""``piefolio history import`` and ``history list`` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piefolio.cli import app
from tests.account.samples import LAYOUT_2025, write

runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(folder))
    return folder


def test_import_then_reimport_then_list(tmp_path: Path) -> None:
    b = write(tmp_path, "2023-25.csv")
    c = write(tmp_path, "2025-26.csv")
    first = runner.invoke(app, ["history", "import", str(b), str(c)])
    assert first.exit_code == 0, first.output
    assert "20 new rows stored; 2 known" in first.output
    again = runner.invoke(app, ["history", "import", str(c), "--json"])
    assert again.exit_code == 0, again.output
    (report,) = json.loads(again.output)["files"]
    assert (report["rows"], report["added"], report["layout"]) == (12, 0, "trading212")
    listed = runner.invoke(app, ["history", "list", "--json"])
    payload = json.loads(listed.output)
    assert len(payload["entries"]) == 20
    # MSFT 0.5 bought; NVDA 0.1 bought, split 10-for-1, 0.5 sold; TTE 1 bought.
    assert payload["holdings"] == pytest.approx({"MSFT": 0.5, "NVDA": 0.5, "TTE": 1})
    table = runner.invoke(app, ["history", "list"])
    assert table.exit_code == 0, table.output
    assert "20 rows from 2024-06-03 to 2026-01-01" in table.output


def test_bad_row_exits_2_with_file_line_and_column(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", LAYOUT_2025.replace("Card debit,", "Oops,"))
    result = runner.invoke(app, ["history", "import", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv: line 8: column 'Action': unknown action 'Oops'" in result.output
    assert "Traceback" not in result.output
    empty = runner.invoke(app, ["history", "list"])
    assert "No history stored" in empty.output
