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
