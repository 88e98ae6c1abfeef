"""Our metrics against independent implementations on the same returns.

empyrical-reloaded (and quantstats where its conventions match ours) are optional:
``pip install empyrical-reloaded quantstats``; the tests skip without them. scipy
checks XIRR (a root of the NPV) and beta/correlation (a least-squares fit).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import piefolio.analytics as pa

pytestmark = pytest.mark.crosscheck

RF = 0.03  # annual
RF_D = (1 + RF) ** (1 / 252) - 1


@pytest.fixture(params=["synthetic", "real"])
def pair(request: pytest.FixtureRequest) -> tuple[pd.Series, pd.Series]:
    """(pie unit value, benchmark unit value) on the same dates."""
    if request.param == "synthetic":
        rng = np.random.default_rng(11)
        dates = pd.bdate_range("2018-01-02", periods=1000)
        b = rng.standard_t(4, len(dates)) * 0.008 + 0.0003
        r = 1.3 * b + rng.normal(0.0001, 0.006, len(dates))
        pie = pd.Series(100 * np.cumprod(1 + r), index=dates)
        bench = pd.Series(50 * np.cumprod(1 + b), index=dates)
        return pie, bench
    prices: pd.DataFrame = request.getfixturevalue("adjclose")
    window = prices.loc["2015-01-01":"2024-12-31", ["XOM", "SPY"]].dropna()
    return window["XOM"], window["SPY"]


def test_against_empyrical(pair: tuple[pd.Series, pd.Series]) -> None:
    ep = pytest.importorskip("empyrical")
    pie, bench = pair
    r, b = pa.align_returns(pie, bench)
    assert pa.total_return(pie) == pytest.approx(ep.cum_returns_final(r), rel=1e-9)
    assert pa.volatility(r) == pytest.approx(ep.annual_volatility(r), rel=1e-9)
    assert pa.sharpe_ratio(r, risk_free=RF) == pytest.approx(
        ep.sharpe_ratio(r, risk_free=RF_D), rel=1e-9
    )
    assert pa.sortino_ratio(r, risk_free=RF) == pytest.approx(
        ep.sortino_ratio(r, required_return=RF_D), rel=1e-9
    )
    assert pa.max_drawdown(pie).depth == pytest.approx(ep.max_drawdown(r), rel=1e-9)
    assert pa.value_at_risk(r) == pytest.approx(
        ep.value_at_risk(r, cutoff=0.05), rel=1e-9
    )
    assert pa.expected_shortfall(r) == pytest.approx(
        ep.conditional_value_at_risk(r, cutoff=0.05), rel=1e-9
    )
    ep_alpha, ep_beta = ep.alpha_beta(r, b, risk_free=RF_D)
    assert pa.beta(r, b) == pytest.approx(ep_beta, rel=1e-9)
    assert pa.alpha(r, b, risk_free=RF) == pytest.approx(ep_alpha, rel=1e-9)
    assert pa.capture_ratios(r, b) == pytest.approx(
        (ep.up_capture(r, b), ep.down_capture(r, b)), rel=1e-9
    )
    # empyrical's excess Sharpe is the daily information ratio
    assert pa.information_ratio(r, b) == pytest.approx(
        ep.excess_sharpe(r, b) * math.sqrt(252), rel=1e-9
    )
    ep_roll = ep.roll_beta(r, b, window=252)
    ours = pa.rolling_beta(r, b).dropna()
    np.testing.assert_allclose(
        ours.to_numpy(), np.asarray(ep_roll)[-len(ours) :], rtol=1e-8
    )


def test_calmar_against_empyrical_on_a_252_day_year() -> None:
    # empyrical annualises by 252 returns a year, we by calendar days / 365: on a
    # series with one return per calendar day and 365 of them, 252 vs 365 differ,
    # so compare through our CAGR computed on the same years.
    ep = pytest.importorskip("empyrical")
    rng = np.random.default_rng(5)
    dates = pd.date_range("2019-01-01", periods=731, freq="D")
    uv = pd.Series(
        100 * np.cumprod(1 + rng.normal(0.0005, 0.01, len(dates))), index=dates
    )
    r = pa.daily_returns(uv)
    years_ep = len(r) / 252
    ep_cagr = (uv.iloc[-1] / uv.iloc[0]) ** (1 / years_ep) - 1
    assert ep.cagr(r) == pytest.approx(ep_cagr, rel=1e-9)  # confirms empyrical's rule
    assert ep.calmar_ratio(r) == pytest.approx(
        ep_cagr / abs(pa.max_drawdown(uv).depth), rel=1e-9
    )
    assert pa.calmar_ratio(uv) == pytest.approx(
        pa.cagr(uv) / abs(ep.max_drawdown(r)), rel=1e-9
    )


def test_against_quantstats(pair: tuple[pd.Series, pd.Series]) -> None:
    qs = pytest.importorskip("quantstats")
    pie, _ = pair
    r = pa.daily_returns(pie)
    assert pa.volatility(r) == pytest.approx(
        qs.stats.volatility(r, periods=252), rel=1e-9
    )
    assert pa.max_drawdown(pie).depth == pytest.approx(
        qs.stats.max_drawdown(pie), rel=1e-9
    )
    np.testing.assert_allclose(
        pa.drawdown_series(pie).to_numpy(),
        qs.stats.to_drawdown_series(pie).to_numpy(),
        atol=1e-12,
    )


def test_xirr_against_a_scipy_root_of_the_npv() -> None:
    optimize = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(2)
    dates = sorted(
        {
            dt.date(2015, 1, 1) + dt.timedelta(days=int(d))
            for d in rng.integers(0, 3000, 40)
        }
    )
    amounts = rng.uniform(-200, 800, len(dates))
    amounts[0] = 5000.0
    ext = pd.Series(amounts, index=pd.DatetimeIndex(dates))
    end = dt.date(2024, 1, 1)
    nav = pd.Series([14000.0], index=pd.DatetimeIndex([end]))

    def npv(rate: float) -> float:
        flows = [(-a, d) for a, d in zip(amounts, dates, strict=True)] + [
            (14000.0, end)
        ]
        return float(
            sum(c / (1 + rate) ** ((d - dates[0]).days / 365) for c, d in flows)
        )

    root = optimize.brentq(npv, -0.9, 1.0, xtol=1e-14)
    assert pa.money_weighted_return(nav, ext) == pytest.approx(root, rel=1e-8)


def test_beta_and_correlation_against_scipy(pair: tuple[pd.Series, pd.Series]) -> None:
    stats = pytest.importorskip("scipy.stats")
    r, b = pa.align_returns(*pair)
    fit = stats.linregress(b.to_numpy(), r.to_numpy())
    assert pa.beta(r, b) == pytest.approx(fit.slope, rel=1e-9)
    assert pa.correlation(r, b) == pytest.approx(fit.rvalue, rel=1e-9)
    assert pa.correlation(r, b) == pytest.approx(
        stats.pearsonr(r, b).statistic, rel=1e-9
    )


def test_page_figures_against_quantstats_and_empyrical(
    pair: tuple[pd.Series, pd.Series],
) -> None:
    qs = pytest.importorskip("quantstats")
    ep = pytest.importorskip("empyrical")
    pie, bench = pair
    r, b = pa.align_returns(pie, bench)
    assert pa.skewness(r) == pytest.approx(qs.stats.skew(r), rel=1e-9)
    assert pa.kurtosis(r) == pytest.approx(qs.stats.kurtosis(r), rel=1e-9)
    assert pa.win_rate(r) == pytest.approx(qs.stats.win_rate(r), rel=1e-9)
    assert pa.tail_ratio(r) == pytest.approx(ep.tail_ratio(r), rel=1e-9)
    assert pa.tail_ratio(r) == pytest.approx(qs.stats.tail_ratio(r), rel=1e-9)
    assert pa.r_squared(r, b) == pytest.approx(qs.stats.r_squared(r, b), rel=1e-9)
    # quantstats' best/worst day are the extreme daily returns
    e = pa.extremes(pie)
    assert e.best_day == pytest.approx(qs.stats.best(r), rel=1e-9)
    assert e.worst_day == pytest.approx(qs.stats.worst(r), rel=1e-9)
    # empyrical's rolling Sharpe has no risk-free rate and uses ddof=1 too
    ep_roll = ep.roll_sharpe_ratio(r, window=252)
    ours = pa.rolling_sharpe(r, window=252).dropna()
    np.testing.assert_allclose(
        ours.to_numpy(), np.asarray(ep_roll)[-len(ours) :], rtol=1e-8
    )
