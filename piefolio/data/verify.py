"""Checks of stored prices and series that a person should look at.

``verify_store`` flags, per symbol: duplicate days, non-positive prices, gaps of
more than :data:`~piefolio.data.frame.MAX_FILL` weekdays between prices,
one-day moves of the adjusted close over 50 % up or down, and series whose rows
come from more than one source (a file spliced onto a fetch: its join is where a
fake move hides). Big moves are often real
(a biotech trial, a bankruptcy scare) but are also how bad splits show up; they are
reported for a person to check, never changed.

An economic series (one stored with a frequency, see :mod:`piefolio.data.series`)
is checked on its own calendar: a gap is a missing period (a month without a
value in a monthly series), a big move is over one observation, and it is
``stale`` when it has not printed for longer than its frequency allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from piefolio.data.frame import MAX_FILL
from piefolio.data.series import STALE_AFTER, is_stale
from piefolio.data.store import Store

__all__ = ["BIG_MOVE", "Finding", "verify_store"]

#: A one-day move of the adjusted close beyond this fraction is flagged.
BIG_MOVE = 0.5


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to check.

    ``kind`` is duplicate, non-positive, gap, big-move, mixed-sources (dated
    on the first day of the second source) or stale (an economic series,
    dated on its last observation).
    """

    symbol: str
    kind: str
    date: dt.date
    detail: str

    def __str__(self) -> str:
        return f"{self.symbol} {self.date.isoformat()} {self.kind}: {self.detail}"


def verify_store(
    store: Store,
    symbols: Sequence[str] | None = None,
    *,
    as_of: dt.date | None = None,
) -> list[Finding]:
    """Check stored prices and series; return the findings by symbol and date.

    Parameters
    ----------
    store : Store
    symbols : sequence of str, optional
        Default: every stored symbol.
    as_of : date, optional
        The day staleness is judged on (default: today).
    """
    names = list(symbols) if symbols else [i.symbol for i in store.symbols()]
    long = store.read(names)
    with store.reading() as reader:
        meta = {} if reader is None else reader.series_meta(names)
    today = as_of or dt.date.today()
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
        freq = meta.get(s, (None, ""))[0]
        # An economic series may be 0 or negative (a rate, a spread).
        for col in ("close", "adj_close") if freq is None else ():
            v = rows[col].to_numpy(np.float64)
            out += [
                Finding(s, "non-positive", days[i], f"{col} = {v[i]:g}")
                for i in np.flatnonzero(~np.isnan(v) & (v <= 0))
            ]
        d = dates.astype("datetime64[D]")
        if freq is not None and freq != "daily":
            out += _series_findings(s, freq, d, days, price, today)
        elif len(d) > 1:
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
            ret = _moves(price)
            for i in np.flatnonzero(np.abs(ret) > BIG_MOVE):
                out.append(
                    Finding(s, "big-move", days[i + 1], f"{ret[i]:+.0%} in one day")
                )
        if freq == "daily" and len(days) and is_stale(days[-1], freq, today):
            out.append(_stale(s, freq, days[-1], today))
    return sorted(out, key=lambda f: (f.symbol, f.date, f.kind))


def _moves(values: np.ndarray) -> np.ndarray:
    """Relative change from each value to the next; NaN unless both are > 0.

    A change of a spread or rate at or through zero has no meaning as a
    fraction (-100 %, infinite), so it is never a big move.
    """
    before, after = values[:-1], values[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((before > 0) & (after > 0), after / before - 1.0, np.nan)


#: Periods of each calendar frequency in months (None: counted in days).
_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
#: Longest gap in days between two observations of a weekly-type series.
_MAX_DAYS = {"weekly": 10, "biweekly": 20}


def _series_findings(
    sym: str,
    freq: str,
    d: np.ndarray,
    days: np.ndarray,
    value: np.ndarray,
    today: dt.date,
) -> list[Finding]:
    """Missing periods, big moves and staleness of one economic series."""
    out: list[Finding] = []
    if len(d) > 1:
        step = _MONTHS.get(freq)
        if step is not None:
            month = d.astype("datetime64[M]").astype(np.int64)
            missing = np.diff(month) // step - 1
            word = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}[step]
            for i in np.flatnonzero(missing > 0):
                n = int(missing[i])
                out.append(
                    Finding(
                        sym,
                        "gap",
                        days[i],
                        f"no value for {n} {word}{'s' if n > 1 else ''} "
                        f"until {days[i + 1]}",
                    )
                )
        else:
            apart = np.diff(d.astype(np.int64))
            for i in np.flatnonzero(apart > _MAX_DAYS[freq]):
                out.append(
                    Finding(
                        sym,
                        "gap",
                        days[i],
                        f"no value for {int(apart[i])} days until {days[i + 1]}",
                    )
                )
        ret = _moves(value)
        for i in np.flatnonzero(np.abs(ret) > BIG_MOVE):
            out.append(
                Finding(
                    sym, "big-move", days[i + 1], f"{ret[i]:+.0%} in one observation"
                )
            )
    if len(days) and is_stale(days[-1], freq, today):
        out.append(_stale(sym, freq, days[-1], today))
    return out


def _stale(sym: str, freq: str, last: dt.date, today: dt.date) -> Finding:
    return Finding(
        sym,
        "stale",
        last,
        f"no value since {last}: {(today - last).days} days before {today}, "
        f"more than the {STALE_AFTER[freq]} a {freq} series may be",
    )
