"""Invariant of issue 13: imports and fetches never lose a stored day.

Random sequences of imports (sparse or dense, over any days) and fetches (of
prices and of a rate; answers sparse, dense, overlapping, reaching outside the
range asked, or failing) run against one store. After every step:

- no stored day is gone (a day is only ever added or, by an import, corrected);
- a day an import did not mention keeps its values, except a price's history
  that a dividend re-based (the fetch answers here carry no dividend, so none);
- a stored rate (EURUSD=X) never changes, whatever FRED answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piefolio.data.chain import RetryPolicy, update
from piefolio.data.providers.base import TransientProviderError
from piefolio.data.providers.recorded import RecordedProvider
from piefolio.data.store import Store

from .conftest import series

DAYS = pd.bdate_range("2024-01-01", periods=40)
FAST = RetryPolicy(attempts=1, wait_initial=0.0, wait_max=0.0)
SYMBOLS = ("A", "EURUSD=X")

day_sets = st.lists(st.integers(0, len(DAYS) - 1), min_size=1, max_size=40, unique=True)
values = st.floats(0.5, 200.0, allow_nan=False)

op = st.one_of(
    st.tuples(st.just("import"), st.sampled_from(SYMBOLS), day_sets, values),
    st.tuples(
        st.just("fetch"),
        st.sampled_from(SYMBOLS),
        st.tuples(st.integers(0, len(DAYS) - 1), st.integers(0, len(DAYS) - 1)),
        day_sets,
        values,
        st.booleans(),  # the provider fails
    ),
)


def stored(store: Store) -> dict[tuple[str, pd.Timestamp], tuple[float, float]]:
    rows = store.read(list(SYMBOLS))
    return {
        (s, d): (c, a)
        for s, d, c, a in zip(
            rows["symbol"], rows["date"], rows["close"], rows["adj_close"], strict=True
        )
    }


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(op, min_size=1, max_size=5))
def test_no_stored_day_is_lost_and_no_rate_changes(
    ops: list[tuple[object, ...]], tmp_path_factory
) -> None:  # type: ignore[no-untyped-def]
    store = Store(tmp_path_factory.mktemp("hist") / "store.duckdb")
    before = stored(store)
    for step in ops:
        if step[0] == "import":
            _, sym, idx, value = step
            days = DAYS[sorted(idx)]  # type: ignore[call-overload]
            store.write(
                [series(str(sym), days, np.full(len(days), value), source="file:x.csv")]
            )
            mentioned = {(sym, d) for d in days}
        else:
            _, sym, (a, b), idx, value, fails = step
            lo, hi = DAYS[min(a, b)].date(), DAYS[max(a, b)].date()  # type: ignore[call-overload]
            days = DAYS[sorted(idx)]  # type: ignore[call-overload]
            answer = (
                TransientProviderError("network down")
                if fails
                else series(
                    str(sym),
                    days,
                    np.full(len(days), value),
                    source="fred" if sym == "EURUSD=X" else "yahoo",
                )
            )
            name = "fred" if sym == "EURUSD=X" else "yahoo"
            update(
                [str(sym)],
                lo,
                hi,
                store=store,
                providers=[RecordedProvider({str(sym): answer}, name=name)],
                policy=FAST,
            )
            mentioned = set()
        after = stored(store)
        lost = set(before) - set(after)
        assert not lost, f"{step[0]} deleted {sorted(lost)[:3]}"
        for key, old in before.items():
            if key not in mentioned:
                assert after[key] == old, (
                    f"{step[0]} changed {key}: {old} -> {after[key]}"
                )
        before = after
