"""Verdicts and their history on hand-made signals with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from piefolio.spec import Indicator
from piefolio.thesis import (
    Signal,
    State,
    claim_states,
    holds,
    relative_after,
    state_changes,
    state_of,
    transform,
    verdict_of,
)
from piefolio.thesis.indicators import fails


@pytest.mark.parametrize(
    ("failing", "state"),
    [
        ([False, False, False], State.HOLDING),
        ([True, False, False], State.WEAKENING),
        ([True, True, False, False], State.WEAKENING),  # half is not more than half
        ([True, True, False], State.BROKEN),
        ([True], State.BROKEN),
        ([True, None, None], State.BROKEN),  # unread signals do not count
        ([None, None], State.UNKNOWN),
        ([], State.UNKNOWN),
    ],
)
def test_state_of(failing: list[bool | None], state: State) -> None:
    assert state_of(failing) is state


def test_sentence_names_the_failing_signals() -> None:
    v = verdict_of(
        "copper",
        [
            Signal("copper-up", "PCOPPUSDM yoy above 0.0%", -0.1, True),
            Signal("price check", "long beats short over 1Y", 0.2, False),
        ],
    )
    assert v.state is State.WEAKENING
    assert v.sentence.startswith("copper is weakening: 1 of 2 signal(s) fail")
    assert "copper-up (PCOPPUSDM yoy above 0.0%) fails" in v.sentence
    assert "price check" not in v.sentence


def test_threshold_crossed_on_a_known_month_is_broken_from_that_month() -> None:
    # A monthly level 10, 9, ..., 1 with `above = 5.5` supporting the claim: the
    # value is 5 on the 6th month (2020-06), the first below the threshold.
    values = pd.Series(
        np.arange(10.0, 0.0, -1.0),
        index=pd.date_range("2020-01-01", periods=10, freq="MS"),
    )
    ind = Indicator(id="x", claim="c", series="S", above=5.5)
    flags = fails(holds(transform(values, ind.rule, "monthly"), ind), ind.means)
    states = claim_states({"x": flags})
    assert states.index.equals(values.index)  # one state a month, no daily rows
    assert (states[:"2020-05-01"] == "holding").all()
    assert (states["2020-06-01":] == "broken").all()
    changes = state_changes(states)
    assert changes.to_dict("records") == [
        {"date": pd.Timestamp("2020-06-01"), "from": "holding", "to": "broken"}
    ]


def test_states_combine_signals_on_the_union_of_their_dates() -> None:
    # A monthly signal that fails from 2020-03 and a daily one that fails on
    # 2020-02-10 only. One of two fails: weakening; both: broken.
    month = pd.Series(
        [0.0, 0.0, 1.0], index=pd.date_range("2020-01-01", periods=3, freq="MS")
    )
    days = pd.bdate_range("2020-02-03", "2020-03-06")
    daily = pd.Series(0.0, index=days)
    daily[pd.Timestamp("2020-02-10")] = 1.0
    daily[pd.Timestamp("2020-03-04")] = 1.0
    states = claim_states({"m": month, "d": daily})
    assert states[pd.Timestamp("2020-01-01")] == "holding"  # the daily has not begun
    assert states[pd.Timestamp("2020-02-10")] == "weakening"  # 1 of 2
    assert states[pd.Timestamp("2020-02-11")] == "holding"
    assert states[pd.Timestamp("2020-03-02")] == "weakening"  # the month fails
    assert states[pd.Timestamp("2020-03-04")] == "broken"  # both: 2 of 2


def test_relative_after_a_date() -> None:
    # The pie grows 1 % a month, the benchmark is flat: 6 months after
    # 2020-01-01 the pie is 1.01^6 times where it was.
    days = pd.date_range("2020-01-01", "2021-06-30", freq="D")
    months = (days.year - 2020) * 12 + days.month - 1
    units = pd.DataFrame({"pie": 1.01**months, "bench": 1.0}, index=days)
    got = relative_after(
        units, pd.DatetimeIndex(["2020-01-01", "2021-03-01", "2019-01-01"]), "6M"
    )
    assert got[0] == pytest.approx(1.01**6 - 1)
    assert np.isnan(got[1])  # ends after the data
    assert np.isnan(got[2])  # starts before it


def test_after_by_state_means_over_the_changes_that_have_a_span() -> None:
    from piefolio.thesis.history import after_by_state

    changes = pd.DataFrame(
        {
            "claim": ["a", "a", "a", "b"],
            "to": ["broken", "holding", "broken", "weakening"],
            "after_6M": [0.1, 0.2, 0.3, np.nan],
            "after_12M": [0.4, np.nan, np.nan, np.nan],
        }
    )
    got = after_by_state(changes)
    # a/broken: (0.1 + 0.3) / 2 over two changes; 12M only the first has one.
    assert got.loc[("a", "broken"), "changes"] == 2
    assert got.loc[("a", "broken"), "mean_6M"] == pytest.approx(0.2)
    assert got.loc[("a", "broken"), "count_12M"] == 1
    assert got.loc[("a", "broken"), "mean_12M"] == pytest.approx(0.4)
    assert got.loc[("b", "weakening"), "count_6M"] == 0
    assert np.isnan(got.loc[("b", "weakening"), "mean_6M"])
    assert after_by_state(changes.iloc[:0]).empty


def test_held_spans_run_to_the_next_observation() -> None:
    from piefolio.thesis.figures import held_spans

    dates = pd.date_range("2020-01-01", periods=6, freq="MS")
    held = pd.Series([1.0, 1.0, 0.0, np.nan, 1.0, 1.0], index=dates)
    # Jan-Feb held: shaded to March's print; May-Jun held: to June, the end.
    assert held_spans(held) == [
        (dates[0], dates[2]),
        (dates[4], dates[5]),
    ]
    assert held_spans(held.iloc[2:4]) == []


@given(st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=1, max_size=6))
def test_claim_states_on_one_date_is_state_of(flags: list[float]) -> None:
    # One date, one reading per signal: the history's state is today's rule.
    day = pd.DatetimeIndex(["2020-01-01"])
    states = claim_states(
        {f"s{i}": pd.Series([f], index=day) for i, f in enumerate(flags)}
    )
    failing = [None if np.isnan(f) else bool(f) for f in flags]
    assert states.iloc[0] == state_of(failing).value
