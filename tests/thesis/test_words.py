"""How an indicator's condition reads: a level's threshold carries its unit."""

from __future__ import annotations

from piefolio.spec import Indicator
from piefolio.thesis.words import condition_words


def _indicator(transform: str, **threshold: float) -> Indicator:
    return Indicator(
        id="gas-spike", claim="c", series="DHHNGSP", transform=transform, **threshold
    )


def test_a_level_names_the_unit_of_its_threshold() -> None:
    gas = _indicator("level", above=6.0)
    assert condition_words(gas, "USD per million Btu") == (
        "DHHNGSP level above 6 USD per million Btu"
    )
    # No unit stored: the number alone, not a guessed unit.
    assert condition_words(gas) == "DHHNGSP level above 6"


def test_a_change_is_a_percentage_whatever_the_unit() -> None:
    # A change of a price in USD is a fraction, not USD: no unit after it.
    up = _indicator("yoy", below=-0.05)
    assert condition_words(up, "USD per million Btu") == "DHHNGSP yoy below -5.0%"


def test_a_margin_between_fractions_is_in_points() -> None:
    from piefolio.thesis.words import margin_words

    # A 3-month change of -0.3 % against "below -5 %" misses by 4.7 points:
    # the margin of a 'below' is threshold - value = -0.05 - (-0.003) = -0.047.
    falling = _indicator("change:3M", below=-0.05)
    assert margin_words(-0.05 - (-0.003), falling) == "short by 4.7 pts"
    # A level's margin is in its unit: 2.82 against 6 misses by 3.18, in words,
    # not "holds by -3.18" beside a status that says "holds".
    assert margin_words(2.82 - 6.0, _indicator("level", above=6.0)) == "short by 3.18"
    assert margin_words(7.5 - 6.0, _indicator("level", above=6.0)) == "past by 1.5"
    assert margin_words(0.0, _indicator("level", above=6.0)) == "at it"
    # A price check: the relative return against 0.
    assert margin_words(0.16, None) == "past by 16.0 pts"
    assert margin_words(float("nan"), None) == "—"
