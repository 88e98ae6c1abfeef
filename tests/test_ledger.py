"""The one XIRR: many ledgers at once, the date convention, and positive totals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from piefolio.ledger import positive_total, xirr

DATES = ["2021-01-01", "2022-01-01"]  # 365 days apart


def test_many_ledgers_share_the_dates_and_one_final_value() -> None:
    flows = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 100.0]])
    rates = xirr(DATES, flows, 1100.0)
    assert rates.shape == (3,)
    # Row 0 moves no money: no rate. Row 1: -1000 + 1100 / (1 + x) = 0 -> 10 %.
    # Row 2: -1000 - 100 / (1 + x) + 1100 / (1 + x) = 0 -> x = 0.
    assert math.isnan(rates[0])
    assert rates[1] == pytest.approx(0.10, rel=1e-9)
    assert rates[2] == pytest.approx(0.0, abs=1e-9)


def test_many_ledgers_each_paid_its_own_final_value_on_a_later_end() -> None:
    # 1000 in on 2021-01-01; 1210 and 1000 paid back on 2023-01-01 (730 days):
    # (1 + x)^2 = 1.21 -> 10 %, and 0 %.
    flows = np.array([[1000.0, 0.0], [1000.0, 0.0]])
    rates = xirr(DATES, flows, np.array([1210.0, 1000.0]), end="2023-01-01")
    np.testing.assert_allclose(rates, [0.10, 0.0], atol=1e-9)


def test_dates_are_days_a_time_of_day_does_not_count() -> None:
    # Act/365F on calendar days: an end at 18:00 is the end of that day.
    rate = xirr(["2021-01-01"], np.array([1000.0]), 1100.0, end="2022-01-01T18:00")
    assert rate == pytest.approx(0.10, rel=1e-9)


def test_positive_total_is_never_negative_zero() -> None:
    assert math.copysign(1.0, positive_total(-0.0)) == 1.0
    assert positive_total(-12.5) == 12.5 and positive_total(3.0) == 3.0
