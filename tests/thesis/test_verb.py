"""The thesis verb on the hand-made store: stale series, history, relative series."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from piefolio.backtest import backtest
from piefolio.data.store import Store
from piefolio.spec import load_pie
from piefolio.thesis.verb import store_reader, thesis
from piefolio.thesis.verdict import State

from .conftest import PRICED, WORLD, indicator, write_pie


def test_a_stale_series_is_reported(world: Path, tmp_path: Path) -> None:
    # COPPERX (monthly) last printed 2021-12-01; a monthly series is stale
    # after 100 days without a print (data.series.STALE_AFTER): on 2022-03-11
    # (100 days) it is not, on 2022-03-12 (101 days) it is.
    spec = load_pie(
        write_pie(tmp_path, PRICED + WORLD + indicator("c", "copper-scarce", above=0.5))
    )
    store = Store(world / "store.duckdb")
    bt = backtest(spec, store=store, offline=True)
    read = store_reader(store)
    fresh = thesis(spec, bt, read, as_of=dt.date(2022, 3, 11))
    assert fresh.stale == []
    stale = thesis(spec, bt, read, as_of=dt.date(2022, 3, 12))
    assert stale.stale == [
        "COPPERX last printed 2021-12-01, 101 days before 2022-03-12: longer than "
        "a monthly series may go (100 days)"
    ]
    assert stale.readings[0].stale == stale.stale[0]


def test_history_and_relative_series(world: Path, tmp_path: Path) -> None:
    # Price check holds throughout (energy +40 %/yr vs SPY +10 %/yr); the
    # indicator `COPPERX above 20.5` holds until 2020-04-01 (21), fails from
    # 2020-05-01 (20), a value out two months later (the default lag of a
    # monthly series): 1 of 2 signals, weakening from 2020-07-01.
    spec = load_pie(
        write_pie(tmp_path, PRICED + indicator("c", "energy-wins", above=20.5))
    )
    store = Store(world / "store.duckdb")
    bt = backtest(spec, store=store, offline=True)
    report = thesis(spec, bt, store_reader(store))
    assert report.verdicts[0].state is State.WEAKENING
    rows = report.changes.to_dict("records")
    assert [(r["date"].date().isoformat(), r["from"], r["to"]) for r in rows] == [
        ("2020-07-01", "holding", "weakening")
    ]
    # The pie (60 % energy at +40 %, 40 % SPY at +10 %, no rebalancing) against
    # SPY over 2020-07-01..2021-01-01: cross-checked from the unit values here.
    units = bt.unit_value()
    a, b = units.loc["2020-07-01"], units.loc[:"2021-01-01"].iloc[-1]
    want = (b.iloc[0] / a.iloc[0]) / (b.iloc[1] / a.iloc[1]) - 1
    assert rows[0]["after_6M"] == pytest.approx(want)
    assert want > 0
    assert report.relative is not None
    assert report.relative.iloc[0] == 0.0
    assert report.relative.iloc[-1] > 0


def test_a_change_just_after_the_start_counts_from_the_state_known_then(
    world: Path, tmp_path: Path
) -> None:
    # COPPERX prints 24 for 2020-01-01 and 23 for 2020-02-01; the plan starts
    # 2020-01-02. With `published = "1D"`, `above 23.5` holds on the start
    # (January's 24, out on 2020-01-02) and fails once February's is out: one
    # change, holding -> broken on 2020-02-02.
    spec = load_pie(
        write_pie(
            tmp_path,
            WORLD + indicator("c", "copper-scarce", above=23.5, published="1D"),
        )
    )
    store = Store(world / "store.duckdb")
    report = thesis(
        spec, backtest(spec, store=store, offline=True), store_reader(store)
    )
    rows = report.changes.to_dict("records")
    assert [(r["date"].date().isoformat(), r["from"], r["to"]) for r in rows] == [
        ("2020-02-02", "holding", "broken")
    ]
    states = report.states["copper-scarce"]
    assert states.index[0] == pd.Timestamp("2020-01-02")  # the state known at start
    assert states.iloc[0] == "holding"


@pytest.mark.parametrize(
    ("published", "when"),
    [(None, "2020-07-01"), ("3M", "2020-08-01"), ("6W", "2020-06-12")],
)
def test_a_change_is_dated_when_its_value_was_out(
    world: Path, tmp_path: Path, published: str | None, when: str
) -> None:
    # COPPERX prints 20 for 2020-05-01, the first value under 20.5; the claim
    # breaks when that value is published: two months later by default for a
    # monthly series, else its own lag (2020-05-01 + 6 weeks = 2020-06-12).
    keys: dict[str, object] = {"above": 20.5}
    if published is not None:
        keys["published"] = published
    spec = load_pie(
        write_pie(tmp_path, WORLD + indicator("c", "copper-scarce", **keys))
    )
    store = Store(world / "store.duckdb")
    report = thesis(
        spec, backtest(spec, store=store, offline=True), store_reader(store)
    )
    assert [
        (r["date"].date().isoformat(), r["to"])
        for r in report.changes.to_dict("records")
    ] == [(when, "broken")]


def test_a_reference_that_ends_first_reads_on_the_last_day_both_have(
    world: Path, tmp_path: Path
) -> None:
    import dataclasses

    spec = load_pie(
        write_pie(
            tmp_path,
            PRICED
            + WORLD
            + indicator("c", "copper-scarce", transform="relative:SPY", above=-0.9),
        )
    )
    store = Store(world / "store.duckdb")
    bt = backtest(spec, store=store, offline=True)
    stored = store_reader(store)

    def read(symbol: str):  # type: ignore[no-untyped-def]
        got = stored(symbol)
        if symbol != "SPY":
            return got
        # SPY stops printing on 2021-06-01; COPPERX goes on to 2021-12-01.
        return dataclasses.replace(got, values=got.values[:"2021-06-01"])

    (reading,) = thesis(spec, bt, read, as_of=dt.date(2022, 1, 1)).readings
    # On 2021-06-01 COPPERX is 7, a year before 19; SPY grew 10 % over those 365
    # days: (7 / 19) / 1.1 - 1 = -0.66507. It holds (above -0.9), dated so.
    assert reading.latest_date == dt.date(2021, 6, 1)
    assert reading.latest == pytest.approx((7 / 19) / 1.1 - 1)
    assert reading.signal().failing is False  # read, not "unread"
