"""The prices a real account needs: what it held, its pie and its benchmarks.

Traded closes (split-adjusted, not dividend-adjusted) with cash dividends, in the
pie's currency at each day's FX rate, from the history's first row on; see
:func:`piefolio.data.prices.load_frame`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from piefolio.errors import DataUnavailable

if TYPE_CHECKING:
    from piefolio.account.ledger import Ledger
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store
    from piefolio.spec import PieSpec

__all__ = ["account_frame", "match_tickers"]


def match_tickers(ledger: Ledger, spec: PieSpec) -> dict[str, str]:
    """Map the broker's tickers to the pie's symbols where only the market differs.

    Trading 212 writes ``VUSA`` where the pie (and Yahoo) say ``VUSA.L``: a
    ledger ticker that is not one of the pie's or benchmarks' symbols, and is
    the part before the dot of exactly one of them, is that symbol.

    Returns
    -------
    dict
        Broker ticker -> pie symbol, only for the tickers renamed.
    """
    from piefolio.data.prices import spec_symbols

    held, _ = spec_symbols(spec)
    known = set(held)
    by_root: dict[str, list[str]] = {}
    for symbol in held:
        if "." in symbol:
            by_root.setdefault(symbol.split(".", 1)[0], []).append(symbol)
    out = {}
    for ticker in ledger.tickers:
        found = by_root.get(ticker, [])
        if ticker not in known and len(found) == 1:
            out[ticker] = found[0]
    return out


def account_frame(
    spec: PieSpec, ledger: Ledger, *, store: Store | None = None, offline: bool = False
) -> PriceFrame:
    """Load the prices to value ``ledger`` and run ``spec`` on its money.

    Parameters
    ----------
    spec : PieSpec
        Its pie's and benchmarks' tickers are loaded, in its currency.
    ledger : Ledger
        Every ticker it ever held is loaded, from its first row on (named as
        the pie names it, :func:`match_tickers`).
    store : Store, optional
        Default: the user's store.
    offline : bool
        Use stored prices only; else fetch what the store lacks first.

    Returns
    -------
    PriceFrame
        ``adjusted=False``.

    Raises
    ------
    DataUnavailable
        The ledger is empty, or a ticker has no price at all.
    """
    from piefolio.data.chain import update
    from piefolio.data.prices import load_frame, spec_symbols
    from piefolio.data.store import Store

    if not len(ledger):
        # Nothing imported yet is missing data (exit 3), not a bad file.
        raise DataUnavailable(
            "the history is empty; run `piefolio history import FILE`"
        )
    store = store or Store()
    held, _ = spec_symbols(spec)
    ledger = ledger.with_tickers(match_tickers(ledger, spec))
    symbols = list(dict.fromkeys([*ledger.tickers, *held]))
    first = ledger.entries[0].date
    if not offline:
        update(symbols, first, dt.date.today(), store=store)
    return load_frame(
        store,
        symbols,
        base_currency=spec.pie.currency,
        start=first,
        adjusted=False,
        fetch=None if offline else (None, None),
    )
