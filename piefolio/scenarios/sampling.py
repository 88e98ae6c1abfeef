"""Random paths of joint daily returns for Monte Carlo of a plan.

Conventions:

- Returns are simple daily returns, shape (T, N): T trading days of N assets, no
  NaN (the caller drops days before the last listing).
- A sampler draws ``paths`` of ``steps`` days: an array of shape
  (paths, steps, N). Joint draws keep the cross-section of a day together, so the
  correlation between assets survives.
- Reproducible: every draw takes a ``numpy.random.Generator``; the same seed gives
  the same paths, whatever the machine. Callers that split the work into chunks
  give each chunk its own generator from ``numpy.random.SeedSequence(seed).spawn``
  so that the chunking never changes the result.

Samplers:

- :class:`StationaryBootstrap` (Politis & Romano, 1994): blocks of historical days
  with geometric lengths of mean ``mean_block``, starting at uniform random days and
  wrapping around the end. It keeps fat tails, volatility clusters up to about the
  block length and the cross-correlation, without assuming a distribution.
- :class:`Normal`: multivariate normal with the sample mean and covariance.
- :class:`StudentT`: multivariate Student-t with ``dof`` degrees of freedom, scaled
  so its covariance equals the sample covariance (``Σ (nu - 2) / nu`` as the scale
  matrix); fatter tails than the normal with the same first two moments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numba import njit

from piefolio.errors import PlanError
from piefolio.typing import FloatArray, IntArray

__all__ = [
    "Normal",
    "Sampler",
    "StationaryBootstrap",
    "StudentT",
    "bootstrap_indices",
]


class Sampler(Protocol):
    """Anything that draws (paths, steps, N) arrays of joint daily returns."""

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> FloatArray:
        """Draw ``paths`` x ``steps`` days of joint returns."""
        ...


def _check_returns(returns: FloatArray) -> FloatArray:
    data = np.asarray(returns, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] < 2:
        raise PlanError(
            f"returns must be a 2-D array of shape (days, assets) with at least two "
            f"days; got shape {data.shape}"
        )
    if not np.isfinite(data).all():
        raise PlanError("returns contain NaN or infinite values; drop those days first")
    if (data <= -1).any():
        raise PlanError("a daily return of -100 % or worse cannot be resampled")
    return data


def bootstrap_indices(
    rng: np.random.Generator, days: int, paths: int, steps: int, mean_block: float
) -> IntArray:
    """Draw the historical day index of each step of each path.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    days : int
        Number of historical days T to draw from.
    paths, steps : int
        Shape of the result.
    mean_block : float
        Mean block length in days (>= 1); a new block starts with probability
        ``1 / mean_block`` at each step.

    Returns
    -------
    numpy.ndarray of int64, shape (paths, steps)
        Indices into the historical days; within a block they run consecutively,
        wrapping from T - 1 to 0.
    """
    # The generator's draws, in the order and shapes they always were (so a
    # seed gives the same paths, and leaves the generator where it left it):
    # a uniform per step (a block starts where it is under 1 / mean_block,
    # and always at step 0), then a start day per step. The walk through the
    # blocks is a kernel: numpy's running maximum and gathers over (paths,
    # steps) cost more than the draws.
    uniform = rng.random((paths, steps))
    starts = rng.integers(0, days, size=(paths, steps))
    out: IntArray = _block_walk_nb(uniform, starts, 1.0 / mean_block, days)
    return out


@njit(cache=True)
def _block_walk_nb(uniform, starts, p_new, days):  # type: ignore[no-untyped-def]
    """Walk the blocks: the history's day index of each step.

    A step starts a new block at its ``starts`` where ``uniform < p_new`` (and
    at step 0); any other step takes the day after the previous step's,
    wrapping from ``days - 1`` to 0.

    ``uniform`` (paths, steps) float64, ``starts`` (paths, steps) int64 in
    ``[0, days)``; returns (paths, steps) int64.
    """
    n_paths, n_steps = uniform.shape
    out = np.empty((n_paths, n_steps), dtype=np.int64)
    for p in range(n_paths):
        day = np.int64(0)
        for s in range(n_steps):
            if s == 0 or uniform[p, s] < p_new:
                day = starts[p, s]
            else:
                day += 1
                if day == days:
                    day = 0
            out[p, s] = day
    return out


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds an array
class StationaryBootstrap:
    """Resample blocks of historical days (see the module docstring).

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Historical simple daily returns, no NaN.
    mean_block : float
        Mean block length in trading days; 20 (about a month) by default.
    """

    returns: FloatArray
    mean_block: float = 20.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "returns", _check_returns(self.returns))
        if not self.mean_block >= 1:
            raise PlanError(f"mean_block must be at least 1 day; got {self.mean_block}")

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> FloatArray:
        """Draw (paths, steps, N) returns made of historical blocks."""
        idx = bootstrap_indices(
            rng, self.returns.shape[0], paths, steps, self.mean_block
        )
        out: FloatArray = self.returns[idx]
        return out


@dataclass(frozen=True, slots=True, eq=False)
class Normal:
    """Multivariate normal daily returns with the history's mean and covariance.

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Historical simple daily returns used to estimate the mean and covariance.
    """

    returns: FloatArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "returns", _check_returns(self.returns))

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> FloatArray:
        """Draw (paths, steps, N) normal returns, floored above -100 %."""
        mean = self.returns.mean(axis=0)
        cov = np.cov(self.returns, rowvar=False).reshape(len(mean), len(mean))
        draws = rng.multivariate_normal(mean, cov, size=(paths, steps), method="eigh")
        # A normal can draw below -100 %, which no asset can lose; floor it.
        out: FloatArray = np.maximum(draws, -0.99)
        return out


@dataclass(frozen=True, slots=True, eq=False)
class StudentT:
    """Multivariate Student-t daily returns with the history's mean and covariance.

    Parameters
    ----------
    returns : FloatArray, shape (T, N)
        Historical simple daily returns.
    dof : float
        Degrees of freedom nu > 2 (smaller = fatter tails); 5 by default, a common
        fit for daily equity returns.
    """

    returns: FloatArray
    dof: float = 5.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "returns", _check_returns(self.returns))
        if not self.dof > 2:
            raise PlanError(
                f"dof must be above 2 for a finite variance; got {self.dof}"
            )

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> FloatArray:
        """Draw (paths, steps, N) Student-t returns, floored above -100 %."""
        mean = self.returns.mean(axis=0)
        n = len(mean)
        cov = np.cov(self.returns, rowvar=False).reshape(n, n)
        scale = cov * (self.dof - 2) / self.dof
        z = rng.multivariate_normal(
            np.zeros(n), scale, size=(paths, steps), method="eigh"
        )
        # t = z / sqrt(W / nu) with W ~ chi2(nu), one W per day shared by all assets:
        # that shared W is what makes crashes hit every asset on the same day.
        w = rng.chisquare(self.dof, size=(paths, steps, 1))
        draws = mean + z / np.sqrt(w / self.dof)
        out: FloatArray = np.maximum(draws, -0.99)
        return out
