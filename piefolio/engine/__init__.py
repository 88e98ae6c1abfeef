"""The engine: a pie's plan run day by day over base-currency prices.

:func:`simulate` runs one pie and returns a :class:`Result` (daily NAV, units,
holdings, cash, trades and cash-flow ledgers); :func:`simulate_batch` runs many
pies that share a plan in one call. :func:`prepare_inputs` and
:class:`KernelInputs` expose the kernel's arrays to other numba code (Monte
Carlo). Semantics: DESIGN.md, "Engine semantics", and
:mod:`piefolio.engine.simulate` for the choices it leaves open.
"""

from __future__ import annotations

from piefolio.engine.result import BatchResult, Result
from piefolio.engine.simulate import (
    KernelInputs,
    prepare_inputs,
    simulate,
    simulate_batch,
)

__all__ = [
    "BatchResult",
    "KernelInputs",
    "Result",
    "prepare_inputs",
    "simulate",
    "simulate_batch",
]
