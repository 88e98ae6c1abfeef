"""The real account on real prices: an account that is the index matches it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from piefolio.account import account_frame, actual, load_history
from piefolio.spec import parse_pie

from .samples import write

SPEC = """
[pie]
name = "Oil majors"
currency = "EUR"
slices = [{ ticker = "XOM", weight = 0.5 }, { ticker = "CVX", weight = 0.5 }]

[benchmarks]
"S&P 500" = "SPY"

[plan]
start = 2023-01-03
initial = 1000
fees = { min_order = 1 }
"""

HEADER = (
    "Action,Time (UTC),Ticker,ID,No. of shares,Price / share,"
    "Currency (Price / share),Exchange rate,Total,Currency (Total)"
)


@pytest.mark.slow
def test_an_account_buying_spy_with_each_deposit_is_the_benchmark(
    shared_store, tmp_path: Path
) -> None:
    spec = parse_pie(SPEC)
    days = [dt.date(2023, 1, 3), dt.date(2023, 6, 1), dt.date(2024, 1, 2)]
    # A first pass reads the real USD closes and EUR/USD rates of those days,
    # so that the export below buys SPY at exactly the prices of the store.
    seed = write(
        tmp_path,
        "seed.csv",
        f"{HEADER}\nDeposit,2023-01-03 09:00:00,,d0,,,,,1000.00,EUR\n"
        "Market buy,2023-01-03 15:00:00,SPY,b0,1,1,USD,1,1,EUR\n",
    )
    frame = account_frame(spec, load_history(seed), store=shared_store, offline=True)
    local = frame.local_prices()["SPY"]
    fx = frame.fx_rates()["SPY"]  # EUR per USD
    rows = [HEADER]
    shares_total = 0.0
    for i, day in enumerate(days):
        close = float(local.loc[str(day)])
        usd_per_eur = 1.0 / float(fx.loc[str(day)])
        shares = 1000.0 * usd_per_eur / close
        shares_total += shares
        rows.append(f"Deposit,{day} 09:00:00,,d{i},,,,,1000.00,EUR")
        rows.append(
            f"Market buy,{day} 15:00:00,SPY,b{i},{shares!r},{close!r},USD,"
            f"{usd_per_eur!r},1000.00,EUR"
        )
    history = load_history(write(tmp_path, "t212.csv", "\n".join(rows) + "\n"))
    frame = account_frame(spec, history, store=shared_store, offline=True)
    result = actual(spec, history, frame)
    mine, _, spy = result.summaries
    # By hand: the shares bought, at the last day's EUR close.
    end = float(frame.prices["SPY"].iloc[-1])
    assert mine.final_value == pytest.approx(shares_total * end, rel=1e-9)
    # The engine's benchmark, fed the same three deposits, holds the same.
    assert spy.final_value == pytest.approx(mine.final_value, rel=1e-9)
    assert mine.pme == pytest.approx(1.0, rel=1e-9)
    assert mine.twr == pytest.approx(spy.twr, rel=1e-9)
    assert "earned you 0.00 EUR against the S&P 500" in result.verdicts()[1]
