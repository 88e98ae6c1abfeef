"""Limits: every result meets them (property test), and infeasible ones are named."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piefolio.errors import OptimizationError
from piefolio.optimize import (
    Method,
    build_limits,
    check_feasible,
    propose,
    proposed_slices,
)
from piefolio.spec import Optimize, parse_pie


@st.composite
def limits_toml(draw: st.DrawFn) -> str:
    slice_min = draw(st.sampled_from([0.0, 0.02, 0.05, 0.1]))
    slice_max = draw(st.sampled_from([0.25, 0.3, 0.4, 0.6, 1.0]))
    lines = [f"slice_min = {slice_min}", f"slice_max = {slice_max}"]
    theme_limits = []
    for theme in draw(
        st.lists(st.sampled_from(["Alpha", "Beta", "Gamma"]), unique=True, max_size=3)
    ):
        low = draw(st.sampled_from([0.0, 0.1, 0.2, 0.3]))
        high = draw(
            st.sampled_from([h for h in (0.2, 0.3, 0.4, 0.5, 0.8, 1.0) if h >= low])
        )
        theme_limits.append(f'"{theme}" = [{low}, {high}]')
    if theme_limits:
        lines.append(f"theme_limits = {{ {', '.join(theme_limits)} }}")
    if draw(st.booleans()):
        lines.append(f"turnover_max = {draw(st.sampled_from([0.05, 0.1, 0.2]))}")
    return "\n".join(lines)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(optimize=limits_toml(), method=st.sampled_from(list(Method)))
def test_every_result_meets_every_limit(
    build_spec, market, themes, optimize: str, method: Method
) -> None:
    spec = build_spec(themes, optimize)
    limits = build_limits(spec)
    try:
        check_feasible(limits)
    except OptimizationError:
        # Infeasible draws must be refused by propose too, with the same message.
        with pytest.raises(OptimizationError):
            propose(spec, market, method=method)
        return
    p = propose(spec, market, method=method)
    w = np.array([p.weights[t] for t in limits.tickers])
    assert limits.violations(w) == []
    assert w.sum() == pytest.approx(1, abs=1e-9)
    assert np.all(w >= limits.lower - 1e-6) and np.all(w <= limits.upper + 1e-6)
    for theme, (low, high) in limits.theme_bounds.items():
        assert low - 1e-6 <= p.theme_weights[theme] <= high + 1e-6


def test_violations_is_able_to_fail(build_spec, themes) -> None:
    limits = build_limits(
        build_spec(themes, 'slice_max = 0.3\ntheme_limits = { "Gamma" = [0.2, 0.25] }')
    )
    w = np.array([0.5, 0.1, 0.1, 0.1, 0.1, 0.1])
    found = limits.violations(w)
    assert "AAA 50.0000% > 30.00% (slice_max 0.3)" in found
    assert "theme 'Gamma' holds 10.0000%, outside theme_limits [0.2, 0.25]" in found
    assert limits.violations(np.full(6, 0.2)) == ["weights sum to 1.2, not 1"]
    assert limits.violations(np.full(6, 1 / 6)) == [
        "theme 'Gamma' holds 16.6667%, outside theme_limits [0.2, 0.25]"
    ]


@pytest.mark.parametrize(
    ("optimize", "message"),
    [
        (
            "slice_min = 0.2",
            r"slice_min: the 6 slices' minimums add up to 120.0% > 100% \(slice_min 0.2\); lower slice_min to at most 16.67%",
        ),
        (
            "slice_max = 0.1",
            r"slice_max: the 6 slices' maximums add up to 60.0% < 100%, so the pie cannot be fully invested \(slice_max 0.1\); raise slice_max/stock_max to at least 16.67%",
        ),
        ("stock_max = 0.15", r"\(stock_max 0.15\)"),
        (
            'slice_max = 0.2\ntheme_limits = { "Alpha" = [0.5, 0.6] }',
            r"theme_limits.'Alpha': its min 50.0% is more than its 2 slices can hold at their maxima \(40.0%: AAA 20.00% \(slice_max 0.2\), BBB 20.00% \(slice_max 0.2\)\)",
        ),
        (
            'slice_min = 0.1\ntheme_limits = { "Beta" = [0.0, 0.2] }',
            r"theme_limits.'Beta': its max 20.0% is less than its 3 slices must hold at their minima \(30.0%",
        ),
        (
            'theme_limits = { "Alpha" = [0.5, 1.0], "Beta" = [0.6, 1.0] }',
            r"the minimums add up to 110.0% > 100% \(theme_limits and slice_min: Alpha 50.0%; Beta 60.0%\)",
        ),
        (
            'theme_limits = { "Alpha" = [0, 0.2], "Beta" = [0, 0.3], "Gamma" = [0, 0.1] }',
            r"the maximums add up to 60.0% < 100%",
        ),
        (
            "slice_min = 0.15\nturnover_max = 0.02",
            r"AAA: its minimum 15.00% \(slice_min 0.15\) is above its maximum 18.67% \(turnover_max 0.02 above its current 16.67%\)|CCC: its minimum 15.00% \(slice_min 0.15\) is above its maximum 13.11% \(turnover_max 0.02 above its current 11.11%\)",
        ),
    ],
)
def test_infeasible_limits_name_the_constraint(
    build_spec, market, themes, optimize: str, message: str
) -> None:
    spec = build_spec(themes, optimize)
    with pytest.raises(OptimizationError, match=message):
        check_feasible(build_limits(spec))
    with pytest.raises(OptimizationError, match=message):
        propose(spec, market, method="min-variance")


def test_turnover_caps_each_slice_move(build_spec, market, themes) -> None:
    spec = build_spec(themes, "turnover_max = 0.03")
    p = propose(spec, market, method="min-variance")
    current = spec.pie.effective_weights()
    assert max(abs(p.weights[t] - current[t]) for t in current) <= 0.03 + 1e-6
    free = propose(build_spec(themes), market, method="min-variance")
    assert (
        max(abs(free.weights[t] - current[t]) for t in current) > 0.03
    )  # the cap binds


def test_a_ticker_in_two_themes_is_refused() -> None:
    spec = parse_pie(
        """
[pie]
name = "p"
[[pie.slices]]
name = "A"
weight = 0.5
slices = [{ ticker = "IWM", weight = 0.5 }, { ticker = "SPY", weight = 0.5 }]
[[pie.slices]]
name = "B"
weight = 0.5
slices = [{ ticker = "IWM", weight = 1.0 }]
[plan]
start = 2020-01-01
initial = 1
"""
    )
    with pytest.raises(
        OptimizationError, match="IWM is held in two themes \\('A' and 'B'\\)"
    ):
        build_limits(spec)


def test_proposed_slices_map_weights_back_onto_the_tree(build_spec, themes) -> None:
    spec = build_spec(themes)
    target = {"AAA": 0.3, "BBB": 0.1, "CCC": 0.2, "DDD": 0.0, "EEE": 0.15, "FFF": 0.25}
    slices, notes = proposed_slices(spec, target)
    assert notes == ["dropped Beta / DDD (proposed weight 0)"]
    new = spec.model_copy(
        update={"pie": spec.pie.model_copy(update={"slices": slices})}
    )
    # Theme weights: Alpha 0.4, Beta 0.35, Gamma 0.25; within Alpha 0.75/0.25.
    assert [s.weight for s in slices] == [0.4, 0.35, 0.25]
    assert [c.weight for c in slices[0].slices or ()] == [0.75, 0.25]
    got = new.pie.effective_weights()
    assert got == pytest.approx({k: v for k, v in target.items() if v}, abs=1e-6)


def test_optimize_defaults() -> None:
    opt = Optimize()
    assert (opt.method, opt.lookback, opt.expected_returns, opt.rebalance_every) == (
        Method.RISK_PARITY,
        "3Y",
        "equilibrium",
        "3M",
    )
