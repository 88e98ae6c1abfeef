"""Yahoo Finance through yfinance: traded and adjusted closes, dividends, splits.

Any Yahoo symbol works: US tickers (``CVX``), other exchanges (``ASML.AS``,
``SHEL.L``), indices (``^GSPC``) and FX pairs (``EURUSD=X``, USD per 1 EUR).
One ``Ticker.history`` call per symbol (``auto_adjust=False, actions=True``)
returns ``Open High Low Close Adj Close Volume Dividends Stock Splits`` on a
tz-aware daily index; the currency comes from the history's metadata.
yfinance is imported on first use only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from piefolio.currency import currency_problem
from piefolio.data.known_series import known_series
from piefolio.data.providers.base import (
    RateLimited,
    RawSeries,
    TransientProviderError,
    UnknownSymbol,
    Unreachable,
    make_frame,
)
from piefolio.errors import ProviderError

__all__ = ["YahooProvider"]

TERMS = (
    "Yahoo Finance data through yfinance: for personal use under Yahoo's terms; "
    "not for redistribution"
)


class YahooProvider:
    """Daily prices from Yahoo Finance (yfinance)."""

    name = "yahoo"

    def __init__(self, *, timeout: float = 20.0) -> None:
        self.timeout = timeout

    def supports(self, symbol: str) -> bool:
        """Every symbol but a known economic series (FRED's ids go to FRED)."""
        return known_series(symbol) is None

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Daily prices of ``symbols`` from ``start`` to ``end`` (both included)."""
        return [self._one(sym, start, end) for sym in symbols]

    def _one(self, symbol: str, start: dt.date, end: dt.date) -> RawSeries:
        # yfinance and curl log every failed cookie, crumb and ticker to the
        # terminal; the errors below say it once, in piefolio's words.
        with _captured_logs():
            return self._fetch(symbol, start, end)

    def _fetch(self, symbol: str, start: dt.date, end: dt.date) -> RawSeries:
        import yfinance as yf
        from yfinance import exceptions as yfe

        ticker = yf.Ticker(symbol)
        try:
            hist = ticker.history(
                start=start.isoformat(),
                # yfinance's end is exclusive.
                end=(end + dt.timedelta(days=1)).isoformat(),
                interval="1d",
                auto_adjust=False,
                actions=True,
                # curl's timeout covers the whole transfer, not one read: it
                # is this request's overall deadline.
                timeout=self.timeout,
                raise_errors=True,
            )
        except yfe.YFRateLimitError as exc:
            raise RateLimited(f"{symbol}: Yahoo rate limit: {_short(exc)}") from exc
        except (
            yfe.YFPricesMissingError,
            yfe.YFTickerMissingError,
            yfe.YFTzMissingError,
        ) as exc:
            raise UnknownSymbol(
                f"{symbol}: Yahoo has no prices: {_short(exc)}"
            ) from exc
        except Exception as exc:  # curl_cffi's errors (OSErrors), yfinance's own
            raise _transport_error(symbol, exc) from exc
        return _to_series(symbol, hist, _currency(ticker, symbol))


@contextmanager
def _captured_logs() -> Iterator[list[str]]:
    """Keep yfinance's log records and stray prints off the terminal."""
    import contextlib
    import io
    import warnings

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    loggers = [logging.getLogger(n) for n in ("yfinance", "curl_cffi", "peewee")]
    saved = [(lg.propagate, lg.handlers[:]) for lg in loggers]
    handler = Keep()
    for lg in loggers:
        lg.handlers = [handler]
        lg.propagate = False
    sink = io.StringIO()
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
        ):
            warnings.simplefilter("ignore")
            yield records
    finally:
        for lg, (propagate, handlers) in zip(loggers, saved, strict=True):
            lg.handlers = handlers
            lg.propagate = propagate


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    # curl appends a pointer to its manual to every error.
    return first.split(" See https://curl.se", 1)[0].rstrip(". ")


def _transport_error(symbol: str, exc: BaseException) -> ProviderError:
    """Map a failed Yahoo request to what it is: unreachable, slow, refused."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    text = str(exc).lower()
    if status == 429:
        return RateLimited(f"{symbol}: Yahoo rate limit (HTTP 429)")
    if isinstance(status, int) and status >= 500:
        return TransientProviderError(f"{symbol}: Yahoo server error (HTTP {status})")
    if "timed out" in text or "timeout" in text or "curl: (28)" in text:
        return TransientProviderError(f"{symbol}: Yahoo timed out ({_short(exc)})")
    if (
        not status  # HTTP 0 / no answer at all: nothing reached Yahoo
        and (isinstance(exc, OSError) or any(k in text for k in _NO_ROUTE))
    ):
        return Unreachable(f"{symbol}: cannot connect to Yahoo ({_short(exc)})")
    if isinstance(status, int):
        return ProviderError(f"{symbol}: Yahoo answered HTTP {status}")
    return ProviderError(f"{symbol}: Yahoo answer unusable: {_short(exc)}")


# Words of curl and the resolver for "no connection was made".
_NO_ROUTE = ("resolve", "connect", "network is unreachable", "no route", "dns")


def _currency(ticker: Any, symbol: str) -> str:
    meta: dict[str, Any] = {}
    try:
        meta = dict(getattr(ticker, "history_metadata", None) or {})
    except Exception:  # metadata is a nicety; the fast_info path may still work
        meta = {}
    cur = meta.get("currency")
    if not cur:
        try:
            cur = ticker.fast_info["currency"]
        except Exception as exc:
            raise ProviderError(f"{symbol}: Yahoo gave no currency") from exc
    code = str(cur)
    # London quotes in pence: GBp (and ZAc in cents); prices are then /100 in GBP.
    return code


def _to_series(symbol: str, hist: pd.DataFrame, currency: str) -> RawSeries:
    if not isinstance(hist, pd.DataFrame):
        raise ProviderError(f"{symbol}: Yahoo answer is not a table")
    if hist.empty:
        raise UnknownSymbol(f"{symbol}: Yahoo returned no rows")
    missing = {"Close", "Adj Close"} - set(hist.columns)
    if missing:
        raise ProviderError(
            f"{symbol}: Yahoo answer lacks column(s) {sorted(missing)} "
            f"(got {list(hist.columns)})"
        )
    scale = 1.0
    if currency in ("GBp", "GBX", "ZAc", "ILA"):
        # Minor units: quoted in pence/cents; store major units, as FX is quoted.
        scale, currency = (
            0.01,
            {"GBp": "GBP", "GBX": "GBP", "ZAc": "ZAR", "ILA": "ILS"}[currency],
        )
    close = pd.to_numeric(hist["Close"], errors="coerce") * scale
    adj = pd.to_numeric(hist["Adj Close"], errors="coerce") * scale
    div = hist["Dividends"] * scale if "Dividends" in hist else None
    split = hist["Stock Splits"] if "Stock Splits" in hist else None
    index = pd.DatetimeIndex(hist.index)
    if index.tz is not None:
        # Yahoo stamps daily bars at midnight exchange time: dropping the zone
        # keeps the exchange-local date (converting to UTC first would not).
        index = index.tz_localize(None)
    # A day with neither price is no trading day; a day with a bad one (a
    # close of -5 beside a positive adjusted close) rejects the answer.
    keep = close.notna().to_numpy() | adj.notna().to_numpy()
    if not keep.any():
        raise ProviderError(f"{symbol}: Yahoo answer has no price")
    problem = currency_problem(currency)
    if problem is not None:
        raise ProviderError(f"{symbol}: Yahoo gave the currency {problem}")
    frame = make_frame(
        index[keep],
        close=close.to_numpy()[keep],
        adj_close=adj.to_numpy()[keep],
        dividend=None if div is None else div.to_numpy(dtype=float)[keep],
        split=None if split is None else split.to_numpy(dtype=float)[keep],
        what=f"{symbol}: Yahoo",
    )
    return RawSeries(symbol, frame, currency.upper(), "yahoo", terms=TERMS)
