"""simulate.py: known answers worked by hand for lines the older tests leave free.

Found by mutation testing (mutation/README.md): the kernel arrays of a window
that starts late (dividends, deposits, dated cash rates), the numpy paths of a
pie of more than 64 slices, the batch's FX mask, dividends and cash rate, and
the exact words of several refusals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import prepare_inputs, simulate, simulate_batch
from piefolio.errors import PlanError
from piefolio.spec import Plan


def _plan(**extra: object) -> Plan:
    base: dict[str, object] = {
        "start": "2024-01-01",
        "initial": 1000,
        "rebalance": "none",
        "fees": {"min_order": 0},
    }
    base.update(extra)
    return Plan.model_validate(base)


def _flat(end: str = "2024-04-30") -> pd.DataFrame:
    """A at 10 and B at 20 every business day from 2024-01-01."""
    days = pd.bdate_range("2024-01-01", end)
    return pd.DataFrame({"A": 10.0, "B": 20.0}, index=days)


def test_the_arrays_of_a_window_that_starts_late() -> None:
    # Business days: Jan 23, Feb 21, Mar 1..14 ten, so 2024-03-15 is row 54 of
    # the frame and row 0 of the run; Mar 18..29 are rows 1..10, Apr 1 row 11,
    # Apr 10 row 18, and the end 2024-04-26 row 30 (31 rows).
    prices = _flat()
    dividends = pd.DataFrame({"B": [0.5]}, index=[pd.Timestamp("2024-04-10")])
    rates = pd.Series([0.03, 0.05], index=pd.to_datetime(["2024-01-01", "2024-04-01"]))
    plan = _plan(
        start="2024-03-15", end="2024-04-26", deposits={"amount": 100},
        dividends="cash",
    )  # fmt: skip
    inputs = prepare_inputs(
        prices, ["A", "B"], np.array([[0.5, 0.5]]), plan,
        dividends=dividends, cash_rate=rates,
    )  # fmt: skip
    assert inputs.rows == slice(54, 85)
    # The initial 1000 on row 0, the April deposit (the month after the start's)
    # on Apr 1, row 11.
    expected = np.zeros(31)
    expected[0], expected[11] = 1000.0, 100.0
    assert inputs.deposit.tolist() == expected.tolist()
    # 3 % until Mar 29 (rows 0..10), 5 % from Apr 1.
    assert inputs.rate.tolist() == [0.03] * 11 + [0.05] * 20
    # B's dividend on its ex-date, row 18; nothing else.
    divs = np.zeros((31, 2))
    divs[18, 1] = 0.5
    assert inputs.divs.tolist() == divs.tolist()
    # Errors name the pie by the names given.
    with pytest.raises(
        PlanError, match=r"^mine: weights sum to 0\.9; expected 1 \(within 1e-09\)$"
    ):
        prepare_inputs(prices, ["A", "B"], np.array([[0.5, 0.4]]), plan, names=["mine"])


def _wide(n: int = 65) -> pd.DataFrame:
    """n symbols S0..S{n-1}, all at 10, January 2024."""
    days = pd.bdate_range("2024-01-01", "2024-01-31")
    return pd.DataFrame({f"S{j}": 10.0 for j in range(n)}, index=days)


def test_a_pie_of_65_slices_pays_its_fx_fee_where_foreign() -> None:
    # More than 64 slices: the numpy path of the fee rates. Commission 0.1 %
    # everywhere, FX 1 % on S3 only: 0.001 each, 0.011 for S3.
    prices = _wide()
    symbols = list(prices.columns)
    mask = {s: s == "S3" for s in symbols}
    plan = _plan(fees={"min_order": 0, "commission_pct": 0.1, "fx_pct": 1.0})
    weights = np.full((1, 65), 1 / 65)
    inputs = prepare_inputs(prices, symbols, weights, plan, fx_mask=mask)
    expected = [0.001] * 65
    expected[3] = 0.001 + 0.01
    assert inputs.prop.tolist() == pytest.approx(expected, rel=1e-15)
    # 60 % commission and 40 % FX is 100 % of a foreign trade: refused.
    with pytest.raises(PlanError, match=r"^fees of 100 % or more of each trade"):
        prepare_inputs(
            prices, symbols, weights,
            _plan(fees={"min_order": 0, "commission_pct": 60, "fx_pct": 40}),
            fx_mask=mask,
        )  # fmt: skip


def test_a_pie_of_65_slices_with_one_unpriced_on_day_0() -> None:
    # S64 lists on 2024-01-02: with late_listing "error" the run is refused.
    prices = _wide()
    prices.loc["2024-01-01", "S64"] = np.nan
    weights = {s: 1 / 65 for s in prices.columns}
    with pytest.raises(
        PlanError,
        match=r"^S64 has no price on the first day 2024-01-01 \(its first price is "
        r"on 2024-01-02\); start later",
    ):
        simulate(prices, weights, _plan())


def test_the_batch_takes_the_fx_mask_dividends_and_cash_rate() -> None:
    # January 2024, A at 10 (foreign), B at 20. FX 1 %: pie "a" buys A with
    # V' + 0.01 V' = 1000, V' = 1000 / 1.01, and pays 1000 - 1000 / 1.01.
    # Pie "b" holds 1000 / 20 = 50 shares of B, which pays 1 a share on
    # 2024-01-15: 50 of cash that waits (no deposit after) and earns 10 % a
    # year for the 16 calendar days to 01-31: 50 * 1.1 ** (16 / 365).
    prices = _flat("2024-01-31")
    dividends = pd.DataFrame({"B": [1.0]}, index=[pd.Timestamp("2024-01-15")])
    rate = pd.Series([0.10], index=[pd.Timestamp("2024-01-01")])
    plan = _plan(fees={"min_order": 0, "fx_pct": 1.0}, dividends="cash")
    weights = pd.DataFrame({"A": [1.0, 0.0], "B": [0.0, 1.0]}, index=["a", "b"])
    batch = simulate_batch(
        prices, weights, plan, dividends=dividends, fx_mask={"A": True, "B": False},
        cash_rate=rate,
    )  # fmt: skip
    grown = 50 * 1.1 ** (16 / 365)
    assert batch.final_value.to_dict() == pytest.approx(
        {"a": 1000 / 1.01, "b": 1000 + grown}, rel=1e-12
    )
    assert batch.fees.to_dict() == pytest.approx({"a": 1000 - 1000 / 1.01, "b": 0.0})
    assert batch.deposited.to_dict() == pytest.approx({"a": 1000.0, "b": 1000.0})
    assert batch.ran_out.isna().all()
    # Cash: none for "a"; 50 for "b" on the ex-date, 50 * 1.1 ** (16 / 365) at the end.
    assert batch.cash["a"].abs().max() == pytest.approx(0.0, abs=1e-9)
    assert batch.cash.loc["2024-01-15", "b"] == pytest.approx(50.0, rel=1e-12)
    assert batch.cash["b"].iloc[-1] == pytest.approx(grown, rel=1e-12)
    # Unit values: "a" 1 every day (its 1000 / 1.01 after the fee buys as many
    # units at 1 on day 0, and A never moves); "b" ends at (1000 + grown) / 1000.
    assert batch.unit_value["a"].tolist() == pytest.approx([1.0] * 23, rel=1e-12)
    assert batch.twr["b"] == pytest.approx(grown / 1000, rel=1e-9)
    assert batch.max_drawdown["a"] == pytest.approx(0.0, abs=1e-12)
    # One pie's detail runs with the same cash rate: the same interest.
    detail = batch.result("b")
    assert detail.interest == pytest.approx(grown - 50, rel=1e-9)
    assert detail.ran_out is None


def test_batch_weights_refused_by_name() -> None:
    prices = _flat("2024-01-31")
    # One column, two pies: the second's weight sums to 0.5.
    one = pd.DataFrame({"A": [1.0, 0.5]}, index=["a", "b"])
    with pytest.raises(PlanError, match=r"^b: weights sum to 0\.5; expected 1"):
        simulate_batch(prices, one, _plan())
    # A zero weight is no negative one: "b" is refused for its sum.
    two = pd.DataFrame({"A": [1.0, 0.5], "B": [0.0, 0.4]}, index=["a", "b"])
    with pytest.raises(PlanError, match=r"^b: weights sum to 0\.9; expected 1"):
        simulate_batch(prices, two, _plan())


def test_single_pie_refusals_word_for_word() -> None:
    prices = _flat("2024-03-29")
    # Negative weights that still sum to 1.
    with pytest.raises(PlanError, match=r"^the pie: weight -0\.5 is negative$"):
        simulate(prices, {"A": 1.5, "B": -0.5}, _plan())
    # Sums to 1.5 though the last weight alone is 1.
    with pytest.raises(PlanError, match=r"^the pie: weights sum to 1\.5; expected 1"):
        simulate(prices, {"A": 0.5, "B": 1.0}, _plan())
    # Unknown symbols in the caller's order.
    with pytest.raises(
        PlanError, match=r"^no prices for ZZ, YY; the price frame has A, B$"
    ):
        simulate(prices, {"ZZ": 0.5, "YY": 0.5}, _plan())
    # A start after the data: the message gives the data's first and last day.
    with pytest.raises(
        PlanError,
        match=r"^no trading day between 2024-06-03 and the end of the data; the "
        r"prices cover 2024-01-01 to 2024-03-29$",
    ):
        simulate(prices, {"A": 1.0}, _plan(start="2024-06-03"))
    # A price of 0.5 is positive; B's 0 is the one named.
    low = prices.assign(A=0.5)
    low.loc["2024-02-01", "B"] = 0.0
    with pytest.raises(
        PlanError, match=r"^B has a price <= 0; prices must be positive$"
    ):
        simulate(low, {"A": 0.5, "B": 0.5}, _plan())
