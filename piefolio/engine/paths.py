"""The plan run on many simulated price paths: what Monte Carlo asks of the engine.

Each path is a (T, N) block of daily simple returns; its closes start at 100
and compound them. Every series (the pie, each benchmark) runs the same plan on
every path, and a path's numbers equal a :func:`~piefolio.engine.simulate` of
its closes (the single-pie kernel's, bit for bit). Only the NAV on chosen days,
the day a series ran out and (when the plan withdraws) the withdrawals actually
paid come back, so memory stays (P, S, K), not (P, S, T).

The paths run as the batch kernel runs pies (:mod:`piefolio.engine._batch`):
in blocks of :data:`PATH_BLOCK`, one block and series per thread, paths
innermost and contiguous, the day's schedule read once per block, quiet days
stepped for the whole block at each path's own prices
(:mod:`piefolio.engine._pathdays`), and only the paths that trade that day
going through the full day of :mod:`piefolio.engine._day`. A block's prices
are built day by day from the returns, (N, B) at a time: the (P, T, N) closes
never exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from piefolio.engine._day import Ledger, PieArrays, PieState, _pie_day_nb
from piefolio.engine._kernels import PlanArrays
from piefolio.engine._pathdays import (
    PathBlock,
    PathScratch,
    _deposit_paths_nb,
    _quiet_paths_nb,
    _rebalance_paths_nb,
)
from piefolio.engine._steps import FLOW_WITHDRAWAL, POLICY_CALENDAR, POLICY_DEPOSITS
from piefolio.engine.simulate import KernelInputs
from piefolio.typing import BoolArray, FloatArray, IntArray

__all__ = ["PATH_BLOCK", "PathRuns", "simulate_drawn", "simulate_paths"]

#: Paths per block: its (N, PATH_BLOCK) shares and prices stay in the core's
#: first-level cache, and a chunk of 250 paths still makes work for 2 threads.
PATH_BLOCK = 64


@njit(cache=True, parallel=True)
def _run_paths_nb(history, index, targets, columns, plan, sample_at, keep_paid):  # type: ignore[no-untyped-def]
    """Run S weightings of the plan on each of P return paths (see the module).

    Path ``p``'s returns on day ``t`` are the row ``history[index[p, t]]``
    (``history`` (D, N), ``index`` (P, T) int64): a bootstrap's drawn days,
    or every path's own rows. Returns ``nav (P, S, K), ran_out (P, S),
    paid (P, S, T) or (P, S, 0)``.
    """
    n_paths, n_days = index.shape
    n_series = targets.shape[0]
    out = np.empty((n_paths, n_series, sample_at.shape[0]))
    ran_out = np.empty((n_paths, n_series), dtype=np.int64)
    paid = np.zeros((n_paths, n_series, n_days if keep_paid else 0))
    # Every slice of a path has a price every day, and no dividend: each day
    # but the first is plain (_quiet.plain_days_nb of its closes).
    plain = np.ones(n_days, dtype=np.bool_)
    if n_days > 0:
        plain[0] = False
    quiet = plain & (plan.deposit == 0.0) & (plan.withdraw == 0.0)
    if plan.policy == POLICY_CALENDAR:
        quiet &= ~plan.rebal_day
    # The day's interest factor, the same for every path: _interest_nb's.
    growth = np.ones(n_days)
    accrue = (plan.days > 0) & (plan.rate != 0.0)
    for t in range(n_days):
        if accrue[t]:
            growth[t] = (1.0 + plan.rate[t]) ** (plan.days[t] / 365.0)
    # Plain days whose only event is a deposit, bought as new money, and
    # plain calendar rebalance days of a plan without fixed fees: the block
    # runs them at once (_batch's simple and rebalance days, the rebalance
    # with proportional fees too).
    calendar = plan.policy == POLICY_CALENDAR
    simple = plain & (plan.deposit > 0.0) & (plan.withdraw == 0.0)
    simple &= plan.policy != POLICY_DEPOSITS
    rebalance = np.zeros(n_days, dtype=np.bool_)
    if calendar:
        simple &= ~plan.rebal_day
        if plan.fixed == 0.0:
            rebalance = plain & plan.rebal_day & (plan.withdraw == 0.0)
    # The sampled days in day order, so a block writes them as it passes.
    order = np.argsort(sample_at)
    n_blocks = (n_paths + PATH_BLOCK - 1) // PATH_BLOCK
    for task in prange(n_blocks * n_series):
        b = task // n_series
        s = task - b * n_series
        _paths_block_nb(
            history, index, targets[s], columns[s], plan, plain, quiet, simple,
            rebalance, growth, accrue, sample_at, order, b * PATH_BLOCK,
            min(n_paths, (b + 1) * PATH_BLOCK), s, keep_paid, out, ran_out, paid,
        )  # fmt: skip
    return out, ran_out, paid


@njit(cache=True, error_model="numpy")  # a division by 0 is inf, not a branch
def _paths_block_nb(  # type: ignore[no-untyped-def]
    history, index, targets, held_by, plan, plain, quiet, simple, rebalance,
    growth, accrue, sample_at, order, lo, hi, s, keep_paid, out, ran_out, paid,
):  # fmt: skip
    """Run paths ``lo:hi`` of series ``s``; write their rows of the outputs."""
    n_days = index.shape[1]
    m = hi - lo
    col = np.nonzero(held_by)[0]
    n = col.shape[0]
    tg = np.empty(n)
    prop = np.empty(n)
    for i in range(n):
        tg[i] = targets[col[i]]
        prop[i] = plan.prop[col[i]]
    own = PlanArrays(
        plan.days, plan.rate, plan.deposit, plan.withdraw, plan.rebal_day, prop,
        plan.fixed, plan.min_order, plan.policy, plan.band,
    )  # fmt: skip
    level = np.full((n, m), 100.0)  # each path's closes, compounded as we go
    row = np.empty(m, dtype=np.uintp)
    c_ = np.zeros(m)
    ro = np.full(m, -1, dtype=np.int64)
    q = PathBlock(
        np.zeros((n, m)), level, tg, c_, np.empty(m), np.empty(m), np.empty(m),
        np.empty(m), np.empty(m, dtype=np.bool_), np.empty(m, dtype=np.bool_),
        np.empty(n), np.empty(n),
    )  # fmt: skip
    sh, value, full = q.sh, q.value, q.full
    r = PathScratch(
        np.zeros((n, m)), np.empty(m), np.empty(m), np.empty(m), np.empty(m),
        np.zeros((n, m), dtype=np.bool_), np.zeros((n, m), dtype=np.bool_),
        np.zeros(m, dtype=np.bool_), np.empty(n), np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.empty(m),
        np.empty(m), np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64),
        np.empty(m, dtype=np.bool_),
    )  # fmt: skip
    # One path at a time on the full day: its slices gathered into these.
    # Every slice is listed and tradable from day 0 on.
    a = PieArrays(
        np.zeros(n), tg.copy(), tg, np.full(n, np.nan), np.ones(n, dtype=np.bool_),
        np.ones(n, dtype=np.bool_), np.zeros(n), np.zeros(n),
        np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n), np.zeros(n),
        np.zeros(n), np.zeros(n),
    )  # fmt: skip
    shares, tgt, last = a.shares, a.tgt, a.last
    # The full day's flows by day only to read the withdrawal paid (its
    # totals are scratch): a runtime flag, so _pie_day_nb compiles once.
    led = Ledger(
        np.zeros((n_days if keep_paid else 0, 4)), np.zeros(4),
        np.empty((0, 2), dtype=np.int64), np.empty((0, 4)),
        np.empty((0, 3), dtype=np.int64), np.empty((0, 1)),
    )  # fmt: skip
    flows = led.flows
    divs = np.zeros((1, n))  # read on day 0 only (the only day not plain)
    off = m < 0
    none = np.int64(0)
    k = 0
    n_k = order.shape[0]
    # Unsigned indices: numba then drops its negative-index wraparound, and
    # the loop over the paths vectorizes (a gather of their day's returns).
    flat = history.reshape(history.size)
    width = np.uintp(history.shape[1])
    mu = np.uintp(m)
    for t in range(n_days):
        for j in range(mu):
            row[j] = np.uintp(index[lo + j, t]) * width
        for i in range(n):
            c = np.uintp(col[i])
            for j in range(mu):
                level[i, j] *= 1.0 + flat[row[j] + c]
        if quiet[t]:
            _quiet_paths_nb(q, m, plan.policy, plan.band, growth[t], accrue[t])
        elif rebalance[t]:
            _rebalance_paths_nb(
                q, r, m, plan, prop, plan.deposit[t], growth[t], accrue[t]
            )
        elif simple[t]:
            _deposit_paths_nb(
                q, r, m, plan, prop, plan.deposit[t], growth[t], accrue[t]
            )
        else:
            for j in range(m):
                full[j] = True
        for j in range(m):
            if not full[j]:
                continue
            for i in range(n):
                shares[i] = sh[i, j]
                last[i] = level[i, j]
                tgt[i] = tg[i]
            value[j], st, _ = _pie_day_nb(
                t, a, own, divs, plain[t], t == 0,
                PieState(c_[j], 0.0, 1.0, ro[j], 0.0, none, none), led,
                keep_paid, off,
            )  # fmt: skip
            c_[j] = st.cash
            ro[j] = st.ran_out
            for i in range(n):
                sh[i, j] = shares[i]
            if keep_paid:
                paid[lo + j, s, t] = flows[t, FLOW_WITHDRAWAL]
                for f in range(4):
                    flows[t, f] = 0.0
        while k < n_k and sample_at[order[k]] == t:
            for j in range(m):
                out[lo + j, s, order[k]] = value[j]
            k += 1
    for j in range(m):
        ran_out[lo + j, s] = ro[j]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class PathRuns:
    """What :func:`simulate_paths` keeps of each path and series.

    Attributes
    ----------
    nav : FloatArray, shape (P, S, K)
        NAV on the sampled days, base currency.
    ran_out : IntArray, shape (P, S)
        Day index on which a withdrawal emptied the series, or -1.
    withdrawn : FloatArray, shape (P, S, T) or (P, S, 0)
        Withdrawals actually paid each day (positive); (P, S, 0) when the plan
        withdraws nothing.
    """

    nav: FloatArray
    ran_out: IntArray
    withdrawn: FloatArray

    def net_in(self, deposit: FloatArray) -> FloatArray:
        """Net money into each series per day, the ledger's sign.

        Parameters
        ----------
        deposit : FloatArray, shape (T,)
            The plan's deposits (initial amount on day 0).

        Returns
        -------
        FloatArray, shape (T,) or (P, S, T)
            ``deposit`` alone when nothing was withdrawn, else ``deposit -
            withdrawn``.
        """
        if self.withdrawn.shape[-1] == 0:
            return deposit
        out: FloatArray = deposit - self.withdrawn
        return out


def simulate_paths(
    returns: FloatArray,
    inputs: KernelInputs,
    targets: FloatArray,
    sample_at: IntArray,
    *,
    columns: BoolArray | None = None,
) -> PathRuns:
    """Run the plan of ``inputs`` for S weightings on each of P return paths.

    Parameters
    ----------
    returns : FloatArray, shape (P, T, N)
        Daily simple returns of every path, columns in ``inputs.symbols`` order.
    inputs : KernelInputs
        The plan's arrays over the T simulated days
        (:func:`~piefolio.engine.prepare_inputs`); its closes and dividends are
        not used (the paths are total-return closes).
    targets : FloatArray, shape (S, N)
        Target weights of each series, rows summing to 1.
    sample_at : IntArray, shape (K,)
        Day indices whose NAV is kept (negative ones count from the end).
    columns : BoolArray, shape (S, N), optional
        Which slices each series holds (default ``targets > 0``): a benchmark
        runs on its own columns only, so a one-ticker benchmark costs a
        one-ticker run.

    Returns
    -------
    PathRuns
    """
    data = np.ascontiguousarray(returns, dtype=np.float64)
    n_paths, n_days, n = data.shape
    rows = np.arange(n_paths * n_days, dtype=np.int64).reshape(n_paths, n_days)
    return simulate_drawn(
        data.reshape(n_paths * n_days, n), rows, inputs, targets, sample_at,
        columns=columns,
    )  # fmt: skip


def simulate_drawn(
    history: FloatArray,
    drawn: IntArray,
    inputs: KernelInputs,
    targets: FloatArray,
    sample_at: IntArray,
    *,
    columns: BoolArray | None = None,
) -> PathRuns:
    """:func:`simulate_paths` of paths made of drawn days of a history.

    Path ``p``'s returns on day ``t`` are ``history[drawn[p, t]]``: a
    bootstrap's paths run without ever being written out, (P, T, N) floats
    (75 MiB for 250 paths of 10 years of 15 slices) that would be written and
    read again once per chunk.

    Parameters
    ----------
    history : FloatArray, shape (D, N)
        Daily simple returns, columns in ``inputs.symbols`` order.
    drawn : IntArray, shape (P, T)
        Row of ``history`` of each path's every day, in ``[0, D)``.
    inputs, targets, sample_at, columns
        As in :func:`simulate_paths`.

    Returns
    -------
    PathRuns
    """
    drawn = np.ascontiguousarray(drawn, dtype=np.int64)
    n_days = drawn.shape[1]
    days = np.asarray(sample_at, dtype=np.int64)
    if days.size and (days.min() < -n_days or days.max() >= n_days):
        raise IndexError(f"sample_at must be day indices of the {n_days} days")
    held = targets > 0 if columns is None else columns
    # Read-only always (a view, no copy): a history that is read-only only at
    # times (a frame's arrays are) would compile the paths kernel twice.
    rows = np.ascontiguousarray(history, dtype=np.float64).view()
    rows.flags.writeable = False
    nav, ran_out, paid = _run_paths_nb(
        rows,
        drawn,
        np.ascontiguousarray(targets, dtype=np.float64),
        np.ascontiguousarray(held, dtype=np.bool_),
        inputs.plan_arrays(),
        np.ascontiguousarray(np.where(days < 0, days + n_days, days)),
        bool(inputs.withdraw.any()),
    )
    return PathRuns(nav, ran_out, paid)
