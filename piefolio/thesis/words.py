"""How an indicator's values and conditions read, in the house's number style.

A transformed value that is a fraction (a change, a relative change) reads as a
signed percentage through :func:`piefolio.report.format.percent`; a level reads
in the series' own unit with four significant digits. NaN reads as the dash.
"""

from __future__ import annotations

import math

from piefolio.report.format import DASH, percent
from piefolio.spec import Indicator

__all__ = ["condition_words", "margin_words", "value_words"]


def value_words(value: float, indicator: Indicator) -> str:
    """Write one transformed value of ``indicator`` (``"+12.0%"``, ``"0.1971"``)."""
    if indicator.rule.is_fraction:
        return percent(value, signed=True)
    if value is None or not math.isfinite(value):
        return DASH
    return f"{value:,.4g}"


def margin_words(value: float, indicator: Indicator | None) -> str:
    """Write where a value stands against its threshold (``"short by 4.7 pts"``).

    ``value`` is the margin toward the condition's side: positive, the value is
    past the threshold (``"past by 3.18"``); negative, short of it (``"short by
    3.18"``); zero, ``"at it"``. Words, not a sign: a "weakens" indicator short
    of its threshold holds its claim, and "holds by -3.18" read as two things.
    Between two fractions the distance is in percentage points, not a percent
    of anything; a level's is in the series' unit. ``indicator`` None is a price
    check (a relative return against 0).
    """
    if value is None or not math.isfinite(value):
        return DASH
    if value == 0:
        return "at it"
    side = "past" if value > 0 else "short"
    if indicator is not None and not indicator.rule.is_fraction:
        return f"{side} by {value_words(abs(value), indicator)}"
    return f"{side} by {percent(abs(value)).removesuffix('%')} pts"


def condition_words(indicator: Indicator, unit: str = "") -> str:
    """Write the condition: ``"PCOPPUSDM yoy above +0.0%"``.

    A level's threshold is in the series' ``unit``, written after it when known
    (``"DHHNGSP level above 6 USD per million Btu"``).
    """
    shown = value_words(indicator.threshold, indicator)
    if unit and not indicator.rule.is_fraction:
        shown = f"{shown} {unit}"
    return f"{indicator.series} {indicator.transform} {indicator.side} {shown}"
