"""Walk-forward: refit dates, the hand-worked buy-and-hold, and no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.errors import OptimizationError
from piefolio.optimize import propose, walk_forward
from piefolio.optimize.walkforward import _buy_and_hold, refit_dates


def test_refit_dates_are_the_first_trading_day_on_or_after_each_step() -> None:
    index = pd.bdate_range("2024-01-01", "2024-12-31")
    dates = refit_dates(index, pd.Timestamp("2024-01-01"), index[-1], "3M")
    # Every 3M from Jan 1: Jan 1, Apr 1, Jul 1, Oct 1 (all weekdays).
    assert [d.date().isoformat() for d in dates] == [
        "2024-01-01",
        "2024-04-01",
        "2024-07-01",
        "2024-10-01",
    ]
    # 2024-06-01 is a Saturday and 2024-12-01 a Sunday: the next Mondays.
    weekend = refit_dates(index, pd.Timestamp("2024-06-01"), index[-1], "6M")
    assert [d.date().isoformat() for d in weekend] == ["2024-06-03", "2024-12-02"]


def test_buy_and_hold_between_refits_by_hand() -> None:
    index = pd.bdate_range("2024-01-01", periods=4)
    returns = pd.DataFrame(
        {"A": [0.1, 0.0, 0.1, 0.0], "B": [0.0, 0.0, 0.0, -0.5]}, index=index
    )
    schedule = pd.DataFrame({"A": [0.5, 1.0], "B": [0.5, 0.0]}, index=index[[0, 2]])
    wealth = _buy_and_hold(returns, schedule)
    # Day 1: half in A up 10 % -> 1.05; day 2 flat; refit all into A: 1.05 * 1.1 =
    # 1.155; B's -50 % on day 4 does not touch a pie that holds none of it.
    np.testing.assert_allclose(wealth.to_numpy(), [1.05, 1.05, 1.155, 1.155])


def test_weights_decided_at_t_do_not_see_prices_from_t_on(
    build_spec, market, themes
) -> None:
    spec = build_spec(
        themes,
        'lookback = "1Y"\nrebalance_every = "3M"\nexpected_returns = "historical"',
    )
    clean = walk_forward(spec, market, method="max-sharpe")
    t = clean.schedule.index[2]
    rng = np.random.default_rng(0)
    poisoned = market.copy()
    future = poisoned.index >= t
    poisoned.loc[future] *= rng.uniform(
        0.2, 5.0, size=(int(future.sum()), market.shape[1])
    )
    dirty = walk_forward(spec, poisoned, method="max-sharpe")
    pd.testing.assert_frame_equal(clean.schedule.loc[:t], dirty.schedule.loc[:t])
    # The poison is strong enough to change every later decision: the test can fail.
    assert not np.allclose(
        clean.schedule.iloc[3:].to_numpy(),
        dirty.schedule.iloc[3:].to_numpy(),
        atol=1e-3,
    )
    # And the single proposal as of t agrees with the schedule.
    alone = propose(spec, poisoned, method="max-sharpe", asof=t)
    np.testing.assert_allclose(
        list(alone.weights.values()), clean.schedule.loc[t].to_numpy(), atol=1e-9
    )


def test_walk_forward_backtests_the_proposal_against_the_pie(
    build_spec, market, themes
) -> None:
    spec = build_spec(themes, 'lookback = "1Y"\nrebalance_every = "6M"')
    wf = walk_forward(spec, market, method="min-variance")
    assert list(wf.wealth.columns) == ["proposal", "current"]
    assert wf.wealth.iloc[0].tolist() == [1.0, 1.0]
    assert wf.wealth.index[0] < wf.schedule.index[0] <= wf.wealth.index[1]
    np.testing.assert_allclose(wf.schedule.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(
        wf.current.iloc[0], pd.Series(spec.pie.effective_weights()), atol=1e-12
    )
    summary = wf.summary()
    assert summary.loc["proposal", "volatility"] < summary.loc["current", "volatility"]
    assert (summary["max_drawdown"] <= 0).all()
    # The current pie's growth equals its buy-and-hold by hand over the first segment.
    r = market.pct_change().loc[wf.schedule.index[0] :].iloc[:5]
    by_hand = np.cumprod(1 + r.to_numpy(), axis=0) @ wf.current.iloc[0].to_numpy()
    np.testing.assert_allclose(wf.wealth["current"].iloc[1:6], by_hand, rtol=1e-12)


def test_a_failed_refit_keeps_the_previous_weights_and_says_so(
    build_spec, market, themes
) -> None:
    prices = market.copy()
    spec = build_spec(
        themes, 'lookback = "1Y"\nrebalance_every = "3M"\nslice_min = 0.1'
    )
    # FFF only starts late: early refits leave it out, so Gamma's slice_min cannot be
    # checked against it; later ones include it.
    prices.loc[prices.index < prices.index[400], "FFF"] = np.nan
    wf = walk_forward(spec, prices, method="min-variance", start=prices.index[300])
    assert wf.schedule["FFF"].iloc[0] == 0
    assert wf.schedule["FFF"].iloc[-1] >= 0.1 - 1e-6
    assert any("FFF has" in n and "left out (weight 0)" in n for n in wf.notes)
    assert wf.schedule.index[0] == prices.index[300]
    assert wf.current["FFF"].iloc[0] == 0  # the pie compared on tickers that traded


def test_no_refit_date_is_an_error(build_spec, market, themes) -> None:
    with pytest.raises(OptimizationError, match="no refit date between"):
        walk_forward(
            build_spec(themes), market, start=market.index[-1] + pd.Timedelta(days=10)
        )


def test_refits_before_enough_history_are_skipped_and_said(
    build_spec, market, themes
) -> None:
    spec = build_spec(themes, 'lookback = "1Y"\nrebalance_every = "3M"')
    wf = walk_forward(spec, market, method="min-variance", start=market.index[0])
    # The first refit with 126 days of returns behind it is 2020-07-01.
    assert wf.schedule.index[0] == pd.Timestamp("2020-07-01")
    assert wf.notes[0].startswith(
        "2020-01-01: no weights yet (no slice has 126 days of returns"
    )
    with pytest.raises(
        OptimizationError,
        match="no refit between 2020-01-01 and 2020-03-03 could be fitted: no slice has 126 days",
    ):
        walk_forward(
            spec, market.iloc[:45], method="min-variance", start=market.index[0]
        )
