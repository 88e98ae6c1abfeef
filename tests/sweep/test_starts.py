"""Every start date: hand-computed runs, shares of starts, real data vs backtest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.backtest import backtest
from piefolio.data import get_prices
from piefolio.data.store import Store
from piefolio.errors import PlanError
from piefolio.spec import Plan, load_pie
from piefolio.sweep.starts import start_dates, sweep_starts

REPO = Path(__file__).resolve().parents[2]
LUMP = Plan.model_validate(
    {
        "start": "2024-01-01",
        "initial": 1000,
        "rebalance": "none",
        "fees": {"min_order": 0},
    }
)


def market() -> pd.DataFrame:
    days = pd.bdate_range("2024-01-01", "2024-12-31")
    t = np.arange(len(days))
    return pd.DataFrame({"UP": 100 * 1.001**t, "FLAT": 50.0}, index=days)


def test_start_dates_are_first_trading_days_that_fit() -> None:
    days = pd.bdate_range("2024-01-01", "2024-06-28")
    assert start_dates(days).strftime("%m-%d").tolist() == [
        "01-01", "02-01", "03-01", "04-01", "05-01", "06-03",
    ]  # fmt: skip
    fit = start_dates(days, horizon="3M")
    assert fit[-1] == pd.Timestamp("2024-03-01")
    with pytest.raises(PlanError, match="start every"):
        start_dates(days, "day")


def test_lump_sum_each_start_by_hand() -> None:
    prices = market()
    res = sweep_starts(prices, {"up": {"UP": 1.0}, "flat": {"FLAT": 1.0}}, LUMP)
    pie = res.rows[res.rows["series"] == "up"].set_index("start")
    assert len(pie) == 12
    for start, row in pie.iterrows():
        expected = 1000 * prices["UP"].iloc[-1] / prices.loc[start, "UP"]
        assert row["final_value"] == pytest.approx(expected, rel=1e-12)
        assert row["deposited"] == 1000.0
    flat = res.rows[res.rows["series"] == "flat"]
    assert flat["final_value"].tolist() == pytest.approx([1000.0] * 12)
    assert res.beat_share().to_dict() == {"flat": 1.0}
    picks = res.picks()
    assert picks["best"] == pie["xirr"].idxmax()
    assert picks["worst"] == pie["xirr"].idxmin()
    # 0.1 % a business day is about 30 % a year; XIRR counts calendar days, so
    # each start's share of weekends moves it a little.
    assert pie["xirr"].between(0.28, 0.31).all()
    assert res.distribution().loc["up", "starts"] == 12


def test_fixed_horizon_runs_are_equally_long() -> None:
    res = sweep_starts(market(), {"up": {"UP": 1.0}}, LUMP, horizon="6M")
    lengths = (res.rows["end"] - res.rows["start"]).dt.days
    assert lengths.between(175, 184).all()
    assert len(res.rows) == 6  # a July start would end 2025-01-01, after the data


def test_first_start_equals_the_backtest(shared_store: Store) -> None:
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    plan = spec.plan.model_copy(update={"end": dt.date(2024, 12, 31)})
    spec = spec.model_copy(update={"plan": plan})
    frame = get_prices(spec, store=shared_store, offline=True)
    series = {spec.pie.name: spec.pie.effective_weights()}
    series.update({b.name: b.effective_weights() for b in spec.benchmarks})
    res = sweep_starts(frame.prices, series, plan, fx_mask=frame.fx_mask_series())
    first = res.rows[res.rows["start"] == res.rows["start"].min()].set_index("series")
    bt = backtest(spec, frame=frame)
    for name, result in bt.results.items():
        assert first.loc[name, "final_value"] == pytest.approx(
            result.final_value, rel=1e-12
        )
        assert first.loc[name, "xirr"] == pytest.approx(result.xirr, rel=1e-6)
    # 48 monthly starts 2021-2024, each series fed the same deposits.
    assert res.rows["start"].nunique() == 48
    per_start = res.rows.groupby("start")["deposited"].nunique()
    assert (per_start == 1).all()
    assert 0.0 <= res.beat_share().min() <= res.beat_share().max() <= 1.0


def _pie(young: str) -> object:
    from piefolio.spec import parse_pie

    return parse_pie(
        '[pie]\nname = "p"\ncurrency = "USD"\n'
        '[[pie.slices]]\nticker = "UP"\nweight = 0.5\n'
        f"[[pie.slices]]\n{young}\nweight = 0.5\n"
        '[benchmarks]\n"Flat" = "FLAT"\n'
        '[plan]\nstart = 2024-01-01\ninitial = 1000\nrebalance = "none"\n'
        'late_listing = "redistribute"\n[plan.fees]\nmin_order = 0\n'
    )


def _young_market() -> pd.DataFrame:
    """UP and FLAT from 2020; P (a proxy) from 2021-03-01; Y from 2024-01-01."""
    days = pd.bdate_range("2020-01-01", "2024-12-31")
    t = np.arange(len(days))
    prices = pd.DataFrame(
        {"UP": 100 * 1.001**t, "FLAT": 50.0, "P": 10 * 1.0005**t, "Y": 20 * 1.0005**t},
        index=days,
    )
    prices.loc[:"2021-02-26", "P"] = np.nan
    prices.loc[:"2023-12-29", "Y"] = np.nan
    return prices


def test_starts_run_over_all_the_history_through_proxies() -> None:
    from piefolio.sweep.history import StartSettings
    from piefolio.sweep.history import sweep_starts as start_sweep

    prices = _young_market()
    run = start_sweep(
        _pie('ticker = "Y"\nproxy = "P"'), prices, settings=StartSettings(horizon="1Y")
    )
    # From P's first day (2021-03-01), one start a month, to the last whose year
    # fits before 2024-12-31: 2021-03 .. 2023-12 is 34 starts.
    assert (run.first, run.last, run.count) == (
        pd.Timestamp("2021-03-01"),
        pd.Timestamp("2023-12-01"),
        34,
    )
    assert run.proxied == ("Y before 2024-01-01: P's returns",)
    assert run.range_text.startswith(
        "34 starts, 2021-03-01 to 2023-12-01 (from the first day"
    )
    # Both slices grow every day: the pie beats the flat benchmark from every start.
    assert run.sweep.beat_share()["Flat"] == 1.0
    # Without a proxy the young slice bounds the starts to its own listing.
    alone = start_sweep(
        _pie('ticker = "Y"'), prices, settings=StartSettings(horizon="6M")
    )
    assert alone.first == pd.Timestamp("2024-01-01") and alone.count == 6
    # --from plan keeps the plan's start and real prices (Y redistributed till it lists).
    plan = start_sweep(
        _pie('ticker = "Y"\nproxy = "P"'),
        prices.loc["2024-01-01":],
        settings=StartSettings(horizon="6M", origin="plan"),
    )
    assert plan.first == pd.Timestamp("2024-01-01") and plan.proxied == ()


@pytest.mark.parametrize("origin", ["history", "plan"])
def test_the_picked_starts_paths_end_on_their_sweep_rows(origin: str) -> None:
    from piefolio.sweep.history import StartSettings
    from piefolio.sweep.history import sweep_starts as start_sweep

    prices = _young_market()
    if origin == "plan":
        prices = prices.loc["2024-01-01":]
    run = start_sweep(
        _pie('ticker = "Y"\nproxy = "P"'),
        prices,
        settings=StartSettings(horizon="6M", origin=origin),
    )
    rows = run.sweep.rows[run.sweep.rows["series"] == "p"].set_index("start")
    picks = run.sweep.picks()
    assert list(run.paths.columns) == [
        f"{label} start {start.date()}" for label, start in picks.items()
    ]
    # Cross-check against the sweep's own kernel: each re-run of a picked start
    # starts with the initial 1,000 and ends on that start's final value.
    for (_, start), column in zip(picks.items(), run.paths.columns, strict=True):
        path = run.paths[column].dropna()
        assert path.iloc[0] == pytest.approx(1000.0, rel=1e-9)
        assert path.iloc[-1] == pytest.approx(rows.loc[start, "final_value"], rel=1e-9)
    # The benchmark fed the same money from the same three starts: FLAT never
    # moves and nothing is deposited after the initial 1,000, so its value is
    # 1,000 every day, and each path ends on the benchmark's own sweep row.
    assert list(run.benchmark_paths) == ["Flat"]
    flat = run.benchmark_paths["Flat"]
    assert list(flat.columns) == list(run.paths.columns)
    assert flat.index.equals(run.paths.index)
    bench = run.sweep.rows[run.sweep.rows["series"] == "Flat"].set_index("start")
    for (_, start), column in zip(picks.items(), flat.columns, strict=True):
        values = flat[column].dropna()
        assert len(values) == len(run.paths[column].dropna())
        assert np.allclose(values, 1000.0, rtol=1e-12)
        assert values.iloc[-1] == pytest.approx(bench.loc[start, "final_value"])


@pytest.mark.slow
def test_the_three_year_sweep_of_the_example_covers_the_history(
    shared_home: Path,
) -> None:
    import json

    from typer.testing import CliRunner

    from piefolio.cli import app

    result = CliRunner().invoke(
        app,
        [
            "sweep",
            str(REPO / "examples" / "ai-energy-2026.toml"),
            "--offline",
            "--horizon",
            "3Y",
            "--json",
            "--out",
            str(shared_home / "out"),
        ],
        env={"PIEFOLIO_HOME": str(shared_home), "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["starts"]["count"] >= 150 and data["starts"]["first"] <= "2008-12-31"
    assert set(data["pie_beat_share"]) == {
        "S&P 500",
        "Russell 2000",
        "Semiconductors",
        "Data centers & chips",
    }
