"""The layer around the kernel: what it keeps between calls must not change a run.

``simulate`` keeps per-index facts (day numbers, calendar gaps, column names),
looks month starts up in a table and reorders a Result's columns only when a
view is read; each test below checks one of those against an independent
computation.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.engine import Prices, frame_of, simulate
from piefolio.engine.frame import day_numbers, is_frame
from piefolio.engine.schedule import calendar_days, flow_dates
from piefolio.spec import Flow, Frequency, Plan


def _nominal(first: dt.date, last: dt.date, every: str, day: int) -> list[dt.date]:
    """Flow dates by ``datetime``: month by month, the day clipped to the period.

    Written from the rule in ``schedule``'s docstring (every period after the
    period of ``first``, on day ``day`` of it clipped to its last day, up to
    ``last``), with no numpy datetime arithmetic.
    """
    step = 1 if every == "month" else 3
    m = (first.year * 12 + first.month - 1) // step * step + step
    out = []
    while _month_start(m) <= last:
        length = (_month_start(m + step) - _month_start(m)).days
        when = _month_start(m) + dt.timedelta(days=min(day, length) - 1)
        if when <= last:
            out.append(when)
        m += step
    return out


def _month_start(m: int) -> dt.date:
    year, month0 = divmod(m, 12)
    return dt.date(year, month0 + 1, 1)


@settings(max_examples=150, deadline=None)
@given(
    first=st.dates(dt.date(1700, 1, 1), dt.date(2250, 12, 31)),
    span=st.integers(0, 4000),
    every=st.sampled_from(["month", "quarter"]),
    day=st.integers(1, 92),
)
def test_monthly_flow_dates_match_the_calendar(
    first: dt.date, span: int, every: str, day: int
) -> None:
    # Years 1700-2250 cross both ends of the month table (1800-2300), so the
    # lookup and the fallback conversion are both checked.
    last = first + dt.timedelta(days=span)
    day = day if every == "quarter" else 1 + (day - 1) % 31
    flow = Flow(amount=1.0, every=Frequency(every), day=day)
    got = flow_dates(np.datetime64(first, "D"), np.datetime64(last, "D"), flow)
    assert [d.item() for d in got] == _nominal(first, last, every, day)


def test_day_numbers_and_gaps_are_kept_per_index_and_read_only() -> None:
    dates = pd.DatetimeIndex(["2024-01-04", "2024-01-05", "2024-01-08"])
    days = day_numbers(dates)
    assert day_numbers(dates) is days  # kept: the same object, not recomputed
    assert not days.flags.writeable
    np.testing.assert_array_equal(calendar_days(days), [0, 1, 3])
    other = pd.DatetimeIndex(["2024-01-04", "2024-01-05", "2024-01-09"])
    assert day_numbers(other)[-1] == np.datetime64("2024-01-09")


def test_a_frame_is_told_apart_from_a_dataframe_without_building_one() -> None:
    prices = pd.DataFrame(
        {"A": [1.0, 2.0]}, index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"])
    )
    frame = frame_of(prices)
    assert isinstance(frame, Prices) and is_frame(frame)
    assert not is_frame(prices)
    assert frame_of(frame) is frame


def _prices() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    index = pd.bdate_range("2020-01-01", periods=300)
    values = 50 * np.cumprod(1 + rng.normal(0, 0.02, size=(300, 3)), axis=0)
    values[:40, 2] = np.nan  # C lists late: its weight waits, then it is bought
    return pd.DataFrame(values, index=index, columns=["A", "B", "C"])


def test_views_come_in_the_callers_order_whatever_the_kernel_order() -> None:
    # The kernel runs in the frame's column order (A, B, C); the caller names
    # the slices C, A, B. Each view must be the same run, relabelled: compare
    # it with the run given in the frame's own order.
    prices = _prices()
    plan = Plan(
        start=dt.date(2020, 1, 1),
        initial=1000.0,
        deposits=Flow(amount=100.0),
        rebalance="monthly",
        late_listing="redistribute",
    )
    weights = {"A": 0.5, "B": 0.3, "C": 0.2}
    same = simulate(prices, weights, plan)
    mixed = simulate(prices, {k: weights[k] for k in ("C", "A", "B")}, plan)
    assert mixed.symbols == ("C", "A", "B")
    assert mixed.final_value == same.final_value
    pd.testing.assert_frame_equal(mixed.shares, same.shares[["C", "A", "B"]])
    pd.testing.assert_frame_equal(mixed.weights, same.weights[["C", "A", "B"]])
    pd.testing.assert_frame_equal(mixed.trades, same.trades)
    pd.testing.assert_frame_equal(mixed.skipped, same.skipped)
    assert list(mixed.dates) == list(prices.index)
    assert set(mixed.trades["symbol"]) == {"A", "B", "C"}


_KEY = st.integers(0, 40)


@settings(max_examples=60, deadline=None)
@given(
    keys=st.one_of(
        st.lists(_KEY, max_size=64), st.lists(_KEY, min_size=65, max_size=220)
    )
)
def test_the_solves_stable_order_is_numpys_stable_argsort(keys: list[int]) -> None:
    # Up to 64 keys an insertion sort, past it a merge sort of our own (not
    # numpy's, whose compile is seconds of a first run): both must give the
    # one stable order, which numpy's stable argsort also gives. Few distinct
    # keys make ties, where stability shows. Two list sizes drawn apart: left
    # to itself hypothesis drew no list past 18 keys in 60 examples, so the
    # merge sort was never run.
    from piefolio.engine._solve import _stable_order_nb

    values = np.array(keys + [99.0] * 5, dtype=np.float64)  # m < len: a prefix
    m = len(keys)
    got = _stable_order_nb(values, m)
    np.testing.assert_array_equal(got, np.argsort(values[:m], kind="stable"))
