"""Benchmark of the Monte Carlo of a plan against a naive per-path loop.

Workload (issue target: under 10 s on 2 cores, memory bounded): 10,000 paths x
10 years of daily steps (2,520), a 15-slice pie plus a one-ticker benchmark on the
same paths, 100 a month deposits, monthly rebalancing, 0.15 % FX fees, bootstrap
of 15 years of synthetic correlated daily returns.

Rows:

1. ``monte_carlo``: chunks of paths drawn and run in one parallel numba kernel;
   only month-end NAVs are kept.
2. naive: the same paths one by one through :func:`piefolio.simulate` (pandas in,
   pandas out), timed on ``--naive-paths`` paths and scaled to the full count.

Memory: the size of what the result holds and the peak of the largest chunk,
against what holding every daily path would take.

Run: ``python benchmarks/montecarlo.py [--paths 10000] [--years 10]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from piefolio.engine import simulate
from piefolio.models import replace
from piefolio.scenarios.montecarlo import horizon_dates, monte_carlo
from piefolio.scenarios.sampling import StationaryBootstrap
from piefolio.spec import Plan

N = 15


def market(seed: int = 0, days: int = 3780) -> np.ndarray:
    """Daily returns of N correlated assets: one factor plus noise."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(3e-4, 0.01, size=(days, 1))
    return factor * rng.uniform(0.5, 1.5, N) + rng.normal(1e-4, 0.012, (days, N))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--paths", type=int, default=10_000)
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--naive-paths", type=int, default=20)
    args = ap.parse_args()

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
    sampler = StationaryBootstrap(market())
    start = pd.Timestamp("2027-01-04")
    fx = dict.fromkeys(symbols, True)

    # Warm-up: compile (or load from cache) the kernels outside the timing.
    monte_carlo(sampler, symbols, series, plan, start=start, years=0.1, paths=4)
    t = time.perf_counter()
    res = monte_carlo(
        sampler, symbols, series, plan, start=start, years=args.years,
        paths=args.paths, seed=1, fx_mask=fx,
    )  # fmt: skip
    fast = time.perf_counter() - t

    # The same calendar horizon monte_carlo runs (every business day of the years).
    dates = horizon_dates(start, args.years)
    steps = len(dates)
    rng = np.random.default_rng(1)
    paths = sampler.sample(rng, args.naive_paths, steps)
    path_plan = replace(plan, start=dates[0].date())
    fx_mask = pd.Series(fx)
    simulate(pd.DataFrame(100 * np.cumprod(1 + paths[0], axis=0), index=dates,
             columns=symbols), pie, path_plan, fx_mask=fx_mask)  # fmt: skip
    t = time.perf_counter()
    for p in range(args.naive_paths):
        prices = pd.DataFrame(
            100 * np.cumprod(1 + paths[p], axis=0), index=dates, columns=symbols
        )
        simulate(prices, pie, path_plan, fx_mask=fx_mask)
        simulate(prices[[symbols[0]]], {symbols[0]: 1.0}, path_plan, fx_mask=fx_mask)
    naive = (time.perf_counter() - t) / args.naive_paths * args.paths

    kept = res.nav.nbytes + res.xirr.nbytes + res.ran_out.nbytes
    chunk_bytes = 250 * steps * N * 8 * 2  # returns and prices of one chunk
    every_path = args.paths * steps * N * 8
    cores = os.cpu_count()
    print(f"Monte Carlo: {args.paths:,} paths x {steps:,} days x {N} slices + 1 "
          f"benchmark, monthly deposits and rebalancing, {cores} cores")  # fmt: skip
    print(f"{'method':<34}{'seconds':>10}{'ratio':>9}")
    print(f"{'monte_carlo (chunks, numba)':<34}{fast:>10.2f}{1.0:>9.1f}")
    print(f"{'naive: simulate() per path':<34}{naive:>10.2f}{naive / fast:>9.1f}")
    print(
        f"memory: result {kept / 2**20:.1f} MiB, largest chunk "
        f"~{chunk_bytes / 2**20:.0f} MiB; every daily path would be "
        f"{every_path / 2**30:.1f} GiB"
    )
    print(
        f"median final value: pie {np.median(res.final[:, 0]):,.0f}, "
        f"first slice {np.median(res.final[:, 1]):,.0f}"
        f" (put in {res.invested.iloc[-1]:,.0f}); target < 10 s: "
        f"{'met' if fast < 10 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
