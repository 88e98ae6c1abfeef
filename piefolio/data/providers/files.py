"""Import of user price files: CSV or Parquet, long, FRED-style or wide.

Accepted shapes (column names are case-insensitive; the first column set that
fits wins):

- long: ``date, ticker, close[, adj_close, dividend, split, open, high, low,
  volume, currency]`` or ``date, ticker, adj_close`` (``symbol`` may replace
  ``ticker``; ``dividends``/``stock splits`` are read as ``dividend``/``split``);
- FRED's download of one series: ``observation_date, <ID>`` (older: ``DATE,
  <ID>``), read as ``date, series, value``;
- FRED-style: ``date, series, value``; FRED's FX series are stored under the
  Yahoo symbol with the same meaning (``DEXUSEU`` -> ``EURUSD=X``, USD per 1 EUR,
  see :mod:`piefolio.data.fx`), other series under their own id (up to 64
  letters, digits, ``.``, ``-``, ``_``) as economic series: on their own dates
  (a monthly series stays monthly), with their frequency (declared, known or
  inferred from the dates, see :func:`series_frequency`) and unit; FRED's
  ``.`` marks a missing observation and is skipped (never read as 0);
- wide: ``date, <TICKER>, <TICKER>, ...`` of adjusted closes; an empty cell is no
  price that day (before a listing, on a holiday).

A file is checked whole before anything is returned, so a bad file never reaches
the store: every error is a :class:`~piefolio.errors.BadData` (bad input, exit
2) naming the file, the line (1 = header) or column, the value found and what
was expected. Prices must lie in :data:`~piefolio.data.providers.base.PRICE_RANGE`
(values of an economic series, which may be 0 or negative, in ``LEVEL_RANGE``)
(no ``inf``, no ``1e308``, no ``1e-300``), dividends be >= 0, splits > 0 (0 is
yfinance's "no split" and reads as 1), dates within 1900..2199 in one time zone,
currencies ISO 4217 codes, and every row as long as the header.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from piefolio.currency import currency_problem
from piefolio.data.known_series import known_series
from piefolio.data.providers.base import (
    COLUMNS,
    DIVIDEND_MAX,
    LEVEL_RANGE,
    PRICE_RANGE,
    SPLIT_RANGE,
    RawSeries,
    UnknownSymbol,
    make_frame,
)
from piefolio.data.series import resolve_frequency
from piefolio.errors import BadData
from piefolio.typing import PathLike

__all__ = ["FilesProvider", "read_prices_file", "series_frequency"]

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
    path: PathLike,
    *,
    currency: str = "USD",
    only: Sequence[str] | None = None,
    frequency: str | None = None,
    unit: str | None = None,
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
        their rows: for example ``["DEXUSEU"]`` out of a FRED file of FX
        rates and oil prices.
    frequency : str, optional
        How often the economic series of a FRED-style file print, one of
        :data:`~piefolio.data.series.FREQUENCIES` (default:
        the known id's, else what the dates show); checked against the dates.
    unit : str, optional
        What their values measure (default: the known id's, else unknown).

    Returns
    -------
    list of RawSeries
        In the order tickers first appear; ``source`` is ``file:<name>``.

    Raises
    ------
    BadData
        For a missing or unreadable file, missing or unknown columns, unparsable
        dates, duplicate dates, unsorted rows, non-numeric or non-positive prices.
    """
    file = Path(path)
    problem = currency_problem(currency)
    if problem is not None:
        raise BadData(f"--currency: {problem}")
    currency = currency.strip().upper()
    if not file.exists():
        raise BadData(f"{file}: no such file")
    if not file.is_file():
        raise BadData(f"{file}: not a file; expected a CSV or Parquet file")
    try:
        if file.suffix.lower() == ".parquet":
            raw = pd.read_parquet(file)
        else:
            _check_row_lengths(file)
            # pandas renames a repeated column "CVX" to "CVX.1", which would pass
            # for a ticker; the header as written tells the truth.
            names = _header(file)
            dtype, blanks = _column_types(names)
            raw = pd.read_csv(
                file, keep_default_na=False, dtype=dtype, na_values=blanks
            )
            if len(names) == raw.shape[1]:
                raw.columns = names
    except BadData:
        raise
    except Exception as exc:  # pandas/pyarrow raise many kinds; all mean unreadable
        raise BadData(f"{file}: cannot be read as a table: {_first_line(exc)}") from exc
    raw = _fred_download(raw)
    raw.columns = [
        _ALIASES.get(str(c).strip().lower(), str(c).strip().lower())
        if str(c).strip().lower() in _LONG_KNOWN | set(_ALIASES) | {"series", "value"}
        else str(c).strip()
        for c in raw.columns
    ]
    cols = list(raw.columns)
    if "date" not in cols:
        raise BadData(f"{file}: no 'date' column (found {cols}); {_EXPECTED}")
    if len(set(cols)) != len(cols):
        dup = sorted({c for c in cols if cols.count(c) > 1})
        raise BadData(f"{file}: column(s) {dup} appear more than once")
    if raw.empty:
        raise BadData(f"{file}: has a header but no rows")
    if only is not None:
        raw = _select(file, raw, [str(o) for o in only])
    economic = "ticker" not in cols and {"series", "value"} <= set(cols)
    if (frequency is not None or unit is not None) and not economic:
        raise BadData(
            f"{file}: --frequency and --unit are for economic series (a FRED "
            "download or a 'date,series,value' file), not ticker prices"
        )
    dates = _parse_dates(file, raw["date"])
    if "ticker" in cols:
        return _read_long(file, raw, dates, currency)
    if {"series", "value"} <= set(cols):
        extra = sorted(set(cols) - {"date", "series", "value"})
        if extra:
            raise BadData(f"{file}: unknown column(s) {extra}; {_EXPECTED}")
        return _read_fred(file, raw, dates, currency, frequency, unit)
    return _read_wide(file, raw, dates, currency)


def _fred_download(raw: pd.DataFrame) -> pd.DataFrame:
    """FRED's own download (``observation_date,ID`` or ``DATE,ID``) as long rows.

    FRED writes its date column ``observation_date`` (older files: ``DATE``
    in capitals); a user's one-ticker wide file says ``date``, and stays wide.
    """
    cols = [str(c).strip() for c in raw.columns]
    if len(cols) != 2 or cols[0] not in ("observation_date", "DATE"):
        return raw
    return pd.DataFrame(
        {"date": raw.iloc[:, 0], "series": cols[1], "value": raw.iloc[:, 1]},
        index=raw.index,
    )


def _header(file: Path) -> list[str]:
    """Return the column names as the first line writes them."""
    import csv

    with file.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def _column_types(
    names: list[str],
) -> tuple[type[str] | dict[str, type[str]], list[str] | None]:
    """How to read a CSV: all text, or (a wide file) numbers beside the dates.

    A wide file of thousands of tickers is read as numbers by the CSV parser
    itself; a cell that is not a number leaves its column as text, which
    :func:`_numbers` then names. Long and FRED-style files are read as text.

    Returns ``(dtype, na_values)`` for :func:`pandas.read_csv`.
    """
    low = {_ALIASES.get(n.strip().lower(), n.strip().lower()) for n in names}
    date = [n for n in names if n.strip().lower() == "date"]
    if "ticker" in low or "series" in low or len(date) != 1:
        return str, None
    return {date[0]: str}, list(_BLANK)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _check_row_lengths(file: Path) -> None:
    """Every line must have as many fields as the header (pandas pads short ones).

    Counted on the raw text: a line holding a quote is left to the CSV parser,
    whose own message names the line of a long row.
    """
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadData(
            f"{file}: is not UTF-8 text (byte {exc.start}); expected a CSV file"
        ) from exc
    except OSError as exc:
        raise BadData(f"{file}: cannot be read: {exc.strerror or exc}") from exc
    lines = text.splitlines()
    if not text.strip():
        raise BadData(f"{file}: is empty; {_EXPECTED}")
    if '"' in lines[0]:
        return
    if ";" in lines[0] and "," not in lines[0]:
        # A spreadsheet's export in a comma-decimal locale.
        raise BadData(
            f"{file}: line 1 is separated by ';'; expected a CSV file separated "
            "by ',' with '.' as the decimal point"
        )
    want = lines[0].count(",")
    for n, line in enumerate(lines[1:], start=2):
        if line.strip() and '"' not in line and line.count(",") != want:
            raise BadData(
                f"{file}: line {n}: {line.count(',') + 1} fields, but the header "
                f"has {want + 1}; expected every row as long as the header"
            )


def _select(file: Path, raw: pd.DataFrame, only: list[str]) -> pd.DataFrame:
    wanted = {o.upper() for o in only}
    for key in ("ticker", "series"):
        if key in raw.columns:
            names = raw[key].astype(str).str.strip().str.upper()
            missing = wanted - set(names)
            if missing:
                raise BadData(f"{file}: no {key} {sorted(missing)} in the file")
            # The index keeps each row's position in the file, so messages
            # still name the right line (see _line).
            return raw[names.isin(wanted).to_numpy()]
    cols = [c for c in raw.columns if c != "date" and c.upper() in wanted]
    missing = wanted - {c.upper() for c in cols}
    if missing:
        raise BadData(f"{file}: no column {sorted(missing)} in the file")
    return raw[["date", *cols]]


def _line(col: pd.Series, i: int) -> int:
    """Return the file line of the i-th row kept (line 1 is the header)."""
    return int(col.index[i]) + 2


_ZONE = re.compile(
    r"[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?P<zone>Z|[+-]\d\d(?::?\d\d)?)?$"
)


def _parse_dates(file: Path, col: pd.Series) -> pd.Series:
    from piefolio.spec import FIRST_DATE, LAST_DATE

    text = col.astype(str).str.strip()
    zones = text.str.extract(_ZONE)["zone"].fillna("")
    if zones.nunique() > 1:
        i = int(np.argmax((zones != zones.iloc[0]).to_numpy()))
        raise BadData(
            f"{file}: line {_line(text, i)}, column 'date': {text.iloc[i]!r} is in "
            f"another time zone than line {_line(text, 0)} ({text.iloc[0]!r}); "
            "expected dates in one time zone (or plain YYYY-MM-DD)"
        )
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, OverflowError) as exc:
        raise BadData(f"{file}: column 'date': {_first_line(exc)}") from exc
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise BadData(
            f"{file}: line {_line(text, i)}, column 'date': {text.iloc[i]!r} is "
            "not a date; expected YYYY-MM-DD"
        )
    if parsed.dt.tz is not None:
        parsed = parsed.dt.tz_localize(None)
    lo, hi = pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE)
    out = ((parsed < lo) | (parsed > hi)).to_numpy()
    if out.any():
        i = int(np.argmax(out))
        raise BadData(
            f"{file}: line {_line(text, i)}, column 'date': {text.iloc[i]!r} is "
            f"outside {FIRST_DATE.year}..{LAST_DATE.year}; expected a trading day"
        )
    return parsed


def _numbers(
    file: Path, raw: pd.Series, column: str, *, allow_missing: bool, kind: str
) -> np.ndarray:
    """Parse a column as float64; empty (and FRED's '.') is NaN when allowed.

    ``kind`` is "price" (within PRICE_RANGE), "level" (an economic series'
    value, within LEVEL_RANGE), "dividend" (0 to DIVIDEND_MAX) or "split"
    (within SPLIT_RANGE; 0 reads as 1, yfinance's "no split").
    """
    numeric = pd.api.types.is_numeric_dtype(raw.dtype)
    if numeric:
        values = raw.to_numpy(dtype=np.float64)
        text = raw.astype(str)
    else:
        text = raw.astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        # A number column holds NaN only where the parser met a blank (a cell
        # that is no number leaves the column as text); pandas keeps that NaN
        # through astype(str), so the text cannot tell it.
        blank = missing if numeric else text.isin(_BLANK).to_numpy()
        nonnum = missing & ~blank
        if nonnum.any() or not allow_missing:
            i = int(np.argmax(nonnum if nonnum.any() else missing))
            shown = "an empty value" if numeric else repr(text.iloc[i])
            raise BadData(
                f"{file}: line {_line(text, i)}, column {column!r}: "
                f"{shown} is not a number; expected a {kind} such as "
                f"{_EXAMPLE[kind]}"
            )
    if kind == "split":
        values = np.where(values == 0.0, 1.0, values)
    lo, hi = _RANGES[kind]
    with np.errstate(invalid="ignore"):
        bad = ~missing & ~((values >= lo) & (values <= hi))
    if bad.any():
        i = int(np.argmax(bad))
        raise BadData(
            f"{file}: line {_line(text, i)}, column {column!r}: {kind} "
            f"{text.iloc[i]} {_why(kind, values[i])}"
        )
    return values


_EXAMPLE = {
    "price": "101.25",
    "level": "308.417 or -0.25",
    "dividend": "0.42",
    "split": "2 (a 2-for-1)",
}
_RANGES = {
    "price": PRICE_RANGE,
    "level": LEVEL_RANGE,
    "dividend": (0.0, DIVIDEND_MAX),
    "split": SPLIT_RANGE,
}


def _why(kind: str, value: float) -> str:
    """Say what is wrong with a number outside its range."""
    lo, hi = _RANGES[kind]
    if not np.isfinite(value):
        return "is not finite; expected a number"
    if kind == "price" and value <= 0:
        return "is not positive; expected a price > 0"
    if kind == "dividend" and value < 0:
        return "is negative; expected a dividend >= 0 (0 on days without one)"
    if kind == "split" and value < 0:
        return "is negative; expected a ratio > 0 (2 for a 2-for-1, 0.1 for 1-for-10)"
    return f"is outside {lo:g}..{hi:g}; expected a {kind} such as {_EXAMPLE[kind]}"


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
        raise BadData(
            f"{file}: line {_line(keys, i)}: duplicate date {dates.iloc[i].date()} "
            f"for {keys.iloc[i]} (first on line {_line(keys, first)}); expected one "
            "row per ticker and day"
        )
    same = (frame["k"] == frame["k"].shift()).to_numpy()
    back = same & (frame["d"] < frame["d"].shift()).to_numpy()
    if back.any():
        i = int(np.argmax(back))
        raise BadData(
            f"{file}: line {_line(keys, i)}: rows are not sorted: "
            f"{dates.iloc[i].date()} for {keys.iloc[i]} comes after "
            f"{dates.iloc[i - 1].date()}; expected increasing dates within each "
            "ticker (sort the file first)"
        )


def _check_ticker(file: Path, ticker: str, where: str) -> str:
    if not _TICKER.match(ticker):
        raise BadData(
            f"{file}: {where}: {ticker!r} is not a ticker; expected letters, "
            "digits and . - = ^ _ (e.g. CVX, ASML.AS, EURUSD=X)"
        )
    return ticker.upper()


def _read_long(
    file: Path, raw: pd.DataFrame, dates: pd.Series, currency: str
) -> list[RawSeries]:
    unknown = [c for c in raw.columns if c not in _LONG_KNOWN]
    if unknown:
        raise BadData(
            f"{file}: unknown column(s) {unknown}; a long file has columns "
            f"from {sorted(_LONG_KNOWN)}"
        )
    if "close" not in raw.columns and "adj_close" not in raw.columns:
        raise BadData(
            f"{file}: a long file needs a 'close' or an 'adj_close' column "
            f"(found {list(raw.columns)})"
        )
    tickers = raw["ticker"].astype(str).str.strip()
    blank = (tickers == "").to_numpy()
    if blank.any():
        i = int(np.argmax(blank))
        raise BadData(
            f"{file}: line {_line(tickers, i)}, column 'ticker': empty ticker"
        )
    _check_order(file, tickers, dates)
    values: dict[str, np.ndarray] = {}
    for col in ("close", "adj_close"):
        if col in raw.columns:
            values[col] = _numbers(
                file, raw[col], col, allow_missing=False, kind="price"
            )
    for col in ("dividend", "split"):
        if col in raw.columns:
            values[col] = _numbers(file, raw[col], col, allow_missing=True, kind=col)
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
        picked = {col: v[rows] for col, v in values.items()}
        frame = make_frame(
            pd.DatetimeIndex(dates.to_numpy()[rows]),
            close=picked.get("close"),
            adj_close=picked.get("adj_close"),
            dividend=picked.get("dividend"),
            split=picked.get("split"),
            what=f"{file}: {sym}",
        )
        cur = currency
        if cur_col is not None:
            found = cur_col.to_numpy()[rows]
            if len(set(found)) != 1:
                raise BadData(
                    f"{file}: {sym} has several currencies {sorted(set(found))}; "
                    "expected one per ticker"
                )
            cur = str(found[0])
            problem = currency_problem(cur)
            if problem is not None:
                raise BadData(
                    f"{file}: line {_line(tickers, rows[0])}, column 'currency': "
                    f"{problem}"
                )
        out.append(_series(file, sym, frame, cur))
    return out


def _read_fred(
    file: Path,
    raw: pd.DataFrame,
    dates: pd.Series,
    currency: str,
    frequency: str | None = None,
    unit: str | None = None,
) -> list[RawSeries]:
    series = raw["series"].astype(str).str.strip()
    blank = (series == "").to_numpy()
    if blank.any():
        i = int(np.argmax(blank))
        raise BadData(
            f"{file}: line {_line(series, i)}, column 'series': empty series id; "
            "expected a FRED id such as CPIAUCSL"
        )
    _check_order(file, series, dates)
    # FX rates are prices (> 0); an economic series may be 0 or negative.
    fx = series.str.upper().isin(list(FRED_TO_YAHOO)).to_numpy()
    values = np.empty(len(raw))
    for part, kind in ((fx, "price"), (~fx, "level")):
        if part.any():
            values[part] = _numbers(
                file,
                raw["value"].iloc[np.flatnonzero(part)],
                "value",
                allow_missing=True,
                kind=kind,
            )
    out: list[RawSeries] = []
    for name in pd.unique(series):
        rows = (series == name).to_numpy()
        mask = rows & ~np.isnan(values)
        sym = FRED_TO_YAHOO.get(str(name).upper())
        first = f"line {_line(series, int(np.argmax(rows)))}"
        if sym is not None:
            # An FX rate is a price: the frame joins it to the tickers by day.
            v = values[mask]
            frame = make_frame(
                pd.DatetimeIndex(dates.to_numpy()[mask]), close=v, adj_close=v
            )
            out.append(_series(file, sym, frame, _quote_currency(sym), name=str(name)))
            continue
        sym = _check_series_id(file, str(name), first)
        v = values[mask]
        index = pd.DatetimeIndex(dates.to_numpy()[mask])
        lines = [f"line {int(j) + 2}" for j in raw.index.to_numpy()[mask]]
        frame = make_frame(index, close=v, adj_close=v, rows=lines, kind="level")
        freq = series_frequency(file, sym, frame.index, lines, frequency)
        known = known_series(sym)
        out.append(
            replace(
                _series(file, sym, frame, currency, name=str(name)),
                frequency=freq,
                unit=unit if unit is not None else (known.unit if known else ""),
            )
        )
    return out


#: A series id: FRED's (CPIAUCSL, C30_PRIVATE_DATA_CENTER_SAAR) or a user's.
_SERIES_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,63}$")


def _check_series_id(file: Path, name: str, where: str) -> str:
    if not _SERIES_ID.match(name):
        raise BadData(
            f"{file}: {where}, column 'series': {name!r} is not a series id; "
            "expected up to 64 letters, digits and . - _ (e.g. CPIAUCSL, "
            "C30_PRIVATE_DATA_CENTER_SAAR)"
        )
    return name.upper()


def series_frequency(
    file: Path | str,
    symbol: str,
    dates: pd.DatetimeIndex,
    lines: Sequence[str],
    declared: str | None = None,
) -> str:
    """Return the frequency of one imported series, checked against its dates.

    See :func:`~piefolio.data.series.resolve_frequency`; its refusal is bad
    input naming the file and the line.
    """
    try:
        return resolve_frequency(symbol, dates, lines, declared)
    except ValueError as exc:
        raise BadData(
            f"{file}: {exc}"
            + (
                ""
                if str(exc).startswith("--frequency")
                else " (declare the frequency with --frequency, or import it "
                "under another name)"
            )
        ) from exc


def _read_wide(
    file: Path, raw: pd.DataFrame, dates: pd.Series, currency: str
) -> list[RawSeries]:
    tickers = [c for c in raw.columns if c != "date"]
    if not tickers:
        raise BadData(f"{file}: only a 'date' column; {_EXPECTED}")
    for c in tickers:
        if c.lower() in _LONG_KNOWN | {"series", "value"}:
            raise BadData(
                f"{file}: column {c!r} looks like a long file but 'ticker' is "
                f"missing (found {list(raw.columns)}); {_EXPECTED}"
            )
        _check_ticker(file, c, f"column {c!r}")
    _check_order(
        file, pd.Series(np.zeros(len(raw), dtype=np.int64), index=raw.index), dates
    )
    values = _price_matrix(file, raw, tickers)
    out: list[RawSeries] = []
    # Every value is checked above and the dates (sorted, unique) once for all
    # columns: each column's frame is then built directly, not through
    # make_frame, which costs a wide file of 5,000 tickers tens of seconds.
    index = pd.DatetimeIndex(dates.to_numpy()).normalize().as_unit("ns")
    index = index.rename("date")
    columns = pd.Index(COLUMNS)  # one Index for all: pandas builds each anew
    for j, c in enumerate(tickers):
        v = values[:, j]
        keep = ~np.isnan(v)
        sym = c.upper()
        cur = currency
        if sym == "EURUSD":  # the shared fixture's DEXUSEU column
            sym, cur = "EURUSD=X", "USD"
        full = bool(keep.all())
        kept = v if full else v[keep]
        block = np.column_stack([kept, kept, np.zeros(len(kept)), np.ones(len(kept))])
        frame = pd.DataFrame(
            block, index=index if full else index[keep], columns=columns
        )
        out.append(_series(file, sym, frame, cur))
    return out


_BLANK = ("", ".", "nan", "NaN", "<NA>", "None")


def _price_matrix(file: Path, raw: pd.DataFrame, tickers: list[str]) -> np.ndarray:
    """Parse and check every price column of a wide file at once.

    Returns a float64 array of shape (rows, len(tickers)), NaN where a cell is
    empty; the first bad cell raises as :func:`_numbers` would, naming it.
    """
    block = raw[tickers]
    numeric = np.array([pd.api.types.is_numeric_dtype(t) for t in block.dtypes])
    values = np.empty((len(raw), len(tickers)))
    if numeric.any():
        values[:, numeric] = block.loc[:, numeric].to_numpy(dtype=np.float64)
    for j in np.flatnonzero(~numeric):
        # Text in a column: the column check names a cell that is no number.
        c = tickers[j]
        values[:, j] = _numbers(file, raw[c], c, allow_missing=True, kind="price")
    lo, hi = PRICE_RANGE
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ~((values >= lo) & (values <= hi))
    if bad.any():
        col = int(np.flatnonzero(bad.any(axis=0))[0])
        _numbers(
            file, raw[tickers[col]], tickers[col], allow_missing=True, kind="price"
        )
    return values


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
            out.append(replace(s, frame=frame))
        return out
