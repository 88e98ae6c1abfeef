"""``piefolio --version`` prints the package's version and exits 0."""

from __future__ import annotations

from typer.testing import CliRunner

import piefolio
from piefolio.cli import app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"piefolio {piefolio.__version__}"
