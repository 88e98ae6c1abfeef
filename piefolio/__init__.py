"""piefolio: from an investment thesis to a pie, tested on real data.

The public API. Every name but the errors is imported on first use (PEP 562), so
that ``import piefolio`` and ``piefolio --help`` stay fast: pandas and pydantic
load when a pie is read, numba, duckdb and plotly when a simulation or a store is
actually needed.
"""

from __future__ import annotations

import importlib
import logging
import typing
from typing import TYPE_CHECKING

from piefolio.errors import (
    DataError,
    DataUnavailable,
    HistoryError,
    OptimizationError,
    PiefolioError,
    PlanError,
    ProviderError,
    SpecError,
    StoreError,
)

# A library prints nothing unless its user configures logging (the CLI does).
logging.getLogger("piefolio").addHandler(logging.NullHandler())

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from piefolio.account import Actual, Ledger, actual, load_history, next_orders
    from piefolio.analytics.performance import Performance, performance
    from piefolio.backtest import Backtest, backtest
    from piefolio.data import PriceFrame, get_prices
    from piefolio.engine import BatchResult, Result, simulate, simulate_batch
    from piefolio.optimize import Proposal
    from piefolio.optimize.verb import propose
    from piefolio.report import ReportData, report_data, write_report
    from piefolio.scenarios import check_claims, stress
    from piefolio.scenarios.outlook import monte_carlo
    from piefolio.spec import Pie, PieSpec, Plan, load_pie
    from piefolio.sweep import sweep_variants
    from piefolio.sweep.history import sweep_starts

# Public name -> module that defines it, imported lazily by __getattr__.
_LAZY: dict[str, str] = {
    "Actual": "piefolio.account",
    "Backtest": "piefolio.backtest",
    "BatchResult": "piefolio.engine",
    "Ledger": "piefolio.account",
    "Performance": "piefolio.analytics.performance",
    "PriceFrame": "piefolio.data",
    "Proposal": "piefolio.optimize",
    "ReportData": "piefolio.report",
    "Result": "piefolio.engine",
    "actual": "piefolio.account",
    "backtest": "piefolio.backtest",
    "check_claims": "piefolio.scenarios",
    "get_prices": "piefolio.data",
    "load_history": "piefolio.account",
    "monte_carlo": "piefolio.scenarios.outlook",
    "next_orders": "piefolio.account",
    "Pie": "piefolio.spec",
    "PieSpec": "piefolio.spec",
    "Plan": "piefolio.spec",
    "load_pie": "piefolio.spec",
    "performance": "piefolio.analytics.performance",
    "propose": "piefolio.optimize.verb",
    "report_data": "piefolio.report",
    "simulate": "piefolio.engine",
    "simulate_batch": "piefolio.engine",
    "stress": "piefolio.scenarios",
    "sweep_starts": "piefolio.sweep.history",
    "sweep_variants": "piefolio.sweep",
    "write_report": "piefolio.report",
}

__all__ = [
    "Actual",
    "Backtest",
    "BatchResult",
    "DataError",
    "DataUnavailable",
    "HistoryError",
    "Ledger",
    "OptimizationError",
    "Performance",
    "Pie",
    "PieSpec",
    "PiefolioError",
    "Plan",
    "PlanError",
    "PriceFrame",
    "Proposal",
    "ProviderError",
    "ReportData",
    "Result",
    "SpecError",
    "StoreError",
    "__version__",
    "actual",
    "backtest",
    "check_claims",
    "get_prices",
    "load_history",
    "load_pie",
    "monte_carlo",
    "next_orders",
    "performance",
    "propose",
    "report_data",
    "simulate",
    "simulate_batch",
    "stress",
    "sweep_starts",
    "sweep_variants",
    "write_report",
]


def _version() -> str:
    # importlib.metadata reads the installed distributions: a tenth of the
    # time of ``piefolio --help``, which does not print the version.
    import importlib.metadata

    try:
        return importlib.metadata.version("piefolio")
    except importlib.metadata.PackageNotFoundError:  # a source tree, not installed
        return "0.0.0"


def __getattr__(name: str) -> typing.Any:
    if name == "__version__":
        globals()[name] = version = _version()
        return version
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'piefolio' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
