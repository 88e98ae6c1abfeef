"""Thesis health: a thesis' claims judged by prices and by the world they are about.

Modules, one concept each:

- :mod:`~piefolio.thesis.indicators`: an indicator's transform and condition on a
  series' own dates;
- :mod:`~piefolio.thesis.verdict`: a claim's state (holding, weakening, broken)
  from its signals, with the sentence that explains it;
- :mod:`~piefolio.thesis.history`: the state through history, its changes and
  the pie's return against its first benchmark after each;
- :mod:`~piefolio.thesis.verb`: :func:`thesis`, every claim of a pie judged today
  and through its backtest (what ``piefolio thesis`` prints);
- :mod:`~piefolio.thesis.words` and :mod:`~piefolio.thesis.figures`: how it reads
  and the page's charts.

Example
-------
>>> from piefolio.backtest import backtest                     # doctest: +SKIP
>>> from piefolio.thesis import store_reader, thesis            # doctest: +SKIP
>>> report = thesis(spec, backtest(spec), store_reader())       # doctest: +SKIP
>>> [v.sentence for v in report.verdicts]                       # doctest: +SKIP
"""

from __future__ import annotations

from piefolio.thesis.history import claim_states, relative_after, state_changes
from piefolio.thesis.indicators import change, holds, transform
from piefolio.thesis.verb import ThesisReport, starting, store_reader, thesis
from piefolio.thesis.verdict import Signal, State, Verdict, state_of, verdict_of

__all__ = [
    "Signal",
    "State",
    "ThesisReport",
    "Verdict",
    "change",
    "claim_states",
    "holds",
    "relative_after",
    "starting",
    "state_changes",
    "state_of",
    "store_reader",
    "thesis",
    "transform",
    "verdict_of",
]
