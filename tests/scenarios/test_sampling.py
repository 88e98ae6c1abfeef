"""Monte Carlo samplers: they keep the moments of history, and are reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.errors import PlanError
from piefolio.scenarios.sampling import (
    Normal,
    StationaryBootstrap,
    StudentT,
    bootstrap_indices,
)

SEED = 20261128


@pytest.fixture(scope="module")
def history() -> np.ndarray:
    """Ten years of fat-tailed, correlated daily returns for three assets."""
    rng = np.random.default_rng(SEED)
    corr = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.1], [-0.2, 0.1, 1.0]])
    vols = np.array([0.012, 0.02, 0.008])
    cov = corr * np.outer(vols, vols)
    z = rng.multivariate_normal(np.zeros(3), cov * 3 / 5, size=2520)
    w = rng.chisquare(5, size=(2520, 1))
    return np.array([0.0004, 0.0006, 0.0001]) + z / np.sqrt(w / 5)


def pooled(draws: np.ndarray) -> np.ndarray:
    return draws.reshape(-1, draws.shape[-1])


@pytest.mark.parametrize("sampler_cls", [StationaryBootstrap, Normal, StudentT])
def test_samplers_keep_mean_and_covariance(
    history: np.ndarray, sampler_cls: type
) -> None:
    sampler = sampler_cls(history)
    draws = pooled(sampler.sample(np.random.default_rng(SEED), 200, 2520))
    n = draws.shape[0]
    sd = history.std(axis=0)
    # Tolerance: 5 standard errors of a mean of n / 20 independent days (block
    # sampling makes neighbours repeat history's order, so count blocks, not days).
    np.testing.assert_allclose(
        draws.mean(axis=0),
        history.mean(axis=0),
        atol=float(5 * sd.max() / np.sqrt(n / 20)),
    )
    # Covariance within 5 % of each entry's scale (sd_i * sd_j).
    cov_hist = np.cov(history, rowvar=False)
    cov_draw = np.cov(draws, rowvar=False)
    np.testing.assert_array_less(np.abs(cov_draw - cov_hist), 0.05 * np.outer(sd, sd))


def test_student_t_has_fatter_tails_than_normal(history: np.ndarray) -> None:
    rng = np.random.default_rng(SEED)
    normal = pooled(Normal(history).sample(rng, 100, 2520))[:, 0]
    t = pooled(StudentT(history, dof=4).sample(rng, 100, 2520))[:, 0]

    def kurtosis(x: np.ndarray) -> float:
        d = x - x.mean()
        return float((d**4).mean() / (d**2).mean() ** 2)

    assert kurtosis(normal) == pytest.approx(3.0, abs=0.1)
    assert kurtosis(t) > 5


def test_bootstrap_draws_only_historical_days(history: np.ndarray) -> None:
    draws = StationaryBootstrap(history).sample(np.random.default_rng(1), 3, 500)
    rows = {tuple(r) for r in history}
    assert all(tuple(r) in rows for r in pooled(draws))


def test_same_seed_same_paths(history: np.ndarray) -> None:
    for cls in (StationaryBootstrap, Normal, StudentT):
        a = cls(history).sample(np.random.default_rng(7), 4, 100)
        b = cls(history).sample(np.random.default_rng(7), 4, 100)
        np.testing.assert_array_equal(a, b)
        c = cls(history).sample(np.random.default_rng(8), 4, 100)
        assert not np.array_equal(a, c)


def test_block_lengths_average_the_mean_block() -> None:
    idx = bootstrap_indices(np.random.default_rng(SEED), 100_000, 50, 4000, 20.0)
    # A block continues when the next index is the previous + 1 (mod days); with a
    # huge history, an accidental continuation has probability 1e-5.
    continues = np.diff(idx, axis=1) == 1
    blocks = idx.shape[0] * idx.shape[1] - continues.sum()
    mean_len = idx.size / blocks
    assert mean_len == pytest.approx(20.0, rel=0.03)


@settings(max_examples=50, deadline=None)
@given(
    days=st.integers(2, 50),
    steps=st.integers(1, 60),
    block=st.floats(1, 30),
    seed=st.integers(0, 2**32 - 1),
)
def test_indices_stay_within_history(
    days: int, steps: int, block: float, seed: int
) -> None:
    idx = bootstrap_indices(np.random.default_rng(seed), days, 3, steps, block)
    assert idx.shape == (3, steps)
    assert idx.min() >= 0 and idx.max() < days


@given(
    days=st.integers(2, 50), steps=st.integers(1, 200), seed=st.integers(0, 2**32 - 1)
)
def test_one_endless_block_runs_consecutively_and_wraps(
    days: int, steps: int, seed: int
) -> None:
    # With a mean block far longer than the path, no new block starts after the
    # first step: the path is history read in order from a random day, wrapping.
    idx = bootstrap_indices(np.random.default_rng(seed), days, 4, steps, 1e12)
    expected = (idx[:, :1] + np.arange(steps)) % days
    np.testing.assert_array_equal(idx, expected)


def test_block_of_one_is_iid_resampling() -> None:
    idx = bootstrap_indices(np.random.default_rng(3), 10, 1, 10_000, 1.0)
    counts = np.bincount(idx.ravel(), minlength=10)
    # Uniform over 10 days: each count ~ 1000 +- 3 sd (sd = sqrt(1000 * 0.9) = 30).
    assert (np.abs(counts - 1000) < 95).all()


@pytest.mark.parametrize(
    ("returns", "message"),
    [
        (np.zeros(5), "2-D array"),
        (np.array([[0.1], [np.nan]]), "NaN"),
        (np.array([[0.1], [-1.0]]), "-100 %"),
    ],
)
def test_bad_returns_are_refused(returns: np.ndarray, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        StationaryBootstrap(returns)


def test_bad_parameters_are_refused(history: np.ndarray) -> None:
    with pytest.raises(PlanError, match="mean_block"):
        StationaryBootstrap(history, mean_block=0.5)
    with pytest.raises(PlanError, match="dof"):
        StudentT(history, dof=2)
