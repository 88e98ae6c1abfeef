"""The one interface every price provider implements, and the series it returns.

Conventions for every provider:

- Dates are exchange-local trading days, as tz-naive ``datetime64[ns]`` at midnight;
  the intraday time and the time zone of a provider are dropped on purpose, since a
  daily close belongs to a day, not to an instant.
- ``close`` is the close as traded (split-adjusted where the provider adjusts
  splits, as Yahoo does), ``adj_close`` the total-return close (splits and
  dividends), both in the series' ``currency`` per share (per unit for FX).
- ``dividend`` is the cash paid per share on its ex-date (0.0 on other days),
  ``split`` the split ratio on its date (2.0 for a 2-for-1, 1.0 on other days).
- Provider failures are :class:`ProviderError`; :class:`TransientProviderError`
  (timeouts, rate limits, 5xx) is worth retrying, anything else is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from piefolio.errors import ProviderError

__all__ = [
    "COLUMNS",
    "Provider",
    "RateLimited",
    "RawSeries",
    "TransientProviderError",
    "UnknownSymbol",
    "make_frame",
]

#: Columns of :attr:`RawSeries.frame`, in this order.
COLUMNS: tuple[str, ...] = ("close", "adj_close", "dividend", "split")


class TransientProviderError(ProviderError):
    """A failure that may pass if retried later: timeout, network down, 5xx."""


class RateLimited(TransientProviderError):
    """The provider refused more requests for now (HTTP 429 or its equivalent)."""


class UnknownSymbol(ProviderError):
    """The provider does not know the symbol, or has no prices for it."""


@dataclass(frozen=True, slots=True, eq=False)
class RawSeries:
    """Daily prices of one symbol as a provider returned them.

    ``eq=False``: the frame holds arrays, whose ``==`` is element-wise.

    Attributes
    ----------
    symbol : str
        The piefolio symbol (Yahoo spelling: ``CVX``, ``ASML.AS``, ``EURUSD=X``).
    frame : pandas.DataFrame
        Shape (T, 4): index of T unique, increasing, tz-naive dates named ``date``;
        columns :data:`COLUMNS`. ``close`` and ``adj_close`` are > 0 where present;
        either may be NaN on a day (a provider that has only one of them repeats
        nothing: the other column is all NaN). ``dividend`` >= 0, ``split`` > 0.
    currency : str
        ISO 4217 code of the prices (the quote currency for an FX pair).
    source : str
        Provider name (``yahoo``, ``stooq``, ``fred``, ``file:NAME``, ``sample``).
    name : str
        Human-readable name, when the provider gives one.
    terms : str
        Terms of use of the data, shown by ``piefolio data info``.
    """

    symbol: str
    frame: pd.DataFrame
    currency: str
    source: str
    name: str = ""
    terms: str = ""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        frame = self.frame
        if list(frame.columns) != list(COLUMNS):
            raise ValueError(
                f"{self.symbol}: RawSeries columns are {list(frame.columns)}; "
                f"expected {list(COLUMNS)}"
            )
        if not isinstance(frame.index, pd.DatetimeIndex) or frame.index.tz is not None:
            raise ValueError(f"{self.symbol}: RawSeries needs a tz-naive DatetimeIndex")
        if not frame.index.is_monotonic_increasing or not frame.index.is_unique:
            raise ValueError(f"{self.symbol}: RawSeries dates must increase strictly")

    @property
    def first_date(self) -> dt.date | None:
        """First day with a price, or None for an empty series."""
        return None if self.frame.empty else self.frame.index[0].date()

    @property
    def last_date(self) -> dt.date | None:
        """Last day with a price, or None for an empty series."""
        return None if self.frame.empty else self.frame.index[-1].date()


def make_frame(
    dates: pd.DatetimeIndex,
    *,
    close: object = None,
    adj_close: object = None,
    dividend: object = None,
    split: object = None,
) -> pd.DataFrame:
    """Build a :class:`RawSeries` frame, filling absent columns with their defaults.

    Parameters
    ----------
    dates : DatetimeIndex, length T
        Trading days; a time zone and a time of day are dropped.
    close, adj_close : array-like of length T, optional
        Prices; absent means all NaN.
    dividend, split : array-like of length T, optional
        Absent means 0.0 (no dividend) and 1.0 (no split); NaN becomes the same.

    Returns
    -------
    pandas.DataFrame
        Shape (T, 4), sorted by date, duplicates dropped (last kept).
    """
    index = pd.DatetimeIndex(dates)
    if index.tz is not None:
        index = index.tz_localize(None)
    index = index.normalize().as_unit("ns").rename("date")
    n = len(index)

    def col(values: object, default: float) -> np.ndarray:
        if values is None:
            return np.full(n, default)
        arr = np.asarray(values, dtype=np.float64)
        return arr if np.isnan(default) else np.where(np.isnan(arr), default, arr)

    frame = pd.DataFrame(
        {
            "close": col(close, np.nan),
            "adj_close": col(adj_close, np.nan),
            "dividend": col(dividend, 0.0),
            "split": col(split, 1.0),
        },
        index=index,
    )
    # yfinance reports "no split" as 0.0; a zero ratio has no meaning, so it is 1.
    frame.loc[frame["split"] <= 0, "split"] = 1.0
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    return frame


@runtime_checkable
class Provider(Protocol):
    """A source of daily prices: ``fetch(symbols, start, end) -> list[RawSeries]``.

    Implementations raise :class:`UnknownSymbol` for a symbol they do not hold,
    :class:`TransientProviderError` for failures worth retrying, and
    :class:`ProviderError` for anything else (a malformed answer). They never
    write to the store and never print.
    """

    name: str

    def supports(self, symbol: str) -> bool:
        """Whether this provider can be asked for ``symbol`` at all."""
        ...

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Daily prices of ``symbols`` from ``start`` to ``end`` (both included)."""
        ...
