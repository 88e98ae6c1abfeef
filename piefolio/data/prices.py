"""``get_prices``: from a pie spec to a :class:`~piefolio.data.frame.PriceFrame`.

The symbols of a spec are its slices' tickers, its benchmarks' tickers and the
tickers its claims name (themes are not symbols), in that order, each once.
Prices come from the store, after the provider chain has fetched what the store
lacks (unless ``offline``); FX series for every foreign currency are fetched the
same way. The frame starts at ``plan.start`` (or ``start``) and ends at
``plan.end`` (or ``end``, or the last stored day).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from piefolio.data.chain import FetchReport, RetryPolicy, summarize, update
from piefolio.data.frame import PriceFrame, frame_from_rows
from piefolio.data.fx import FX_MAX_AGE, canonical_pair, fx_candidates
from piefolio.data.providers.files import FRED_TO_YAHOO
from piefolio.data.store import Store, StoreReader
from piefolio.errors import DataUnavailable, PlanError
from piefolio.typing import IntArray

if TYPE_CHECKING:
    from piefolio.data.providers.base import Provider
    from piefolio.spec import PieSpec

__all__ = ["STALE_AFTER_DAYS", "get_prices", "load_frame", "spec_symbols"]

#: Prices ending more than this many calendar days before the end asked are
#: noted as stale (a long weekend plus a holiday is not).
STALE_AFTER_DAYS = 4


def spec_symbols(spec: PieSpec) -> tuple[list[str], list[str]]:
    """Return the symbols a spec needs: (held, all).

    ``held`` are the pie's and benchmarks' tickers (they must trade from the
    start); ``all`` adds the tickers claims name and the slices' proxies (which
    stand in for a slice's missing history in stress tests).
    """
    held: list[str] = list(spec.pie.effective_weights())
    for bench in spec.benchmarks:
        held.extend(bench.effective_weights())
    held = list(dict.fromkeys(held))
    themes = set(spec.pie.themes())
    extra = [
        name.upper()
        for claim in spec.claims
        for name in (*claim.long, *claim.short)
        if name not in themes
    ]
    extra += list(spec.pie.proxies().values())
    return held, list(dict.fromkeys([*held, *extra]))


def get_prices(
    spec: PieSpec,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    store: Store | None = None,
    providers: Sequence[Provider] | None = None,
    offline: bool = False,
    policy: RetryPolicy | None = None,
    extra: Sequence[str] = (),
) -> PriceFrame:
    """Prices of a pie, its benchmarks and its claims, ready for the engine.

    Parameters
    ----------
    spec : PieSpec
        The pie; its ``currency`` is the base currency, ``plan.dividends`` picks
        total-return prices ("reinvest") or closes plus cash dividends ("cash"),
        ``plan.late_listing`` what a late listing means.
    start, end : date, optional
        Override ``plan.start`` / ``plan.end`` (e.g. for a lookback window).
    store : Store, optional
        Default: the store at :func:`~piefolio.data.store.default_store_path`.
    providers : sequence of Provider, optional
        The chain to fetch missing data with; default Yahoo, Stooq, FRED.
    offline : bool, default False
        Use the store only (no network).
    policy : RetryPolicy, optional
        Retries of each provider call.
    extra : sequence of str
        More symbols to load alongside, e.g. the factors of a shock scenario.

    Returns
    -------
    PriceFrame
        Its ``notes`` say which data are stale and why.

    Raises
    ------
    DataUnavailable
        A symbol has no price at all in the range, from any source.
    PlanError
        The first day is after the last (a plan that starts in the future), or
        a slice or benchmark starts trading after the first day and
        ``late_listing`` is "error".
    """
    store = store or Store()
    held, symbols = spec_symbols(spec)
    symbols = list(dict.fromkeys([*symbols, *(e.upper() for e in extra)]))
    first = start or spec.plan.start
    last = end or spec.plan.end or dt.date.today()
    if first > last:
        # A plan that starts in the future has no day to run yet; without this
        # it read as prices missing "between 2031-01-04 and 2026-12-02" (exit 3).
        until = "today" if end is None and spec.plan.end is None else "the last day"
        raise PlanError(
            f"plan.start {first} is after {until} ({last}): there is no day to run "
            f"yet; expected a start on or before {last}"
        )
    reports: list[FetchReport] = []
    if not offline:
        reports = update(
            symbols, first, last, store=store, providers=providers, policy=policy
        )
    frame = load_frame(
        store,
        symbols,
        base_currency=spec.pie.currency,
        start=first,
        end=last,
        adjusted=spec.plan.dividends == "reinvest",
        fetch=None if offline else (providers, policy),
        reports=reports,
    )
    if len(frame.dates):
        _check_fx(frame, store)
    _check_listing(spec, frame, held, first)
    return _note_staleness(frame, last)


def _note_staleness(frame: PriceFrame, end: dt.date) -> PriceFrame:
    """Add a note when the prices end well before the day asked (old store)."""
    if len(frame.dates) == 0:
        return frame
    last = frame.dates[-1].date()
    behind = (end - last).days
    if behind <= STALE_AFTER_DAYS:
        return frame
    note = (
        f"prices end on {last.isoformat()}, {behind} days before {end.isoformat()}; "
        "connect and run `piefolio data fetch` to update them"
    )
    return dataclasses.replace(frame, notes=(*frame.notes, note))


def load_frame(
    store: Store,
    symbols: Sequence[str],
    *,
    base_currency: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    adjusted: bool = True,
    fetch: tuple[Sequence[Provider] | None, RetryPolicy | None] | None = None,
    notes: Sequence[str] = (),
    reports: Sequence[FetchReport] = (),
) -> PriceFrame:
    """Build a PriceFrame of ``symbols`` from the store (FX fetched if ``fetch``).

    ``reports`` of fetches made before (of the symbols) join those of the FX
    fetch in the frame's notes, summarised once (:func:`summarize`): an
    unreachable network is one line, not one per symbol.

    Raises
    ------
    DataUnavailable
        When a symbol has no stored price in ``[start, end]``; the message says
        how to get it.
    """
    notes = list(notes)
    reports = list(reports)
    adj_cols = ["close", "adj_close"] + ([] if adjusted else ["dividend"])
    base_cur = base_currency.upper()
    lookback = (start - FX_MAX_AGE.to_pytimedelta()) if start else None
    with store.reading() as reader:
        infos = (
            {}
            if reader is None
            else {i.symbol: i for i in reader.infos(symbols, count=False)}
        )
        missing = [s for s in symbols if s not in infos]
        if reader is None or missing:
            raise DataUnavailable(
                _unavailable_message(missing or list(symbols), store, start, end)
            )
        pos, day, values = reader.arrays(symbols, start, end, adj_cols)
        present = np.zeros(len(symbols), dtype=bool)
        present[pos] = True
        if not present.all():
            absent = [s for s, ok in zip(symbols, present, strict=True) if not ok]
            raise DataUnavailable(_unavailable_message(absent, store, start, end))
        foreign = sorted({infos[s].currency for s in symbols} - {base_cur})
        cands = [sym for cur in foreign for sym, _ in fx_candidates(cur, base_cur)]
        fx_series: dict[str, pd.Series] = {}
        if cands and fetch is None:
            # Offline: read the FX in the same session (one open of the file).
            fx_series = _fx_series(reader, cands, lookback, end)
    if cands and fetch is not None:
        # Online: bring the FX pairs up to date first; update() asks only for
        # the days the store lacks, so this is free when they are current.
        providers, policy = fetch
        first_fx = min(
            (s for s in (lookback, _first_day(day)) if s is not None),
            default=dt.date(1990, 1, 1),
        )
        update_reports = update(
            [canonical_pair(c, base_cur) for c in foreign],
            first_fx,
            end or dt.date.today(),
            store=store,
            providers=providers,
            policy=policy,
        )
        reports += update_reports
        with store.reading() as again:
            if again is not None:
                fx_series = _fx_series(again, cands, lookback, end)
    notes = summarize(reports) + notes
    from_sample = [s for s in symbols if infos[s].source == "sample"]
    if from_sample:
        notes.append(
            f"{', '.join(from_sample)}: offline sample data (skfolio, 1990-2022), "
            "for examples only"
        )
    return frame_from_rows(
        pos,
        day,
        values,
        symbols,
        base_currency=base_cur,
        currencies={s: infos[s].currency for s in symbols},
        fx_series=fx_series,
        adjusted=adjusted,
        sources={s: infos[s].source for s in symbols},
        notes=notes,
    )


def _check_fx(frame: PriceFrame, store: Store) -> None:
    """Raise DataUnavailable when a foreign currency has no rate at all.

    Without it every price in that currency is NaN and the run would fail later
    with a message about the first day's prices, not about the missing rate.
    """
    base = frame.base_currency
    for cur in sorted(set(frame.currency) - {base}):
        cols = [j for j, c in enumerate(frame.currency) if c == cur]
        if not np.isnan(frame.fx[:, cols]).all():
            continue
        pair = canonical_pair(cur, base)
        priced = [frame.symbols[j] for j in cols]
        fred = {v: k for k, v in FRED_TO_YAHOO.items()}.get(pair)
        how = (
            f"`piefolio data import FILE --only {fred}` (FRED's daily {fred} "
            f"series, stored as {pair}) or "
            if fred
            else ""
        )
        verb = "is" if len(priced) == 1 else "are"
        raise DataUnavailable(
            f"no {cur}/{base} rate ({pair}) in the store ({store.path}): the pie "
            f"is in {base} and {', '.join(priced)} {verb} priced in {cur}. Import "
            f"it with {how}a CSV of date,ticker,close with ticker {pair} "
            f"(`piefolio data import FILE`), or connect and run "
            f"`piefolio data fetch {pair}`"
        )


def _first_day(day: IntArray) -> dt.date | None:
    """Return the earliest of ``day`` (days since 1970-01-01) less FX_MAX_AGE."""
    if len(day) == 0:
        return None
    first = dt.date(1970, 1, 1) + dt.timedelta(days=int(day.min()))
    return first - FX_MAX_AGE.to_pytimedelta()


def _fx_series(
    reader: StoreReader,
    symbols: Sequence[str],
    start: dt.date | None,
    end: dt.date | None,
) -> dict[str, pd.Series]:
    """Read the stored FX closes of ``symbols`` (those present) as dated Series."""
    pos, day, values = reader.arrays(symbols, start, end, ["close", "adj_close"])
    close = np.where(np.isnan(values["close"]), values["adj_close"], values["close"])
    out: dict[str, pd.Series] = {}
    for j, sym in enumerate(symbols):
        rows = pos == j
        if rows.any():
            d, v = day[rows], close[rows]
            if not (np.diff(d) > 0).all():  # the store keeps no order promise
                order = np.argsort(d)
                d, v = d[order], v[order]
            idx = d.astype("datetime64[D]").astype("datetime64[ns]")
            out[sym] = pd.Series(v, index=pd.DatetimeIndex(idx))
    return out


def _unavailable_message(
    missing: Sequence[str], store: Store, start: dt.date | None, end: dt.date | None
) -> str:
    span = f" between {start} and {end}" if start or end else ""
    return (
        f"no prices for {', '.join(missing)}{span} in the store ({store.path}) nor "
        "from any provider. To fix: import a file with `piefolio data import FILE` "
        "(CSV/Parquet: date,ticker,close), or connect to the internet and run "
        f"`piefolio data fetch {' '.join(missing)}`"
    )


def _check_listing(
    spec: PieSpec, frame: PriceFrame, held: Sequence[str], start: dt.date
) -> None:
    if spec.plan.late_listing == "redistribute" or len(frame.dates) == 0:
        return
    day0 = frame.dates[0].date()
    late = [
        (s, d)
        for s, d in zip(frame.symbols, frame.first_date, strict=True)
        if s in held and d is not None and d > day0
    ]
    if late:
        listed = ", ".join(f"{s} (first price {d.isoformat()})" for s, d in late)
        raise PlanError(
            f"{listed} started trading after the plan's start {start.isoformat()} "
            f"(first trading day {day0.isoformat()}); set plan.late_listing = "
            '"redistribute" to give its weight to its siblings until it trades, '
            f"or start on or after {max(d for _, d in late).isoformat()}"
        )
