"""The provider chain: live providers in turn, with retries, then the store.

For each symbol, only the date ranges the store was never asked to cover are
fetched (:meth:`~piefolio.data.store.Store.missing_ranges`, plus a few overlap
days before, so adjusted history can be re-based at the join; see
:func:`join_decision`). Each provider that supports the symbol is tried in
order; a :class:`TransientProviderError` (timeout, rate limit, 5xx) is retried
with exponential back-off within :attr:`RetryPolicy.deadline`, any other
:class:`ProviderError` moves on to the next provider. A provider that cannot be
reached at all (:class:`~piefolio.data.providers.base.Unreachable`), or still
fails after its retries, is skipped for the rest of the run. When every
provider fails the stored data are used as they are, and the report says how
old they are; the caller (:func:`piefolio.data.get_prices`) raises
:class:`~piefolio.errors.DataUnavailable` only when nothing is stored at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from piefolio.data.providers.base import (
    Provider,
    RawSeries,
    TransientProviderError,
    Unreachable,
)
from piefolio.data.store import Rescale, Store
from piefolio.errors import BadData, ProviderError

__all__ = [
    "FetchReport",
    "RetryPolicy",
    "default_providers",
    "is_down",
    "is_rate",
    "join_decision",
    "list_providers",
    "mark_down",
    "summarize",
    "update",
]

#: Days re-fetched before a stored range's end, to re-base adjusted closes.
OVERLAP_DAYS = 7

#: Relative difference on the overlap below which new and stored prices agree.
AGREE = 1e-6


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries of one provider call: ``attempts`` tries, waits doubling up to max.

    Waits are in seconds; tests use ``RetryPolicy(wait_initial=0)``. ``deadline``
    bounds the whole call, tries and waits together: no retry starts after it.
    """

    attempts: int = 3
    wait_initial: float = 0.5
    wait_max: float = 8.0
    deadline: float = 60.0


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What :func:`update` did for one symbol.

    ``source`` is the provider that answered (None: none did, or nothing was
    missing); ``errors`` the failures met on the way; ``stale_days`` how many days
    the stored data end before the day asked, when the fetch failed; ``notes``
    what the join did to stored history (a re-base) or why it left it alone;
    ``offline`` that it failed only because no provider could be reached.
    """

    symbol: str
    rows: int = 0
    source: str | None = None
    up_to_date: bool = False
    errors: tuple[str, ...] = field(default=())
    last_stored: dt.date | None = None
    stale_days: int | None = None
    notes: tuple[str, ...] = field(default=())
    offline: bool = False

    @property
    def ok(self) -> bool:
        """True when the store now covers the range asked."""
        return self.up_to_date or self.source is not None

    def describe(self) -> str:
        """One line for a person."""
        if self.up_to_date:
            return f"{self.symbol}: up to date"
        if self.source is not None:
            said = "".join(
                f"; {n.removeprefix(self.symbol + ': ')}" for n in self.notes
            )
            return f"{self.symbol}: {self.rows} rows from {self.source}{said}"
        why = "; ".join(self.errors) or "no provider supports it"
        if self.last_stored is None:
            return f"{self.symbol}: no data ({why})"
        return (
            f"{self.symbol}: fetch failed ({why}); using stored data up to "
            f"{self.last_stored.isoformat()} ({self.stale_days} days old)"
        )


_DEFAULT: list[Provider] = []

# Providers found unreachable in this process, with why: the first failure to
# reach a host marks it down for the rest of the run (a run is one process), so
# an offline run costs one failed connection per provider, not one per symbol.
_DOWN: weakref.WeakKeyDictionary[Provider, float] = weakref.WeakKeyDictionary()

#: Seconds a provider stays marked down (a run; a notebook lives longer).
DOWN_FOR = 600.0


def default_providers() -> list[Provider]:
    """Return the live chain: Yahoo, then Stooq, then FRED (FX pairs, known series).

    The same instances for the whole run, so what was learnt about the network
    (a host that is down) holds for every fetch of the run.
    """
    if not _DEFAULT:
        from piefolio.data.providers.fred import FredProvider
        from piefolio.data.providers.stooq import StooqProvider
        from piefolio.data.providers.yahoo import YahooProvider

        _DEFAULT.extend([YahooProvider(), StooqProvider(), FredProvider()])
    return list(_DEFAULT)


def mark_down(provider: Provider) -> None:
    """Skip ``provider`` for the rest of the run (it could not be reached)."""
    try:
        _DOWN[provider] = time.monotonic()
    except TypeError:  # an object without weak references is never skipped
        pass


def is_down(provider: Provider) -> bool:
    """Whether ``provider`` was found unreachable in the last :data:`DOWN_FOR` s."""
    try:
        since = _DOWN.get(provider)
    except TypeError:
        return False
    return since is not None and time.monotonic() - since < DOWN_FOR


def list_providers() -> dict[str, str]:
    """Name -> one-line description of every provider piefolio has."""
    return {
        "yahoo": "Yahoo Finance via yfinance: any exchange, FX pairs, dividends",
        "stooq": "stooq.com daily CSV: US/UK/EU/JP stocks, indices, FX",
        "fred": "FRED: economic series (CPIAUCSL, PCOPPUSDM...) with frequency "
        "and unit; daily FX (DEXUSEU...) as EURUSD=X etc.",
        "files": "your CSV/Parquet files: piefolio data import FILE",
        "sample": "offline skfolio sample: 20 S&P 500 stocks + ^GSPC, 1990-2022",
    }


def _call(
    provider: Provider, symbol: str, start: dt.date, end: dt.date, policy: RetryPolicy
) -> RawSeries:
    from tenacity import (
        Retrying,
        retry_if_exception,
        stop_after_attempt,
        stop_after_delay,
        wait_exponential,
    )

    tries = 0

    def fetch() -> RawSeries:
        nonlocal tries
        tries += 1
        return provider.fetch([symbol], start, end)[0]

    retrying = Retrying(
        # An unreachable host will not answer a second time either.
        retry=retry_if_exception(
            lambda e: (
                isinstance(e, TransientProviderError) and not isinstance(e, Unreachable)
            )
        ),
        stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.deadline),
        wait=wait_exponential(multiplier=policy.wait_initial, max=policy.wait_max),
        reraise=True,
    )
    try:
        series: RawSeries = retrying(fetch)
    except TransientProviderError as exc:
        if tries > 1:
            raise type(exc)(f"{exc} (after {tries} tries)") from exc
        raise
    return series


def update(
    symbols: Sequence[str],
    start: dt.date,
    end: dt.date,
    *,
    store: Store,
    providers: Sequence[Provider] | None = None,
    policy: RetryPolicy | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[FetchReport]:
    """Fetch what the store lacks of ``symbols`` over ``[start, end]``.

    Parameters
    ----------
    symbols : sequence of str
    start, end : date
        Both included.
    store : Store
        Written once per symbol and range, each in its own transaction.
    providers : sequence of Provider, optional
        Tried in order; default :func:`default_providers`.
    policy : RetryPolicy, optional
    progress : callable, optional
        Called with each symbol when it is done.

    Returns
    -------
    list of FetchReport
        One per symbol, in order. Never raises for a provider failure.
    """
    chain = list(providers) if providers is not None else default_providers()
    policy = policy or RetryPolicy()
    reports = []
    for sym in symbols:
        reports.append(_update_one(sym, start, end, store, chain, policy))
        if progress is not None:
            progress(sym)
    return reports


def _update_one(
    sym: str,
    start: dt.date,
    end: dt.date,
    store: Store,
    chain: list[Provider],
    policy: RetryPolicy,
) -> FetchReport:
    ranges = store.missing_ranges(sym, start, end)
    if not ranges:
        return FetchReport(sym, up_to_date=True)
    info = store.info(sym)
    errors: list[str] = []
    notes: list[str] = []
    rows = 0
    source = None
    reached = False  # some provider answered, or refused for a reason
    for lo, hi in ranges:
        ask_lo = lo
        if info is not None and info.last_date is not None and lo > info.last_date:
            ask_lo = max(info.last_date - dt.timedelta(days=OVERLAP_DAYS), start)
        for provider in chain:
            if not provider.supports(sym):
                continue
            if is_down(provider):
                errors.append(f"{provider.name}: skipped, unreachable earlier")
                continue
            try:
                series = _within(_call(provider, sym, ask_lo, hi, policy), ask_lo, hi)
            except Unreachable as exc:
                mark_down(provider)
                errors.append(f"{provider.name}: {exc}")
                continue
            except TransientProviderError as exc:
                # Still failing after its retries: down for the rest of the
                # run too, but it was reached, so the report says what it was.
                mark_down(provider)
                reached = True
                errors.append(f"{provider.name}: {exc}")
                continue
            except ProviderError as exc:
                reached = True
                errors.append(f"{provider.name}: {exc}")
                continue
            reached = True
            if info is not None and series.currency != info.currency:
                errors.append(
                    f"{provider.name}: gives {sym} in {series.currency}, but the "
                    f"stored prices are in {info.currency}; refused (a symbol "
                    "keeps one currency)"
                )
                continue
            rescale, note = join_decision(store, series, provider.name)
            try:
                rows += store.write(
                    [series],
                    requested={sym: (lo, hi)},
                    stored="keep",
                    rescale=None if rescale is None else {sym: rescale},
                )
            except BadData as exc:
                errors.append(f"{provider.name}: {exc}")
                continue
            if note:
                notes.append(note)
            source = provider.name
            break
        else:
            break
    if source is not None:
        return FetchReport(
            sym, rows=rows, source=source, errors=tuple(errors), notes=tuple(notes)
        )
    last = info.last_date if info is not None else None
    stale = (end - last).days if last is not None else None
    return FetchReport(
        sym,
        errors=tuple(errors),
        last_stored=last,
        stale_days=stale,
        offline=bool(errors) and not reached,
    )


def summarize(reports: Sequence[FetchReport]) -> list[str]:
    """Lines for a person about a run's fetches: one for an unreachable network.

    Symbols that failed only because no provider could be reached share one
    line (which providers, how many stored symbols are used and how stale);
    other failures and notes (a re-base, a disagreement) get a line each.
    """
    lines: list[str] = []
    offline = [r for r in reports if not r.ok and r.offline]
    if offline:
        hosts = sorted(
            {e.split(":", 1)[0] for r in offline for e in r.errors if ": " in e}
        )
        stored = [r for r in offline if r.last_stored is not None]
        parts = [f"network unreachable ({', '.join(hosts) or 'no provider'})"]
        if stored:
            oldest = min(stored, key=lambda r: (r.last_stored or dt.date.max, r.symbol))
            parts.append(
                f"using stored prices of {len(stored)} symbol(s), the oldest "
                f"({oldest.symbol}) ending {oldest.last_stored} "
                f"({oldest.stale_days} days before the end asked)"
            )
        missing = [r.symbol for r in offline if r.last_stored is None]
        if missing:
            parts.append(f"nothing stored for {', '.join(missing)}")
        lines.append("; ".join(parts))
    lines += [r.describe() for r in reports if (not r.ok and not r.offline) or r.notes]
    return lines


def _within(series: RawSeries, start: dt.date, end: dt.date) -> RawSeries:
    """Drop the rows a provider sent outside ``[start, end]`` (never stored)."""
    frame = series.frame
    inside = (frame.index >= pd.Timestamp(start)) & (frame.index <= pd.Timestamp(end))
    if inside.all():
        return series
    return dataclasses.replace(series, frame=frame[inside])


def is_rate(symbol: str, source: str) -> bool:
    """Whether a series is a rate (FX pair, FRED series): never re-based."""
    return symbol.endswith("=X") or source == "fred"


def join_decision(
    store: Store, series: RawSeries, provider: str
) -> tuple[Rescale | None, str | None]:
    """Decide how a fetched series joins the stored history of its symbol.

    Compares the days both hold, on the latest of them (the anchor). Stored
    rows are re-based only when all of these hold: the series is a price, not
    a rate; the stored overlap came from the same provider; the answer holds a
    dividend or split after the anchor (Yahoo re-bases every earlier adjusted
    close then). Any other disagreement leaves the stored days as they are and
    is reported.

    Returns
    -------
    rescale : Rescale or None
        What to multiply, or None to leave the stored rows alone.
    note : str or None
        One line for the user when something was re-based or disagrees.
    """
    if series.frame.empty:
        return None, None
    sym = series.symbol
    stored = store.read([sym], series.first_date, series.last_date)
    if stored.empty:
        return None, None
    old = stored.set_index("date")
    common = old.index.intersection(series.frame.index)
    if common.empty:
        return None, None
    anchor = common.max()
    new_row = series.frame.loc[anchor]
    old_row = old.loc[anchor]
    ratios = {}
    for col in ("close", "adj_close"):
        with np.errstate(divide="ignore", invalid="ignore"):
            r = float(new_row[col]) / float(old_row[col])
        # Within float noise of 1 (or unknown): that column stays as it is.
        ratios[col] = r if np.isfinite(r) and abs(r - 1.0) > AGREE else np.nan
    if np.isnan(ratios["close"]) and np.isnan(ratios["adj_close"]):
        return None, None
    day = anchor.date()
    off = ratios["adj_close"] if np.isfinite(ratios["adj_close"]) else ratios["close"]
    after = series.frame.loc[series.frame.index > anchor]
    events = after[(after["dividend"] > 0) | (after["split"] != 1.0)]
    sources = set(old.loc[common, "source"])
    if series.frequency is not None:
        why = "an economic series is never re-based"
    elif is_rate(sym, provider) or is_rate(sym, next(iter(sources))):
        why = "a rate is never re-based"
    elif sources != {provider}:
        why = f"the stored days come from {', '.join(sorted(sources))}"
    elif events.empty:
        why = "no dividend or split explains it"
    else:
        first = events.index[0]
        what = "split" if events.iloc[0]["split"] != 1.0 else "dividend"
        before = len(store.read([sym], None, day))
        note = (
            f"{sym}: {provider} re-based history for a {what} on "
            f"{first.date().isoformat()}: {before} stored days up to "
            f"{day.isoformat()} multiplied by {off:.6g}"
        )
        return Rescale(day, ratios["close"], ratios["adj_close"]), note
    note = (
        f"{sym}: {provider} differs from the stored price on {day.isoformat()} by "
        f"{off - 1:+.3%} and {why}; stored days kept, only new days added"
    )
    return None, note
