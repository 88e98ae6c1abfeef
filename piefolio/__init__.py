"""piefolio: from an investment thesis to a pie, tested on real data.

The public API. Names from the engine and the data layer are imported on first use
(PEP 562), so that ``import piefolio`` and ``piefolio --help`` stay fast: numba,
duckdb and plotly load only when a simulation or a store is actually needed.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from piefolio.errors import (
    DataError,
    DataUnavailable,
    OptimizationError,
    PiefolioError,
    PlanError,
    ProviderError,
    SpecError,
    StoreError,
)
from piefolio.spec import Pie, PieSpec, Plan, load_pie

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from piefolio.analytics.performance import Performance, performance
    from piefolio.data import PriceFrame, get_prices
    from piefolio.engine import BatchResult, Result, simulate, simulate_batch
    from piefolio.optimize import Proposal, propose

try:
    __version__ = version("piefolio")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

# Public name -> module that defines it, imported lazily by __getattr__.
_LAZY: dict[str, str] = {
    "BatchResult": "piefolio.engine",
    "Performance": "piefolio.analytics.performance",
    "PriceFrame": "piefolio.data",
    "Proposal": "piefolio.optimize",
    "Result": "piefolio.engine",
    "get_prices": "piefolio.data",
    "performance": "piefolio.analytics.performance",
    "propose": "piefolio.optimize",
    "simulate": "piefolio.engine",
    "simulate_batch": "piefolio.engine",
}

__all__ = [
    "BatchResult",
    "DataError",
    "DataUnavailable",
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
    "Result",
    "SpecError",
    "StoreError",
    "__version__",
    "get_prices",
    "load_pie",
    "performance",
    "propose",
    "simulate",
    "simulate_batch",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'piefolio' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
