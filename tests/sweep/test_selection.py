"""Deflated Sharpe ratio and PBO: hand-computed values and known regimes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from piefolio.errors import PlanError
from piefolio.sweep.selection import (
    deflated_sharpe_ratio,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    probability_of_overfitting,
    sharpe_ratio,
)


def test_sharpe_ratio_by_hand() -> None:
    # mean 0.02, sample sd of [0.01, 0.03] = sqrt(((-0.01)^2 + 0.01^2) / 1) = 0.014142
    assert sharpe_ratio(np.array([0.01, 0.03])) == pytest.approx(0.02 / math.sqrt(2e-4))
    assert math.isnan(float(sharpe_ratio(np.array([0.01, 0.01]))))


def test_psr_by_hand() -> None:
    # Normal returns, SR = 0.1, SR* = 0, n = 101:
    # z = 0.1 * sqrt(100) / sqrt(1 - 0 + (3 - 1)/4 * 0.01) = 1 / sqrt(1.005) = 0.997509
    # Phi(0.997509) = 0.8407413.
    assert probabilistic_sharpe_ratio(0.1, 0.0, 101) == pytest.approx(
        0.8407413, abs=1e-7
    )
    assert probabilistic_sharpe_ratio(0.1, 0.1, 101) == pytest.approx(0.5)
    # Negative skew and fat tails widen the estimate's error: less confidence.
    assert probabilistic_sharpe_ratio(0.1, 0.0, 101, skew=-1, kurtosis=8) < 0.8407413


def test_expected_max_sharpe_by_hand() -> None:
    # N = 100, V = 1: (1 - g) * Phi^-1(0.99) + g * Phi^-1(1 - 1/(100 e))
    # Phi^-1(0.99) = 2.326348, 1 - 1/271.828 = 0.9963212 -> Phi^-1 = 2.680210
    # 0.422784 * 2.326348 + 0.577216 * 2.680210 = 0.983543 + 1.547060 = 2.530603
    assert expected_max_sharpe(100, 1.0) == pytest.approx(2.530603, abs=1e-6)
    assert expected_max_sharpe(1, 1.0) == 0.0
    assert expected_max_sharpe(1000, 1.0) > expected_max_sharpe(100, 1.0)


def test_dsr_punishes_the_lucky_best_of_many_noise_variants() -> None:
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 0.01, size=(1000, 200))
    dsr, best = deflated_sharpe_ratio(noise)
    # The best of 200 noise variants has a high raw PSR, but deflated it is weak.
    raw = probabilistic_sharpe_ratio(float(sharpe_ratio(noise[:, best])), 0.0, 1000)
    assert raw > 0.95
    assert dsr < 0.5


def test_dsr_keeps_a_real_edge() -> None:
    rng = np.random.default_rng(2)
    r = rng.normal(0.0, 0.01, size=(2000, 50))
    r[:, 7] += 0.002  # Sharpe 0.2 a day: an edge no noise variant comes near
    dsr, best = deflated_sharpe_ratio(r)
    assert best == 7
    assert dsr > 0.99


def test_pbo_of_pure_noise_is_one_half_on_average() -> None:
    # On one noise data set PBO swings widely (the splits share their data), but
    # its expectation is 1/2: in-sample and out-of-sample halves are independent.
    # Over 40 data sets the mean's standard error is about 0.2 / sqrt(40) = 0.03.
    pbos = []
    for seed in range(40):
        r = np.random.default_rng(seed).normal(0, 0.01, size=(400, 20))
        res = probability_of_overfitting(r, blocks=8)
        pbos.append(res.pbo)
    assert res.splits == math.comb(8, 4)
    assert np.mean(pbos) == pytest.approx(0.5, abs=0.1)


def test_pbo_of_a_dominant_variant_is_zero() -> None:
    rng = np.random.default_rng(4)
    r = rng.normal(0, 0.01, size=(800, 20))
    r[:, 3] += 0.01
    res = probability_of_overfitting(r, blocks=8)
    assert res.pbo == 0.0
    # Ranked top of 20 out of sample every time: w = 20/21, logit = ln(20).
    np.testing.assert_allclose(res.logits, math.log(20))


def _pbo_logits_by_loop(r: np.ndarray, blocks: int) -> np.ndarray:
    """CSCV written out split by split, as the paper states it: the reference
    for the vectorized version (which adds up per-block sums instead)."""
    parts = np.array_split(np.arange(r.shape[0]), blocks)
    out = []
    for chosen in itertools.combinations(range(blocks), blocks // 2):
        inside = np.concatenate([parts[i] for i in chosen])
        outside = np.concatenate([parts[i] for i in range(blocks) if i not in chosen])
        best = int(np.nanargmax(sharpe_ratio(r[inside])))
        w = stats.rankdata(sharpe_ratio(r[outside]))[best] / (r.shape[1] + 1)
        out.append(math.log(w / (1 - w)))
    return np.array(out)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pbo_matches_the_split_by_split_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Unequal blocks (203 periods), drifts of different sizes, a few ties.
    r = rng.normal(3e-4, 0.01, size=(203, 12)) + np.linspace(0, 5e-4, 12)
    r[:, 5] = r[:, 4]
    res = probability_of_overfitting(r, blocks=10)
    expected = _pbo_logits_by_loop(r, blocks=10)
    np.testing.assert_allclose(res.logits, expected, rtol=1e-9, atol=1e-12)
    assert res.pbo == float((expected <= 0).mean())


@pytest.mark.parametrize(
    ("shape", "blocks", "message"),
    [
        ((100, 1), 4, "2 variants"),
        ((10, 5), 8, "periods per block"),
        ((100, 5), 5, "even"),
    ],
)
def test_bad_inputs(shape: tuple[int, int], blocks: int, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        probability_of_overfitting(np.zeros(shape), blocks=blocks)
