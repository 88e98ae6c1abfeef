"""Price providers: one interface, one module per source."""

from __future__ import annotations

from piefolio.data.providers.base import (
    Provider,
    RateLimited,
    RawSeries,
    TransientProviderError,
    UnknownSymbol,
)

__all__ = [
    "Provider",
    "RateLimited",
    "RawSeries",
    "TransientProviderError",
    "UnknownSymbol",
]
