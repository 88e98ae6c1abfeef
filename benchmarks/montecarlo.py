"""Benchmark of the Monte Carlo of a plan against the per-path kernel it replaced.

Workload (issue #21: 1 s on the quiet machine): 10,000 paths x 10 years of
business days (2,610), a 15-slice pie plus a one-ticker benchmark on the same
paths, 100 a month deposits, monthly rebalancing, 0.15 % FX fees, bootstrap of
15 years of synthetic correlated daily returns, chunks of 250 paths.

Rows, each timed in this run, interleaved, median of ``--repeats``:

1. ``monte_carlo``: the whole call (draws, the paths kernel in blocks of
   paths, XIRR per path).
2. baseline: the same chunks as the code before the paths kernel ran them
   (:data:`BASELINE`): each chunk's returns written out by the sampler, then
   every path and series through the single-pie kernel (a prange over
   paths), then XIRR. Its numbers must equal row 1's, and the script says so.
3. The kernels alone on one chunk: the paths kernel on drawn rows, and the
   per-path single-pie kernel on the chunk's returns.
4. naive: ``--naive-paths`` paths one by one through :func:`piefolio.simulate`
   (pandas in, pandas out), scaled to the full count.
5. The draws alone on one chunk (250 paths): ``bootstrap_indices`` (the
   generator's draws, then the block walk in a kernel) against the numpy walk
   it replaced (``tests/scenarios/_reference.py``, a running maximum of block starts);
   the indices must be equal, and the script says so. Mean of 10 calls.

CPU time (``time.process_time``, all threads) is the measure on a loaded
machine; wall time is printed beside it. ``--first-compile`` also times the
first call with an empty numba cache, in a fresh process.

Run: ``python benchmarks/montecarlo.py [--paths 10000] [--years 10]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np
import pandas as pd
from numba import njit, prange

from piefolio.engine import KernelInputs, prepare_inputs, simulate
from piefolio.engine._kernels import FLOW_WITHDRAWAL, PlanArrays, simulate_pie_nb
from piefolio.engine.paths import simulate_drawn
from piefolio.ledger import xirr
from piefolio.models import replace
from piefolio.scenarios.montecarlo import _month_ends, horizon_dates, monte_carlo
from piefolio.scenarios.sampling import StationaryBootstrap, bootstrap_indices
from piefolio.spec import Plan

# The numpy walk the kernel replaced is the tests' reference; one copy of it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.scenarios._reference import numpy_walk_indices

N = 15
BASELINE = "7ba8444 (engine/paths.py before the paths kernel)"


@njit(cache=True, parallel=True)
def _per_path_nb(returns, targets, columns, plan, sample_at, keep_paid):  # type: ignore[no-untyped-def]
    """The Monte Carlo kernel of the baseline: simulate_pie_nb per path and series."""
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


def market(seed: int = 0, days: int = 3780) -> np.ndarray:
    """Daily returns of N correlated assets: one factor plus noise."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(3e-4, 0.01, size=(days, 1))
    return factor * rng.uniform(0.5, 1.5, N) + rng.normal(1e-4, 0.012, (days, N))


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """CPU seconds (all threads), wall seconds and the result of ``fn()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, out


def first_compile() -> float:
    """Seconds of a first tiny monte_carlo in a fresh process, empty numba cache."""
    code = (
        "import time; t = time.perf_counter(); "
        "import benchmarks.montecarlo as b; b.tiny(); "
        "print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
    return float(done.stdout.split()[-1])


def setup() -> tuple[StationaryBootstrap, list[str], dict[str, dict[str, float]], Plan]:
    symbols = [f"S{i:02d}" for i in range(N)]
    pie = dict(zip(symbols, np.full(N, 1.0 / N), strict=True))
    series = {"pie": pie, "first slice": {symbols[0]: 1.0}}
    plan = Plan.model_validate(
        {
            "start": "2026-01-01",
            "initial": 1000,
            "deposits": {"amount": 100, "every": "month", "day": 1},
            "rebalance": "monthly",
            "fees": {"fx_pct": 0.15},
        }
    )
    return StationaryBootstrap(market()), symbols, series, plan


START = pd.Timestamp("2027-01-04")


def tiny() -> None:
    """A first call: compiles (or loads) every kernel a Monte Carlo runs."""
    sampler, symbols, series, plan = setup()
    monte_carlo(sampler, symbols, series, plan, start=START, years=0.1, paths=4)


def baseline(
    sampler: StationaryBootstrap,
    inputs: KernelInputs,
    targets: np.ndarray,
    sample_at: np.ndarray,
    paths: int,
    steps: int,
    seed: int,
    chunk: int = 250,
) -> tuple[np.ndarray, np.ndarray]:
    """monte_carlo's chunks as the baseline ran them: NAV (P, S, K) and XIRR."""
    seeds = np.random.SeedSequence(seed).spawn(-(-paths // chunk))
    plan = inputs.plan_arrays()
    navs, rates = [], []
    for c, ss in enumerate(seeds):
        size = min(chunk, paths - c * chunk)
        returns = sampler.sample(np.random.default_rng(ss), size, steps)
        nav, _, _ = _per_path_nb(returns, targets, targets > 0, plan, sample_at, False)
        navs.append(nav)
        rates.append(xirr(inputs.dates, inputs.deposit, nav[:, :, -1]))
    return np.concatenate(navs), np.concatenate(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--naive-paths", type=int, default=10)
    ap.add_argument("--first-compile", action="store_true")
    args = ap.parse_args()

    sampler, symbols, series, plan = setup()
    fx = dict.fromkeys(symbols, True)
    dates = horizon_dates(START, args.years)
    steps = len(dates)
    path_plan = replace(plan, start=dates[0].date(), end=None)
    inputs = prepare_inputs(
        pd.DataFrame(1.0, index=dates, columns=symbols), symbols,
        np.full((1, N), 1.0 / N), path_plan, fx_mask=fx,
    )  # fmt: skip
    targets = np.zeros((2, N))
    targets[0] = 1.0 / N
    targets[1, 0] = 1.0
    sample_at = _month_ends(dates)

    def fast() -> object:
        return monte_carlo(
            sampler, symbols, series, plan, start=START, years=args.years,
            paths=args.paths, seed=1, fx_mask=fx,
        )  # fmt: skip

    def slow() -> object:
        return baseline(sampler, inputs, targets, sample_at, args.paths, steps, seed=1)

    rng = np.random.default_rng(2)
    drawn = bootstrap_indices(rng, sampler.returns.shape[0], 250, steps, 20.0)
    returns = sampler.returns[drawn]

    def kernel() -> object:
        return simulate_drawn(sampler.returns, drawn, inputs, targets, sample_at)

    def per_path() -> object:
        return _per_path_nb(
            returns, targets, targets > 0, inputs.plan_arrays(), sample_at, False
        )

    history_days = sampler.returns.shape[0]

    def draws() -> object:
        for _ in range(9):
            bootstrap_indices(np.random.default_rng(2), history_days, 250, steps, 20.0)
        return bootstrap_indices(
            np.random.default_rng(2), history_days, 250, steps, 20.0
        )

    def draws_numpy() -> object:
        for _ in range(9):
            numpy_walk_indices(np.random.default_rng(2), history_days, 250, steps, 20.0)
        return numpy_walk_indices(
            np.random.default_rng(2), history_days, 250, steps, 20.0
        )

    # Warm-up: compile (or load from the cache) every kernel outside the timing.
    tiny()
    per_path()
    kernel()
    rows: dict[str, list[tuple[float, float]]] = {}
    results: dict[str, object] = {}
    for _ in range(args.repeats):
        for name, fn in (
            ("monte_carlo", fast),
            ("baseline", slow),
            ("kernel", kernel),
            ("per_path", per_path),
            ("draws", draws),
            ("draws_numpy", draws_numpy),
        ):
            cpu, wall, out = timed(fn)
            rows.setdefault(name, []).append((cpu, wall))
            results[name] = out
    for name in ("draws", "draws_numpy"):  # ten calls each: per call
        rows[name] = [(c / 10, w / 10) for c, w in rows[name]]
    med = {k: np.median(np.array(v), axis=0) for k, v in rows.items()}
    same_draws = np.array_equal(results["draws"], results["draws_numpy"])  # type: ignore[arg-type]
    res = results["monte_carlo"]
    base_nav, base_xirr = results["baseline"]  # type: ignore[misc]
    same = np.array_equal(res.nav, base_nav) and np.array_equal(  # type: ignore[attr-defined]
        res.xirr,
        base_xirr,
        equal_nan=True,  # type: ignore[attr-defined]
    )
    same_kernel = np.array_equal(results["kernel"].nav, results["per_path"][0])  # type: ignore[attr-defined,index]

    def one(p: int) -> pd.DataFrame:
        closes = 100 * np.cumprod(1 + returns[p % len(returns)], axis=0)
        return pd.DataFrame(closes, index=dates, columns=symbols)

    def naive_run() -> object:
        for p in range(args.naive_paths):
            prices = one(p)
            simulate(prices, series["pie"], path_plan, fx_mask=fx)
            simulate(prices[[symbols[0]]], {symbols[0]: 1.0}, path_plan, fx_mask=fx)
        return None

    simulate(one(0), series["pie"], path_plan, fx_mask=fx)
    cpu, wall, _ = timed(naive_run)
    naive = np.array([cpu, wall]) / args.naive_paths * args.paths

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Monte Carlo: {args.paths:,} paths x {steps:,} days x {N} slices + 1 "
        f"benchmark, monthly deposits and rebalancing, FX fees"
    )
    print(
        f"nproc {os.cpu_count()}, numba {numba.__version__} threads "
        f"{numba.get_num_threads()} layer {numba.threading_layer()}, load "
        f"average {load}; median of {args.repeats} interleaved repeats"
    )
    print(f"{'method':<46}{'cpu s':>9}{'wall s':>9}{'cpu ratio':>11}")
    base_cpu = med["baseline"][0]
    lines = (
        ("monte_carlo (paths kernel, drawn rows)", med["monte_carlo"]),
        (f"baseline {BASELINE[:7]} (per-path kernel)", med["baseline"]),
        ("  kernel only, one chunk: paths kernel", med["kernel"]),
        ("  kernel only, one chunk: per-path kernel", med["per_path"]),
        ("naive: simulate() per path, scaled", naive),
        ("  draws only, one chunk: bootstrap_indices", med["draws"]),
        ("  draws only, one chunk: numpy walk (before)", med["draws_numpy"]),
    )
    for label, (c, w) in lines:
        if label.startswith(("mon", "base", "naive")):
            ratio = base_cpu / c
        elif "draws" in label:
            ratio = med["draws_numpy"][0] / c
        else:
            ratio = med["per_path"][0] / c
        digits = 4 if "one chunk" in label else 2  # a chunk: milliseconds
        print(f"{label:<46}{c:>9.{digits}f}{w:>9.{digits}f}{ratio:>10.1f}x")
    print(
        f"baseline: {BASELINE}; same numbers as the baseline: "
        f"{'yes' if same and same_kernel else 'NO'}; draws equal the numpy "
        f"walk's: {'yes' if same_draws else 'NO'}"
    )
    kept = res.nav.nbytes + res.xirr.nbytes + res.ran_out.nbytes  # type: ignore[attr-defined]
    print(
        f"memory: result {kept / 2**20:.1f} MiB; a chunk's drawn rows "
        f"{250 * steps * 8 / 2**20:.0f} MiB (the baseline wrote its returns, "
        f"{250 * steps * N * 8 / 2**20:.0f} MiB); every daily path would be "
        f"{args.paths * steps * N * 8 / 2**30:.1f} GiB"
    )
    if args.first_compile:
        print(f"first call, empty numba cache: {first_compile():.1f} s wall")


if __name__ == "__main__":
    main()
