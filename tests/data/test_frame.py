"""PriceFrame building: union of days, bounded fill, gaps, FX, dividends, listing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.data import get_prices, load_frame
from piefolio.data.frame import MAX_FILL, PriceFrame
from piefolio.data.store import Store
from piefolio.errors import DataUnavailable, PlanError
from piefolio.spec import PieSpec, parse_pie

from .conftest import series

D = dt.date


def spec(
    late: str = "error", dividends: str = "reinvest", currency: str = "EUR"
) -> PieSpec:
    return parse_pie(f"""
[pie]
name = "t"
currency = "{currency}"
[[pie.slices]]
ticker = "AAA"
weight = 0.5
[[pie.slices]]
ticker = "BBB"
weight = 0.5
[benchmarks]
"bench" = "CCC"
[plan]
start = 2024-01-01
end = 2024-01-31
initial = 1000
dividends = "{dividends}"
late_listing = "{late}"
""")


@pytest.fixture
def filled(store: Store) -> Store:
    days = pd.bdate_range("2024-01-02", "2024-01-31")
    n = len(days)
    a = np.linspace(100, 121, n)
    store.write(
        [
            series(
                "AAA",
                days,
                a,
                adj=a * 0.9,
                dividend=[0.0] * 5 + [2.0] + [0.0] * (n - 6),
            ),
            # BBB lists on 01-10 (late) and has no price from 01-15 to 01-24 (a gap).
            series(
                "BBB",
                [
                    d
                    for d in days
                    if d >= pd.Timestamp("2024-01-10")
                    and not pd.Timestamp("2024-01-15")
                    <= d
                    <= pd.Timestamp("2024-01-24")
                ],
                [50.0] * 8,
            ),
            series("CCC", days[::2], np.full(len(days[::2]), 10.0), currency="EUR"),
            series("EURUSD=X", days, np.full(n, 1.25)),
        ]
    )
    return store


def test_redistribute_frame_in_eur(filled: Store) -> None:
    frame = get_prices(spec("redistribute"), store=filled, offline=True)
    assert frame.symbols == ("AAA", "BBB", "CCC")
    assert frame.dates[0] == pd.Timestamp("2024-01-02") and len(frame.dates) == 22
    assert frame.base_currency == "EUR" and frame.fx_mask.tolist() == [
        True,
        True,
        False,
    ]
    # AAA: adjusted close in USD, / 1.25 USD per EUR.
    np.testing.assert_allclose(frame.base[0, 0], 100 * 0.9 / 1.25)
    np.testing.assert_allclose(frame.fx[:, 2], 1.0)
    # BBB: NaN before listing, gap of 8 days (> MAX_FILL) left NaN and reported.
    b = frame.prices["BBB"]
    assert b[:"2024-01-09"].isna().all() and frame.first_date[1] == D(2024, 1, 10)
    assert b["2024-01-15":"2024-01-24"].isna().all()
    assert [str(g) for g in frame.gaps] == [
        "BBB: no price for 8 trading days after 2024-01-12 (until 2024-01-25)"
    ]
    # CCC trades every other day: each missing day filled with the day before.
    assert not frame.prices["CCC"].isna().any()
    assert frame.dividends is None and frame.dividend_frame() is None


def test_late_listing_is_an_error_naming_the_ticker(filled: Store) -> None:
    with pytest.raises(
        PlanError,
        match=r"BBB \(first price 2024-01-10\) started trading "
        r"after the plan's start 2024-01-01.*late_listing",
    ):
        get_prices(spec("error"), store=filled, offline=True)


def test_cash_dividends_mode(filled: Store) -> None:
    frame = get_prices(
        spec("redistribute", dividends="cash"), store=filled, offline=True
    )
    assert frame.adjusted is False
    np.testing.assert_allclose(frame.base[0, 0], 100 / 1.25)  # traded close
    divs = frame.dividend_frame()
    assert divs is not None
    assert divs["AAA"]["2024-01-09"] == pytest.approx(2.0 / 1.25)
    assert divs["AAA"].sum() == pytest.approx(2.0 / 1.25)


def test_fill_limit_is_max_fill(store: Store) -> None:
    days = pd.bdate_range("2024-01-02", periods=20)
    keep = [
        d for i, d in enumerate(days) if not 1 <= i <= MAX_FILL
    ]  # exactly 5 missing
    store.write(
        [
            series("AAA", days, np.arange(1, 21.0)),
            series("BBB", keep, np.ones(len(keep))),
        ]
    )
    frame = load_frame(store, ["AAA", "BBB"], base_currency="USD")
    assert frame.gaps == () and frame.prices["BBB"].notna().all()


def test_missing_symbol_says_what_to_do(store: Store) -> None:
    store.write([series("AAA", ["2024-01-02"], [1.0])])
    with pytest.raises(
        DataUnavailable,
        match=r"no prices for BBB.*piefolio data import FILE"
        r".*piefolio data fetch BBB",
    ):
        load_frame(store, ["AAA", "BBB"], base_currency="USD")


def test_missing_fx_is_a_note(store: Store) -> None:
    store.write([series("AAA", ["2024-01-02"], [1.0], currency="GBP")])
    frame = load_frame(store, ["AAA"], base_currency="EUR")
    assert np.isnan(frame.base).all()
    assert any("no FX series for GBP -> EUR" in n for n in frame.notes)


def test_select_and_shape_checks(filled: Store) -> None:
    frame = get_prices(spec("redistribute"), store=filled, offline=True)
    sub = frame.select(["CCC", "AAA"])
    assert sub.symbols == ("CCC", "AAA") and sub.base.shape == (22, 2)
    np.testing.assert_array_equal(sub.base[:, 1], frame.base[:, 0])
    with pytest.raises(ValueError, match="shape"):
        PriceFrame(
            dates=frame.dates,
            symbols=("X",),
            base_currency="EUR",
            local=frame.local,
            fx=frame.fx,
            base=frame.base,
            dividends=None,
            adjusted=True,
            currency=("USD",),
            first_date=(None,),
            fx_mask=np.array([True]),
        )


def test_from_prices_wraps_a_users_frame() -> None:
    days = pd.bdate_range("2024-01-01", periods=3)
    prices = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [np.nan, 5.0, 6.0]}, index=days)
    frame = PriceFrame.from_prices(prices, "EUR")
    assert frame.first_date == (dt.date(2024, 1, 1), dt.date(2024, 1, 2))
    pd.testing.assert_frame_equal(frame.prices, prices)
    assert frame.base_currency == "EUR" and not frame.fx_mask.any()
    assert frame.coverage().loc["B", "days"] == 2


def _days(*iso: str) -> np.ndarray:
    return np.array([np.datetime64(d, "D").astype(np.int64) for d in iso])


def test_a_symbol_without_the_asked_column_falls_back_to_the_other() -> None:
    from piefolio.data.frame import frame_from_rows

    # A has both columns; B only traded closes; C no rows at all.
    pos = np.array([0, 0, 1, 1])
    day = _days("2024-01-02", "2024-01-03", "2024-01-02", "2024-01-03")
    values = {
        "adj_close": np.array([9.0, 9.9, np.nan, np.nan]),
        "close": np.array([10.0, 11.0, 20.0, 22.0]),
    }
    common = dict(base_currency="USD", currencies={}, fx_series={})
    f = frame_from_rows(pos, day, values, ["A", "B", "C"], **common)  # type: ignore[arg-type]
    # Adjusted asked: A's adjusted closes, B's traded closes (said in a note).
    np.testing.assert_allclose(f.base[:, :2], [[9.0, 20.0], [9.9, 22.0]])
    assert np.isnan(f.base[:, 2]).all() and f.first_date[2] is None
    assert f.notes == ("B: using traded closes (no adjusted closes stored)",)
    # Traded closes asked: a symbol with only adjusted closes uses them.
    only_adj = {"adj_close": np.array([9.0, 9.9]), "dividend": np.array([0.0, 0.5])}
    g = frame_from_rows(
        np.array([0, 0]),
        day[:2],
        only_adj,
        ["A"],
        adjusted=False,
        **common,  # type: ignore[arg-type]
    )
    np.testing.assert_allclose(g.base[:, 0], [9.0, 9.9])
    np.testing.assert_allclose(g.dividends[:, 0], [0.0, 0.5])
    assert g.notes == (
        "A: using adjusted closes (no traded closes stored; dividends are inside "
        "the prices, not paid as cash)",
    )


def test_fx_older_than_a_week_leaves_the_days_unpriced_and_says_so() -> None:
    from piefolio.data.frame import frame_from_rows

    # A EUR stock in a USD frame; the last EUR/USD close is 2024-01-02, so
    # 2024-01-03 (1 day on) is priced at it and 2024-01-12 (10 days on) is not.
    day = _days("2024-01-02", "2024-01-03", "2024-01-12")
    fx = pd.Series([1.1], index=pd.DatetimeIndex(["2024-01-02"]))
    f = frame_from_rows(
        np.zeros(3, dtype=np.int64), day, {"adj_close": np.array([10.0, 10.0, 10.0])},
        ["X"], base_currency="USD", currencies={"X": "EUR"},
        fx_series={"EURUSD=X": fx},
    )  # fmt: skip
    np.testing.assert_allclose(f.base[:2, 0], [11.0, 11.0])
    assert np.isnan(f.base[2, 0]) and bool(f.fx_mask[0])
    assert f.notes == (
        "EURUSD=X: no FX close within 7 days for 1 day(s) from 2024-01-12 to "
        "2024-01-12; prices in EUR are NaN there",
    )
    # No FX series at all: every price stays unconverted (NaN), and the note
    # says what to fetch.
    none = frame_from_rows(
        np.zeros(3, dtype=np.int64), day, {"adj_close": np.array([10.0, 10.0, 10.0])},
        ["X"], base_currency="USD", currencies={"X": "EUR"}, fx_series={},
    )  # fmt: skip
    assert np.isnan(none.base).all()
    assert "fetch or import EURUSD=X or USDEUR=X" in none.notes[0]
