"""Expected returns with a prior: the CAPM equilibrium and Bayes-Stein shrinkage."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.optimize import propose
from piefolio.optimize.prior import equilibrium, shrink_to_prior


def capm_market(
    rf: float, market_mean: float, betas: list[float], days: int = 800
) -> tuple[np.ndarray, np.ndarray]:
    """Slices r_i = rf + b_i (r_m - rf) + e_i, e_i of zero mean and zero sample
    covariance with r_m: the sample's beta is b_i and its mean rf + b_i (mean(r_m) - rf)
    exactly, so the history says nothing the prior does not already say."""
    rng = np.random.default_rng(11)
    z = rng.normal(size=(days, 1 + len(betas)))
    z -= z.mean(axis=0)
    q, _ = np.linalg.qr(z)  # orthonormal, zero-mean columns
    market = market_mean + 0.01 * q[:, 0] * np.sqrt(days - 1)
    noise = 0.015 * q[:, 1:] * np.sqrt(days - 1)
    slices = rf + np.outer(market - rf, betas) + noise
    return slices, market


@pytest.mark.parametrize(("rf", "market_mean"), [(0.0, 0.0), (0.02 / 252, 0.0004)])
def test_a_market_with_nothing_beyond_the_prior_returns_the_prior(
    rf, market_mean
) -> None:
    betas = [0.5, 1.0, 2.0]
    slices, market = capm_market(rf, market_mean, betas)
    prior = equilibrium(slices, market, rf)
    # By construction: pi_i = rf + b_i (mean(r_m) - rf); (0, 0) is a flat market.
    np.testing.assert_allclose(
        prior, rf + np.array(betas) * (market_mean - rf), rtol=1e-9, atol=1e-15
    )
    shrunk = shrink_to_prior(slices, prior)
    np.testing.assert_allclose(shrunk.mu, prior, rtol=1e-9, atol=1e-15)
    assert shrunk.intensity == pytest.approx(1.0)


def test_the_optimizer_returns_the_prior_on_such_a_market(
    build_spec, to_prices, spec_text, themes
) -> None:
    from piefolio.spec import parse_pie

    rf = 0.02
    slices, market = capm_market(rf / 252, 0.0005, [0.5, 0.8, 1.0, 1.2, 1.5, 2.0])
    prices = to_prices(
        np.column_stack([slices, market]),
        ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "MKT"],
    )
    spec = parse_pie(
        spec_text(themes, cash_interest=rf) + '\n[benchmarks]\n"Market" = "MKT"\n'
    )
    p = propose(spec, prices, method="equal")
    assert p.estimator.startswith(
        "Bayes-Stein shrinkage toward the CAPM equilibrium of Market (prior weight 100%)"
    )
    for t, b in zip("ABCDEF", [0.5, 0.8, 1.0, 1.2, 1.5, 2.0], strict=True):
        assert p.expected_returns[t * 3] == pytest.approx(
            rf + b * (0.0005 * 252 - rf), rel=1e-9
        )
        assert p.prior[t * 3] == pytest.approx(p.expected_returns[t * 3], rel=1e-9)


def test_the_estimate_lies_between_the_sample_and_the_prior() -> None:
    rng = np.random.default_rng(5)
    market = rng.normal(0.0004, 0.01, 500)
    slices = 0.001 + np.outer(market, [0.7, 1.3]) + rng.normal(0, 0.02, (500, 2))
    prior = equilibrium(slices, market, 0.0)
    one = shrink_to_prior(slices, prior)
    assert 0 < one.intensity < 1
    lo, hi = np.minimum(one.sample, prior), np.maximum(one.sample, prior)
    assert np.all((lo <= one.mu) & (one.mu <= hi))
    # The same days twice: twice the evidence against the prior, less shrinkage.
    two = shrink_to_prior(np.vstack([slices, slices]), prior)
    assert two.intensity < one.intensity


def test_a_slice_above_thirty_percent_is_flagged(build_spec, to_prices, themes) -> None:
    rng = np.random.default_rng(2)
    returns = rng.normal(0.0002, 0.01, (600, 6))
    returns[:, 0] += 0.003  # AAA: about 75 % a year on the sample, far above the rest
    prices = to_prices(returns, ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"])
    p = propose(
        build_spec(themes, 'expected_returns = "historical"'), prices, method="equal"
    )
    flags = [n for n in p.notes if "above 30%" in n]
    assert len(flags) == 1 and flags[0].startswith("AAA: expected return ")


@pytest.mark.slow
def test_no_default_expected_return_above_thirty_percent_on_real_data(
    ai_spec, real_prices
) -> None:
    p = propose(ai_spec, real_prices, method="risk-parity")
    assert max(p.expected_returns.values()) <= 0.30, p.expected_returns
    assert p.estimator.startswith(
        "Bayes-Stein shrinkage toward the CAPM equilibrium of S&P 500"
    )
    # Proxies (NRG for VST the youngest of them, 2003-12) give the means 20+ years.
    assert p.mu_start.isoformat() <= "2004-01-01" and p.mu_days > 5000


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    days=st.integers(30, 400),
    n=st.integers(1, 6),
    scale=st.floats(1e-4, 1e-2),
)
def test_shrinkage_never_leaves_the_segment_between_sample_and_prior(
    seed: int, days: int, n: int, scale: float
) -> None:
    rng = np.random.default_rng(seed)
    returns = rng.normal(rng.normal(0, scale, n), 0.02, (days, n))
    prior = rng.normal(0, scale, n)
    out = shrink_to_prior(returns, prior)
    assert 0 < out.intensity <= 1
    # One intensity for every slice: the estimate is on the segment, slice by slice.
    np.testing.assert_allclose(
        out.mu,
        (1 - out.intensity) * out.sample + out.intensity * prior,
        rtol=1e-12,
        atol=1e-15,
    )
    assert np.all(out.mu >= np.minimum(out.sample, prior) - 1e-15)
    assert np.all(out.mu <= np.maximum(out.sample, prior) + 1e-15)
