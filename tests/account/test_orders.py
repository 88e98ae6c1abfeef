"""The next deposit's orders: worked examples for each mode, and invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from piefolio.account.orders import Holdings, Mode, next_orders
from piefolio.models import replace
from piefolio.spec import parse_pie

# A drifted four-slice pie; E is tiny so that its order falls under 1 EUR.
# B is foreign and pays Trading 212's 0.15 % FX fee.
SPEC = """
[pie]
name = "Drifted"
currency = "EUR"
slices = [
  { ticker = "A", weight = 0.5 },
  { ticker = "B", weight = 0.3 },
  { ticker = "C", weight = 0.195 },
  { ticker = "E", weight = 0.005 },
]

[plan]
start = 2024-01-02
initial = 1000
fees = { fx_pct = 0.15, min_order = 1 }
"""


def _held(values: dict[str, float], foreign: tuple[str, ...] = ("B",)) -> Holdings:
    return Holdings(
        values=values,
        foreign={t: t in foreign for t in values},
        source="history",
        as_of=dt.date(2024, 6, 28),
    )


def test_targets_mode_worked_example() -> None:
    out = next_orders(
        parse_pie(SPEC),
        _held({"A": 600, "B": 205, "C": 195, "E": 5}),
        100,
        mode="targets",
    )
    # 100 EUR at the targets: A 50, B 30, C 19.50, E 0.50. B pays 0.15 % FX out
    # of its 30: 30 / 1.0015 = 29.955 -> 29.96 buys shares, 0.04 is the fee.
    # E's 0.50 is under the 1 EUR minimum: it waits in cash.
    got = [(o.ticker, o.amount, o.fee, o.fx_fee) for o in out.orders]
    assert got == [
        ("A", 50.0, 0.0, 0.0),
        ("B", 29.96, 0.04, 0.04),
        ("C", 19.5, 0.0, 0.0),
    ]
    assert out.waiting == (("E", 0.5),)
    assert out.left_in_cash == 0.5
    assert sum(o.amount + o.fee for o in out.orders) + out.left_in_cash == (
        pytest.approx(100.0, abs=1e-9)
    )


def test_balance_mode_worked_example() -> None:
    out = next_orders(
        parse_pie(SPEC),
        _held({"A": 600, "B": 205, "C": 195, "E": 5}),
        100,
        mode=Mode.BALANCE,
    )
    # Value / target: A 1200, B 683.3, C 1000, E 1000. B is raised first: 95 EUR
    # take it to 1000 (0.3 x 1000 - 205). The last 5 EUR raise B, C and E
    # together (weights 0.5 in all): level 1000 + 5 / 0.5 = 1010, so B gets
    # 0.3 x 1010 - 205 = 98, C 0.195 x 1010 - 195 = 1.95, E 0.005 x 1010 - 5 =
    # 0.05, A (overweight) nothing, and nothing is sold. B's 98 pays 0.15 % FX:
    # 98 / 1.0015 = 97.853 -> 97.85 and 0.15 fee. E's 0.05 waits in cash.
    got = [(o.ticker, o.amount, o.fee) for o in out.orders]
    assert got == [("B", 97.85, 0.15), ("C", 1.95, 0.0)]
    assert out.waiting == (("E", 0.05),)
    assert out.left_in_cash == 0.05
    assert out.fees == 0.15


def test_bad_mode_and_amount_are_plan_errors() -> None:
    from piefolio.errors import PlanError

    spec = parse_pie(SPEC)
    with pytest.raises(PlanError, match="expected one of targets, balance"):
        next_orders(spec, _held({}), 100, mode="sell-everything")
    with pytest.raises(PlanError, match=r"at least 0\.01"):
        next_orders(spec, _held({}), 0.001)


@st.composite
def pies(draw: st.DrawFn) -> tuple[str, dict[str, float], tuple[str, ...]]:
    n = draw(st.integers(1, 6))
    raw = draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n))
    total = sum(raw)
    # Weights as exact decimals summing to 1: the last takes the remainder.
    weights = [round(r / total, 6) for r in raw[:-1]]
    weights.append(round(1 - sum(weights), 6))
    assume(weights[-1] > 0)
    tickers = [f"T{i}" for i in range(n)]
    fx_pct = draw(st.sampled_from([0.0, 0.15, 0.5]))
    min_order = draw(st.sampled_from([0.0, 1.0, 5.0, 25.0]))
    slices = ", ".join(
        f'{{ ticker = "{t}", weight = {w!r} }}'
        for t, w in zip(tickers, weights, strict=True)
    )
    spec = (
        f'[pie]\nname = "P"\ncurrency = "EUR"\nslices = [{slices}]\n'
        f"[plan]\nstart = 2024-01-02\ninitial = 1\n"
        f"fees = {{ fx_pct = {fx_pct}, min_order = {min_order} }}\n"
    )
    values = {
        t: draw(st.floats(0, 50_000, allow_nan=False, allow_infinity=False))
        for t in tickers
    }
    foreign = tuple(t for t in tickers if draw(st.booleans()))
    return spec, values, foreign


@settings(max_examples=150, deadline=None)
@given(
    pie=pies(),
    cents=st.integers(1, 2_000_000),
    mode=st.sampled_from(list(Mode)),
)
def test_next_never_sells_respects_the_minimum_and_adds_up(
    pie: tuple[str, dict[str, float], tuple[str, ...]], cents: int, mode: Mode
) -> None:
    text, values, foreign = pie
    spec = parse_pie(text)
    out = next_orders(spec, _held(values, foreign), cents / 100, mode=mode)
    minimum = spec.plan.fees.min_order
    for order in out.orders:
        assert order.amount > 0 and order.fee >= 0  # never a sale
        assert order.amount >= minimum - 1e-9  # never under the minimum
        assert 0 <= order.fx_fee <= order.fee + 1e-9
    # In whole cents, orders plus fees plus what waits equal the deposit.
    placed = sum(round(o.amount * 100) + round(o.fee * 100) for o in out.orders)
    assert placed + round(out.left_in_cash * 100) == cents
    assert round(out.left_in_cash * 100) == sum(round(m * 100) for _, m in out.waiting)


@settings(max_examples=100, deadline=None)
@given(pie=pies(), cents=st.integers(100, 2_000_000))
def test_balance_fills_the_most_underweight_first(
    pie: tuple[str, dict[str, float], tuple[str, ...]], cents: int
) -> None:
    text, values, _ = pie
    # No minimum, nothing foreign (so no FX fee): each slice gets its share.
    spec = parse_pie(text)
    spec = replace(
        spec, plan=replace(spec.plan, fees=replace(spec.plan.fees, min_order=0))
    )
    out = next_orders(spec, _held(values, ()), cents / 100, mode=Mode.BALANCE)
    targets = spec.pie.effective_weights()
    got = {o.ticker: o.amount for o in out.orders}
    # Every slice that got money ends at one level of value / target (to a
    # cent per slice), and every slice left out already stood at or above it.
    after = [(values[t] + got[t]) / targets[t] for t in got]
    level = max(after)
    tol = 0.02 / min(targets.values())
    assert min(after) >= level - tol
    for t in targets:
        if t not in got:
            assert values[t] / targets[t] >= level - tol
