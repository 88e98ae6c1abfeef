"""Known-answer and invariant tests for piefolio.analytics.returns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.analytics.returns import (
    annual_returns,
    cagr,
    daily_returns,
    money_weighted_return,
    monthly_returns,
    monthly_returns_table,
    net_external_flows,
    positive_months,
    total_return,
    trailing_returns,
)


def series(values: list[float], dates: list[str]) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates), dtype="float64")


def test_daily_and_total_return() -> None:
    # 100 -> 110 (+10 %) -> 99 (-10 %) -> 108.9 (+10 %); total 1.1 * 0.9 * 1.1 = 1.089
    uv = series(
        [100, 110, 99, 108.9], ["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07"]
    )
    r = daily_returns(uv)
    np.testing.assert_allclose(r.to_numpy(), [0.1, -0.1, 0.1], rtol=1e-12)
    assert list(r.index) == list(uv.index[1:])
    assert total_return(uv) == pytest.approx(0.089, rel=1e-12)


def test_cagr_uses_calendar_days_over_365() -> None:
    # 2021-01-01 .. 2023-01-01 is 730 days = 2 years of 365: 1.21 ** (1/2) - 1 = 10 %
    uv = series([100, 121], ["2021-01-01", "2023-01-01"])
    assert cagr(uv) == pytest.approx(0.10, rel=1e-12)
    # across a leap year, 731 days: the exponent is 365 / 731, not 1/2
    uv = series([100, 121], ["2020-01-01", "2022-01-01"])
    assert cagr(uv) == pytest.approx(1.21 ** (365 / 731) - 1, rel=1e-12)


def test_monthly_returns_and_table() -> None:
    # Jan: 100 -> 105 (+5 %); Feb: 105 -> 94.5 (-10 %); Mar: 94.5 -> 99.225 (+5 %)
    uv = series(
        [100, 102, 105, 94.5, 99.225],
        ["2021-01-04", "2021-01-15", "2021-01-29", "2021-02-26", "2021-03-01"],
    )
    m = monthly_returns(uv)
    np.testing.assert_allclose(m.to_numpy(), [0.05, -0.10, 0.05], rtol=1e-12)
    assert [str(p) for p in m.index] == ["2021-01", "2021-02", "2021-03"]
    assert positive_months(uv) == pytest.approx(2 / 3)
    table = monthly_returns_table(uv)
    assert table.shape == (1, 12)
    assert [int(c) for c in table.columns] == list(range(1, 13))
    np.testing.assert_allclose(
        table.loc[2021, [1, 2, 3]].to_numpy(), [0.05, -0.1, 0.05]
    )
    assert table.loc[2021, 4:].isna().all()


def test_annual_returns_partial_first_year() -> None:
    # 2020 holds only its first value: 0 %; 2021: 100 -> 110; 2022: 110 -> 121
    uv = series(
        [100, 120, 110, 121], ["2020-12-31", "2021-06-30", "2021-12-31", "2022-03-01"]
    )
    a = annual_returns(uv)
    assert list(a.index) == [2020, 2021, 2022]
    np.testing.assert_allclose(a.to_numpy(), [0.0, 0.1, 0.1], rtol=1e-12, atol=1e-15)


def test_net_external_flows_signs_and_ignores_income() -> None:
    flows = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2021-01-04", "2021-02-01", "2021-02-01", "2021-03-01", "2021-03-02"]
            ),
            "kind": ["deposit", "deposit", "withdrawal", "dividend", "interest"],
            # The engine's signed ledger: the withdrawal is negative.
            "amount": [1000.0, 100.0, -30.0, 5.0, 1.0],
        }
    )
    net = net_external_flows(flows)
    assert net.to_dict() == {
        pd.Timestamp("2021-01-04"): 1000.0,
        pd.Timestamp("2021-02-01"): 70.0,
    }


def test_net_external_flows_rejects_bad_ledgers() -> None:
    bad_kind = pd.DataFrame({"date": ["2021-01-04"], "kind": ["gift"], "amount": [1.0]})
    with pytest.raises(ValueError, match="unknown kinds"):
        net_external_flows(bad_kind)
    negative = pd.DataFrame(
        {"date": ["2021-01-04"], "kind": ["deposit"], "amount": [-1.0]}
    )
    with pytest.raises(ValueError, match="positive"):
        net_external_flows(negative)
    with pytest.raises(ValueError, match="columns"):
        net_external_flows(pd.DataFrame({"date": [], "amount": []}))


@pytest.mark.parametrize(
    ("flows", "nav", "expected"),
    [
        # 100 in for exactly 365 days, worth 110: 10 %
        ({"2021-01-01": 100.0}, ("2022-01-01", 110.0), 0.10),
        # 100 now and 100 a year later, at 10 %: 100*1.21 + 100*1.1 = 231
        ({"2021-01-01": 100.0, "2022-01-01": 100.0}, ("2023-01-01", 231.0), 0.10),
        # 100 in, 55 out a year on, 60.5 left: -100 + 55/1.1 + 60.5/1.21 = 0
        ({"2021-01-01": 100.0, "2022-01-01": -55.0}, ("2023-01-01", 60.5), 0.10),
    ],
)
def test_money_weighted_return_known(
    flows: dict[str, float], nav: tuple[str, float], expected: float
) -> None:
    ext = pd.Series(flows)
    ext.index = pd.DatetimeIndex(ext.index)
    navs = series([nav[1]], [nav[0]])
    assert money_weighted_return(navs, ext) == pytest.approx(expected, rel=1e-9)


def test_money_weighted_return_is_paid_the_last_nav_not_the_highest() -> None:
    # 1000 in on 2021-01-01; the NAV peaks at 1300 in between and ends at 1100
    # on 2022-01-01 (365 days): -1000 + 1100 / (1 + x) = 0 -> x = 10 %.
    nav = series([1000.0, 1300.0, 1100.0], ["2021-01-01", "2021-07-01", "2022-01-01"])
    ext = pd.Series([1000.0], index=pd.DatetimeIndex(["2021-01-01"]))
    assert money_weighted_return(nav, ext) == pytest.approx(0.10, rel=1e-9)


def test_money_weighted_return_errors_and_nan() -> None:
    nav = series([0.0], ["2022-01-01"])
    with pytest.raises(ValueError, match="no deposit"):
        money_weighted_return(
            nav, pd.Series([], dtype="float64", index=pd.DatetimeIndex([]))
        )
    late = pd.Series([1.0], index=pd.DatetimeIndex(["2023-01-01"]))
    with pytest.raises(ValueError, match="after the last NAV"):
        money_weighted_return(series([1.0], ["2022-01-01"]), late)
    # the pie lost everything: all flows negative for the investor, no rate exists
    ext = pd.Series([100.0], index=pd.DatetimeIndex(["2021-01-01"]))
    assert np.isnan(money_weighted_return(nav, ext))


def test_level_validation_messages() -> None:
    with pytest.raises(ValueError, match="strictly positive"):
        daily_returns(series([1.0, 0.0], ["2021-01-01", "2021-01-02"]))
    with pytest.raises(ValueError, match="increasing"):
        daily_returns(series([1.0, 2.0], ["2021-01-02", "2021-01-01"]))
    with pytest.raises(ValueError, match="missing value on 2021-01-02"):
        daily_returns(series([1.0, np.nan], ["2021-01-01", "2021-01-02"]))
    with pytest.raises(ValueError, match="DatetimeIndex"):
        daily_returns(pd.Series([1.0, 2.0]))


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(-0.5, 1.0),
    gaps=st.lists(st.integers(1, 200), min_size=1, max_size=8),
    amounts=st.lists(st.floats(1.0, 1e5), min_size=2, max_size=9),
)
def test_xirr_of_a_constant_rate_asset_is_that_rate(
    rate: float, gaps: list[int], amounts: list[float]
) -> None:
    # Money put into an asset growing at `rate` a year (Act/365) earns exactly `rate`.
    start = dt.date(2020, 1, 1)
    dates = [start]
    for g in gaps:
        dates.append(dates[-1] + dt.timedelta(days=g))
    n = min(len(dates), len(amounts))
    dates, amounts = dates[:n], amounts[:n]
    end = dates[-1] + dt.timedelta(days=30)
    final = sum(
        a * (1 + rate) ** ((end - d).days / 365)
        for a, d in zip(amounts, dates, strict=True)
    )
    ext = pd.Series(amounts, index=pd.DatetimeIndex(dates)).groupby(level=0).sum()
    nav = pd.Series([final], index=pd.DatetimeIndex([end]))
    assert money_weighted_return(nav, ext) == pytest.approx(rate, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-0.2, 0.2), min_size=2, max_size=300))
def test_period_returns_compound_to_the_total(returns: list[float]) -> None:
    dates = pd.bdate_range("2019-12-20", periods=len(returns) + 1)
    uv = pd.Series(100 * np.cumprod(np.r_[1.0, 1 + np.array(returns)]), index=dates)
    total = total_return(uv)
    assert np.prod(1 + monthly_returns(uv).to_numpy()) - 1 == pytest.approx(
        total, rel=1e-9, abs=1e-12
    )
    assert np.prod(1 + annual_returns(uv).to_numpy()) - 1 == pytest.approx(
        total, rel=1e-9, abs=1e-12
    )


def test_names_of_the_results() -> None:
    # Tables and JSON read these names: the input's name, "return", "year",
    # "month" and "net_flow".
    uv = series([100, 110, 121], ["2021-06-30", "2021-12-31", "2022-12-30"])
    assert daily_returns(uv.rename("pie")).name == "pie"
    assert monthly_returns(uv).name == "return"
    assert annual_returns(uv).index.name == "year"
    assert monthly_returns_table(uv).columns.name == "month"
    flows = pd.DataFrame({"date": ["2021-01-04"], "kind": ["deposit"], "amount": [1.0]})
    assert net_external_flows(flows).name == "net_flow"


@pytest.mark.parametrize(
    "measure", [daily_returns, total_return, cagr, monthly_returns, trailing_returns]
)
def test_a_bad_unit_value_is_named_in_the_message(measure) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"^unit_value "):
        measure(series([1.0, 0.0], ["2021-01-01", "2021-01-02"]))


def test_cagr_reads_the_first_and_last_values_of_a_longer_series() -> None:
    # 100 -> 150 -> 121 over 2021-01-01 .. 2023-01-01 (730 days): 1.21 ** 0.5 - 1.
    uv = series([100, 150, 121], ["2021-01-01", "2022-01-01", "2023-01-01"])
    assert cagr(uv) == pytest.approx(0.10, rel=1e-12)
    # One day of +1 % is 1.01 ** 365 - 1 a year.
    assert cagr(series([100, 101], ["2021-01-01", "2021-01-02"])) == pytest.approx(
        1.01**365 - 1, rel=1e-12
    )


def test_a_flat_month_is_not_a_positive_one() -> None:
    # Jan +10 %, Feb 0 %, Mar -5 %: one month of three is positive.
    uv = series(
        [100, 110, 110, 104.5], ["2021-01-01", "2021-01-29", "2021-02-26", "2021-03-31"]
    )
    assert positive_months(uv) == pytest.approx(1 / 3)


def test_external_flows_of_zero_and_small_amounts_are_valid() -> None:
    flows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2021-01-04"] * 4),
            "kind": ["deposit", "dividend", "withdrawal", "interest"],
            "amount": [0.5, 0.0, -0.0, 0.25],
        }
    )
    assert net_external_flows(flows).to_dict() == {pd.Timestamp("2021-01-04"): 0.5}
    # A withdrawal of +0.5 has the deposit's sign: refused, whatever its size.
    wrong = flows.assign(amount=[0.5, 0.0, 0.5, 0.25])
    with pytest.raises(
        ValueError,
        match=r"^flows amounts are signed from the pie's side: withdrawals negative, "
        r"deposits, dividends and interest positive$",
    ):
        net_external_flows(wrong)
    gift = flows.assign(kind=["gift", "dividend", "withdrawal", "interest"])
    with pytest.raises(
        ValueError,
        match=r"^flows has unknown kinds \['gift'\]; expected deposit, withdrawal, "
        r"dividend or interest$",
    ):
        net_external_flows(gift)


def test_money_weighted_return_with_a_flow_on_the_last_day() -> None:
    # 1000 in on 2021-01-01, 100 more on 2022-01-01, worth 1200 that day:
    # -1000 - 100 / (1 + x) + 1200 / (1 + x) = 0 -> x = 10 %.
    nav = series([1200.0], ["2022-01-01"])
    ext = pd.Series(
        [1000.0, 100.0], index=pd.DatetimeIndex(["2021-01-01", "2022-01-01"])
    )
    assert money_weighted_return(nav, ext) == pytest.approx(0.10, rel=1e-9)


def test_money_weighted_return_messages() -> None:
    ext = pd.Series([1.0], index=pd.DatetimeIndex(["2021-01-01"]))
    with pytest.raises(ValueError, match=r"^nav is empty$"):
        money_weighted_return(pd.Series([], dtype="float64"), ext)
    with pytest.raises(
        ValueError, match=r"^external_flows holds no deposit nor withdrawal$"
    ):
        money_weighted_return(series([1.0], ["2021-01-01"]), ext * 0.0)


def test_trailing_returns_of_a_series_shorter_than_three_years() -> None:
    # 100 at the end of 2021, 150 at the end of 2022, 120 at the end of 2023:
    # YTD is 2023's -20 % (not 2022's +50 %), 1Y the same; 3Y and longer did
    # not exist yet, and each is still listed, as NaN.
    uv = series([100, 150, 120], ["2021-12-31", "2022-12-31", "2023-12-31"])
    t = trailing_returns(uv)
    assert t.name == "return"
    assert list(t.index) == ["YTD", "1Y", "3Y", "5Y", "10Y", "since start"]
    assert t["YTD"] == pytest.approx(-0.2) and t["1Y"] == pytest.approx(-0.2)
    assert t[["3Y", "5Y", "10Y"]].isna().all()
    # since start: 730 days, 1.2 ** (365 / 730) - 1
    assert t["since start"] == pytest.approx(1.2**0.5 - 1, rel=1e-12)
