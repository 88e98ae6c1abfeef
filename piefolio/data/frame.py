"""PriceFrame: prices of a pie's symbols, aligned and in the base currency.

Conventions:

- Rows are the union of the trading days of the symbols (not of the FX series), from
  the first to the last day asked; columns are symbols in a fixed order.
- A symbol's missing days after its first price are forward-filled, at most
  :data:`MAX_FILL` rows in a row; a longer gap stays NaN and is listed in
  :attr:`PriceFrame.gaps`. Days before a symbol's first price stay NaN.
- ``adjusted=True`` (dividends reinvested): prices are total-return closes (Yahoo's
  adjusted close) and ``dividends`` is None. ``adjusted=False`` (dividends paid as
  cash): prices are the traded closes (split-adjusted) and ``dividends`` holds the
  cash per share on each ex-date, converted with that day's FX rate.
- FX: ``fx[t, j]`` is base currency per 1 unit of symbol j's currency on day t
  (see :mod:`piefolio.data.fx`); ``base = local * fx``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.data.fx import dated_rate
from piefolio.typing import BoolArray, FloatArray, IntArray

__all__ = ["MAX_FILL", "Gap", "PriceFrame", "build_frame", "frame_from_rows"]

#: Longest run of missing trading days that is forward-filled.
MAX_FILL = 5


@dataclass(frozen=True, slots=True)
class Gap:
    """A run of more than :data:`MAX_FILL` missing trading days of one symbol.

    ``after`` is the last day with a price before the gap, ``until`` the next day
    with a price (None when the data stop early); ``days`` counts the frame's
    rows missing in between.
    """

    symbol: str
    after: dt.date
    until: dt.date | None
    days: int

    def __str__(self) -> str:
        end = self.until.isoformat() if self.until else "the end of the data"
        return (
            f"{self.symbol}: no price for {self.days} trading days after "
            f"{self.after.isoformat()} (until {end})"
        )


@dataclass(frozen=True, slots=True, eq=False)
class PriceFrame:
    """Aligned daily prices of N symbols over T days, in a base currency.

    ``eq=False``: fields are arrays, whose ``==`` is element-wise.

    Attributes
    ----------
    dates : DatetimeIndex, length T
        Trading days, increasing, tz-naive.
    symbols : tuple of str, length N
    base_currency : str
        ISO code of :attr:`base` and :attr:`dividends`.
    local : ndarray of shape (T, N)
        Prices in each symbol's own currency; NaN before its first price and in
        gaps longer than :data:`MAX_FILL` days.
    fx : ndarray of shape (T, N)
        Base currency per 1 unit of the symbol's currency, dated (1.0 for symbols
        already in the base currency).
    base : ndarray of shape (T, N)
        ``local * fx``: what the engine trades at.
    dividends : ndarray of shape (T, N) or None
        Cash dividend per share in base currency on ex-dates (0 elsewhere) when
        ``adjusted`` is False; None when dividends are inside adjusted prices.
    adjusted : bool
        True for total-return prices, False for traded closes plus dividends.
    currency : tuple of str, length N
        Each symbol's currency.
    first_date : tuple of date or None, length N
        First day with a price inside the frame (None: no price at all).
    fx_mask : ndarray of bool, shape (N,)
        True where the symbol is in a foreign currency (FX fees apply).
    gaps : tuple of Gap
        Gaps longer than :data:`MAX_FILL` trading days, left as NaN.
    sources : tuple of str, length N
        Where each symbol's prices came from.
    notes : tuple of str
        Things a user should know: stale data, missing FX, fallbacks.
    """

    dates: pd.DatetimeIndex
    symbols: tuple[str, ...]
    base_currency: str
    local: FloatArray
    fx: FloatArray
    base: FloatArray
    dividends: FloatArray | None
    adjusted: bool
    currency: tuple[str, ...]
    first_date: tuple[dt.date | None, ...]
    fx_mask: BoolArray
    gaps: tuple[Gap, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        t, n = len(self.dates), len(self.symbols)
        for name in ("local", "fx", "base"):
            shape = getattr(self, name).shape
            if shape != (t, n):
                raise ValueError(
                    f"PriceFrame.{name} has shape {shape}; expected {(t, n)}"
                )
        if self.dividends is not None and self.dividends.shape != (t, n):
            raise ValueError("PriceFrame.dividends must have shape (T, N)")
        if self.fx_mask.shape != (n,) or len(self.currency) != n:
            raise ValueError("PriceFrame.fx_mask and currency must have length N")

    @property
    def prices(self) -> pd.DataFrame:
        """Base-currency prices as a DataFrame (dates x symbols), for the engine."""
        return pd.DataFrame(self.base, index=self.dates, columns=list(self.symbols))

    def local_prices(self) -> pd.DataFrame:
        """Prices in each symbol's own currency (dates x symbols)."""
        return pd.DataFrame(self.local, index=self.dates, columns=list(self.symbols))

    def fx_rates(self) -> pd.DataFrame:
        """Dated FX rates, base per 1 local unit (dates x symbols)."""
        return pd.DataFrame(self.fx, index=self.dates, columns=list(self.symbols))

    def dividend_frame(self) -> pd.DataFrame | None:
        """Cash dividends per share in base currency, or None when reinvested."""
        if self.dividends is None:
            return None
        return pd.DataFrame(
            self.dividends, index=self.dates, columns=list(self.symbols)
        )

    def fx_mask_series(self) -> pd.Series:
        """:attr:`fx_mask` as a boolean Series indexed by symbol."""
        return pd.Series(self.fx_mask, index=list(self.symbols), name="foreign")

    def coverage(self) -> pd.DataFrame:
        """One row per symbol: currency, first and last price, days priced, source."""
        valid = ~np.isnan(self.base)
        last = [
            self.dates[np.flatnonzero(valid[:, j])[-1]].date()
            if valid[:, j].any()
            else None
            for j in range(len(self.symbols))
        ]
        return pd.DataFrame(
            {
                "currency": list(self.currency),
                "first": list(self.first_date),
                "last": last,
                "days": valid.sum(axis=0),
                "source": list(self.sources) or [""] * len(self.symbols),
            },
            index=pd.Index(list(self.symbols), name="symbol"),
        )

    @classmethod
    def from_prices(
        cls, prices: pd.DataFrame, currency: str, *, source: str = "user"
    ) -> PriceFrame:
        """Wrap total-return prices already in one currency (e.g. a notebook's).

        Parameters
        ----------
        prices : pd.DataFrame
            Dates x symbols, sorted, in ``currency``, dividends reinvested; NaN
            before a symbol's first price.
        currency : str
            The base currency: no FX, no FX fees.
        source : str
            Where the prices came from, for :meth:`coverage`.

        Returns
        -------
        PriceFrame
        """
        values = prices.to_numpy(dtype="float64")
        n = values.shape[1]
        valid = ~np.isnan(values)
        dates = pd.DatetimeIndex(prices.index)
        first = tuple(
            dates[int(np.argmax(valid[:, j]))].date() if valid[:, j].any() else None
            for j in range(n)
        )
        return cls(
            dates=dates,
            symbols=tuple(str(c) for c in prices.columns),
            base_currency=currency,
            local=values,
            fx=np.ones_like(values),
            base=values,
            dividends=None,
            adjusted=True,
            currency=(currency,) * n,
            first_date=first,
            fx_mask=np.zeros(n, dtype=bool),
            sources=(source,) * n,
        )

    def select(self, symbols: Sequence[str]) -> PriceFrame:
        """Return a PriceFrame of some of the symbols, on the same dates."""
        idx = [self.symbols.index(s) for s in symbols]
        return PriceFrame(
            dates=self.dates,
            symbols=tuple(symbols),
            base_currency=self.base_currency,
            local=self.local[:, idx],
            fx=self.fx[:, idx],
            base=self.base[:, idx],
            dividends=None if self.dividends is None else self.dividends[:, idx],
            adjusted=self.adjusted,
            currency=tuple(self.currency[i] for i in idx),
            first_date=tuple(self.first_date[i] for i in idx),
            fx_mask=self.fx_mask[idx],
            gaps=tuple(g for g in self.gaps if g.symbol in symbols),
            sources=tuple(self.sources[i] for i in idx) if self.sources else (),
            notes=self.notes,
        )


def build_frame(
    long: pd.DataFrame,
    symbols: Sequence[str],
    *,
    base_currency: str,
    currencies: Mapping[str, str],
    fx_series: Mapping[str, pd.Series],
    adjusted: bool = True,
    sources: Mapping[str, str] | None = None,
    notes: Sequence[str] = (),
) -> PriceFrame:
    """Align long stored rows into a :class:`PriceFrame`.

    Parameters
    ----------
    long : DataFrame
        Rows as :meth:`piefolio.data.store.Store.read` returns them: ``symbol,
        date, close, adj_close, dividend``, already limited to the days wanted.
        Rows of symbols not in ``symbols`` are ignored.
    symbols, base_currency, currencies, fx_series, adjusted, sources, notes
        As for :func:`frame_from_rows`.

    Returns
    -------
    PriceFrame
    """
    position = {s: i for i, s in enumerate(symbols)}
    pos = long["symbol"].map(position).to_numpy(dtype=np.float64)
    keep = ~np.isnan(pos)
    day = long["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    values = {
        c: long[c].to_numpy(dtype=np.float64)[keep]
        for c in ("close", "adj_close", "dividend")
        if c in long
    }
    return frame_from_rows(
        pos[keep].astype(np.int64),
        day[keep],
        values,
        symbols,
        base_currency=base_currency,
        currencies=currencies,
        fx_series=fx_series,
        adjusted=adjusted,
        sources=sources,
        notes=notes,
    )


def frame_from_rows(
    pos: IntArray,
    day: IntArray,
    values: Mapping[str, FloatArray],
    symbols: Sequence[str],
    *,
    base_currency: str,
    currencies: Mapping[str, str],
    fx_series: Mapping[str, pd.Series],
    adjusted: bool = True,
    sources: Mapping[str, str] | None = None,
    notes: Sequence[str] = (),
) -> PriceFrame:
    """Align stored rows, given as arrays, into a :class:`PriceFrame`.

    Parameters
    ----------
    pos : ndarray of int64, shape (R,)
        Each row's symbol, as its index in ``symbols``.
    day : ndarray of int64, shape (R,)
        Each row's day, in days since 1970-01-01. (pos, day) pairs are unique.
    values : mapping column -> ndarray of float64, shape (R,)
        ``close`` and/or ``adj_close``; ``dividend`` when ``adjusted`` is False.
    symbols : sequence of str, length N
        Columns of the frame, in order; a symbol without rows is all NaN.
    base_currency : str
    currencies : mapping symbol -> ISO code
        A symbol not in it is taken to be in the base currency.
    fx_series : mapping FX symbol -> Series of closes
        FX closes covering the frame's days (and some days before, so that the
        first day has a dated rate).
    adjusted : bool, default True
        Total-return prices (True) or traded closes plus cash dividends (False).
        A symbol without the asked column falls back to the other, with a note.
    sources : mapping symbol -> provider name, optional
    notes : sequence of str
        Passed through to the frame, before the notes added here.

    Returns
    -------
    PriceFrame
    """
    notes = list(notes)
    symbols = list(symbols)
    n = len(symbols)
    # Dense calendar instead of np.unique: O(rows) with no sort, since the days
    # span at most a few tens of thousands.
    if len(day):
        d0 = int(day.min())
        has = np.zeros(int(day.max()) - d0 + 1, dtype=bool)
        has[day - d0] = True
        udays = np.flatnonzero(has) + d0
        t_of_row = (np.cumsum(has) - 1)[day - d0]
    else:
        udays = np.zeros(0, dtype=np.int64)
        t_of_row = np.zeros(0, dtype=np.int64)

    def grid(column: str) -> FloatArray:
        out = np.full((len(udays), n), np.nan)
        if column in values:
            out[t_of_row, pos] = values[column]
        return out

    want, other = ("adj_close", "close") if adjusted else ("close", "adj_close")
    raw = grid(want)
    has_want = np.zeros(n, dtype=bool)
    if want in values:
        has_want[pos[~np.isnan(values[want])]] = True
    # The other column is only needed for a symbol that lacks the wanted one.
    fallback = grid(other) if not has_want.all() else raw
    for j, sym in enumerate(symbols):
        if not has_want[j] and not np.isnan(fallback[:, j]).all():
            raw[:, j] = fallback[:, j]
            what = (
                "traded closes (no adjusted closes stored)"
                if adjusted
                else "adjusted closes (no traded closes stored; dividends are "
                "inside the prices, not paid as cash)"
            )
            notes.append(f"{sym}: using {what}")
    any_price = ~np.isnan(raw).all(axis=1)
    raw = raw[any_price]
    dates = pd.DatetimeIndex(
        udays[any_price].astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    local, gaps, first = _fill(raw, dates, symbols)
    t = len(dates)
    fx = np.ones((t, n))
    base_cur = base_currency.upper()
    cur = tuple(currencies.get(s, base_cur).upper() for s in symbols)
    for c in sorted(set(cur) - {base_cur}):
        rates, used = dated_rate(c, base_cur, dates, fx_series)
        cols = [j for j in range(n) if cur[j] == c]
        fx[:, cols] = rates[:, None]
        if used is None:
            notes.append(
                f"no FX series for {c} -> {base_cur}: prices of "
                f"{', '.join(symbols[j] for j in cols)} cannot be converted; fetch "
                f"or import {c}{base_cur}=X or {base_cur}{c}=X"
            )
        else:
            uncovered = np.isnan(rates) & ~np.isnan(local[:, cols]).all(axis=1)
            if uncovered.any():
                days = dates[uncovered]
                notes.append(
                    f"{used}: no FX close within 7 days for {int(uncovered.sum())} "
                    f"day(s) from {days[0].date()} to {days[-1].date()}; prices in "
                    f"{c} are NaN there"
                )
    dividends = None
    if not adjusted:
        d = grid("dividend")[any_price]
        dividends = np.nan_to_num(d, nan=0.0) * np.nan_to_num(fx, nan=0.0)
    src = sources or {}
    return PriceFrame(
        dates=dates,
        symbols=tuple(symbols),
        base_currency=base_cur,
        local=local,
        fx=fx,
        base=local * fx,
        dividends=dividends,
        adjusted=adjusted,
        currency=cur,
        first_date=tuple(first),
        fx_mask=np.array([c != base_cur for c in cur], dtype=bool),
        gaps=tuple(gaps),
        sources=tuple(src.get(s, "") for s in symbols),
        notes=tuple(notes),
    )


def _fill(
    raw: FloatArray, dates: pd.DatetimeIndex, symbols: Sequence[str]
) -> tuple[FloatArray, list[Gap], list[dt.date | None]]:
    """Forward-fill runs of at most MAX_FILL NaNs after each first price.

    Returns the filled array, the longer gaps (left NaN) and each first date.
    """
    t, n = raw.shape
    out = raw.copy()
    gaps: list[Gap] = []
    first: list[dt.date | None] = []
    for j in range(n):
        col = raw[:, j]
        valid = np.flatnonzero(~np.isnan(col))
        if valid.size == 0:
            first.append(None)
            continue
        first.append(dates[valid[0]].date())
        # Missing runs between consecutive prices, and after the last one.
        stops = np.r_[valid[1:], t]
        run = stops - valid - 1
        for k in np.flatnonzero(run > 0):
            a, length = valid[k], int(run[k])
            if length <= MAX_FILL:
                out[a + 1 : a + 1 + length, j] = col[a]
            else:
                until = dates[stops[k]].date() if stops[k] < t else None
                gaps.append(Gap(symbols[j], dates[a].date(), until, length))
    return out, gaps, first
