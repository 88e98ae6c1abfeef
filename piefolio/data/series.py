"""One stored series as its source dates it: the read API for economic data.

A macro series (US CPI, a copper price, construction spending) is read back
exactly as stored: a monthly series has one value a month, dated as FRED dates
it (the first of the month), and is never forward-filled into daily rows, whose
"moves" between two prints would be invented. A ticker's stored prices read the
same way (its total-return close, on its trading days), so an indicator may be
``relative:SPY`` as well as ``PCOPPUSDM``.

Staleness: a series that has not printed for longer than its frequency allows
(:data:`STALE_AFTER`, which includes the usual publication lag) is stale.

Example
-------
>>> from piefolio.data.series import read_series   # doctest: +SKIP
>>> cpi = read_series(store, "CPIAUCSL")            # doctest: +SKIP
>>> cpi.frequency, cpi.unit, cpi.last_date          # doctest: +SKIP
('monthly', 'index 1982-84=100', datetime.date(2026, 7, 1))
>>> cpi.is_stale(dt.date(2026, 12, 2))              # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, cast, get_args

import numpy as np
import pandas as pd

from piefolio.errors import DataUnavailable

if TYPE_CHECKING:
    from piefolio.data.store import Store, SymbolInfo

__all__ = [
    "CHECKED_FROM",
    "FREQUENCIES",
    "STALE_AFTER",
    "Frequency",
    "StoredSeries",
    "infer_frequency",
    "is_stale",
    "read_series",
    "resolve_frequency",
]

#: How often a series prints.
Frequency = Literal[
    "daily", "weekly", "biweekly", "monthly", "quarterly", "semiannual", "annual"
]
FREQUENCIES: tuple[str, ...] = get_args(Frequency)

#: Days from a series' last observation date after which it is stale: one
#: period plus the publication lag its agencies usually need (a monthly
#: construction-spending figure is published two months after the month it is
#: dated, so its last date is up to ~3 months old on a normal day).
STALE_AFTER: Mapping[str, int] = MappingProxyType(
    {
        "daily": 10,
        "weekly": 21,
        "biweekly": 35,
        "monthly": 100,
        "quarterly": 200,
        "semiannual": 400,
        "annual": 800,
    }
)

# Upper bounds of the typical gap, in days, for each frequency.
_GAP_BOUND = (
    (4.0, "daily"),
    (10.0, "weekly"),
    (20.0, "biweekly"),
    (45.0, "monthly"),
    (135.0, "quarterly"),
    (270.0, "semiannual"),
    (400.0, "annual"),
)


@dataclass(frozen=True, slots=True, eq=False)
class StoredSeries:
    """One stored series, on the dates its source gives.

    ``eq=False``: ``values`` is a Series, whose ``==`` is element-wise.

    Attributes
    ----------
    id : str
        The stored symbol: a FRED id (``CPIAUCSL``), an imported name
        (``WB_SILVER``) or a ticker (``SPY``).
    values : pandas.Series
        float64, shape (T,), T >= 1, indexed by a strictly increasing tz-naive
        ``DatetimeIndex`` named ``date``: the observation dates, and only them
        (no NaN: a missing observation has no row). For a ticker, its
        total-return close (the adjusted close, else the close).
    frequency : str
        One of :data:`FREQUENCIES`, as stored with the series; inferred from
        the dates for a series stored without one (a ticker's prices: daily).
    unit : str
        What one value measures (``"USD per metric ton"``); "" when unknown.
    source : str
        Where the stored rows come from (``fred``, ``file:NAME``); the latest
        writer when several.
    name : str
        The source's name of the series, "" when none.
    """

    id: str
    values: pd.Series
    frequency: Frequency
    unit: str
    source: str
    name: str = ""

    def __post_init__(self) -> None:
        idx = self.values.index
        if not isinstance(idx, pd.DatetimeIndex) or idx.tz is not None:
            raise ValueError(f"{self.id}: values need a tz-naive DatetimeIndex")
        if len(idx) == 0:
            raise ValueError(f"{self.id}: a stored series has at least one value")
        if not idx.is_monotonic_increasing or not idx.is_unique:
            raise ValueError(f"{self.id}: dates must increase strictly")
        if self.values.isna().any():
            raise ValueError(f"{self.id}: a missing observation has no row, not NaN")
        if self.frequency not in FREQUENCIES:
            raise ValueError(
                f"{self.id}: frequency {self.frequency!r}; expected one of "
                f"{', '.join(FREQUENCIES)}"
            )

    @property
    def first_date(self) -> dt.date:
        """Date of the first observation."""
        return cast(pd.Timestamp, self.values.index[0]).date()

    @property
    def last_date(self) -> dt.date:
        """Date of the latest observation (as the source dates it)."""
        return cast(pd.Timestamp, self.values.index[-1]).date()

    @property
    def last_value(self) -> float:
        """The latest observation."""
        return float(self.values.iloc[-1])

    def stale_after(self) -> dt.timedelta:
        """Return how old the last observation may get before the series is stale."""
        return dt.timedelta(days=STALE_AFTER[self.frequency])

    def is_stale(self, as_of: dt.date) -> bool:
        """Whether the series has not printed for longer than its frequency allows.

        True when ``as_of - last_date`` exceeds :meth:`stale_after`.
        """
        return is_stale(self.last_date, self.frequency, as_of)

    def asof(self, day: dt.date) -> float:
        """Return the latest observation dated on or before ``day`` (NaN before any).

        A lookup, not a fill: the value is the one published for the period
        that ``day`` falls in or follows (CPI of July for any day of July).
        """
        pos = int(
            np.searchsorted(self.values.index.values, np.datetime64(day), "right")
        )
        return float(self.values.iloc[pos - 1]) if pos else float("nan")


def is_stale(last_date: dt.date, frequency: str, as_of: dt.date) -> bool:
    """Whether a series last dated ``last_date`` is stale on ``as_of``.

    True when more than ``STALE_AFTER[frequency]`` days lie between them.
    """
    return (as_of - last_date).days > STALE_AFTER[frequency]


def infer_frequency(dates: pd.DatetimeIndex) -> Frequency | None:
    """Infer how often a series prints from its observation dates.

    By the lower quartile of the gaps between dates (a missing observation
    only widens a gap, so the quartile sees the period through a few of
    them): up to 4 days daily (trading days), 10 weekly, 20 biweekly, 45
    monthly, 135 quarterly, 270 semiannual, 400 annual. None for fewer than
    two dates or wider gaps.

    Parameters
    ----------
    dates : DatetimeIndex
        Increasing observation dates.
    """
    if len(dates) < 2:
        return None
    gaps = np.diff(dates.values.astype("datetime64[D]").astype(np.int64))
    typical = float(np.percentile(gaps, 25))
    for bound, freq in _GAP_BOUND:
        if typical <= bound:
            return cast(Frequency, freq)
    return None


def resolve_frequency(
    symbol: str,
    dates: pd.DatetimeIndex,
    where: Sequence[str],
    declared: str | None = None,
) -> Frequency:
    """Return the frequency of an incoming series, checked against its dates.

    The declared one (a user's ``--frequency``, FRED's ``frequency_short``)
    wins, then a known id's (:mod:`piefolio.data.known_series`), then the one
    the dates show; a series of one date with neither is taken as daily.

    Parameters
    ----------
    symbol : str
    dates : DatetimeIndex
        Increasing observation dates, length T.
    where : sequence of str, length T
        Where each date came from (``"line 5"``), for messages.
    declared : str, optional

    Raises
    ------
    ValueError
        With a message for a person: a frequency that is none of
        :data:`FREQUENCIES`; dates that contradict it (from
        :data:`CHECKED_FROM` dates on: a daily id such as DHHNGSP given monthly
        averages); two observations in one month of a monthly series (one
        quarter, one year).
    """
    from piefolio.data.known_series import known_series

    known = known_series(symbol)
    shown = infer_frequency(dates)
    want = declared or (known.frequency if known else None) or shown or "daily"
    if want not in FREQUENCIES:
        raise ValueError(
            f"--frequency {want!r}; expected one of {', '.join(FREQUENCIES)}"
        )
    if shown is not None and shown != want and len(dates) >= CHECKED_FROM:
        why = "declared" if declared else "known"
        raise ValueError(
            f"{symbol}: its dates ({where[0]} to {where[-1]}) are {shown}, but "
            f"{symbol} is {why} as {want}; expected {want} dates"
        )
    period = _PERIOD.get(want)
    if period is not None:
        keys = dates.to_period(period)
        dup = keys.duplicated()
        if dup.any():
            i = int(np.argmax(dup))
            raise ValueError(
                f"{where[i]}: {symbol} has a second value for {keys[i]} "
                f"({dates[i].date()}); expected one value per "
                f"{_PERIOD_WORD[want]} of a {want} series"
            )
    return cast(Frequency, want)


#: Dates from which a series' spacing is held against its frequency (fewer
#: cannot tell a monthly series with a missing month from a quarterly one).
CHECKED_FROM = 5
_PERIOD = {"monthly": "M", "quarterly": "Q", "annual": "Y"}
_PERIOD_WORD = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


def read_series(
    store: Store,
    series_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> StoredSeries:
    """Read one stored series, on the dates it was stored with.

    Parameters
    ----------
    store : Store
    series_id : str
        The stored symbol, case-insensitive (``CPIAUCSL``, ``WB_SILVER``, ``SPY``).
    start, end : date, optional
        Keep observations dated within ``[start, end]`` (both included).

    Returns
    -------
    StoredSeries

    Raises
    ------
    DataUnavailable
        When the store holds no value of ``series_id`` in the range (exit 3),
        saying how to import it.
    """
    sym = series_id.strip().upper()
    info: list[SymbolInfo] = []
    meta: dict[str, tuple[str, str]] = {}
    day = np.empty(0, dtype=np.int64)
    price = np.empty(0)
    # One connection for metadata and rows: opening the file costs more than
    # reading a series, and a thesis reads a dozen.
    with store.reading() as reader:
        if reader is not None:
            info = reader.infos([sym], count=False)
            meta = reader.series_meta([sym])
            if info:
                _, day, cols = reader.arrays([sym], start, end, ["close", "adj_close"])
                price = np.where(
                    np.isnan(cols["adj_close"]), cols["close"], cols["adj_close"]
                )
    keep = ~np.isnan(price)
    if not keep.any():
        when = ""
        if info and (start or end):
            when = f" between {start or 'the start'} and {end or 'the end'}"
        raise DataUnavailable(
            f"{sym}: no stored values{when} in {store.path}; import it with "
            "`piefolio data import FILE` (FRED's DATE,VALUE download or a "
            "date,series,value file) or `piefolio data fetch "
            f"{sym} --provider fred`"
        )
    order = np.argsort(day[keep], kind="stable")
    dates = day[keep][order].astype("datetime64[D]").astype("datetime64[ns]")
    index = pd.DatetimeIndex(dates, name="date")
    values = pd.Series(price[keep][order], index=index, name=sym)
    freq, unit = meta.get(sym, (None, ""))
    if freq is None:
        freq = infer_frequency(index) or "daily"
    return StoredSeries(
        id=sym,
        values=values,
        frequency=cast(Frequency, freq),
        unit=unit,
        source=info[0].source,
        name=info[0].name,
    )
