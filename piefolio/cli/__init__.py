"""The ``piefolio`` command line: thin commands over the Python API.

Heavy libraries (numba, duckdb, plotly, yfinance) are imported inside the commands
that need them, so ``piefolio --help`` answers at once. Every
:class:`~piefolio.errors.PiefolioError` is printed as one plain message, without a
traceback, and the process exits with the error's code (2 bad input, 3 data
unavailable). One module per family of commands; importing them registers them.
"""

from __future__ import annotations

import sys

from piefolio.cli import (
    account,
    data,
    optimize,
    pie,
    run,
    scenarios,
    serve,
    sweep,
    thesis,
)
from piefolio.cli._app import app, print_error
from piefolio.errors import PiefolioError

__all__ = ["app", "main"]

# Registered on import.
_COMMANDS = (account, data, optimize, pie, run, scenarios, serve, sweep, thesis)


def main() -> None:
    """Entry point of the ``piefolio`` console script."""
    try:
        app()
    except PiefolioError as exc:  # raised outside a command, e.g. at import
        print_error(exc)
        sys.exit(exc.exit_code)
