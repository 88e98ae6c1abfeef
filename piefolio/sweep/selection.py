"""Honest selection among many backtested variants.

When thousands of variants are tried, the best one looks good partly by luck. Two
measures say how much:

- The **deflated Sharpe ratio** (Bailey & López de Prado, 2014, "The Deflated
  Sharpe Ratio"): the probability that the best variant's true Sharpe ratio is
  above zero, after allowing for how many variants were tried, how much their
  Sharpe ratios varied, the sample length and the non-normality of returns.
- The **probability of backtest overfitting** (Bailey, Borwein, López de Prado &
  Zhu, 2015, combinatorially symmetric cross-validation, CSCV): split time into S
  blocks; for every way to pick half of them as in-sample, take the variant that
  is best in-sample and see where it ranks out of sample. PBO is the share of
  splits where it ranks at or below the out-of-sample median.

Conventions: returns are simple, per period (daily unless said); Sharpe ratios
here are per period and not annualised (``mean / std``, ``ddof=1``); kurtosis is
the raw fourth standardised moment (3 for a normal).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from piefolio.errors import PlanError
from piefolio.typing import FloatArray

__all__ = [
    "PBOResult",
    "deflated_sharpe_ratio",
    "expected_max_sharpe",
    "probabilistic_sharpe_ratio",
    "probability_of_overfitting",
    "sharpe_ratio",
]

EULER_GAMMA = 0.5772156649015329


def sharpe_ratio(returns: FloatArray) -> FloatArray:
    """Per-period Sharpe ratio of each column (risk-free rate taken as zero).

    Parameters
    ----------
    returns : FloatArray, shape (T,) or (T, N)
        Simple returns per period.

    Returns
    -------
    FloatArray, shape () or (N,)
        ``mean / std`` with ``ddof=1``; NaN where the std is zero.
    """
    r = np.asarray(returns, dtype=np.float64)
    sd = r.std(axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(sd > 0, r.mean(axis=0) / sd, np.nan)
    return out


def probabilistic_sharpe_ratio(
    sharpe: float, benchmark: float, n: int, skew: float = 0.0, kurtosis: float = 3.0
) -> float:
    r"""Probability that the true Sharpe ratio exceeds ``benchmark``.

    .. math::
        PSR = \Phi\left(\frac{(SR - SR^*)\sqrt{n - 1}}
              {\sqrt{1 - \gamma_3 SR + \frac{\gamma_4 - 1}{4} SR^2}}\right)

    Parameters
    ----------
    sharpe : float
        Observed per-period Sharpe ratio SR.
    benchmark : float
        Per-period Sharpe ratio SR* to beat.
    n : int
        Number of return observations (> 1).
    skew, kurtosis : float
        Skewness and raw kurtosis of the returns (normal: 0 and 3).
    """
    if n < 2:
        raise PlanError(f"the Sharpe ratio test needs at least 2 returns; got {n}")
    denom = 1.0 - skew * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if denom <= 0:
        return float("nan")
    z = (sharpe - benchmark) * math.sqrt(n - 1) / math.sqrt(denom)
    return float(stats.norm.cdf(z))


def expected_max_sharpe(trials: int, variance: float) -> float:
    r"""Return the expected maximum Sharpe ratio of ``trials`` unskilled variants.

    .. math::
        E[\max SR] \approx \sqrt{V}\left((1-\gamma)\Phi^{-1}(1 - 1/N)
        + \gamma\Phi^{-1}(1 - 1/(N e))\right)

    Parameters
    ----------
    trials : int
        Number of variants tried N (>= 1).
    variance : float
        Variance V of the Sharpe ratios across the variants.
    """
    if trials < 1:
        raise PlanError(f"trials must be at least 1; got {trials}")
    if trials == 1:
        return 0.0
    q = stats.norm.ppf
    return float(
        math.sqrt(variance)
        * (
            (1 - EULER_GAMMA) * q(1 - 1 / trials)
            + EULER_GAMMA * q(1 - 1 / (trials * math.e))
        )
    )


def deflated_sharpe_ratio(returns: FloatArray) -> tuple[float, int]:
    """Deflated Sharpe ratio of the best column of a variants' returns matrix.

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Per-period simple returns of N variants over the same T periods.

    Returns
    -------
    (float, int)
        The DSR in [0, 1] (probability that the best variant's true Sharpe ratio
        is positive, after deflating for N trials) and the best column's index.
    """
    r = np.asarray(returns, dtype=np.float64)
    if r.ndim != 2 or r.shape[0] < 3:
        raise PlanError(
            f"returns must be (periods, variants) with >= 3 periods; got {r.shape}"
        )
    sr = sharpe_ratio(r)
    best = int(np.nanargmax(sr))
    variance = float(np.nanvar(sr, ddof=1)) if r.shape[1] > 1 else 0.0
    sr0 = expected_max_sharpe(r.shape[1], variance)
    x = r[:, best]
    dsr = probabilistic_sharpe_ratio(
        float(sr[best]),
        sr0,
        r.shape[0],
        skew=float(stats.skew(x)),
        kurtosis=float(stats.kurtosis(x, fisher=False)),
    )
    return dsr, best


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds an array
class PBOResult:
    """Outcome of CSCV.

    Attributes
    ----------
    pbo : float
        Share of splits where the in-sample best ranked at or below the
        out-of-sample median (logit <= 0).
    logits : FloatArray, shape (C,)
        ``log(w / (1 - w))`` of the relative out-of-sample rank w of the in-sample
        best, one per split.
    splits : int
        Number of splits C = binomial(S, S/2).
    """

    pbo: float
    logits: FloatArray
    splits: int


def probability_of_overfitting(returns: FloatArray, blocks: int = 16) -> PBOResult:
    """Probability of backtest overfitting by CSCV, ranking variants by Sharpe.

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Per-period returns of N >= 2 variants.
    blocks : int
        Even number S of time blocks (16 gives 12,870 splits).

    Returns
    -------
    PBOResult
    """
    r = np.asarray(returns, dtype=np.float64)
    if blocks < 2 or blocks % 2:
        raise PlanError(f"blocks must be an even number >= 2; got {blocks}")
    if r.ndim != 2 or r.shape[1] < 2 or r.shape[0] < 2 * blocks:
        raise PlanError(
            f"returns must be (periods, variants) with >= 2 variants and at least "
            f"2 periods per block ({2 * blocks}); got {r.shape}"
        )
    # Per block: periods, and sums of returns and of their squares per variant
    # (centred on each variant's mean, for accuracy); a split's Sharpe ratios
    # then come from adding 8 blocks' sums, for all splits at once.
    n = r.shape[1]
    centre = r.mean(axis=0)
    x = r - centre
    parts = np.array_split(np.arange(r.shape[0]), blocks)
    count = np.array([len(p) for p in parts], dtype=np.float64)
    sums = np.stack([x[p].sum(axis=0) for p in parts])
    squares = np.stack([(x[p] ** 2).sum(axis=0) for p in parts])
    splits = np.array(
        list(itertools.combinations(range(blocks), blocks // 2)), dtype=np.intp
    )
    chosen = np.zeros((len(splits), blocks))
    np.put_along_axis(chosen, splits, 1.0, axis=1)
    logits = []
    for lo in range(0, len(chosen), 1024):
        pick = chosen[lo : lo + 1024]
        inside = _split_sharpe(pick, count, sums, squares, centre)
        oos = _split_sharpe(1.0 - pick, count, sums, squares, centre)
        best = np.nanargmax(inside, axis=1)
        top = oos[np.arange(len(pick)), best][:, None]
        # Average rank of the in-sample best out of sample (1 = worst), as
        # scipy's rankdata gives it; relative rank in (0, 1) keeps the logit
        # finite. A split with an undefined Sharpe ratio gets NaN.
        rank = 1 + (oos < top).sum(axis=1) + ((oos == top).sum(axis=1) - 1) / 2
        w = np.where(np.isnan(oos).any(axis=1), np.nan, rank / (n + 1))
        logits.append(np.log(w / (1 - w)))
    arr = np.concatenate(logits)
    return PBOResult(float((arr <= 0).mean()), arr, len(arr))


def _split_sharpe(
    pick: FloatArray,
    count: FloatArray,
    sums: FloatArray,
    squares: FloatArray,
    centre: FloatArray,
) -> FloatArray:
    """Sharpe ratios (splits x variants) over the blocks ``pick`` marks with 1.

    ``sums`` and ``squares`` (blocks x variants) are of returns minus ``centre``.
    """
    n = (pick @ count)[:, None]
    mean = (pick @ sums) / n
    var = ((pick @ squares) - n * mean**2) / (n - 1)
    sd = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(sd > 0, (mean + centre) / sd, np.nan)
    return out
