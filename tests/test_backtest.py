"""Backtest: the pie and its benchmarks, same plan, same deposits, hand-checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.backtest import backtest, external_flows
from piefolio.data import get_prices
from piefolio.data.frame import PriceFrame
from piefolio.data.store import Store
from piefolio.spec import load_pie, parse_pie

REPO = Path(__file__).resolve().parents[1]

SPEC_TEXT = """
[pie]
name = "Two"
currency = "USD"
[[pie.slices]]
ticker = "A"
weight = 0.5
[[pie.slices]]
ticker = "B"
weight = 0.5
[benchmarks]
"Only B" = "B"
[plan]
start = 2024-01-01
initial = 1000
rebalance = "none"
[plan.fees]
min_order = 0
"""
SPEC = parse_pie(SPEC_TEXT)


def frame(prices: pd.DataFrame) -> PriceFrame:
    return PriceFrame.from_prices(prices, "USD")


def hand_prices() -> pd.DataFrame:
    days = pd.bdate_range("2024-01-01", periods=4)
    return pd.DataFrame(
        {"A": [10.0, 11.0, 12.0, 9.0], "B": [20.0, 20.0, 25.0, 30.0]}, index=days
    )


def test_buy_and_hold_pie_and_benchmark_by_hand() -> None:
    bt = backtest(SPEC, frame=frame(hand_prices()))
    # 500 into A at 10 (50 shares), 500 into B at 20 (25 shares).
    assert bt.pie.final_value == pytest.approx(50 * 9 + 25 * 30, rel=1e-12)
    assert bt.results["Only B"].final_value == pytest.approx(1000 / 20 * 30, rel=1e-12)
    assert bt.names == ["Two", "Only B"]
    assert bt.invested().tolist() == [1000.0] * 4
    assert bt.nav().columns.tolist() == ["Two", "Only B"]
    (line,) = bt.verdicts()
    assert line.startswith("trailed Only B by 300 USD")


def test_summary_rows_agree_with_the_results() -> None:
    bt = backtest(SPEC, frame=frame(hand_prices()))
    table = bt.summary()
    assert table.index.tolist() == ["Two", "Only B"]
    assert table.loc["Two", "final_value"] == pytest.approx(1200.0)
    assert table.loc["Two", "deposited"] == pytest.approx(1000.0)
    assert table.loc["Two", "profit"] == pytest.approx(200.0)
    assert table.loc["Only B", "twr"] == pytest.approx(0.5)
    # The benchmark against itself has no beta.
    assert np.isnan(table.loc["Only B", "beta"])
    assert table.loc["Two", "max_drawdown"] == pytest.approx(
        (50 * 9 + 25 * 30) / (50 * 12 + 25 * 25) - 1
    )


def test_external_flows_sign_money_in_positive() -> None:
    bt = backtest(SPEC, frame=frame(hand_prices()))
    flows = external_flows(bt.pie)
    assert flows.tolist() == [1000.0]
    assert flows.index[0] == pd.Timestamp("2024-01-01")


def test_price_index_benchmark_is_noted() -> None:
    spec = parse_pie(SPEC_TEXT.replace('"Only B" = "B"', '"Index" = "^IDX"'))
    prices = hand_prices().rename(columns={"B": "^IDX"})
    prices["B"] = hand_prices()["B"]
    bt = backtest(spec, frame=frame(prices))
    assert any("^IDX" in n and "price index" in n for n in bt.notes())


def test_real_example_benchmark_gets_the_same_deposits(shared_store: Store) -> None:
    """SPY in the EUR pie: every deposit buys SPY at that day's EUR price, net of FX.

    Independent of the engine: with one slice nothing is ever rebalanced, so the
    benchmark's final value is sum(amount / (1 + fx fee) / price) x last price.
    """
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    spec = spec.model_copy(
        update={"plan": spec.plan.model_copy(update={"end": dt.date(2025, 12, 31)})}
    )
    prices = get_prices(spec, store=shared_store, offline=True)
    bt = backtest(spec, frame=prices)
    spy = bt.results["S&P 500"]
    flows = external_flows(spy)
    # 1,000 on the first day, then 100 on the first trading day of 59 months.
    assert flows.iloc[0] == 1000.0 and len(flows) == 60
    assert (flows.iloc[1:] == 100.0).all()
    for result in bt.results.values():
        pd.testing.assert_series_equal(external_flows(result), flows)
    p = prices.prices["SPY"]
    shares = sum(a / 1.0015 / p[d] for d, a in flows.items())
    assert spy.final_value == pytest.approx(shares * p.iloc[-1], rel=1e-9)
    assert spy.final_value == pytest.approx(bt.summary().loc["S&P 500", "final_value"])
    assert bt.pie.fees > 0


def test_withdrawals_beyond_the_money_run_out_and_the_verdict_adds_up() -> None:
    from rich.console import Console

    from piefolio.report import report_data, report_json, summary_table

    text = SPEC_TEXT.replace(
        'rebalance = "none"',
        'rebalance = "none"\nwithdrawals = { amount = 400, every = "month", day = 1 }',
    )
    spec = parse_pie(text)
    days = pd.bdate_range("2024-01-01", "2024-04-30")
    prices = pd.DataFrame({"A": 10.0, "B": 10.0}, index=days)
    prices.loc[days[0], "B"] = 20.0  # B halves on the second day, then stays
    bt = backtest(spec, frame=frame(prices))
    # By hand: the pie holds 50 A and 25 B (750 after B halves), "Only B" 50 B
    # (500). 2024-02-01 takes 400 from each: 350 and 100 left. 2024-03-01 asks 400
    # and finds 350 and 100: both run out that day; April finds nothing.
    assert bt.ran_out() == {
        "Two": pd.Timestamp("2024-03-01"),
        "Only B": pd.Timestamp("2024-03-01"),
    }
    summary = bt.summary()
    assert summary.loc["Two", "withdrawn"] == pytest.approx(750)
    assert summary.loc["Only B", "withdrawn"] == pytest.approx(500)
    for name in ("Two", "Only B"):
        row = summary.loc[name]
        assert row["profit"] == pytest.approx(
            row["final_value"] - row["deposited"] + row["withdrawn"]
        )
    # What the investor got: 0 + 750 against 0 + 500; not "0 USD" beside points.
    (verdict,) = bt.verdicts()
    assert verdict.startswith("beat Only B by 250 USD (final value plus withdrawals")
    data = report_data(bt)
    assert (
        "Two ran out of money on 2024-03-01: the withdrawals took all it had, and later ones found nothing to take"
        in data.notes
    )
    assert report_json(data)["ran_out"] == {"Two": "2024-03-01", "Only B": "2024-03-01"}
    console = Console(width=200, record=True)
    console.print(summary_table(data))
    assert "Withdrawn" in console.export_text()


def test_a_gap_that_rounds_to_nothing_is_level_with_no_points() -> None:
    text = SPEC_TEXT.replace(
        '"Only B" = "B"',
        '"Same" = { slices = [{ ticker = "A", weight = 0.5 }, { ticker = "B", weight = 0.5 }] }',
    )
    bt = backtest(parse_pie(text), frame=frame(hand_prices()))
    (verdict,) = bt.verdicts()
    assert (
        verdict
        == "ended level with Same (final value 1,200 USD each) with the same deposits"
    )
