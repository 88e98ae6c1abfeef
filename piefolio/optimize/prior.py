"""Expected returns that start from a prior: the market-implied equilibrium.

A sample mean of daily returns is a poor guess of the future: over a few years
a stock that tripled shows 50 % a year or more, and an optimiser hands it all
the weight. The default estimate here starts from what the market's prices
imply and lets the sample move it only as far as the evidence allows.

Conventions:

- Returns are simple daily returns, shape (T, N), no NaN; rates are daily
  inside, annual (x 252) only when shown.
- **Prior (CAPM equilibrium).** With a reference portfolio ``m`` (the first
  benchmark, or the pie itself when there is none) and the daily risk-free rate
  ``rf``: ``pi_i = rf + beta_i (mean(r_m) - rf)``, ``beta_i = cov(r_i, r_m) /
  var(r_m)``. The covariance column ``Sigma[:, m]`` is what skfolio's
  :class:`~skfolio.moments.EquilibriumMu` returns with the reference as the
  weight vector (reverse optimisation, as in Black & Litterman 1992); dividing it by
  ``var(r_m)`` and scaling by the reference's own premium makes the risk
  aversion the one the reference's history implies.
- **Shrinkage (Bayes-Stein, Jorion 1986).** ``mu = (1 - a) mean + a pi`` with
  ``a = (N + 2) / ((N + 2) + T (mean - pi)' Sigma^-1 (mean - pi))``: the
  formula of skfolio's ``ShrunkMu(method=BAYES_STEIN)``, with the equilibrium
  as the target instead of the grand mean. Long, noisy histories move the
  estimate little; when the sample agrees with the prior, the prior comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.typing import FloatArray

__all__ = [
    "TOO_HIGH",
    "ShrunkToPrior",
    "equilibrium",
    "reference_returns",
    "shrink_to_prior",
]

#: An annual expected return above this is flagged: few slices sustain it.
TOO_HIGH = 0.30


def equilibrium(returns: FloatArray, reference: FloatArray, rf: float) -> FloatArray:
    """Daily expected returns the reference portfolio's history implies (CAPM).

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Simple daily returns of the slices.
    reference : FloatArray, shape (T,)
        Simple daily returns of the reference portfolio on the same days.
    rf : float
        Daily risk-free rate.

    Returns
    -------
    FloatArray, shape (N,)
        ``rf + beta_i (mean(reference) - rf)``; ``rf`` for every slice when the
        reference never moves (no beta to measure).
    """
    x = np.column_stack([np.asarray(returns, float), np.asarray(reference, float)])
    n = x.shape[1] - 1
    # skfolio's EquilibriumMu is risk_aversion * Sigma @ w; with w the reference's
    # one-hot column that is Sigma[:, m]. Computed directly: the reference is often
    # a mix of the slices themselves, a singular matrix skfolio would "repair".
    column = np.cov(x, rowvar=False)[:, n]
    variance = column[n]
    if not variance > 0:
        return np.full(n, rf)
    premium = float(x[:, n].mean()) - rf
    out: FloatArray = rf + column[:n] / variance * premium
    return out


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class ShrunkToPrior:
    """A Bayes-Stein estimate and what it was made of (daily rates).

    Attributes
    ----------
    mu : FloatArray, shape (N,)
        The estimate.
    prior : FloatArray, shape (N,)
        The equilibrium it was shrunk toward.
    sample : FloatArray, shape (N,)
        The sample mean.
    intensity : float
        Weight of the prior, in [0, 1].
    """

    mu: FloatArray
    prior: FloatArray
    sample: FloatArray
    intensity: float


def shrink_to_prior(returns: FloatArray, prior: FloatArray) -> ShrunkToPrior:
    """Shrink the sample mean toward ``prior`` by the Bayes-Stein intensity.

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Simple daily returns, no NaN, T > 1.
    prior : FloatArray, shape (N,)
        Daily prior means.

    Returns
    -------
    ShrunkToPrior
        ``intensity = (N + 2) / ((N + 2) + T d' S^+ d)`` with ``d = mean -
        prior`` and ``S^+`` the pseudo-inverse of the sample covariance (a
        singular covariance does not fail; its null directions carry no
        evidence).
    """
    x = np.asarray(returns, dtype=float)
    t, n = x.shape
    sample = x.mean(axis=0)
    d = sample - np.asarray(prior, dtype=float)
    cov = np.cov(x, rowvar=False).reshape(n, n)
    evidence = float(t * d @ np.linalg.pinv(cov) @ d)
    intensity = (n + 2) / ((n + 2) + max(evidence, 0.0))
    mu = (1.0 - intensity) * sample + intensity * np.asarray(prior, dtype=float)
    return ShrunkToPrior(mu, np.asarray(prior, dtype=float), sample, intensity)


def reference_returns(
    returns: pd.DataFrame, weights: dict[str, float]
) -> pd.Series | None:
    """Daily returns of a portfolio held at ``weights`` (rebalanced daily).

    Returns None when a ticker of ``weights`` has no column in ``returns``.
    """
    if not weights or any(t not in returns.columns for t in weights):
        return None
    w = pd.Series(weights, dtype=float)
    return returns[list(w.index)] @ (w / w.sum())
