"""Known-answer and invariant tests for piefolio.analytics.risk."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.analytics.risk import (
    Drawdown,
    calmar_ratio,
    daily_risk_free,
    drawdown_periods,
    drawdown_series,
    expected_shortfall,
    max_drawdown,
    rolling_return,
    rolling_sharpe,
    rolling_volatility,
    sharpe_ratio,
    sortino_ratio,
    value_at_risk,
    volatility,
)


def daily(values: list[float], start: str = "2021-01-04") -> pd.Series:
    return pd.Series(
        values, index=pd.bdate_range(start, periods=len(values)), dtype="float64"
    )


def test_daily_risk_free_compounds_to_the_annual_rate() -> None:
    assert (1 + daily_risk_free(0.05)) ** 252 == pytest.approx(1.05, rel=1e-12)
    assert daily_risk_free(0.0) == 0.0
    with pytest.raises(ValueError, match="above -100"):
        daily_risk_free(-1.0)


def test_volatility_known() -> None:
    # mean 0; sample variance 4 * 0.01**2 / 3; annualised by sqrt(252)
    r = daily([0.01, -0.01, 0.01, -0.01])
    assert volatility(r) == pytest.approx(
        0.01 * math.sqrt(4 / 3) * math.sqrt(252), rel=1e-12
    )
    assert math.isnan(volatility(daily([0.01])))


def test_sharpe_known() -> None:
    # mean 0.02, sample std sqrt(2) * 0.01: 0.02 / 0.0141421 * sqrt(252) = sqrt(504)
    r = daily([0.01, 0.03])
    assert sharpe_ratio(r) == pytest.approx(math.sqrt(504), rel=1e-12)
    # an annual rate worth 1 % a day: excess [0, 0.02], mean 0.01 -> sqrt(126)
    assert sharpe_ratio(r, risk_free=1.01**252 - 1) == pytest.approx(
        math.sqrt(126), rel=1e-9
    )
    assert math.isnan(sharpe_ratio(daily([0.01, 0.01, 0.01])))


def test_sortino_known() -> None:
    # mean 0.005; downside RMS sqrt((0.01**2 + 0.02**2) / 4) = sqrt(0.000125)
    # sortino = 0.005 / sqrt(0.000125) * sqrt(252) = sqrt(0.2 * 252) = sqrt(50.4)
    r = daily([0.03, -0.01, 0.02, -0.02])
    assert sortino_ratio(r) == pytest.approx(math.sqrt(50.4), rel=1e-12)
    assert math.isnan(sortino_ratio(daily([0.01, 0.02])))  # no losing day


def test_max_drawdown_recovered() -> None:
    # running max 100,120,120,120,120,130,130 -> worst 60/120 - 1 = -50 % on day 3;
    # back to 120 first on day 5 (130)
    uv = daily([100, 120, 90, 60, 100, 130, 110])
    d = uv.index
    dd = max_drawdown(uv)
    assert dd.depth == pytest.approx(-0.5)
    assert (dd.peak, dd.trough, dd.recovery) == (d[1].date(), d[3].date(), d[5].date())
    assert dd.duration_days == (d[5] - d[1]).days
    assert dd.decline_days == (d[3] - d[1]).days
    np.testing.assert_allclose(
        drawdown_series(uv).to_numpy(), [0, 0, -0.25, -0.5, -1 / 6, 0, 110 / 130 - 1]
    )


def test_max_drawdown_not_recovered_and_none() -> None:
    uv = daily([100, 80, 90])
    dd = max_drawdown(uv)
    assert dd.depth == pytest.approx(-0.2)
    assert dd.peak == uv.index[0].date() and dd.trough == uv.index[1].date()
    assert dd.recovery is None and dd.duration_days is None
    assert max_drawdown(daily([1, 2, 3])) == Drawdown(0.0, None, None, None, None, None)


def test_max_drawdown_peak_is_last_high_before_trough() -> None:
    # the high 120 is touched on days 1 and 3; the decline to 60 starts on day 3
    uv = daily([100, 120, 110, 120, 60, 130])
    dd = max_drawdown(uv)
    assert dd.peak == uv.index[3].date()
    assert dd.recovery == uv.index[5].date()


def test_calmar_known() -> None:
    # CAGR 10 % over 730 days (121 / 100 in two years); max drawdown 100 -> 80 = -20 %
    uv = pd.Series(
        [100.0, 80.0, 121.0],
        index=pd.to_datetime(["2021-01-01", "2022-01-01", "2023-01-01"]),
    )
    assert calmar_ratio(uv) == pytest.approx(0.5, rel=1e-12)
    assert math.isnan(calmar_ratio(daily([1, 2])))


def test_var_and_es_known() -> None:
    # 21 returns -10 %..+10 %: the 5th percentile sits exactly on the 2nd value (-9 %)
    r = daily([i / 100 for i in range(-10, 11)])
    assert value_at_risk(r) == pytest.approx(-0.09)
    assert expected_shortfall(r) == pytest.approx(-0.095)  # mean of -10 %, -9 %
    # 20 returns -5 %..+14 %: position 0.05 * 19 = 0.95 between -5 % and -4 %
    r = daily([i / 100 for i in range(-5, 15)])
    assert value_at_risk(r) == pytest.approx(-0.0405)
    assert expected_shortfall(r) == pytest.approx(-0.05)
    with pytest.raises(ValueError, match="level"):
        value_at_risk(r, level=95)


def test_rolling_known() -> None:
    uv = daily([100, 110, 121, 133.1])
    np.testing.assert_allclose(
        rolling_return(uv, window=2).to_numpy(),
        [np.nan, np.nan, 0.21, 0.21],
        rtol=1e-12,
    )
    r = daily([0.01, 0.03, 0.01])
    expected = [
        np.nan,
        0.01 * math.sqrt(2) * math.sqrt(252),
        0.01 * math.sqrt(2) * math.sqrt(252),
    ]
    np.testing.assert_allclose(
        rolling_volatility(r, window=2).to_numpy(), expected, rtol=1e-12
    )


def test_returns_validation() -> None:
    with pytest.raises(ValueError, match="above -100"):
        volatility(daily([0.1, -1.0]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.01, 1e6), min_size=1, max_size=200))
def test_drawdown_bounds(values: list[float]) -> None:
    uv = daily(values, start="2020-01-01")
    dd = max_drawdown(uv)
    assert -1.0 <= dd.depth <= 0.0
    series = drawdown_series(uv)
    assert (series <= 0).all() and (series > -1).all()
    assert dd.depth == pytest.approx(series.min())
    if dd.depth < 0:
        assert dd.peak is not None and dd.trough is not None
        assert dd.peak < dd.trough
        assert dd.recovery is None or dd.recovery > dd.trough
        assert isinstance(dd.peak, dt.date)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-0.3, 0.3), min_size=2, max_size=200))
def test_es_at_or_below_var(returns: list[float]) -> None:
    r = daily(returns)
    assert expected_shortfall(r) <= value_at_risk(r) + 1e-15


@pytest.mark.parametrize(
    ("measure", "name"),
    [
        (volatility, "returns"),
        (sharpe_ratio, "returns"),
        (sortino_ratio, "returns"),
        (value_at_risk, "returns"),
        (expected_shortfall, "returns"),
        (rolling_volatility, "returns"),
        (drawdown_series, "unit_value"),
        (max_drawdown, "unit_value"),
        (rolling_return, "unit_value"),
        (rolling_sharpe, "returns"),
        (drawdown_periods, "unit_value"),
    ],
)
def test_a_bad_input_is_named_in_the_message(measure, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        ValueError, match=rf"^{name} must be a pandas Series; got list$"
    ):
        measure([0.01, 0.02])


def test_names_of_the_risk_series() -> None:
    uv = pd.Series([1.0, 1.1, 0.99], index=pd.bdate_range("2024-01-01", periods=3))
    r = uv.pct_change().dropna()
    assert drawdown_series(uv).name == "drawdown"
    assert rolling_return(uv, window=1).name == "rolling_return"
    assert rolling_volatility(r, window=2).name == "rolling_volatility"
    # One value is a series too: its rolling return is not known yet (NaN).
    one = rolling_return(uv.iloc[:1], window=1)
    assert len(one) == 1 and one.isna().all()


def test_two_returns_are_enough_for_volatility_and_sortino() -> None:
    r = pd.Series([0.01, -0.01], index=pd.bdate_range("2024-01-02", periods=2))
    # sd (ddof 1) of +-1 % is 0.01 * sqrt(2); annualised * sqrt(252).
    assert volatility(r) == pytest.approx(0.01 * math.sqrt(2) * math.sqrt(252))
    # Mean 0: Sortino 0 (the downside sqrt(mean(min(x, 0)^2)) = 0.01 / sqrt(2)).
    assert sortino_ratio(r) == pytest.approx(0.0, abs=1e-12)


def test_sortino_measures_against_the_risk_free_rate() -> None:
    rf = 0.05
    d = (1 + rf) ** (1 / 252) - 1
    r = pd.Series([0.01, -0.01, 0.0], index=pd.bdate_range("2024-01-02", periods=3))
    x = np.array([0.01, -0.01, 0.0]) - d
    # mean(x) * 252 / (sqrt(mean(min(x, 0)^2)) * sqrt(252)), x = r - rf_d.
    expected = (
        x.mean() * 252 / (math.sqrt(np.mean(np.minimum(x, 0) ** 2)) * math.sqrt(252))
    )
    assert sortino_ratio(r, risk_free=rf) == pytest.approx(expected, rel=1e-12)
    assert expected < sortino_ratio(r)  # a hurdle lowers it


def test_tail_level_is_strictly_between_0_and_1_and_one_return_is_its_own_tail() -> (
    None
):
    r = pd.Series([-0.02], index=pd.bdate_range("2024-01-02", periods=1))
    assert value_at_risk(r) == -0.02 and expected_shortfall(r) == -0.02
    for level in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"level must be in \(0, 1\)"):
            value_at_risk(r, level=level)


def test_a_recovery_exactly_to_the_peak_counts() -> None:
    # 100 on Mon, 80 on Tue, back to exactly 100 on Wed.
    uv = pd.Series([100.0, 80.0, 100.0], index=pd.bdate_range("2024-01-01", periods=3))
    dd = max_drawdown(uv)
    assert dd.depth == pytest.approx(-0.2)
    assert dd.recovery == dt.date(2024, 1, 3) and dd.duration_days == 2


def test_rolling_sharpe_by_hand_and_its_flat_windows() -> None:
    r = pd.Series(
        [0.01, 0.03, 0.02, 0.02], index=pd.bdate_range("2024-01-02", periods=4)
    )
    s = rolling_sharpe(r, window=2)
    assert s.name == "rolling_sharpe"
    # Window of (0.01, 0.03): mean 0.02, sd (ddof 1) 0.01 * sqrt(2); no hurdle.
    assert s.iloc[1] == pytest.approx(0.02 / (0.01 * math.sqrt(2)) * math.sqrt(252))
    # (0.02, 0.02) does not move: no ratio (NaN), not an infinite one.
    assert math.isnan(s.iloc[3]) and math.isnan(s.iloc[0])


def test_drawdown_periods_of_a_series_that_never_falls() -> None:
    flat = pd.Series([1.0], index=pd.bdate_range("2024-01-02", periods=1))
    periods = drawdown_periods(flat)
    assert periods.empty
    assert list(periods.columns) == [
        "depth", "peak", "trough", "recovery", "decline_days", "duration_days",
    ]  # fmt: skip
    with pytest.raises(ValueError, match=r"^top must be at least 1; got 0$"):
        drawdown_periods(flat, top=0)
