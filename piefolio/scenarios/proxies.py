"""Stand-in history for slices that did not trade yet in a stress window.

Conventions: prices are total-return closes in one currency, dates x tickers, NaN
before a ticker's first trade. A proxy lends its *returns*, never its price level:
the ticker's missing past is its first real price moved back by the proxy's
returns, so the joined series has no jump on the day the real one starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Filled", "fill_with_proxies", "longest_history", "splice_proxy"]


def splice_proxy(target: pd.Series, proxy: pd.Series) -> pd.Series:
    """Extend ``target`` back in time with the returns of ``proxy``.

    Parameters
    ----------
    target : pd.Series
        Prices of the ticker, NaN before its first trade.
    proxy : pd.Series
        Prices of the stand-in on the same dates.

    Returns
    -------
    pd.Series
        ``target`` where it has a price; before its first price,
        ``target[first] * proxy[t] / proxy[first]``. Still NaN where the proxy
        has no price either (or at ``first``).
    """
    first = target.first_valid_index()
    if first is None:
        return target.copy()
    out = target.copy()
    before = out.index < first
    anchor = proxy.get(first, np.nan)
    if not np.isfinite(anchor):
        return out
    out[before] = target[first] * proxy[before] / anchor
    return out


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class Filled:
    """Prices and weights ready to replay, with what was done to get them.

    Attributes
    ----------
    prices : pd.DataFrame
        The window's prices, proxies spliced in, only the tickers kept.
    weights : dict[str, float]
        Target weights over the kept tickers, summing to 1.
    proxied : dict[str, str]
        Ticker -> proxy whose returns stand in for its missing history.
    dropped : list[str]
        Tickers with no full history and no usable proxy; their weight went pro
        rata to the others.
    why : dict[str, str]
        Dropped ticker -> what its prices and its proxy's cover in the window,
        in words ("has no price in this window, and its proxy IWM has prices
        only from 2000-05-26").
    """

    prices: pd.DataFrame
    weights: dict[str, float]
    proxied: dict[str, str]
    dropped: list[str]
    why: dict[str, str] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """Say, in words, which tickers are stand-ins or left out."""
        out = [
            f"{t} had no full history here: {p}'s returns stand in for it"
            for t, p in self.proxied.items()
        ]
        out += [
            f"{t} {self.why.get(t, 'has no full history here')}: left out, its "
            "weight spread pro rata"
            for t in self.dropped
        ]
        return out


def _cover(series: pd.Series | None) -> str:
    """Say which of the window's days ``series`` has a price on."""
    if series is None or series.isna().all():
        return "has no price in this window"
    first, last = series.first_valid_index(), series.last_valid_index()
    days = series.notna()
    if days.loc[first:last].all():
        if first == series.index[0]:
            return f"has prices in this window only until {last.date()}"
        if last == series.index[-1]:
            return f"has prices in this window only from {first.date()}"
    return f"has prices on {int(days.sum())} of this window's {len(series)} days"


def _why(series: pd.Series, proxy: str | None, window: pd.DataFrame) -> str:
    """Why a ticker is left out: its own prices, then its proxy's."""
    own = _cover(series)
    if proxy is None:
        return f"{own} and no proxy"
    theirs = window[proxy] if proxy in window else None
    if theirs is None or theirs.isna().all():
        if series.isna().all():
            return f"has no price in this window, nor has its proxy {proxy}"
        return f"{own}, and its proxy {proxy} has none"
    if theirs.isna().any():
        return f"{own}, and its proxy {proxy} {_cover(theirs)}"
    # The proxy is whole, but lends its returns only before the first price.
    return f"{own}; its proxy {proxy} fills only the days before the first"


def fill_with_proxies(
    prices: pd.DataFrame,
    weights: Mapping[str, float],
    proxies: Mapping[str, str],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> Filled:
    """Make every slice tradable over ``[start, end]``, by proxy or by leaving it out.

    Parameters
    ----------
    prices : pd.DataFrame
        Prices of the tickers and of their proxies, dates x tickers, covering at
        least the window.
    weights : Mapping[str, float]
        Ticker -> target weight (sums to 1).
    proxies : Mapping[str, str]
        Ticker -> proxy ticker, as declared in the spec or a scenario file.
    start, end : pd.Timestamp
        The window, both ends included.

    Returns
    -------
    Filled
    """
    window = prices.loc[start:end]
    kept: dict[str, pd.Series] = {}
    proxied: dict[str, str] = {}
    dropped: list[str] = []
    why: dict[str, str] = {}
    for ticker in weights:
        series = window[ticker] if ticker in window else pd.Series(np.nan, window.index)
        if series.notna().all():
            kept[ticker] = series
            continue
        proxy = proxies.get(ticker)
        if proxy is not None and proxy in window and window[proxy].notna().all():
            spliced = splice_proxy(series, window[proxy])
            if series.isna().all():
                # No real price in the window at all: the proxy itself stands in.
                spliced = window[proxy]
            if spliced.notna().all():
                kept[ticker] = spliced
                proxied[ticker] = proxy
                continue
        dropped.append(ticker)
        why[ticker] = _why(series, proxy, window)
    total = sum(weights[t] for t in kept)
    new_weights = {t: weights[t] / total for t in kept} if total > 0 else {}
    return Filled(pd.DataFrame(kept), new_weights, proxied, dropped, why)


def longest_history(
    prices: pd.DataFrame, symbols: list[str], proxies: Mapping[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    """Cut the longest span where every symbol has a price, proxies spliced in.

    A young ticker is extended back with its declared proxy's returns, so that a
    Monte Carlo bootstrap draws from years that include crashes rather than from
    the few years since the youngest slice listed.

    Parameters
    ----------
    prices : pd.DataFrame
        Dates x tickers, the symbols and their proxies.
    symbols : list of str
        The columns wanted.
    proxies : Mapping[str, str]
        Ticker -> proxy ticker.

    Returns
    -------
    (pd.DataFrame, list of str)
        Prices of ``symbols`` from the first day all have one (after splicing),
        and a note per spliced ticker.
    """
    cols = {}
    notes = []
    for s in symbols:
        series = prices[s]
        proxy = proxies.get(s)
        first = series.first_valid_index()
        if proxy is not None and proxy in prices and first is not None:
            spliced = splice_proxy(series, prices[proxy])
            if spliced.first_valid_index() != first:
                notes.append(
                    f"{s} before {pd.Timestamp(str(first)).date()}: {proxy}'s returns"
                )
                series = spliced
        cols[s] = series
    frame = pd.DataFrame(cols)
    valid = frame.notna().to_numpy()
    # First row from which each column has a price (a column never priced: the end).
    first_rows = [int(valid[:, j].argmax()) if valid[:, j].any() else len(frame) - 1
                  for j in range(valid.shape[1])]  # fmt: skip
    return frame.iloc[max(first_rows, default=0) :], notes
