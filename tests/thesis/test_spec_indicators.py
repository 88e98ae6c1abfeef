"""[[indicators]] in the pie file: valid tables load, each bad one names file and key."""

from __future__ import annotations

import pytest

from piefolio.errors import SpecError
from piefolio.spec import Transform, parse_pie, parse_transform

PIE = """
[pie]
name = "Test pie"
[[pie.slices]]
name = "Energy"
weight = 0.6
slices = [{ ticker = "CVX", weight = 0.5 }, { ticker = "XOM", weight = 0.5 }]
[[pie.slices]]
ticker = "SPY"
weight = 0.4
[benchmarks]
"S&P 500" = "SPY"
[plan]
start = 2020-01-02
initial = 1000

[[claims]]
id = "energy-wins"
long = ["Energy"]
short = ["SPY"]

[[claims]]
id = "copper-scarce"
text = "Copper demand outruns supply."
"""

COPPER = """
[[indicators]]
id = "copper-up"
claim = "copper-scarce"
series = "PCOPPUSDM"
transform = "yoy"
above = 0.0
means = "supports"
"""


def bad(text: str, *fragments: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_pie(text, source="pie.toml")
    message = str(info.value)
    assert message.startswith("pie.toml: "), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def test_indicators_load_and_a_claim_may_have_indicators_only() -> None:
    spec = parse_pie(PIE + COPPER)
    (ind,) = spec.indicators
    assert (ind.id, ind.claim, ind.series, ind.side, ind.threshold) == (
        "copper-up",
        "copper-scarce",
        "PCOPPUSDM",
        "above",
        0.0,
    )
    assert ind.rule == Transform("change", "12M")
    assert not spec.claims[1].has_price_check
    assert spec.claims[0].has_price_check
    assert spec.indicators_of("copper-scarce") == (ind,)
    assert spec.indicators_of("energy-wins") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("level", Transform("level")),
        ("yoy", Transform("change", "12M")),
        ("change:3M", Transform("change", "3M")),
        ("change:2Y", Transform("change", "2Y")),
        ("relative:spy", Transform("relative", "12M", "SPY")),
        (
            "relative:C30_PRIVATE_DATA_CENTER_SAAR",
            Transform("relative", "12M", "C30_PRIVATE_DATA_CENTER_SAAR"),
        ),
    ],
)
def test_transforms_read(text: str, expected: Transform) -> None:
    assert parse_transform(text) == expected


@pytest.mark.parametrize(
    "text", ["log", "change:3D", "change:0M", "change:M", "relative:", "relative:S P"]
)
def test_unknown_transform_names_file_and_key(text: str) -> None:
    bad(PIE + COPPER.replace('"yoy"', f'"{text}"'), "indicators[0].transform")


def test_both_or_neither_threshold_is_an_error() -> None:
    bad(
        PIE + COPPER.replace("above = 0.0", "above = 0.0\nbelow = 1.0"),
        "indicators[0]",
        "both 'above' and 'below'",
    )
    bad(
        PIE + COPPER.replace("above = 0.0", ""),
        "indicators[0]",
        "neither 'above' nor 'below'",
    )


def test_unknown_claim_is_named_with_a_suggestion() -> None:
    bad(
        PIE + COPPER.replace('claim = "copper-scarce"', 'claim = "copper-scarse"'),
        "indicators[0].claim",
        "'copper-scarse'",
        "did you mean 'copper-scarce'",
    )


def test_duplicate_indicator_ids_are_an_error() -> None:
    bad(PIE + COPPER + COPPER, "indicators[1].id", "used twice")


def test_bad_means_series_and_unknown_key() -> None:
    bad(PIE + COPPER.replace('"supports"', '"helps"'), "indicators[0].means")
    bad(PIE + COPPER.replace('"PCOPPUSDM"', '"PC OPP"'), "indicators[0].series")
    bad(PIE + COPPER.replace("means", "meaning"), "indicators[0]", "unknown key")
    bad(PIE + COPPER.replace("above = 0.0", 'above = "0"'), "indicators[0].above")
    late = COPPER.replace("above = 0.0", 'above = 0.0\npublished = "soon"')
    bad(PIE + late, "indicators[0].published", "not a period")


def test_a_claim_without_sides_needs_an_indicator() -> None:
    bad(PIE, "claims[1]", "'copper-scarce'", "no [[indicators]]")


def test_a_claim_with_one_side_only_is_an_error() -> None:
    bad(
        PIE.replace('short = ["SPY"]\n', ""),
        "claims[0]",
        "'long' but no 'short'",
    )


def test_claims_check_leaves_out_a_claim_without_sides() -> None:
    import numpy as np
    import pandas as pd

    from piefolio.scenarios import check_claims

    spec = parse_pie(PIE + COPPER)
    days = pd.bdate_range("2020-01-02", periods=300)
    prices = pd.DataFrame(
        {
            t: np.linspace(100, 100 + k, 300)
            for k, t in enumerate(["CVX", "XOM", "SPY"])
        },
        index=days,
    )
    checks = check_claims(spec, prices)
    assert [c.claim.id for c in checks] == ["energy-wins"]
    only_world = parse_pie(
        PIE.replace('long = ["Energy"]\nshort = ["SPY"]\n', "")
        + COPPER.replace("copper-scarce", "energy-wins").replace(
            'id = "copper-up"', 'id = "c2"'
        )
        + COPPER
    )
    with pytest.raises(SpecError, match="piefolio thesis"):
        check_claims(only_world, prices)


def test_the_templates_commented_indicator_is_valid_once_uncommented() -> None:
    import re

    from piefolio.template import render_template

    text = render_template("Mine")
    assert parse_pie(text).indicators == ()
    start = text.index("# [[indicators]]")
    block = re.sub(r"^# ", "", text[start:], flags=re.MULTILINE)
    (ind,) = parse_pie(text[:start] + block).indicators
    assert (ind.series, ind.side, ind.threshold) == ("CPIAUCSL", "below", 0.04)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The counts' bounds themselves: 1 and a hundred years, either unit.
        ("change:1M", Transform("change", "1M")),
        ("change:1200M", Transform("change", "1200M")),
        ("change:1Y", Transform("change", "1Y")),
        ("change:100Y", Transform("change", "100Y")),
    ],
)
def test_change_counts_at_the_bounds_are_read(text: str, expected: Transform) -> None:
    assert parse_transform(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("change:0M", "'change:0M': expected a count from 1 to 1200 of M"),
        ("change:1201M", "'change:1201M': expected a count from 1 to 1200 of M"),
        ("change:101Y", "'change:101Y': expected a count from 1 to 100 of Y"),
        (
            "relative:S P",
            "'relative:S P': 'S P' is not a ticker or series id; expected "
            "relative:SYMBOL, e.g. relative:SPY or relative:CPIAUCSL",
        ),
        (
            "log",
            "unknown transform 'log'; expected level, yoy, change:3M (any count "
            "of M or Y) or relative:SYMBOL",
        ),
    ],
)
def test_a_bad_transform_says_what_is_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_transform(text)
    assert str(info.value) == message
