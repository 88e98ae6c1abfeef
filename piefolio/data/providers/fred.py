"""FRED (St. Louis Fed) over HTTP: economic series, and daily FX as an FX fallback.

Two ways in, both in FRED's real formats:

- ``GET https://fred.stlouisfed.org/graph/fredgraph.csv?id=CPIAUCSL&cosd=...&coed=...``
  (no key) answers ``observation_date,CPIAUCSL`` (older answers: ``DATE,...``),
  one row per observation on the date FRED gives it (the first of the month for
  a monthly series); a missing observation is empty (older: ``.``) and has no
  row. The answer names neither frequency nor unit: the frequency is the one
  the dates show (held against a known id's, :mod:`piefolio.data.known_series`),
  the unit a known id's, else unknown.
- With an API key (``FRED_API_KEY`` in the environment, or ``api_key=``):
  ``GET https://api.stlouisfed.org/fred/series?series_id=ID&file_type=json``
  answers ``{"seriess": [{"id", "title", "frequency_short", "units", ...}]}``
  (frequency and unit as FRED states them), and ``.../fred/series/observations``
  answers ``{"observations": [{"date": "2024-01-01", "value": "308.417"}, ...]}``
  with ``"."`` for a missing value.

A bad answer (an HTML error page, an empty body, a value that is no number)
is a :class:`~piefolio.errors.ProviderError` and nothing of it is stored.
FX pairs are stored under the Yahoo symbol of the same direction (``DEXUSEU``
-> ``EURUSD=X``, USD per 1 EUR; see :mod:`piefolio.data.fx`); economic series
under their FRED id, never rescaled.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from collections.abc import Sequence
from typing import Any, Literal

import httpx
import numpy as np
import pandas as pd

from piefolio.data.known_series import known_series
from piefolio.data.providers._http import DEADLINE, get_text
from piefolio.data.providers.base import (
    RawSeries,
    UnknownSymbol,
    ValueKind,
    make_frame,
)
from piefolio.data.providers.files import FRED_TO_YAHOO
from piefolio.data.series import resolve_frequency
from piefolio.errors import ProviderError

__all__ = [
    "FRED_FREQUENCIES",
    "FredProvider",
    "SeriesPolicy",
    "parse_fred_csv",
    "parse_observations",
]

URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
API = "https://api.stlouisfed.org/fred"
TERMS = "FRED, Federal Reserve Bank of St. Louis (H.10 release): public domain"
SERIES_TERMS = (
    "FRED, Federal Reserve Bank of St. Louis; the terms of the series' source "
    "agency apply (FRED tags US government series public domain: citation "
    "requested)"
)
YAHOO_TO_FRED = {v: k for k, v in FRED_TO_YAHOO.items()}

#: FRED's ``frequency_short`` -> piefolio's frequency.
FRED_FREQUENCIES = {
    "D": "daily",
    "W": "weekly",
    "BW": "biweekly",
    "M": "monthly",
    "Q": "quarterly",
    "SA": "semiannual",
    "A": "annual",
}

#: Which symbols the provider answers for: "known" (FX pairs and the ids of
#: :mod:`piefolio.data.known_series`, the default chain: a ticker is never
#: asked of FRED) or "any" (every FRED-shaped id: ``--provider fred``).
SeriesPolicy = Literal["known", "any"]

_FRED_ID = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,63}$")


class FredProvider:
    """Economic series and daily FX closes from FRED.

    Parameters
    ----------
    client : httpx.Client, optional
    series : {"known", "any"}, default "known"
        See :data:`SeriesPolicy`.
    api_key : str, optional
        FRED API key (default ``$FRED_API_KEY``); with one, series come from the
        API with FRED's frequency and unit, without one from ``fredgraph.csv``.
    timeout, deadline : float
        Seconds per read, and for one whole answer.
    """

    name = "fred"

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        series: SeriesPolicy = "known",
        api_key: str | None = None,
        timeout: float = 20.0,
        deadline: float = DEADLINE,
    ) -> None:
        if series not in ("known", "any"):
            raise ValueError(f"series={series!r}; expected 'known' or 'any'")
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=True)
        self.series = series
        self.api_key = (
            api_key if api_key is not None else os.environ.get("FRED_API_KEY")
        )
        #: Seconds for one whole answer (httpx's timeout is per read).
        self.deadline = deadline

    def supports(self, symbol: str) -> bool:
        """Whether FRED is asked for ``symbol`` (see :data:`SeriesPolicy`)."""
        sym = symbol.strip().upper()
        if sym in YAHOO_TO_FRED or known_series(sym) is not None:
            return True
        return self.series == "any" and bool(_FRED_ID.match(sym))

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Observations of ``symbols`` dated from ``start`` to ``end``."""
        return [self._one(sym, start, end) for sym in symbols]

    def _one(self, sym: str, start: dt.date, end: dt.date) -> RawSeries:
        if not self.supports(sym):
            raise UnknownSymbol(f"{sym}: not a series FRED is asked for")
        fx = YAHOO_TO_FRED.get(sym.upper())
        series_id = fx or sym.strip().upper()
        if fx is None and self.api_key:
            return self._from_api(series_id, start, end)
        params = {"id": series_id, "cosd": start.isoformat(), "coed": end.isoformat()}
        body = get_text(
            self.client,
            URL,
            params,
            what=f"{sym}: FRED {series_id}",
            deadline=self.deadline,
        )
        if fx is not None:
            return parse_fred_csv(sym, series_id, body)
        raw = parse_fred_csv(series_id, series_id, body, fx=False)
        known = known_series(series_id)
        return _as_series(raw, None, known.unit if known else "", raw.name)

    def _from_api(self, series_id: str, start: dt.date, end: dt.date) -> RawSeries:
        what = f"{series_id}: FRED API"
        base = {"series_id": series_id, "file_type": "json"}
        key = {"api_key": str(self.api_key)}
        meta = _json(
            get_text(
                self.client,
                f"{API}/series",
                {**base, **key},
                what=what,
                deadline=self.deadline,
                reason=_api_error,
            ),
            what,
        )
        found = meta.get("seriess")
        if not isinstance(found, list) or not found or not isinstance(found[0], dict):
            raise ProviderError(
                f"{what}: answer has no 'seriess' list; expected FRED's series JSON"
            )
        info = found[0]
        short = str(info.get("frequency_short", "")).strip().upper()
        freq = FRED_FREQUENCIES.get(short)
        if freq is None:
            raise ProviderError(
                f"{what}: frequency {info.get('frequency_short')!r} is not one of "
                f"{', '.join(FRED_FREQUENCIES)}"
            )
        obs = _json(
            get_text(
                self.client,
                f"{API}/series/observations",
                {
                    **base,
                    **key,
                    "observation_start": start.isoformat(),
                    "observation_end": end.isoformat(),
                },
                what=what,
                deadline=self.deadline,
                reason=_api_error,
            ),
            what,
        )
        raw = parse_observations(series_id, obs)
        return _as_series(
            raw, freq, str(info.get("units", "")).strip(), str(info.get("title", ""))
        )


def _api_error(body: str) -> str | None:
    """FRED's own reason for refusing an API request, or None if it gave none.

    The API answers a bad request (an unknown series, a key that is not
    registered) with HTTP 400 and a JSON body ``{"error_code": 400,
    "error_message": "Bad Request.  The series does not exist."}``.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    message = data.get("error_message") if isinstance(data, dict) else None
    # FRED pads its sentences with two spaces; one line reads better.
    return " ".join(message.split()) if isinstance(message, str) and message else None


def _json(body: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        head = body.strip()[:40]
        raise ProviderError(
            f"{what}: answer is not JSON (starts {head!r}); expected FRED's JSON"
        ) from exc
    if not isinstance(data, dict):
        raise ProviderError(f"{what}: answer is not a JSON object")
    if "error_message" in data:
        raise ProviderError(f"{what}: {data['error_message']}")
    return data


def _as_series(raw: RawSeries, freq: str | None, unit: str, name: str) -> RawSeries:
    """Give a fetched series its frequency (checked against its dates) and unit."""
    try:
        want = resolve_frequency(
            raw.symbol,
            raw.frame.index,
            [str(d.date()) for d in raw.frame.index],
            freq,
        )
    except ValueError as exc:
        raise ProviderError(f"{raw.symbol}: FRED: {exc}") from exc
    return RawSeries(
        raw.symbol,
        raw.frame,
        "USD",
        "fred",
        name=name or raw.symbol,
        terms=SERIES_TERMS,
        frequency=want,
        unit=unit,
    )


def parse_observations(series_id: str, data: dict[str, Any]) -> RawSeries:
    """Parse the ``observations`` of a FRED API answer (``"."`` is missing)."""
    what = f"{series_id}: FRED API"
    rows = data.get("observations")
    if not isinstance(rows, list):
        raise ProviderError(
            f"{what}: answer has no 'observations' list; expected FRED's JSON"
        )
    dates: list[str] = []
    texts: list[str] = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "date" not in row or "value" not in row:
            raise ProviderError(
                f"{what}: observation {i + 1} is {row!r}; expected "
                '{"date": "YYYY-MM-DD", "value": "..."}'
            )
        dates.append(str(row["date"]))
        texts.append(str(row["value"]).strip())
    table = pd.DataFrame({"date": dates, "value": texts})
    return _frame(
        series_id, series_id, table, "date", "value", what, "observation", 1, "level"
    )


def parse_fred_csv(
    symbol: str, series_id: str, body: str, *, fx: bool = True
) -> RawSeries:
    """Parse a FRED ``fredgraph.csv`` answer into a :class:`RawSeries`.

    ``fx`` (the default): an FX series, stored under ``symbol`` in its quote
    currency; else an economic series under its id (no frequency yet).
    """
    if not body.strip():
        raise ProviderError(
            f"{symbol}: FRED answer is empty; expected observation_date,{series_id}"
        )
    try:
        table = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas parser errors of several kinds
        raise ProviderError(f"{symbol}: FRED answer is not CSV: {exc}") from exc
    cols = list(table.columns)
    if (
        len(cols) != 2
        or cols[1] != series_id
        or cols[0] not in ("observation_date", "DATE")
    ):
        raise ProviderError(
            f"{symbol}: FRED answer has columns {cols[:4]}; expected "
            f"observation_date,{series_id}"
        )
    raw = _frame(
        symbol,
        series_id,
        table,
        cols[0],
        series_id,
        f"FRED {series_id}",
        "line",
        2,
        "price" if fx else "level",
    )
    if not fx:
        return raw
    quote = symbol.upper().removesuffix("=X")[-3:]
    return RawSeries(
        symbol.upper(), raw.frame, quote, "fred", name=series_id, terms=TERMS
    )


def _frame(
    symbol: str,
    series_id: str,
    table: pd.DataFrame,
    date_col: str,
    value_col: str,
    what: str,
    row_word: str,
    first_row: int,
    kind: ValueKind,
) -> RawSeries:
    """Check dates and values of an answer; drop missing ones (empty or ``.``)."""
    dates = pd.to_datetime(table[date_col], format="%Y-%m-%d", errors="coerce")
    text = table[value_col].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    blank = text.isin(["", "."]).to_numpy()
    bad = dates.isna().to_numpy() | (np.isnan(values) & ~blank)
    if bad.any():
        i = int(bad.argmax())
        raise ProviderError(
            f"{symbol}: {what}: {row_word} {i + first_row}: date "
            f"{table[date_col].iloc[i]!r}, value {text.iloc[i]!r}; expected "
            "YYYY-MM-DD and a number (or empty)"
        )
    keep = ~np.isnan(values)
    if not keep.any():
        raise UnknownSymbol(f"{symbol}: FRED {series_id} has no values in the range")
    frame = make_frame(
        pd.DatetimeIndex(dates[keep]),
        close=values[keep],
        adj_close=values[keep],
        what=f"{symbol}: {what}",
        rows=[f"{row_word} {i + first_row}" for i in np.flatnonzero(keep)],
        kind=kind,
    )
    return RawSeries(symbol.upper(), frame, "USD", "fred", name=series_id)
