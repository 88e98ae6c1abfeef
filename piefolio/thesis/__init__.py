"""Thesis health: a thesis' claims judged by prices and by the world they are about.

Modules, one concept each:

- :mod:`~piefolio.thesis.indicators`: an indicator's transform and condition on a
  series' own dates;
- :mod:`~piefolio.thesis.verdict`: a claim's state (holding, weakening, broken)
  from its signals, with the sentence that explains it;
- :mod:`~piefolio.thesis.history`: the state through history, its changes and
  the pie's return against its first benchmark after each.
"""

from __future__ import annotations

from piefolio.thesis.history import claim_states, relative_after, state_changes
from piefolio.thesis.indicators import change, holds, transform
from piefolio.thesis.verdict import Signal, State, Verdict, state_of, verdict_of

__all__ = [
    "Signal",
    "State",
    "Verdict",
    "change",
    "claim_states",
    "holds",
    "relative_after",
    "state_changes",
    "state_of",
    "transform",
    "verdict_of",
]
