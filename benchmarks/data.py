"""Benchmark of the data layer against plain pandas, measured in the same run.

Rows:

1. import: ``piefolio data import`` of the 4.7 MB long CSV (parse, check every
   row, write to a fresh DuckDB store in one transaction) vs ``pd.read_csv`` of
   the same file (no checks, no store). Target < 2 s.
2. PriceFrame: 30 symbols x 26 years from the store into a PriceFrame in EUR
   (pivot, bounded fill, dated FX) vs ``pd.read_csv`` + pivot of the same symbols
   in USD. Target < 100 ms.
3. wide import: a generated wide CSV of 5,000 tickers x 250 days (10 MB,
   1.25 M prices) through the same path as row 1, vs ``pd.read_csv`` of it.
   Target < 10 s (issue 13: it took about three minutes, ~35 ms a ticker).

Run: ``python benchmarks/data.py [--prices DIR] [--repeat 5]``; ``--check``
first verifies that both sides give the same prices.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from piefolio.data.prices import load_frame
from piefolio.data.providers.files import read_prices_file
from piefolio.data.store import Store

LONG = "yahoo_adjclose_2000_2026-08-03.csv"
FRED = "fred_ecb_fx_oil_daily.csv"
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "prices"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm-up: imports, file cache
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--prices", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    long_csv = args.prices / LONG
    tmp = Path(tempfile.mkdtemp(prefix="piefolio-bench-"))
    counter = iter(range(10**6))

    def piefolio_import() -> None:
        store = Store(tmp / f"import-{next(counter)}.duckdb")
        store.write(read_prices_file(long_csv))

    def pandas_read() -> None:
        pd.read_csv(long_csv)

    wide_csv = tmp / "wide-5000.csv"
    _write_wide(wide_csv, tickers=5000, days=250)

    def piefolio_wide() -> None:
        store = Store(tmp / f"wide-{next(counter)}.duckdb")
        store.write(read_prices_file(wide_csv))

    def pandas_wide() -> None:
        pd.read_csv(wide_csv)

    store = Store(tmp / "frame.duckdb")
    store.write(read_prices_file(long_csv))
    store.write(read_prices_file(args.prices / FRED, only=["DEXUSEU"]))
    counts = pd.read_csv(long_csv).groupby("ticker").size().sort_values()
    symbols = list(counts.index[-30:])  # the 30 longest histories

    def piefolio_frame() -> object:
        return load_frame(store, symbols, base_currency="EUR")

    def pandas_frame() -> pd.DataFrame:
        df = pd.read_csv(long_csv, parse_dates=["date"])
        df = df[df["ticker"].isin(symbols)]
        return df.pivot(index="date", columns="ticker", values="adj_close")[symbols]

    if args.check:
        frame = load_frame(store, symbols, base_currency="USD")
        ref = pandas_frame().ffill(limit=5)
        got = frame.prices.reindex(ref.index)
        np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), equal_nan=True)
        print("check: PriceFrame (USD) equals pandas read+pivot+ffill(5)")

    rows = []
    for name, ours, base, target in (
        ("import 4.7 MB long CSV -> store", piefolio_import, pandas_read, 2.0),
        (
            f"PriceFrame {len(symbols)} symbols x 26 y (EUR)",
            piefolio_frame,
            pandas_frame,
            0.1,
        ),
        ("import wide CSV 5,000 tickers x 250 d", piefolio_wide, pandas_wide, 10.0),
    ):
        o_min, o_med = timed(ours, args.repeat)
        b_min, _ = timed(base, args.repeat)
        rows.append((name, o_min, o_med, b_min, o_min / b_min, target))
    frame = piefolio_frame()
    assert hasattr(frame, "dates")
    print(
        f"{'case':<40} {'piefolio min':>12} {'median':>8} {'pandas min':>11} "
        f"{'ratio':>6} {'target':>7}"
    )
    for name, o_min, o_med, b_min, ratio, target in rows:
        ok = "ok" if o_min < target else "MISSED"
        print(
            f"{name:<40} {o_min * 1e3:>10.1f}ms {o_med * 1e3:>6.1f}ms "
            f"{b_min * 1e3:>9.1f}ms {ratio:>6.2f} {target * 1e3:>5.0f}ms {ok}"
        )


def _write_wide(path: Path, *, tickers: int, days: int) -> None:
    """Write a wide CSV of random-walk closes (seeded), ``date,T0000,...``."""
    rng = np.random.default_rng(13)
    dates = pd.bdate_range("2024-01-02", periods=days).strftime("%Y-%m-%d")
    walks = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, (days, tickers)), axis=0))
    frame = pd.DataFrame(
        walks.round(4), index=dates, columns=[f"T{i:04d}" for i in range(tickers)]
    )
    frame.index.name = "date"
    frame.to_csv(path)


if __name__ == "__main__":
    main()
