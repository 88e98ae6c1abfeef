"""Known answers on tiny series, worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import simulate, simulate_batch
from piefolio.engine.simulate import prepare_inputs
from piefolio.errors import PlanError
from piefolio.spec import Fees, Flow, Plan, Rebalance

NO_FEES = Fees(min_order=0.0)


def frame(start: str, **cols: list[float]) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame(cols, index=pd.bdate_range(start, periods=n), dtype=float)


def plan(**kw: object) -> Plan:
    base: dict[str, object] = {"start": dt.date(2024, 1, 1), "fees": NO_FEES}
    base.update(kw)
    return Plan.model_validate(base)


# ------------------------------------------------------------------ policies


def test_none_buys_at_targets_and_holds() -> None:
    prices = frame("2024-01-01", A=[10, 11, 12], B=[20, 20, 22], X=[1, 2, 3])
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan(initial=1000.0))
    # 500 / 10 = 50 A, 500 / 20 = 25 B; then 50*11 + 25*20 = 1050, 50*12 + 25*22 = 1150
    np.testing.assert_allclose(r.nav, [1000, 1050, 1150])
    np.testing.assert_allclose(r.shares.iloc[-1], [50, 25])
    assert list(r.shares.columns) == ["A", "B"]  # X is ignored
    np.testing.assert_allclose(r.unit_value, [1.0, 1.05, 1.15])
    assert r.twr == pytest.approx(0.15)
    assert len(r.trades) == 2
    assert r.flows.to_dict("list") == {
        "date": [pd.Timestamp("2024-01-01")],
        "kind": ["deposit"],
        "amount": [1000.0],
    }
    assert r.deposited == 1000.0
    assert r.final_value == pytest.approx(1150.0)


def test_calendar_trades_back_to_target_on_first_day_of_month() -> None:
    # Tue 30 Jan, Wed 31 Jan, Thu 1 Feb, Fri 2 Feb.
    prices = frame("2024-01-30", A=[10, 12, 12, 15], B=[10, 10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(start=dt.date(2024, 1, 30), initial=1000.0, rebalance="monthly"),
    )
    # 50 A + 50 B. On 1 Feb NAV = 600 + 500 = 1100 -> 550 each: A 45.8333, B 55.
    np.testing.assert_allclose(r.shares.loc["2024-02-01"], [550 / 12, 55])
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    assert list(feb["symbol"]) == ["A", "B"]  # the sell first
    np.testing.assert_allclose(feb["value"], [-50, 50])
    np.testing.assert_allclose(r.nav.iloc[-1], 550 / 12 * 15 + 550)


def test_threshold_waits_for_the_band() -> None:
    prices = frame("2024-01-01", A=[10, 12, 13], B=[10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(initial=1000.0, rebalance={"policy": "threshold", "band": 0.05}),
    )
    # Day 1: A is 600 / 1100 = 0.545, drift 0.045 <= 0.05: no trade.
    # Day 2: A is 650 / 1150 = 0.565, drift 0.065: back to 575 each.
    assert (r.trades["date"] == "2024-01-02").sum() == 0
    np.testing.assert_allclose(r.weights.iloc[-1], [0.5, 0.5])
    np.testing.assert_allclose(r.shares.iloc[-1], [575 / 13, 57.5])


def test_threshold_measures_drift_after_the_deposit() -> None:
    # A rises 15 %: A 575 / 1075 = 0.535 is inside the band; the 1 Feb deposit of
    # 1000 at targets makes it (575 + 500) / 2075 = 0.518: still no rebalance.
    prices = frame("2024-01-31", A=[10, 11.5, 11.5], B=[10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1000.0,
            deposits=Flow(amount=1000.0),
            rebalance={"policy": "threshold", "band": 0.03},
        ),
    )
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    np.testing.assert_allclose(feb["value"], [500, 500])  # at targets, no sale


def test_deposits_policy_fills_the_most_underweight_first() -> None:
    prices = frame("2024-01-31", A=[10, 12, 12], B=[10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1000.0,
            deposits=Flow(amount=200.0),
            rebalance="deposits",
        ),
    )
    # 1 Feb: A 600, B 500, +200: level x with 0.5 x - 500 + max(0, 0.5 x - 600) =
    # 200 -> x = 1300: B gets 150, A 50; nothing is sold.
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    assert (feb["qty"] > 0).all()
    assert feb.set_index("symbol")["value"].to_dict() == pytest.approx(
        {"A": 50, "B": 150}
    )
    # A deposit of 100 would all go to B (x = 1200 puts A exactly on target).
    r2 = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1000.0,
            deposits=Flow(amount=100.0),
            rebalance="deposits",
        ),
    )
    feb2 = r2.trades[r2.trades["date"] == "2024-02-01"]
    assert list(feb2["symbol"]) == ["B"]
    np.testing.assert_allclose(feb2["value"], [100])


def test_deposits_policy_withdrawal_sells_the_most_overweight_first() -> None:
    prices = frame("2024-01-31", A=[10, 12, 12], B=[10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1000.0,
            withdrawals=Flow(amount=150.0),
            rebalance="deposits",
        ),
    )
    # 1 Feb: A 600, B 500; raise 150: A down to 0.5 x, then both: 600 - 0.5x
    # + max(0, 500 - 0.5 x) = 150 -> x = 950: A sells 125, B sells 25.
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    assert feb.set_index("symbol")["value"].to_dict() == pytest.approx(
        {"A": -125, "B": -25}
    )
    assert r.withdrawn == pytest.approx(150.0)


# ------------------------------------------------------------------ fees


def test_fees_come_out_of_the_pie_solving_v_prime() -> None:
    prices = frame("2024-01-01", A=[10, 10], B=[20, 20])
    fees = Fees(commission_pct=1.0, commission_fixed=1.0, min_order=0.0)
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan(initial=1000.0, fees=fees))
    # V' + 0.01 V' + 2 * 1 = 1000 -> V' = 998 / 1.01; each slice gets V' / 2.
    v_prime = 998 / 1.01
    np.testing.assert_allclose(r.trades["value"], [v_prime / 2] * 2)
    np.testing.assert_allclose(r.trades["fee"], [0.01 * v_prime / 2 + 1] * 2)
    assert r.fees == pytest.approx(1000 - v_prime)
    assert r.fees == pytest.approx(r.trades["fee"].sum())
    assert r.cash.iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert r.nav.iloc[0] == pytest.approx(v_prime)


def test_threshold_fires_on_a_quiet_day_just_past_the_band() -> None:
    # No money moves after day 0, so days 1-3 are valued as a quiet run.
    prices = frame("2024-01-01", A=[10, 12.2, 12.5, 12.5], B=[10, 10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(initial=1000.0, rebalance={"policy": "threshold", "band": 0.05}),
    )
    # 50 A + 50 B. Day 1: A is 610 / 1110 = 0.5495, drift 0.0495: no trade.
    # Day 2: A is 625 / 1125 = 0.5556, drift 0.0556 (only 0.0056 past the
    # band): back to 562.5 each, 45 A and 56.25 B.
    assert list(r.trades["date"].unique()) == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-01-03"),
    ]
    np.testing.assert_allclose(r.shares.loc["2024-01-02"], [50, 50])
    np.testing.assert_allclose(r.shares.iloc[-1], [45, 56.25])


def test_half_spread_is_paid_on_the_first_buy() -> None:
    prices = frame("2024-01-01", A=[10, 10], B=[20, 20])
    fees = Fees(spread_bps=50.0, min_order=0.0)
    r = simulate(prices, {"A": 0.5, "B": 0.5}, plan(initial=1000.0, fees=fees))
    # 50 bps = 0.005 of each trade: V' + 0.005 V' = 1000 -> V' = 1000 / 1.005.
    v_prime = 1000 / 1.005
    assert r.nav.iloc[0] == pytest.approx(v_prime, rel=1e-12)
    assert r.fees == pytest.approx(1000 - v_prime, rel=1e-9)
    np.testing.assert_allclose(r.shares.iloc[0], [v_prime / 2 / 10, v_prime / 2 / 20])


def test_a_withdrawal_under_deposits_sells_the_overweight_slice_net_of_fees() -> None:
    prices = frame("2024-01-31", A=[10, 12, 12], B=[10, 10, 10])
    fees = Fees(commission_pct=1.0, commission_fixed=1.0, min_order=0.0)
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1010.0,
            withdrawals=Flow(amount=50.0, every="month", day=1),
            rebalance="deposits",
            fees=fees,
        ),
    )
    # Day 0: 1.01 V' + 2 = 1010 -> V' = 1008 / 1.01, half in each slice.
    half = 1008 / 1.01 / 2
    # 1 Feb: A = 1.2 half is the overweight one; only A is sold, and the sale s
    # nets the 50 after its fees: 0.99 s - 1 = 50 -> s = 51 / 0.99.
    sale = 51 / 0.99
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    assert list(feb["symbol"]) == ["A"]
    np.testing.assert_allclose(feb["value"], [-sale], rtol=1e-9)
    np.testing.assert_allclose(feb["fee"], [0.01 * sale + 1], rtol=1e-9)
    assert r.withdrawn == pytest.approx(50.0, rel=1e-12)
    assert r.nav.loc["2024-02-01"] == pytest.approx(1.2 * half - sale + half, rel=1e-9)


def test_rebalance_fee_solve_on_a_two_sided_trade() -> None:
    prices = frame("2024-01-31", A=[10, 12], B=[10, 10])
    fees = Fees(commission_pct=1.0, min_order=0.0)
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1010.0,
            rebalance="monthly",
            fees=fees,
        ),
    )
    # Day 0: V' = 1010 / 1.01 = 1000 -> 500 each. 1 Feb: A 600, B 500, V = 1100.
    # Sell 600 - V'/2, buy V'/2 - 500: fees 0.01 * 100 = 1 -> V' = 1099.
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    np.testing.assert_allclose(feb["value"], [-50.5, 49.5])
    np.testing.assert_allclose(feb["fee"], [0.505, 0.495])
    np.testing.assert_allclose(r.weights.iloc[-1], [0.5, 0.5])
    assert r.nav.iloc[-1] == pytest.approx(1099.0)


def test_fx_fee_only_on_foreign_slices() -> None:
    prices = frame("2024-01-01", A=[10, 10], B=[20, 20])
    fees = Fees(fx_pct=1.0, min_order=0.0)
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(initial=1000.0, fees=fees),
        fx_mask={"B": True},
    )
    # 0.5 V' + 0.5 V' * 1.01 = 1000 -> V' = 1000 / 1.005.
    v_prime = 1000 / 1.005
    np.testing.assert_allclose(r.trades["fee"], [0.0, 0.005 * v_prime])


def test_min_order_skips_and_the_cash_waits() -> None:
    prices = frame("2024-01-01", A=[10, 10, 10], B=[10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.995, "B": 0.005},
        plan(initial=100.0, fees=Fees(min_order=1.0)),
    )
    # B's order is 0.5 < 1: skipped and reported; its 0.5 stays as cash.
    assert list(r.trades["symbol"]) == ["A"]
    np.testing.assert_allclose(r.trades["value"], [99.5])
    assert r.skipped.to_dict("list") == {
        "date": [pd.Timestamp("2024-01-01")],
        "symbol": ["B"],
        "value": [pytest.approx(0.5)],
        "reason": ["min_order"],
    }
    np.testing.assert_allclose(r.cash, [0.5, 0.5, 0.5])
    np.testing.assert_allclose(r.nav, [100, 100, 100])


# ------------------------------------------------------------------ cash


def test_cash_dividends_are_credited_and_invested_with_the_next_deposit() -> None:
    prices = frame("2024-01-30", A=[10, 10, 10, 10])
    divs = pd.DataFrame({"A": [0.5]}, index=[pd.Timestamp("2024-01-31")])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2024, 1, 30),
            initial=1000.0,
            deposits=Flow(amount=100.0),
            dividends="cash",
        ),
        dividends=divs,
    )
    # 100 shares x 0.5 = 50 on 31 Jan, waiting as cash; invested on 1 Feb with the
    # deposit: 150 more -> 115 shares.
    np.testing.assert_allclose(r.cash, [0, 50, 0, 0], atol=1e-12)
    assert r.dividends == pytest.approx(50.0)
    kinds = r.flows.set_index("kind")["amount"]
    assert kinds["dividend"] == pytest.approx(50.0)
    np.testing.assert_allclose(r.shares["A"].iloc[-1], 115)
    # Dividends are a return, not a flow: the unit value rises 5 %.
    np.testing.assert_allclose(r.unit_value.iloc[-1], 1.05)


def test_dividends_with_reinvest_plan_are_refused() -> None:
    prices = frame("2024-01-01", A=[10, 10])
    divs = pd.DataFrame({"A": [0.5]}, index=prices.index[1:])
    with pytest.raises(PlanError, match="reinvest"):
        simulate(prices, {"A": 1.0}, plan(initial=1.0), dividends=divs)


def test_interest_compounds_over_the_weekend() -> None:
    # Fri 5 Jan, Mon 8 Jan. min_order above the order keeps all 1000 in cash.
    prices = frame("2024-01-05", A=[10, 10])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2024, 1, 5),
            initial=1000.0,
            cash_interest=0.05,
            fees=Fees(min_order=5000.0),
        ),
    )
    expected = 1000 * 1.05 ** (3 / 365)
    assert r.nav.iloc[-1] == pytest.approx(expected, rel=1e-12)
    assert r.interest == pytest.approx(expected - 1000, rel=1e-9)
    assert r.flows["kind"].tolist() == ["deposit", "interest"]


def test_dated_cash_rate_overrides_the_plan() -> None:
    prices = frame("2024-01-05", A=[10, 10, 10])
    rate = pd.Series([0.10], index=[pd.Timestamp("2024-01-09")])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2024, 1, 5),
            initial=1000.0,
            cash_interest=0.05,
            fees=Fees(min_order=5000.0),
        ),
        cash_rate=rate,
    )
    expected = 1000 * 1.05 ** (3 / 365) * 1.10 ** (1 / 365)
    assert r.nav.iloc[-1] == pytest.approx(expected, rel=1e-12)


def test_withdrawals_run_out_and_nav_stays_at_zero() -> None:
    prices = frame("2024-01-29", A=[10.0] * 30)
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2024, 1, 29),
            initial=1000.0,
            withdrawals=Flow(amount=600.0),
        ),
    )
    # 1 Feb: sell 60 shares for 600 -> 400 left. 1 Mar: 600 asked, 400 paid.
    assert r.ran_out == pd.Timestamp("2024-03-01")
    w = r.flows[r.flows["kind"] == "withdrawal"]
    np.testing.assert_allclose(w["amount"], [-600, -400])
    assert r.withdrawn == pytest.approx(1000.0)
    assert r.nav.loc["2024-03-01":].eq(0.0).all()
    assert (r.nav >= 0).all() and (r.cash >= 0).all()
    assert r.shares["A"].iloc[-1] == 0.0
    # The unit value does not move: no market move, flows are not returns.
    np.testing.assert_allclose(r.unit_value, 1.0)


def test_withdrawal_uses_idle_cash_first_then_sells_pro_rata() -> None:
    prices = frame("2024-01-31", A=[10, 12], B=[10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31), initial=1000.0, withdrawals=Flow(amount=110.0)
        ),
    )
    # 1 Feb: A 600, B 500; 110 = 10 % of 1100 from each slice: 60 and 50.
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    np.testing.assert_allclose(feb["value"], [-60, -50])
    np.testing.assert_allclose(r.unit_value.iloc[-1], 1.1)


# ------------------------------------------------------------------ listing, gaps


def test_late_listing_redistributes_until_it_trades() -> None:
    nan = np.nan
    prices = frame(
        "2024-01-01", A=[10, 10, 10, 10], B=[10, 10, 10, 10], C=[nan, nan, 10, 10]
    )
    weights = {"A": 0.25, "B": 0.25, "C": 0.5}
    r = simulate(
        prices,
        weights,
        plan(
            initial=1000.0,
            late_listing="redistribute",
            rebalance={"policy": "threshold", "band": 0.05},
        ),
    )
    # Days 0-1: C's half goes pro rata to A and B: 500 each. Day 2: C lists, its
    # weight 0 is 0.5 off target: the threshold trades everything back.
    np.testing.assert_allclose(r.weights.iloc[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(r.weights.iloc[2], [0.25, 0.25, 0.5])
    with pytest.raises(PlanError, match=r"C has no price on the first day.*2024-01-03"):
        simulate(prices, weights, plan(initial=1000.0))


def test_gap_values_at_last_price_and_does_not_trade() -> None:
    nan = np.nan
    prices = frame("2024-01-30", A=[10, 12, 12, 12], B=[10, nan, nan, 10])
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(start=dt.date(2024, 1, 30), initial=1000.0, rebalance="monthly"),
    )
    # 1 Feb: B has no price: held at 10 (500). A trades to half of V = 1100,
    # 550; the 50 that B would have bought waits as cash.
    assert r.nav.loc["2024-02-01"] == pytest.approx(1100.0)
    feb = r.trades[r.trades["date"] == "2024-02-01"]
    assert list(feb["symbol"]) == ["A"]
    np.testing.assert_allclose(r.shares.loc["2024-02-01"], [550 / 12, 50])
    assert r.cash.loc["2024-02-01"] == pytest.approx(50.0)


# ------------------------------------------------------------------ units, xirr


def test_deposits_buy_units_at_the_unit_value() -> None:
    prices = frame("2024-01-31", A=[10, 12, 12])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(start=dt.date(2024, 1, 31), initial=1000.0, deposits=Flow(amount=600.0)),
    )
    # 1 Feb: unit value 1.2 before the deposit; 600 buys 500 units.
    np.testing.assert_allclose(r.unit_value, [1.0, 1.2, 1.2])
    np.testing.assert_allclose(r.units, [1000, 1500, 1500])
    np.testing.assert_allclose(r.nav, r.units * r.unit_value)


def test_xirr_of_a_single_deposit_is_the_annual_growth() -> None:
    dates = pd.DatetimeIndex(["2023-01-02", "2024-01-02"])
    prices = pd.DataFrame({"A": [10.0, 11.0]}, index=dates)
    r = simulate(prices, {"A": 1.0}, plan(start=dt.date(2023, 1, 2), initial=100.0))
    assert r.xirr == pytest.approx(0.10, rel=1e-6)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("weights", "kw", "match"),
    [
        ({"A": 0.5, "B": 0.4}, {}, "sum to 0.9"),
        ({"A": 0.5, "Z": 0.5}, {}, "no prices for Z"),
        ({"A": 1.5, "B": -0.5}, {}, "negative"),
        ({"A": 1.0}, {"start": dt.date(2030, 1, 1)}, "no trading day"),
        (
            {"A": 1.0},
            {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 6, 1)},
            "no trading day",
        ),
    ],
)
def test_plans_the_data_cannot_run(
    weights: dict[str, float], kw: dict[str, object], match: str
) -> None:
    prices = frame("2024-01-01", A=[10, 11], B=[5, 5])
    with pytest.raises(PlanError, match=match):
        simulate(prices, weights, plan(initial=100.0, **kw))


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_a_price_that_is_not_positive_is_refused(bad: float) -> None:
    prices = frame("2024-01-01", A=[10, 11, 12], B=[5, bad, 5])
    with pytest.raises(
        PlanError, match=r"^B has a price <= 0; prices must be positive$"
    ):
        simulate(prices, {"A": 0.5, "B": 0.5}, plan(initial=100.0))


def test_weights_that_are_nan_twice_or_none_are_refused() -> None:
    prices = frame("2024-01-01", A=[10, 11], B=[5, 5])
    with pytest.raises(PlanError, match="finite numbers; found NaN or infinity"):
        simulate(prices, {"A": np.nan, "B": 1.0}, plan(initial=100.0))
    twice = pd.Series([0.5, 0.5], index=["A", "A"])
    with pytest.raises(PlanError, match=r"^A appears twice in the weights$"):
        simulate(prices, twice, plan(initial=100.0))
    with pytest.raises(PlanError, match=r"^the pie has no weights$"):
        simulate(prices, {}, plan(initial=100.0))


@pytest.mark.parametrize(
    ("fees", "under", "foreign"),
    [
        # 50 % commission + 5,000 bps (50 %) of spread: exactly 100 % of a trade.
        (
            {"commission_pct": 50.0, "spread_bps": 5000.0},
            {"commission_pct": 50.0, "spread_bps": 4999.0},
            False,
        ),
        # 60 % commission is fine at home; with 50 % FX on a foreign slice, 110 %.
        (
            {"commission_pct": 60.0, "fx_pct": 50.0},
            {"commission_pct": 60.0, "fx_pct": 39.99},
            True,
        ),
    ],
)
def test_fees_of_a_whole_trade_or_more_are_refused(
    fees: dict[str, float], under: dict[str, float], foreign: bool
) -> None:
    prices = frame("2024-01-01", A=[10, 11])
    with pytest.raises(PlanError, match="fees of 100 % or more of each trade"):
        simulate(
            prices, {"A": 1.0}, plan(initial=100.0, fees=Fees(**fees)),
            fx_mask={"A": foreign},
        )  # fmt: skip
    # Just under, 99.99 % of each trade: V' + 0.9999 V' = 100.
    r = simulate(
        prices, {"A": 1.0}, plan(initial=100.0, fees=Fees(min_order=0.0, **under)),
        fx_mask={"A": foreign},
    )  # fmt: skip
    assert r.nav.iloc[0] == pytest.approx(100 / 1.9999, rel=1e-9)


def test_window_runs_from_first_trading_day_to_end_inclusive() -> None:
    prices = frame("2024-01-01", A=[10, 11, 12, 13, 14])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(start=dt.date(2023, 12, 30), end=dt.date(2024, 1, 4), initial=100.0),
    )
    assert r.dates[0] == pd.Timestamp("2024-01-01")
    assert r.dates[-1] == pd.Timestamp("2024-01-04")


def test_rebalance_with_fixed_fees_skips_orders_already_on_target() -> None:
    prices = frame("2024-01-31", A=[10, 10], B=[10, 10])
    fees = Fees(commission_fixed=1.0, min_order=0.0)
    r = simulate(
        prices,
        {"A": 0.5, "B": 0.5},
        plan(
            start=dt.date(2024, 1, 31),
            initial=1002.0,
            rebalance=Rebalance.model_validate("monthly"),
            fees=fees,
        ),
    )
    # Nothing moved: the 1 Feb rebalance places no order and pays no fee.
    assert r.fees == pytest.approx(2.0)
    assert len(r.trades) == 2


def test_columns_outside_the_pie_may_be_anything() -> None:
    prices = frame("2024-01-01", A=[10, 20]).assign(note=["x", "y"])
    r = simulate(prices, {"A": 1.0}, plan(initial=10.0))
    assert r.final_value == 20.0
    assert "_nav" not in repr(r)  # arrays stay out of the repr


def test_late_listing_is_bought_with_the_next_deposit_under_none() -> None:
    nan = np.nan
    prices = frame("2024-01-30", A=[10, 10, 10, 10], C=[nan, 10, 10, 10])
    r = simulate(
        prices,
        {"A": 0.5, "C": 0.5},
        plan(
            start=dt.date(2024, 1, 30),
            initial=1000.0,
            deposits=Flow(amount=200.0),
            late_listing="redistribute",
        ),
    )
    # 30 Jan: all 1000 in A. 31 Jan: C lists; nothing sold. 1 Feb: the deposit
    # goes at the full targets: 100 each.
    np.testing.assert_allclose(r.shares.loc["2024-01-31"], [100, 0])
    np.testing.assert_allclose(r.shares.loc["2024-02-01"], [110, 10])
    assert (r.trades["qty"] > 0).all()


# ------------------------------------------- mutation: simulate.py's checks
# Each refusal is checked as the whole line the user reads (anchored), and each
# input is one where the right check and a near miss give different answers.

_AB = {"A": [10.0, 11.0], "B": [5.0, 5.0]}  # Mon 1 and Tue 2 Jan 2024


@pytest.mark.parametrize(
    ("weights", "kw", "message"),
    [
        # 0.5 + 0.4 = 0.9, printed with 12 significant digits; 1e-9 with :g.
        ({"A": 0.5, "B": 0.4}, {},
         r"^the pie: weights sum to 0\.9; expected 1 \(within 1e-09\)$"),
        # 2e-9 over: past the 1e-9 tolerance (0.5e-9 over passes, below).
        ({"A": 0.5, "B": 0.5 + 2e-9}, {},
         r"^the pie: weights sum to 1\.000000002; expected 1 \(within 1e-09\)$"),
        ({"A": 1.5, "B": -0.5}, {}, r"^the pie: weight -0\.5 is negative$"),
        ({"A": np.inf, "B": 0.0}, {},
         r"^weights must be finite numbers; found NaN or infinity$"),
        ({"A": 0.5, "Y": 0.25, "Z": 0.25}, {},
         r"^no prices for Y, Z; the price frame has A, B$"),
        ({"A": 1.0}, {"start": dt.date(2030, 1, 1)},
         r"^no trading day between 2030-01-01 and the end of the data; the "
         r"prices cover 2024-01-01 to 2024-01-02$"),
        ({"A": 1.0}, {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 6, 1)},
         r"^no trading day between 2023-01-01 and 2023-06-01; the prices cover "
         r"2024-01-01 to 2024-01-02$"),
    ],
)  # fmt: skip
def test_each_refusal_is_one_whole_line(
    weights: dict[str, float], kw: dict[str, object], message: str
) -> None:
    with pytest.raises(PlanError, match=message):
        simulate(frame("2024-01-01", **_AB), weights, plan(initial=100.0, **kw))


def test_weights_within_the_tolerance_run() -> None:
    # 0.5e-9 over 1 is inside the 1e-9 tolerance: it runs, and with no fees
    # 100 buys 5 of A at 10 and 10.0000000001 of B at 5; day 2: 55 + 50.
    r = simulate(
        frame("2024-01-01", **_AB), {"A": 0.5, "B": 0.5 + 0.5e-9}, plan(initial=100.0)
    )
    assert r.final_value == pytest.approx(105.0, rel=1e-9)


def test_an_empty_price_frame_has_no_trading_day() -> None:
    empty = pd.DataFrame({"A": []}, index=pd.DatetimeIndex([]), dtype=float)
    with pytest.raises(
        PlanError,
        match=r"^no trading day between 2024-01-01 and the end of the data; the "
        r"prices cover no dates$",
    ):
        simulate(empty, {"A": 1.0}, plan(initial=100.0))


def test_the_window_starts_and_ends_on_the_trading_days_named() -> None:
    # Tue 2 to Wed 3 Jan, both trading days: both included, Mon and Thu not.
    prices = frame("2024-01-01", A=[10.0, 20.0, 40.0, 80.0])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(start=dt.date(2024, 1, 2), end=dt.date(2024, 1, 3), initial=100.0),
    )
    assert r.dates.tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert r.final_value == 200.0  # 5 bought at 20, valued at 40


def test_weights_of_the_wrong_shape_are_refused() -> None:
    prices = frame("2024-01-01", **_AB)
    with pytest.raises(
        PlanError, match=r"^weights must have shape \(pies, 2\); got \(2,\)$"
    ):
        prepare_inputs(prices, ["A", "B"], np.array([0.5, 0.5]), plan(initial=1.0))
    with pytest.raises(
        PlanError, match=r"^weights must have shape \(pies, 2\); got \(1, 3\)$"
    ):
        prepare_inputs(prices, ["A", "B"], np.full((1, 3), 1 / 3), plan(initial=1.0))
    # No slice at all: the row sums to 0, and the pie is named by its row.
    with pytest.raises(
        PlanError, match=r"^pie 0: weights sum to 0; expected 1 \(within 1e-09\)$"
    ):
        prepare_inputs(prices, [], np.zeros((1, 0)), plan(initial=1.0))


def test_a_price_not_positive_is_named_by_its_column() -> None:
    # C (column 2) is 0 on day 1 (row 1): the column, not the row, names it.
    # B's NaN on day 0 is skipped by the check (an unpriced day, not <= 0).
    prices = frame(
        "2024-01-01", A=[10.0, 11.0, 12.0], B=[np.nan, 5.0, 5.0], C=[5.0, 0.0, 5.0]
    )
    with pytest.raises(
        PlanError, match=r"^C has a price <= 0; prices must be positive$"
    ):
        simulate(
            prices,
            {"A": 0.5, "B": 0.25, "C": 0.25},
            plan(initial=100.0, late_listing="redistribute"),
        )


def test_prices_under_one_are_positive() -> None:
    # 100 buys 200 of A at 0.5, worth 50 at 0.25.
    r = simulate(frame("2024-01-01", A=[0.5, 0.25]), {"A": 1.0}, plan(initial=100.0))
    assert r.final_value == pytest.approx(50.0, rel=1e-12)


def test_a_late_listing_is_refused_naming_its_first_price_and_the_first_day() -> None:
    nan = np.nan
    prices = frame(
        "2024-01-01",
        A=[10.0, 10.0, 10.0, 10.0],
        B=[nan, nan, nan, nan],
        C=[nan, nan, 10.0, 10.0],
    )
    # The window starts on Tue 2 Jan (row 1): C's first price is Wed 3 Jan.
    with pytest.raises(
        PlanError,
        match=r"^C has no price on the first day 2024-01-02 \(its first price is on "
        r'2024-01-03\); start later or set late_listing = "redistribute"$',
    ):
        simulate(
            prices, {"A": 0.5, "C": 0.5}, plan(start=dt.date(2024, 1, 2), initial=1.0)
        )
    # Two missing: the first in the frame's column order is named, B, which
    # never has a price.
    with pytest.raises(
        PlanError,
        match=r"^B has no price on the first day 2024-01-01 \(it has no price at "
        r"all\); start later",
    ):
        simulate(prices, {"C": 0.25, "A": 0.5, "B": 0.25}, plan(initial=1.0))
    # A slice the pie does not hold (weight 0) may be unpriced: all 100 in A.
    r = simulate(prices, {"A": 1.0, "C": 0.0}, plan(initial=100.0))
    assert r.final_value == 100.0


def test_cash_dividends_with_a_reinvest_plan_are_refused_in_one_line() -> None:
    prices = frame("2024-01-01", A=[10.0, 10.0])
    divs = pd.DataFrame({"A": [0.5]}, index=prices.index[1:])
    with pytest.raises(
        PlanError,
        match=r'^dividends were given but plan\.dividends is "reinvest": the prices '
        r"already hold them \(total return\); pass dividends=None or set "
        r'dividends = "cash"$',
    ):
        simulate(prices, {"A": 1.0}, plan(initial=1.0), dividends=divs)


def test_fees_of_a_whole_trade_are_refused_in_one_line() -> None:
    with pytest.raises(
        PlanError,
        match=r"^fees of 100 % or more of each trade leave nothing to invest; check "
        r"commission_pct, spread_bps and fx_pct$",
    ):
        simulate(
            frame("2024-01-01", A=[10.0, 11.0]),
            {"A": 1.0},
            plan(initial=100.0, fees=Fees(commission_pct=50.0, spread_bps=5000.0)),
        )


def test_results_keep_the_callers_order_over_any_columns() -> None:
    prices = frame(
        "2024-01-01", A=[10.0, 20.0], B=[1.0, 1.0], C=[10.0, 10.0], D=[1.0, 3.0]
    )
    # C and A: columns 2 and 0 of the frame (gathered, not one slice). 1000
    # buys 50 of each; day 2: C 500, A 1000, so 1500 with weights 1/3, 2/3.
    r = simulate(prices, {"C": 0.5, "A": 0.5}, plan(initial=1000.0))
    assert r.symbols == ("C", "A")
    assert r.shares.columns.tolist() == ["C", "A"]
    np.testing.assert_allclose(r.shares.iloc[-1], [50.0, 50.0])
    np.testing.assert_allclose(r.weights.iloc[-1], [1 / 3, 2 / 3])
    assert r.final_value == pytest.approx(1500.0, rel=1e-12)
    # B and C: columns 1 and 2, one slice that starts past column 0. 500 buys
    # 500 of B at 1 and 50 of C at 10: still 1000 (A's and D's moves unseen).
    r = simulate(prices, {"B": 0.5, "C": 0.5}, plan(initial=1000.0))
    assert r.final_value == pytest.approx(1000.0, rel=1e-12)
    # C and D: columns 2 and 3, the last two. D triples: 500 + 1500.
    r = simulate(prices, {"C": 0.5, "D": 0.5}, plan(initial=1000.0))
    assert r.final_value == pytest.approx(2000.0, rel=1e-12)


def test_day_zero_earns_no_interest_for_the_weekend_before_it() -> None:
    # Fri 5, Mon 8, Tue 9 Jan; the run starts Monday: the weekend lies before
    # the run, so only Mon -> Tue (1 day) earns interest. min_order keeps all
    # 1000 in cash.
    prices = frame("2024-01-05", A=[10.0, 10.0, 10.0])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2024, 1, 8),
            initial=1000.0,
            cash_interest=0.05,
            fees=Fees(min_order=5000.0),
        ),
    )
    assert r.nav.iloc[0] == 1000.0
    assert r.nav.iloc[-1] == pytest.approx(1000 * 1.05 ** (1 / 365), rel=1e-12)


def test_ran_out_is_dated_within_a_window_that_starts_late() -> None:
    # As test_withdrawals_run_out_and_nav_stays_at_zero, one trading day later
    # in the frame: the run starts on its second row (Mon 29 Jan).
    prices = frame("2024-01-26", A=[10.0] * 31)
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2024, 1, 29), initial=1000.0, withdrawals=Flow(amount=600.0)
        ),
    )
    # 1 Feb: 600 out, 400 left; 1 Mar: 600 asked, 400 paid: out on 1 Mar.
    assert r.ran_out == pd.Timestamp("2024-03-01")
    assert (r.deposited, r.withdrawn) == (1000.0, 1000.0)
    assert r.twr == 0.0  # a flat price: flows are not returns


def test_totals_each_come_from_their_own_sum() -> None:
    # Fri 29 Dec 2023 .. Wed 3 Jan 2024 (4 trading days). 1000 buys 100 shares
    # at 10; the 1 Jan deposit of 300 (Mon 1 Jan is a trading day here,
    # bdate_range) buys 30 more: 1300 deposited. A 0.5 dividend a share on
    # Tue 2 Jan, paid as cash on 130 shares: 65. min_order 100 keeps the 65 in
    # cash; it earns 10 % for 1 day (Tue -> Wed): 65 * (1.1 ** (1/365) - 1).
    prices = frame("2023-12-29", A=[10.0, 10.0, 10.0, 20.0])
    divs = pd.DataFrame({"A": [0.5]}, index=[pd.Timestamp("2024-01-02")])
    r = simulate(
        prices,
        {"A": 1.0},
        plan(
            start=dt.date(2023, 12, 29),
            initial=1000.0,
            deposits=Flow(amount=300.0),
            dividends="cash",
            cash_interest=0.10,
            fees=Fees(min_order=100.0),
        ),
        dividends=divs,
    )
    interest = 65 * (1.1 ** (1 / 365) - 1)
    assert r.deposited == 1300.0 and r.withdrawn == 0.0
    assert r.dividends == pytest.approx(65.0, rel=1e-12)
    assert r.interest == pytest.approx(interest, rel=1e-9)
    # 130 shares at 20, and the 65 and its interest in cash.
    assert r.final_value == pytest.approx(2600.0 + 65.0 + interest, rel=1e-12)


def test_batch_refusals_and_rows_in_any_column_order() -> None:
    prices = frame("2024-01-01", A=[10.0, 20.0], B=[10.0, 10.0])
    with pytest.raises(
        PlanError, match=r"^the batch has no pies \(an empty weights frame\)$"
    ):
        simulate_batch(prices, pd.DataFrame(columns=["A", "B"]), plan(initial=1.0))
    twice = pd.DataFrame([[1.0, 0.0], [0.5, 0.5]], index=["p", "p"], columns=["A", "B"])
    with pytest.raises(
        PlanError, match=r"^pie names \(the weights' index\) must be unique$"
    ):
        simulate_batch(prices, twice, plan(initial=1.0))
    # The pie at fault is named; the first of two (p2, not p3).
    bad = pd.DataFrame(
        [[0.5, 0.5], [0.5, 0.4], [0.5, 0.3]], index=["p1", "p2", "p3"],
        columns=["A", "B"],
    )  # fmt: skip
    with pytest.raises(PlanError, match=r"^p2: weights sum to 0\.9; expected 1"):
        simulate_batch(prices, bad, plan(initial=1.0))
    neg = pd.DataFrame(
        [[0.5, 0.5, 0.0], [0.75, 0.5, -0.25]], index=["p1", "p2"],
        columns=["A", "B", "C"],
    )  # fmt: skip
    with pytest.raises(PlanError, match=r"^p2: weight -0\.25 is negative$"):
        simulate_batch(prices.assign(C=[1.0, 1.0]), neg, plan(initial=1.0))
    # Columns B, A against the frame's A, B: p1 holds only A (doubles: 2000);
    # p2 holds 250 of B and 750 of A: 250 + 1500 = 1750.
    weights = pd.DataFrame(
        [[0.0, 1.0], [0.25, 0.75]], index=["p1", "p2"], columns=["B", "A"]
    )
    batch = simulate_batch(prices, weights, plan(initial=1000.0))
    np.testing.assert_allclose(batch.nav.iloc[-1], [2000.0, 1750.0], rtol=1e-12)
    one = batch.result("p2")
    assert one.symbols == ("B", "A") and one.final_value == pytest.approx(1750.0)
    # A zero weight is left out of the pie's own run.
    assert batch.result("p1").symbols == ("A",)
