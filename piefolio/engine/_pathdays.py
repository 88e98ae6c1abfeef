"""A block of Monte Carlo paths through one day: each path at its own prices.

The batch kernel's day helpers (:mod:`piefolio.engine._batch`) step a block of
pies that share one price row; here every path of the block has its own, so
the day's prices are a (N, B) array ``px`` like the shares, and the loops over
the block's paths stay innermost and contiguous. Every path sums in the order
of a single run (:func:`~piefolio.engine._kernels.simulate_pie_nb` of its
closes), so its numbers are that run's to the bit. A path for which the day is
not that simple is marked in ``full`` and left untouched, for the full day of
:mod:`piefolio.engine._day`.

The paths of a series share their targets ``tg`` (N,): every slice of a path
has a price from day 0 on, so the targets in force are the plan's. Only what a
path's NAV depends on is kept: shares, cash and the day's value (the unit
value and the flow totals are left to the full day's scratch).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from piefolio.engine._solve import DUST
from piefolio.engine._steps import POLICY_THRESHOLD, _drifted_nb

__all__ = ["PathBlock"]

#: A block of paths of one series: shares sh and the day's prices px (N, B);
#: targets tg (N,); cash c_, the day's value, grown cash, held value and band
#: margin near (B,); alarm and full (B,) bool; one path's hold and tgt (N,)
#: scratch.
PathBlock = namedtuple(
    "PathBlock", "sh px tg c_ value grown held near alarm full hold tgt"
)


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _quiet_paths_nb(q, m, policy, band, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a quiet day: interest, value, the band.

    ``_batch._quiet_day_nb`` at each path's own prices: the interest factor
    ``f`` of the day (``accrue``: it applies) is shared; branches are
    selects. A path whose band is broken is marked in ``full``, its cash left
    as it was, for the full day.
    """
    sh, px, tg, c_, value, grown, held, near, alarm, full, hold, tgt = q
    n = sh.shape[0]
    mu = np.uintp(m)
    for j in range(mu):
        held[j] = 0.0
    for i in range(n):
        for j in range(mu):
            held[j] += sh[i, j] * px[i, j]
    for j in range(mu):
        c = c_[j]
        grown[j] = c * f if accrue & (c > 0.0) else c
        value[j] = grown[j] + held[j]
        full[j] = False
    if policy == POLICY_THRESHOLD:
        # The band without divisions first, as a quiet run checks it.
        any_alarm = False
        for j in range(mu):
            v = value[j]
            near[j] = (band - DUST) * v if v > 0.0 else np.inf
            alarm[j] = (v > 0.0) & (near[j] <= 0.0)
        for i in range(n):
            w = tg[i]
            for j in range(mu):
                alarm[j] |= abs(sh[i, j] * px[i, j] - w * value[j]) >= near[j]
        for j in range(mu):
            any_alarm |= alarm[j]
        if any_alarm:
            for j in range(m):
                if alarm[j]:
                    for i in range(n):
                        hold[i] = sh[i, j] * px[i, j]
                        tgt[i] = tg[i]
                    full[j] = _drifted_nb(hold, value[j], tgt, band)
    for j in range(mu):
        c_[j] = c_[j] if full[j] else grown[j]
