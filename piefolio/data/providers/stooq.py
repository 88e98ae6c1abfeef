"""Stooq daily CSV over HTTP: a second source for stocks, ETFs, indices and FX.

``GET https://stooq.com/q/d/l/?s=cvx.us&i=d&d1=YYYYMMDD&d2=YYYYMMDD`` answers
``Date,Open,High,Low,Close,Volume`` (Volume absent for FX and some indices), or
the text ``No data`` for an unknown symbol, or ``Exceeded the daily hits limit``.
Stooq publishes one close per day, adjusted by Stooq itself (splits, and by its
practice dividends; not cross-checked against Yahoo here). It is stored as both
``close`` and ``adj_close``, with no dividends: plans with ``dividends = "cash"``
should use Yahoo data.

Symbol mapping from Yahoo spelling: ``CVX`` -> ``cvx.us``, ``SHEL.L`` ->
``shel.uk``, ``SAP.DE`` -> ``sap.de``, ``EURUSD=X`` -> ``eurusd``, ``^GSPC`` ->
``^spx``; other suffixes are not asked.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import httpx
import pandas as pd

from piefolio.data.known_series import known_series
from piefolio.data.providers._http import DEADLINE, get_text
from piefolio.data.providers.base import (
    RateLimited,
    RawSeries,
    UnknownSymbol,
    make_frame,
)
from piefolio.errors import ProviderError

__all__ = ["StooqProvider", "stooq_symbol"]

URL = "https://stooq.com/q/d/l/"
TERMS = "Stooq.com data: free for personal, non-commercial use"
_SUFFIX = {
    "": ".us",
    "L": ".uk",
    "DE": ".de",
    "F": ".de",
    "AS": ".nl",
    "PA": ".fr",
    "T": ".jp",
    "HK": ".hk",
}
_INDEX = {"^GSPC": "^spx", "^DJI": "^dji", "^IXIC": "^ndq", "^RUT": "^rut"}
_CURRENCY = {
    ".us": "USD",
    ".uk": "GBP",
    ".de": "EUR",
    ".nl": "EUR",
    ".fr": "EUR",
    ".jp": "JPY",
    ".hk": "HKD",
}


def stooq_symbol(symbol: str) -> tuple[str, str] | None:
    """Stooq's spelling of a Yahoo symbol and its currency, or None if unknown."""
    s = symbol.upper()
    if s in _INDEX:
        return _INDEX[s], "USD"
    if s.endswith("=X") and len(s) == 8:
        return s[:6].lower(), s[3:6]
    if s.startswith("^") or "=" in s:
        return None
    stem, _, suffix = s.partition(".")
    if suffix not in _SUFFIX:
        return None
    ext = _SUFFIX[suffix]
    # Yahoo's class shares BRK-B are brk-b.us at Stooq too.
    return f"{stem.lower()}{ext}", _CURRENCY[ext]


class StooqProvider:
    """Daily closes from stooq.com."""

    name = "stooq"

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: float = 20.0,
        deadline: float = DEADLINE,
    ) -> None:
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=True)
        #: Seconds for one whole answer (httpx's timeout is per read).
        self.deadline = deadline

    def supports(self, symbol: str) -> bool:
        """Whether the symbol has a known Stooq spelling (and is no FRED id)."""
        return known_series(symbol) is None and stooq_symbol(symbol) is not None

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Daily prices of ``symbols`` from ``start`` to ``end`` (both included)."""
        return [self._one(sym, start, end) for sym in symbols]

    def _one(self, symbol: str, start: dt.date, end: dt.date) -> RawSeries:
        mapped = stooq_symbol(symbol)
        if mapped is None:
            raise UnknownSymbol(f"{symbol}: no Stooq spelling known")
        code, currency = mapped
        params = {
            "s": code,
            "i": "d",
            "d1": start.strftime("%Y%m%d"),
            "d2": end.strftime("%Y%m%d"),
        }
        body = get_text(
            self.client, URL, params, what=f"{symbol}: Stooq", deadline=self.deadline
        )
        return parse_stooq_csv(symbol, body, currency)


def parse_stooq_csv(symbol: str, body: str, currency: str) -> RawSeries:
    """Parse a Stooq daily CSV answer into a :class:`RawSeries`."""
    text = body.strip()
    low = text.lower()
    if not text or low.startswith("no data"):
        raise UnknownSymbol(f"{symbol}: Stooq has no data")
    if "exceeded the daily hits limit" in low:
        raise RateLimited(f"{symbol}: Stooq daily limit reached")
    try:
        table = pd.read_csv(io.StringIO(text))
    except Exception as exc:  # pandas parser errors of several kinds
        raise ProviderError(f"{symbol}: Stooq answer is not CSV: {exc}") from exc
    if "Date" not in table.columns or "Close" not in table.columns:
        raise ProviderError(
            f"{symbol}: Stooq answer lacks Date/Close (got {list(table.columns)[:6]})"
        )
    if table.empty:
        raise UnknownSymbol(f"{symbol}: Stooq returned no rows")
    dates = pd.to_datetime(table["Date"], format="%Y-%m-%d", errors="coerce")
    close = pd.to_numeric(table["Close"], errors="coerce")
    lines = [f"line {i + 2}" for i in range(len(table))]
    bad = (dates.isna() | close.isna()).to_numpy()
    if bad.any():
        i = int(bad.argmax())
        raise ProviderError(
            f"{symbol}: Stooq: {lines[i]}: date {table['Date'].iloc[i]!r}, close "
            f"{table['Close'].iloc[i]!r}; expected YYYY-MM-DD and a number"
        )
    frame = make_frame(
        pd.DatetimeIndex(dates),
        close=close.to_numpy(),
        adj_close=close.to_numpy(),
        what=f"{symbol}: Stooq",
        rows=lines,
    )
    return RawSeries(symbol, frame, currency, "stooq", terms=TERMS)
