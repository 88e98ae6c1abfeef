"""Real (inflation-adjusted) returns: a run's money deflated by a price index.

Conventions
-----------
- **The index on its own dates.** A monthly price index (US CPI ``CPIAUCSL``,
  euro-area HICP ``CP0000EZ19M086NEST``) is dated as FRED dates it, the first
  day of the month it measures. Between two prints the level is interpolated
  **log-linearly in calendar days** (a constant rate between the prints, the
  same rate on every day of the span): no day gets a move of its own, and a
  missing month (October 2025 of the US CPI) is bridged by the same rule. A
  daily index is used as it is. Before the first print there is no level
  (NaN): a run that starts earlier has no real figures.
- **Past the last print the level is held**: days after the index's last date
  are deflated at that last level (no inflation assumed for them), and
  :meth:`RealReturns.note` says how many days that is. Nothing is extrapolated.
- **Money of the first day.** Real amounts are in the money of the run's first
  day: ``real_t = nominal_t * I_0 / I_t``. Deposits are deflated on the day
  they are made, so the real deposited total is what they were worth then.
- Real TWR divides the unit value by the index's growth; real XIRR is the one
  XIRR (:func:`piefolio.analytics.returns.money_weighted_return`) of the
  deflated flows and final value. Since both use calendar days / 365, an index
  growing ``(1 + i) ** (days / 365)`` turns a nominal annual rate ``r`` into
  ``(1 + r) / (1 + i) - 1`` exactly, for TWR and XIRR alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.analytics.returns import cagr, money_weighted_return, total_return

__all__ = [
    "INDEX_OF_CURRENCY",
    "PriceIndex",
    "RealReturns",
    "daily_index",
    "real_returns",
]

#: The price index of a base currency: FRED id and what it is.
INDEX_OF_CURRENCY: Mapping[str, tuple[str, str]] = {
    "USD": ("CPIAUCSL", "US CPI-U, all items, seasonally adjusted, BLS"),
    "EUR": ("CP0000EZ19M086NEST", "euro-area HICP, all items, Eurostat"),
}


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds a Series
class PriceIndex:
    """A stored price index.

    Attributes
    ----------
    name : str
        Its id (``"CPIAUCSL"``).
    label : str
        What it is, in words.
    values : pd.Series
        Levels (positive) by date, increasing dates; NaN rows are dropped.
    """

    name: str
    label: str
    values: pd.Series

    def __post_init__(self) -> None:
        levels = self.values.dropna().astype("float64")
        if levels.empty:
            raise ValueError(f"price index {self.name} has no value")
        if not isinstance(levels.index, pd.DatetimeIndex):
            raise ValueError(f"price index {self.name} must be indexed by dates")
        if not levels.index.is_monotonic_increasing or levels.index.has_duplicates:
            raise ValueError(f"price index {self.name}: dates must increase")
        if not (np.isfinite(levels.to_numpy()) & (levels.to_numpy() > 0)).all():
            raise ValueError(f"price index {self.name}: levels must be positive")
        object.__setattr__(self, "values", levels)

    @property
    def last(self) -> pd.Timestamp:
        """Date of the last print."""
        return pd.Timestamp(self.values.index[-1])

    @property
    def first(self) -> pd.Timestamp:
        """Date of the first print."""
        return pd.Timestamp(self.values.index[0])


def daily_index(index: PriceIndex, dates: pd.DatetimeIndex) -> pd.Series:
    """Return the index's level on each date, by the module's convention.

    Parameters
    ----------
    index : PriceIndex
        The prints.
    dates : pd.DatetimeIndex
        The days wanted (trading days of a run, say).

    Returns
    -------
    pd.Series
        Level on each of ``dates``: a print's own value on its date,
        log-linear in calendar days between two prints, the last print's value
        after it, NaN before the first print.
    """
    days = pd.DatetimeIndex(dates).normalize()
    known = index.values.index.normalize().to_numpy("datetime64[D]").astype("int64")
    asked = days.to_numpy("datetime64[D]").astype("int64")
    logs = np.interp(asked, known, np.log(index.values.to_numpy()))
    level = np.exp(logs)
    level[asked < known[0]] = np.nan
    return pd.Series(level, index=dates, name=index.name)


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class RealReturns:
    """A run's figures in money of its first day.

    Attributes
    ----------
    index : PriceIndex
        The index used.
    start, end : pd.Timestamp
        First and last day of the run; amounts are in money of ``start``.
    held_days : int
        Calendar days of the run after the index's last print (deflated at
        that last level); 0 when the index covers the run.
    summary : pd.DataFrame
        One row per series (the order given): ``final_value``, ``deposited``,
        ``withdrawn`` (money of ``start``), ``twr``, ``twr_annual`` and
        ``xirr`` (real, fractions).
    nav : pd.DataFrame
        Each series' value every day, in money of ``start``.
    """

    index: PriceIndex
    start: pd.Timestamp
    end: pd.Timestamp
    held_days: int
    summary: pd.DataFrame
    nav: pd.DataFrame

    @property
    def inflation(self) -> float:
        """Growth of the index over the run, a fraction (0.25 = prices +25 %)."""
        level = daily_index(self.index, pd.DatetimeIndex([self.start, self.end]))
        return float(level.iloc[1] / level.iloc[0] - 1.0)

    def note(self) -> str:
        """One sentence: the index, its last print, the money of which day."""
        held = (
            f"; the run's last {self.held_days} days come after it and are held "
            "at that level (no later print, none assumed)"
            if self.held_days > 0
            else ""
        )
        return (
            f"Real figures are deflated by {self.index.name} ({self.index.label}), "
            f"last print dated {self.index.last.date()}{held}. Amounts are in "
            f"money of {self.start.date()}; prices rose {self.inflation:.1%} over "
            "the run (bridged log-linearly between prints)."
        )


def real_returns(
    nav: pd.DataFrame,
    unit_value: pd.DataFrame,
    flows: Mapping[str, pd.Series],
    index: PriceIndex,
) -> RealReturns:
    """Deflate a run: final value, deposits, TWR and XIRR in real terms.

    Parameters
    ----------
    nav : pd.DataFrame, shape (n_days, n_series)
        Daily value of each series, base currency.
    unit_value : pd.DataFrame, shape (n_days, n_series)
        Time-weighted unit value of each series, same index and columns.
    flows : Mapping[str, pd.Series]
        Series name -> net money put in per date (deposits positive,
        withdrawals negative, the initial amount included), on dates of
        ``nav``.
    index : PriceIndex
        The price index of the base currency.

    Returns
    -------
    RealReturns

    Raises
    ------
    ValueError
        If the index starts after the run's first day (no level to deflate
        from), or ``nav`` is empty.
    """
    if nav.empty:
        raise ValueError("nav is empty")
    dates = pd.DatetimeIndex(nav.index)
    start, end = pd.Timestamp(dates[0]), pd.Timestamp(dates[-1])
    if index.first.normalize() > start.normalize():
        raise ValueError(
            f"{index.name} starts on {index.first.date()}, after the run's first "
            f"day {start.date()}"
        )
    level = daily_index(index, dates)
    factor = float(level.iloc[0]) / level  # money of day t -> money of day 0
    real_nav = nav.mul(factor, axis=0)
    real_unit = unit_value.mul(factor, axis=0)
    rows = {}
    for name in nav.columns:
        net = flows[name].astype("float64")
        at = daily_index(index, pd.DatetimeIndex(net.index))
        real_net = net * (float(level.iloc[0]) / at)
        rows[name] = {
            "final_value": float(real_nav[name].iloc[-1]),
            "deposited": float(real_net[real_net > 0].sum()),
            "withdrawn": float(-real_net[real_net < 0].sum()) + 0.0,
            "twr": total_return(real_unit[name]),
            "twr_annual": cagr(real_unit[name]),
            "xirr": money_weighted_return(real_nav[name], real_net),
        }
    held = max((end.normalize() - index.last.normalize()).days, 0)
    return RealReturns(
        index=index,
        start=start,
        end=end,
        held_days=held,
        summary=pd.DataFrame.from_dict(rows, orient="index"),
        nav=real_nav,
    )
