"""``optimize`` as one call: the pie as it stands, each method's proposal, checks.

The CLI, the Python API and the dashboard call :func:`optimize_pie` and only
present what it returns, so they give the same numbers by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from piefolio.errors import OptimizationError
from piefolio.optimize.proposal import Proposal, assess, propose
from piefolio.optimize.walkforward import WalkForward, walk_forward
from piefolio.spec import Method, Optimize, PieSpec

__all__ = ["Optimization", "optimize_pie"]


@dataclass(frozen=True, slots=True)
class Optimization:
    """The current pie and the proposals of one ``optimize`` run.

    Attributes
    ----------
    current : Proposal
        The pie as it stands, measured on the same window.
    proposals : dict of str to Proposal
        Method -> proposal, in the order asked.
    failed : dict of str to str
        Method -> why it failed (only when several methods were asked).
    walk_forward : dict of str to WalkForward or str
        Method -> its walk-forward check, or why it could not run; empty when
        the check was not asked for.
    settings : Optimize
        The settings used.
    """

    current: Proposal
    proposals: dict[str, Proposal]
    failed: dict[str, str]
    settings: Optimize
    walk_forward: dict[str, WalkForward | str] = field(default_factory=dict)


def optimize_pie(
    spec: PieSpec,
    prices: pd.DataFrame,
    *,
    methods: Sequence[Method],
    settings: Optimize | None = None,
    backtest: bool = False,
) -> Optimization:
    """Measure the pie, propose weights by each method, and check them.

    Parameters
    ----------
    spec : PieSpec
        The pie.
    prices : DataFrame
        Dates x tickers, total-return closes in the base currency: the pie's
        tickers, its benchmarks' (the prior of the expected returns) and its
        proxies', over as much history as there is.
    methods : sequence of Method
        One method raises its :class:`OptimizationError`; with several, a
        failing method is recorded in :attr:`Optimization.failed`.
    settings : Optimize, optional
        Default ``spec.optimize`` or the defaults.
    backtest : bool
        Also run each proposal's walk-forward from the plan's start.

    Returns
    -------
    Optimization
    """
    opt = settings or spec.optimize or Optimize()
    current = assess(spec, prices, settings=opt)
    proposals: dict[str, Proposal] = {}
    failed: dict[str, str] = {}
    for m in methods:
        try:
            proposals[m.value] = propose(spec, prices, method=m, settings=opt)
        except OptimizationError as exc:
            if len(methods) == 1:
                raise
            failed[m.value] = str(exc)
    checks: dict[str, WalkForward | str] = {}
    if backtest:
        for name in proposals:
            try:
                checks[name] = walk_forward(
                    spec, prices, method=name, settings=opt, start=spec.plan.start
                )
            except OptimizationError as exc:
                checks[name] = str(exc)
    return Optimization(current, proposals, failed, opt, checks)
