"""Boundary checks shared by the analytics modules.

Every public analytics function takes plain pandas objects; these helpers check the
traps that would otherwise give a silently wrong number (an unsorted index, a level
series with a zero or a negative value, two series on different dates) and raise a
``ValueError`` that names the argument, what was expected and what was found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["check_levels", "check_pair", "check_returns"]


def _check_index(series: pd.Series | pd.DataFrame, name: str) -> None:
    if not isinstance(series.index, pd.DatetimeIndex):
        raise ValueError(
            f"{name} must be indexed by dates (a pandas DatetimeIndex); "
            f"got an index of type {type(series.index).__name__}"
        )
    if not series.index.is_monotonic_increasing or series.index.has_duplicates:
        raise ValueError(f"{name} must have strictly increasing dates")


def check_levels(
    levels: pd.Series, name: str, *, min_length: int = 2, allow_zero: bool = False
) -> pd.Series:
    """Check a level series (NAV, unit value, index) and return it as float64.

    Parameters
    ----------
    levels : pd.Series, shape (n_days,)
        Values indexed by increasing dates; no NaN, all strictly positive.
    name : str
        Argument name used in error messages.
    min_length : int, default 2
        Fewest observations accepted.
    allow_zero : bool, default False
        Accept zeros (a NAV that ran out), still not negative values.

    Returns
    -------
    pd.Series
        The same values as ``float64``.

    Raises
    ------
    ValueError
        If the index is not increasing dates, a value is NaN or not positive, or
        the series is shorter than ``min_length``.
    """
    if not isinstance(levels, pd.Series):
        raise ValueError(f"{name} must be a pandas Series; got {type(levels).__name__}")
    _check_index(levels, name)
    if len(levels) < min_length:
        raise ValueError(
            f"{name} needs at least {min_length} dated values; got {len(levels)}"
        )
    values = levels.astype("float64")
    if values.isna().any():
        first = values.index[values.isna().to_numpy()][0]
        raise ValueError(f"{name} has a missing value on {first.date()}")
    bad = (values < 0) if allow_zero else (values <= 0)
    if bad.any():
        first = values.index[bad.to_numpy()][0]
        expected = "non-negative" if allow_zero else "strictly positive"
        raise ValueError(
            f"{name} must be {expected}; found {float(values[first])!r} on "
            f"{first.date()}"
        )
    return values


def check_returns(returns: pd.Series, name: str) -> pd.Series:
    """Check a daily simple-return series and return it as float64 without NaN.

    Parameters
    ----------
    returns : pd.Series, shape (n_days,)
        Simple returns indexed by increasing dates. NaN values are dropped (they
        are the missing first day of a ``pct_change``, not a zero return).
    name : str
        Argument name used in error messages.

    Returns
    -------
    pd.Series
        ``float64`` returns with NaN removed.

    Raises
    ------
    ValueError
        If the index is not increasing dates or a return is at or below -100 %.
    """
    if not isinstance(returns, pd.Series):
        raise ValueError(
            f"{name} must be a pandas Series; got {type(returns).__name__}"
        )
    _check_index(returns, name)
    values = returns.astype("float64").dropna()
    if (values <= -1.0).any() or not np.isfinite(values.to_numpy()).all():
        raise ValueError(f"{name} must hold finite simple returns above -100 %")
    return values


def check_pair(
    returns: pd.Series, benchmark_returns: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Check two return series share their dates exactly.

    Parameters
    ----------
    returns, benchmark_returns : pd.Series, shape (n_days,)
        Daily simple returns; after dropping NaN they must have identical dates
        (use :func:`piefolio.analytics.align_returns` to get there from two
        unit-value series).

    Returns
    -------
    tuple of pd.Series
        Both series as ``float64`` without NaN.

    Raises
    ------
    ValueError
        If the dates differ or fewer than 2 dates remain.
    """
    r = check_returns(returns, "returns")
    b = check_returns(benchmark_returns, "benchmark_returns")
    if not r.index.equals(b.index):
        raise ValueError(
            "returns and benchmark_returns must have the same dates; got "
            f"{len(r)} and {len(b)} dates, {len(r.index.difference(b.index))} "
            "not shared; align the unit values first with align_returns()"
        )
    if len(r) < 2:
        raise ValueError(f"need at least 2 common return dates; got {len(r)}")
    return r, b
