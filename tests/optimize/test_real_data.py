"""Every method on the AI-energy pie's tickers over 2022-2025 (real prices)."""

from __future__ import annotations

import numpy as np
import pytest

from piefolio.optimize import Method, assess, build_limits, propose, walk_forward
from piefolio.spec import Optimize


@pytest.fixture(scope="module")
def window(real_prices, ai_spec):
    tickers = list(ai_spec.pie.effective_weights())
    return real_prices.loc["2022-01-01":"2025-12-31", tickers]


@pytest.mark.parametrize("method", list(Method))
def test_each_method_on_the_ai_energy_pie(ai_spec, window, method: Method) -> None:
    settings = Optimize(
        slice_max=0.2,
        theme_limits={"Grid equipment": (0.1, 0.3), "Small caps": (0.05, 0.15)},
    )
    p = propose(ai_spec, window, method=method, settings=settings)
    w = np.array(list(p.weights.values()))
    assert w.sum() == pytest.approx(1, abs=1e-9)
    assert build_limits(ai_spec, settings).violations(w) == []
    assert 0.08 < p.volatility < 0.6
    assert sum(p.theme_risk_contribution.values()) == pytest.approx(1)
    # GEV listed in 2024: its declared proxy (ETN) fills its past, so the window is
    # the full 3Y lookback before 2026-01-01, and it says so.
    assert "GEV before 2024-03-27: ETN's returns (its declared proxy)" in p.notes
    assert p.start.isoformat() == "2023-01-03" and p.end.isoformat() == "2025-12-31"


def test_min_variance_is_less_volatile_than_the_pie(ai_spec, window) -> None:
    current = assess(ai_spec, window)
    best = propose(ai_spec, window, method="min-variance")
    assert best.volatility < current.volatility
    for m in Method:
        assert propose(ai_spec, window, method=m).volatility >= best.volatility - 1e-4


def test_walk_forward_on_real_prices(ai_spec, real_prices) -> None:
    tickers = list(ai_spec.pie.effective_weights())
    prices = real_prices.loc["2019-01-01":"2025-12-31", tickers]
    wf = walk_forward(ai_spec, prices, method="risk-parity", start="2022-01-01")
    assert wf.schedule.index[0].isoformat()[:10] == "2022-01-03"
    assert len(wf.schedule) == 16
    # GEV (listed 2024-03-27) has no weight before it trades; from the first refit
    # after, ETN's returns stand in for its past.
    assert (wf.schedule.loc[:"2024-03-27", "GEV"] == 0).all()
    assert wf.schedule.loc["2024-04-01", "GEV"] > 0
    s = wf.summary()
    assert s.loc["proposal", "volatility"] < s.loc["current", "volatility"]
