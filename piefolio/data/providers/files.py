"""Import of user price files: CSV or Parquet, long, FRED-style or wide.

Accepted shapes (column names are case-insensitive; the first column set that
fits wins):

- long: ``date, ticker, close[, adj_close, dividend, split, open, high, low,
  volume, currency]`` or ``date, ticker, adj_close`` (``symbol`` may replace
  ``ticker``; ``dividends``/``stock splits`` are read as ``dividend``/``split``);
- FRED-style: ``date, series, value``; FRED's FX series are stored under the
  Yahoo symbol with the same meaning (``DEXUSEU`` -> ``EURUSD=X``, USD per 1 EUR,
  see :mod:`piefolio.data.fx`), other series under their own name; FRED's ``.``
  marks a missing day and is skipped;
- wide: ``date, <TICKER>, <TICKER>, ...`` of adjusted closes; an empty cell is no
  price that day (before a listing, on a holiday).

A file is checked whole before anything is returned, so a bad file never reaches
the store: every error is a :class:`~piefolio.errors.DataError` naming the file,
the line (1 = header) or column, the value found and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from piefolio.data.providers.base import RawSeries, UnknownSymbol, make_frame
from piefolio.errors import DataError
from piefolio.typing import PathLike

__all__ = ["FilesProvider", "read_prices_file"]

_ALIASES = {
    "symbol": "ticker",
    "adj close": "adj_close",
    "adjclose": "adj_close",
    "adjusted_close": "adj_close",
    "dividends": "dividend",
    "stock splits": "split",
    "splits": "split",
}
_LONG_KNOWN = {
    "date",
    "ticker",
    "open",
    "high",
    "low",
    "close",
    "adj_close",
    "volume",
    "dividend",
    "split",
    "currency",
}
_PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
_TICKER = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.\-=^_]{0,24}$")

#: FRED daily FX series -> the Yahoo symbol with the same quote direction.
FRED_TO_YAHOO: dict[str, str] = {
    "DEXUSEU": "EURUSD=X",  # USD per 1 EUR
    "DEXUSUK": "GBPUSD=X",  # USD per 1 GBP
    "DEXUSAL": "AUDUSD=X",  # USD per 1 AUD
    "DEXJPUS": "JPY=X",  # JPY per 1 USD (Yahoo spells USDJPY as JPY=X)
    "DEXSZUS": "CHF=X",  # CHF per 1 USD
    "DEXCAUS": "CAD=X",  # CAD per 1 USD
}

_EXPECTED = (
    "expected 'date,ticker,close[,adj_close,...]', 'date,ticker,adj_close', "
    "'date,series,value' or 'date,<TICKER>,<TICKER>,...'"
)


def read_prices_file(
    path: PathLike, *, currency: str = "USD", only: Sequence[str] | None = None
) -> list[RawSeries]:
    """Read and check a price file; return one series per ticker.

    Parameters
    ----------
    path : path-like
        A ``.csv`` (any other suffix is read as CSV) or ``.parquet`` file.
    currency : str, default "USD"
        Currency of prices without a ``currency`` column; FX series take their
        quote currency instead.
    only : sequence of str, optional
        Keep only these tickers or series (as named in the file), and check only
        their rows: for example ``["DEXUSEU"]`` out of a FRED file whose oil
        series went negative in April 2020.

    Returns
    -------
    list of RawSeries
        In the order tickers first appear; ``source`` is ``file:<name>``.

    Raises
    ------
    DataError
        For a missing or unreadable file, missing or unknown columns, unparsable
        dates, duplicate dates, unsorted rows, non-numeric or non-positive prices.
    """
    file = Path(path)
    if not file.exists():
        raise DataError(f"{file}: no such file")
    try:
        if file.suffix.lower() == ".parquet":
            raw = pd.read_parquet(file)
        else:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False)
            # pandas renames a repeated column "CVX" to "CVX.1", which would pass
            # for a ticker; the header as written tells the truth.
            header = pd.read_csv(file, nrows=1, header=None, dtype=str)
            if header.shape[0] and header.shape[1] == raw.shape[1]:
                raw.columns = [str(c) for c in header.iloc[0]]
    except Exception as exc:  # pandas/pyarrow raise many kinds; all mean unreadable
        raise DataError(f"{file}: cannot be read as a table: {exc}") from exc
    raw.columns = [
        _ALIASES.get(str(c).strip().lower(), str(c).strip().lower())
        if str(c).strip().lower() in _LONG_KNOWN | set(_ALIASES) | {"series", "value"}
        else str(c).strip()
        for c in raw.columns
    ]
    cols = list(raw.columns)
    if "date" not in cols:
        raise DataError(f"{file}: no 'date' column (found {cols}); {_EXPECTED}")
    if len(set(cols)) != len(cols):
        dup = sorted({c for c in cols if cols.count(c) > 1})
        raise DataError(f"{file}: column(s) {dup} appear more than once")
    if raw.empty:
        raise DataError(f"{file}: has a header but no rows")
    if only is not None:
        raw = _select(file, raw, [str(o) for o in only])
    dates = _parse_dates(file, raw["date"])
    if "ticker" in cols:
        return _read_long(file, raw, dates, currency)
    if {"series", "value"} <= set(cols):
        extra = sorted(set(cols) - {"date", "series", "value"})
        if extra:
            raise DataError(f"{file}: unknown column(s) {extra}; {_EXPECTED}")
        return _read_fred(file, raw, dates, currency)
    return _read_wide(file, raw, dates, currency)


def _select(file: Path, raw: pd.DataFrame, only: list[str]) -> pd.DataFrame:
    wanted = {o.upper() for o in only}
    for key in ("ticker", "series"):
        if key in raw.columns:
            names = raw[key].astype(str).str.strip().str.upper()
            missing = wanted - set(names)
            if missing:
                raise DataError(f"{file}: no {key} {sorted(missing)} in the file")
            # The index keeps each row's position in the file, so messages
            # still name the right line (see _line).
            return raw[names.isin(wanted).to_numpy()]
    cols = [c for c in raw.columns if c != "date" and c.upper() in wanted]
    missing = wanted - {c.upper() for c in cols}
    if missing:
        raise DataError(f"{file}: no column {sorted(missing)} in the file")
    return raw[["date", *cols]]


def _line(col: pd.Series, i: int) -> int:
    """Return the file line of the i-th row kept (line 1 is the header)."""
    return int(col.index[i]) + 2


def _parse_dates(file: Path, col: pd.Series) -> pd.Series:
    text = col.astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise DataError(
            f"{file}: line {_line(text, i)}, column 'date': {text.iloc[i]!r} is "
            "not a date; expected YYYY-MM-DD"
        )
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _numbers(
    file: Path, raw: pd.Series, column: str, *, allow_missing: bool, positive: bool
) -> np.ndarray:
    """Parse a column as float64; empty (and FRED's '.') is NaN when allowed."""
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.to_numpy(dtype=np.float64)
        text = raw.astype(str)
    else:
        text = raw.astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        blank = text.isin(["", ".", "nan", "NaN", "<NA>", "None"]).to_numpy()
        nonnum = missing & ~blank
        if nonnum.any() or not allow_missing:
            i = int(np.argmax(nonnum if nonnum.any() else missing))
            raise DataError(
                f"{file}: line {_line(text, i)}, column {column!r}: "
                f"{text.iloc[i]!r} is not a number; expected a price such as 101.25"
            )
    if positive:
        bad = ~missing & ~(values > 0)
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(
                f"{file}: line {_line(text, i)}, column {column!r}: price "
                f"{values[i]:g} is not positive; expected a price > 0"
            )
    return values


def _check_order(file: Path, keys: pd.Series, dates: pd.Series) -> None:
    """Duplicate (key, date) pairs and dates that go back within a key are errors."""
    frame = pd.DataFrame({"k": keys.to_numpy(), "d": dates.to_numpy()})
    dup = frame.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.argmax(dup))
        first = int(
            np.argmax(
                (frame["k"] == frame["k"].iloc[i]).to_numpy()
                & (frame["d"] == frame["d"].iloc[i]).to_numpy()
            )
        )
        raise DataError(
            f"{file}: line {_line(keys, i)}: duplicate date {dates.iloc[i].date()} "
            f"for {keys.iloc[i]} (first on line {_line(keys, first)}); expected one "
            "row per ticker and day"
        )
    same = (frame["k"] == frame["k"].shift()).to_numpy()
    back = same & (frame["d"] < frame["d"].shift()).to_numpy()
    if back.any():
        i = int(np.argmax(back))
        raise DataError(
            f"{file}: line {_line(keys, i)}: rows are not sorted: "
            f"{dates.iloc[i].date()} for {keys.iloc[i]} comes after "
            f"{dates.iloc[i - 1].date()}; expected increasing dates within each "
            "ticker (sort the file first)"
        )


def _check_ticker(file: Path, ticker: str, where: str) -> str:
    if not _TICKER.match(ticker):
        raise DataError(
            f"{file}: {where}: {ticker!r} is not a ticker; expected letters, "
            "digits and . - = ^ _ (e.g. CVX, ASML.AS, EURUSD=X)"
        )
    return ticker.upper()


def _read_long(
    file: Path, raw: pd.DataFrame, dates: pd.Series, currency: str
) -> list[RawSeries]:
    unknown = [c for c in raw.columns if c not in _LONG_KNOWN]
    if unknown:
        raise DataError(
            f"{file}: unknown column(s) {unknown}; a long file has columns "
            f"from {sorted(_LONG_KNOWN)}"
        )
    if "close" not in raw.columns and "adj_close" not in raw.columns:
        raise DataError(
            f"{file}: a long file needs a 'close' or an 'adj_close' column "
            f"(found {list(raw.columns)})"
        )
    tickers = raw["ticker"].astype(str).str.strip()
    blank = (tickers == "").to_numpy()
    if blank.any():
        i = int(np.argmax(blank))
        raise DataError(
            f"{file}: line {_line(tickers, i)}, column 'ticker': empty ticker"
        )
    _check_order(file, tickers, dates)
    values: dict[str, np.ndarray] = {}
    for col in ("close", "adj_close"):
        if col in raw.columns:
            values[col] = _numbers(
                file, raw[col], col, allow_missing=False, positive=True
            )
    for col in ("dividend", "split"):
        if col in raw.columns:
            values[col] = _numbers(
                file, raw[col], col, allow_missing=True, positive=False
            )
    out: list[RawSeries] = []
    codes, uniques = pd.factorize(tickers)
    cur_col = (
        raw["currency"].astype(str).str.strip().str.upper()
        if ("currency" in raw.columns)
        else None
    )
    # Rows of one ticker may be split in blocks (file sorted by date); group them.
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    for k, ticker in enumerate(uniques):
        rows = order[bounds[k] : bounds[k + 1]]
        sym = _check_ticker(file, str(ticker), f"line {_line(tickers, rows[0])}")
        frame = make_frame(
            pd.DatetimeIndex(dates.to_numpy()[rows]),
            **{col: v[rows] for col, v in values.items()},
        )
        cur = currency
        if cur_col is not None:
            found = cur_col.to_numpy()[rows]
            if len(set(found)) != 1:
                raise DataError(f"{file}: {sym} has several currencies {set(found)}")
            cur = str(found[0])
        out.append(_series(file, sym, frame, cur))
    return out


def _read_fred(
    file: Path, raw: pd.DataFrame, dates: pd.Series, currency: str
) -> list[RawSeries]:
    series = raw["series"].astype(str).str.strip()
    _check_order(file, series, dates)
    values = _numbers(file, raw["value"], "value", allow_missing=True, positive=True)
    out: list[RawSeries] = []
    for name in pd.unique(series):
        mask = (series == name).to_numpy() & ~np.isnan(values)
        sym = FRED_TO_YAHOO.get(str(name).upper())
        if sym is None:
            sym = _check_ticker(file, str(name), f"series {name!r}")
            cur = currency
        else:
            cur = _quote_currency(sym)
        v = values[mask]
        frame = make_frame(
            pd.DatetimeIndex(dates.to_numpy()[mask]), close=v, adj_close=v
        )
        out.append(_series(file, sym, frame, cur, name=str(name)))
    return out


def _read_wide(
    file: Path, raw: pd.DataFrame, dates: pd.Series, currency: str
) -> list[RawSeries]:
    tickers = [c for c in raw.columns if c != "date"]
    if not tickers:
        raise DataError(f"{file}: only a 'date' column; {_EXPECTED}")
    for c in tickers:
        if c.lower() in _LONG_KNOWN | {"series", "value"}:
            raise DataError(
                f"{file}: column {c!r} looks like a long file but 'ticker' is "
                f"missing (found {list(raw.columns)}); {_EXPECTED}"
            )
        _check_ticker(file, c, f"column {c!r}")
    _check_order(
        file, pd.Series(np.zeros(len(raw), dtype=np.int64), index=raw.index), dates
    )
    out: list[RawSeries] = []
    index = pd.DatetimeIndex(dates.to_numpy())
    for c in tickers:
        v = _numbers(file, raw[c], c, allow_missing=True, positive=True)
        keep = ~np.isnan(v)
        sym = c.upper()
        cur = currency
        if sym == "EURUSD":  # the shared fixture's DEXUSEU column
            sym, cur = "EURUSD=X", "USD"
        frame = make_frame(index[keep], close=v[keep], adj_close=v[keep])
        out.append(_series(file, sym, frame, cur))
    return out


def _quote_currency(fx_symbol: str) -> str:
    pair = fx_symbol.removesuffix("=X")
    return pair[-3:] if len(pair) == 6 else pair


def _series(
    file: Path, symbol: str, frame: pd.DataFrame, currency: str, name: str = ""
) -> RawSeries:
    return RawSeries(
        symbol=symbol,
        frame=frame,
        currency=currency,
        source=f"file:{file.name}",
        name=name,
        terms=f"imported by the user from {file}; its terms are those of its source",
    )


class FilesProvider:
    """A provider over one user file (read once, then served from memory)."""

    def __init__(self, path: PathLike, *, currency: str = "USD") -> None:
        self.name = f"file:{Path(path).name}"
        self._series = {s.symbol: s for s in read_prices_file(path, currency=currency)}

    def supports(self, symbol: str) -> bool:
        """Whether the file holds ``symbol``."""
        return symbol in self._series

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Return the file's rows of ``symbols`` between ``start`` and ``end``."""
        out = []
        for sym in symbols:
            if sym not in self._series:
                raise UnknownSymbol(f"{sym}: not in {self.name}")
            s = self._series[sym]
            frame = s.frame.loc[pd.Timestamp(start) : pd.Timestamp(end)]
            out.append(
                RawSeries(s.symbol, frame, s.currency, s.source, s.name, s.terms)
            )
        return out
