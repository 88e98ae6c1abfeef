"""Checks of stored prices that a person should look at.

``verify_store`` flags, per symbol: duplicate days, non-positive prices, gaps of
more than :data:`~piefolio.data.frame.MAX_FILL` weekdays between prices,
one-day moves of the adjusted close over 50 % up or down, and series whose rows
come from more than one source (a file spliced onto a fetch: its join is where a
fake move hides). Big moves are often real
(a biotech trial, a bankruptcy scare) but are also how bad splits show up; they are
reported for a person to check, never changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from piefolio.data.frame import MAX_FILL
from piefolio.data.store import Store

__all__ = ["BIG_MOVE", "Finding", "verify_store"]

#: A one-day move of the adjusted close beyond this fraction is flagged.
BIG_MOVE = 0.5


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to check.

    ``kind`` is duplicate, non-positive, gap, big-move or mixed-sources (dated
    on the first day of the second source).
    """

    symbol: str
    kind: str
    date: dt.date
    detail: str

    def __str__(self) -> str:
        return f"{self.symbol} {self.date.isoformat()} {self.kind}: {self.detail}"


def verify_store(store: Store, symbols: Sequence[str] | None = None) -> list[Finding]:
    """Check stored prices; return the findings sorted by symbol and date."""
    names = list(symbols) if symbols else [i.symbol for i in store.symbols()]
    long = store.read(names)
    out: list[Finding] = []
    for name, spans in store.sources(names).items():
        if len(spans) > 1:
            later = sorted(spans, key=lambda sp: sp.first)[1]
            out.append(
                Finding(
                    name,
                    "mixed-sources",
                    later.first,
                    "rows from " + ", ".join(str(sp) for sp in spans),
                )
            )
    for sym, rows in long.groupby("symbol", sort=True):
        s = str(sym)
        dates = rows["date"].to_numpy()
        price = rows["adj_close"].fillna(rows["close"]).to_numpy(np.float64)
        days = rows["date"].dt.date.to_numpy()
        dup = np.r_[False, dates[1:] == dates[:-1]]
        out += [
            Finding(s, "duplicate", days[i], "two rows for one day")
            for i in np.flatnonzero(dup)
        ]
        for col in ("close", "adj_close"):
            v = rows[col].to_numpy(np.float64)
            out += [
                Finding(s, "non-positive", days[i], f"{col} = {v[i]:g}")
                for i in np.flatnonzero(~np.isnan(v) & (v <= 0))
            ]
        d = dates.astype("datetime64[D]")
        if len(d) > 1:
            between = np.busday_count(d[:-1], d[1:]) - 1
            for i in np.flatnonzero(between > MAX_FILL):
                out.append(
                    Finding(
                        s,
                        "gap",
                        days[i],
                        f"no price for {between[i]} weekdays until {days[i + 1]}",
                    )
                )
            with np.errstate(divide="ignore", invalid="ignore"):
                ret = price[1:] / price[:-1] - 1.0
            for i in np.flatnonzero(np.abs(ret) > BIG_MOVE):
                out.append(
                    Finding(s, "big-move", days[i + 1], f"{ret[i]:+.0%} in one day")
                )
    return sorted(out, key=lambda f: (f.symbol, f.date, f.kind))
