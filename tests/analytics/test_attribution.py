"""Known-answer and invariant tests for piefolio.analytics.attribution.

The invariants run on portfolios simulated here by a deliberately plain loop that
follows the engine's order of events (interest, dividends, flows, rebalance at the
close with fees out of cash, NAV), so the tests do not depend on the engine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.analytics.attribution import (
    Linking,
    contributions_by_year,
    daily_contributions,
    gains_by_group,
    group_columns,
    total_contributions,
    waterfall,
)


def test_waterfall_known_fx_case() -> None:
    # EUR pie, one USD stock. Day 0: deposit 1001, fee 1, buy 10 shares at 110 USD =
    # 100 EUR (0.90909 EUR per USD). Day 1: the stock rises 10 % to 121 USD and the
    # dollar 5 %, so 121 * 0.90909 * 1.05 = 115.5 EUR; a cash dividend of 5 EUR.
    # Holding gain 10 * 15.5 = 155; price part 1000 * 10 % = 100; FX part 55
    # (50 of currency on 1000 EUR plus 5 of cross term). NAV 1155 + 5 = 1160.
    dates = pd.to_datetime(["2024-01-02", "2024-01-03"])
    shares = pd.DataFrame({"XOM": [10.0, 10.0]}, index=dates)
    base = pd.DataFrame({"XOM": [100.0, 115.5]}, index=dates)
    local = pd.DataFrame({"XOM": [110.0, 121.0]}, index=dates)
    nav = pd.Series([1000.0, 1160.0], index=dates)
    flows = pd.DataFrame(
        {
            "date": [dates[0], dates[1]],
            "kind": ["deposit", "dividend"],
            "amount": [1001.0, 5.0],
        }
    )
    w = waterfall(nav, flows, shares, base, local_prices=local, fees=1.0)
    assert w.deposits == 1001.0 and w.withdrawals == 0.0 and w.fees == -1.0
    assert w.price_gains == pytest.approx(100.0, rel=1e-12)
    assert w.fx_effect == pytest.approx(55.0, rel=1e-12)
    assert w.dividends == 5.0 and w.interest == 0.0
    assert w.residual == pytest.approx(0.0, abs=1e-9)
    assert math.fsum(v for _, v in w.steps()) == pytest.approx(1160.0, rel=1e-15)
    assert w.price_gains_by_symbol["XOM"] == pytest.approx(100.0)
    d = w.to_dict()
    assert d["fx_effect"] == pytest.approx(55.0) and d["final_value"] == 1160.0
    assert d["price_gains_by_symbol"] == pytest.approx({"XOM": 100.0})
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    themes = gains_by_group(w, {"oil": ["XOM"]})
    assert themes.loc["oil"].to_dict() == pytest.approx(
        {"price_gains": 100.0, "fx_effect": 55.0}
    )
    # without local prices the whole gain is "price"
    plain = waterfall(nav, flows, shares, base, fees=1.0)
    assert plain.price_gains == pytest.approx(155.0) and plain.fx_effect == 0.0


def test_waterfall_shows_inconsistent_inputs_as_residual() -> None:
    dates = pd.to_datetime(["2024-01-02", "2024-01-03"])
    shares = pd.DataFrame({"A": [1.0, 1.0]}, index=dates)
    prices = pd.DataFrame({"A": [100.0, 110.0]}, index=dates)
    flows = pd.DataFrame({"date": [dates[0]], "kind": ["deposit"], "amount": [100.0]})
    nav = pd.Series([100.0, 111.0], index=dates)  # 1 more than the holdings explain
    assert waterfall(nav, flows, shares, prices).residual == pytest.approx(1.0)


def test_waterfall_input_checks() -> None:
    dates = pd.to_datetime(["2024-01-02", "2024-01-03"])
    shares = pd.DataFrame({"A": [1.0, 1.0]}, index=dates)
    nav = pd.Series([100.0, 110.0], index=dates)
    flows = pd.DataFrame({"date": [dates[0]], "kind": ["deposit"], "amount": [100.0]})
    with pytest.raises(ValueError, match="lacks the symbols"):
        waterfall(nav, flows, shares, pd.DataFrame({"B": [1.0, 2.0]}, index=dates))
    with pytest.raises(ValueError, match="lacks 1 dates"):
        waterfall(nav, flows, shares, pd.DataFrame({"A": [1.0]}, index=dates[:1]))
    with pytest.raises(ValueError, match="missing price"):
        waterfall(nav, flows, shares, pd.DataFrame({"A": [1.0, np.nan]}, index=dates))
    with pytest.raises(ValueError, match="unknown kinds"):
        bad = flows.assign(kind="gift")
        waterfall(nav, bad, shares, pd.DataFrame({"A": [1.0, 2.0]}, index=dates))
    with pytest.raises(ValueError, match="fees"):
        waterfall(
            nav, flows, shares, pd.DataFrame({"A": [1.0, 2.0]}, index=dates), fees=-1
        )


def test_daily_contributions_known() -> None:
    # start of day 2: 60 % in A (+10 %), 40 % in B (-5 %): +6 % and -2 %
    dates = pd.bdate_range("2024-01-02", periods=2)
    weights = pd.DataFrame({"A": [0.6, 0.62], "B": [0.4, 0.38]}, index=dates)
    prices = pd.DataFrame({"A": [10.0, 11.0], "B": [20.0, 19.0]}, index=dates)
    c = daily_contributions(weights, prices)
    assert list(c.index) == [dates[1]]
    np.testing.assert_allclose(c.to_numpy(), [[0.06, -0.02]], rtol=1e-12)


def test_unlisted_symbol_contributes_zero() -> None:
    dates = pd.bdate_range("2024-01-02", periods=3)
    weights = pd.DataFrame({"A": [1.0, 0.5, 0.5], "GEV": [0.0, 0.5, 0.5]}, index=dates)
    prices = pd.DataFrame(
        {"A": [10.0, 11.0, 11.0], "GEV": [np.nan, 100.0, 110.0]}, index=dates
    )
    c = daily_contributions(weights, prices)
    np.testing.assert_allclose(c.to_numpy(), [[0.1, 0.0], [0.0, 0.05]], rtol=1e-12)


def test_period_contributions_sum_and_geometric() -> None:
    # two days of +10 % from one slice: summed 20 %, linked 0.1 + 0.1 * 1.1 = 21 %
    dates = pd.to_datetime(["2021-12-31", "2022-01-03", "2022-01-04"])
    daily = pd.DataFrame({"A": [0.05, 0.1, 0.1], "B": [0.0, 0.0, 0.0]}, index=dates)
    pie = pd.Series([0.05, 0.1, 0.1], index=dates)
    by_year = contributions_by_year(daily)
    np.testing.assert_allclose(by_year["A"].to_numpy(), [0.05, 0.2])
    linked = contributions_by_year(daily, portfolio_returns=pie, linking="geometric")
    cells = linked.to_dict()
    np.testing.assert_allclose(cells["A"][2022], 0.21, rtol=1e-12)
    np.testing.assert_allclose(cells["other"][2022], 0.0, atol=1e-15)
    total = total_contributions(daily, portfolio_returns=pie, linking=Linking.GEOMETRIC)
    assert total.sum() == pytest.approx(1.05 * 1.21 - 1, rel=1e-12)
    with pytest.raises(ValueError, match="needs portfolio_returns"):
        total_contributions(daily, linking="geometric")
    with pytest.raises(ValueError):
        total_contributions(daily, linking="arithmetic")


def test_group_columns() -> None:
    dates = pd.bdate_range("2024-01-02", periods=1)
    frame = pd.DataFrame(
        {"XOM": [0.01], "CVX": [0.02], "NEE": [0.04], "IWM": [0.08]}, index=dates
    )
    grouped = group_columns(frame, {"energy": ["XOM", "CVX"], "utilities": ["NEE"]})
    assert grouped.iloc[0].to_dict() == pytest.approx(
        {"energy": 0.03, "utilities": 0.04, "unassigned": 0.08}
    )
    with pytest.raises(ValueError, match="both themes"):
        group_columns(frame, {"a": ["XOM"], "b": ["XOM"]})
    with pytest.raises(ValueError, match="not a slice"):
        group_columns(frame, {"a": ["SPY"]})


# --------------------------------------------------------------------------------
# A plain simulation for the invariants.


@dataclass
class Run:
    nav: pd.Series
    unit_value: pd.Series
    flows: pd.DataFrame
    shares: pd.DataFrame
    weights: pd.DataFrame
    prices: pd.DataFrame
    local: pd.DataFrame
    fees: float
    quiet_days: list[pd.Timestamp]  # no flow, fee, interest or dividend


def simulate(
    local_returns: np.ndarray,
    fx_returns: np.ndarray,
    flows: np.ndarray,
    rebalance: np.ndarray,
    dividends: np.ndarray,
    target: np.ndarray,
    fee_rate: float,
    cash_rate: float,
) -> Run:
    n_days, n_sym = local_returns.shape
    local = 50.0 * np.cumprod(1 + local_returns, axis=0)
    fx = np.cumprod(1 + fx_returns, axis=0)
    base = local * fx[:, None]
    dates = pd.bdate_range("2023-12-27", periods=n_days)
    cash, shares = 0.0, np.zeros(n_sym)
    units, uv = 0.0, 1.0
    ledger, navs, uvs, held, fees_total, quiet = [], [], [], [], 0.0, []
    for t in range(n_days):
        p = base[t]
        interest = cash * cash_rate if t > 0 else 0.0
        div = float(shares @ dividends[t]) if t > 0 else 0.0
        cash += interest + div
        for kind, amount in (("interest", interest), ("dividend", div)):
            if amount > 0:
                ledger.append((dates[t], kind, amount))
        pre_flow = cash + float(shares @ p)
        flow = 1000.0 if t == 0 else float(flows[t]) * max(pre_flow, 1.0)
        flow = max(flow, -0.5 * pre_flow)
        if flow != 0.0:
            ledger.append((dates[t], "deposit" if flow > 0 else "withdrawal", flow))
        cash += flow
        fee = 0.0
        if t == 0 or rebalance[t] or flow != 0.0:
            value = cash + float(shares @ p)
            # keep a buffer large enough for the fee on any turnover
            desired = target * value * (1 - 2 * fee_rate - 0.01) / p
            trade = (desired - shares) * p
            fee = fee_rate * float(np.abs(trade).sum())
            cash -= float(trade.sum()) + fee
            shares = desired
            fees_total += fee
        nav = cash + float(shares @ p)
        # unit value: the day's flow buys units at the value before it
        if t == 0:
            uv, units = 1.0, nav
        else:
            uv = (nav - flow) / units
            units += flow / uv
        if t > 0 and flow == 0.0 and fee == 0.0 and interest == 0.0 and div == 0.0:
            quiet.append(dates[t])
        navs.append(nav)
        uvs.append(uv)
        held.append(shares.copy())
    cols = [f"S{i}" for i in range(n_sym)]
    shares_df = pd.DataFrame(held, index=dates, columns=cols)
    prices = pd.DataFrame(base, index=dates, columns=cols)
    nav_s = pd.Series(navs, index=dates)
    return Run(
        nav=nav_s,
        unit_value=pd.Series(uvs, index=dates),
        flows=pd.DataFrame(ledger, columns=["date", "kind", "amount"]),
        shares=shares_df,
        weights=(shares_df * prices).div(nav_s, axis=0),
        prices=prices,
        local=pd.DataFrame(local, index=dates, columns=cols),
        fees=fees_total,
        quiet_days=quiet,
    )


@st.composite
def runs(draw: st.DrawFn) -> Run:
    n_days = draw(st.integers(3, 60))
    n_sym = draw(st.integers(1, 5))
    floats = st.floats(-0.08, 0.08)

    def matrix(rows: int, cols: int, elements: st.SearchStrategy[float]) -> np.ndarray:
        return np.array(
            draw(
                st.lists(
                    st.lists(elements, min_size=cols, max_size=cols),
                    min_size=rows,
                    max_size=rows,
                )
            )
        )

    raw = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n_sym, max_size=n_sym)))
    return simulate(
        local_returns=matrix(n_days, n_sym, floats),
        fx_returns=np.array(
            draw(st.lists(st.floats(-0.02, 0.02), min_size=n_days, max_size=n_days))
        ),
        flows=np.array(
            draw(
                st.lists(
                    st.sampled_from([0.0, 0.0, 0.0, 0.1, -0.2]),
                    min_size=n_days,
                    max_size=n_days,
                )
            )
        ),
        rebalance=np.array(
            draw(st.lists(st.booleans(), min_size=n_days, max_size=n_days))
        ),
        dividends=matrix(n_days, n_sym, st.sampled_from([0.0, 0.0, 0.0, 0.3])),
        target=raw / raw.sum(),
        fee_rate=draw(st.sampled_from([0.0, 0.001, 0.005])),
        cash_rate=draw(st.sampled_from([0.0, 0.0001])),
    )


@settings(max_examples=60, deadline=None)
@given(runs())
def test_waterfall_adds_up_to_the_final_nav(run: Run) -> None:
    w = waterfall(
        run.nav,
        run.flows,
        run.shares,
        run.prices,
        local_prices=run.local,
        fees=run.fees,
    )
    scale = max(1.0, abs(run.nav.iloc[-1]), w.deposits)
    assert w.residual == pytest.approx(0.0, abs=1e-9 * scale)
    assert math.fsum(v for _, v in w.steps()) == pytest.approx(
        run.nav.iloc[-1], rel=1e-12, abs=1e-12
    )
    assert w.fees <= 0 and w.withdrawals <= 0
    assert w.price_gains_by_symbol.sum() + w.fx_effect_by_symbol.sum() == pytest.approx(
        w.price_gains + w.fx_effect, rel=1e-9, abs=1e-9
    )
    half = list(run.shares.columns[: len(run.shares.columns) // 2])
    themes = gains_by_group(w, {"first half": half})
    assert themes["price_gains"].sum() == pytest.approx(
        w.price_gains, rel=1e-9, abs=1e-9
    )
    assert themes["fx_effect"].sum() == pytest.approx(w.fx_effect, rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(runs())
def test_contributions_sum_to_the_pie_return_on_quiet_days(run: Run) -> None:
    c = daily_contributions(run.weights, run.prices)
    pie = run.nav / run.nav.shift(1) - 1
    for day in run.quiet_days:
        assert c.loc[day].sum() == pytest.approx(pie.loc[day], rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(runs())
def test_geometric_contributions_add_up_to_the_time_weighted_return(run: Run) -> None:
    c = daily_contributions(run.weights, run.prices)
    r = (run.unit_value / run.unit_value.shift(1) - 1).iloc[1:]
    total = total_contributions(c, portfolio_returns=r, linking="geometric")
    twr = run.unit_value.iloc[-1] / run.unit_value.iloc[0] - 1
    assert total.sum() == pytest.approx(twr, rel=1e-9, abs=1e-12)
    by_year = contributions_by_year(c, portfolio_returns=r, linking="geometric")
    yearly = (1 + r).groupby(pd.DatetimeIndex(r.index).year).prod() - 1
    np.testing.assert_allclose(
        by_year.sum(axis=1).to_numpy(), yearly.to_numpy(), rtol=1e-9, atol=1e-12
    )
    summed = total_contributions(c, portfolio_returns=r)
    assert summed.sum() == pytest.approx(r.sum(), rel=1e-9, abs=1e-12)
    # themes are sums of slices: grouping first or after gives the same totals
    themes = group_columns(c, {"first": [str(c.columns[0])]})
    by_theme = total_contributions(themes, portfolio_returns=r, linking="geometric")
    assert by_theme.sum() == pytest.approx(twr, rel=1e-9, abs=1e-12)
    assert by_theme["first"] == pytest.approx(total[c.columns[0]], rel=1e-9, abs=1e-15)
