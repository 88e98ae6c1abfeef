"""The offline sample: skfolio's bundled S&P 500 data, under Yahoo tickers.

skfolio (BSD-3-Clause) ships, inside its wheel, daily adjusted closes of 20 S&P 500
stocks (AAPL AMD BAC BBY CVX GE HD JNJ JPM KO LLY MRK MSFT PEP PFE PG RRC UNH WMT
XOM) and the S&P 500 index level, 1990-01-02 to 2022-12-28. They load with no
network. The index is exposed as ``^GSPC``, Yahoo's symbol; it is a price index
(no dividends), unlike the stocks' total-return closes. skfolio states that the
data are "provided solely for testing and example purposes", stale, and "not
intended for investment, trading, or commercial use": piefolio uses them for the
offline demo and says so in ``piefolio data info``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

from piefolio.data.providers.base import RawSeries, UnknownSymbol, make_frame

__all__ = ["SAMPLE_INDEX", "SAMPLE_TERMS", "SampleProvider", "sample_symbols"]

SAMPLE_INDEX = "^GSPC"
SAMPLE_TERMS = (
    "Sample data bundled with skfolio (BSD-3-Clause): daily adjusted closes of 20 "
    "S&P 500 stocks and the S&P 500 index level (price index, no dividends), "
    "1990-01-02..2022-12-28, originally from Yahoo Finance. For examples and tests "
    "only: stale, not for investment, trading or commercial use."
)


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    from skfolio.datasets import load_sp500_dataset, load_sp500_index

    stocks = load_sp500_dataset()
    index = load_sp500_index().rename(columns={"SP500": SAMPLE_INDEX})
    joined: pd.DataFrame = stocks.join(index, how="outer")
    return joined


def sample_symbols() -> list[str]:
    """Symbols the sample holds: the 20 stocks, then ``^GSPC``."""
    return [str(c) for c in _load().columns]


class SampleProvider:
    """Offline prices from skfolio's bundled dataset (USD, adjusted closes)."""

    name = "sample"

    def supports(self, symbol: str) -> bool:
        """Whether the sample holds ``symbol``."""
        return symbol in _load().columns

    def fetch(
        self, symbols: Sequence[str], start: dt.date, end: dt.date
    ) -> list[RawSeries]:
        """Sample prices of ``symbols`` between ``start`` and ``end``."""
        data = _load()
        out = []
        for sym in symbols:
            if sym not in data.columns:
                raise UnknownSymbol(
                    f"{sym}: not in the offline sample (it holds "
                    f"{', '.join(sample_symbols())})"
                )
            col = data[sym].loc[pd.Timestamp(start) : pd.Timestamp(end)].dropna()
            col = col[col > 0]
            frame = make_frame(
                pd.DatetimeIndex(col.index),
                close=col.to_numpy(),
                adj_close=col.to_numpy(),
            )
            name = "S&P 500 index (price)" if sym == SAMPLE_INDEX else ""
            out.append(
                RawSeries(sym, frame, "USD", "sample", name=name, terms=SAMPLE_TERMS)
            )
        return out
