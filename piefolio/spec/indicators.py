"""The ``[[indicators]]`` of a thesis: real-world series a claim depends on.

An indicator reads one stored series (a FRED id such as ``PCOPPUSDM`` or any
imported symbol), transforms it, and tests the result against one threshold::

    [[indicators]]
    id = "copper-up"
    claim = "metals-beat-market"   # the id of a [[claims]] entry
    series = "PCOPPUSDM"
    transform = "yoy"              # level | yoy | change:3M | relative:SPY
    above = 0.0                    # or below = ...
    means = "supports"             # supports | weakens

Transforms, written as text and read into a :class:`Transform`:

- ``level``: the series as it is, in its own unit;
- ``yoy``: the change over one year, a fraction (``change:1Y``);
- ``change:NM`` / ``change:NY``: the change over N months or years, a fraction;
- ``relative:SYMBOL``: the series' one-year change in units of SYMBOL's,
  ``(1 + R_series) / (1 + R_symbol) - 1`` (the claims' measure).

``means`` says what the condition holding tells about the claim: ``supports``
(the claim needs it to hold) or ``weakens`` (it holding is a warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from piefolio.spec._base import MAX_NAME, Number, Period, Prose, _Model

__all__ = ["Indicator", "Transform", "parse_transform"]

# A stored series: a FRED id is up to 30 characters (C30_PRIVATE_DATA_CENTER_SAAR).
_SERIES = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.\-=^_]{0,63}$")
_CHANGE = re.compile(r"^change:([0-9]{1,4})([MY])$")
# A hundred years, as for every other period of the spec.
_MAX_COUNT = {"M": 1200, "Y": 100}
_SHAPES = "level, yoy, change:3M (any count of M or Y) or relative:SYMBOL"


@dataclass(frozen=True, slots=True)
class Transform:
    """What an indicator does to its series before the threshold applies.

    Attributes
    ----------
    kind : {"level", "change", "relative"}
        ``level`` keeps the values; ``change`` is the fractional change over
        ``period``; ``relative`` is the change over ``period`` relative to
        ``symbol``'s change over the same dates.
    period : str or None
        ``"12M"``, ``"3M"``, ``"1Y"``...: how far back the change looks; None for
        a level.
    symbol : str or None
        The reference series of a relative transform.
    """

    kind: Literal["level", "change", "relative"]
    period: str | None = None
    symbol: str | None = None

    @property
    def is_fraction(self) -> bool:
        """Whether the transformed value is a fraction (shown as a percentage)."""
        return self.kind != "level"


def parse_transform(text: str) -> Transform:
    """Read a transform as written in a pie file.

    Parameters
    ----------
    text : str
        ``level``, ``yoy``, ``change:NM``, ``change:NY`` or ``relative:SYMBOL``.

    Returns
    -------
    Transform

    Raises
    ------
    ValueError
        ``text`` is none of these; the message lists them.
    """
    if text == "level":
        return Transform("level")
    if text == "yoy":
        return Transform("change", "12M")
    match = _CHANGE.match(text)
    if match is not None:
        count, unit = int(match[1]), match[2]
        if not 1 <= count <= _MAX_COUNT[unit]:
            raise ValueError(
                f"{text!r}: expected a count from 1 to {_MAX_COUNT[unit]} of {unit}"
            )
        return Transform("change", f"{count}{unit}")
    if text.startswith("relative:"):
        symbol = text.removeprefix("relative:")
        if not _SERIES.match(symbol):
            raise ValueError(
                f"{text!r}: {symbol!r} is not a ticker or series id; expected "
                "relative:SYMBOL, e.g. relative:SPY or relative:CPIAUCSL"
            )
        return Transform("relative", "12M", symbol.upper())
    raise ValueError(f"unknown transform {text!r}; expected {_SHAPES}")


class Indicator(_Model):
    """One ``[[indicators]]`` entry: a series, a transform, one threshold.

    The condition is ``value > above`` or ``value < below`` (exactly one of the
    two), on the transformed value: in the series' unit for ``level``, a
    fraction otherwise (``above = 0.1`` is a rise of more than 10 %).
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=MAX_NAME)
    claim: str
    series: str
    transform: str = "level"
    above: Number | None = None
    below: Number | None = None
    means: Literal["supports", "weakens"] = "supports"
    published: Period | None = None
    text: Prose = ""

    @field_validator("series")
    @classmethod
    def _series_shape(cls, value: str) -> str:
        if not _SERIES.match(value):
            raise ValueError(
                f"{value!r} is not a series id; expected letters, digits and "
                ". - = ^ _ (for example 'PCOPPUSDM', 'CPIAUCSL', 'SPY')"
            )
        return value.upper()

    @field_validator("transform")
    @classmethod
    def _transform_shape(cls, value: str) -> str:
        parse_transform(value)
        return value

    @model_validator(mode="after")
    def _one_threshold(self) -> Indicator:
        if (self.above is None) == (self.below is None):
            both = (
                "both 'above' and" if self.above is not None else "neither 'above' nor"
            )
            raise ValueError(f"has {both} 'below'; expected exactly one threshold")
        return self

    @property
    def rule(self) -> Transform:
        """The transform, read."""
        return parse_transform(self.transform)

    @property
    def threshold(self) -> float:
        """The threshold's value, whichever side it is on."""
        value = self.above if self.above is not None else self.below
        assert value is not None
        return value

    @property
    def side(self) -> Literal["above", "below"]:
        """Which side of the threshold the condition asks for."""
        return "above" if self.above is not None else "below"
