"""The stationary bootstrap's block walk as it was before its kernel, in numpy.

The reference ``bootstrap_indices`` must match index for index and draw for
draw (``tests/scenarios/test_bootstrap_walk.py``), and the baseline its
benchmark times (``benchmarks/montecarlo.py``): the same generator calls in the
same order, then a running maximum of block starts instead of a loop.
"""

from __future__ import annotations

import numpy as np


def numpy_walk_indices(
    rng: np.random.Generator, days: int, paths: int, steps: int, mean_block: float
) -> np.ndarray:
    """Day indices of shape (paths, steps) into a history of ``days`` days.

    A step starts a new block where its uniform is under ``1 / mean_block``
    (step 0 always does), at that step's uniformly drawn start day; any other
    step continues its block by one day, wrapping at ``days``.
    """
    new_block = rng.random((paths, steps)) < 1.0 / mean_block
    new_block[:, 0] = True
    starts = rng.integers(0, days, size=(paths, steps))
    t = np.arange(steps)
    began = np.maximum.accumulate(np.where(new_block, t, 0), axis=1)
    first = np.take_along_axis(starts, began, axis=1)
    out: np.ndarray = (first + (t - began)) % days
    return out
