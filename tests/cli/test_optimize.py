"""`piefolio optimize` through the CLI runner: tables, --write, errors as exit codes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from piefolio.cli import app
from piefolio.spec import load_pie

runner = CliRunner()


def serve(monkeypatch: pytest.MonkeyPatch, prices: pd.DataFrame) -> dict[str, object]:
    """Make the data layer answer with ``prices``; return what it was asked."""
    import piefolio.data

    asked: dict[str, object] = {}

    def fake_get_prices(
        spec: object, *, start: object = None, **kwargs: object
    ) -> SimpleNamespace:
        asked["start"] = start
        return SimpleNamespace(prices=prices)

    monkeypatch.setattr(piefolio.data, "get_prices", fake_get_prices)
    return asked


@pytest.fixture
def files(
    tmp_path: Path, market, spec_text, themes, monkeypatch
) -> tuple[Path, dict[str, object]]:
    spec = tmp_path / "pie.toml"
    spec.write_text(
        spec_text(themes, 'lookback = "1Y"\nrebalance_every = "6M"\nslice_max = 0.4')
    )
    return spec, serve(monkeypatch, market)


def run(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "160"})


def test_one_method_prints_weights_risk_and_walk_forward(files) -> None:
    spec, _ = files
    result = run("optimize", spec, "--method", "min-variance")
    assert result.exit_code == 0, result.output
    out = result.output
    for line in (
        "Weights: current and proposed",
        "Risk contribution per theme",
        "Walk-forward from 2020-01-01",
        "current pie",
        "Expected volatility",
        "min-var",
    ):
        assert line in out
    assert "Traceback" not in out


def test_all_methods_side_by_side(files) -> None:
    spec, _ = files
    result = run("optimize", spec, "--all", "--no-backtest")
    assert result.exit_code == 0, result.output
    header = next(
        line for line in result.output.splitlines() if "Theme / slice" in line
    )
    assert header.split()[-8:] == [
        "EW",
        "theme",
        "inv-vol",
        "RP",
        "HRP",
        "min-var",
        "max-SR",
        "max-div",
    ]
    assert "Walk-forward" not in result.output


def test_write_makes_a_new_spec_and_protects_the_source(files, tmp_path: Path) -> None:
    spec, _ = files
    out = tmp_path / "proposed.toml"
    result = run("optimize", spec, "-m", "risk-parity", "--no-backtest", "--write", out)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output.replace("\n", "")
    assert max(load_pie(out).pie.effective_weights().values()) <= 0.4 + 1e-6
    again = run("optimize", spec, "--no-backtest", "--write", out)
    assert again.exit_code == 2 and "already exists; pass --force" in again.output
    before = spec.read_text()
    over = run("optimize", spec, "--no-backtest", "--write", spec, "--force")
    assert over.exit_code == 2 and "is the pie the proposal came from" in over.output
    assert spec.read_text() == before
    both = run("optimize", spec, "--all", "--write", tmp_path / "x.toml")
    assert both.exit_code == 2 and "--write needs one proposal" in both.output


def test_errors_are_one_line_with_an_exit_code(
    files, tmp_path: Path, spec_text, themes
) -> None:
    spec, _ = files
    bad = run("optimize", spec, "--method", "sharpe")
    assert bad.exit_code == 2 and "--method 'sharpe' is not a method" in bad.output
    tight = tmp_path / "tight.toml"
    tight.write_text(spec_text(themes, "slice_min = 0.3"))
    infeasible = run("optimize", tight)
    assert infeasible.exit_code == 1
    assert (
        "error: slice_min: the 6 slices' minimums add up to 180.0% > 100%"
        in infeasible.output
    )
    assert "Traceback" not in infeasible.output


def test_prices_come_from_the_data_layer_with_all_the_history(files) -> None:
    spec, asked = files
    result = run("optimize", spec, "-m", "equal", "--no-backtest")
    assert result.exit_code == 0, result.output
    # Expected returns learn from the longest history: all of it is asked for.
    assert asked["start"].isoformat() == "2000-01-01"  # type: ignore[attr-defined]


def test_json_names_the_estimator_and_both_windows(files) -> None:
    import json

    spec, _ = files
    result = run("optimize", spec, "--all", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    er = data["expected_returns"]
    assert er["estimator"].startswith(
        "Bayes-Stein shrinkage toward the CAPM equilibrium of the pie itself"
    )
    # The market fixture is 601 prices from 2020-01-01: 600 returns for the means,
    # the last year (lookback 1Y) for the covariance.
    assert (er["start"], er["end"], er["days"]) == ("2020-01-02", "2022-04-20", 600)
    assert (
        data["covariance_window"]["lookback"] == "1Y"
        and data["covariance_window"]["days"] < 600
    )
    assert set(data["proposals"]) == {
        "equal",
        "theme-equal",
        "inverse-vol",
        "risk-parity",
        "hrp",
        "min-variance",
        "max-sharpe",
        "max-diversification",
    }
    assert sum(data["proposals"]["risk-parity"]["weights"].values()) == pytest.approx(1)
    assert set(data["walk_forward"]) == set(data["proposals"])
    assert er["flagged"] == [t for t, r in er["annual"].items() if r > 0.30]


def test_on_the_ai_energy_example(real_prices, examples_dir: Path, monkeypatch) -> None:
    serve(monkeypatch, real_prices.loc["2019-01-01":"2025-12-31"])
    result = run("optimize", examples_dir / "ai-energy-2026.toml", "-m", "max-sharpe")
    assert result.exit_code == 0, result.output
    assert "Copper, silver" in result.output
    assert "GEV before 2024-03-27: ETN's returns" in result.output
