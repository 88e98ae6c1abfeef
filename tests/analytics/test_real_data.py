"""Real-data checks on Yahoo adjusted closes from the shared data folder.

Expected values are public figures, not our own output: SPY's 2020 COVID drawdown
(peak 2020-02-19, trough 2020-03-23, about -33.7 % on adjusted closes, back above
the peak in August 2020) and SPY's published calendar-year total returns.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import piefolio.analytics as pa


def test_spy_covid_drawdown(spy: pd.Series) -> None:
    dd = pa.max_drawdown(spy.loc["2020-01-01":"2020-12-31"])
    assert dd.peak == dt.date(2020, 2, 19)
    assert dd.trough == dt.date(2020, 3, 23)
    assert dd.depth == pytest.approx(-0.337, abs=0.003)
    assert dd.recovery is not None and (dd.recovery.year, dd.recovery.month) == (
        2020,
        8,
    )


def test_spy_global_financial_crisis_drawdown(spy: pd.Series) -> None:
    # SPY total return fell about 55 % from October 2007 to March 2009
    dd = pa.max_drawdown(spy.loc["2007-01-01":"2013-12-31"])
    assert dd.depth == pytest.approx(-0.55, abs=0.01)
    assert dd.peak is not None and dd.peak.year == 2007 and dd.peak.month == 10
    assert dd.trough == dt.date(2009, 3, 9)


@pytest.mark.parametrize(
    ("year", "published"),
    # SPDR S&P 500 ETF calendar-year total returns, as published (rounded)
    [
        (2008, -0.3681),
        (2013, 0.3231),
        (2019, 0.3122),
        (2020, 0.1837),
        (2021, 0.2875),
        (2022, -0.1817),
        (2023, 0.2619),
    ],
)
def test_spy_annual_returns(spy: pd.Series, year: int, published: float) -> None:
    annual = pa.annual_returns(spy)
    assert annual.loc[year] == pytest.approx(published, abs=0.002)


def test_monthly_deposits_into_spy(spy: pd.Series) -> None:
    # 1000 then 100 on the first trading day of each month, 2010-2019, all into SPY
    prices = spy.loc["2010-01-01":"2019-12-31"]
    firsts = prices.groupby(pd.DatetimeIndex(prices.index).to_period("M")).head(1).index
    flows = pd.Series(100.0, index=firsts)
    flows.iloc[0] = 1000.0
    units = (
        (flows / prices.reindex(firsts)).reindex(prices.index, fill_value=0.0).cumsum()
    )
    nav = units * prices
    uv = prices / prices.iloc[0]
    p = pa.performance(nav, uv, flows, benchmark_unit_value=spy, benchmark_name="SPY")
    assert p.benchmark is not None
    assert p.benchmark.pme == pytest.approx(1.0, rel=1e-12)
    assert p.benchmark.beta == pytest.approx(1.0, rel=1e-12)
    assert p.deposited == pytest.approx(1000 + 100 * 119)
    # SPY compounded about 13.4 % a year over the 2010s; steady deposits earn close
    assert p.cagr == pytest.approx(0.134, abs=0.005)
    assert 0.11 < p.money_weighted_return < 0.16
    assert p.max_drawdown.depth == pytest.approx(-0.194, abs=0.01)  # Q4 2018


def test_correlations_of_thesis_slices(adjclose: pd.DataFrame) -> None:
    prices = adjclose.loc[
        "2023-01-01":"2024-12-31", ["XOM", "CVX", "NVDA", "SPY", "GEV"]
    ]
    m = pa.correlation_matrix(prices)
    np.testing.assert_allclose(np.diag(m.to_numpy()), 1.0)
    np.testing.assert_allclose(m.to_numpy(), m.to_numpy().T)
    corr = m.to_dict()
    assert corr["CVX"]["XOM"] > 0.7  # two oil majors move together
    assert corr["CVX"]["XOM"] > corr["NVDA"]["XOM"]
    # GEV listed 2024-03-27: the pair uses the days both traded
    assert not np.isnan(corr["SPY"]["GEV"])
