"""Tests for the Performance summary and its JSON form."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest

import piefolio.analytics as pa
from piefolio.analytics import Performance, performance


@pytest.fixture(scope="module")
def pie() -> tuple[pd.Series, pd.Series, pd.Series]:
    # a pie that holds one index: 1000 at the start, 100 a month later, 50 out later
    rng = np.random.default_rng(3)
    dates = pd.bdate_range("2021-01-04", "2022-12-30")
    index = pd.Series(
        100 * np.cumprod(1 + rng.normal(0.0004, 0.012, len(dates))), index=dates
    )
    flows = pd.Series(
        [1000.0, 100.0, -50.0],
        index=pd.to_datetime(["2021-01-04", "2021-02-01", "2022-06-01"]),
    )
    units = (flows / index.reindex(flows.index)).reindex(dates, fill_value=0.0).cumsum()
    nav = units * index
    return nav, index / index.iloc[0], flows


def test_performance_matches_the_single_functions(
    pie: tuple[pd.Series, pd.Series, pd.Series],
) -> None:
    nav, uv, flows = pie
    p = performance(nav, uv, flows, risk_free=0.02)
    r = pa.daily_returns(uv)
    assert p.start.isoformat() == "2021-01-04" and p.end.isoformat() == "2022-12-30"
    assert p.final_value == nav.iloc[-1]
    assert (p.deposited, p.withdrawn) == (1100.0, 50.0)
    assert p.profit == pytest.approx(nav.iloc[-1] - 1050.0)
    assert p.total_return == pa.total_return(uv)
    assert p.cagr == pa.cagr(uv)
    assert p.money_weighted_return == pa.money_weighted_return(nav, flows)
    assert p.volatility == pa.volatility(r)
    assert p.sharpe == pa.sharpe_ratio(r, risk_free=0.02)
    assert p.sortino == pa.sortino_ratio(r, risk_free=0.02)
    assert p.max_drawdown == pa.max_drawdown(uv)
    assert p.var_95 == pa.value_at_risk(r) and p.es_95 == pa.expected_shortfall(r)
    monthly = pa.monthly_returns(uv)
    assert p.best_month == monthly.max() and p.best_month_label == str(monthly.idxmax())
    annual = pa.annual_returns(uv)
    assert (p.worst_year, p.worst_year_label) == (
        annual.min(),
        int(annual.index.to_numpy()[annual.argmin()]),
    )
    assert p.benchmark is None


def test_pie_against_itself(pie: tuple[pd.Series, pd.Series, pd.Series]) -> None:
    nav, uv, flows = pie
    b = performance(
        nav, uv, flows, benchmark_unit_value=uv * 3.0, benchmark_name="SPY"
    ).benchmark
    assert b is not None and b.name == "SPY"
    assert b.pme == pytest.approx(1.0, rel=1e-12)
    assert b.beta == pytest.approx(1.0) and b.correlation == pytest.approx(1.0)
    assert b.alpha == pytest.approx(0.0, abs=1e-12)
    assert b.tracking_error == pytest.approx(0.0, abs=1e-12)
    assert (b.up_capture, b.down_capture) == pytest.approx((1.0, 1.0))
    assert b.total_return == pytest.approx(pa.total_return(uv))


def test_to_dict_is_json_safe(pie: tuple[pd.Series, pd.Series, pd.Series]) -> None:
    nav, uv, flows = pie
    p = performance(nav, uv, flows, benchmark_unit_value=uv)
    d = p.to_dict()
    text = json.dumps(d, allow_nan=False)  # raises on NaN or a non-JSON type
    back = json.loads(text)
    assert back["start"] == "2021-01-04"
    assert back["max_drawdown"]["peak"] == p.max_drawdown.peak.isoformat()  # type: ignore[union-attr]
    assert back["benchmark"]["information_ratio"] is None  # TE 0: undefined, not NaN
    assert set(back) == {f.name for f in dataclasses.fields(Performance)}


def test_performance_is_frozen(pie: tuple[pd.Series, pd.Series, pd.Series]) -> None:
    p = performance(*pie)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.cagr = 1.0  # type: ignore[misc]
    assert not hasattr(p, "__dict__")  # slots


def test_dates_must_match(pie: tuple[pd.Series, pd.Series, pd.Series]) -> None:
    nav, uv, flows = pie
    with pytest.raises(ValueError, match="same dates"):
        performance(nav.iloc[1:], uv, flows)


def test_public_api_sorted_and_complete() -> None:
    assert pa.__all__ == sorted(pa.__all__)
    for name in pa.__all__:
        assert getattr(pa, name).__module__.startswith("piefolio.analytics.")
    assert not math.isnan(pa.daily_risk_free(0.0))


def test_short_and_flat_runs_give_numbers_or_none_without_warnings() -> None:
    # two days: one return; most ratios are undefined and must say so (NaN/None)
    dates = pd.bdate_range("2024-01-02", periods=2)
    uv = pd.Series([1.0, 1.01], index=dates)
    flows = pd.Series([1000.0], index=dates[:1])
    p = performance(1000 * uv, uv, flows)
    assert math.isnan(p.volatility) and math.isnan(p.sharpe)
    assert p.total_return == pytest.approx(0.01)
    json.dumps(p.to_dict(), allow_nan=False)
    # three months all in cash against a moving benchmark
    dates = pd.bdate_range("2024-01-02", "2024-03-29")
    flat = pd.Series(1.0, index=dates)
    bench = pd.Series(np.linspace(100, 110, len(dates)), index=dates)
    p = performance(1000 * flat, flat, flows, benchmark_unit_value=bench)
    assert p.max_drawdown.depth == 0.0 and p.max_drawdown.peak is None
    assert math.isnan(p.calmar) and math.isnan(p.sortino)
    assert p.benchmark is not None
    assert p.benchmark.beta == pytest.approx(0.0) and math.isnan(
        p.benchmark.correlation
    )
    assert p.benchmark.pme == pytest.approx(100 / 110)
    json.dumps(p.to_dict(), allow_nan=False)


def test_a_pie_that_ran_out() -> None:
    # all money withdrawn: the final NAV is 0, which is a valid end, not bad input
    dates = pd.bdate_range("2024-01-02", periods=3)
    uv = pd.Series([1.0, 1.1, 1.1], index=dates)
    nav = pd.Series([1000.0, 1100.0, 0.0], index=dates)
    flows = pd.Series([1000.0, -1100.0], index=dates[[0, 2]])
    p = performance(nav, uv, flows)
    assert p.final_value == 0.0 and p.profit == pytest.approx(100.0)
    assert p.money_weighted_return > 0


def test_top_level_lazy_import() -> None:
    import piefolio

    assert "Performance" in piefolio.__all__ and "performance" in piefolio.__all__
    assert piefolio.Performance is Performance
    assert piefolio.performance is performance


def test_rolling_performance_known() -> None:
    # pie grows 10 % a day, benchmark 5 %: window 2 -> return 1.1**2 - 1, vol 0,
    # beta undefined (the benchmark's returns do not vary)
    dates = pd.bdate_range("2024-01-02", periods=4)
    uv = pd.Series(1.1 ** np.arange(4), index=dates)
    b = pd.Series(2 * 1.05 ** np.arange(4), index=dates)
    table = pa.rolling_performance(uv, benchmark_unit_value=b, window=2)
    assert list(table.columns) == ["return", "volatility", "beta"]
    np.testing.assert_allclose(
        table["return"].to_numpy(), [np.nan, np.nan, 0.21, 0.21], rtol=1e-12
    )
    np.testing.assert_allclose(
        table["volatility"].to_numpy(), [np.nan, np.nan, 0.0, 0.0], atol=1e-12
    )
    assert table["beta"].isna().all()
    # the pie doubles a varying benchmark: beta 2 once the window is full
    bench = pd.Series([100.0, 101.0, 99.0, 102.0], index=dates)
    pie = pd.Series(
        np.r_[
            1.0, np.cumprod(1 + 2 * (bench.to_numpy()[1:] / bench.to_numpy()[:-1] - 1))
        ],
        index=dates,
    )
    np.testing.assert_allclose(
        pa.rolling_performance(pie, benchmark_unit_value=bench, window=2)[
            "beta"
        ].to_numpy(),
        [np.nan, np.nan, 2.0, 2.0],
        rtol=1e-9,
    )


def test_rolling_performance_on_real_spy(spy: pd.Series) -> None:
    table = pa.rolling_performance(
        spy.loc["2019-01-01":"2021-12-31"], benchmark_unit_value=spy
    )
    row = table.loc["2020-12-31"]
    # the 252 trading days to 2020-12-31 are almost calendar 2020 (+18.4 %)
    assert row["return"] == pytest.approx(0.18, abs=0.03)
    assert row["beta"] == pytest.approx(1.0, rel=1e-9)
    assert 0.3 < row["volatility"] < 0.4  # 2020 was a ~34 % volatility year for SPY


def test_best_and_worst_periods_and_small_flows_by_hand() -> None:
    # Month ends: 100 (Dec 2020), 110 (Jan, +10 %), 99 (Feb, -10 %), 103.95
    # (Mar, +5 %), then 114.345 at the end of Jan 2022 (+10 %).
    dates = pd.to_datetime(
        ["2020-12-31", "2021-01-29", "2021-02-26", "2021-03-31", "2022-01-31"]
    )
    uv = pd.Series([1.0, 1.1, 0.99, 1.0395, 1.14345], index=dates)
    nav = uv * 100.0
    # 0.5 in and 0.25 out: amounts under 1 count as money too.
    flows = pd.Series([100.0, 0.5, -0.25], index=dates[[0, 1, 2]])
    p = performance(nav, uv, flows)
    assert (p.deposited, p.withdrawn) == (100.5, 0.25)
    assert p.worst_month == pytest.approx(-0.10) and p.worst_month_label == "2021-02"
    assert p.best_month == pytest.approx(0.10)
    # 2020 holds only its first value (0 %), 2021: 100 -> 103.95 (+3.95 %),
    # 2022: 103.95 -> 114.345 (+10 %).
    assert (p.best_year_label, p.worst_year_label) == (2022, 2020)
    assert p.best_year == pytest.approx(0.10) and p.worst_year == 0.0
    assert p.benchmark is None
    with pytest.raises(
        ValueError, match=r"^nav and unit_value must be on the same dates$"
    ):
        performance(nav.iloc[1:], uv, flows.iloc[1:])
    with pytest.raises(ValueError, match=r"^unit_value must be a pandas Series"):
        performance(nav, list(uv), flows)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^nav must be a pandas Series"):
        performance(list(nav), uv, flows)  # type: ignore[arg-type]


def test_benchmark_comparison_by_hand() -> None:
    # Benchmark returns 1 %, -2 %, 3 % from Tue 2 to Fri 5 Jan 2024; the pie's are
    # r = 2 b + 0.001 (beta 2, daily alpha 0.001 before the risk-free rate).
    dates = pd.bdate_range("2024-01-02", periods=4)
    b = np.array([0.01, -0.02, 0.03])
    bench = pd.Series(100 * np.cumprod(np.r_[1.0, 1 + b]), index=dates)
    uv = pd.Series(np.cumprod(np.r_[1.0, 1 + 2 * b + 0.001]), index=dates)
    flows = pd.Series([1000.0], index=dates[:1])
    rf = 1.0001**252 - 1  # 0.01 % a trading day
    p = performance(1000 * uv, uv, flows, benchmark_unit_value=bench, risk_free=rf)
    c = p.benchmark
    assert c is not None and c.name == "benchmark"  # the default label
    assert p.risk_free == rf
    # The benchmark grows 1.01 * 0.98 * 1.03 = 1.019494 over 3 calendar days.
    assert c.total_return == pytest.approx(0.019494, rel=1e-12)
    assert c.cagr == pytest.approx(1.019494 ** (365 / 3) - 1, rel=1e-12)
    assert c.beta == pytest.approx(2.0, rel=1e-12)
    # Jensen: mean(r - rf_d) - 2 mean(b - rf_d) = 0.001 + rf_d = 0.0011 a day.
    assert c.alpha == pytest.approx(1.0011**252 - 1, rel=1e-9)
    # Active returns b + 0.001 = 1.1 %, -1.9 %, 3.1 %: mean 0.023 / 3, deviations
    # 1, -8, 7 (/300), sample std sqrt(114 / 2) / 300 = sqrt(57) / 300; so
    # IR = (0.023 / 3) * 252 / (sqrt(57) / 300 * sqrt(252)) = 2.3 sqrt(252 / 57).
    assert c.information_ratio == pytest.approx(2.3 * math.sqrt(252 / 57), rel=1e-9)
    assert c.tracking_error == pytest.approx(math.sqrt(57) / 300 * math.sqrt(252))
    # One deposit of 1000 on day 0: PME is the pie's growth over the index's,
    # (1.021 * 0.961 * 1.061) / 1.019494.
    assert c.pme == pytest.approx(1.021 * 0.961 * 1.061 / 1.019494, rel=1e-12)
    # Every finite figure survives to_dict as the same float.
    d = p.to_dict()
    assert d["cagr"] == p.cagr and d["benchmark"]["alpha"] == c.alpha
    assert d["risk_free"] == rf


def test_positive_months_and_small_withdrawals_by_hand() -> None:
    # Months: Dec 2020 (first value only: 0 %), Jan +10 %, Feb -10 %, Mar +5 %,
    # Jan 2022 +10 %: 3 of the 5 months rose.
    dates = pd.to_datetime(
        ["2020-12-31", "2021-01-29", "2021-02-26", "2021-03-31", "2022-01-31"]
    )
    uv = pd.Series([1.0, 1.1, 0.99, 1.0395, 1.14345], index=dates)
    # 0.5 in, 0.75 out: a deposit under 1 is not netted against the withdrawal.
    flows = pd.Series([100.0, 0.5, -0.75], index=dates[[0, 1, 2]])
    p = performance(uv * 100.0, uv, flows)
    assert p.positive_months == pytest.approx(0.6)
    assert (p.deposited, p.withdrawn) == (100.5, 0.75)
    assert p.profit == pytest.approx(114.345 - 100.5 + 0.75)
    assert p.risk_free == 0.0


def test_bad_inputs_name_the_argument() -> None:
    dates = pd.bdate_range("2024-01-02", periods=3)
    uv = pd.Series([1.0, 1.1, 1.2], index=dates)
    flows = pd.Series([100.0], index=dates[:1])
    # A one-day NAV is a NAV (a pie may hold one value); it is on the wrong dates.
    with pytest.raises(
        ValueError, match=r"^nav and unit_value must be on the same dates$"
    ):
        performance(100 * uv.iloc[:1], uv, flows)
    with pytest.raises(ValueError, match=r"^unit_value must be a pandas Series"):
        pa.rolling_performance(list(uv))  # type: ignore[arg-type]
