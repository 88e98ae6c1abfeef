"""The pie spec: valid files load, every kind of bad input names file, key and fix."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piefolio.errors import SpecError
from piefolio.report.format import plan_words
from piefolio.spec import Fees, PieSpec, Rebalance, RebalancePolicy, load_pie, parse_pie

GOOD = """
[pie]
name = "Test pie"
currency = "EUR"

[[pie.slices]]
name = "Energy"
weight = 0.6
slices = [
  { ticker = "CVX", weight = 0.5 },
  { ticker = "XOM", weight = 0.5 },
]

[[pie.slices]]
ticker = "SPY"
weight = 0.4

[benchmarks]
"S&P 500" = "SPY"

[plan]
start = 2020-01-02
initial = 1000
deposits = { amount = 100, every = "month", day = 1 }
rebalance = { policy = "threshold", band = 0.05 }
"""


def bad(text: str, *fragments: str) -> str:
    """Parse ``text`` expecting a SpecError whose message holds every fragment."""
    with pytest.raises(SpecError) as info:
        parse_pie(text, source="pie.toml")
    message = str(info.value)
    assert message.startswith("pie.toml: "), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_good_spec_loads_with_effective_weights() -> None:
    spec = parse_pie(GOOD)
    assert spec.pie.effective_weights() == pytest.approx(
        {"CVX": 0.3, "XOM": 0.3, "SPY": 0.4}
    )
    assert spec.pie.themes() == {
        "Energy": pytest.approx({"CVX": 0.3, "XOM": 0.3}),
        "SPY": {"SPY": 0.4},
    }
    assert spec.plan.rebalance.policy is RebalancePolicy.THRESHOLD
    assert spec.plan.rebalance.band == 0.05
    assert spec.benchmarks[0].name == "S&P 500"
    assert spec.benchmarks[0].effective_weights() == {"SPY": 1.0}


def test_spec_is_frozen() -> None:
    spec = parse_pie(GOOD)
    with pytest.raises(ValueError, match="frozen"):
        spec.pie.name = "other"  # type: ignore[misc]


def test_toml_syntax_error_gives_the_line() -> None:
    bad(
        GOOD.replace('name = "Test pie"', 'name = "Test pie'),
        "not valid TOML",
        "line 3",
    )


def test_sibling_weights_must_sum_to_one() -> None:
    bad(
        GOOD.replace(
            '{ ticker = "XOM", weight = 0.5 }', '{ ticker = "XOM", weight = 0.4 }'
        ),
        "pie.slices[0].slices",
        "sum to 0.9",
        "expected 1",
    )


def test_top_level_weights_must_sum_to_one() -> None:
    bad(GOOD.replace("weight = 0.4\n", "weight = 0.5\n"), "pie.slices", "sum to 1.1")


def test_weights_within_1e9_are_accepted() -> None:
    spec = parse_pie(GOOD.replace("weight = 0.4\n", "weight = 0.4000000000001\n"))
    assert math.isclose(sum(spec.pie.effective_weights().values()), 1.0, abs_tol=1e-9)


def test_weights_off_by_a_millionth_are_refused() -> None:
    # 0.6 + 0.400001 = 1.000001: off by 1e-6, far outside 1e-9 (a looser
    # tolerance such as 1e-4 would let it pass and rescale nothing).
    bad(
        GOOD.replace("weight = 0.4\n", "weight = 0.400001\n"),
        "pie.slices",
        "sum to 1.000001",
        "expected 1",
    )
    # Inside the tolerance: 1e-10 off is float noise and is accepted.
    spec = parse_pie(GOOD.replace("weight = 0.4\n", "weight = 0.4000000001\n"))
    assert spec.pie.effective_weights()["SPY"] == pytest.approx(0.4, abs=1e-9)


def test_half_spread_is_a_fraction_of_the_traded_value() -> None:
    # 25 bps of half-spread is 0.0025 of each trade; 0.15 % commission 0.0015.
    assert Fees(spread_bps=25.0).proportional == pytest.approx(0.0025, rel=1e-12)
    assert Fees(commission_pct=0.15, spread_bps=25.0).proportional == pytest.approx(
        0.004, rel=1e-12
    )


def test_negative_weight() -> None:
    bad(
        GOOD.replace(
            '{ ticker = "XOM", weight = 0.5 }', '{ ticker = "XOM", weight = -0.5 }'
        ),
        "pie.slices[0].slices[1].weight",
        "greater than 0",
        "found -0.5",
    )


def test_non_numeric_weight() -> None:
    bad(
        GOOD.replace(
            '{ ticker = "XOM", weight = 0.5 }', '{ ticker = "XOM", weight = "half" }'
        ),
        "pie.slices[0].slices[1].weight",
        "'half'",
    )


def test_unknown_key_suggests_the_right_one() -> None:
    msg = bad(
        GOOD.replace("initial = 1000", "intial = 1000"), "plan.intial", "unknown key"
    )
    assert "did you mean 'initial'?" in msg


def test_unknown_key_in_a_slice() -> None:
    bad(
        GOOD.replace(
            '{ ticker = "CVX", weight = 0.5 }', '{ ticker = "CVX", wieght = 0.5 }'
        ),
        "pie.slices[0].slices[0].wieght",
        "did you mean 'weight'?",
    )


def test_unknown_top_level_table() -> None:
    bad(GOOD + "\n[plna]\nx = 1\n", "plna", "did you mean 'plan'?")


def test_slice_with_ticker_and_slices() -> None:
    bad(
        GOOD.replace(
            'ticker = "SPY"\n',
            'ticker = "SPY"\nslices = [{ticker = "A", weight = 1}]\n',
        ),
        "pie.slices[1]",
        "either 'ticker' or 'slices', not both",
    )


def test_slice_with_neither_ticker_nor_slices() -> None:
    bad(
        GOOD.replace('ticker = "SPY"\n', 'name = "S&P"\n'),
        "pie.slices[1]",
        "needs 'ticker'",
    )


def test_empty_pie() -> None:
    text = (
        GOOD.split("[[pie.slices]]")[0]
        + "slices = []\n"
        + GOOD.split("[benchmarks]")[1]
    )
    text = text.replace('"S&P 500" = "SPY"', "")
    bad(text, "pie.slices", "no slices")


def test_empty_theme() -> None:
    bad(
        GOOD.replace(
            'slices = [\n  { ticker = "CVX", weight = 0.5 },\n  { ticker = "XOM", weight = 0.5 },\n]',
            "slices = []",
        ),
        "pie.slices[0].slices",
        "empty",
    )


def test_unknown_currency_suggests() -> None:
    bad(
        GOOD.replace('"EUR"', '"EUO"'),
        "pie.currency",
        "unknown currency code 'EUO'",
        "EUR",
    )


def test_malformed_date() -> None:
    bad(
        GOOD.replace("start = 2020-01-02", 'start = "2020-13-02"'),
        "plan.start",
        "2020-13-02",
    )


def test_reversed_dates() -> None:
    bad(
        GOOD.replace("start = 2020-01-02", "start = 2020-01-02\nend = 2019-06-30"),
        "plan",
        "end 2019-06-30 is not after start 2020-01-02",
    )


def test_negative_amounts() -> None:
    bad(
        GOOD.replace("initial = 1000", "initial = -1000"), "plan.initial", "found -1000"
    )
    bad(
        GOOD.replace("amount = 100", "amount = -100"),
        "plan.deposits.amount",
        "found -100",
    )


def test_no_money_in() -> None:
    bad(
        GOOD.replace("initial = 1000", "initial = 0").replace(
            'deposits = { amount = 100, every = "month", day = 1 }\n', ""
        ),
        "plan",
        "puts no money in",
    )


def test_unknown_rebalance_policy() -> None:
    bad(
        GOOD.replace(
            'rebalance = { policy = "threshold", band = 0.05 }', 'rebalance = "weekly"'
        ),
        "plan.rebalance",
        "unknown rebalance policy 'weekly'",
        "'monthly'",
    )
    bad(
        GOOD.replace('policy = "threshold", band = 0.05', 'policy = "sometimes"'),
        "plan.rebalance.policy",
        "'sometimes'",
    )
    # Found by the CLI fuzz test: a policy that is no word (here a list) is a
    # refused value naming what is allowed, not a TypeError from a dict lookup.
    bad(
        GOOD.replace('policy = "threshold", band = 0.05', "policy = [1e-300]"),
        "plan.rebalance.policy",
        "'threshold'",
    )


def test_threshold_needs_band_and_calendar_needs_period() -> None:
    bad(GOOD.replace(", band = 0.05", ""), "plan.rebalance", "needs band")
    bad(
        GOOD.replace(
            'rebalance = { policy = "threshold", band = 0.05 }',
            'rebalance = "threshold"',
        ),
        "plan.rebalance",
        "needs parameters",
    )


@pytest.mark.parametrize(
    ("rebalance", "message"),
    [
        ('{ policy = "calendar" }', 'calendar rebalancing needs every = "month"'),
        ('"calendar"', 'write { policy = "calendar", every = "quarter" }'),
        (
            '{ policy = "calendar", every = "month", band = 0.05 }',
            "'band' only applies to threshold, not calendar",
        ),
        (
            '{ policy = "deposits", band = 0.05 }',
            "'band' only applies to threshold, not deposits",
        ),
        (
            '{ policy = "threshold", band = 0.05, every = "month" }',
            "'every' only applies to calendar, not threshold",
        ),
        (
            '{ policy = "none", every = "year" }',
            "'every' only applies to calendar, not none",
        ),
    ],
)
def test_a_rebalance_parameter_belongs_to_its_policy(
    rebalance: str, message: str
) -> None:
    text = GOOD.replace(
        'rebalance = { policy = "threshold", band = 0.05 }', f"rebalance = {rebalance}"
    )
    bad(text, "plan.rebalance", message)


def test_a_claim_id_is_used_once() -> None:
    claim = (
        '\n[[claims]]\nid = "energy-wins"\ntext = "Energy beats SPY."\n'
        'long = ["Energy"]\nshort = ["SPY"]\nhorizon = "1Y"\n'
    )
    assert [c.id for c in parse_pie(GOOD + claim).claims] == ["energy-wins"]
    bad(GOOD + claim + claim, "claim id 'energy-wins' is used twice")


def test_day_outside_the_period() -> None:
    bad(
        GOOD.replace('every = "month", day = 1', 'every = "week", day = 9'),
        "plan.deposits",
        "day 9 does not exist in a week",
    )


def test_missing_tables() -> None:
    bad("[pie]\nname='x'\nslices=[{ticker='A', weight=1}]\n", "[plan] is missing")


def test_bad_ticker() -> None:
    bad(
        GOOD.replace('ticker = "SPY"', 'ticker = "S P Y"'),
        "pie.slices[1].ticker",
        "not a ticker",
    )


def test_bad_claim_horizon_and_side() -> None:
    claim = (
        '\n[[claims]]\nid = "c"\nlong = ["Energy"]\nshort = ["SPY"]\nhorizon = "{h}"\n'
    )
    parse_pie(GOOD + claim.format(h="6M"))
    bad(GOOD + claim.format(h="6 months"), "claims[0].horizon", "'6 months'")
    bad(
        GOOD + claim.format(h="6M").replace('["Energy"]', '["Big Energy"]'),
        "claims",
        "neither a theme",
    )


def test_benchmark_inline_pie_is_validated_with_its_name() -> None:
    text = GOOD.replace(
        '"S&P 500" = "SPY"',
        '"S&P 500" = "SPY"\nmix = { slices = [{ ticker = "A", weight = 0.5 }, { ticker = "B", weight = 0.4 }] }',
    )
    bad(text, "benchmarks.mix.slices", "sum to 0.9")


def test_same_ticker_in_two_themes_is_summed_with_a_note() -> None:
    text = GOOD.replace(
        '{ ticker = "XOM", weight = 0.5 }', '{ ticker = "SPY", weight = 0.5 }'
    )
    spec = parse_pie(text)
    assert spec.pie.effective_weights() == pytest.approx({"CVX": 0.3, "SPY": 0.7})
    (note,) = spec.pie.notes()
    assert "SPY appears 2 times" in note


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file"):
        load_pie(tmp_path / "nope.toml")


@pytest.mark.parametrize("name", ["ai-energy-2026", "three-fund", "sixty-forty"])
def test_examples_load_and_round_trip(examples_dir: Path, name: str) -> None:
    spec = load_pie(examples_dir / f"{name}.toml")
    assert spec.source == examples_dir / f"{name}.toml"
    again = PieSpec.model_validate(spec.model_dump(mode="json"))
    assert again.model_dump() == spec.model_dump()
    assert math.fsum(spec.pie.effective_weights().values()) == pytest.approx(
        1, abs=1e-12
    )


def test_ai_energy_example_holds_the_thesis(examples_dir: Path) -> None:
    spec = load_pie(examples_dir / "ai-energy-2026.toml")
    tickers = set(spec.pie.effective_weights())
    assert {
        "CVX",
        "XOM",
        "BE",
        "NEE",
        "CEG",
        "VST",
        "ETN",
        "PWR",
        "GEV",
        "FCX",
        "SCCO",
        "PAAS",
        "MP",
        "IWM",
    } == tickers
    assert {b.name: b.ticker for b in spec.benchmarks if b.ticker} == {
        "S&P 500": "SPY",
        "Russell 2000": "IWM",
        "Semiconductors": "SMH",
    }
    assert spec.plan.initial == 1000
    assert spec.plan.deposits is not None and spec.plan.deposits.amount == 100
    assert len(spec.claims) >= 2


@pytest.mark.parametrize(
    ("word", "policy", "every"),
    [
        ("none", "none", None),
        ("deposits", "deposits", None),
        ("monthly", "calendar", "month"),
        ("quarterly", "calendar", "quarter"),
        ("yearly", "calendar", "year"),
    ],
)
def test_rebalance_words(word: str, policy: str, every: str | None) -> None:
    r = Rebalance.model_validate(word)
    assert r.policy.value == policy
    assert getattr(r, "every", None) == every  # only a calendar has one


def test_plan_in_words() -> None:
    spec = parse_pie(GOOD)
    assert plan_words(spec.plan, "EUR") == (
        "1,000 EUR on 2020-01-02, then 100 EUR on the first trading day of each "
        "month, rebalanced when a slice drifts 5 points; until the latest data."
    )


@st.composite
def weight_lists(draw: st.DrawFn) -> list[float]:
    raw = draw(st.lists(st.integers(1, 1000), min_size=1, max_size=8))
    return [r / sum(raw) for r in raw]


@given(outer=weight_lists(), inner=weight_lists())
def test_effective_weights_are_products_and_sum_to_one(
    outer: list[float], inner: list[float]
) -> None:
    # The first top-level slice is a theme holding `inner`; the rest are tickers.
    inner_toml = ", ".join(
        f'{{ ticker = "I{i}", weight = {w!r} }}' for i, w in enumerate(inner)
    )
    slices = [
        f'[[pie.slices]]\nname = "T"\nweight = {outer[0]!r}\nslices = [{inner_toml}]\n'
    ]
    slices += [
        f'[[pie.slices]]\nticker = "O{i}"\nweight = {w!r}\n'
        for i, w in enumerate(outer[1:])
    ]
    text = (
        '[pie]\nname = "h"\n'
        + "".join(slices)
        + "[plan]\nstart = 2020-01-01\ninitial = 1\n"
    )
    try:
        spec = parse_pie(text)
    except SpecError as exc:  # float rounding of r/sum may exceed 1e-9 only if broken
        raise AssertionError(str(exc)) from exc
    eff = spec.pie.effective_weights()
    for i, w in enumerate(inner):
        assert eff[f"I{i}"] == pytest.approx(outer[0] * w, rel=1e-12)
    assert math.fsum(eff.values()) == pytest.approx(1.0, abs=1e-9)


def test_series_and_proxies_of_the_example(examples_dir: Path) -> None:
    spec = load_pie(examples_dir / "ai-energy-2026.toml")
    series = spec.series()
    assert list(series) == [
        "AI energy 2026", "S&P 500", "Russell 2000", "Semiconductors",
        "Data centers & chips",
    ]  # fmt: skip
    assert series["AI energy 2026"] == spec.pie.effective_weights()
    assert series["S&P 500"] == {"SPY": 1.0}
    assert spec.pie.proxies() == {
        "BE": "IWM",
        "CEG": "XLU",
        "VST": "NRG",
        "GEV": "ETN",
        "MP": "FCX",
    }


# ------------------------------------------------ bounds: what `run` used to crash on


def _nested_themes(depth: int) -> str:
    """GOOD with CVX ``depth`` levels of slices down (Energy is level 1)."""
    inner = '{ ticker = "CVX", weight = 1.0 }'
    for level in range(depth - 2):
        inner = f'{{ name = "t{level}", weight = 1.0, slices = [{inner}] }}'
    return GOOD.replace(
        'slices = [\n  { ticker = "CVX", weight = 0.5 },\n'
        '  { ticker = "XOM", weight = 0.5 },\n]',
        f"slices = [{inner}]",
    )


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("initial = 1000", "initial = 1e308", ("plan.initial", "1000000000000", "1e+308")),
        ("amount = 100,", "amount = 1e13,", ("plan.deposits.amount", "1000000000000")),
        ("start = 2020-01-02", "start = 0001-01-01", ("plan.start", "outside 1900-01-01..2199-12-31", "0001-01-01")),
        ("start = 2020-01-02", "start = 1800-01-01", ("plan.start", "outside 1900-01-01")),
        # An integer is not a date: pydantic alone reads it as seconds after 1970.
        ("start = 2020-01-02", "start = 1800", ("plan.start", "expected a date YYYY-MM-DD", "found 1800")),
        ("start = 2020-01-02", "start = 86400", ("plan.start", "expected a date YYYY-MM-DD")),
        ("start = 2020-01-02", "start = 2020-01-02T10:00:00", ("plan.start", "expected a date YYYY-MM-DD")),
        ('name = "Test pie"', f'name = "{"x" * 5000}"', ("pie.name", "at most 100 characters", "...")),
        ('name = "Energy"', f'name = "{"e" * 101}"', ("pie.slices[0].name", "at most 100 characters")),
        ('"S&P 500" = "SPY"', f'"{"s" * 101}" = "SPY"', ("benchmarks.", "at most 100 characters")),
        ('name = "Test pie"', 'name = "a\\u0000b"', ("pie.name", "control character '\\x00'")),
        ('name = "Test pie"', 'name = "\\u001b[31mred"', ("pie.name", "control character '\\x1b'")),
        # Numbers written as strings are errors, as TOML users expect.
        ("weight = 0.6", 'weight = "0.6"', ("pie.slices[0].weight", "a number written as text", "'0.6'")),
        ("initial = 1000", 'initial = "1000"', ("plan.initial", "a number written as text")),
        ("day = 1", 'day = "1"', ("plan.deposits.day", "a number written as text")),
        ("band = 0.05", 'band = "0.05"', ("plan.rebalance.band", "a number written as text")),
        ("day = 1", "day = 1.5", ("plan.deposits.day",)),
    ],
)  # fmt: skip
def test_values_past_the_bounds_name_key_and_bound(
    old: str, new: str, fragments: tuple[str, ...]
) -> None:
    assert old in GOOD
    bad(GOOD.replace(old, new, 1), *fragments)


def test_bounds_themselves_are_accepted() -> None:
    text = (
        GOOD.replace("initial = 1000", "initial = 1e12")
        .replace("start = 2020-01-02", 'start = "1900-01-01"')
        .replace('name = "Test pie"', f'name = "{"x" * 100}"')
    )
    spec = parse_pie(text + _claim("100Y"))
    assert spec.plan.initial == 1e12
    assert spec.plan.start.isoformat() == "1900-01-01"
    assert spec.claims[0].horizon == "100Y"
    # A thesis may span lines: newlines and tabs are text, not control.
    parse_pie(GOOD.replace('currency = "EUR"', 'currency = "EUR"\nthesis = "a\\n\\tb"'))


def _claim(horizon: str) -> str:
    return f'\n[[claims]]\nid = "c"\nlong = ["Energy"]\nshort = ["SPY"]\nhorizon = "{horizon}"\n'


@pytest.mark.parametrize(
    ("horizon", "fragment"),
    [
        (
            "99999999999Y",
            "'99999999999Y' is longer than a hundred years; expected at most 100Y",
        ),
        ("1201M", "expected at most 1200M"),
        ("0Y", "'0Y' is not a period"),
        ("9" * 5000 + "Y", "is not a period"),
    ],
)
def test_claim_horizon_is_bounded(horizon: str, fragment: str) -> None:
    bad(GOOD + _claim(horizon), "claims[0].horizon", fragment)


def test_theme_depth_is_bounded() -> None:
    assert parse_pie(_nested_themes(10)).pie.effective_weights()[
        "CVX"
    ] == pytest.approx(0.6)
    bad(_nested_themes(11), "pie.slices", "themes nest more than 10 levels deep")


@pytest.mark.parametrize("depth", [40, 2000])
def test_deep_nesting_is_an_error_not_a_recursion_error(depth: int) -> None:
    bad(_nested_themes(depth), "nest deeper than 64 levels")


@pytest.mark.parametrize("depth", [100, 5000])
def test_deep_arrays_are_an_error_not_a_recursion_error(depth: int) -> None:
    deep = "[" * depth + '"SPY"' + "]" * depth
    bad(
        GOOD + _claim("6M").replace('short = ["SPY"]', f"short = {deep}"),
        "nest deeper than 64 levels",
    )
