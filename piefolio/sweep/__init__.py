"""Sweeps over many variants of a plan, and honest selection among them.

- :mod:`~piefolio.sweep.starts`: the plan begun on every start date;
- :mod:`~piefolio.sweep.variants`: rebalance x deposit x frequency x weights;
- :mod:`~piefolio.sweep.selection` and :mod:`~piefolio.sweep.honest`: deflated
  Sharpe ratio, probability of backtest overfitting, walk-forward.
"""

from __future__ import annotations

from piefolio.sweep.honest import Selection, honest_selection
from piefolio.sweep.selection import (
    PBOResult,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    probability_of_overfitting,
    sharpe_ratio,
)
from piefolio.sweep.starts import StartSweep, start_dates, sweep_starts
from piefolio.sweep.variants import (
    SweepSettings,
    VariantReport,
    VariantSweep,
    load_sweep,
    plan_variants,
    random_weights,
    run_variants,
    sweep_variants,
)

__all__ = [
    "PBOResult",
    "Selection",
    "StartSweep",
    "SweepSettings",
    "VariantReport",
    "VariantSweep",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "honest_selection",
    "load_sweep",
    "plan_variants",
    "probabilistic_sharpe_ratio",
    "probability_of_overfitting",
    "random_weights",
    "run_variants",
    "sharpe_ratio",
    "start_dates",
    "sweep_starts",
    "sweep_variants",
]
