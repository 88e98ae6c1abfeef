"""Sweeps over many variants of a plan, and honest selection among them."""

from __future__ import annotations

from piefolio.sweep.selection import (
    PBOResult,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    probability_of_overfitting,
    sharpe_ratio,
)

__all__ = [
    "PBOResult",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "probabilistic_sharpe_ratio",
    "probability_of_overfitting",
    "sharpe_ratio",
]
