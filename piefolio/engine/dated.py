"""A pie fed dated money: the plan's rules, a given ledger of deposits and withdrawals.

The plan's schedule (``initial``, ``deposits``, ``withdrawals``) says when money
comes in; a real account's history says it instead. :func:`simulate_dated` runs a
pie with every rule of its plan (rebalancing, fees, minimum order, interest,
dividends) but with the money of a dated, signed ledger: what "the S&P 500 bought
with the same deposits on the same days" means.

Conventions
-----------
- ``flows``: a Series indexed by date, money into the pie positive (deposits),
  out negative (withdrawals), base currency. A flow falls on the first trading day
  on or after its date; flows of one trading day are netted.
- The run starts on the first trading day on or after the first flow, which must
  be money in, and ends at ``plan.end`` or the last price.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from piefolio.engine.frame import Frame, frame_of
from piefolio.engine.result import Result
from piefolio.engine.simulate import (
    _kernel_order,
    _run,
    _weights_dict,
    prepare_inputs,
)
from piefolio.errors import PlanError
from piefolio.models import replace
from piefolio.spec import Plan

__all__ = ["simulate_dated"]


def simulate_dated(
    prices: pd.DataFrame | Frame,
    weights: Mapping[str, float] | pd.Series,
    plan: Plan,
    flows: pd.Series,
    *,
    dividends: pd.DataFrame | None = None,
    fx_mask: pd.Series | Mapping[str, bool] | None = None,
    cash_rate: pd.Series | None = None,
) -> Result:
    """Backtest one pie with its plan's rules, fed dated money instead of a schedule.

    Parameters
    ----------
    prices, weights, dividends, fx_mask, cash_rate
        As in :func:`piefolio.engine.simulate`.
    plan : Plan
        Rules of the run; its ``start``, ``initial``, ``deposits`` and
        ``withdrawals`` are replaced by ``flows``.
    flows : pd.Series
        Signed money by date (in positive, out negative), base currency.

    Returns
    -------
    Result
        As :func:`piefolio.engine.simulate`; its ``flows`` ledger holds the dated
        deposits and withdrawals.

    Raises
    ------
    PlanError
        No flow, a first flow that is not money in, a flow after the last price,
        or anything :func:`piefolio.engine.simulate` refuses.
    """
    money = flows.astype("float64")
    money = money[money != 0.0].sort_index()
    if money.empty:
        raise PlanError("no deposit to run the pie with")
    when = pd.DatetimeIndex(money.index)
    if money.iloc[0] <= 0:
        raise PlanError(
            f"the first flow, on {when[0].date()}, takes money out; expected a "
            "deposit first"
        )
    rules = replace(
        plan,
        start=when[0].date(),
        initial=float(money.iloc[0]),
        deposits=None,
        withdrawals=None,
    )
    frame = frame_of(prices, dividends=dividends, fx_mask=fx_mask)
    w = _weights_dict(weights)
    order = list(w)
    symbols = _kernel_order(frame, order)
    inputs = prepare_inputs(
        frame,
        symbols,
        np.array([[w[s] for s in symbols]]),
        rules,
        cash_rate=cash_rate,
        names=["the pie"],
    )
    day = inputs.dates.searchsorted(when, side="left")
    if day[-1] >= len(inputs.dates):
        late = when[int(np.argmax(day >= len(inputs.dates)))]
        raise PlanError(
            f"a flow on {late.date()} comes after the last price, "
            f"{inputs.dates[-1].date()}"
        )
    net = np.zeros(len(inputs.dates))
    np.add.at(net, day, money.to_numpy())
    inputs = dataclasses.replace(
        inputs,
        deposit=np.where(net > 0, net, 0.0),
        withdraw=np.where(net < 0, -net, 0.0),
    )
    return _run(inputs, 0, order)
