"""Benchmark of the engine, with bt and vectorbt as peers measured in the same run.

Rows:

1. kernel: ``simulate_pie_nb`` on prepared arrays: one 15-slice pie, 10 years
   (2014-2024) of real daily prices, 1,000 initial + 100 a month, threshold
   rebalancing (band 0.05), Trading 212-like fees (FX 0.15 % on 5 slices, spread
   2 bps, min order 1). Target ~0.1 ms.
2. simulate: the same pie through ``simulate`` (validation, schedules, kernel,
   Result); then again reading its ledgers (trades, flows, shares, XIRR), which
   a Result builds on first access. Target ~1 ms.
3. batch: 1,000 such pies (random weights) with ``simulate_batch``, keeping
   every pie's daily paths, then with ``paths=False`` (totals and summary
   only, what a sweep uses), against a Python loop of 1,000 ``simulate``
   calls. Target ~50 ms.
4. peers: the one plan every tool can express alike (initial amount only,
   monthly rebalance, no fees) for the same pie: piefolio ``simulate`` vs bt and
   vectorbt (when installed). Final values must agree to 1e-9 (relative) or the
   script fails. bt and vectorbt have no scheduled deposits or absolute
   threshold bands, so row 1's plan cannot be run there as is.
5. large: 500 slices x 5,040 days of seeded GBM, monthly rebalancing, against
   vectorbt on the same plan. Target < 0.5 s.
6. wide batch: 1,000 pies x 20 slices x 2,520 days of seeded GBM, initial
   amount only, monthly rebalancing, no fees, ``simulate_batch(paths=False)``
   against the vectorized numpy loop of the same rules (daily NAV of every
   pie, one matrix product per month) in the same run: the ratio is the
   figure (issue target: within 1.5x). Final values must agree to 1e-9.

7. fees batch: 1,000 pies (row 3's) on row 1's prices, 10,000 initial,
   monthly calendar rebalancing with proportional fees only (spread 2 bps,
   commission 0.05 %, FX 0.15 % on the 5 foreign slices, no fixed fee or
   minimum), ``simulate_batch(paths=False)`` against its baseline, a Python
   loop of 1,000 ``simulate`` calls (final values must be equal), and beside
   them the same batch without fees (the block's fee-free rebalance path).

The last lines give ``nproc`` and numba's threading layer.

Run: ``python benchmarks/engine.py [--prices DIR] [--repeat 7] [--pies 1000]``.
Numba kernels are warmed up (compiled or loaded from cache) before timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from piefolio.engine import simulate, simulate_batch
from piefolio.engine._kernels import simulate_pie_nb
from piefolio.engine.simulate import prepare_inputs
from piefolio.spec import Fees, Flow, Plan

LONG = "yahoo_adjclose_2000_2026-08-03.csv"
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "prices"
SYMBOLS = [
    "CVX", "XOM", "NEE", "ETN", "PWR", "FCX", "SCCO", "PAAS", "COPX", "SLV",
    "CCJ", "IWM", "NVDA", "MSFT", "SPY",
]  # fmt: skip
FOREIGN = {"PAAS", "CCJ", "SCCO", "COPX", "SLV"}
START, END = dt.date(2014, 1, 2), dt.date(2023, 12, 29)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls, after one untimed warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def load(folder: Path) -> pd.DataFrame:
    long = pd.read_csv(folder / LONG, parse_dates=["date"])
    long = long[long["ticker"].isin(SYMBOLS)]
    wide = long.pivot(index="date", columns="ticker", values="adj_close")
    return wide.loc[str(START) : str(END), SYMBOLS].sort_index()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--prices", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--pies", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    prices = load(args.prices)
    assert not prices.isna().any().any(), "the benchmark pie needs full histories"
    rng = np.random.default_rng(args.seed)
    weights = dict(zip(SYMBOLS, rng.dirichlet(np.ones(len(SYMBOLS))), strict=True))
    fx_mask = {s: s in FOREIGN for s in SYMBOLS}
    plan = Plan(
        start=START,
        end=END,
        initial=1000.0,
        deposits=Flow(amount=100.0),
        rebalance={"policy": "threshold", "band": 0.05},
        fees=Fees(fx_pct=0.15, spread_bps=2.0, min_order=1.0),
    )
    rows: list[tuple[str, str, float, str, float | None]] = []

    # 1. kernel alone
    w = np.array([[weights[s] for s in SYMBOLS]])
    inp = prepare_inputs(prices, SYMBOLS, w, plan, fx_mask=fx_mask)

    def kernel() -> object:
        return simulate_pie_nb(
            inp.close, inp.divs, inp.targets[0], inp.plan_arrays(), True
        )

    t_kernel = timed(kernel, args.repeat * 10)
    rows.append(("kernel, 1 pie", "piefolio", t_kernel, "", None))

    # 2. simulate: totals only, then with the ledgers built
    t_call = timed(
        lambda: simulate(prices, weights, plan, fx_mask=fx_mask).final_value,
        args.repeat * 10,
    )
    # The target for the layer around the kernel: at most 1.5x it.
    rows.append(
        (
            "simulate, 1 pie",
            "piefolio",
            t_call,
            f"{t_call / t_kernel:.2f}x kernel",
            None,
        )
    )

    def one() -> float:
        r = simulate(prices, weights, plan, fx_mask=fx_mask)
        _ = (r.nav, r.trades, r.flows, r.shares, r.xirr)
        return r.final_value

    t_sim = timed(one, args.repeat * 10)
    rows.append(("simulate, 1 pie (+ledgers)", "piefolio", t_sim, "", None))

    # 3. batch vs a loop of single runs
    pies = pd.DataFrame(
        rng.dirichlet(np.ones(len(SYMBOLS)), size=args.pies),
        columns=SYMBOLS,
        index=[f"pie{p}" for p in range(args.pies)],
    )

    def batch() -> pd.Series:
        return simulate_batch(prices, pies, plan, fx_mask=fx_mask).final_value

    def summary() -> pd.Series:
        lean = simulate_batch(prices, pies, plan, fx_mask=fx_mask, paths=False)
        return lean.final_value

    def loop() -> list[float]:
        return [
            simulate(
                prices, pies.loc[name].to_dict(), plan, fx_mask=fx_mask
            ).final_value
            for name in pies.index
        ]

    finals = batch()
    assert np.array_equal(finals.to_numpy(), np.array(loop())), "batch != loop"
    assert np.array_equal(finals.to_numpy(), summary().to_numpy()), "paths differ"
    t_paths = timed(batch, args.repeat)
    t_batch = timed(summary, args.repeat)
    t_loop = timed(loop, 1)
    rows.append((f"batch, {args.pies} pies, paths", "piefolio", t_paths, "", None))
    rows.append((f"batch, {args.pies} pies, summary", "piefolio", t_batch, "", None))
    rows.append(
        (
            f"loop, {args.pies} x simulate",
            "naive",
            t_loop,
            f"{t_loop / t_batch:.1f}x",
            None,
        )
    )

    # 4. peers on the plan they can all express
    common = Plan(
        start=START, end=END, initial=10_000.0, rebalance="monthly",
        fees=Fees(min_order=0.0),
    )  # fmt: skip
    ours = simulate(prices, weights, common).final_value
    t_ours = timed(
        lambda: simulate(prices, weights, common).final_value, args.repeat * 10
    )
    rows.append(("monthly, no fees, 1 pie", "piefolio", t_ours, "1.0x", ours))
    for name, peer in (("bt", _bt), ("vectorbt", _vectorbt)):
        fn = peer(prices, weights)
        if fn is None:
            rows.append(
                ("monthly, no fees, 1 pie", f"{name} (not installed)", np.nan, "", None)
            )
            continue
        value = fn()
        if abs(value / ours - 1.0) > 1e-9:
            raise SystemExit(f"{name} final value {value!r} != piefolio {ours!r}")
        t_peer = timed(fn, max(1, args.repeat // 2))
        rows.append(
            ("monthly, no fees, 1 pie", name, t_peer, f"{t_peer / t_ours:.0f}x", value)
        )
    rows += _large(args.repeat)
    rows += _wide(args.repeat, args.pies)
    rows += _fees_batch(prices, pies, fx_mask, args.repeat)
    _print(rows, len(prices))
    print(
        f"nproc {os.cpu_count()}, numba threads {numba.get_num_threads()}, "
        f"threading layer {numba.threading_layer()}"
    )


def _numpy_monthly(
    close: np.ndarray, first: np.ndarray, w: np.ndarray, initial: float
) -> np.ndarray:
    """Daily NAV (T, P) of P pies bought at ``w`` and rebalanced on ``first`` days,
    no fees: the vectorized numpy loop, one matrix product per month."""
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(close)]
    shares = w * (initial / close[0])
    nav = np.empty((len(close), len(w)))
    for a, b in zip(starts, ends, strict=True):
        nav[a:b] = close[a:b] @ shares.T
        if b < len(close):
            shares = w * ((close[b] @ shares.T)[:, None] / close[b])
    return nav


def _wide(repeat: int, pies: int) -> list[tuple[str, str, float, str, float | None]]:
    """P pies x 20 slices x 2,520 days, monthly, no fees: batch vs numpy."""
    rng = np.random.default_rng(3)
    days, n = 2520, 20
    close = 100 * np.cumprod(1 + rng.normal(3e-4, 0.015, size=(days, n)), axis=0)
    index = pd.bdate_range("2005-01-03", periods=days)
    prices = pd.DataFrame(close, index=index, columns=[f"W{i:02d}" for i in range(n)])
    w = rng.dirichlet(np.ones(n), size=pies)
    weights = pd.DataFrame(w, columns=prices.columns)
    plan = Plan(
        start=index[0].date(), initial=10_000.0, rebalance="monthly",
        fees=Fees(min_order=0.0),
    )  # fmt: skip
    month = index.to_period("M")
    first = np.r_[True, month[1:] != month[:-1]]

    def ours() -> np.ndarray:
        run = simulate_batch(prices, weights, plan, paths=False)
        return run.final_value.to_numpy()

    def vectorized() -> np.ndarray:
        return _numpy_monthly(close, first, w, 10_000.0)[-1]

    gap = np.max(np.abs(ours() / vectorized() - 1.0))
    if gap > 1e-9:
        raise SystemExit(f"batch and numpy final values differ by {gap:.3g}")
    t_np = timed(vectorized, repeat)
    t_ours = timed(ours, repeat)
    case = f"{pies} pies x {n} slices, monthly"
    return [
        (case, "numpy loop", t_np, "1.0x", None),
        (case, "piefolio batch", t_ours, f"{t_ours / t_np:.1f}x", None),
    ]


def _fees_batch(
    prices: pd.DataFrame,
    pies: pd.DataFrame,
    fx_mask: dict[str, bool],
    repeat: int,
) -> list[tuple[str, str, float, str, float | None]]:
    """Calendar-rebalanced batch with proportional fees vs a loop of simulate."""
    fees = Fees(spread_bps=2.0, commission_pct=0.05, fx_pct=0.15, min_order=0.0)
    plan = Plan(start=START, end=END, initial=10_000.0, rebalance="monthly", fees=fees)
    free = plan.model_copy(update={"fees": Fees(min_order=0.0)})

    def batch(p: Plan = plan) -> np.ndarray:
        run = simulate_batch(prices, pies, p, fx_mask=fx_mask, paths=False)
        return run.final_value.to_numpy()

    def loop() -> np.ndarray:
        return np.array(
            [
                simulate(
                    prices, pies.loc[name].to_dict(), plan, fx_mask=fx_mask
                ).final_value
                for name in pies.index
            ]
        )

    if not np.array_equal(batch(), loop()):
        raise SystemExit("fees batch != loop of simulate")
    t_batch = timed(batch, repeat)
    t_free = timed(lambda: batch(free), repeat)
    t_loop = timed(loop, 1)
    case = f"{len(pies)} pies, monthly + prop. fees"
    return [
        (case, f"loop, {len(pies)} x simulate", t_loop, "1.0x", None),
        (case, "piefolio batch", t_batch, f"{t_loop / t_batch:.1f}x faster", None),
        (case, "piefolio batch, no fees", t_free, f"{t_free / t_batch:.2f}x", None),
    ]


def _large(repeat: int) -> list[tuple[str, str, float, str, float | None]]:
    """500 slices x 5,040 days of seeded GBM, monthly rebalancing: target < 0.5 s."""
    rng = np.random.default_rng(7)
    days, n = 5040, 500
    rets = rng.normal(3e-4, 0.015, size=(days, n))
    big = pd.DataFrame(
        100 * np.cumprod(1 + rets, axis=0),
        index=pd.bdate_range("2005-01-03", periods=days),
        columns=[f"G{i:03d}" for i in range(n)],
    )
    weights = dict.fromkeys(big.columns, 1.0 / n)
    plan = Plan(
        start=big.index[0].date(), initial=10_000.0, rebalance="monthly",
        fees=Fees(min_order=0.0),
    )  # fmt: skip
    ours = simulate(big, weights, plan).final_value
    t_ours = timed(lambda: simulate(big, weights, plan).final_value, repeat)
    case = f"{n} slices x {days} days, monthly"
    out = [(case, "piefolio", t_ours, "1.0x", ours)]
    fn = _vectorbt(big, weights)
    if fn is not None:
        value = fn()
        if abs(value / ours - 1.0) > 1e-9:
            raise SystemExit(f"vectorbt final value {value!r} != piefolio {ours!r}")
        t_peer = timed(fn, 1)
        out.append((case, "vectorbt", t_peer, f"{t_peer / t_ours:.0f}x", value))
    return out


def _bt(prices: pd.DataFrame, weights: dict[str, float]) -> Callable[[], float] | None:
    try:
        import bt
    except ImportError:
        return None

    def run() -> float:
        strategy = bt.Strategy(
            "pie",
            [
                bt.algos.RunMonthly(run_on_first_date=True),
                bt.algos.SelectAll(),
                bt.algos.WeighSpecified(**weights),
                bt.algos.Rebalance(),
            ],
        )
        test = bt.Backtest(
            strategy, prices, initial_capital=10_000.0, integer_positions=False,
            progress_bar=False,
        )  # fmt: skip
        return float(bt.run(test).prices["pie"].iloc[-1] * 100.0)

    return run


def _vectorbt(
    prices: pd.DataFrame, weights: dict[str, float]
) -> Callable[[], float] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import vectorbt as vbt
    except ImportError:
        return None
    month = prices.index.to_period("M")
    first = np.r_[True, month[1:] != month[:-1]]
    size = pd.DataFrame(np.nan, index=prices.index, columns=prices.columns)
    size.loc[first] = [weights[s] for s in prices.columns]

    def run() -> float:
        pf = vbt.Portfolio.from_orders(
            prices, size, size_type="targetpercent", init_cash=10_000.0,
            cash_sharing=True, group_by=True, call_seq="auto", freq="1D",
        )  # fmt: skip
        return float(pf.value().iloc[-1])

    return run


def _print(rows: list[tuple[str, str, float, str, float | None]], days: int) -> None:
    title = f"piefolio engine, 15 slices x {days} days (median wall time)"
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(title)
        for case, tool, t, ratio, value in rows:
            shown = "" if value is None else f"{value:,.6f}"
            print(f"{case:32} {tool:22} {t * 1e3:10.3f} ms {ratio:>8} {shown}")
        return
    table = Table(title=title)
    for col in ("case", "tool", "time", "ratio", "final value"):
        table.add_column(col, justify="left" if col in ("case", "tool") else "right")
    for case, tool, t, ratio, value in rows:
        table.add_row(
            case,
            tool,
            "-" if np.isnan(t) else f"{t * 1e3:,.3f} ms",
            ratio,
            "" if value is None else f"{value:,.6f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
