"""Helpers of the CLI tests: an isolated home, the runner, store snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from piefolio.cli import app


@pytest.fixture(autouse=True)
def piefolio_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every CLI test gets its own store: PIEFOLIO_HOME points into tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("PIEFOLIO_HOME", str(home))
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
    """Every row of the store's ``prices`` and ``symbols`` tables, sorted.

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
            for t in ("prices", "symbols")
        }
    finally:
        con.close()


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.lstrip(), encoding="utf-8")
    return path
