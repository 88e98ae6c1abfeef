"""The plan run on many simulated price paths: what Monte Carlo asks of the engine.

Each path is a (T, N) block of daily simple returns; its closes start at 100
and compound them. Every series (the pie, each benchmark) runs the same plan on
every path through the single-pie kernel, so a path's numbers equal a
:func:`~piefolio.engine.simulate` of its closes. Only the NAV on chosen days,
the day a series ran out and (when the plan withdraws) the withdrawals actually
paid come back, so memory stays (P, S, K), not (P, S, T).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from piefolio.engine._kernels import FLOW_WITHDRAWAL, PlanArrays, simulate_pie_nb
from piefolio.engine.simulate import KernelInputs
from piefolio.typing import BoolArray, FloatArray, IntArray

__all__ = ["PathRuns", "simulate_paths"]


@njit(cache=True, parallel=True)
def _run_paths_nb(returns, targets, columns, plan, sample_at, keep_paid):  # type: ignore[no-untyped-def]
    """Run S weightings of the plan on each of P return paths (see the module)."""
    n_paths, n_days, n = returns.shape
    n_series = targets.shape[0]
    out = np.empty((n_paths, n_series, sample_at.shape[0]))
    ran_out = np.empty((n_paths, n_series), dtype=np.int64)
    paid = np.zeros((n_paths, n_series, n_days if keep_paid else 0))
    no_divs = np.zeros((n_days, n))
    days, rate, deposit, withdraw, rebal_day, prop, fixed, min_order, policy, band = (
        plan
    )
    for p in prange(n_paths):
        close = np.empty((n_days, n))
        level = np.full(n, 100.0)
        for t in range(n_days):
            for i in range(n):
                level[i] *= 1.0 + returns[p, t, i]
                close[t, i] = level[i]
        for s in range(n_series):
            idx = np.nonzero(columns[s])[0]
            own = PlanArrays(
                days, rate, deposit, withdraw, rebal_day, prop[idx], fixed,
                min_order, policy, band,
            )  # fmt: skip
            run = simulate_pie_nb(
                np.ascontiguousarray(close[:, idx]), no_divs[:, idx],
                targets[s][idx], own, False,
            )  # fmt: skip
            for k in range(sample_at.shape[0]):
                out[p, s, k] = run.nav[sample_at[k]]
            ran_out[p, s] = run.ran_out
            if keep_paid:
                for t in range(n_days):
                    paid[p, s, t] = run.flows[t, FLOW_WITHDRAWAL]
    return out, ran_out, paid


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
        Day indices whose NAV is kept.
    columns : BoolArray, shape (S, N), optional
        Which slices each series holds (default ``targets > 0``): a benchmark
        runs on its own columns only, so a one-ticker benchmark costs a
        one-ticker run.

    Returns
    -------
    PathRuns
    """
    held = targets > 0 if columns is None else columns
    nav, ran_out, paid = _run_paths_nb(
        np.ascontiguousarray(returns, dtype=np.float64),
        np.ascontiguousarray(targets, dtype=np.float64),
        held,
        inputs.plan_arrays(),
        np.ascontiguousarray(sample_at, dtype=np.int64),
        bool(inputs.withdraw.any()),
    )
    return PathRuns(nav, ran_out, paid)
