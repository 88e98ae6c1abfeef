"""The provider chain: retries, fallbacks, incremental ranges, stale data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.data import get_prices
from piefolio.data.chain import RetryPolicy, update
from piefolio.data.providers.base import (
    RateLimited,
    RawSeries,
    TransientProviderError,
    UnknownSymbol,
)
from piefolio.data.providers.recorded import RecordedProvider
from piefolio.data.store import Store
from piefolio.errors import DataUnavailable, ProviderError
from piefolio.spec import parse_pie

from .conftest import series

D = dt.date
FAST = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)
DAYS = pd.bdate_range("2024-01-02", "2024-03-29")


def cvx(source: str = "yahoo") -> RawSeries:
    return series("CVX", DAYS, np.linspace(150, 160, len(DAYS)), source=source)


def test_retries_a_rate_limit_then_succeeds(store: Store) -> None:
    yahoo = RecordedProvider(
        {"CVX": [RateLimited("429"), RateLimited("429"), cvx()]}, name="yahoo"
    )
    (report,) = update(
        ["CVX"],
        D(2024, 1, 1),
        D(2024, 3, 29),
        store=store,
        providers=[yahoo],
        policy=FAST,
    )
    assert report.ok and report.source == "yahoo" and report.rows == len(DAYS)
    assert len(yahoo.calls) == 3


def test_falls_back_to_the_next_provider(store: Store) -> None:
    yahoo = RecordedProvider({"CVX": TransientProviderError("timed out")}, name="yahoo")
    stooq = RecordedProvider({"CVX": cvx("stooq")}, name="stooq")
    (report,) = update(
        ["CVX"],
        D(2024, 1, 1),
        D(2024, 3, 29),
        store=store,
        providers=[yahoo, stooq],
        policy=FAST,
    )
    assert report.source == "stooq" and len(yahoo.calls) == 3  # retried, then moved on
    assert "yahoo: timed out" in report.errors[0]


def test_an_unreachable_provider_is_skipped_for_the_rest_of_the_run(
    store: Store,
) -> None:
    down = TransientProviderError("network down")
    yahoo = RecordedProvider({"CVX": down, "XOM": down}, name="yahoo")
    reports = update(["CVX", "XOM"], D(2024, 1, 1), D(2024, 3, 29), store=store,
                     providers=[yahoo], policy=FAST)  # fmt: skip
    assert [c[0] for c in yahoo.calls] == ["CVX"] * 3  # XOM never asked
    assert reports[1].errors == ("yahoo: skipped, unreachable earlier",)


def test_unknown_symbol_is_not_retried(store: Store) -> None:
    yahoo = RecordedProvider({"NOPE": UnknownSymbol("NOPE: no prices")}, name="yahoo")
    (report,) = update(
        ["NOPE"],
        D(2024, 1, 1),
        D(2024, 3, 29),
        store=store,
        providers=[yahoo],
        policy=FAST,
    )
    assert not report.ok and len(yahoo.calls) == 1
    assert report.describe() == "NOPE: no data (yahoo: NOPE: no prices)"


def test_incremental_fetch_asks_only_for_missing_days(store: Store) -> None:
    yahoo = RecordedProvider({"CVX": cvx()}, name="yahoo")
    update(
        ["CVX"],
        D(2024, 1, 1),
        D(2024, 2, 29),
        store=store,
        providers=[yahoo],
        policy=FAST,
    )
    (again,) = update(
        ["CVX"],
        D(2024, 1, 1),
        D(2024, 2, 29),
        store=store,
        providers=[yahoo],
        policy=FAST,
    )
    assert again.up_to_date and len(yahoo.calls) == 1
    update(
        ["CVX"],
        D(2024, 1, 1),
        D(2024, 3, 29),
        store=store,
        providers=[yahoo],
        policy=FAST,
    )
    # Only March, plus a week of overlap to re-base adjusted closes at the join.
    assert yahoo.calls[-1] == ("CVX", D(2024, 2, 22), D(2024, 3, 29))
    assert store.info("CVX").rows == len(DAYS)  # type: ignore[union-attr]


def test_network_down_continues_on_stored_data(store: Store) -> None:
    store.write([cvx()], requested={"CVX": (D(2024, 1, 1), D(2024, 3, 29))})
    down = RecordedProvider(
        {"CVX": TransientProviderError("network down")}, name="yahoo"
    )
    (report,) = update(
        ["CVX"],
        D(2024, 1, 1),
        D(2024, 4, 30),
        store=store,
        providers=[down],
        policy=FAST,
    )
    assert not report.ok and report.last_stored == D(2024, 3, 29)
    assert report.stale_days == 32
    assert "using stored data up to 2024-03-29 (32 days old)" in report.describe()


PIE = """
[pie]
name = "t"
currency = "EUR"
[[pie.slices]]
ticker = "CVX"
weight = 1.0
[plan]
start = 2024-01-02
end = 2024-03-29
initial = 100
"""


def test_get_prices_fetches_assets_and_fx(store: Store) -> None:
    fx = series("EURUSD=X", DAYS, np.full(len(DAYS), 1.1), source="fred")
    yahoo = RecordedProvider({"CVX": cvx()}, name="yahoo")
    fred = RecordedProvider({"EURUSD=X": fx}, name="fred")
    frame = get_prices(
        parse_pie(PIE), store=store, providers=[yahoo, fred], policy=FAST
    )
    np.testing.assert_allclose(frame.base[0, 0], 150 / 1.1)
    assert frame.notes == () and frame.sources == ("yahoo",)
    assert [c[0] for c in fred.calls] == ["EURUSD=X"]


def test_get_prices_offline_with_nothing_stored_says_what_to_do(store: Store) -> None:
    with pytest.raises(DataUnavailable) as info:
        get_prices(parse_pie(PIE), store=store, offline=True)
    msg = str(info.value)
    assert "no prices for CVX" in msg and "piefolio data import FILE" in msg
    assert "piefolio data fetch CVX" in msg and info.value.exit_code == 3


def test_get_prices_network_down_uses_store_and_says_how_stale(store: Store) -> None:
    store.write(
        [cvx(), series("EURUSD=X", DAYS, np.full(len(DAYS), 1.1))],
        requested={"CVX": (D(2024, 1, 2), D(2024, 2, 29))},
    )
    down = RecordedProvider({"CVX": ProviderError("connection refused")}, name="yahoo")
    frame = get_prices(parse_pie(PIE), store=store, providers=[down], policy=FAST)
    assert len(frame.dates) == len(DAYS)
    assert any("fetch failed" in n and "days old" in n for n in frame.notes)


def test_get_prices_brings_stored_fx_up_to_date(store: Store) -> None:
    feb = DAYS[DAYS <= pd.Timestamp("2024-02-29")]
    store.write(
        [series("EURUSD=X", feb, np.full(len(feb), 1.1))],
        requested={"EURUSD=X": (D(2023, 12, 20), D(2024, 2, 29))},
    )
    fx = series("EURUSD=X", DAYS, np.full(len(DAYS), 1.1), source="fred")
    fred = RecordedProvider({"EURUSD=X": fx}, name="fred")
    yahoo = RecordedProvider({"CVX": cvx()}, name="yahoo")
    frame = get_prices(
        parse_pie(PIE), store=store, providers=[yahoo, fred], policy=FAST
    )
    assert not np.isnan(frame.base).any() and frame.notes == ()
    # Only March was asked (after a week of overlap), not the stored months.
    assert fred.calls == [("EURUSD=X", D(2024, 2, 22), D(2024, 3, 29))]
