"""Benchmark of sweeps: variants per second, locally and on a 2-worker Dask cluster.

Rows (each also against a naive baseline measured in the same run, one
:func:`piefolio.simulate` call per variant, timed on a sample and scaled):

1. 100,000 random weightings of a 20-slice pie over 10 years of seeded GBM
   prices, monthly deposits and threshold rebalancing, through
   :func:`~piefolio.sweep.variants.run_variants` in this process;
2. the same sweep on a local Dask cluster of 2 workers (the overhead against 1);
3. every monthly start date 2005-2026 of a real pie (the AI-energy pie needs
   tickers from 2021 on, so the sweep runs its benchmarks' and the available
   slices' prices from ``../shared``), through
   :func:`~piefolio.sweep.starts.sweep_starts`.

Targets (issue #8): 100,000 variants under 10 s on 2 cores; Dask overhead under
20 % at that size.

Run: ``python benchmarks/sweep.py [--variants 100000] [--no-dask]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from piefolio.engine import simulate
from piefolio.spec import parse_pie
from piefolio.sweep.starts import sweep_starts
from piefolio.sweep.variants import SweepSettings, run_variants

N = 20
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "prices"


def gbm(days: int = 2520, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rets = rng.normal(3e-4, 0.015, size=(days, N))
    index = pd.bdate_range("2015-01-01", periods=days)
    return pd.DataFrame(
        100 * np.cumprod(1 + rets, axis=0),
        index=index,
        columns=[f"S{i:02d}" for i in range(N)],
    )


def spec_of(tickers: list[str], start: str, *, limits: bool) -> Any:
    slices = "".join(
        f'[[pie.slices]]\nticker = "{t}"\nweight = {1 / len(tickers)!r}\n'
        for t in tickers
    )
    text = (
        f'[pie]\nname = "bench"\n{slices}[plan]\nstart = {start}\ninitial = 1000\n'
        'deposits = { amount = 100, every = "month", day = 1 }\n'
        'rebalance = { policy = "threshold", band = 0.05 }\n'
    )
    if limits:
        text += "[optimize]\nslice_max = 0.2\n"
    return parse_pie(text)


def timed(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--variants", type=int, default=100_000)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    prices = gbm()
    spec = spec_of(list(prices.columns), "2015-01-01", limits=True)
    settings = SweepSettings(weights=args.variants - 1, spread=0.5, seed=1)
    rows: list[tuple[str, int, float, float]] = []

    with tempfile.TemporaryDirectory() as tmp:
        run_variants(spec, prices, SweepSettings(weights=10), Path(tmp) / "warm")
        local, result = timed(
            lambda: run_variants(spec, prices, settings, Path(tmp) / "local")
        )
        sample = result.weights.iloc[:20]
        naive, _ = timed(
            lambda: [simulate(prices, w, spec.plan) for _, w in sample.iterrows()]
        )
        naive *= args.variants / len(sample)
        rows.append(("weights, this process", args.variants, local, naive))
        if not args.no_dask:
            from dask.distributed import Client, LocalCluster

            cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, dashboard_address=None
            )
            with cluster, Client(cluster) as client:
                warm = SweepSettings(weights=10)
                run_variants(spec, prices, warm, Path(tmp) / "dwarm", executor=client)
                on_dask, dres = timed(
                    lambda: run_variants(
                        spec, prices, settings, Path(tmp) / "dask", executor=client
                    )
                )
            pd.testing.assert_frame_equal(result.rows, dres.rows)
            rows.append(("weights, Dask 2 workers", args.variants, on_dask, naive))

    long = SHARED / "yahoo_adjclose_2000_2026-08-03.csv"
    if long.is_file():
        real = pd.read_csv(long, parse_dates=["date"]).pivot(
            index="date", columns="ticker", values="adj_close"
        )
        held = ["CVX", "XOM", "NEE", "ETN", "PWR", "FCX", "SCCO", "PAAS", "IWM"]
        pie = spec_of(held, "2005-01-03", limits=False)
        series = {"pie": dict.fromkeys(held, 1 / len(held)), "SPY": {"SPY": 1.0}}
        t, res = timed(lambda: sweep_starts(real, series, pie.plan))
        starts = res.rows["start"].nunique()
        one = time.perf_counter()
        for s in res.rows["start"].unique()[:5]:
            plan = pie.plan.model_copy(update={"start": pd.Timestamp(s).date()})
            for w in series.values():
                simulate(real, w, plan)
        naive_starts = (time.perf_counter() - one) / 5 * starts
        rows.append(("monthly starts 2005-2026, real", starts * 2, t, naive_starts))
    else:
        print(f"skipped the real start-date sweep: {long} not found")

    head = ("workload", "runs", "seconds", "runs/s", "naive s", "ratio")
    print(f"{head[0]:<34}" + "".join(f"{h:>9}" for h in head[1:]))
    for name, n, t, base in rows:
        print(f"{name:<34}{n:>9,}{t:>9.2f}{n / t:>9,.0f}{base:>9.1f}{base / t:>9.1f}")
    if len(rows) > 1 and rows[1][0].startswith("weights, Dask"):
        print(f"Dask overhead at {args.variants:,}: {rows[1][2] / rows[0][2] - 1:+.0%}")


if __name__ == "__main__":
    main()
