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
   :func:`~piefolio.sweep.starts.sweep_starts`; its baseline is the plain loop
   of one ``simulate`` per start and series (every 10th start, scaled);
4. one ``simulate`` call (15 slices, 10 real years, threshold band, deposits,
   FX fees: ``benchmarks/engine.py``'s pie) against its kernel alone on the
   prepared arrays: the cost of the layer around the kernel.

Targets (issue #8): 100,000 variants under 10 s on 2 cores; Dask overhead under
20 % at that size. Issue #21: a ``simulate`` call at most 1.5x its kernel; the
start sweep well under a second.

Run: ``python benchmarks/sweep.py [--variants 100000] [--no-dask]``
(``--variants 0``: only rows 3 and 4).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pandas as pd

from piefolio.engine import simulate
from piefolio.engine._kernels import simulate_pie_nb
from piefolio.engine.simulate import prepare_inputs
from piefolio.models import replace
from piefolio.spec import Fees, Flow, Plan, parse_pie
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


#: CPU seconds (this process, all its threads) of the best repeat of the last
#: ``timed`` call: on a loaded machine the steadier figure.
CPU = [0.0]


def timed(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, CPU[0] = wall, time.process_time() - c
    return best, out


def _variant_rows(
    args: argparse.Namespace, prices: pd.DataFrame, spec: Any, settings: Any
) -> list[tuple[str, int, float, float]]:
    """Rows 1 and 2: the weight sweep in this process and on Dask."""
    rows: list[tuple[str, int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        run_variants(spec, prices, SweepSettings(weights=10), Path(tmp) / "warm")
        local, result = timed(
            lambda: run_variants(spec, prices, settings, Path(tmp) / "local")
        )
        print(f"weights, this process: {CPU[0]:.3f} CPU s")
        sample = result.weights.iloc[:20]
        # Compile simulate's kernel first: with an empty numba cache the sample
        # would otherwise time a compile and scale it up 5,000 times.
        simulate(prices, sample.iloc[0], spec.plan)
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

    return rows


def _layer_row(real: pd.DataFrame) -> tuple[str, int, float, float]:
    """Row 4: one ``simulate`` call against its kernel on the prepared arrays."""
    symbols = [
        "CVX", "XOM", "NEE", "ETN", "PWR", "FCX", "SCCO", "PAAS", "COPX", "SLV",
        "CCJ", "IWM", "NVDA", "MSFT", "SPY",
    ]  # fmt: skip
    foreign = {"PAAS", "CCJ", "SCCO", "COPX", "SLV"}
    prices = real.loc["2014-01-02":"2023-12-29", symbols]
    rng = np.random.default_rng(0)
    weights = dict(zip(symbols, rng.dirichlet(np.ones(len(symbols))), strict=True))
    fx_mask = {s: s in foreign for s in symbols}
    plan = Plan(
        start=dt.date(2014, 1, 2),
        end=dt.date(2023, 12, 29),
        initial=1000.0,
        deposits=Flow(amount=100.0),
        rebalance={"policy": "threshold", "band": 0.05},
        fees=Fees(fx_pct=0.15, spread_bps=2.0, min_order=1.0),
    )
    w = np.array([[weights[s] for s in symbols]])
    inp = prepare_inputs(prices, symbols, w, plan, fx_mask=fx_mask)
    arrays = inp.plan_arrays()

    def kernel() -> object:
        return simulate_pie_nb(inp.close, inp.divs, inp.targets[0], arrays, True)

    def call() -> float:
        return simulate(prices, weights, plan, fx_mask=fx_mask).final_value

    # Interleaved, median of medians: the machine's load moves both alike.
    kernel(), call()
    ks, cs = [], []
    for _ in range(7):
        ks.append(_median(kernel, 30))
        cs.append(_median(call, 30))
    return (
        "simulate 1 pie (base: its kernel)",
        1,
        statistics.median(cs),
        statistics.median(ks),
    )


def _median(fn: Any, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--variants", type=int, default=100_000)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    rows: list[tuple[str, int, float, float]] = []
    if args.variants > 0:
        prices = gbm()
        spec = spec_of(list(prices.columns), "2015-01-01", limits=True)
        settings = SweepSettings(weights=args.variants - 1, spread=0.5, seed=1)
        rows += _variant_rows(args, prices, spec, settings)
    long = SHARED / "yahoo_adjclose_2000_2026-08-03.csv"
    if long.is_file():
        real = pd.read_csv(long, parse_dates=["date"]).pivot(
            index="date", columns="ticker", values="adj_close"
        )
        held = ["CVX", "XOM", "NEE", "ETN", "PWR", "FCX", "SCCO", "PAAS", "IWM"]
        pie = spec_of(held, "2005-01-03", limits=False)
        series = {"pie": dict.fromkeys(held, 1 / len(held)), "SPY": {"SPY": 1.0}}
        sweep_starts(real, series, pie.plan)  # warm: the kernel compiled or loaded
        t, res = timed(lambda: sweep_starts(real, series, pie.plan), repeat=3)
        print(f"monthly starts: {CPU[0]:.4f} CPU s")
        starts = res.rows["start"].unique()
        sample = starts[::10]
        one = time.perf_counter()
        for s in sample:
            plan = replace(pie.plan, start=pd.Timestamp(s).date())
            for w in series.values():
                simulate(real, w, plan)
        naive_starts = (time.perf_counter() - one) / len(sample) * len(starts)
        rows.append(
            ("monthly starts 2005-2026, real", len(starts) * 2, t, naive_starts)
        )
        rows.append(_layer_row(real))
    else:
        print(f"skipped the real start-date sweep: {long} not found")

    head = ("workload", "runs", "seconds", "runs/s", "base s", "ratio")
    print(f"{head[0]:<34}" + "".join(f"{h:>9}" for h in head[1:]))
    for name, n, t, base in rows:
        print(f"{name:<34}{n:>9,}{t:>9.4f}{n / t:>9,.0f}{base:>9.4f}{base / t:>9.2f}")
    print("ratio: the baseline's seconds over ours")
    for name, _, t, base in rows:
        if name.startswith("simulate 1 pie"):
            print(f"one simulate costs {t / base:.2f} kernels (target <= 1.5)")
    if len(rows) > 1 and rows[1][0].startswith("weights, Dask"):
        print(f"Dask overhead at {args.variants:,}: {rows[1][2] / rows[0][2] - 1:+.0%}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel ran (--variants 0)
        layer = "not started"
    print(
        f"nproc {os.cpu_count()}, numba threading layer {layer}, "
        f"{numba.get_num_threads()} threads; load average {load}"
    )


if __name__ == "__main__":
    main()
