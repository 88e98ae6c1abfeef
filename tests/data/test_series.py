"""Economic series in the store: imported on their own dates, read back as they are."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from piefolio.data.providers.files import read_prices_file
from piefolio.data.series import StoredSeries, infer_frequency, read_series
from piefolio.data.store import Store
from piefolio.errors import BadData, DataUnavailable

from .conftest import series


def long_file(
    tmp_path: Path, rows: list[tuple[str, str, str]], name: str = "m.csv"
) -> Path:
    path = tmp_path / name
    path.write_text(
        "date,series,value\n" + "".join(f"{d},{s},{v}\n" for d, s, v in rows)
    )
    return path


def monthly_2024(series_id: str, values: list[str]) -> list[tuple[str, str, str]]:
    return [(f"2024-{m:02d}-01", series_id, v) for m, v in enumerate(values, start=1)]


def test_a_monthly_series_stays_monthly_after_import_and_read(
    tmp_path: Path, store: Store
) -> None:
    # Twelve first-of-month values 101..112: twelve rows come back, on the
    # first of each month, and the store holds no other day of the series.
    values = [str(100 + m) for m in range(1, 13)]
    file = long_file(tmp_path, monthly_2024("CPIAUCSL", values))
    store.write(read_prices_file(file))
    cpi = read_series(store, "cpiaucsl")
    assert cpi.frequency == "monthly" and cpi.unit == "index 1982-84=100"
    assert len(cpi.values) == 12
    assert list(cpi.values.index) == list(
        pd.date_range("2024-01-01", periods=12, freq="MS")
    )
    assert cpi.values.tolist() == [101.0 + m for m in range(12)]
    assert len(store.read(["CPIAUCSL"])) == 12
    assert (cpi.first_date, cpi.last_date) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 1),
    )
    # A lookup on 2024-07-15 is July's value (107), not an interpolation.
    assert cpi.asof(dt.date(2024, 7, 15)) == 107.0
    assert np.isnan(cpi.asof(dt.date(2023, 12, 31)))


def test_a_dot_is_a_missing_value_not_a_zero(tmp_path: Path, store: Store) -> None:
    values = ["1.5"] * 12
    values[2] = "."  # March not published
    store.write(read_prices_file(long_file(tmp_path, monthly_2024("XSER", values))))
    got = read_series(store, "XSER")
    assert len(got.values) == 11 and (got.values == 1.5).all()
    assert pd.Timestamp("2024-03-01") not in got.values.index
    # Eleven monthly dates with one gap of two months: still monthly.
    assert got.frequency == "monthly"


def test_staleness_by_frequency(tmp_path: Path, store: Store) -> None:
    store.write(read_prices_file(long_file(tmp_path, monthly_2024("XSER", ["2"] * 12))))
    got = read_series(store, "XSER")
    # Last date 2024-12-01; a monthly series may be 100 days old:
    # Dec 31 + Jan 31 + Feb 28 days = 90 to 2025-03-01, so 2025-03-11 is 100.
    assert not got.is_stale(dt.date(2025, 3, 11))
    assert got.is_stale(dt.date(2025, 3, 12))
    daily = StoredSeries(
        "D",
        pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"])),
        "daily",
        "",
        "x",
    )
    assert not daily.is_stale(dt.date(2024, 1, 13)) and daily.is_stale(
        dt.date(2024, 1, 14)
    )


def test_a_ticker_reads_as_its_daily_total_return_close(store: Store) -> None:
    days = pd.bdate_range("2024-01-02", periods=5)
    store.write([series("SPY", days, [1, 2, 3, 4, 5], adj=[10, 20, 30, 40, 50])])
    spy = read_series(store, "SPY")
    assert spy.frequency == "daily" and spy.unit == ""
    assert spy.values.tolist() == [10.0, 20.0, 30.0, 40.0, 50.0]


def test_an_absent_series_says_how_to_import_it(store: Store) -> None:
    with pytest.raises(DataUnavailable, match=r"NOPE: no stored values.*data import"):
        read_series(store, "NOPE")


def test_frequency_is_inferred_from_the_median_gap() -> None:
    assert infer_frequency(pd.bdate_range("2024-01-01", periods=30)) == "daily"
    assert (
        infer_frequency(pd.date_range("2024-01-05", periods=10, freq="W-FRI"))
        == "weekly"
    )
    assert (
        infer_frequency(pd.date_range("2000-01-01", periods=8, freq="QS"))
        == "quarterly"
    )
    assert (
        infer_frequency(pd.date_range("2000-01-01", periods=4, freq="YS")) == "annual"
    )
    assert infer_frequency(pd.DatetimeIndex(["2024-01-01"])) is None


def test_a_stored_series_keeps_its_frequency(tmp_path: Path, store: Store) -> None:
    store.write(read_prices_file(long_file(tmp_path, monthly_2024("XSER", ["2"] * 12))))
    before = store.read(["XSER"])
    days = [
        (str(d.date()), "XSER", "3") for d in pd.bdate_range("2025-01-02", periods=20)
    ]
    daily = read_prices_file(long_file(tmp_path, days, "d.csv"))
    with pytest.raises(
        BadData, match=r"XSER: .* daily series, but the stored XSER is monthly"
    ):
        store.write(daily)
    pd.testing.assert_frame_equal(store.read(["XSER"]), before)


def test_two_values_in_one_month_of_a_monthly_series(tmp_path: Path) -> None:
    rows = monthly_2024("CPIAUCSL", ["1"] * 12)
    rows.insert(3, ("2024-03-15", "CPIAUCSL", "1"))
    with pytest.raises(
        BadData, match=r"m\.csv: line 5: CPIAUCSL has a second value for 2024-03"
    ):
        read_prices_file(long_file(tmp_path, rows))


def test_a_daily_id_given_monthly_dates_is_refused(tmp_path: Path) -> None:
    # DHHNGSP is FRED's daily Henry Hub; monthly averages under its id are
    # another series (MHHNGSP), not a thinner DHHNGSP.
    rows = monthly_2024("DHHNGSP", ["2.5"] * 12)
    with pytest.raises(
        BadData,
        match=r"DHHNGSP: its dates .* are monthly, but DHHNGSP is known as daily",
    ):
        read_prices_file(long_file(tmp_path, rows))
    got = read_prices_file(long_file(tmp_path, rows), frequency="monthly")
    assert got[0].frequency == "monthly"


def test_a_fred_download_imports_as_one_series(tmp_path: Path, store: Store) -> None:
    # FRED's fredgraph.csv download of a monthly series, `.` for a month without
    # a value (as older downloads write it).
    path = tmp_path / "APU000072610.csv"
    path.write_text(
        "observation_date,APU000072610\n1985-08-01,0.078\n1985-09-01,.\n1985-10-01,0.079\n"
    )
    store.write(read_prices_file(path))
    got = read_series(store, "APU000072610")
    assert got.values.tolist() == [0.078, 0.079]
    assert got.frequency == "monthly" and got.unit == "USD per kWh"
    old = tmp_path / "old.csv"
    old.write_text(
        "DATE,C30_PRIVATE_DATA_CENTER_SAAR\n2026-07-01,79007\n2026-08-01,84950\n"
    )
    (s,) = read_prices_file(old)
    assert s.symbol == "C30_PRIVATE_DATA_CENTER_SAAR" and s.frequency == "monthly"


def test_the_shared_macro_files_import_as_they_are(
    shared_macro_dir: Path, store: Store
) -> None:
    # Counts from the data's README: 21 monthly series, 12,333 rows; DHHNGSP
    # 7,436 trading days.
    monthly = read_prices_file(shared_macro_dir / "fred_macro_monthly.csv")
    daily = read_prices_file(shared_macro_dir / "fred_macro_daily.csv")
    store.write(monthly + daily)
    assert len(monthly) == 21 and sum(len(s.frame) for s in monthly) == 12_333
    assert {s.frequency for s in monthly} == {"monthly"}
    assert all(s.unit for s in monthly + daily)
    gas = read_series(store, "DHHNGSP")
    assert gas.frequency == "daily" and len(gas.values) == 7_436
    dc = read_series(store, "C30_PRIVATE_DATA_CENTER_SAAR")
    assert (dc.first_date, dc.last_date, len(dc.values)) == (
        dt.date(2014, 1, 1),
        dt.date(2026, 8, 1),
        152,
    )
    assert dc.last_value == 84_950.0  # README: "84,950 USD mn SAAR (2026-08)"
    cpi = read_series(store, "CPIAUCSL")
    # README: CPIAUCSL has no 2025-10 (not published): 2025 has 11 values.
    assert (cpi.values.index.year == 2025).sum() == 11
    assert cpi.values.index.day.unique().tolist() == [1]


def test_verify_counts_missing_periods_not_weekdays(store: Store) -> None:
    from piefolio.data.verify import verify_store

    # Weekly Fridays of Jan-Feb 2024 without 2024-01-26: one gap of 14 days.
    fridays = pd.date_range("2024-01-05", periods=8, freq="W-FRI")
    kept = fridays[fridays != pd.Timestamp("2024-01-26")]
    weekly = series("WSER", kept, np.full(len(kept), 2.0))
    store.write([dataclasses.replace(weekly, frequency="weekly")])
    found = verify_store(store, ["WSER"], as_of=dt.date(2024, 3, 1))
    assert [(f.kind, str(f.date), f.detail) for f in found] == [
        ("gap", "2024-01-19", "no value for 14 days until 2024-02-02")
    ]
    # 2024-02-23 + 21 days = 2024-03-15: stale from the 16th.
    assert [
        f.kind for f in verify_store(store, ["WSER"], as_of=dt.date(2024, 3, 16))
    ] == [
        "gap",
        "stale",
    ]


def test_a_series_is_refused_over_a_providers_ticker_prices(
    tmp_path: Path, store: Store
) -> None:
    days = pd.bdate_range("2024-01-02", periods=5)
    store.write([series("XSER", days, np.ones(5), source="yahoo")])
    before = store.read(["XSER"])
    file = long_file(tmp_path, monthly_2024("XSER", ["2"] * 12))
    with pytest.raises(BadData, match="the store holds ticker prices of XSER"):
        store.write(read_prices_file(file))
    pd.testing.assert_frame_equal(store.read(["XSER"]), before)


def test_an_economic_series_may_be_negative_a_ticker_may_not(store: Store) -> None:
    days = pd.bdate_range("2024-01-02", periods=3)
    spread = series("T10Y2Y", days, [1.0, 1.0, 1.0])
    frame = spread.frame.assign(close=[-0.38, -0.4, 0.0], adj_close=[-0.38, -0.4, 0.0])
    store.write([dataclasses.replace(spread, frame=frame, frequency="daily")])
    assert read_series(store, "T10Y2Y").values.tolist() == [-0.38, -0.4, 0.0]
    ticker = dataclasses.replace(spread, symbol="ABC", frame=frame)
    with pytest.raises(BadData, match=r"ABC from recorded: 2024-01-02: close = -0\.38"):
        store.write([ticker])
    assert store.info("ABC") is None


@settings(max_examples=8, deadline=None)
@given(
    kept=st.lists(st.sampled_from([True, True, True, False]), min_size=13, max_size=40)
)
def test_any_set_of_months_round_trips_and_its_holes_are_the_gaps(
    tmp_path_factory: pytest.TempPathFactory, kept: list[bool]
) -> None:
    # Invariant: the months read back are exactly the months written (nothing
    # filled, nothing lost), and verify names one gap per run of missing months.
    from piefolio.data.verify import verify_store

    months = pd.date_range("2020-01-01", periods=len(kept), freq="MS")
    kept[0] = kept[1] = kept[2] = kept[-1] = True
    chosen = months[np.array(kept)]
    # Still monthly by its dates: most gaps one month (a series missing most
    # months reads as quarterly, and a monthly one is refused such dates).
    steps = np.diff(chosen.year * 12 + chosen.month)
    assume((steps == 1).mean() >= 0.5)
    values = [f"{100 + i}.5" for i in range(len(chosen))]
    path = tmp_path_factory.mktemp("m") / "m.csv"
    path.write_text(
        "date,series,value\n"
        + "".join(f"{d.date()},XSER,{v}\n" for d, v in zip(chosen, values, strict=True))
    )
    store = Store(tmp_path_factory.mktemp("s") / "s.duckdb")
    store.write(read_prices_file(path, frequency="monthly"))
    got = read_series(store, "XSER")
    assert list(got.values.index) == list(chosen)
    assert got.values.tolist() == [float(v) for v in values]
    runs = sum(1 for a, b in itertools.pairwise(kept) if a and not b)
    gaps = [f for f in verify_store(store, as_of=chosen[-1].date()) if f.kind == "gap"]
    assert len(gaps) == runs


def test_a_unit_once_known_is_kept_by_a_file_without_one(
    tmp_path: Path, store: Store
) -> None:
    file = long_file(tmp_path, monthly_2024("XSER", ["2"] * 12))
    store.write(read_prices_file(file, unit="percent"))
    store.write(read_prices_file(file))  # no unit: "percent" stays
    assert read_series(store, "XSER").unit == "percent"
    store.write(read_prices_file(file, unit="percentage points"))
    assert read_series(store, "XSER").unit == "percentage points"


def test_the_whole_shared_fx_and_oil_file_imports(shared_prices_dir: Path) -> None:
    # Refused whole before (-36.98 "is not positive"); WTI did settle at
    # -36.98 USD/bbl on 2020-04-20. README: 26,272 rows of 4 series.
    got = {
        s.symbol: s
        for s in read_prices_file(shared_prices_dir / "fred_ecb_fx_oil_daily.csv")
    }
    assert sorted(got) == ["DCOILBRENTEU", "DCOILWTICO", "ECB_EURUSD", "EURUSD=X"]
    assert sum(len(s.frame) for s in got.values()) == 26_272
    assert got["DCOILWTICO"].frame.loc["2020-04-20", "close"] == -36.98
    assert got["EURUSD=X"].frequency is None  # an FX rate stays a price
    assert {got[k].frequency for k in ("DCOILWTICO", "ECB_EURUSD")} == {"daily"}


@pytest.mark.parametrize("frequency", ["daily", "monthly"])
def test_a_spread_through_zero_is_no_big_move(store: Store, frequency: str) -> None:
    from piefolio.data.verify import verify_store

    # A rate spread -0.02 -> 0.00 -> 0.03 -> 0.06: a relative change of a value at
    # or below zero means nothing (-100 %, inf), so no big move is reported; the
    # last step, 0.03 -> 0.06 (+100 %), is one between two positive values.
    days = (
        pd.bdate_range("2024-01-02", periods=4)
        if frequency == "daily"
        else pd.date_range("2024-01-01", periods=4, freq="MS")
    )
    spread = series("T10Y2Y", days, [1.0] * 4)
    values = [-0.02, 0.0, 0.03, 0.06]
    frame = spread.frame.assign(close=values, adj_close=values)
    store.write([dataclasses.replace(spread, frame=frame, frequency=frequency)])
    found = verify_store(store, ["T10Y2Y"], as_of=days[-1].date())
    assert [(f.kind, f.date) for f in found] == [("big-move", days[3].date())]
