"""``optimize`` as one call: the pie as it stands, each method's proposal, checks.

The CLI, the Python API and the dashboard call :func:`propose` and only present
what it returns, so they give the same numbers by construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel, ConfigDict

from piefolio.errors import OptimizationError
from piefolio.optimize import proposal as _proposal
from piefolio.optimize.proposal import Proposal, assess
from piefolio.optimize.walkforward import WalkForward, walk_forward
from piefolio.spec import Method, Optimize, PieSpec

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store

__all__ = ["Optimization", "ProposeSettings", "frame_for", "propose"]


class ProposeSettings(BaseModel):
    """How to run ``optimize``: every option that changes a number.

    Attributes
    ----------
    methods : tuple of Method
        The methods to propose with; empty means the ``[optimize]`` method.
    backtest : bool
        Also run each proposal's walk-forward from the plan's start.
    optimize : Optimize, optional
        Limits and estimators; default the spec's ``[optimize]`` table.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    methods: tuple[Method, ...] = ()
    backtest: bool = False
    optimize: Optimize | None = None


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
    settings : Optimize
        The limits and estimators used.
    walk_forward : dict of str to WalkForward or str
        Method -> its walk-forward check, or why it could not run; empty when
        the check was not asked for.
    """

    current: Proposal
    proposals: dict[str, Proposal]
    failed: dict[str, str]
    settings: Optimize
    walk_forward: dict[str, WalkForward | str] = field(default_factory=dict)


def frame_for(
    spec: PieSpec,
    settings: ProposeSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load what :func:`propose` needs: all the history of the pie, benchmarks, proxies.

    Expected returns learn from the longest history every slice has through its
    proxy, so the whole store is read, and a slice listed after the plan's start
    is not an error here (its proxy fills its past).
    """
    from piefolio.data import get_prices
    from piefolio.models import replace

    lenient = replace(spec, plan=replace(spec.plan, late_listing="redistribute"))
    return get_prices(lenient, start=dt.date(2000, 1, 1), offline=offline, store=store)


def propose(
    spec: PieSpec,
    frame: PriceFrame | pd.DataFrame | None = None,
    *,
    settings: ProposeSettings | None = None,
) -> Optimization:
    """Measure the pie, propose weights by each method, and check them.

    Parameters
    ----------
    spec : PieSpec
        The pie.
    frame : PriceFrame or DataFrame, optional
        Total-return closes in the base currency (dates x tickers): the pie's
        tickers, its benchmarks' (the prior of the expected returns) and its
        proxies', over as much history as there is. Default: :func:`frame_for`
        from the store, offline.
    settings : ProposeSettings, optional
        Methods, walk-forward, limits. With one method its
        :class:`OptimizationError` is raised; with several, a failing method is
        recorded in :attr:`Optimization.failed`.

    Returns
    -------
    Optimization
    """
    run = settings or ProposeSettings()
    opt = run.optimize or spec.optimize or Optimize()
    if frame is None:
        frame = frame_for(spec, run, offline=True)
    prices = frame if isinstance(frame, pd.DataFrame) else frame.prices
    methods = run.methods or (opt.method,)
    current = assess(spec, prices, settings=opt)
    proposals: dict[str, Proposal] = {}
    failed: dict[str, str] = {}
    for m in methods:
        try:
            proposals[m.value] = _proposal.propose(spec, prices, method=m, settings=opt)
        except OptimizationError as exc:
            if len(methods) == 1:
                raise
            failed[m.value] = str(exc)
    checks: dict[str, WalkForward | str] = {}
    if run.backtest:
        for name in proposals:
            try:
                checks[name] = walk_forward(
                    spec, prices, method=name, settings=opt, start=spec.plan.start
                )
            except OptimizationError as exc:
                checks[name] = str(exc)
    return Optimization(current, proposals, failed, opt, checks)
