"""Periods written as a count and a unit: ``"10D"``, ``"2W"``, ``"6M"``, ``"3Y"``.

The spec uses them for claim horizons, lookbacks and refit periods; the sweep for
fixed horizons. ``D`` counts calendar days here; callers that mean trading days
(a claim's ``"20D"``) count rows themselves.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["MAX_PERIOD", "check_period", "period_offset"]

_UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}
_SHAPE = re.compile(r"^([0-9]{1,18})([DWMY])$")
# The longest period of each unit: a hundred years. Longer ones overflow the
# calendar arithmetic (99999999999Y) and no price history is that long.
MAX_PERIOD = {"D": 36_525, "W": 5_218, "M": 1_200, "Y": 100}


def check_period(value: str) -> str:
    """Return ``value`` if it is a period such as ``"6M"``, else raise ValueError.

    Parameters
    ----------
    value : str
        A count from 1 to :data:`MAX_PERIOD` of its unit, then D, W, M or Y.

    Raises
    ------
    ValueError
        The message says what was found and what a period looks like.
    """
    match = _SHAPE.match(value) if isinstance(value, str) else None
    if match is None or int(match[1]) == 0:
        raise ValueError(
            f"{value!r} is not a period; expected a count and a unit D/W/M/Y, "
            "e.g. '6M', '3Y', '20D'"
        )
    count, unit = int(match[1]), match[2]
    if count > MAX_PERIOD[unit]:
        raise ValueError(
            f"{value!r} is longer than a hundred years; expected at most "
            f"{MAX_PERIOD[unit]}{unit}"
        )
    return value


def period_offset(period: str, times: int = 1) -> pd.DateOffset:
    """Return the calendar offset of ``times`` periods such as ``"3Y"``.

    Parameters
    ----------
    period : str
        A positive count followed by D, W, M or Y (already validated by the spec).
    times : int
        Multiplier, e.g. 2 for two periods.

    Returns
    -------
    pd.DateOffset
    """
    n, unit = int(period[:-1]) * times, period[-1]
    return pd.DateOffset(**{_UNITS[unit]: n})  # type: ignore[arg-type]
