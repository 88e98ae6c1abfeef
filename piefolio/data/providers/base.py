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
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from piefolio.errors import ProviderError

__all__ = [
    "COLUMNS",
    "DIVIDEND_MAX",
    "LEVEL_RANGE",
    "PRICE_RANGE",
    "SPLIT_RANGE",
    "Provider",
    "RateLimited",
    "RawSeries",
    "TransientProviderError",
    "UnknownSymbol",
    "Unreachable",
    "ValueKind",
    "check_values",
    "make_frame",
]

#: Columns of :attr:`RawSeries.frame`, in this order.
COLUMNS: tuple[str, ...] = ("close", "adj_close", "dividend", "split")

#: Prices (and FX rates) outside this range are errors, not data: ``inf``,
#: ``1e308`` or ``1e-300`` break every return computed from them. The top
#: leaves room for a bitcoin in rupiah, the bottom for a sub-cent coin.
PRICE_RANGE = (1e-8, 1e12)
#: Values of an economic series: finite and within this range, but 0 or
#: negative too (a rate, a spread, a change, WTI crude on 2020-04-20).
LEVEL_RANGE = (-1e12, 1e12)
#: What ``close`` and ``adj_close`` of a frame hold: "price" (a ticker's or an
#: FX rate's, > 0 within :data:`PRICE_RANGE`) or "level" (an economic series'
#: value, within :data:`LEVEL_RANGE`).
ValueKind = Literal["price", "level"]
#: Largest cash dividend per share accepted (dividends are >= 0).
DIVIDEND_MAX = 1e12
#: Split ratios accepted: 1-for-a-million to a-million-for-1.
SPLIT_RANGE = (1e-6, 1e6)


class TransientProviderError(ProviderError):
    """A failure that may pass if retried later: timeout, network down, 5xx."""


class Unreachable(TransientProviderError):
    """The provider's host could not be reached at all (DNS, refused, no route).

    Not retried: the host is marked down for the rest of the run, so that an
    offline run costs seconds, not a round of back-off per symbol.
    """


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
    notes : tuple of str
        Remarks of the provider about this answer.
    frequency : str or None
        For an economic series (a FRED id, an imported macro series): how often
        it prints, one of :data:`piefolio.data.series.FREQUENCIES`; the store
        keeps it (and ``unit``) beside the rows. None for a ticker's prices.
    unit : str
        What one value measures (``"USD per metric ton"``, ``"index
        1982-84=100"``); empty when unknown.
    """

    symbol: str
    frame: pd.DataFrame
    currency: str
    source: str
    name: str = ""
    terms: str = ""
    notes: tuple[str, ...] = field(default=())
    frequency: str | None = None
    unit: str = ""

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
    what: str = "series",
    rows: Sequence[str] | None = None,
    kind: ValueKind = "price",
) -> pd.DataFrame:
    """Build a :class:`RawSeries` frame, checking every value.

    Parameters
    ----------
    dates : DatetimeIndex, length T
        Trading days; a time zone and a time of day are dropped.
    close, adj_close : array-like of length T, optional
        Prices; absent means all NaN. Present ones must lie in
        :data:`PRICE_RANGE` (``kind="level"``: :data:`LEVEL_RANGE`).
    dividend, split : array-like of length T, optional
        Absent means 0.0 (no dividend) and 1.0 (no split); NaN becomes the same,
        and so does a split of 0 (yfinance's "no split"). Dividends must be >= 0,
        splits within :data:`SPLIT_RANGE`.
    what : str
        Names the answer in messages: ``"CVX: Stooq"``.
    rows : sequence of str, length T, optional
        Where each row came from (``"line 5"``), for messages; default its date.
    kind : {"price", "level"}, default "price"
        See :data:`ValueKind`.

    Returns
    -------
    pandas.DataFrame
        Shape (T', 4), sorted by date; a row repeated with the same values is
        kept once.

    Raises
    ------
    ProviderError
        For a value out of range (naming the row, the column and the value) or
        one date given twice with different values.
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
    frame.loc[frame["split"] == 0.0, "split"] = 1.0
    labels = list(rows) if rows is not None else None
    check_values(frame, what, labels, kind=kind)
    if not frame.index.is_unique:
        frame = _drop_repeats(frame, what, labels)
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    return frame


def check_values(
    frame: pd.DataFrame,
    what: str,
    rows: Sequence[str] | None = None,
    *,
    kind: ValueKind = "price",
) -> None:
    """Raise :class:`ProviderError` for the first value out of its range.

    Prices NaN (absent) or within :data:`PRICE_RANGE` (levels of an economic
    series within :data:`LEVEL_RANGE`); dividends in ``[0, DIVIDEND_MAX]``;
    splits within :data:`SPLIT_RANGE`.
    """
    values = PRICE_RANGE if kind == "price" else LEVEL_RANGE
    checks = (
        ("close", *values, True),
        ("adj_close", *values, True),
        ("dividend", 0.0, DIVIDEND_MAX, False),
        ("split", *SPLIT_RANGE, False),
    )
    for name, lo, hi, may_be_nan in checks:
        v = frame[name].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            ok = (v >= lo) & (v <= hi)
        if may_be_nan:
            ok |= np.isnan(v)
        if not ok.all():
            i = int(np.argmin(ok))
            where = rows[i] if rows is not None else str(frame.index[i].date())
            raise ProviderError(
                f"{what}: {where}: {name} = {float(v[i])!r} is not a valid {name}; "
                f"expected {_expected(name, lo, hi)}"
            )


def _expected(name: str, lo: float, hi: float) -> str:
    if name == "dividend":
        return f"0 (none) up to {hi:g}"
    if name == "split":
        return f"a ratio from {lo:g} to {hi:g} (2.0 for a 2-for-1)"
    if lo < 0:
        return f"a finite value from {lo:g} to {hi:g}"
    return f"a price from {lo:g} to {hi:g}"


def _drop_repeats(
    frame: pd.DataFrame, what: str, rows: Sequence[str] | None
) -> pd.DataFrame:
    """Keep a date given twice with the same values once; differing is an error."""
    flat = frame.reset_index()
    same = flat.duplicated(keep="first").to_numpy()
    dup_date = flat["date"].duplicated(keep=False).to_numpy()
    clash = dup_date & ~flat.duplicated(keep=False).to_numpy()
    if clash.any():
        i = int(np.argmax(clash))
        day = flat["date"].iloc[i]
        both = flat.index[(flat["date"] == day).to_numpy()]
        shown = [rows[j] if rows is not None else f"row {j + 1}" for j in both[:2]]
        closes = [repr(float(flat["close"].iloc[j])) for j in both[:2]]
        raise ProviderError(
            f"{what}: {day.date()} appears twice with different values ("
            + " and ".join(
                f"close {c} on {r}" for c, r in zip(closes, shown, strict=True)
            )
            + "); expected one row per day"
        )
    return frame[~same]


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
