"""Known-answer and invariant tests for piefolio.analytics.benchmark."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.analytics.benchmark import (
    align_returns,
    alpha,
    beta,
    capture_ratios,
    correlation,
    information_ratio,
    kaplan_schoar_pme,
    r_squared,
    rolling_beta,
    tracking_error,
)


def daily(values: list[float] | np.ndarray, start: str = "2021-01-04") -> pd.Series:
    return pd.Series(
        values, index=pd.bdate_range(start, periods=len(values)), dtype="float64"
    )


B = [0.01, -0.02, 0.03, 0.0]


def test_linear_pie_known() -> None:
    # r = 2 b + 0.001: beta 2, correlation 1, daily alpha 0.001
    b = daily(B)
    r = 2 * b + 0.001
    assert beta(r, b) == pytest.approx(2.0, rel=1e-12)
    assert correlation(r, b) == pytest.approx(1.0, rel=1e-12)
    assert alpha(r, b) == pytest.approx(1.001**252 - 1, rel=1e-9)
    # active return r - b = b + 0.001: TE = std(b) sqrt(252), IR = mean * 252 / TE
    te = float(np.std(B, ddof=1)) * math.sqrt(252)
    assert tracking_error(r, b) == pytest.approx(te, rel=1e-12)
    assert information_ratio(r, b) == pytest.approx(
        (np.mean(B) + 0.001) * 252 / te, rel=1e-12
    )


def test_alpha_with_risk_free() -> None:
    # beta 1 and r = b: alpha is 0 whatever the risk-free rate
    b = daily(B)
    assert alpha(b, b, risk_free=0.04) == pytest.approx(0.0, abs=1e-12)
    # r = 0.5 b with rf_d = 0.001: a_d = mean(r - rf) - 0.5 mean(b - rf) = -0.0005
    rf = 1.001**252 - 1
    assert alpha(0.5 * b, b, risk_free=rf) == pytest.approx(0.9995**252 - 1, rel=1e-9)


def test_capture_known() -> None:
    b = daily(B)
    assert capture_ratios(b, b) == pytest.approx((1.0, 1.0))
    # the pie follows up days and stays flat on down days: up 1, down 0
    r = b.clip(lower=0.0)
    up, down = capture_ratios(r, b)
    assert up == pytest.approx(1.0) and down == pytest.approx(0.0)
    # no down day in the benchmark: down capture undefined
    assert math.isnan(capture_ratios(daily([0.01, 0.02]), daily([0.01, 0.02]))[1])


def test_align_returns_on_common_dates() -> None:
    pie = pd.Series(
        [100.0, 110.0, 121.0, 133.1],
        index=pd.to_datetime(["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07"]),
    )
    # the benchmark misses 2021-01-05: the pie's return spans 01-04 -> 01-06 too
    bench = pd.Series(
        [50.0, 55.0, 60.0],
        index=pd.to_datetime(["2021-01-04", "2021-01-06", "2021-01-07"]),
    )
    r, b = align_returns(pie, bench)
    assert list(r.index) == list(pd.to_datetime(["2021-01-06", "2021-01-07"]))
    np.testing.assert_allclose(r.to_numpy(), [0.21, 0.1], rtol=1e-12)
    np.testing.assert_allclose(b.to_numpy(), [0.1, 60 / 55 - 1], rtol=1e-12)
    with pytest.raises(ValueError, match="1 dates in common"):
        align_returns(pie.iloc[:2], bench)


def test_mismatched_dates_rejected() -> None:
    with pytest.raises(ValueError, match="align_returns"):
        beta(daily(B), daily(B, start="2022-01-03"))


def test_rolling_beta_known() -> None:
    b = daily(B)
    rb = rolling_beta(2 * b, b, window=3)
    np.testing.assert_allclose(rb.to_numpy(), [np.nan, np.nan, 2.0, 2.0], rtol=1e-12)


def test_pme_known() -> None:
    # index 100, 125, 80, 100; +100 on day 0, +50 on day 1, -40 on day 2, NAV 150 at end
    # contributions carried to T: 100 * 100/100 + 50 * 100/125 = 140
    # distributions carried to T: 40 * 100/80 = 50; PME = (50 + 150) / 140 = 10/7
    index = daily([100, 125, 80, 100])
    flows = pd.Series([100.0, 50.0, -40.0], index=index.index[:3])
    nav = pd.Series([150.0], index=index.index[3:])
    assert kaplan_schoar_pme(nav, flows, index) == pytest.approx(10 / 7, rel=1e-12)


def test_pme_flow_on_a_day_without_index_uses_the_previous_close() -> None:
    # a Saturday deposit buys at Friday's close: 100 at 100, index 110 at T, NAV 121
    index = pd.Series(
        [100.0, 110.0], index=pd.to_datetime(["2021-01-08", "2021-01-11"])
    )
    flows = pd.Series([100.0], index=pd.to_datetime(["2021-01-09"]))
    nav = pd.Series([121.0], index=pd.to_datetime(["2021-01-11"]))
    assert kaplan_schoar_pme(nav, flows, index) == pytest.approx(121 / 110, rel=1e-12)
    early = pd.Series([100.0], index=pd.to_datetime(["2021-01-01"]))
    with pytest.raises(ValueError, match="benchmark_unit_value starts"):
        kaplan_schoar_pme(nav, early, index)
    with pytest.raises(ValueError, match="no contribution"):
        kaplan_schoar_pme(nav, -flows, index)


@settings(max_examples=80, deadline=None)
@given(
    returns=st.lists(st.floats(-0.1, 0.1), min_size=3, max_size=120),
    data=st.data(),
)
def test_pme_is_one_when_the_pie_is_the_benchmark(
    returns: list[float], data: st.DataObject
) -> None:
    index = daily(100 * np.cumprod(np.r_[1.0, 1 + np.array(returns)]))
    n = len(index)
    days = sorted(set(data.draw(st.lists(st.integers(1, n - 1), max_size=10))))
    amounts = [1000.0] + [data.draw(st.floats(-0.5, 1.0)) * 100 for _ in days]
    flow_days = [0, *days]
    # the pie: every flow buys or sells index units at that day's close
    units = 0.0
    flows = {}
    for day, amount in zip(flow_days, amounts, strict=True):
        if amount < 0:  # never sell more than is held
            amount = max(amount, -0.9 * units * index.iloc[day])
        units += amount / index.iloc[day]
        flows[index.index[day]] = amount
    nav = pd.Series([units * index.iloc[-1]], index=index.index[-1:])
    ext = pd.Series(flows)
    assert kaplan_schoar_pme(nav, ext, index) == pytest.approx(1.0, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-0.1, 0.1), st.floats(-0.1, 0.1)), min_size=3, max_size=100
    )
)
def test_beta_times_benchmark_variance_is_covariance(
    pairs: list[tuple[float, float]],
) -> None:
    r = daily([p[0] for p in pairs])
    b = daily([p[1] for p in pairs])
    rho = correlation(r, b)
    if not math.isnan(rho):
        assert -1 - 1e-9 <= rho <= 1 + 1e-9
        assert beta(r, b) == pytest.approx(rho * r.std() / b.std(), rel=1e-6, abs=1e-9)


def test_capture_ratios_compound_by_hand() -> None:
    # b: +1 %, -2 %, +3 %, 0 %; the pie: +2 %, -1 %, +6 %, +1 %. Up days (b > 0)
    # are days 0 and 2, two of them, so A = prod(1 + x) ** (252 / 2) - 1; the
    # one down day gives A = (1 + x) ** 252 - 1; the flat day is in neither.
    b = daily(B)
    r = daily([0.02, -0.01, 0.06, 0.01])
    up, down = capture_ratios(r, b)
    assert up == pytest.approx(
        ((1.02 * 1.06) ** 126 - 1) / ((1.01 * 1.03) ** 126 - 1), rel=1e-9
    )
    assert down == pytest.approx((0.99**252 - 1) / (0.98**252 - 1), rel=1e-9)
    # A benchmark that only fell: no up capture, the down one still measured
    # (0.5 % against 1 % lost on each of two days).
    fell = capture_ratios(daily([-0.005, -0.005]), daily([-0.01, -0.01]))
    assert math.isnan(fell[0])
    assert fell[1] == pytest.approx((0.995**252 - 1) / (0.99**252 - 1), rel=1e-9)
    # Up days too small to move a float (1 + 1e-20 == 1): the benchmark's
    # annualised up return is 0, so the ratio is undefined, not a division error.
    tiny = capture_ratios(daily([0.01, -0.01, 0.02]), daily([1e-20, -0.01, 1e-20]))
    assert math.isnan(tiny[0]) and tiny[1] == pytest.approx(1.0)


def test_beta_of_a_benchmark_that_never_moves_is_undefined() -> None:
    flat = daily([0.25, 0.25, 0.25])  # exactly representable: variance exactly 0
    r = daily([0.01, -0.02, 0.03])
    assert math.isnan(beta(r, flat)) and math.isnan(alpha(r, flat))


def test_r_squared_by_hand() -> None:
    # b = (1, -1, 1, -1) %, e = (1, 1, -1, -1) %: both mean 0 and orthogonal, so
    # r = b + e has correlation var(b) / (sd(b) sd(b + e)) = 1 / sqrt(2) with b.
    b = daily([0.01, -0.01, 0.01, -0.01])
    e = daily([0.01, 0.01, -0.01, -0.01])
    assert r_squared(b + e, b) == pytest.approx(0.5, rel=1e-12)
    assert r_squared(2 * b + 0.001, b) == pytest.approx(1.0, rel=1e-12)
    assert math.isnan(r_squared(daily([0.01, 0.01, 0.01]), daily([0.01, 0.0, 0.02])))


def test_returns_and_rolling_beta_are_named_and_dated() -> None:
    pie = daily([100.0, 110.0, 99.0, 108.9])
    r, b = align_returns(pie, 2 * pie)
    assert (r.name, b.name) == ("returns", "benchmark_returns")
    assert list(b.index) == list(pie.index[1:]) == list(r.index)
    assert rolling_beta(r, b, window=2).name == "rolling_beta"


def test_bad_levels_are_named_in_one_line() -> None:
    pie = daily([100.0, 110.0, 121.0])
    with pytest.raises(ValueError, match=r"^unit_value must be a pandas Series"):
        align_returns(list(pie), pie)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^benchmark_unit_value must be a pandas Series"
    ):
        align_returns(pie, list(pie))  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"^unit_value and benchmark_unit_value have 2 dates in common; "
        r"need at least 3$",
    ):
        align_returns(pie, pie.iloc[1:])
    flows = pd.Series([100.0], index=pie.index[:1])
    with pytest.raises(ValueError, match=r"^nav is empty$"):
        kaplan_schoar_pme(pd.Series([math.nan], index=pie.index[:1]), flows, pie)
    with pytest.raises(
        ValueError, match=r"^benchmark_unit_value must be a pandas Series"
    ):
        kaplan_schoar_pme(pie, flows, list(pie))  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^external_flows holds no contribution \(deposit\)$"
    ):
        kaplan_schoar_pme(pie, -flows, pie)
    with pytest.raises(
        ValueError,
        match=r"^benchmark_unit_value starts on 2021-01-05, after the first flow "
        r"or the last NAV date$",
    ):
        kaplan_schoar_pme(pie, flows, pie.iloc[1:])


def test_pme_edges_by_hand() -> None:
    index = daily([100.0, 110.0, 120.0])
    # An index of one day, the flow's and the NAV's: PME is NAV / money in.
    one = index.iloc[:1]
    flows = pd.Series([100.0], index=one.index)
    assert kaplan_schoar_pme(pd.Series([104.0], one.index), flows, one) == 1.04
    # The NAV ends on the index's first day, which runs on: carried by 100/100.
    nav0 = pd.Series([104.0], index=index.index[:1])
    assert kaplan_schoar_pme(nav0, flows, index) == pytest.approx(1.04)
    # The NAV ends on day 1 while the index runs to day 2: flows are carried to
    # the NAV's day (110), not the index's last (120). Deposits of exactly 1 and
    # of 0.5 count; a zero flow before the index starts is no flow at all.
    flows = pd.Series(
        [0.0, 1.0, 0.5],
        index=pd.to_datetime(["2020-12-31", "2021-01-04", "2021-01-05"]),
    )
    nav1 = pd.Series([2.0], index=index.index[1:2])
    # Contributions at T: 1 * 110 / 100 + 0.5 * 110 / 110 = 1.6; PME = 2 / 1.6.
    assert kaplan_schoar_pme(nav1, flows, index) == pytest.approx(2 / 1.6, rel=1e-12)
