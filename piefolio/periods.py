"""Periods written as a count and a unit: ``"10D"``, ``"2W"``, ``"6M"``, ``"3Y"``.

The spec uses them for claim horizons, lookbacks and refit periods; the sweep for
fixed horizons. ``D`` counts calendar days here; callers that mean trading days
(a claim's ``"20D"``) count rows themselves.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["period_offset"]

_UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}


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
