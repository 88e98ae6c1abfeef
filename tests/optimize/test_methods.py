"""Each method on markets with a known answer, and every realistic trap's message."""

from __future__ import annotations

import cvxpy
import numpy as np
import pandas as pd
import pytest

from piefolio.errors import DataUnavailable, OptimizationError
from piefolio.optimize import Method, _skfolio, assess, propose


def orthogonal_market(
    to_prices, sigmas: list[float], means: list[float], days: int = 500
) -> pd.DataFrame:
    """Returns whose sample covariance is exactly diag(sigma^2) and means exactly ``means``."""
    rng = np.random.default_rng(3)
    z = rng.normal(size=(days, len(sigmas)))
    z -= z.mean(axis=0)
    q, _ = np.linalg.qr(z)  # orthonormal columns, still zero-mean
    q *= np.sqrt(days - 1)  # unit sample variance (ddof=1)
    returns = q * np.array(sigmas) + np.array(means)
    return to_prices(returns, [f"A{i}" for i in range(len(sigmas))])


def test_min_variance_two_uncorrelated_assets_is_inverse_variance(
    build_spec, to_prices
) -> None:
    sig = [0.01, 0.02]
    prices = orthogonal_market(to_prices, sig, [0.0005, 0.0005])
    spec = build_spec({"A0": ["A0"], "A1": ["A1"]}, 'lookback = "1000D"')
    p = propose(spec, prices, method="min-variance")
    # w_i proportional to 1 / sigma_i^2: (1/1e-4, 1/4e-4) -> (0.8, 0.2).
    np.testing.assert_allclose(
        [p.weights["A0"], p.weights["A1"]], [0.8, 0.2], atol=1e-4
    )
    # Volatility of the optimum: sqrt(1 / sum(1/sigma^2)) daily, times sqrt(252).
    np.testing.assert_allclose(
        p.volatility, np.sqrt(1 / (1e4 + 2.5e3) * 252), rtol=1e-4
    )
    # Inverse volatility on the same market: (1/0.01, 1/0.02) -> (2/3, 1/3).
    q = propose(spec, prices, method="inverse-vol")
    np.testing.assert_allclose(
        [q.weights["A0"], q.weights["A1"]], [2 / 3, 1 / 3], atol=1e-9
    )


def test_max_sharpe_matches_the_closed_form(build_spec, to_prices) -> None:
    sig, mu = [0.01, 0.02], [0.0004, 0.0012]
    prices = orthogonal_market(to_prices, sig, mu)
    spec = build_spec(
        {"A0": ["A0"], "A1": ["A1"]},
        'lookback = "1000D"\nexpected_returns = "historical"\nrisk_free = 0.0252',
    )
    p = propose(spec, prices, method="max-sharpe", fallback=False)
    rf = 0.0252 / 252
    raw = (np.array(mu) - rf) / np.array(sig) ** 2  # tangency: S^-1 (mu - rf)
    np.testing.assert_allclose(
        [p.weights["A0"], p.weights["A1"]], raw / raw.sum(), atol=1e-4
    )
    # 0.0012 x 252 = 30.24 % a year: above the 30 % flag, and said so (only that).
    assert p.used == "max-sharpe" and len(p.notes) == 1
    assert p.notes[0].startswith("A1: expected return 30% a year is above 30%")
    np.testing.assert_allclose(p.expected_returns["A1"], 0.0012 * 252, rtol=1e-9)


def test_risk_parity_equalises_risk_contributions(build_spec, market, themes) -> None:
    spec = build_spec(themes)
    p = propose(spec, market, method="risk-parity")
    rc = np.array(list(p.risk_contribution.values()))
    np.testing.assert_allclose(rc, np.full(6, 1 / 6), atol=1e-3)
    assert sum(p.risk_contribution.values()) == pytest.approx(1)
    # The theme contributions are the sums of their tickers'.
    assert p.theme_risk_contribution["Beta"] == pytest.approx(3 / 6, abs=3e-3)


def test_risk_parity_fails_loudly_where_it_would_be_wrong(
    build_spec, market, themes
) -> None:
    # A check that can fail: equal weights do not have equal risk contributions here.
    spec = build_spec(themes)
    p = propose(spec, market, method="equal")
    rc = np.array(list(p.risk_contribution.values()))
    assert np.max(np.abs(rc - 1 / 6)) > 0.02


def test_theme_equal_is_equal_across_themes_then_within(
    build_spec, market, themes
) -> None:
    p = propose(build_spec(themes), market, method="theme-equal")
    assert p.theme_weights == pytest.approx(
        {"Alpha": 1 / 3, "Beta": 1 / 3, "Gamma": 1 / 3}
    )
    assert p.weights["CCC"] == pytest.approx(1 / 9)
    assert p.weights["AAA"] == pytest.approx(1 / 6)


def test_expected_returns_are_visible_and_overridable(
    build_spec, market, themes
) -> None:
    hist = propose(
        build_spec(themes, 'expected_returns = "historical"'), market, method="equal"
    )
    daily = market.pct_change().iloc[1:]
    np.testing.assert_allclose(
        hist.expected_returns["AAA"], daily["AAA"].mean() * 252, rtol=1e-9
    )
    equal = propose(
        build_spec(themes, 'expected_returns = "equal"'), market, method="equal"
    )
    assert len({round(v, 12) for v in equal.expected_returns.values()}) == 1
    shrunk = propose(
        build_spec(themes, 'expected_returns = "shrunk"'), market, method="equal"
    )
    spread = lambda p: np.ptp(list(p.expected_returns.values()))  # noqa: E731
    assert spread(shrunk) < spread(hist)
    views = propose(
        build_spec(themes, "expected_returns = { AAA = 0.5 }"), market, method="equal"
    )
    assert views.expected_returns["AAA"] == pytest.approx(0.5)
    assert views.expected_returns["BBB"] == pytest.approx(hist.expected_returns["BBB"])


# ---------------------------------------------------------------------------- traps


def test_max_sharpe_with_every_return_below_the_risk_free_rate(
    build_spec, to_prices
) -> None:
    prices = orthogonal_market(to_prices, [0.01, 0.02], [-0.0002, -0.0001])
    spec = build_spec(
        {"A0": ["A0"], "A1": ["A1"]},
        'expected_returns = "historical"',
        cash_interest=0.02,
    )
    with pytest.raises(
        OptimizationError,
        match=r"every expected return is at or below the risk-free rate 2\.00%",
    ) as info:
        propose(spec, prices, method="max-sharpe", fallback=False)
    assert "the best is A1 at -2.5% a year" in str(info.value)
    assert "set expected_returns to your own views" in str(info.value)
    p = propose(spec, prices, method="max-sharpe")
    assert p.method == "max-sharpe" and p.used == "min-variance"
    assert p.notes[-1].startswith(
        "max-Sharpe failed: every expected return is at or below"
    )
    assert p.notes[-1].endswith("; used min-variance")


def test_near_duplicate_slices_are_named(build_spec, market) -> None:
    rng = np.random.default_rng(1)
    prices = market[["AAA", "BBB", "CCC"]].copy()
    prices["DUP"] = prices["AAA"] * np.cumprod(1 + rng.normal(0, 3e-4, len(prices)))
    spec = build_spec({"X": ["AAA", "DUP"], "Y": ["BBB", "CCC"]})
    for method in (
        "min-variance",
        "max-sharpe",
        "risk-parity",
        "hrp",
        "max-diversification",
    ):
        with pytest.raises(
            OptimizationError, match=r"AAA and DUP move together \(correlation 0\.999\d"
        ) as info:
            propose(spec, prices, method=method)
        assert "covariance matrix is singular" in str(info.value)
        assert "keep one of them in the pie" in str(info.value)
    p = propose(spec, prices, method="inverse-vol")
    assert any("AAA and DUP move together" in n for n in p.notes)


def test_a_constant_price_is_refused_where_volatility_matters(
    build_spec, market, themes
) -> None:
    prices = market.copy()
    prices["EEE"] = 50.0
    spec = build_spec(themes, 'expected_returns = "shrunk"')
    with pytest.raises(
        OptimizationError,
        match=r"EEE has a constant price over 2020-01-02\.\.2022-04-20 \(no volatility\), which inverse-vol cannot weigh",
    ):
        propose(spec, prices, method="inverse-vol")
    p = propose(spec, prices, method="theme-equal")
    assert p.weights["EEE"] == pytest.approx(1 / 9)
    assert any(
        n.startswith("shrunk expected returns failed (")
        and n.endswith("; used historical")
        for n in p.notes
    )
    # The default (Bayes-Stein toward the equilibrium) takes the singular covariance.
    q = propose(build_spec(themes), prices, method="theme-equal")
    assert q.expected_returns["EEE"] == pytest.approx(0.0) and not any(
        "failed" in n for n in q.notes
    )


def test_a_slice_with_a_year_of_history_shortens_the_window(
    build_spec, market, themes
) -> None:
    prices = market.copy()
    prices.loc[prices.index < prices.index[350], "FFF"] = np.nan  # 250 days of returns
    spec = build_spec(themes, 'lookback = "2Y"')
    p = propose(spec, prices, method="min-variance")
    note = f"FFF has prices only since {prices.index[350].date()}, less than the 2Y lookback; every estimate uses the 250 days all slices share"
    assert note in p.notes
    assert p.days == 250 and p.weights["FFF"] > 0


def test_a_slice_with_too_little_history_is_left_out_or_refused(
    build_spec, market, themes
) -> None:
    prices = market.copy()
    prices.loc[prices.index < prices.index[-60], "FFF"] = np.nan
    p = propose(build_spec(themes), prices, method="risk-parity")
    assert p.weights["FFF"] == 0
    assert any(
        n.startswith("FFF has 59 days of returns") and n.endswith("left out (weight 0)")
        for n in p.notes
    )
    short = market.iloc[-50:]
    with pytest.raises(OptimizationError, match="no slice has 126 days of returns"):
        propose(build_spec(themes), short, method="equal")


def test_a_failing_solver_falls_back_and_says_so(
    build_spec, market, themes, monkeypatch
) -> None:
    def broken(*args: object) -> np.ndarray:
        raise cvxpy.error.SolverError("Solver 'CLARABEL' failed. Try another solver.")

    monkeypatch.setitem(_skfolio._METHODS, Method.MAX_SHARPE, broken)
    spec = build_spec(themes, 'expected_returns = "equal"')
    p = propose(spec, market, method="max-sharpe")
    assert p.used == "min-variance"
    assert (
        "max-Sharpe failed: Solver 'CLARABEL' failed. Try another solver.; used min-variance"
        in p.notes
    )
    with pytest.raises(
        OptimizationError, match=r"^max-Sharpe failed: Solver 'CLARABEL' failed"
    ) as info:
        propose(spec, market, method="max-sharpe", fallback=False)
    assert isinstance(info.value.__cause__, OptimizationError)
    # Every step of the chain failing: one message listing each, no traceback text.
    for m in (Method.MIN_VARIANCE, Method.INVERSE_VOL):
        monkeypatch.setitem(_skfolio._METHODS, m, broken)
    with pytest.raises(OptimizationError) as info:
        propose(spec, market, method="max-sharpe")
    assert str(info.value).count("failed: Solver 'CLARABEL' failed") == 3
    assert "Traceback" not in str(info.value)


def test_missing_prices_are_a_data_error(build_spec, market, themes) -> None:
    with pytest.raises(DataUnavailable, match="no prices for FFF"):
        propose(build_spec(themes), market.drop(columns="FFF"))


def test_assess_measures_the_pie_as_it_stands(build_spec, market, themes) -> None:
    spec = build_spec(
        themes, "slice_max = 0.05"
    )  # the limits do not apply to the pie itself
    p = assess(spec, market)
    assert p.method == p.used == "current"
    assert p.weights == pytest.approx(spec.pie.effective_weights())
    assert p.turnover == pytest.approx(0)
