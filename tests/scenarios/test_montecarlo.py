"""Monte Carlo of a plan: hand-computed paths, same paths for all, reproducible."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.errors import PlanError
from piefolio.scenarios.montecarlo import monte_carlo
from piefolio.scenarios.sampling import StationaryBootstrap
from piefolio.spec import Plan

PLAN = Plan.model_validate(
    {
        "start": "2020-01-01",
        "initial": 1000,
        "deposits": {"amount": 100, "every": "month", "day": 1},
        "rebalance": "monthly",
        "fees": {"min_order": 0},
    }
)
START = pd.Timestamp("2030-01-01")


@dataclass(frozen=True)
class Constant:
    """Every path, every day, the same returns: a market with a known answer."""

    daily: tuple[float, ...]

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> np.ndarray:
        return np.broadcast_to(
            np.array(self.daily), (paths, steps, len(self.daily))
        ).copy()


def history(seed: int = 3, days: int = 1500) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cov = np.array([[1.0, 0.6, 0.2], [0.6, 1.0, 0.1], [0.2, 0.1, 1.0]]) * 1e-4
    return rng.multivariate_normal([4e-4, 2e-4, 1e-4], cov, size=days)


def test_constant_growth_matches_a_hand_computation() -> None:
    r = 0.0004
    res = monte_carlo(
        Constant((r, r)), ["A", "B"], {"pie": {"A": 0.5, "B": 0.5}}, PLAN,
        start=START, years=1.0, paths=3, seed=1,
    )  # fmt: skip
    # One calendar year from 2030-01-01: every business day of 2030 (261 of them).
    dates = pd.bdate_range(START, "2030-12-31")
    assert len(dates) == 261
    last = len(dates) - 1
    # Day 0 invests at the close: it earns from day 1 on. A deposit on the first
    # business day of each later month earns from the next day on.
    firsts = dates.to_series().groupby(dates.to_period("M")).first().iloc[1:]
    expected = 1000 * (1 + r) ** last + sum(
        100 * (1 + r) ** (last - dates.get_loc(d)) for d in firsts
    )
    assert res.final[:, 0] == pytest.approx([expected] * 3, rel=1e-10)
    assert res.invested.iloc[-1] == 1000 + 100 * len(firsts)
    assert res.summary().loc["pie", "p_loss"] == 0.0
    # 0.04 % a business day is about 11 % a year (260 business days); XIRR counts
    # calendar days, so weekends dilute it a little.
    assert 0.10 < res.xirr[0, 0] < (1 + r) ** 262 - 1


def test_pie_and_benchmarks_run_on_the_same_paths() -> None:
    sampler = StationaryBootstrap(history())
    series = {
        "pie": {"A": 0.5, "B": 0.3, "C": 0.2},
        "twin": {"A": 0.5, "B": 0.3, "C": 0.2},
        "only C": {"C": 1.0},
    }
    res = monte_carlo(
        sampler, ["A", "B", "C"], series, PLAN, start=START, years=2.0, paths=64, seed=7
    )
    np.testing.assert_array_equal(res.nav[:, 0], res.nav[:, 1])
    table = res.summary()
    assert table.loc["twin", "p_pie_beats"] == 0.0
    assert table.index.tolist() == ["pie", "twin", "only C"]
    # Monthly NAV only: about 24 samples per path, never the daily path.
    assert res.nav.shape == (64, 3, len(res.dates))
    assert 23 <= len(res.dates) <= 25


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    sampler = StationaryBootstrap(history())
    args = (sampler, ["A", "B", "C"], {"pie": {"A": 0.4, "B": 0.3, "C": 0.3}}, PLAN)
    one = monte_carlo(*args, start=START, years=1.0, paths=40, seed=5, chunk=16)
    two = monte_carlo(*args, start=START, years=1.0, paths=40, seed=5, chunk=16)
    other = monte_carlo(*args, start=START, years=1.0, paths=40, seed=6, chunk=16)
    np.testing.assert_array_equal(one.nav, two.nav)
    assert not np.array_equal(one.nav, other.nav)


def test_goal_probability_and_progress() -> None:
    calls: list[tuple[int, int]] = []
    res = monte_carlo(
        StationaryBootstrap(history()), ["A", "B", "C"], {"pie": {"A": 1.0}}, PLAN,
        start=START, years=1.0, paths=30, seed=2, chunk=8, goal=2500.0,
        progress=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    assert calls == [(8, 30), (16, 30), (24, 30), (30, 30)]
    table = res.summary()
    assert table.loc["pie", "p_goal"] == pytest.approx(
        (res.final[:, 0] >= 2500.0).mean()
    )
    row = table.loc["pie"]
    assert row["xirr_p5"] <= row["xirr_p50"] <= row["xirr_p95"]
    assert row["xirr_p50"] == pytest.approx(np.nanmedian(res.xirr[:, 0]))


@dataclass(frozen=True)
class PerPath:
    """Path ``i`` returns ``daily[i % len(daily)]`` every day, for one asset."""

    daily: tuple[float, ...]

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> np.ndarray:
        rates = np.resize(np.array(self.daily), paths)
        return np.broadcast_to(rates[:, None, None], (paths, steps, 1)).copy()


def test_goal_probability_is_the_share_of_paths_that_reach_it() -> None:
    # Flat paths end with exactly what went in, 1,000 + 11 x 100 = 2,100;
    # growing paths with more. Half the four paths are flat.
    def p_goal(goal: float) -> float:
        res = monte_carlo(
            PerPath((0.0, 0.001)), ["A"], {"pie": {"A": 1.0}}, PLAN,
            start=START, years=1.0, paths=4, seed=0, goal=goal,
        )  # fmt: skip
        np.testing.assert_allclose(np.sort(res.final[:, 0])[:2], 2100.0)
        return float(res.summary().loc["pie", "p_goal"])

    assert p_goal(2100.0) == 1.0  # reaching the goal exactly counts
    assert p_goal(2100.5) == 0.5
    assert p_goal(1e9) == 0.0


def test_withdrawals_larger_than_the_pie_run_out() -> None:
    plan = Plan.model_validate(
        {
            "start": "2020-01-01",
            "initial": 1000,
            "withdrawals": {"amount": 300, "every": "month", "day": 1},
            "fees": {"min_order": 0},
        }
    )
    res = monte_carlo(
        Constant((0.0,)), ["A"], {"pie": {"A": 1.0}}, plan, start=START, years=1.0,
        paths=2, seed=0,
    )  # fmt: skip
    assert (res.ran_out[:, 0] >= 0).all()
    assert res.summary().loc["pie", "p_ran_out"] == 1.0
    assert (res.final[:, 0] == 0.0).all()


def test_bad_horizon_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="years > 0"):
        monte_carlo(
            Constant((0.0,)), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START, years=0
        )


def test_on_all_cores_and_resumed_the_numbers_are_the_same(tmp_path: Path) -> None:
    sampler = StationaryBootstrap(history())
    args = (
        sampler,
        ["A", "B", "C"],
        {"pie": {"A": 0.5, "B": 0.5}, "C": {"C": 1.0}},
        PLAN,
    )
    here = monte_carlo(*args, start=START, years=1.0, paths=50, seed=4, chunk=16)
    cores = monte_carlo(
        *args, start=START, years=1.0, paths=50, seed=4, chunk=16,
        executor="processes", workers=2, out_dir=tmp_path / "parts",
    )  # fmt: skip
    np.testing.assert_array_equal(here.nav, cores.nav)
    np.testing.assert_array_equal(here.ran_out, cores.ran_out)
    np.testing.assert_array_equal(here.xirr, cores.xirr)
    # A second run finds every chunk on disk and runs none of them again.
    part = sorted((tmp_path / "parts").glob("part-*.parquet"))[0]
    before = part.stat().st_mtime_ns
    again = monte_carlo(
        *args, start=START, years=1.0, paths=50, seed=4, chunk=16,
        out_dir=tmp_path / "parts",
    )  # fmt: skip
    np.testing.assert_array_equal(here.nav, again.nav)
    assert part.stat().st_mtime_ns == before


def test_ten_years_from_the_day_after_the_data_are_ten_calendar_years() -> None:
    from piefolio.scenarios.montecarlo import horizon_dates

    # The data end on 2026-08-03 (a Monday): the horizon runs 2026-08-04 to
    # 2036-08-03 (a Sunday, so its last business day is Friday 2036-08-01).
    dates = horizon_dates(pd.Timestamp("2026-08-04"), 10)
    assert (dates[0], dates[-1]) == (
        pd.Timestamp("2026-08-04"),
        pd.Timestamp("2036-08-01"),
    )
    res = monte_carlo(
        Constant((0.0,)), ["A"], {"pie": {"A": 1.0}}, PLAN,
        start=pd.Timestamp("2026-08-04"), years=10, paths=2, seed=0,
    )  # fmt: skip
    # Deposits start the month after the start: 2026-09 .. 2036-08 is 120 months,
    # so 1,000 + 120 x 100 = 13,000 goes in (flat prices: the final value too).
    assert res.invested.iloc[-1] == 13_000
    assert res.dates[-1] == pd.Timestamp("2036-08-01")
    assert res.final[:, 0] == pytest.approx([13_000, 13_000])


def test_a_plan_that_withdraws_more_than_it_deposits_can_still_lose() -> None:
    plan = Plan.model_validate(
        {
            "start": "2020-01-01",
            "initial": 1000,
            "deposits": {"amount": 100, "every": "month", "day": 1},
            "withdrawals": {"amount": 300, "every": "month", "day": 15},
            "fees": {"min_order": 0},
        }
    )
    # Deposits of 1,000 + 11 x 100 = 2,100 in a year; withdrawals ask 300 a month.
    # Flat prices give every euro back (final value + withdrawals = deposits: no
    # loss); falling prices give back less: a loss on every path, which the net
    # amount put in (negative) would never have called one.
    flat = monte_carlo(
        Constant((0.0,)), ["A"], {"pie": {"A": 1.0}}, plan, start=START, years=1.0,
        paths=2, seed=0,
    )  # fmt: skip
    assert flat.deposited == pytest.approx(2100)
    np.testing.assert_allclose(flat.got[:, 0], 2100)
    assert flat.summary().loc["pie", "p_loss"] == 0.0
    falling = monte_carlo(
        Constant((-0.002, 0.0)), ["A", "B"], {"pie": {"A": 1.0}, "cash-like": {"B": 1.0}},
        plan, start=START, years=1.0, paths=2, seed=0,
    )  # fmt: skip
    table = falling.summary()
    assert float(falling.invested.iloc[-1]) < 0 and table.loc["pie", "p_loss"] == 1.0
    # Both ran out (final 0): the flat one paid back more, so the pie did not beat it.
    assert table.loc["cash-like", "p_pie_beats"] == 0.0
    assert (
        table.loc["pie", "withdrawn_p50"]
        < table.loc["cash-like", "withdrawn_p50"]
        == pytest.approx(2100)
    )


def test_chunks_kept_on_disk_give_the_numbers_of_a_run_in_memory(
    tmp_path: Path,
) -> None:
    # In this process, but through the resumable chunk runner (parts on disk):
    # the same NAV, ran-out days, XIRR and withdrawals as the in-memory loop.
    plan = Plan.model_validate(
        {
            "start": "2020-01-01",
            "initial": 1000,
            "withdrawals": {"amount": 150, "every": "month", "day": 1},
            "fees": {"min_order": 0},
        }
    )
    args = (PerPath((0.0, 0.001, -0.003)), ["A"], {"pie": {"A": 1.0}}, plan)
    memory = monte_carlo(*args, start=START, years=1.0, paths=7, seed=3, chunk=3)
    calls: list[tuple[int, int]] = []
    disk = monte_carlo(
        *args, start=START, years=1.0, paths=7, seed=3, chunk=3,
        out_dir=tmp_path / "parts", progress=lambda d, t: calls.append((d, t)),
    )  # fmt: skip
    assert len(list((tmp_path / "parts").glob("part-*.parquet"))) == 3
    assert calls[-1] == (7, 7)
    for field in ("nav", "ran_out", "xirr", "withdrawn"):
        np.testing.assert_array_equal(getattr(disk, field), getattr(memory, field))
    # A flat path (0, 3 and 6) pays 6 withdrawals of 150 from its 1,000 and the
    # last 100 on the seventh, Thu 1 Aug 2030, when it runs out: 1,000 back for
    # 1,000 in, an XIRR of 0.
    day = pd.bdate_range(START, "2030-12-31").get_loc(pd.Timestamp("2030-08-01"))
    flat = [0, 3, 6]
    np.testing.assert_array_equal(disk.ran_out[flat, 0], day)
    np.testing.assert_allclose(disk.withdrawn[flat, 0], 1000.0, rtol=1e-12)
    np.testing.assert_allclose(disk.xirr[flat, 0], 0.0, atol=1e-9)
    # Two series (a benchmark beside the pie): each part holds a row per path
    # and series, read back into the same (path, series) places.
    two = (Constant((0.001, -0.001)), ["A", "B"], {"pie": {"A": 1.0}, "B": {"B": 1.0}})
    here = monte_carlo(*two, plan, start=START, years=1.0, paths=3, seed=3, chunk=2)
    kept = monte_carlo(
        *two, plan, start=START, years=1.0, paths=3, seed=3, chunk=2,
        out_dir=tmp_path / "two",
    )  # fmt: skip
    for field in ("nav", "ran_out", "xirr", "withdrawn"):
        np.testing.assert_array_equal(getattr(kept, field), getattr(here, field))
    assert not np.array_equal(here.nav[:, 0], here.nav[:, 1])


def test_summary_of_outcomes_set_by_hand() -> None:
    from piefolio.scenarios.montecarlo import MonteCarloResult

    # 20 paths, 3 series, 2 kept dates. Finals: the pie 1..20 (x 100), a
    # benchmark "low" at 1,050 on every path, a benchmark "high" at 1,550.
    paths = 20
    dates = pd.DatetimeIndex(["2030-01-31", "2030-02-28"])
    final = np.stack(
        [
            100.0 * np.arange(1, paths + 1),
            np.full(paths, 1050.0),
            np.full(paths, 1550.0),
        ],
        axis=1,
    )
    nav = np.stack([np.full_like(final, 1000.0), final], axis=2)
    ran_out = np.full((paths, 3), -1)
    ran_out[:5, 0] = [0, 3, 7, 9, 11]  # 5 of 20 ran out, one on the first day
    res = MonteCarloResult(
        ("pie", "low", "high"), dates, nav, ran_out,
        pd.Series([1000.0, 1200.0, 1100.0], index=pd.date_range("2030-01-31", periods=3)),
        np.full((paths, 3), np.nan), None,
    )  # fmt: skip
    table = res.summary()
    pie = table.loc["pie"]
    # numpy's linear percentiles of 100..2000 step 100: p5 = 100 + 0.95 x 100.
    assert [pie[f"final_p{q}"] for q in (5, 25, 50, 75, 95)] == pytest.approx(
        [195.0, 575.0, 1050.0, 1525.0, 1905.0]
    )
    # The worst 5 % of 20 paths is one path: 100.
    assert pie["expected_shortfall"] == 100.0
    # Put in: the last amount invested (1,100; not the 1,200 before it), no
    # deposits given apart: the 10 paths ending at 100..1,000 lost.
    assert pie["p_loss"] == pytest.approx(10 / 20)
    assert pie["p_ran_out"] == pytest.approx(5 / 20)
    # No finite XIRR on any path: NaN, without numpy's all-NaN warning.
    assert np.isnan(pie["xirr_p50"]) and np.isnan(pie["xirr_p5"])
    # The pie beats "low" (1,050) on paths 11..20 and "high" (1,550) on 16..20.
    assert np.isnan(pie["p_pie_beats"])
    assert table.loc["low", "p_pie_beats"] == pytest.approx(10 / 20)
    assert table.loc["high", "p_pie_beats"] == pytest.approx(5 / 20)
    assert table.loc["high", "p_ran_out"] == 0.0
    # With 40 paths (the pie 50..2000 by 50) the worst 5 % is two: (50 + 100) / 2.
    wide = np.stack([50.0 * np.arange(1, 41)] * 2, axis=1)[:, :, None]
    res40 = MonteCarloResult(
        ("pie", "twin"), dates[-1:], wide, np.full((40, 2), -1),
        pd.Series([1000.0], index=dates[-1:]), np.zeros((40, 2)), None,
        deposited=1000.0,
    )  # fmt: skip
    assert res40.summary().loc["pie", "expected_shortfall"] == 75.0
    assert res40.summary().loc["pie", "p_loss"] == pytest.approx(19 / 40)


def test_parts_on_disk_are_reused_only_by_the_same_run(tmp_path: Path) -> None:
    # The same folder, another seed or another history: never the old chunks.
    series = {"pie": {"A": 0.5, "B": 0.3, "C": 0.2}}
    parts = tmp_path / "parts"

    def run(sampler: StationaryBootstrap, seed: int, **kw: object) -> np.ndarray:
        res = monte_carlo(
            sampler, ["A", "B", "C"], series, PLAN, start=START, years=0.25,
            paths=6, seed=seed, chunk=3, **kw,
        )  # fmt: skip
        return res.nav

    from piefolio.scenarios.sampling import Normal, StudentT

    one, other = StationaryBootstrap(history(3)), StationaryBootstrap(history(4))
    np.testing.assert_array_equal(run(one, 1, out_dir=parts), run(one, 1))
    # Another seed, history, sampler kind, block length: refused, never reused.
    for sampler, seed in (
        (one, 2), (other, 1), (Normal(history(3)), 1),
        (StationaryBootstrap(history(3), mean_block=5.0), 1),
    ):  # fmt: skip
        with pytest.raises(PlanError, match="holds another sweep, of other inputs"):
            run(sampler, seed, out_dir=parts)  # type: ignore[arg-type]
    t5 = tmp_path / "t5"
    run(StudentT(history(3), dof=5.0), 1, out_dir=t5)  # type: ignore[arg-type]
    with pytest.raises(PlanError, match="holds another sweep, of other inputs"):
        run(StudentT(history(3), dof=8.0), 1, out_dir=t5)  # type: ignore[arg-type]
    # Two samplers of other kinds with no history, block or dof to tell apart.
    plain = tmp_path / "plain"
    monte_carlo(
        Constant((0.001,)), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START,
        years=1 / 12, paths=2, out_dir=plain,
    )  # fmt: skip
    with pytest.raises(PlanError, match="holds another sweep, of other inputs"):
        monte_carlo(
            PerPath((0.002,)), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START,
            years=1 / 12, paths=2, out_dir=plain,
        )  # fmt: skip
    # On a process pool without a folder of parts: the in-memory numbers.
    pool = run(one, 1, executor="processes", workers=1)
    np.testing.assert_array_equal(pool, run(one, 1))


def test_fan_dates_and_the_result_s_views_by_hand() -> None:
    # One year from Tue 1 Jan 2030, flat prices, deposits only: NAV is kept on
    # the last business day of each month of 2030.
    res = monte_carlo(
        PerPath((0.0, 0.001)), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START,
        years=1.0, paths=4, seed=0,
    )  # fmt: skip
    days = pd.bdate_range(START, "2030-12-31")
    month_ends = days.to_series().groupby(days.to_period("M")).last()
    assert list(res.dates) == list(month_ends)
    assert res.paths == 4 and res.withdrawn is None
    np.testing.assert_array_equal(res.got, res.final)
    # Invested by each month end: 1,000, then 100 more on the first business day
    # of every later month.
    assert list(res.invested) == [1000.0 + 100 * k for k in range(12)]
    fan = res.fan()
    assert list(fan.columns) == [5, 25, 50, 75, 95] and list(fan.index) == list(
        res.dates
    )
    # Two flat paths and two growing ones: the median lies between, the 5th
    # percentile is a flat path's NAV (what went in).
    flat_nav = res.nav[0, 0]
    np.testing.assert_allclose(fan[5].to_numpy(), flat_nav, rtol=1e-12)
    np.testing.assert_allclose(
        fan[50].to_numpy(), (flat_nav + res.nav[1, 0]) / 2, rtol=1e-12
    )


def test_the_smallest_run_and_the_shortest_horizon() -> None:
    one = monte_carlo(
        Constant((0.0,)), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START,
        years=1 / 12, paths=1,
    )  # fmt: skip
    # One month: January 2030, the initial 1,000 only (deposits start in February).
    assert one.final.shape == (1, 1) and one.final[0, 0] == pytest.approx(1000.0)
    with pytest.raises(
        PlanError, match=r"^need paths >= 1 and years > 0; got 0 and 1$"
    ):
        monte_carlo(
            Constant((0.0,)), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START,
            years=1, paths=0,
        )  # fmt: skip
    from piefolio.scenarios.montecarlo import horizon_dates

    with pytest.raises(
        PlanError, match=r"^years must be a month \(1/12\) or more; got 0\.04$"
    ):
        horizon_dates(START, 0.04)
    # A twelfth of a year is a month: Tue 1 Jan to Thu 31 Jan 2030.
    month = horizon_dates(START, 1 / 12)
    assert (month[0], month[-1], len(month)) == (START, pd.Timestamp("2030-01-31"), 23)


def test_the_bootstrap_draws_from_every_day_of_its_history() -> None:
    # 300 days of history: the first returns 0, every other day +1 %. A month
    # of paths (23 business days from 1 Jan 2030, 22 returns earned) draws
    # blocks from all 300 days, so 1,000 grows on almost every day drawn; a
    # draw from the first day alone would leave it at 1,000.
    history = np.full((300, 1), 0.01)
    history[0] = 0.0
    res = monte_carlo(
        StationaryBootstrap(history), ["A"], {"pie": {"A": 1.0}}, PLAN, start=START,
        years=1 / 12, paths=4, seed=1,
    )  # fmt: skip
    assert (res.final[:, 0] > 1000 * 1.01**18).all()
    # A parametric sampler draws from its own generator, seeded per chunk.
    from piefolio.scenarios.sampling import Normal

    normal = [
        monte_carlo(
            Normal(history),
            ["A"],
            {"pie": {"A": 1.0}},
            PLAN,
            start=START,
            years=1 / 12,
            paths=2,
            seed=1,
        ).nav
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*normal)
