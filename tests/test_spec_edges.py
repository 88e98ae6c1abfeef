"""The spec's rules at their edges: each bound accepted on it and refused past it.

mutmut leaves pydantic validators, properties and field bounds alone (they are
decorated or class-level), so these lines were broken by hand one at a time
(mutation/equivalent.md, "piefolio/spec/"); each broken line fails a test here.
The known answers are the bounds the spec documents (piefolio/spec/*.py).
"""

from __future__ import annotations

import pytest

from piefolio.errors import SpecError
from piefolio.spec import (
    Calendar,
    Fees,
    Optimize,
    Threshold,
    Transform,
    parse_pie,
)

PIE = """
[pie]
name = "Edges"
currency = "usd"
thesis = "THESIS"

[[pie.slices]]
name = "Energy"
weight = 0.6
slices = [
  { ticker = "CVX", weight = 0.5 },
  { ticker = "XOM", weight = 0.5 },
]

[[pie.slices]]
name = "Index"
ticker = "spy"
weight = 0.4

[plan]
start = 2020-01-02
initial = 1000
deposits = { amount = 100 }
"""


def bad(text: str, *fragments: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_pie(text, source="pie.toml")
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_defaults_of_a_short_plan() -> None:
    spec = parse_pie(PIE)
    plan = spec.plan
    assert plan.deposits is not None
    assert (plan.deposits.every.value, plan.deposits.day) == ("month", 1)
    assert (plan.fees.min_order, plan.dividends, plan.late_listing) == (
        1.0,
        "reinvest",
        "error",
    )
    assert plan.rebalance.policy.value == "none" and plan.withdrawals is None
    # Codes and tickers are read in upper case; a named ticker shows its name.
    assert spec.pie.currency == "USD" and spec.name == "Edges"
    assert spec.pie.themes() == {
        "Energy": pytest.approx({"CVX": 0.3, "XOM": 0.3}),
        "Index": {"SPY": 0.4},
    }


# ------------------------------------------------------------------ weights


def test_a_weight_of_zero_is_refused() -> None:
    bad(
        PIE.replace('{ ticker = "XOM", weight = 0.5 }', '{ ticker = "XOM", weight = 0 }')
        .replace('{ ticker = "CVX", weight = 0.5 }', '{ ticker = "CVX", weight = 1 }'),
        "pie.slices[0].slices[1].weight",
        "greater than 0",
    )  # fmt: skip


def test_a_weight_above_one_is_refused_even_inside_the_sum_tolerance() -> None:
    # 1 + 1e-10 alone in a theme sums to 1 within 1e-9, but no weight is > 1.
    text = PIE.replace(
        'slices = [\n  { ticker = "CVX", weight = 0.5 },\n  { ticker = "XOM", weight = 0.5 },\n]',
        'slices = [{ ticker = "CVX", weight = 1.0000000001 }]',
    )
    bad(text, "pie.slices[0].slices[0].weight", "less than or equal to 1")
    # Exactly 1 is a whole theme in one ticker.
    ok = text.replace("1.0000000001", "1.0")
    assert parse_pie(ok).pie.effective_weights()["CVX"] == pytest.approx(0.6)


def test_a_theme_needs_a_name_and_a_benchmark_one_form() -> None:
    bad(PIE.replace('name = "Energy"\n', ""), "pie.slices[0]", "a theme")
    both = (
        PIE
        + '[benchmarks]\nmix = { ticker = "SPY", slices = [{ ticker = "A", weight = 1 }] }\n'
    )
    bad(both, "benchmarks", "a benchmark is a ticker string or a table with 'slices'")
    deep = '{ ticker = "A", weight = 1 }'
    for level in range(10):
        deep = f'{{ name = "t{level}", weight = 1, slices = [{deep}] }}'
    bad(PIE + f"[benchmarks]\nmix = {{ slices = [{deep}] }}\n", "nest more than 10")


# ---------------------------------------------------------------------- flows


@pytest.mark.parametrize(
    ("every", "last"), [("week", 7), ("month", 31), ("quarter", 92)]
)
def test_a_flow_day_runs_from_1_to_the_period_length(every: str, last: int) -> None:
    def plan(day: int) -> str:
        return PIE.replace(
            "deposits = { amount = 100 }",
            f'deposits = {{ amount = 100, every = "{every}", day = {day} }}',
        )

    deposits = parse_pie(plan(last)).plan.deposits
    assert deposits is not None and deposits.day == last
    bad(
        plan(last + 1),
        f"day {last + 1} does not exist in a {every}; expected 1..{last}",
    )
    bad(plan(0), "plan.deposits.day", "greater than or equal to 1")


def test_flow_amounts_and_counts_are_strict() -> None:
    bad(
        PIE.replace("amount = 100", "amount = 0"),
        "plan.deposits.amount",
        "greater than 0",
    )
    # A day is a whole number: 1.0 is refused as 1.5 is (no silent rounding).
    bad(PIE.replace("amount = 100", "amount = 100, day = 1.0"), "plan.deposits.day")


# ---------------------------------------------------------- plan and fees


@pytest.mark.parametrize(
    ("table", "key", "bound"),
    [
        ("commission_pct = 100", "commission_pct", "less than 100"),
        ("commission_pct = -0.1", "commission_pct", "greater than or equal to 0"),
        ("fx_pct = 100", "fx_pct", "less than 100"),
        ("fx_pct = -0.1", "fx_pct", "greater than or equal to 0"),
        ("spread_bps = 10000", "spread_bps", "less than 10000"),
        ("spread_bps = -1", "spread_bps", "greater than or equal to 0"),
        ("commission_fixed = -1", "commission_fixed", "greater than or equal to 0"),
        ("min_order = -1", "min_order", "greater than or equal to 0"),
    ],
)
def test_fees_of_100_percent_or_below_zero_are_refused(
    table: str, key: str, bound: str
) -> None:
    bad(PIE + f"fees = {{ {table} }}\n", f"plan.fees.{key}", bound)


def test_fees_just_inside_their_bounds_are_accepted() -> None:
    text = PIE + (
        "fees = { commission_pct = 99.99, fx_pct = 99.99, spread_bps = 9999, "
        "commission_fixed = 0, min_order = 0 }\n"
    )
    fees = parse_pie(text).plan.fees
    # 99.99 % commission + 9999 bps half-spread = 0.9999 + 0.9999.
    assert fees.proportional == pytest.approx(1.9998, rel=1e-12)
    assert Fees(commission_pct=1.0).proportional == pytest.approx(0.01, rel=1e-12)


def test_cash_interest_and_the_window() -> None:
    bad(
        PIE.replace("initial = 1000", "initial = -1"),
        "plan.initial",
        "greater than or equal to 0",
    )
    bad(PIE + "cash_interest = 1\n", "plan.cash_interest", "less than 1")
    bad(
        PIE + "cash_interest = -0.01\n",
        "plan.cash_interest",
        "greater than or equal to 0",
    )
    assert parse_pie(PIE + "cash_interest = 0.99\n").plan.cash_interest == 0.99
    bad(
        PIE.replace("start = 2020-01-02", "start = 2020-01-02\nend = 2020-01-02"),
        "end 2020-01-02 is not after start 2020-01-02",
    )
    # Deposits alone put money in: no initial needed, and no withdrawal.
    plan = parse_pie(PIE.replace("initial = 1000", "initial = 0")).plan
    assert plan.initial == 0 and plan.deposits is not None


def test_threshold_band_lies_strictly_between_0_and_1() -> None:
    def band(value: str) -> str:
        return PIE + f'rebalance = {{ policy = "threshold", band = {value} }}\n'

    bad(band("0"), "plan.rebalance.band", "greater than 0")
    bad(band("1"), "plan.rebalance.band", "less than 1")
    rule = parse_pie(band("0.99")).plan.rebalance
    assert isinstance(rule, Threshold) and rule.band == 0.99


def test_a_variant_validates_without_its_policy_written() -> None:
    # Each variant knows its own tag: Threshold reads a bare band.
    assert Threshold.model_validate({"band": 0.05}).band == 0.05
    assert Calendar.model_validate({"every": "year"}).every == "year"


# ------------------------------------------------------------------ claims


CLAIM = '\n[[claims]]\nid = "{id}"\nlong = {long}\nshort = {short}\n'


def test_claims_sides_and_ids() -> None:
    claim = CLAIM.format(id="c", long='["CVX"]', short='["Energy"]')
    spec = parse_pie(PIE + claim)
    # A side may name a ticker that is no theme; the horizon defaults to 6M.
    assert spec.claims[0].long == ("CVX",) and spec.claims[0].horizon == "6M"
    bad(
        PIE + CLAIM.format(id="c", long="[]", short='["SPY"]'),
        "names 'short' but no 'long'",
    )
    bad(PIE + CLAIM.format(id="Big", long='["CVX"]', short='["SPY"]'), "claims[0].id")


# ---------------------------------------------------------------- indicators


INDICATOR = """
[[claims]]
id = "copper"

[[indicators]]
id = "cu"
claim = "copper"
series = "pcoppusdm"
{threshold}
"""


def test_indicator_defaults_and_its_one_threshold() -> None:
    (ind,) = parse_pie(PIE + INDICATOR.format(threshold="below = 2.5")).indicators
    assert (ind.series, ind.transform, ind.means) == ("PCOPPUSDM", "level", "supports")
    assert (ind.side, ind.threshold) == ("below", 2.5)
    assert ind.rule == Transform("level")
    (ind,) = parse_pie(PIE + INDICATOR.format(threshold="above = -1.0")).indicators
    assert (ind.side, ind.threshold) == ("above", -1.0)


def test_a_transform_is_a_fraction_unless_a_level() -> None:
    assert not Transform("level").is_fraction
    assert Transform("change", "12M").is_fraction
    assert Transform("relative", "12M", "SPY").is_fraction


# ------------------------------------------------------------------ optimize


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ("slice_min = -0.1", "greater than or equal to 0"),
        ("slice_max = 1.1", "less than or equal to 1"),
        ("stock_max = 0", "greater than 0"),
        ("turnover_max = 0", "greater than 0"),
        ("risk_free = 1", "less than 1"),
        ("expected_returns = { CVX = -1 }", "expected return of CVX is -1"),
        ("expected_returns = { CVX = 10 }", "expected return of CVX is 10"),
        ("theme_limits = { Energy = [-0.1, 0.5] }", "0 <= min <= max <= 1"),
        ("theme_limits = { Energy = [0.1, 1.1] }", "0 <= min <= max <= 1"),
    ],
)
def test_optimize_bounds_are_refused_past_them(table: str, fragment: str) -> None:
    bad(PIE + f"[optimize]\n{table}\n", "optimize", fragment)


def test_optimize_defaults_and_values_on_the_bounds() -> None:
    opt = Optimize()
    assert (opt.lookback, opt.rebalance_every, opt.expected_returns) == (
        "3Y",
        "3M",
        "equilibrium",
    )
    on = Optimize(
        slice_min=0.5,
        slice_max=0.5,
        expected_returns={"cvx": -0.99, "XOM": 9.99},
        theme_limits={"Energy": (0.0, 1.0)},
    )
    assert on.expected_returns == {"CVX": -0.99, "XOM": 9.99}
    assert (on.slice_min, on.slice_max) == (0.5, 0.5)


# ------------------------------------------------------------ text and bounds


def test_text_bounds() -> None:
    ok = PIE.replace("THESIS", "x" * 10_000)
    assert len(parse_pie(ok).pie.thesis) == 10_000
    bad(PIE.replace("THESIS", "x" * 10_001), "pie.thesis", "at most 10000 characters")
    bad(PIE.replace("THESIS", "a\\u001bb"), "pie.thesis", "control character")
    # A ticker is at most 25 characters.
    ticker = "A" * 25
    assert (
        ticker in parse_pie(PIE.replace('"spy"', f'"{ticker}"')).pie.effective_weights()
    )
    bad(PIE.replace('"spy"', f'"{ticker}B"'), "pie.slices[1].ticker", "not a ticker")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_weight_must_be_a_finite_number(value: str) -> None:
    bad(PIE.replace("weight = 0.4", f"weight = {value}"), "pie.slices[1].weight")


def test_a_date_on_the_last_day_is_accepted_and_past_it_refused() -> None:
    text = PIE.replace("start = 2020-01-02", "start = 2199-12-30\nend = 2199-12-31")
    assert parse_pie(text).plan.end.isoformat() == "2199-12-31"
    bad(
        text.replace("2199-12-31", "2200-01-01"),
        "plan.end",
        "outside 1900-01-01..2199-12-31",
    )


# ------------------------------------------------- sums, themes and notes


def test_sum_and_empty_theme_messages_in_full() -> None:
    msg = bad(PIE.replace('"XOM", weight = 0.5', '"XOM", weight = 0.4'))
    assert msg.endswith("weights of the slices sum to 0.9 (0.5 + 0.4); expected 1")
    empty = PIE.replace(
        'slices = [\n  { ticker = "CVX", weight = 0.5 },\n  { ticker = "XOM", weight = 0.5 },\n]',
        "slices = []",
    )
    assert bad(empty).endswith("'slices' is empty; expected at least one slice")


def test_a_ticker_twice_is_summed_in_its_theme_and_noted_with_its_places() -> None:
    # CVX twice in Energy (0.6 x 0.5 each = 0.3 + 0.3) and once inside
    # Energy / Oil (0.6 x 0.25 x 1 = 0.15 of the pie) and at the top (0.1).
    text = PIE.replace(
        'slices = [\n  { ticker = "CVX", weight = 0.5 },\n  { ticker = "XOM", weight = 0.5 },\n]',
        'slices = [{ ticker = "CVX", weight = 0.25 }, { ticker = "CVX", weight = 0.5 }, '
        '{ name = "Oil", weight = 0.25, slices = [{ ticker = "CVX", weight = 1 }] }]',
    ).replace(
        'name = "Index"\nticker = "spy"\nweight = 0.4', 'ticker = "CVX"\nweight = 0.4'
    )
    pie = parse_pie(text).pie
    assert pie.themes() == {"Energy": {"CVX": pytest.approx(0.6)}, "CVX": {"CVX": 0.4}}
    assert pie.notes() == [
        "CVX appears 4 times (Energy; Energy; Energy / Oil; (top level)); "
        "its weights are summed"
    ]


@pytest.mark.parametrize(
    ("rebalance", "message"),
    [
        (
            '"threshold"',
            "plan.rebalance: 'threshold' needs parameters: write "
            '{ policy = "threshold", band = 0.05 } (found',
        ),
        (
            '"calendar"',
            "plan.rebalance: 'calendar' needs parameters: write "
            '{ policy = "calendar", every = "quarter" } (found',
        ),
        (
            '"weekly"',
            "plan.rebalance: unknown rebalance policy 'weekly'; expected one of "
            "'none', 'deposits', 'monthly', 'quarterly', 'yearly', or a table with "
            "policy = 'calendar' | 'threshold' (found 'weekly')",
        ),
        (
            '{ policy = "calendar" }',
            'plan.rebalance: calendar rebalancing needs every = "month"|"quarter"|"year"',
        ),
        (
            '{ policy = "threshold" }',
            "plan.rebalance: threshold rebalancing needs band (e.g. 0.05 = 5 points)",
        ),
    ],
)
def test_a_rebalance_without_its_parameter_says_how_to_write_it(
    rebalance: str, message: str
) -> None:
    msg = bad(PIE + f"rebalance = {rebalance}\n")
    assert msg.startswith(f"pie.toml: {message}"), msg
    assert msg.endswith(("')", 'year"', "points)")), msg


def test_a_date_is_written_in_full_and_a_ticker_refused_in_full() -> None:
    # Python reads "20200102" (ISO basic) as a date; the spec wants YYYY-MM-DD.
    msg = bad(PIE.replace("start = 2020-01-02", 'start = "20200102"'))
    assert msg == "pie.toml: plan.start: expected a date YYYY-MM-DD (found '20200102')"
    msg = bad(PIE.replace('"spy"', '"S P"'))
    assert msg == (
        "pie.toml: pie.slices[1].ticker: 'S P' is not a ticker; expected letters, "
        "digits and . - = ^ _ (for example 'CVX', 'ASML.AS', 'EURUSD=X') "
        "(found 'S P')"
    )


def test_a_pie_from_text_has_no_source_and_its_errors_say_string() -> None:
    assert parse_pie(PIE).source is None
    with pytest.raises(SpecError) as info:
        parse_pie(PIE.replace("amount = 100", "amount = 0"))
    assert str(info.value).startswith("<string>: plan.deposits.amount: ")


def test_a_name_is_one_line_of_at_least_one_character() -> None:
    bad(PIE.replace('name = "Edges"', 'name = ""'), "pie.name", "at least 1 character")
    bad(
        PIE.replace('name = "Edges"', 'name = "a\\tb"'),
        "pie.name",
        "control character '\\t'",
    )
    # A thesis may hold a tab and a newline (test_spec.py), not an escape.
    bad(
        PIE.replace("THESIS", "a\\u0007b"),
        "pie.thesis",
        "holds the control character '\\x07'; expected printable text",
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_an_unbounded_number_must_still_be_finite(value: str) -> None:
    # A threshold has no range to catch NaN or infinity; the Number type does.
    bad(PIE + INDICATOR.format(threshold=f"above = {value}"), "indicators[0].above")


def test_a_series_id_is_at_most_64_characters() -> None:
    sixty_four = "S" * 64
    one = INDICATOR.format(threshold="above = 0.0").replace("pcoppusdm", sixty_four)
    assert parse_pie(PIE + one).indicators[0].series == sixty_four
    bad(PIE + one.replace(sixty_four, sixty_four + "S"), "indicators[0].series")
