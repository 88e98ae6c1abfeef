"""The money-weighted return does not depend on the unit of money.

Before: pyxirr's absolute tolerance made XIRR NaN for a plan of large amounts
(a 1e12 deposit, 1e11 a month), so the summary of a rich user's pie had no
XIRR. Each case is checked against the NPV equation itself, solved here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.ledger import xirr

MONTHS = pd.date_range("2015-01-01", periods=120, freq="MS")
END = pd.Timestamp("2025-01-01")


def npv_terms(
    rate: float, dates: pd.DatetimeIndex, net_in: np.ndarray, final: float
) -> np.ndarray:
    """Each flow's value at the first date (out -, the final value back +)."""
    years = np.asarray((dates - dates[0]).days, dtype=float) / 365
    end = (END - dates[0]).days / 365
    return np.append(-net_in / (1 + rate) ** years, final / (1 + rate) ** end)


@pytest.mark.parametrize("unit", [1e3, 1e9, 1e10, 1e11, 1e12])
@pytest.mark.parametrize("multiple", [0.5, 2.0, 25.0])
def test_xirr_of_large_amounts_is_the_rate_of_small_ones(
    unit: float, multiple: float
) -> None:
    flows = np.full(len(MONTHS), unit / 10)
    flows[0] = unit
    final = unit * multiple
    rate = xirr(MONTHS, flows, final, end=END)
    assert np.isfinite(rate), f"no rate for amounts of {unit:g}"
    # The same plan in units of 1: the rate is unit-free.
    assert rate == pytest.approx(
        xirr(MONTHS, flows / unit, multiple, end=END), abs=1e-9
    )
    # It solves the NPV equation, relative to the size of its terms.
    terms = npv_terms(rate, MONTHS, flows, final)
    assert abs(terms.sum()) <= 1e-9 * np.abs(terms).sum()


def test_one_deposit_of_a_trillion_has_the_hand_computed_rate() -> None:
    # 1e12 on 2020-01-01 worth 1.5e12 on 2025-01-01 (1827 days):
    # (1 + x) ** (1827 / 365) = 1.5.
    rate = xirr(pd.DatetimeIndex(["2020-01-01"]), np.array([1e12]), 1.5e12, end=END)
    assert rate == pytest.approx(1.5 ** (365 / 1827) - 1, rel=1e-9)


def test_a_ledger_per_row_is_normalised_row_by_row() -> None:
    flows = np.stack([np.full(len(MONTHS), 1e11), np.full(len(MONTHS), 1.0)])
    rates = xirr(MONTHS, flows, np.array([2.5e13, 250.0]), end=END)
    assert np.all(np.isfinite(rates))
    assert rates[0] == pytest.approx(rates[1], abs=1e-9)
