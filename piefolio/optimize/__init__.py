"""Weights for a pie, under the limits of the spec's ``[optimize]`` table.

Equal, theme-equal, inverse volatility, risk parity, HRP, minimum variance,
maximum Sharpe and maximum diversification, with a walk-forward check (no
look-ahead).

skfolio does the optimising; this package maps the pie tree and its limits onto
it and back (:mod:`~piefolio.optimize.constraints`), explains the traps, and
writes a proposal as a new pie file.
"""

from __future__ import annotations

from piefolio.optimize.constraints import (
    Limits,
    build_limits,
    check_feasible,
    proposed_slices,
)
from piefolio.optimize.proposal import Estimate, Proposal, assess, estimate, propose
from piefolio.optimize.walkforward import WalkForward, walk_forward
from piefolio.optimize.write import proposal_toml, write_proposal
from piefolio.spec import Method, Optimize

__all__ = [
    "Estimate",
    "Limits",
    "Method",
    "Optimize",
    "Proposal",
    "WalkForward",
    "assess",
    "build_limits",
    "check_feasible",
    "estimate",
    "proposal_toml",
    "propose",
    "proposed_slices",
    "walk_forward",
    "write_proposal",
]
