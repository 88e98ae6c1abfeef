"""The start sweep's sliced path: every start equals its own ``simulate``.

:func:`~piefolio.engine.windows.simulate_windows` makes kernel arrays once and
runs each start on a slice of them. The independent check is the plain loop it
replaces: ``simulate(frame, weights, replace(plan, start=..., end=...))`` per
start and series, on a frame that carries cash dividends and an FX mask (the
pieces #14 found missing from the sweep), with gaps, a late listing and plans
that run out of money.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.engine import Prices, simulate
from piefolio.engine.windows import simulate_windows
from piefolio.errors import PlanError
from piefolio.models import replace
from piefolio.spec import Fees, Flow, Plan

SYMBOLS = ("A", "B", "C", "D")
SERIES = {"pie": {"A": 0.5, "C": 0.3, "D": 0.2}, "bench": {"B": 1.0}}


def _frame() -> Prices:
    rng = np.random.default_rng(11)
    dates = pd.bdate_range("2010-01-01", periods=900)
    base = 40 * np.cumprod(1 + rng.normal(2e-4, 0.015, size=(900, 4)), axis=0)
    base[300:306, 0] = np.nan  # a gap in A: valued at its last price meanwhile
    divs = np.zeros_like(base)
    divs[rng.integers(0, 900, size=40), rng.integers(0, 4, size=40)] = 0.4
    return Prices(
        dates=dates,
        symbols=SYMBOLS,
        base=base,
        dividends=divs,
        fx_mask=np.array([False, False, True, True]),
        base_currency="EUR",
    )


def _plan(
    withdraw: float,
    policy: str,
    deposits: tuple[str, int] = ("month", 5),
    withdrawals: tuple[str, int] = ("month", 20),
) -> Plan:
    rebalance = (
        {"policy": "threshold", "band": 0.04} if policy == "threshold" else policy
    )
    return Plan(
        start=dt.date(2010, 1, 1),
        initial=1000.0,
        deposits=Flow(amount=100.0, every=deposits[0], day=deposits[1]),
        withdrawals=(
            Flow(amount=withdraw, every=withdrawals[0], day=withdrawals[1])
            if withdraw
            else None
        ),
        rebalance=rebalance,
        fees=Fees(fx_pct=0.5, spread_bps=3.0, min_order=1.0),
        dividends="cash",
        late_listing="redistribute",
    )


def _assert_rows_equal_simulate(
    frame: Prices, plan: Plan, windows: list, cash_rate: pd.Series | None = None
) -> None:
    runs = simulate_windows(frame, SERIES, plan, windows, cash_rate=cash_rate)
    for k, (start, end) in enumerate(windows):
        for p, name in enumerate(runs.names):
            one = simulate(
                frame,
                SERIES[name],
                replace(plan, start=start, end=end),
                cash_rate=cash_rate,
            )
            got = {
                "final_value": runs.final_value[k, p],
                "deposited": runs.deposited[k, p],
                "withdrawn": runs.withdrawn[k, p],
                "fees": runs.fees[k, p],
                "twr": runs.twr[k, p],
            }
            want = {key: getattr(one, key) for key in got}
            # Exactly equal: the same kernel on the same numbers, only sliced
            # instead of copied, each window's calendar cut from the whole
            # rows' one instead of worked out again.
            assert got == want, (start, name)
            # The XIRR of series that paid every withdrawal is solved for all
            # of them at once on the shared ledger (as the sweep always did):
            # the same root, to the solver's last digits.
            assert runs.xirr[k, p] == pytest.approx(one.xirr, rel=1e-12, nan_ok=True)
            unit = one.unit_value.to_numpy()
            deepest = float(np.min(unit / np.maximum.accumulate(unit) - 1.0))
            assert runs.max_drawdown[k, p] == min(0.0, deepest)
            assert runs.first[k] == one.dates[0] and runs.last[k] == one.dates[-1]
            ran_out = -1 if one.ran_out is None else one.dates.get_loc(one.ran_out)
            assert runs.ran_out[k, p] == ran_out


# Every flow frequency, with days that fall late in the period (a quarter's
# day 80 clips in short quarters; a week's day 7 is a Sunday, moved to Monday).
_FLOWS = st.sampled_from(
    [("month", 5), ("month", 31), ("week", 1), ("week", 7), ("quarter", 1),
     ("quarter", 80)]
)  # fmt: skip


@settings(max_examples=16, deadline=None)
@given(
    picks=st.lists(st.integers(0, 880), min_size=1, max_size=6),
    length=st.one_of(st.none(), st.integers(20, 600)),
    withdraw=st.sampled_from([0.0, 60.0, 400.0]),
    policy=st.sampled_from(["threshold", "monthly", "deposits", "none"]),
    deposits=_FLOWS,
    withdrawals=_FLOWS,
    rated=st.booleans(),
)
def test_each_window_equals_its_own_simulate(
    picks: list[int],
    length: int | None,
    withdraw: float,
    policy: str,
    deposits: tuple[str, int],
    withdrawals: tuple[str, int],
    rated: bool,
) -> None:
    # Random starts (any trading day, some inside A's gap or on a dividend
    # day, mid-week or mid-period), open-ended or of a fixed length;
    # withdrawals of 400 a month against 100 in run the pie out, which takes
    # the XIRR of what was paid. A dated cash rate changes inside the data.
    frame = _frame()
    dates = frame.dates
    windows = [
        (
            dates[i].date(),
            None if length is None else dates[min(i + length, 899)].date(),
        )
        for i in picks
    ]
    plan = _plan(withdraw, policy, deposits, withdrawals)
    rate = (
        pd.Series([0.02, 0.045], index=pd.to_datetime(["2009-06-01", "2011-03-15"]))
        if rated
        else None
    )
    _assert_rows_equal_simulate(frame, plan, windows, rate)


def test_a_window_without_a_price_for_a_held_slice_is_refused_as_simulate_does() -> (
    None
):
    frame = _frame()
    plan = replace(_plan(0.0, "monthly"), late_listing="error")
    gap_day = frame.dates[302].date()  # A has no price from row 300 to 305
    with pytest.raises(PlanError, match="A has no price on the first day"):
        simulate(frame, SERIES["pie"], replace(plan, start=gap_day))
    with pytest.raises(PlanError, match="A has no price on the first day"):
        simulate_windows(
            frame, SERIES, plan, [(frame.dates[0].date(), None), (gap_day, None)]
        )
