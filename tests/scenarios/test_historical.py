"""Historical stress: known index drawdowns on real data; proxies are reported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.errors import PlanError
from piefolio.scenarios.historical import replay, replay_windows
from piefolio.spec import Plan, load_pie, parse_pie

REPO = Path(__file__).resolve().parents[2]
PLAN = Plan.model_validate({"start": "2000-01-03", "initial": 1, "rebalance": "none"})


@pytest.fixture(scope="module")
def adjclose(shared_prices_dir: Path) -> pd.DataFrame:
    long = pd.read_csv(
        shared_prices_dir / "yahoo_adjclose_2000_2026-08-03.csv", parse_dates=["date"]
    )
    return long.pivot(index="date", columns="ticker", values="adj_close")


def test_spy_2020_crash_is_the_known_drawdown(adjclose: pd.DataFrame) -> None:
    spy = adjclose[["SPY"]].dropna()
    a, b = pd.Timestamp("2020-02-19"), pd.Timestamp("2020-03-23")
    row = replay(spy, {"SPY": 1.0}, PLAN, a, b, name="SPY")
    # Read off the CSV: the close of 2020-03-23 over the close of 2020-02-19.
    assert row.max_drawdown == pytest.approx(spy.loc[b, "SPY"] / spy.loc[a, "SPY"] - 1)
    assert row.max_drawdown == pytest.approx(-0.337, abs=0.003)
    assert row.total_return == pytest.approx(row.max_drawdown)
    assert row.trough == b
    # SPY was back at its February level on 2020-08-10 (total return).
    back = spy.loc[b:, "SPY"]
    first = back[back >= spy.loc[a, "SPY"]].index[0]
    assert row.days_to_recover == (first - b).days
    assert 100 < row.days_to_recover < 200


def test_2008_for_spy_and_a_rebalanced_pair(adjclose: pd.DataFrame) -> None:
    prices = adjclose[["SPY", "XLU"]].dropna()
    a, b = pd.Timestamp("2007-10-09"), pd.Timestamp("2009-03-09")
    spy = replay(prices, {"SPY": 1.0}, PLAN, a, b, name="SPY")
    assert spy.max_drawdown == pytest.approx(-0.55, abs=0.02)
    monthly = PLAN.model_copy(
        update={"rebalance": PLAN.rebalance.model_validate("monthly")}
    )
    pair = replay(prices, {"SPY": 0.5, "XLU": 0.5}, monthly, a, b, name="pair")
    # Utilities fell less than the market; the pair lies between the two.
    xlu = replay(prices, {"XLU": 1.0}, PLAN, a, b, name="XLU")
    assert xlu.max_drawdown > spy.max_drawdown
    assert spy.max_drawdown < pair.max_drawdown < xlu.max_drawdown + 0.05


def test_stress_uses_proxies_and_says_so(adjclose: pd.DataFrame) -> None:
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    results = replay_windows(
        spec, adjclose, {"2020 crash": ("2020-02-19", "2020-03-23")}
    )
    (window,) = results
    names = [r.name for r in window.rows]
    assert names == [spec.pie.name, *(b.name for b in spec.benchmarks)]
    pie = window.rows[0]
    # CEG (2022) and GEV (2024) did not trade in 2020: their proxies stand in.
    text = " ".join(pie.notes)
    assert "CEG" in text and "XLU" in text and "GEV" in text and "ETN" in text
    spy = window.rows[1]
    assert spy.max_drawdown == pytest.approx(-0.337, abs=0.003)
    assert -0.6 < pie.max_drawdown < -0.2


def test_window_before_the_data_is_skipped_and_reversed_is_an_error(
    adjclose: pd.DataFrame,
) -> None:
    spec = parse_pie(
        """
[pie]
name = "p"
[[pie.slices]]
ticker = "SPY"
weight = 1.0
[plan]
start = 2020-01-02
initial = 1
"""
    )
    prices = adjclose[["SPY"]].loc["2010":]
    assert replay_windows(spec, prices, {"old": ("2001-01-02", "2001-06-01")}) == []
    with pytest.raises(PlanError, match="not after start"):
        replay_windows(spec, prices, {"bad": ("2020-03-01", "2020-02-01")})


def test_recovery_is_counted_back_to_the_prior_peak() -> None:
    # 100 at the window's start, a peak of 120 inside it, a trough of 60, then
    # 110 (above the start, below the peak) and 125 only later.
    days = pd.bdate_range("2020-01-01", periods=8)
    closes = pd.DataFrame(
        {"X": [100.0, 120.0, 90.0, 60.0, 80.0, 110.0, 119.0, 125.0]}, index=days
    )
    row = replay(closes, {"X": 1.0}, PLAN, days[0], days[4], name="X")
    assert row.max_drawdown == pytest.approx(60 / 120 - 1)
    assert row.trough == days[3]
    # Back at 120 on the eighth day: not the sixth, where it first passed 100.
    assert row.days_to_recover == (days[7] - days[3]).days


def test_recovery_is_to_the_peak_before_the_trough_not_the_window_high() -> None:
    # Thu 2 Jan 2020 on: 100, a trough of 80 on Fri 3 Jan, 105 on Mon 6 Jan,
    # a new high of 130 later in the window, which ends at 120.
    days = pd.bdate_range("2020-01-02", periods=7)
    closes = pd.DataFrame(
        {"X": [100.0, 80.0, 105.0, 130.0, 120.0, 125.0, 140.0]}, index=days
    )
    row = replay(closes, {"X": 1.0}, PLAN, days[0], days[4], name="X")
    assert row.max_drawdown == pytest.approx(80 / 100 - 1)
    assert row.total_return == pytest.approx(120 / 100 - 1)
    # The deepest fall is on 3 Jan (-20 %), not at the window's end (-7.7 %).
    assert row.trough == days[1]
    # Back above the prior peak of 100 on Mon 6 Jan: 3 calendar days, not the
    # 4 it takes to reach the window's later high of 130 (Tue 7 Jan).
    assert row.days_to_recover == 3


def test_stress_replays_each_window_in_the_data_and_says_what_it_skipped() -> None:
    from piefolio.scenarios.historical import StressSettings, stress

    # X: 100, 120, 90, 60, 80, 110, 119, 125 from Wed 1 Jan 2020; the young
    # benchmark Y has no price before the sixth day. The plan's deposits,
    # withdrawals and end are not replayed: a window is one lump sum held.
    days = pd.bdate_range("2020-01-01", periods=8)
    nan = float("nan")
    closes = pd.DataFrame(
        {
            "X": [100.0, 120.0, 90.0, 60.0, 80.0, 110.0, 119.0, 125.0],
            "Y": [nan, nan, nan, nan, nan, 10.0, 11.0, 12.0],
        },
        index=days,
    )
    spec = parse_pie(
        """
[pie]
name = "p"
[[pie.slices]]
ticker = "X"
weight = 1.0
[benchmarks]
young = "Y"
[plan]
start = 2020-01-01
end = 2020-01-03
initial = 1
deposits = { amount = 500, every = "week", day = 1 }
withdrawals = { amount = 50, every = "week", day = 2 }
"""
    )
    settings = StressSettings.model_validate(
        {
            "windows": {
                "before": ("1999-01-04", "1999-02-01"),
                "fall": ("2020-01-01", "2020-01-07"),
            }
        }
    )
    report = stress(spec, closes, settings=settings)
    assert report.skipped == ("before",) and report.shocks == ()
    (window,) = report.windows
    assert (window.name, window.start, window.end) == ("fall", days[0], days[4])
    pie, young = window.rows
    assert pie.name == "p" and young.name == "young"
    # The pie: 100 -> 120 (peak) -> 60 (trough, -50 %) -> 80 at the window's
    # end (-20 % over it); back at 120 only on the eighth day.
    assert pie.max_drawdown == pytest.approx(60 / 120 - 1)
    assert pie.total_return == pytest.approx(80 / 100 - 1)
    assert pie.trough == days[3] and pie.days_to_recover == (days[7] - days[3]).days
    # Y has no price in the window: an empty row that says why.
    assert np.isnan(young.max_drawdown) and np.isnan(young.total_return)
    assert young.trough is None and young.days_to_recover is None
    assert "young: none of its tickers has prices from 2020-01-01 on" in young.notes
    with pytest.raises(ValueError, match="window 'bad': end 2020-01-01 is not after"):
        StressSettings.model_validate(
            {"windows": {"bad": ("2020-01-02", "2020-01-01")}}
        )
    assert StressSettings().spans()["2008 crisis"][0].startswith("2007-")


def test_a_young_slice_is_replayed_on_its_proxy_and_the_row_says_so() -> None:
    # X lists on the fourth day; its declared proxy Z has the whole history:
    # 100, 50 (-50 %), 75, then X itself (60, 90) on Z's path of returns.
    days = pd.bdate_range("2020-01-01", periods=5)
    nan = float("nan")
    closes = pd.DataFrame(
        {"X": [nan, nan, nan, 60.0, 90.0], "Z": [100.0, 50.0, 75.0, 60.0, 90.0]},
        index=days,
    )
    spec = parse_pie(
        """
[pie]
name = "p"
[[pie.slices]]
ticker = "X"
weight = 1.0
proxy = "Z"
[plan]
start = 2020-01-01
initial = 1
"""
    )
    (window,) = replay_windows(spec, closes, {"w": ("2020-01-01", "2020-01-03")})
    (row,) = window.rows
    assert row.max_drawdown == pytest.approx(-0.5)
    assert row.total_return == pytest.approx(-0.25)
    assert row.notes == ("X had no full history here: Z's returns stand in for it",)


def test_windows_on_the_edges_of_the_data() -> None:
    days = pd.bdate_range("2020-01-01", periods=4)
    closes = pd.DataFrame({"X": [100.0, 90.0, 95.0, 99.0]}, index=days)
    # A window of one day (the data's last) is replayed: nothing moves.
    row = replay(closes, {"X": 1.0}, PLAN, days[3], days[3], name="X")
    assert (row.max_drawdown, row.total_return, row.days_to_recover) == (0.0, 0.0, 0)
    spec = parse_pie(
        '[pie]\nname = "p"\n[[pie.slices]]\nticker = "X"\nweight = 1.0\n'
        "[plan]\nstart = 2020-01-01\ninitial = 1\n"
    )
    last = days[3].date().isoformat()
    (kept,) = replay_windows(spec, closes, {"last": (last, "2020-01-10")})
    assert kept.name == "last"
    # Never back at 100 by the data's end: no recovery to count.
    fell = replay(closes, {"X": 1.0}, PLAN, days[0], days[1], name="X")
    assert fell.max_drawdown == pytest.approx(-0.1) and fell.days_to_recover is None
    with pytest.raises(
        PlanError, match=r"^X: no prices between 2020-01-10 and 2020-01-20$"
    ):
        replay(closes, {"X": 1.0}, PLAN, pd.Timestamp("2020-01-10"),
               pd.Timestamp("2020-01-20"), name="X")  # fmt: skip
    with pytest.raises(
        PlanError,
        match=r"^stress window 'same': end 2020-01-02 is not after start 2020-01-02$",
    ):
        replay_windows(spec, closes, {"same": ("2020-01-02", "2020-01-02")})


SHOCK = """
[scenario]
name = "Chips fall"
description = "X falls, Z rises."

[shocks]
X = -0.2
Z = 0.1
F = 0.05
"""

TWO = """
[pie]
name = "p"
currency = "USD"
[[pie.slices]]
ticker = "X"
weight = 0.5
[[pie.slices]]
ticker = "Z"
weight = 0.5
[plan]
start = 2020-06-01
initial = 1
"""


def test_stress_applies_each_scenario_file_to_the_pie(tmp_path: Path) -> None:
    from piefolio.scenarios.historical import StressSettings, stress

    days = pd.bdate_range("2020-01-01", periods=6)
    closes = pd.DataFrame(
        {"X": [10.0, 11, 12, 11, 12, 13], "Z": [20.0, 19, 21, 22, 21, 23]}, index=days
    )
    path = tmp_path / "chips.toml"
    path.write_text(SHOCK.replace("F = 0.05\n", ""), encoding="utf-8")
    settings = StressSettings(windows={}, scenarios=(path,))
    report = stress(parse_pie(TWO), closes, settings=settings)
    assert report.windows == () and report.skipped == ()
    (run,) = report.shocks
    assert run.path == path and run.scenario.scenario.name == "Chips fall"
    (pie,) = run.rows
    # Both slices are shocked by name: 0.5 x -20 % + 0.5 x +10 % = -5 %.
    assert pie.name == "p" and pie.total == pytest.approx(-0.05)


def test_stress_loads_from_the_first_window_with_the_scenarios_factors(
    tmp_path: Path,
) -> None:
    from piefolio.data.providers.base import RawSeries, make_frame
    from piefolio.data.store import Store
    from piefolio.scenarios.historical import StressSettings, frame_for

    days = pd.bdate_range("2019-01-01", "2020-12-31")
    store = Store(tmp_path / "store.duckdb")

    def raw(symbol: str, since: str) -> RawSeries:
        d = days[days >= since]
        v = np.linspace(10.0, 20.0, len(d))
        return RawSeries(symbol, make_frame(d, close=v, adj_close=v), "USD", "test")

    # Z lists late (2020-03-02): a window before it still loads (leniently).
    store.write(
        [raw("X", "2019-01-01"), raw("Z", "2020-03-02"), raw("F", "2019-01-01")]
    )
    path = tmp_path / "chips.toml"
    path.write_text(SHOCK, encoding="utf-8")
    settings = StressSettings.model_validate(
        {"windows": {"w": ("2020-01-02", "2020-02-03")}, "scenarios": [path]}
    )
    frame = frame_for(parse_pie(TWO), settings, offline=True, store=store)
    # From the window's first day (before the plan's 2020-06-01 start), with the
    # scenario's factor F that is no slice of the pie.
    assert frame.dates[0] == pd.Timestamp("2020-01-02")
    assert {"X", "Z", "F"} <= set(frame.symbols)
    # Without settings: the default windows reach back before these prices.
    assert frame_for(parse_pie(TWO), offline=True, store=store).dates[0] == days[0]


def test_a_window_is_replayed_from_its_own_day_with_the_lump_sum() -> None:
    # The plan starts after the data end and puts in 1 (under the default
    # min_order of 1 once split 50/50): the replay ignores both, buys 10,000 on
    # the window's first day and holds it. By hand, X: 100 -> 80 -> 120 and
    # Y: 50 -> 55 -> 45; 5,000 in each: NAV 10,000, 9,500, 10,500.
    days = pd.bdate_range("2020-01-01", periods=3)
    closes = pd.DataFrame({"X": [100.0, 80.0, 120.0], "Y": [50.0, 55.0, 45.0]}, days)
    plan = Plan.model_validate({"start": "2021-01-04", "initial": 1})
    row = replay(closes, {"X": 0.5, "Y": 0.5}, plan, days[0], days[2], name="p")
    assert row.total_return == pytest.approx(0.05, rel=1e-12)
    assert row.max_drawdown == pytest.approx(-0.05, rel=1e-12)
    assert row.trough == days[1] and row.days_to_recover == 1


def test_a_slice_listed_before_the_window_needs_no_proxy() -> None:
    # X has no price on the data's first day but every day of the window (from
    # the second day): it is replayed on its own prices, 80 -> 88 (+10 %), and
    # nothing is said about it.
    days = pd.bdate_range("2020-01-01", periods=4)
    closes = pd.DataFrame({"X": [float("nan"), 80.0, 88.0, 84.0]}, index=days)
    row = replay(closes, {"X": 1.0}, PLAN, days[1], days[2], name="X")
    assert row.total_return == pytest.approx(0.10, rel=1e-12)
    assert row.notes == ()


def test_stress_without_a_frame_loads_one_from_its_first_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import piefolio.data
    from piefolio.scenarios.historical import StressSettings, frame_for, stress

    days = pd.bdate_range("2020-01-01", periods=8)
    closes = pd.DataFrame(
        {"X": [100.0, 120.0, 90.0, 60.0, 80.0, 110.0, 119.0, 125.0]}, index=days
    )
    asked: list[dict[str, object]] = []

    def fake_get_prices(spec: object, **kwargs: object) -> pd.DataFrame:
        asked.append(kwargs)
        return closes

    monkeypatch.setattr(piefolio.data, "get_prices", fake_get_prices)
    spec = parse_pie(
        '[pie]\nname = "p"\n[[pie.slices]]\nticker = "X"\nweight = 1.0\n'
        "[plan]\nstart = 2020-06-01\ninitial = 1\n"
    )
    settings = StressSettings.model_validate(
        {"windows": {"fall": ("2020-01-02", "2020-01-07")}}
    )
    report = stress(spec, settings=settings)
    # From the window's first day (before the plan's start), online by default.
    assert [(a["start"], a["offline"]) for a in asked] == [
        (pd.Timestamp("2020-01-02").date(), False)
    ]
    (window,) = report.windows
    # 120 (peak, 2 Jan) -> 60 (trough, 6 Jan): -50 %, as on the frame given.
    assert window.rows == stress(spec, closes, settings=settings).windows[0].rows
    assert window.rows[0].max_drawdown == pytest.approx(-0.5)
    frame_for(spec, settings, offline=True)
    assert asked[-1]["offline"] is True
