"""Monte Carlo of a plan: where the deposits could end up, and how often they win.

The full plan (initial amount, deposits, withdrawals, rebalancing, fees, cash
interest) runs forward on many random paths of joint daily returns, drawn by a
sampler of :mod:`piefolio.scenarios.sampling`. The pie and every benchmark run on
the *same* paths, so "the chance to beat the S&P 500" compares like with like.

Conventions:

- Simple daily returns in the base currency; a path starts at the first business
  day after the history and runs ``round(252 * years)`` business days.
- Memory stays bounded: paths are drawn and run in chunks, and only each path's
  NAV at month ends (and its final value) is kept, never the daily paths.
- Reproducible: chunk ``c`` draws from ``SeedSequence(seed).spawn(chunks)[c]``, so
  the same seed gives the same numbers whatever the chunking or the machine.
- "Loss" means a final value below the net amount put in (deposits minus
  withdrawals); XIRR is per path, from the plan's dated flows and its final value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit, prange

from piefolio.engine._kernels import simulate_pie_nb
from piefolio.engine.simulate import KernelInputs, prepare_inputs
from piefolio.errors import PlanError
from piefolio.scenarios.sampling import Sampler
from piefolio.spec import Plan
from piefolio.typing import FloatArray, IntArray

__all__ = ["MonteCarloResult", "monte_carlo"]

PERCENTILES = (5, 25, 50, 75, 95)


@njit(cache=True, parallel=True)
def run_paths_nb(  # type: ignore[no-untyped-def]
    returns, days, rate, deposit, withdraw, rebal_day, targets, columns, prop,
    fixed, min_order, policy, band, sample_at,
):  # fmt: skip
    """Run S weightings of the plan on each of P return paths.

    Parameters
    ----------
    returns : ndarray, shape (P, T, N)
        Daily simple returns of every path.
    targets : ndarray, shape (S, N)
        Target weights of each series (the pie, then the benchmarks).
    columns : ndarray of bool, shape (S, N)
        Which slices each series holds: a benchmark runs on its own columns only,
        so a one-ticker benchmark costs a one-ticker run.
    sample_at : ndarray of int64, shape (K,)
        Day indices whose NAV is kept.
    Other parameters are those of :func:`simulate_pie_nb`.

    Returns
    -------
    (ndarray (P, S, K), ndarray of int64 (P, S))
        NAV at the sampled days; the day each series ran out of money, or -1.
    """
    n_paths, n_days, n = returns.shape
    n_series = targets.shape[0]
    out = np.empty((n_paths, n_series, sample_at.shape[0]))
    ran_out = np.empty((n_paths, n_series), dtype=np.int64)
    no_divs = np.zeros((n_days, n))
    for p in prange(n_paths):
        close = np.empty((n_days, n))
        level = np.full(n, 100.0)
        for t in range(n_days):
            for i in range(n):
                level[i] *= 1.0 + returns[p, t, i]
                close[t, i] = level[i]
        for s in range(n_series):
            idx = np.nonzero(columns[s])[0]
            res = simulate_pie_nb(
                np.ascontiguousarray(close[:, idx]), no_divs[:, idx], days, rate,
                deposit, withdraw, rebal_day, targets[s][idx], prop[idx], fixed,
                min_order, policy, band, False,
            )  # fmt: skip
            nav = res[0]
            for k in range(sample_at.shape[0]):
                out[p, s, k] = nav[sample_at[k]]
            ran_out[p, s] = res[10]
    return out, ran_out


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class MonteCarloResult:
    """Outcomes of a plan over many paths, for the pie and each benchmark.

    Attributes
    ----------
    names : tuple of str
        Series names; the pie first.
    dates : pd.DatetimeIndex, shape (K,)
        Month ends (and the last day) where NAV was kept.
    nav : FloatArray, shape (P, S, K)
        NAV of each path, series and sampled day, in the base currency.
    ran_out : IntArray, shape (P, S)
        Day index on which a series ran out of money, or -1.
    invested : pd.Series
        Net amount put in by each sampled date (deposits minus withdrawals).
    xirr : FloatArray, shape (P, S)
        Money-weighted annual return of each path and series.
    goal : float or None
        The target final value asked for, if any.
    """

    names: tuple[str, ...]
    dates: pd.DatetimeIndex
    nav: FloatArray
    ran_out: IntArray
    invested: pd.Series
    xirr: FloatArray
    goal: float | None

    @property
    def paths(self) -> int:
        """Number of paths."""
        return int(self.nav.shape[0])

    @property
    def final(self) -> FloatArray:
        """Final values, shape (P, S)."""
        out: FloatArray = self.nav[:, :, -1]
        return out

    def fan(self, series: int = 0) -> pd.DataFrame:
        """Percentiles 5/25/50/75/95 of NAV over time for one series (dates x p)."""
        values = np.percentile(self.nav[:, series, :], PERCENTILES, axis=0)
        return pd.DataFrame(values.T, index=self.dates, columns=list(PERCENTILES))

    def summary(self) -> pd.DataFrame:
        """Tabulate the outcomes: one row per series.

        Columns: percentiles of the final value, median XIRR, probabilities of a
        loss, of reaching the goal, of running out and (benchmarks) of the pie
        beating them, and the expected shortfall of the final value (mean of the
        worst 5 %).
        """
        put_in = float(self.invested.iloc[-1])
        rows = []
        for s, name in enumerate(self.names):
            final = self.final[:, s]
            worst = np.sort(final)[: max(1, int(0.05 * len(final)))]
            row: dict[str, float | str] = {"series": name}
            for q, v in zip(
                PERCENTILES, np.percentile(final, PERCENTILES), strict=True
            ):
                row[f"final_p{q}"] = float(v)
            row["xirr_p50"] = float(np.nanmedian(self.xirr[:, s]))
            row["p_loss"] = float((final < put_in).mean())
            row["expected_shortfall"] = float(worst.mean())
            row["p_ran_out"] = float((self.ran_out[:, s] >= 0).mean())
            if self.goal is not None:
                row["p_goal"] = float((final >= self.goal).mean())
            if s > 0:
                row["p_pie_beats"] = float((self.final[:, 0] > final).mean())
            rows.append(row)
        return pd.DataFrame(rows).set_index("series")


def _month_ends(dates: pd.DatetimeIndex) -> np.ndarray:
    month = dates.to_period("M")
    last = np.flatnonzero(month[1:] != month[:-1])
    return np.unique(np.append(last, len(dates) - 1)).astype(np.int64)


def monte_carlo(
    sampler: Sampler,
    symbols: list[str],
    series: Mapping[str, Mapping[str, float]],
    plan: Plan,
    *,
    start: pd.Timestamp,
    years: float = 10.0,
    paths: int = 10_000,
    seed: int = 0,
    chunk: int = 250,
    goal: float | None = None,
    fx_mask: Mapping[str, bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarloResult:
    """Run the plan forward on ``paths`` sampled paths for each series.

    Parameters
    ----------
    sampler : Sampler
        Draws (paths, days, N) returns for ``symbols`` in that column order.
    symbols : list of str, length N
        The columns of the sampler's returns.
    series : Mapping[str, Mapping[str, float]]
        Name -> target weights over (a subset of) ``symbols``; the pie first,
        then the benchmarks.
    plan : Plan
        The plan; its ``start`` and ``end`` are replaced by the simulated dates.
    start : pd.Timestamp
        First simulated day.
    years : float
        Horizon; ``round(252 * years)`` business days.
    paths : int
        Number of paths.
    seed : int
        Seed of the whole run.
    chunk : int
        Paths drawn and run at once (bounds the memory: chunk x days x N floats).
    goal : float, optional
        A final value whose probability to reach is reported.
    fx_mask : Mapping[str, bool], optional
        Symbols that pay the FX fee.
    progress : callable, optional
        ``progress(done, total)`` after each chunk.

    Returns
    -------
    MonteCarloResult
    """
    if paths < 1 or years <= 0:
        raise PlanError(f"need paths >= 1 and years > 0; got {paths} and {years}")
    steps = round(252 * years)
    dates = pd.bdate_range(start, periods=steps)
    mc_plan = plan.model_copy(update={"start": dates[0].date(), "end": None})
    placeholder = pd.DataFrame(1.0, index=dates, columns=symbols)
    uniform = np.full(len(symbols), 1.0 / len(symbols))
    inputs: KernelInputs = prepare_inputs(
        placeholder, symbols, uniform[None, :], mc_plan, fx_mask=fx_mask
    )
    names = tuple(series)
    targets = np.zeros((len(names), len(symbols)))
    for s, name in enumerate(names):
        for ticker, w in series[name].items():
            targets[s, symbols.index(ticker)] = w
    columns = targets > 0
    sample_at = _month_ends(dates)
    seeds = np.random.SeedSequence(seed).spawn(-(-paths // chunk))
    navs, outs = [], []
    done = 0
    for c, child in enumerate(seeds):
        size = min(chunk, paths - c * chunk)
        returns = sampler.sample(np.random.default_rng(child), size, steps)
        nav, ran_out = run_paths_nb(
            np.ascontiguousarray(returns), inputs.days, inputs.rate, inputs.deposit,
            inputs.withdraw, inputs.rebal_day, targets, columns, inputs.prop,
            inputs.fixed, inputs.min_order, inputs.policy, inputs.band, sample_at,
        )  # fmt: skip
        navs.append(nav)
        outs.append(ran_out)
        done += size
        if progress is not None:
            progress(done, paths)
    nav_all = np.concatenate(navs)
    net = np.cumsum(inputs.deposit - inputs.withdraw)
    invested = pd.Series(net[sample_at], index=dates[sample_at], name="invested")
    xirr = _xirr_paths(dates, inputs.deposit, inputs.withdraw, nav_all[:, :, -1])
    return MonteCarloResult(
        names, dates[sample_at], nav_all, np.concatenate(outs), invested, xirr, goal
    )


def _xirr_paths(
    dates: pd.DatetimeIndex,
    deposit: FloatArray,
    withdraw: FloatArray,
    final: FloatArray,
) -> FloatArray:
    """XIRR of each path and series: the same dated flows, a different final value."""
    from pyxirr import xirr

    flow_days = np.flatnonzero((deposit != 0) | (withdraw != 0))
    when = [d.date() for d in dates[flow_days]] + [dates[-1].date()]
    amounts = list(-(deposit - withdraw)[flow_days])
    out = np.full(final.shape, np.nan)
    for idx in np.ndindex(final.shape):
        try:
            value = xirr(when, [*amounts, float(final[idx])])
        except Exception:  # pyxirr raises when no rate solves the flows
            value = None
        out[idx] = np.nan if value is None else value
    return out
