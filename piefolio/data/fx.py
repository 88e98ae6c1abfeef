"""Conversion of prices to a pie's base currency with dated FX closes.

Symbol convention (Yahoo's, used for every FX series in the store, whatever its
provider): ``XXXYYY=X`` is the price of 1 ``XXX`` in ``YYY`` — ``EURUSD=X`` is US
dollars per euro, and its ``currency`` is the quote currency ``USD``. Yahoo writes
pairs against one US dollar without the ``USD``: ``JPY=X`` is yen per dollar
(USDJPY). FRED's daily series are stored under the Yahoo symbol of the same
direction (``DEXUSEU`` -> ``EURUSD=X``; see
:data:`piefolio.data.providers.files.FRED_TO_YAHOO`).

A price in local currency L becomes a base-currency price B by multiplying with
the rate "B per 1 L" *of the same day*: the FX close dated that day, or the latest
one before it if the FX market had no close (a holiday), at most
:data:`FX_MAX_AGE` old. Never a later rate, never today's rate for a past day.
Where no such rate exists the converted price is NaN and the caller reports it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from piefolio.typing import FloatArray

__all__ = ["FX_MAX_AGE", "canonical_pair", "dated_rate", "fx_candidates", "fx_symbol"]

#: Oldest FX close used for a day: a long weekend plus a US FX holiday.
FX_MAX_AGE = pd.Timedelta(days=7)


def fx_symbol(base: str, quote: str) -> str:
    """Return the symbol of the price of 1 ``base`` in ``quote``: ``EURUSD=X``."""
    return f"{base.upper()}{quote.upper()}=X"


# Market convention for which currency is the base of a pair (EURUSD, GBPUSD,
# USDJPY...): the one listed first here.
_PRIORITY = ("EUR", "GBP", "AUD", "NZD", "USD", "CAD", "CHF", "JPY")


def canonical_pair(a: str, b: str) -> str:
    """Return the symbol to fetch for the ``a``/``b`` rate, in market convention.

    Examples
    --------
    >>> canonical_pair("USD", "EUR"), canonical_pair("JPY", "USD")
    ('EURUSD=X', 'USDJPY=X')
    """
    a, b = a.upper(), b.upper()
    rank = {c: i for i, c in enumerate(_PRIORITY)}
    first, second = sorted((a, b), key=lambda c: (rank.get(c, len(rank)), c))
    return fx_symbol(first, second)


def fx_candidates(local: str, base: str) -> list[tuple[str, bool]]:
    """FX symbols that give "``base`` per 1 ``local``", and whether to invert them.

    Parameters
    ----------
    local, base : str
        ISO 4217 codes.

    Returns
    -------
    list of (symbol, invert)
        In order of preference; ``invert`` True means the rate is ``1 / price``.
        Empty when ``local == base``.

    Examples
    --------
    >>> fx_candidates("USD", "EUR")
    [('USDEUR=X', False), ('EURUSD=X', True), ('EUR=X', False)]
    """
    local, base = local.upper(), base.upper()
    if local == base:
        return []
    out = [(fx_symbol(local, base), False), (fx_symbol(base, local), True)]
    if local == "USD":
        out.append((f"{base}=X", False))  # Yahoo's JPY=X: yen per dollar
    if base == "USD":
        out.append((f"{local}=X", True))
    return out


def dated_rate(
    local: str,
    base: str,
    dates: pd.DatetimeIndex,
    series: Mapping[str, pd.Series],
) -> tuple[FloatArray, str | None]:
    """Rate "``base`` per 1 ``local``" on each of ``dates``, from dated FX closes.

    Parameters
    ----------
    local, base : str
        ISO 4217 codes.
    dates : DatetimeIndex, length T
        The days to price, increasing.
    series : mapping symbol -> Series
        Available FX closes (index: dates, increasing; values > 0).

    Returns
    -------
    rates : ndarray of shape (T,)
        The rate of each day: the close dated that day, else the latest earlier
        close no older than :data:`FX_MAX_AGE`; NaN where there is none. All ones
        when ``local == base``.
    symbol : str or None
        The FX symbol used, None when ``local == base`` or none is available.
    """
    if local.upper() == base.upper():
        return np.ones(len(dates)), None
    for symbol, invert in fx_candidates(local, base):
        s = series.get(symbol)
        if s is None or s.empty:
            continue
        s = s.dropna()
        # method="ffill" takes the close at or *before* each day: a later rate
        # can never leak into an earlier day.
        on_days = s.reindex(dates, method="ffill", tolerance=FX_MAX_AGE)
        rates = on_days.to_numpy(dtype=np.float64)
        return (1.0 / rates if invert else rates), symbol
    return np.full(len(dates), np.nan), None
