"""Monte Carlo of a plan: where the deposits could end up, and how often they win.

The full plan (initial amount, deposits, withdrawals, rebalancing, fees, cash
interest) runs forward on many random paths of joint daily returns, drawn by a
sampler of :mod:`piefolio.scenarios.sampling`. The pie and every benchmark run on
the *same* paths, so "the chance to beat the S&P 500" compares like with like.

Conventions:

- Simple daily returns in the base currency; a path starts at the first business
  day after the history and runs every business day of ``years`` calendar years
  (:func:`horizon_dates`: ten years from 2026-08-04 end on 2036-08-03), so the
  plan schedules every deposit that falls in them.
- Memory stays bounded: paths are drawn and run in chunks, and only each path's
  NAV at month ends (and its final value) is kept, never the daily paths.
- Reproducible: chunk ``c`` draws from ``SeedSequence(seed).spawn(chunks)[c]``, so
  the same seed and chunk size give the same numbers on any machine, in this
  process, on all cores or on a Dask cluster.
- What the investor got on a path is its final value plus the withdrawals it
  actually paid; "loss" means that is below the money deposited, and "the pie
  beats" compares it between series (so a plan that withdraws more than it
  deposits is not a sure "no loss" because its net put in is negative); XIRR
  is per path (:func:`piefolio.ledger.xirr`), from the money that moved (a
  path that ran out is paid only what it could still pay) and its final value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from piefolio.engine import KernelInputs, prepare_inputs, simulate_paths
from piefolio.engine.paths import simulate_drawn
from piefolio.errors import PlanError
from piefolio.ledger import xirr
from piefolio.models import replace
from piefolio.scenarios.sampling import Sampler, StationaryBootstrap, bootstrap_indices
from piefolio.spec import Plan
from piefolio.typing import FloatArray, IntArray

__all__ = ["MonteCarloResult", "horizon_dates", "monte_carlo"]

PERCENTILES = (5, 25, 50, 75, 95)


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
    withdrawn : FloatArray, shape (P, S), optional
        Withdrawals each path and series actually paid (positive; None: none).
    deposited : float, optional
        Money deposited over the horizon, the initial amount included (None:
        the last ``invested``).
    """

    names: tuple[str, ...]
    dates: pd.DatetimeIndex
    nav: FloatArray
    ran_out: IntArray
    invested: pd.Series
    xirr: FloatArray
    goal: float | None
    withdrawn: FloatArray | None = None
    deposited: float | None = None

    @property
    def got(self) -> FloatArray:
        """Final value plus the withdrawals paid, shape (P, S)."""
        if self.withdrawn is None:
            return self.final
        out: FloatArray = self.final + self.withdrawn
        return out

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

        Columns: percentiles of the final value, XIRR percentiles 5/50/95,
        probabilities of a loss (final value plus withdrawals below the
        deposits), of reaching the goal, of running out and (benchmarks) of the
        pie beating them (on the same measure), the expected shortfall of the
        final value (mean of the worst 5 %) and, when the plan withdraws, the
        median withdrawn.
        """
        put_in = (
            float(self.invested.iloc[-1])
            if self.deposited is None
            else float(self.deposited)
        )
        got = self.got
        rows = []
        for s, name in enumerate(self.names):
            final = self.final[:, s]
            worst = np.sort(final)[: max(1, int(0.05 * len(final)))]
            row: dict[str, float | str] = {"series": name}
            for q, v in zip(
                PERCENTILES, np.percentile(final, PERCENTILES), strict=True
            ):
                row[f"final_p{q}"] = float(v)
            xirr = self.xirr[:, s]
            for q in (5, 50, 95):
                row[f"xirr_p{q}"] = (
                    float(np.nanpercentile(xirr, q))
                    if np.isfinite(xirr).any()
                    else np.nan
                )
            row["p_loss"] = float((got[:, s] < put_in).mean())
            row["expected_shortfall"] = float(worst.mean())
            row["p_ran_out"] = float((self.ran_out[:, s] >= 0).mean())
            if self.goal is not None:
                row["p_goal"] = float((final >= self.goal).mean())
            if self.withdrawn is not None:
                row["withdrawn_p50"] = float(np.median(self.withdrawn[:, s]))
            if s > 0:
                row["p_pie_beats"] = float((got[:, 0] > got[:, s]).mean())
            rows.append(row)
        return pd.DataFrame(rows).set_index("series")


def horizon_dates(start: pd.Timestamp, years: float) -> pd.DatetimeIndex:
    """List the business days of ``years`` calendar years from ``start``.

    Parameters
    ----------
    start : pd.Timestamp
        First simulated day (the day after the data ends).
    years : float
        Horizon; a fraction counts whole months (``round(12 * years)``).

    Returns
    -------
    pd.DatetimeIndex
        Monday-to-Friday days from ``start`` to the day before ``start`` moved
        on by the horizon: 2026-08-04 and 10 years give 2026-08-04..2036-08-03.
    """
    months = round(12 * years)
    if months < 1:
        raise PlanError(f"years must be a month (1/12) or more; got {years}")
    first = pd.Timestamp(start).normalize()
    last = first + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return pd.bdate_range(first, last)


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
    executor: str | Any = "local",
    workers: int | None = None,
    out_dir: Path | None = None,
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
        Horizon in calendar years: every business day of :func:`horizon_dates`.
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
    executor : {"local", "processes"} or dask.distributed.Client
        Where chunks run; see :func:`piefolio._parallel.run_chunks`. Every
        chunk draws from its own seed, so the numbers do not depend on it.
    workers : int, optional
        Processes for ``"processes"``.
    out_dir : Path, optional
        Keep the chunks there as Parquet parts, so a killed run resumes.

    Returns
    -------
    MonteCarloResult
    """
    if paths < 1 or years <= 0:
        raise PlanError(f"need paths >= 1 and years > 0; got {paths} and {years}")
    dates = horizon_dates(start, years)
    steps = len(dates)
    mc_plan = replace(plan, start=dates[0].date(), end=None)
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
    payload = _Chunks(
        sampler, paths, chunk, steps, seeds, inputs, targets, columns, sample_at
    )
    if executor == "local" and out_dir is None:
        navs, outs, rates, takes = [], [], [], []
        for c in range(len(seeds)):
            nav, ran_out, rate, taken = payload.run(c)
            navs.append(nav)
            outs.append(ran_out)
            rates.append(rate)
            takes.append(taken)
            if progress is not None:
                progress(min((c + 1) * chunk, paths), paths)
        nav_all, ran_all = np.concatenate(navs), np.concatenate(outs)
        xirr_all, taken_all = np.concatenate(rates), np.concatenate(takes)
    else:
        nav_all, ran_all, xirr_all, taken_all = _run_sharded(
            payload, executor, workers, out_dir, seed, mc_plan, names, progress
        )
    net = np.cumsum(inputs.deposit - inputs.withdraw)
    invested = pd.Series(net[sample_at], index=dates[sample_at], name="invested")
    withdraws = bool(np.any(inputs.withdraw > 0))
    return MonteCarloResult(
        names, dates[sample_at], nav_all, ran_all, invested, xirr_all, goal,
        taken_all if withdraws else None, float(np.sum(inputs.deposit)),
    )  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class _Chunks:
    """Everything a chunk of paths needs; picklable, so it can travel to workers."""

    sampler: Sampler
    paths: int
    chunk: int
    steps: int
    seeds: list[np.random.SeedSequence]
    inputs: KernelInputs
    targets: FloatArray
    columns: np.ndarray
    sample_at: np.ndarray

    def run(self, c: int) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
        """Draw and run chunk ``c``: NAV, ran-out days, XIRR, withdrawals paid.

        NAV is (size, S, K), the others (size, S). The XIRR of each path is of
        the money that actually moved: a path that ran out is paid only the
        withdrawals it could still meet.
        """
        size = min(self.chunk, self.paths - c * self.chunk)
        rng = np.random.default_rng(self.seeds[c])
        if isinstance(self.sampler, StationaryBootstrap):
            # The same draws as its sample(), run as rows of the history: the
            # chunk's (size, steps, N) returns are never written out.
            history = self.sampler.returns
            drawn = bootstrap_indices(
                rng, history.shape[0], size, self.steps, self.sampler.mean_block
            )
            runs = simulate_drawn(
                history, drawn, self.inputs, self.targets, self.sample_at,
                columns=self.columns,
            )  # fmt: skip
        else:
            runs = simulate_paths(
                self.sampler.sample(rng, size, self.steps), self.inputs,
                self.targets, self.sample_at, columns=self.columns,
            )  # fmt: skip
        final = runs.nav[:, :, -1]
        rate = xirr(self.inputs.dates, runs.net_in(self.inputs.deposit), final)
        taken = (
            runs.withdrawn.sum(axis=-1)
            if runs.withdrawn.shape[-1]
            else np.zeros(final.shape)
        )
        return runs.nav, runs.ran_out, rate, taken


def _chunk_frame(index: int, payload: _Chunks) -> pd.DataFrame:
    """One chunk as rows (path, series) with ``ran_out`` and NAV columns k0..kK."""
    nav, ran_out, rate, taken = payload.run(index)
    size, n_series, k = nav.shape
    frame = pd.DataFrame(
        nav.reshape(size * n_series, k), columns=[f"k{j}" for j in range(k)]
    )
    frame.insert(0, "withdrawn", taken.reshape(-1))
    frame.insert(0, "xirr", rate.reshape(-1))
    frame.insert(0, "ran_out", ran_out.reshape(-1))
    frame.insert(0, "series", np.tile(np.arange(n_series), size))
    frame.insert(
        0, "path", np.repeat(np.arange(size) + index * payload.chunk, n_series)
    )
    return frame


def _run_sharded(
    payload: _Chunks,
    executor: str | Any,
    workers: int | None,
    out_dir: Path | None,
    seed: int,
    plan: Plan,
    names: tuple[str, ...],
    progress: Callable[[int, int], None] | None,
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Run the chunks through the chunk runner: on all cores or Dask, resumable."""
    import hashlib
    import tempfile

    from piefolio._parallel import run_chunks

    # Parts on disk are reused only by the same run: same draws, same plan.
    history = getattr(payload.sampler, "returns", None)
    key = (
        # The parts' layout: older parts without these columns are not reused.
        "nav+xirr+withdrawn",
        seed, payload.paths, payload.chunk, payload.steps, names,
        hashlib.sha256(payload.targets.tobytes()).hexdigest(),
        plan.model_dump_json(), repr(payload.sampler.__class__),
        getattr(payload.sampler, "mean_block", None),
        getattr(payload.sampler, "dof", None),
        None if history is None else hashlib.sha256(history.tobytes()).hexdigest(),
    )  # fmt: skip
    fingerprint = hashlib.sha256(repr(key).encode()).hexdigest()
    count = len(payload.seeds)

    def report(done: int) -> None:
        if progress is not None:
            progress(min(done * payload.chunk, payload.paths), payload.paths)

    with tempfile.TemporaryDirectory() as scratch:
        rows = run_chunks(
            _chunk_frame, payload, count, out_dir or Path(scratch),
            fingerprint=fingerprint, executor=executor, workers=workers,
            progress=report,
        )  # fmt: skip
    n_series = payload.targets.shape[0]
    nav = rows.filter(regex=r"^k\d+$").to_numpy().reshape(payload.paths, n_series, -1)
    shape = (payload.paths, n_series)
    ran_out = rows["ran_out"].to_numpy(dtype=np.int64).reshape(shape)
    rate = rows["xirr"].to_numpy(dtype=np.float64).reshape(shape)
    taken = rows["withdrawn"].to_numpy(dtype=np.float64).reshape(shape)
    return nav, ran_out, rate, taken
