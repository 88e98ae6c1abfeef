"""FRED (St. Louis Fed) daily FX series over HTTP, as an FX fallback.

``GET https://fred.stlouisfed.org/graph/fredgraph.csv?id=DEXUSEU&cosd=...&coed=...``
answers ``observation_date,DEXUSEU`` (older answers: ``DATE,DEXUSEU``) with one row
per business day; a missing day is empty (older: ``.``) and is skipped. Series are
stored under the Yahoo symbol of the same direction (``DEXUSEU`` -> ``EURUSD=X``,
USD per 1 EUR; see :mod:`piefolio.data.fx`). FRED data of the Fed Board's H.10
release are in the public domain.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import httpx
import numpy as np
import pandas as pd

from piefolio.data.providers._http import DEADLINE, get_text
from piefolio.data.providers.base import RawSeries, UnknownSymbol, make_frame
from piefolio.data.providers.files import FRED_TO_YAHOO
from piefolio.errors import ProviderError

__all__ = ["FredProvider"]

URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
TERMS = "FRED, Federal Reserve Bank of St. Louis (H.10 release): public domain"
YAHOO_TO_FRED = {v: k for k, v in FRED_TO_YAHOO.items()}


class FredProvider:
    """Daily FX closes from FRED, for the pairs in ``FRED_TO_YAHOO``."""

    name = "fred"

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
        """Whether FRED has a daily series for this FX symbol."""
        return symbol.upper() in YAHOO_TO_FRED

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Daily FX closes of ``symbols`` from ``start`` to ``end``."""
        out = []
        for sym in symbols:
            series_id = YAHOO_TO_FRED.get(sym.upper())
            if series_id is None:
                raise UnknownSymbol(f"{sym}: not an FX pair FRED publishes")
            params = {
                "id": series_id,
                "cosd": start.isoformat(),
                "coed": end.isoformat(),
            }
            body = get_text(
                self.client,
                URL,
                params,
                what=f"{sym}: FRED {series_id}",
                deadline=self.deadline,
            )
            out.append(parse_fred_csv(sym, series_id, body))
        return out


def parse_fred_csv(symbol: str, series_id: str, body: str) -> RawSeries:
    """Parse a FRED ``fredgraph.csv`` answer into a :class:`RawSeries`."""
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
    dates = pd.to_datetime(table[cols[0]], format="%Y-%m-%d", errors="coerce")
    text = table[series_id].str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    blank = text.isin(["", "."]).to_numpy()
    bad = dates.isna().to_numpy() | (np.isnan(values) & ~blank)
    if bad.any():
        i = int(bad.argmax())
        raise ProviderError(
            f"{symbol}: FRED {series_id}: line {i + 2}: date "
            f"{table[cols[0]].iloc[i]!r}, value {text.iloc[i]!r}; expected "
            "YYYY-MM-DD and a number (or empty)"
        )
    keep = ~np.isnan(values)
    if not keep.any():
        raise UnknownSymbol(f"{symbol}: FRED {series_id} has no values in the range")
    frame = make_frame(
        pd.DatetimeIndex(dates[keep]),
        close=values[keep],
        adj_close=values[keep],
        what=f"{symbol}: FRED {series_id}",
        rows=[f"line {i + 2}" for i in np.flatnonzero(keep)],
    )
    quote = symbol.upper().removesuffix("=X")[-3:]
    return RawSeries(symbol.upper(), frame, quote, "fred", name=series_id, terms=TERMS)
