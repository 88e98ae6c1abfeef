"""Real prices from ../shared/data/prices: import, coverage, two snapshots, EUR.

Skipped, with the reason, where the shared folder is absent. Hand-computed values
below were read off the CSV files with grep, not from piefolio's output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data import get_prices, read_prices_file
from piefolio.data.store import Store
from piefolio.errors import PlanError
from piefolio.spec import load_pie

REPO = Path(__file__).resolve().parents[2]
LONG = "yahoo_adjclose_2000_2026-08-03.csv"
OHLCV = "yahoo_ohlcv_2000_2024-09-12.csv"
FRED = "fred_ecb_fx_oil_daily.csv"


@pytest.fixture(scope="module")
def real_store(
    shared_prices_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Store:
    store = Store(tmp_path_factory.mktemp("real") / "store.duckdb")
    store.write(read_prices_file(shared_prices_dir / LONG))
    store.write(read_prices_file(shared_prices_dir / FRED, only=["DEXUSEU"]))
    return store


def test_long_file_covers_the_example(real_store: Store) -> None:
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    infos = {i.symbol: i for i in real_store.symbols()}
    needed = set(spec.pie.effective_weights())
    for b in spec.benchmarks:
        needed |= set(b.effective_weights())
    assert needed <= set(infos)
    assert len(infos) == 43  # 42 tickers + EURUSD=X
    assert sum(i.rows for s, i in infos.items() if s != "EURUSD=X") == 205_978
    assert infos["GEV"].first_date == dt.date(2024, 3, 27)
    assert infos["CEG"].first_date == dt.date(2022, 1, 19)
    assert infos["CVX"].first_date == dt.date(2000, 1, 3)
    assert {i.last_date for s, i in infos.items() if s != "EURUSD=X"} == {
        dt.date(2026, 8, 3)
    }
    assert infos["EURUSD=X"].currency == "USD" and infos["EURUSD=X"].name == "DEXUSEU"


def test_two_yahoo_snapshots_agree_on_returns(shared_prices_dir: Path) -> None:
    new = {
        s.symbol: s.frame["adj_close"]
        for s in read_prices_file(shared_prices_dir / LONG)
    }
    old = {
        s.symbol: s.frame["adj_close"]
        for s in read_prices_file(shared_prices_dir / OHLCV)
    }
    common = sorted(set(new) & set(old))
    assert len(common) == 22
    for sym in common:
        both = pd.concat([new[sym], old[sym]], axis=1, join="inner").dropna()
        r = both.pct_change().dropna()
        diff = (r.iloc[:, 0] - r.iloc[:, 1]).abs()
        # Levels differ (Yahoo re-bases history at each dividend); returns must not.
        assert diff.max() < 1e-3, (sym, diff.idxmax(), diff.max())
        assert diff.median() < 1e-5, sym


def test_eur_conversion_matches_hand_computation(real_store: Store) -> None:
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    frame = get_prices(spec, store=real_store, offline=True, end=dt.date(2026, 8, 3))
    assert frame.base_currency == "EUR" and frame.fx_mask.all()
    cvx = frame.prices["CVX"]
    # CVX adj close / DEXUSEU (USD per EUR) of the same day.
    assert cvx["2021-01-04"] == pytest.approx(67.2135 / 1.2254, rel=1e-12)
    # Columbus Day 2021-10-11: NYSE open, no Fed H.10 rate; Friday's rate is used.
    assert cvx["2021-10-11"] == pytest.approx(88.436 / 1.1572, rel=1e-12)
    # Veterans Day 2024-11-11, same: the 2024-11-08 rate.
    assert cvx["2024-11-11"] == pytest.approx(145.291 / 1.071, rel=1e-12)
    assert frame.prices["SPY"]["2021-01-04"] == pytest.approx(
        342.437 / 1.2254, rel=1e-12
    )
    # Late listings stay NaN before their first day (plan says redistribute).
    gev = frame.prices["GEV"]
    assert gev[:"2024-03-26"].isna().all() and gev["2024-03-27"] > 0
    assert frame.gaps == () and frame.notes == ()
    assert not np.isnan(frame.base[frame.dates >= pd.Timestamp("2024-03-27")]).any()


def test_offline_store_says_how_stale(real_store: Store) -> None:
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    frame = get_prices(spec, store=real_store, offline=True, end=dt.date(2026, 11, 29))
    assert frame.dates[-1] == pd.Timestamp("2026-08-03")
    assert frame.notes == (
        "prices end on 2026-08-03, 118 days before 2026-11-29; connect and run "
        "`piefolio data fetch` to update them",
    )


def test_late_listing_error_on_real_data(real_store: Store) -> None:
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    strict = spec.model_copy(
        update={"plan": spec.plan.model_copy(update={"late_listing": "error"})}
    )
    with pytest.raises(
        PlanError,
        match=r"CEG \(first price 2022-01-19\).*GEV \(first price 2024-03-27\)",
    ):
        get_prices(strict, store=real_store, offline=True, end=dt.date(2026, 8, 3))
