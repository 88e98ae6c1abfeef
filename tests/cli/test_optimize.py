"""`piefolio optimize` through the CLI runner: tables, --write, errors as exit codes."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
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


TICKERS = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
#: The pie of ``files``: three equal themes, equal slices within each.
NOW = np.array([1 / 6, 1 / 6, 1 / 9, 1 / 9, 1 / 9, 1 / 3])


def cells(output: str, label: str) -> list[float]:
    """The percentages printed on the row that starts with ``label``, as fractions."""
    for line in output.splitlines():
        text = line.strip()
        if text.startswith(label + " "):
            return [float(c.rstrip("%")) / 100 for c in text[len(label) :].split()]
    raise AssertionError(f"no row {label!r} in:\n{output}")


def by_hand(market: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The sample covariance of the lookback (1Y: the 261 daily returns dated
    2021-04-21..2022-04-20, the fixture's last year) and the minimum-variance
    weights S^-1 1 / 1'S^-1 1, which no bound changes here: each is inside
    0..40 % (slice_max)."""
    returns = market[TICKERS].pct_change().loc["2021-04-21":"2022-04-20"]
    assert len(returns) == 261
    cov = returns.cov().to_numpy()
    x = np.linalg.solve(cov, np.ones(len(TICKERS)))
    x /= x.sum()
    assert (x > 0).all() and (x < 0.4).all()
    return cov, x


def test_one_method_prints_weights_risk_and_walk_forward(files, market) -> None:
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
    # The rate is yearly, and the walk-forward's return is the growth of 1's CAGR
    # (no flows: the time-weighted return a year), signed like every return.
    assert re.search(r"risk-free \d+\.\d\d% a year", out)
    assert "TWR a year" in out and "Annual return" not in out
    assert re.search(r"current pie +[+-]\d+\.\d% +\d+\.\d% +-?\d+\.\d%", out)
    cov, best = by_hand(market)
    # Slices: E(r), now, min-var; printed to 0.1 %.
    for ticker, now, w in zip(TICKERS, NOW, best, strict=True):
        assert cells(out, ticker)[1:] == pytest.approx([now, w], abs=6e-4)
    vol = [np.sqrt(252 * w @ cov @ w) for w in (NOW, best)]
    assert cells(out, "Expected volatility") == pytest.approx(vol, abs=6e-4)
    # One-way turnover: sum |w - now| / 2.
    turnover = np.abs(best - NOW).sum() / 2
    assert cells(out, "Turnover") == pytest.approx([0.0, turnover], abs=6e-4)
    # Risk contributions w_i (S w)_i / w'S w, summed per theme. At the minimum
    # variance every (S w)_i is the same, so each theme's share is its weight.
    rc = NOW * (cov @ NOW) / (NOW @ cov @ NOW)
    themes = {"Alpha": [0, 1], "Beta": [2, 3, 4], "Gamma": [5]}
    for theme, i in themes.items():
        now_rc, min_rc = cells(out.split("Risk contribution per theme")[1], theme)
        assert now_rc == pytest.approx(rc[i].sum(), abs=6e-4)
        assert min_rc == pytest.approx(best[i].sum(), abs=6e-4)


def test_all_methods_side_by_side(files, market) -> None:
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
    # Columns: E(r), now, EW, theme, inv-vol, RP, HRP, min-var, max-SR, max-div.
    cov, best = by_hand(market)
    inverse_vol = 1 / np.sqrt(np.diag(cov))
    inverse_vol /= inverse_vol.sum()
    for i, ticker in enumerate(TICKERS):
        row = cells(result.output, ticker)
        # EW: 1/6 each; theme-equal is the pie itself (its themes are equal).
        assert row[2:4] == pytest.approx([1 / 6, NOW[i]], abs=6e-4)
        assert row[4] == pytest.approx(inverse_vol[i], abs=6e-4)
        assert row[7] == pytest.approx(best[i], abs=6e-4)
    # Equal weight adds 1/18 to each Beta slice and takes 1/6 from FFF:
    # (3 / 18 + 1 / 6) / 2 = 1/6 one way.
    turnover = cells(result.output, "Turnover")[:3]
    assert turnover == pytest.approx([0, 1 / 6, 0], abs=6e-4)
    assert cells(result.output, "Beta")[:2] == pytest.approx([1 / 3, 1 / 2], abs=6e-4)


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
