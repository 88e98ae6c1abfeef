"""Known-answer and invariant tests for piefolio.analytics.allocation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.analytics.allocation import (
    concentration,
    concentration_series,
    correlation_matrix,
    weight_drift,
)


def test_concentration_known() -> None:
    # 10 % cash is left out: slices 50/30/20 -> H = 0.25 + 0.09 + 0.04 = 0.38
    w = pd.Series({"A": 0.45, "B": 0.27, "C": 0.18})
    c = concentration(w)
    assert c.largest == "A"
    assert c.largest_weight == pytest.approx(0.5)
    assert c.herfindahl == pytest.approx(0.38)
    assert c.effective_holdings == pytest.approx(1 / 0.38)
    with pytest.raises(ValueError, match="no slice"):
        concentration(pd.Series({"A": 0.0}))
    with pytest.raises(ValueError, match="negative"):
        concentration(pd.Series({"A": 1.2, "B": -0.2}))


def test_concentration_series_known() -> None:
    dates = pd.bdate_range("2024-01-02", periods=2)
    w = pd.DataFrame({"A": [0.5, 0.0], "B": [0.5, 0.0]}, index=dates)
    s = concentration_series(w)
    assert s.iloc[0].to_dict() == pytest.approx(
        {"largest_weight": 0.5, "herfindahl": 0.5, "effective_holdings": 2.0}
    )
    assert s.iloc[1].isna().all()  # all cash: undefined


def test_weight_drift_known() -> None:
    dates = pd.bdate_range("2024-01-02", periods=2)
    w = pd.DataFrame({"A": [0.6, 0.7], "B": [0.4, 0.3]}, index=dates)
    d = weight_drift(w, {"A": 0.6, "B": 0.4})
    np.testing.assert_allclose(d.to_numpy(), [[0.0, 0.0], [0.1, -0.1]], atol=1e-15)
    with pytest.raises(ValueError, match="not in weights"):
        weight_drift(w, {"A": 0.5, "C": 0.5})
    with pytest.raises(ValueError, match="sum to 1"):
        weight_drift(w, {"A": 0.5, "B": 0.4})


def test_correlation_matrix_known() -> None:
    rng = np.random.default_rng(7)
    r = rng.normal(0, 0.01, 60)
    dates = pd.bdate_range("2024-01-02", periods=61)
    a = 100 * np.cumprod(np.r_[1.0, 1 + r])
    b = 100 * np.cumprod(np.r_[1.0, 1 + 2 * r])  # returns 2 r: correlation 1
    c = 100 * np.cumprod(np.r_[1.0, 1 - r])  # returns -r: correlation -1
    prices = pd.DataFrame({"A": a, "B": b, "C": c}, index=dates)
    m = correlation_matrix(prices)
    np.testing.assert_allclose(
        m.to_numpy(), [[1, 1, -1], [1, 1, -1], [-1, -1, 1]], atol=1e-12
    )
    # a late listing with too few common days gives NaN, not a spurious number
    prices.loc[dates[:50], "C"] = np.nan
    assert np.isnan(correlation_matrix(prices).to_numpy()[0, 2])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60).filter(
        lambda w: sum(w) > 1e-6
    )
)
def test_effective_holdings_between_one_and_n(weights: list[float]) -> None:
    c = concentration(pd.Series(weights, index=[f"S{i}" for i in range(len(weights))]))
    assert 1 - 1e-9 <= c.effective_holdings <= len(weights) + 1e-9
    assert c.largest_weight == pytest.approx(max(weights) / sum(weights))


@pytest.mark.parametrize("n", [1, 2, 13, 60])
def test_equal_weights_give_n_effective_holdings(n: int) -> None:
    c = concentration(pd.Series(np.full(n, 1 / n), index=[f"S{i}" for i in range(n)]))
    assert c.effective_holdings == pytest.approx(n)
