"""Market data: providers, the local store, FX, and the PriceFrame.

The engine needs one thing from here: :func:`get_prices` turns a pie spec into a
:class:`PriceFrame` (dates x symbols, base currency); ``frame.prices`` is the
``pandas.DataFrame`` the engine's ``simulate`` takes, ``frame.dividend_frame()``
and ``frame.fx_mask`` its ``dividends`` and ``fx_mask``. Economic series (CPI,
copper, construction spending) are read one at a time, on their own dates, with
:func:`read_series`.
"""

from __future__ import annotations

from piefolio.data.chain import FetchReport, RetryPolicy, list_providers, update
from piefolio.data.demo import demo_prices, demo_spec, load_sample
from piefolio.data.frame import Gap, PriceFrame, build_frame
from piefolio.data.prices import get_prices, load_frame, spec_symbols
from piefolio.data.providers.base import Provider, RawSeries
from piefolio.data.providers.files import read_prices_file
from piefolio.data.series import StoredSeries, read_series
from piefolio.data.store import Store, SymbolInfo, default_store_path
from piefolio.data.verify import Finding, verify_store

__all__ = [
    "FetchReport",
    "Finding",
    "Gap",
    "PriceFrame",
    "Provider",
    "RawSeries",
    "RetryPolicy",
    "Store",
    "StoredSeries",
    "SymbolInfo",
    "build_frame",
    "default_store_path",
    "demo_prices",
    "demo_spec",
    "get_prices",
    "list_providers",
    "load_frame",
    "load_sample",
    "read_prices_file",
    "read_series",
    "spec_symbols",
    "update",
    "verify_store",
]
