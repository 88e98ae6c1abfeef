"""A day's small steps (drift, interest, units), each with an answer worked out by hand.

Found by mutating ``piefolio/engine/_steps.py`` (``python mutation/run.py
piefolio/engine/_steps.py``): each test below fails on a mutant that the rest
of the suite let through.
"""

from __future__ import annotations

import numpy as np

from piefolio.engine._steps import _drifted_nb, _interest_nb, _units_nb


def drifted(value: list[float], total: float, tgt: list[float], band: float) -> bool:
    return bool(_drifted_nb(np.array(value), total, np.array(tgt), band))


def test_drift_of_exactly_the_band_is_not_past_it() -> None:
    # 75 / 25 against 50 / 50: each weight is off by 0.25, exactly the band of
    # 0.25 (all exact in binary), and only more than the band rebalances.
    assert not drifted([0.75, 0.25], 1.0, [0.5, 0.5], 0.25)
    # 0.8 / 0.2 is off by 0.3: past it.
    assert drifted([0.8, 0.2], 1.0, [0.5, 0.5], 0.25)


def test_drift_just_past_the_band_is_seen() -> None:
    # Off by 0.05 + 5e-13 with a band of 0.05: past it by less than DUST
    # (1e-12) of the pie, which the quick pre-check must still let through.
    assert drifted([0.55 + 5e-13, 0.45 - 5e-13], 1.0, [0.5, 0.5], 0.05)


def test_drift_is_seen_when_the_last_slice_is_on_target() -> None:
    # 0.6 / 0.15 / 0.25 against 0.5 / 0.25 / 0.25: the first two are off by
    # 0.1 > 0.05; the last is on target and must not clear the alarm.
    assert drifted([0.6, 0.15, 0.25], 1.0, [0.5, 0.25, 0.25], 0.05)


def test_drift_of_a_pie_under_one_and_of_a_pie_mostly_cash() -> None:
    # A pie worth 0.5 held as 0.3 / 0.2: weights 0.6 / 0.4, off by 0.1 > 0.05.
    assert drifted([0.3, 0.2], 0.5, [0.5, 0.5], 0.05)
    # Worth 2 with 1.5 of it cash: each slice weighs 0.25 / 2 = 0.125 against
    # 0.5, off by 0.375 > 0.05.
    assert drifted([0.25, 0.25], 2.0, [0.5, 0.5], 0.05)


def test_interest_on_small_cash_and_at_a_hundred_percent() -> None:
    # A year (365 days, Act/365) at 10 % on 1: 1.1.
    assert _interest_nb(1.0, 0.1, 365) == 1.1
    # A year at 100 % on 100: 200.
    assert _interest_nb(100.0, 1.0, 365) == 200.0


def test_a_deposit_of_one_buys_units_at_the_unit_value() -> None:
    # 10 units at 1, a deposit of 1 makes the pie 11: the unit value stays 1
    # ((11 - 1) / 10) and the pie holds 11 units.
    units, uv = _units_nb(11.0, 1.0, 10.0, 1.0)
    assert (units, uv) == (11.0, 1.0)


def test_a_pie_left_with_dust_keeps_its_unit_value() -> None:
    # 1 unit once worth 100, now worth 1e-11: under DUST (1e-12) times the unit
    # value 100, so it is empty and its unit value carries over; its units are
    # the dust at that value, 1e-11 / 100.
    units, uv = _units_nb(1e-11, 0.0, 1.0, 100.0)
    assert uv == 100.0
    assert units == 1e-11 / 100.0
