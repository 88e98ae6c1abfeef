"""The command line, driven through typer's runner: output, files and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piefolio.cli import app
from piefolio.spec import load_pie

runner = CliRunner()


def test_show_prints_tree_plan_and_benchmarks(examples_dir: Path) -> None:
    result = runner.invoke(app, ["show", str(examples_dir / "ai-energy-2026.toml")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "AI energy 2026 (EUR)" in out
    # Effective weight of CVX: 22 % x 40 % = 8.80 %.
    assert "CVX Chevron  40.0% → 8.80%" in out
    assert "Grid equipment  22.0% of parent → 22.00%" in out
    assert (
        "1,000 EUR on 2021-01-04, then 100 EUR on the first trading day of each" in out
    )
    assert "S&P 500: SPY" in out
    assert "Data centers & chips: NVDA 25%, SMH 25%, EQIX 25%, DLR 25%" in out
    assert "FX 0.15 %" in out


def test_show_bad_spec_exits_2_without_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(
        '[pie]\nname = "x"\nslices = [{ ticker = "A", weight = 0.5 }]\n'
        "[plan]\nstart = 2020-01-01\ninitial = 1\n"
    )
    result = runner.invoke(app, ["show", str(spec)])
    assert result.exit_code == 2
    assert "bad.toml: pie.slices: weights of the slices sum to 0.5" in result.output
    assert "Traceback" not in result.output


def test_show_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_new_writes_a_template_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    result = runner.invoke(app, ["new", "My AI pie", "--out", str(target)])
    assert result.exit_code == 0, result.output
    spec = load_pie(target)
    assert spec.pie.name == "My AI pie"
    assert "# A piefolio pie" in target.read_text()
    # Never over a user's file without --force, and the file is left as it was.
    target.write_text("mine")
    again = runner.invoke(app, ["new", "Other", "--out", str(target)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert target.read_text() == "mine"
    forced = runner.invoke(app, ["new", "Other", "--out", str(target), "--force"])
    assert forced.exit_code == 0
    assert load_pie(target).pie.name == "Other"
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


def test_new_defaults_to_a_slug_of_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "Copper & Grid!"])
    assert result.exit_code == 0, result.output
    assert load_pie(tmp_path / "copper-grid.toml").pie.name == "Copper & Grid!"


def command_names() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in command_names():
        assert name in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    # `piefolio --help` must answer at once: numba, duckdb, plotly, yfinance load
    # only inside the commands that need them.
    code = (
        "import sys; from piefolio.cli import app\n"
        "heavy = [m for m in ('numba', 'duckdb', 'plotly', 'yfinance', 'matplotlib', 'skfolio') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_python_dash_m_runs_the_cli(examples_dir: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "piefolio",
            "show",
            str(examples_dir / "sixty-forty.toml"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "Sixty-forty (USD)" in out.stdout
