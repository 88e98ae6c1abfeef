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
from piefolio.spec import Calendar, Flow, Frequency, Plan


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


# ------------------------------------------------------- kept schedules


def _schedule_of(prices: pd.DataFrame, plan: Plan) -> dict[str, np.ndarray]:
    from piefolio.engine import prepare_inputs

    inputs = prepare_inputs(prices, ["A"], np.ones((1, 1)), plan)
    return {
        "days": inputs.days,
        "deposit": inputs.deposit,
        "withdraw": inputs.withdraw,
        "rate": inputs.rate,
        "rebal_day": inputs.rebal_day,
    }


def _one_symbol(start: str, periods: int) -> pd.DataFrame:
    index = pd.bdate_range(start, periods=periods)
    return pd.DataFrame({"A": np.linspace(10.0, 20.0, periods)}, index=index)


def test_a_kept_schedule_is_never_another_plans_or_index() -> None:
    # Business days from Tue 2024-01-02 (43 of them: 22 in January, to Thu
    # 2024-02-29).
    prices = _one_symbol("2024-01-02", 43)
    index = prices.index
    feb1 = index.get_loc(pd.Timestamp("2024-02-01"))  # row 23
    feb15 = index.get_loc(pd.Timestamp("2024-02-15"))  # row 33
    monthly = Plan(
        start=dt.date(2024, 1, 1), initial=1000.0, deposits=Flow(amount=100.0)
    )
    first = _schedule_of(prices, monthly)
    # 1000 on day 0; the monthly 100 on the first trading day of February.
    assert first["deposit"][0] == 1000.0 and first["deposit"][feb1] == 100.0
    assert first["deposit"].sum() == 1100.0
    again = _schedule_of(prices, monthly)
    for name, values in first.items():
        np.testing.assert_array_equal(again[name], values)
        assert again[name] is not values  # each call its own arrays
        assert again[name].flags.writeable
    # A caller that writes into its arrays leaves the next call's alone.
    again["deposit"][:] = -1.0
    np.testing.assert_array_equal(
        _schedule_of(prices, monthly)["deposit"], first["deposit"]
    )

    # Another day of the month: Feb 15, not Feb 1.
    mid = monthly.model_copy(update={"deposits": Flow(amount=100.0, day=15)})
    got = _schedule_of(prices, mid)["deposit"]
    assert got[feb15] == 100.0 and got[feb1] == 0.0
    # Another initial amount, another amount, withdrawals, interest, rebalance.
    more = _schedule_of(prices, monthly.model_copy(update={"initial": 2000.0}))
    assert more["deposit"][0] == 2000.0
    bigger = monthly.model_copy(update={"deposits": Flow(amount=250.0)})
    assert _schedule_of(prices, bigger)["deposit"][feb1] == 250.0
    out = monthly.model_copy(update={"withdrawals": Flow(amount=30.0)})
    assert _schedule_of(prices, out)["withdraw"][feb1] == 30.0
    paid = monthly.model_copy(update={"cash_interest": 0.04})
    np.testing.assert_array_equal(_schedule_of(prices, paid)["rate"], 0.04)
    # -0.0 is kept apart from 0.0: its rates keep their sign bit.
    signed = _schedule_of(prices, monthly.model_copy(update={"cash_interest": -0.0}))
    assert np.signbit(signed["rate"]).all()
    assert not np.signbit(_schedule_of(prices, monthly)["rate"]).any()
    calendar = monthly.model_copy(update={"rebalance": Calendar(every="month")})
    assert np.flatnonzero(_schedule_of(prices, calendar)["rebal_day"]).tolist() == [
        feb1
    ]
    assert not _schedule_of(prices, monthly)["rebal_day"].any()
    # Another window over the same index: starting Jan 15 (row 9), day 0 there.
    later = _schedule_of(
        prices, monthly.model_copy(update={"start": dt.date(2024, 1, 15)})
    )
    assert len(later["deposit"]) == 43 - 9 and later["deposit"][0] == 1000.0
    assert later["deposit"][feb1 - 9] == 100.0 and later["days"][0] == 0

    # Another index with the same rows: from Tue 2024-01-16, so February's
    # first trading day is row 12 (Jan 16..31 are 12 business days).
    shifted = _one_symbol("2024-01-16", 43)
    got = _schedule_of(shifted, monthly)["deposit"]
    assert got[12] == 100.0 and got[feb1] == 0.0
    # An equal but distinct index object gets a schedule computed for it.
    copy = pd.DataFrame(
        prices.to_numpy(), index=pd.DatetimeIndex(list(index)), columns=["A"]
    )
    np.testing.assert_array_equal(
        _schedule_of(copy, monthly)["deposit"], first["deposit"]
    )


def test_the_kept_schedules_are_few() -> None:
    from piefolio.engine.frame import per_index
    from piefolio.engine.simulate import _KEPT_SCHEDULES, _schedule_memo

    prices = _one_symbol("2024-01-02", 30)
    for amount in range(1, 3 * _KEPT_SCHEDULES):
        _schedule_of(
            prices,
            Plan(
                start=dt.date(2024, 1, 1),
                initial=1.0,
                deposits=Flow(amount=float(amount)),
            ),
        )
    assert len(per_index(prices.index, _schedule_memo)) == _KEPT_SCHEDULES


# ---------------------------------------------------- no dividend array


def _gappy_prices(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.bdate_range("2021-01-01", periods=400)
    values = 40 * np.cumprod(1 + rng.normal(0, 0.02, size=(400, 4)), axis=0)
    values[:30, 3] = np.nan  # D lists late
    values[100:104, 1] = np.nan  # a gap in B
    return pd.DataFrame(values, index=index, columns=["A", "B", "C", "D"])


def test_no_dividends_is_an_empty_array_that_runs_as_zeros() -> None:
    # The kernels read a (0, N) dividend array as "none paid": every output
    # must equal the run with a (T, N) array of zeros (the old input), bit
    # for bit, one pie and a batch, on every policy, with late listing, a gap,
    # deposits, withdrawals, interest and fees.
    from piefolio.engine import prepare_inputs
    from piefolio.engine._kernels import simulate_batch_nb, simulate_pie_nb
    from piefolio.spec import Fees

    prices = _gappy_prices(5)
    symbols = ["A", "B", "C", "D"]
    weights = np.array([[0.4, 0.3, 0.2, 0.1], [0.1, 0.2, 0.3, 0.4]])
    for rebalance in (
        "none",
        "monthly",
        {"policy": "threshold", "band": 0.03},
        "deposits",
    ):
        plan = Plan(
            start=dt.date(2021, 1, 1),
            initial=1000.0,
            deposits=Flow(amount=100.0),
            withdrawals=Flow(amount=20.0, every="quarter"),
            rebalance=rebalance,
            cash_interest=0.02,
            fees=Fees(commission_fixed=0.5, spread_bps=5.0, min_order=2.0),
            late_listing="redistribute",
        )
        inputs = prepare_inputs(prices, symbols, weights, plan)
        assert inputs.divs.shape == (0, 4)
        zeros = np.zeros(inputs.close.shape)
        arrays = inputs.plan_arrays()
        for row in range(2):
            empty = simulate_pie_nb(
                inputs.close, inputs.divs, inputs.targets[row], arrays, True
            )
            full = simulate_pie_nb(
                inputs.close, zeros, inputs.targets[row], arrays, True
            )
            for a, b in zip(empty, full, strict=True):
                np.testing.assert_array_equal(a, b)
        empty = simulate_batch_nb(
            inputs.close, inputs.divs, inputs.targets, arrays, True
        )
        full = simulate_batch_nb(inputs.close, zeros, inputs.targets, arrays, True)
        for a, b in zip(empty, full, strict=True):
            np.testing.assert_array_equal(a, b)


# ------------------------------------------------ checks in plain Python


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 70),
    seed=st.integers(0, 2**32 - 1),
    shift=st.sampled_from([0.0, 1e-9, -1e-9, 1e-9 + 1e-15, -1e-9 - 1e-15, 2e-9, 1e-16]),
)
def test_a_row_passed_in_python_passes_numpys_check(
    n: int, seed: int, shift: float
) -> None:
    # _clearly_fine may say False when numpy would accept (numpy then
    # decides), never True when numpy's own check (the old code) refuses.
    # Rows summing to 1 + shift put the sum at and around the tolerance.
    from piefolio.engine.simulate import _clearly_fine
    from piefolio.spec import WEIGHT_TOLERANCE

    rng = np.random.default_rng(seed)
    row = rng.dirichlet(np.ones(n))
    row[0] += shift
    numpy_ok = (
        row.min() >= 0.0 and abs(row[None, :].sum(axis=1)[0] - 1.0) <= WEIGHT_TOLERANCE
    )
    if _clearly_fine(row.tolist()):
        assert numpy_ok
    if shift == 0.0 and row.min() >= 0.0:
        assert _clearly_fine(row.tolist())  # the usual row takes the fast way


def test_bad_rows_are_never_clearly_fine() -> None:
    from piefolio.engine.simulate import _clearly_fine

    assert not _clearly_fine([0.5, float("nan"), 0.5])
    assert not _clearly_fine([float("nan"), 1.0])
    assert not _clearly_fine([1.5, -0.5])
    assert not _clearly_fine([float("inf"), 0.0])
    assert not _clearly_fine([0.5, 0.5 + 2e-9])
    assert _clearly_fine([0.25, 0.75])


@settings(max_examples=100, deadline=None)
@given(
    n=st.sampled_from([1, 3, 15, 64, 65, 130]),
    seed=st.integers(0, 2**32 - 1),
    pct=st.floats(0, 5),
    bps=st.floats(0, 500),
    fx=st.floats(0, 5),
)
def test_fee_rates_in_python_are_numpys(
    n: int, seed: int, pct: float, bps: float, fx: float
) -> None:
    # The old numpy expression is the reference: bit for bit, both sides of
    # the size cut (64 slices).
    from piefolio.engine.simulate import _fee_rates
    from piefolio.spec import Fees

    rng = np.random.default_rng(seed)
    symbols = [f"S{i}" for i in range(n)]
    index = pd.bdate_range("2024-01-01", periods=3)
    mask = rng.random(n) < 0.5
    frame = frame_of(
        pd.DataFrame(1.0, index=index, columns=symbols),
        fx_mask=dict(zip(symbols, mask.tolist(), strict=True)),
    )
    cols = rng.permutation(n)[: max(1, n - 1)].tolist()
    fees = Fees(commission_pct=pct, spread_bps=bps, fx_pct=fx)
    plan = Plan(start=dt.date(2024, 1, 1), initial=1.0, fees=fees)
    got = _fee_rates(frame, cols, plan)
    want = fees.proportional + (fees.fx_pct / 100.0) * mask[cols]
    assert got.dtype == np.float64 and got.flags.c_contiguous and got.flags.writeable
    np.testing.assert_array_equal(got, want)
    assert got.tobytes() == want.tobytes()  # the sign bits too
