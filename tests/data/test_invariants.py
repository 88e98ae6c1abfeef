"""Invariants of alignment and FX, over random gappy series (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.data.frame import MAX_FILL, frame_from_rows
from piefolio.data.fx import FX_MAX_AGE, dated_rate

DAY0 = 19_000  # 2022-01-08, in days since 1970-01-01


@st.composite
def gappy_rows(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n = draw(st.integers(1, 4))
    pos, day, val = [], [], []
    for j in range(n):
        present = draw(st.lists(st.booleans(), min_size=1, max_size=40))
        for t, ok in enumerate(present):
            if ok:
                pos.append(j)
                day.append(DAY0 + t)
                val.append(draw(st.floats(0.01, 1e4)))
    return np.array(pos, np.int64), np.array(day, np.int64), np.array(val), n


@settings(max_examples=150, deadline=None)
@given(gappy_rows())
def test_fill_is_bounded_and_never_invents_history(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    pos, day, val, n = rows
    symbols = [f"S{j}" for j in range(n)]
    frame = frame_from_rows(
        pos, day, {"adj_close": val}, symbols, base_currency="USD",
        currencies={}, fx_series={},
    )  # fmt: skip
    known = {(int(p), int(d)): v for p, d, v in zip(pos, day, val, strict=True)}
    days = (frame.dates.values.astype("datetime64[D]").astype(np.int64)).tolist()
    assert days == sorted(set(day.tolist()))  # union of trading days
    gap_days = {(g.symbol, g.after) for g in frame.gaps}
    for j in range(n):
        last_t, last_v = None, np.nan
        for t, d in enumerate(days):
            got = frame.local[t, j]
            if (j, d) in known:
                assert got == known[(j, d)]
                last_t, last_v = t, known[(j, d)]
            elif last_t is None:
                assert np.isnan(got)  # before the first price: never filled
            elif np.isnan(got):
                after = frame.dates[last_t].date()
                assert (symbols[j], after) in gap_days  # a NaN hole is reported
            else:
                assert got == last_v and t - last_t <= MAX_FILL


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.booleans(), min_size=2, max_size=60),
    st.lists(st.integers(0, 59), min_size=1, max_size=20),
)
def test_fx_rate_is_never_from_a_later_day(fx_days: list[bool], ask: list[int]) -> None:
    idx = pd.DatetimeIndex([pd.Timestamp("2024-01-01") + pd.Timedelta(days=i)
                            for i, ok in enumerate(fx_days) if ok])  # fmt: skip
    # Each close encodes its own day, so the rate tells which day it came from.
    closes = pd.Series(1.0 + np.arange(len(fx_days))[np.array(fx_days)], index=idx)
    days = pd.DatetimeIndex(sorted({pd.Timestamp("2024-01-01") + pd.Timedelta(days=a)
                                    for a in ask}))  # fmt: skip
    rates, _ = dated_rate("EUR", "USD", days, {"EURUSD=X": closes})
    for d, r in zip(days, rates, strict=True):
        if np.isnan(r):
            older = closes[:d]
            assert older.empty or d - older.index[-1] > FX_MAX_AGE
        else:
            source_day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(r - 1))
            assert source_day <= d and d - source_day <= FX_MAX_AGE
            assert closes[:d].index[-1] == source_day  # the latest one, not older
