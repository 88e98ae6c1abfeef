"""The engine: a pie's plan run day by day over base-currency prices.

:func:`simulate` runs one pie and returns a :class:`Result` (daily NAV, units,
holdings, cash, trades and cash-flow ledgers); :func:`simulate_batch` runs many
pies that share a plan in one call; :func:`simulate_paths` runs a plan on many
simulated return paths (Monte Carlo). Prices come as one :class:`Frame`
(prices, dividends, FX mask together; :func:`frame_of` wraps a DataFrame).
:func:`prepare_inputs` and :class:`KernelInputs` are the plan as kernel arrays.
Semantics: DESIGN.md, "Engine semantics", and :mod:`piefolio.engine.simulate`
for the choices it leaves open.
"""

from __future__ import annotations

from piefolio.engine.frame import (
    Frame,
    Prices,
    frame_of,
    on_prices,
    total_return_prices,
)
from piefolio.engine.paths import PathRuns, simulate_paths
from piefolio.engine.result import BatchResult, Result
from piefolio.engine.simulate import (
    KernelInputs,
    prepare_inputs,
    simulate,
    simulate_batch,
)

__all__ = [
    "BatchResult",
    "Frame",
    "KernelInputs",
    "PathRuns",
    "Prices",
    "Result",
    "frame_of",
    "on_prices",
    "prepare_inputs",
    "simulate",
    "simulate_batch",
    "simulate_paths",
    "total_return_prices",
]
