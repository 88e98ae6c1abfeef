"""``piefolio thesis`` on the AI-energy example with the shared real data, offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piefolio.cli import app

from ..conftest import REPO

EXAMPLE = REPO / "examples" / "ai-energy-2026.toml"


@pytest.fixture(scope="module")
def macro_home(
    shared_home: Path, shared_macro_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The shared prices' home plus the shared macro series, in a copy of its own."""
    from piefolio.data import read_prices_file
    from piefolio.data.store import Store

    home = tmp_path_factory.mktemp("macro-home")
    shutil.copy(shared_home / "store.duckdb", home / "store.duckdb")
    store = Store(home / "store.duckdb")
    for name in ("fred_macro_monthly.csv", "fred_macro_daily.csv"):
        store.write(read_prices_file(shared_macro_dir / name))
    return home


@pytest.mark.slow
def test_thesis_on_the_example_runs_offline_with_every_indicator_read(
    macro_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIEFOLIO_HOME", str(macro_home))
    result = CliRunner().invoke(app, ["thesis", str(EXAMPLE), "--offline", "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    from piefolio.spec import load_pie

    spec = load_pie(EXAMPLE)
    indicators = [s for s in data["signals"] if s["kind"] == "indicator"]
    assert [s["signal"] for s in indicators] == [
        i.id for c in spec.claims for i in spec.indicators_of(c.id)
    ]
    for s in indicators:
        assert s["date"] is not None and s["value"] is not None, s
    assert {v["state"] for v in data["verdicts"]} <= {"holding", "weakening", "broken"}
    assert len(data["verdicts"]) == len(spec.claims)
    # IPG2211S's last copy ends 2025-08-01: stale on any day after 2025-11-09.
    assert any(
        note.startswith("IPG2211S last printed 2025-08-01") for note in data["stale"]
    )
