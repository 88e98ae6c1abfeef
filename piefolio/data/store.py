"""The local price store: one DuckDB file, written in whole transactions.

Where: ``$PIEFOLIO_HOME/store.duckdb`` when the environment variable
``PIEFOLIO_HOME`` is set (tests, CI), else ``store.duckdb`` in the user cache dir
(``platformdirs.user_cache_dir("piefolio")``).

Tables::

    prices(symbol, date, close, adj_close, dividend, split, currency, source,
           fetched_at)                        one row per symbol and trading day
    symbols(symbol, currency, first_date, last_date, covered_from, covered_to,
            source, name, terms, updated_at)  one row per symbol
    series(symbol, frequency, unit)           one row per economic series

An economic series (CPI, a copper price, construction spending) is stored like
a price: its value in ``close`` and ``adj_close``, on the dates its source gives
(a monthly series on the first of each month, as FRED dates it), never filled
into other days and never rescaled. Its row in ``series`` records how often it
prints and what it measures; see :mod:`piefolio.data.series`.

``covered_from``/``covered_to`` record the range a provider was *asked* for, which
can start before ``first_date`` (a stock listed later than the range asked): an
incremental fetch asks only for days outside the covered range.

Concurrency: DuckDB lets one process write a file, and no one read it meanwhile.
Every call opens the file for as short as it can; a call that meets another
process's lock waits and retries with back-off, telling ``on_wait`` once ("store
busy: waiting ..."; without ``on_wait``, a warning of the ``piefolio.store``
logger), and raises :class:`~piefolio.errors.StoreError` only after
``busy_timeout`` seconds. Every write is one transaction: a process killed in the
middle leaves the store as it was before the write.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from piefolio.currency import currency_problem
from piefolio.data.providers.base import RawSeries, check_values
from piefolio.errors import BadData, ProviderError, StoreError
from piefolio.typing import FloatArray, IntArray

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "SAMPLE_SOURCE",
    "Rescale",
    "Span",
    "Store",
    "StoreReader",
    "StoredDays",
    "SymbolInfo",
    "default_store_path",
    "sample_store_path",
]

_log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS prices (
    symbol VARCHAR NOT NULL,
    date DATE NOT NULL,
    close DOUBLE,
    adj_close DOUBLE,
    dividend DOUBLE NOT NULL DEFAULT 0,
    split DOUBLE NOT NULL DEFAULT 1,
    currency VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS symbols (
    symbol VARCHAR PRIMARY KEY,
    currency VARCHAR NOT NULL,
    first_date DATE,
    last_date DATE,
    covered_from DATE,
    covered_to DATE,
    source VARCHAR NOT NULL,
    name VARCHAR,
    terms VARCHAR,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS series (
    symbol VARCHAR PRIMARY KEY,
    frequency VARCHAR NOT NULL,
    unit VARCHAR NOT NULL DEFAULT ''
);
"""


def default_store_path() -> Path:
    """Return the store file: ``$PIEFOLIO_HOME/store.duckdb`` or the user cache dir."""
    home = os.environ.get("PIEFOLIO_HOME")
    if home:
        return Path(home).expanduser() / "store.duckdb"
    import platformdirs

    return Path(platformdirs.user_cache_dir("piefolio")) / "store.duckdb"


def sample_store_path() -> Path:
    """Return the demo's own store, next to :func:`default_store_path`.

    The bundled sample lives apart from the user's prices: ``piefolio demo``
    writes and reads only this file, so it can never touch a real series.
    """
    return default_store_path().with_name("sample.duckdb")


@dataclass(frozen=True, slots=True)
class SymbolInfo:
    """What the store knows about one symbol (a row of the ``symbols`` table).

    ``rows`` is the number of stored days, or -1 where it was not counted.
    """

    symbol: str
    currency: str
    first_date: dt.date | None
    last_date: dt.date | None
    covered_from: dt.date | None
    covered_to: dt.date | None
    source: str
    name: str
    terms: str
    updated_at: dt.datetime
    rows: int


#: What a write does with a day already stored: "correct" replaces it (an
#: import), "keep" leaves it (a fetch adds only new days).
StoredDays = Literal["correct", "keep"]

#: ``source`` of the bundled offline sample's rows.
SAMPLE_SOURCE = "sample"

#: Sources whose rows are a ticker's traded prices (never an economic series).
_TICKER_SOURCES = ("yahoo", "stooq", SAMPLE_SOURCE)


@dataclass(frozen=True, slots=True)
class Rescale:
    """Stored rows of one symbol to multiply, because the provider re-based them.

    Yahoo re-bases every past adjusted close at each dividend (and every close at
    each split): after one, its answer disagrees with the stored history by a
    constant factor. Multiplying the stored rows up to ``through`` by that factor
    keeps each stored day-on-day return exactly.

    Attributes
    ----------
    through : date
        The latest stored day the new answer also holds (the anchor).
    close, adj_close : float
        new / stored on ``through``; NaN leaves that column as it is.
    """

    through: dt.date
    close: float
    adj_close: float


@dataclass(frozen=True, slots=True)
class Span:
    """Stored rows of one symbol from one source: how many, first and last day."""

    source: str
    rows: int
    first: dt.date
    last: dt.date

    def __str__(self) -> str:
        return f"{self.source} ({self.rows} days, {self.first} to {self.last})"


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection, failed: str) -> Iterator[None]:
    """Run the block in one transaction: kept whole, or rolled back whole.

    A DuckDB error becomes a StoreError saying ``failed`` and why; any other
    exception (a KeyboardInterrupt too: BaseException) rolls back and goes on.
    """
    import duckdb

    con.begin()
    try:
        yield
        con.commit()
    except BaseException as exc:
        con.rollback()
        if isinstance(exc, duckdb.Error):
            raise StoreError(f"{failed}: {exc}") from exc
        raise


def _is_lock_error(exc: BaseException) -> bool:
    import duckdb

    text = str(exc).lower()
    # "different configuration": a reader and a writer in one process (two jobs
    # of ``piefolio serve``) wait for each other as two processes do.
    return isinstance(exc, duckdb.Error) and (
        "lock" in text
        or "being used by another process" in text
        or "different configuration" in text
    )


class Store:
    """The DuckDB price store.

    Parameters
    ----------
    path : path-like, optional
        The store file; default :func:`default_store_path`.
    busy_timeout : float, default 30
        Seconds to keep retrying while another process holds the file.
    on_wait : callable, optional
        Called with a message each time a call waits for another process (the CLI
        prints it; the library never prints).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        busy_timeout: float = 30.0,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.busy_timeout = busy_timeout
        self.on_wait = on_wait

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ------------------------------------------------------------------ connection

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb
        from tenacity import (
            RetryError,
            Retrying,
            retry_if_exception,
            stop_after_delay,
            wait_exponential,
        )

        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)

        def notify(state: Any) -> None:
            if state.attempt_number != 1:
                return  # said once per wait: the user knows why it pauses
            msg = (
                f"store busy: waiting for another piefolio process that holds "
                f"{self.path} (up to {self.busy_timeout:g} s)"
            )
            if self.on_wait is not None:
                self.on_wait(msg)
            else:
                # Library callers who configured logging see it; the CLI
                # prints the "piefolio" logger's records on stderr.
                _log.warning(msg)

        retrying = Retrying(
            retry=retry_if_exception(_is_lock_error),
            wait=wait_exponential(multiplier=0.05, max=1.0),
            stop=stop_after_delay(self.busy_timeout),
            before_sleep=notify,
        )
        try:
            con = retrying(duckdb.connect, str(self.path), read_only=not write)
        except RetryError as exc:
            raise StoreError(
                f"store busy: {self.path} stayed locked by another process for "
                f"{self.busy_timeout:g} s; try again when it has finished"
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        try:
            if write:
                con.execute(_SCHEMA)
            yield con
        finally:
            con.close()

    @contextmanager
    def session(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the store for a module that keeps its own table in the file.

        The same locking, retries and price schema as every other call; the
        caller owns its table and its transaction (``con.begin()`` ...
        ``con.commit()``). The ledger of :mod:`piefolio.account` lives here.
        """
        with self._connect(write=write) as con:
            yield con

    def exists(self) -> bool:
        """Whether the store file exists (reads of a missing store find nothing)."""
        return self.path.exists()

    # ---------------------------------------------------------------------- writes

    def write(
        self,
        series: Iterable[RawSeries],
        *,
        requested: dict[str, tuple[dt.date, dt.date]] | None = None,
        stored: StoredDays = "correct",
        rescale: Mapping[str, Rescale] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> int:
        """Write several series in one transaction; return the rows written.

        A write only adds days and (with ``stored="correct"``) replaces the days it
        brings: a stored day the series does not mention is never deleted, so a
        sparse file of two rows corrects two days and keeps the rest.

        Parameters
        ----------
        series : iterable of RawSeries
            The series to store; empty ones only extend the covered range. Their
            currency must be the one already stored for the symbol.
        requested : dict symbol -> (start, end), optional
            The range each symbol was asked for (default: its own dates), which
            extends the symbol's covered range so it is not asked for again.
        stored : {"correct", "keep"}, default "correct"
            What a day that is already stored becomes: "correct" (an import the
            user asked for) replaces it with the new row; "keep" (a fetch) leaves
            it as it is and adds only the days not stored yet.
        rescale : mapping symbol -> Rescale, optional
            Stored rows to multiply first (see :class:`Rescale`): the caller
            decided from the overlap that a dividend or split re-based history.
        progress : callable, optional
            Called with each symbol as it is written (inside the transaction).

        Returns
        -------
        int
            Rows inserted or replaced.

        Raises
        ------
        StoreError
            When the store cannot be written; nothing of this call is then kept.
        BadData
            A series changes the currency of a stored symbol, or brings sample
            data over a symbol that holds real data; nothing is then kept.
        """
        if stored not in ("correct", "keep"):
            raise ValueError(f"stored={stored!r}; expected 'correct' or 'keep'")
        items = list(series)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with (
            self._connect(write=True) as con,
            _transaction(con, f"writing to {self.path} failed"),
        ):
            written = self._write_all(
                con, items, requested or {}, stored, rescale or {}, now
            )
            if progress is not None:
                for item in items:
                    progress(item.symbol)
        return written

    def _write_all(
        self,
        con: duckdb.DuckDBPyConnection,
        items: list[RawSeries],
        requested: dict[str, tuple[dt.date, dt.date]],
        stored: StoredDays,
        rescale: Mapping[str, Rescale],
        now: dt.datetime,
    ) -> int:
        if not items:
            return 0
        syms = [item.symbol for item in items]
        if len(set(syms)) != len(syms):
            dup = sorted({s for s in syms if syms.count(s) > 1})
            raise BadData(f"{', '.join(dup)}: given twice in one write")
        for item in items:
            problem = currency_problem(item.currency)
            if problem is not None:
                raise BadData(f"{item.symbol} from {item.source}: {problem}")
        self._check_against_stored(con, items)
        for sym, r in rescale.items():
            _apply_rescale(con, sym, r)
        # One frame and one statement for every symbol: a wide file of 5,000
        # tickers costs one insert, not 5,000 round trips.
        full = [item for item in items if len(item.frame)]
        frames = bool(full)
        written = 0
        if frames:
            incoming = _long_rows(full, now)
            level = np.repeat(
                [item.frequency is not None for item in full],
                [len(item.frame) for item in full],
            )
            if not _values_ok(incoming, level):
                # Providers and files check their values, naming lines; this
                # is the last guard, for series built by hand.
                for item in items:
                    try:
                        check_values(
                            item.frame,
                            f"{item.symbol} from {item.source}",
                            kind="price" if item.frequency is None else "level",
                        )
                    except ProviderError as exc:
                        raise BadData(str(exc)) from exc

            con.register("incoming", incoming)
            if stored == "correct":
                con.execute(
                    "DELETE FROM prices p USING incoming i "
                    "WHERE p.symbol = i.symbol AND p.date = i.date"
                )
                con.execute("INSERT INTO prices SELECT * FROM incoming")
                written = len(incoming)
            else:
                found = con.execute(
                    "INSERT INTO prices SELECT * FROM incoming i WHERE NOT EXISTS "
                    "(SELECT 1 FROM prices p WHERE p.symbol = i.symbol "
                    "AND p.date = i.date)"
                ).fetchone()
                written = int(found[0]) if found else 0
            con.unregister("incoming")
        meta = pd.DataFrame(
            {
                "symbol": syms,
                "currency": [item.currency for item in items],
                "source": [item.source for item in items],
                "name": [item.name for item in items],
                "terms": [item.terms for item in items],
                "ask_from": [_ask(item, requested, 0) for item in items],
                "ask_to": [_ask(item, requested, 1) for item in items],
            }
        )
        meta["ask_from"] = pd.to_datetime(meta["ask_from"])
        meta["ask_to"] = pd.to_datetime(meta["ask_to"])
        con.register("meta", meta)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE new_symbols AS SELECT m.symbol, m.currency, "
            "a.first_date, a.last_date, "
            "CASE WHEN s.covered_from IS NULL THEN m.ask_from::DATE "
            "WHEN m.ask_from IS NULL THEN s.covered_from "
            "ELSE least(s.covered_from, m.ask_from::DATE) END AS covered_from, "
            "CASE WHEN s.covered_to IS NULL THEN m.ask_to::DATE "
            "WHEN m.ask_to IS NULL THEN s.covered_to "
            "ELSE greatest(s.covered_to, m.ask_to::DATE) END AS covered_to, "
            "m.source, m.name, m.terms, ?::TIMESTAMP AS updated_at "
            "FROM meta m LEFT JOIN symbols s USING (symbol) LEFT JOIN "
            "(SELECT symbol, min(date) AS first_date, max(date) AS last_date "
            "FROM prices WHERE symbol IN (SELECT symbol FROM meta) GROUP BY symbol) a "
            "USING (symbol)",
            [now],
        )
        con.unregister("meta")
        con.execute(
            "DELETE FROM symbols WHERE symbol IN (SELECT symbol FROM new_symbols)"
        )
        con.execute(
            "INSERT INTO symbols SELECT symbol, currency, first_date, last_date, "
            "covered_from, covered_to, source, name, terms, updated_at "
            "FROM new_symbols"
        )
        con.execute("DROP TABLE new_symbols")
        _write_series_meta(con, items)
        return written

    @staticmethod
    def _check_against_stored(
        con: duckdb.DuckDBPyConnection, items: list[RawSeries]
    ) -> None:
        """Refuse a currency or frequency change; real data replaces sample rows.

        An economic series and a ticker's prices never share a symbol: a
        series is refused over prices a price provider stored, and prices over
        a stored series (a file of the same rows imported before the series
        table existed is taken over as the series it is).
        """
        syms = [item.symbol for item in items]
        rows = con.execute(
            "SELECT symbol, currency, bool_or(source = ?), bool_or(source <> ?), "
            "bool_or(list_contains(?, source)) "
            "FROM prices WHERE list_contains(?, symbol) GROUP BY symbol, currency",
            [SAMPLE_SOURCE, SAMPLE_SOURCE, list(_TICKER_SOURCES), syms],
        ).fetchall()
        frequencies = dict(
            con.execute(
                "SELECT symbol, frequency FROM series WHERE list_contains(?, symbol)",
                [syms],
            ).fetchall()
        )
        currencies: dict[str, set[str]] = {}
        has_sample: set[str] = set()
        has_real: set[str] = set()
        traded: set[str] = set()
        for sym, cur, sample, real, ticker in rows:
            currencies.setdefault(sym, set()).add(cur)
            if ticker:
                traded.add(sym)
            if sample:
                has_sample.add(sym)
            if real:
                has_real.add(sym)
        for item in items:
            sym = item.symbol
            from_sample = item.source == SAMPLE_SOURCE
            if from_sample and sym in has_real:
                raise BadData(
                    f"{sym}: the store holds real prices of {sym}; the offline "
                    "sample never mixes with them (the demo keeps its own store)"
                )
            if not from_sample and sym in has_sample:
                # Sample rows are examples, not the user's data: a real series
                # takes the symbol over whole instead of being spliced onto them.
                con.execute(
                    "DELETE FROM prices WHERE symbol = ? AND source = ?",
                    [sym, SAMPLE_SOURCE],
                )
                continue
            known = frequencies.get(sym)
            if item.frequency is not None and known not in (None, item.frequency):
                raise BadData(
                    f"{sym}: {item.source} gives a {item.frequency} series, but "
                    f"the stored {sym} is {known}; a series keeps one frequency "
                    "(import it under another name)"
                )
            if item.frequency is None and known is not None:
                raise BadData(
                    f"{sym}: {item.source} gives ticker prices, but the stored "
                    f"{sym} is a {known} economic series; the two never mix"
                )
            if item.frequency is not None and known is None and sym in traded:
                raise BadData(
                    f"{sym}: {item.source} gives a {item.frequency} economic "
                    f"series, but the store holds ticker prices of {sym}; the two "
                    "never mix (import it under another name)"
                )
            old = currencies.get(sym, set())
            if old and old != {item.currency}:
                raise BadData(
                    f"{sym}: {item.source} gives prices in {item.currency}, but the "
                    f"stored prices of {sym} are in {', '.join(sorted(old))}; a "
                    "symbol keeps one currency (check the ticker or the --currency "
                    "option)"
                )

    def delete(self, symbols: Sequence[str]) -> None:
        """Remove symbols and all their prices, in one transaction."""
        with self._connect(write=True) as con:
            con.begin()
            for sym in symbols:
                con.execute("DELETE FROM prices WHERE symbol = ?", [sym])
                con.execute("DELETE FROM symbols WHERE symbol = ?", [sym])
                con.execute("DELETE FROM series WHERE symbol = ?", [sym])
            con.commit()

    def delete_days(
        self,
        symbol: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> int:
        """Remove the stored days of ``symbol`` from ``start`` to ``end``, at once.

        One transaction: every row in the range goes, or (on any error) none.
        With no day left, the symbol goes too, as :meth:`delete` removes it.
        Otherwise its first and last date follow the days left, and the range
        the store counts as asked for no longer holds the deleted days (it
        starts after them when they were its first, else it ends before them),
        so a later fetch asks for them again.

        Parameters
        ----------
        symbol : str
            A stored symbol, as :meth:`info` names it.
        start, end : datetime.date, optional
            First and last day to delete, both included; None: no bound.

        Returns
        -------
        int
            Rows deleted (0 when none was in the range: nothing then changes).

        Raises
        ------
        StoreError
            When the store cannot be written; nothing is then deleted.
        """
        lo = start or dt.date(1800, 1, 1)
        hi = end or dt.date(9999, 12, 31)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with (
            self._connect(write=True) as con,
            _transaction(con, f"deleting from {self.path} failed"),
        ):
            found = con.execute(
                "DELETE FROM prices WHERE symbol = ? AND date BETWEEN ? AND ?",
                [symbol, lo, hi],
            ).fetchone()
            deleted = int(found[0]) if found else 0
            left = con.execute(
                "SELECT count(*), min(date), max(date) FROM prices WHERE symbol = ?",
                [symbol],
            ).fetchone()
            if deleted and left is not None and left[0] == 0:
                con.execute("DELETE FROM symbols WHERE symbol = ?", [symbol])
                con.execute("DELETE FROM series WHERE symbol = ?", [symbol])
            elif deleted and left is not None:
                day = dt.timedelta(days=1)
                con.execute(
                    "UPDATE symbols SET first_date = ?, last_date = ?, "
                    "covered_from = CASE WHEN covered_from >= ? THEN ?::DATE "
                    "ELSE covered_from END, "
                    "covered_to = CASE WHEN covered_to IS NULL "
                    "OR covered_from >= ? THEN covered_to "
                    "ELSE least(covered_to, ?::DATE) END, "
                    "updated_at = ? WHERE symbol = ?",
                    [left[1], left[2], lo, hi + day if end else None, lo,
                     lo - day, now, symbol],
                )  # fmt: skip
        return deleted

    # ----------------------------------------------------------------------- reads

    def read(
        self,
        symbols: Sequence[str],
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> pd.DataFrame:
        """Read the stored rows of ``symbols`` as a long frame.

        Returns
        -------
        pandas.DataFrame
            Columns ``symbol, date, close, adj_close, dividend, split, currency,
            source``, sorted by symbol then date; ``date`` is ``datetime64``.
            Empty (with those columns) when the store or the symbols are absent.
        """
        cols = [
            "symbol",
            "date",
            "close",
            "adj_close",
            "dividend",
            "split",
            "currency",
            "source",
        ]
        if not self.exists() or not symbols:
            return pd.DataFrame({c: [] for c in cols})
        lo = start or dt.date(1800, 1, 1)
        hi = end or dt.date(9999, 12, 31)
        with self._connect(write=False) as con:
            if not self._has_schema(con):
                return pd.DataFrame({c: [] for c in cols})
            rel = con.execute(
                f"SELECT {', '.join(cols)} FROM prices "
                "WHERE list_contains(?, symbol) AND date BETWEEN ? AND ? "
                "ORDER BY symbol, date",
                [list(symbols), lo, hi],
            )
            data = rel.fetchnumpy()
        out = pd.DataFrame({c: data[c] for c in cols})
        out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
        return out

    @staticmethod
    def _has_schema(con: duckdb.DuckDBPyConnection) -> bool:
        # duckdb_tables() answers from the catalog, faster than information_schema.
        found = con.execute(
            "SELECT count(*) FROM duckdb_tables() "
            "WHERE table_name IN ('prices', 'symbols')"
        ).fetchone()
        return found is not None and found[0] == 2

    def symbols(self) -> list[SymbolInfo]:
        """Return every stored symbol with its metadata, sorted by symbol."""
        with self.reading() as reader:
            return [] if reader is None else reader.infos()

    def info(self, symbol: str) -> SymbolInfo | None:
        """Return the metadata of one symbol, or None when it is not stored."""
        with self.reading() as reader:
            found = [] if reader is None else reader.infos([symbol])
        return found[0] if found else None

    def missing_ranges(
        self, symbol: str, start: dt.date, end: dt.date
    ) -> list[tuple[dt.date, dt.date]]:
        """Return the parts of ``[start, end]`` the store was never asked to cover.

        Returns
        -------
        list of (date, date)
            At most two ranges: before the covered range and after it; ranges
            with no weekday are dropped (no trading day to fetch).
        """
        info = self.info(symbol)
        if info is None or info.covered_from is None or info.covered_to is None:
            ranges = [(start, end)]
        else:
            ranges = []
            if start < info.covered_from:
                ranges.append((start, info.covered_from - dt.timedelta(days=1)))
            if end > info.covered_to:
                ranges.append((info.covered_to + dt.timedelta(days=1), end))
        return [(a, b) for a, b in ranges if a <= b and _has_weekday(a, b)]

    def sources(self, symbols: Sequence[str] | None = None) -> dict[str, list[Span]]:
        """Return, per symbol, the sources its stored rows come from.

        A series with more than one span mixes sources (a file spliced onto a
        fetch, say): ``data info`` and ``data verify`` say so.
        """
        with self.reading() as reader:
            return {} if reader is None else reader.sources(symbols)

    @contextmanager
    def reading(self) -> Iterator[StoreReader | None]:
        """Open the store once for several reads (None when there is no store).

        One connection for a whole PriceFrame: opening the file costs more than
        reading 30 symbols from it.
        """
        if not self.exists():
            yield None
            return
        with self._connect(write=False) as con:
            yield StoreReader(con) if self._has_schema(con) else None


class StoreReader:
    """Reads on one open connection; get one from :meth:`Store.reading`."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def infos(
        self, symbols: Sequence[str] | None = None, *, count: bool = True
    ) -> list[SymbolInfo]:
        """Return metadata of ``symbols`` (all when None), sorted by symbol.

        ``count=False`` skips counting rows (``rows`` is then -1): a scan of the
        whole prices table that building a frame does not need.
        """
        where = "" if symbols is None else "WHERE list_contains(?, s.symbol) "
        params: list[Any] = [] if symbols is None else [list(symbols)]
        # A symbol with no stored day (a range asked, nothing answered) has 0
        # rows; it is absent from the counts, so the join gives NULL.
        counts = (
            "coalesce(c.n, 0) FROM symbols s LEFT JOIN (SELECT symbol, count(*) "
            "AS n FROM prices GROUP BY symbol) c USING (symbol) "
            if count
            else "-1 FROM symbols s "
        )
        rows = self._con.execute(
            "SELECT s.symbol, s.currency, s.first_date, s.last_date, "
            "s.covered_from, s.covered_to, s.source, coalesce(s.name, ''), "
            "coalesce(s.terms, ''), s.updated_at, "
            + counts
            + where
            + "ORDER BY s.symbol",
            params,
        ).fetchall()
        return [SymbolInfo(*row) for row in rows]

    def series_meta(
        self, symbols: Sequence[str] | None = None
    ) -> dict[str, tuple[str, str]]:
        """Per economic series of ``symbols`` (all when None): (frequency, unit).

        Symbols without a row (a ticker's prices) are absent; so is everything
        in a store written before the ``series`` table existed.
        """
        found = self._con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'series'"
        ).fetchone()
        if not found or not found[0]:
            return {}
        where = "" if symbols is None else "WHERE list_contains(?, symbol) "
        params: list[Any] = [] if symbols is None else [list(symbols)]
        rows = self._con.execute(
            "SELECT symbol, frequency, unit FROM series " + where + "ORDER BY symbol",
            params,
        ).fetchall()
        return {sym: (freq, unit) for sym, freq, unit in rows}

    def sources(self, symbols: Sequence[str] | None = None) -> dict[str, list[Span]]:
        """Per symbol, its stored rows grouped by source, earliest first."""
        where = "" if symbols is None else "WHERE list_contains(?, symbol) "
        params: list[Any] = [] if symbols is None else [list(symbols)]
        rows = self._con.execute(
            "SELECT symbol, source, count(*), min(date), max(date) FROM prices "
            + where
            + "GROUP BY symbol, source ORDER BY symbol, min(date), source",
            params,
        ).fetchall()
        out: dict[str, list[Span]] = {}
        for sym, source, n, first, last in rows:
            out.setdefault(sym, []).append(Span(source, n, first, last))
        return out

    def arrays(
        self,
        symbols: Sequence[str],
        start: dt.date | None,
        end: dt.date | None,
        columns: Sequence[str],
    ) -> tuple[IntArray, IntArray, dict[str, FloatArray]]:
        """Return stored rows as arrays: (symbol position, day, {column: values}).

        Returns
        -------
        pos : ndarray of int64, shape (R,)
            Index of each row's symbol in ``symbols``.
        day : ndarray of int64, shape (R,)
            Days since 1970-01-01.
        values : dict column -> ndarray of float64, shape (R,)
            NaN where the stored value is NULL.
        """
        for c in columns:
            if c not in ("close", "adj_close", "dividend", "split"):
                raise ValueError(f"unknown price column {c!r}")
        lo = start or dt.date(1800, 1, 1)
        hi = end or dt.date(9999, 12, 31)
        # The symbol comes back as its position in the list and the date as an
        # integer: no string or datetime objects cross into Python.
        data = self._con.execute(
            "SELECT list_position(?, symbol) - 1 AS pos, "
            "(date - DATE '1970-01-01')::BIGINT AS day, "
            + ", ".join(f"{c}" for c in columns)
            + " FROM prices WHERE list_contains(?, symbol) AND date BETWEEN ? AND ?",
            [list(symbols), list(symbols), lo, hi],
        ).fetchnumpy()
        pos = np.asarray(data["pos"], dtype=np.int64)
        day = np.asarray(data["day"], dtype=np.int64)
        values = {
            c: np.ma.filled(np.ma.asarray(data[c], dtype=np.float64), np.nan)
            for c in columns
        }
        return pos, day, values


def _write_series_meta(con: duckdb.DuckDBPyConnection, items: list[RawSeries]) -> None:
    """Record frequency and unit of the economic series among ``items``.

    A unit already stored is kept when the new series brings none: a file
    without units does not erase what a fetch from FRED recorded.
    """
    rows = [item for item in items if item.frequency is not None]
    if not rows:
        return
    # One statement for all: a long file of thousands of series costs one
    # upsert, not a query per series.
    meta = pd.DataFrame(
        {
            "symbol": [item.symbol for item in rows],
            "frequency": [item.frequency for item in rows],
            "unit": [item.unit for item in rows],
        }
    )
    con.register("series_meta", meta)
    con.execute(
        "INSERT INTO series SELECT symbol, frequency, unit FROM series_meta "
        "ON CONFLICT (symbol) DO UPDATE SET unit = CASE WHEN excluded.unit <> '' "
        "THEN excluded.unit ELSE series.unit END"
    )
    con.unregister("series_meta")


def _has_weekday(a: dt.date, b: dt.date) -> bool:
    return bool(np.busday_count(a, b + dt.timedelta(days=1)) > 0)


def _long_rows(items: list[RawSeries], now: dt.datetime) -> pd.DataFrame:
    """All rows of ``items`` as one frame in the ``prices`` table's columns.

    Built from concatenated arrays: one small frame per symbol would cost a
    wide file of 5,000 tickers most of its import time.
    """
    sizes = np.array([len(item.frame) for item in items])

    def each(attr: str) -> np.ndarray:
        return np.repeat(
            np.array([getattr(i, attr) for i in items], dtype=object), sizes
        )

    def column(name: str) -> np.ndarray:
        return np.concatenate([i.frame[name].to_numpy(np.float64) for i in items])

    return pd.DataFrame(
        {
            "symbol": each("symbol"),
            "date": np.concatenate(
                [i.frame.index.values.astype("datetime64[D]") for i in items]
            ),
            "close": column("close"),
            "adj_close": column("adj_close"),
            "dividend": column("dividend"),
            "split": column("split"),
            "currency": each("currency"),
            "source": each("source"),
            "fetched_at": np.full(int(sizes.sum()), np.datetime64(now, "us")),
        }
    )


def _values_ok(rows: pd.DataFrame, level: np.ndarray) -> bool:
    """Whether every price, dividend and split of ``rows`` is in its range.

    ``level`` marks the rows of economic series (:data:`LEVEL_RANGE`).
    """
    from piefolio.data.providers.base import (
        DIVIDEND_MAX,
        LEVEL_RANGE,
        PRICE_RANGE,
        SPLIT_RANGE,
    )

    lo = np.where(level, LEVEL_RANGE[0], PRICE_RANGE[0])
    hi = np.where(level, LEVEL_RANGE[1], PRICE_RANGE[1])
    with np.errstate(invalid="ignore"):
        ok = True
        for col in ("close", "adj_close"):
            v = rows[col].to_numpy(np.float64)
            ok &= bool(((v >= lo) & (v <= hi) | np.isnan(v)).all())
        d = rows["dividend"].to_numpy(np.float64)
        sp = rows["split"].to_numpy(np.float64)
        ok &= bool(((d >= 0) & (d <= DIVIDEND_MAX)).all())
        ok &= bool(((sp >= SPLIT_RANGE[0]) & (sp <= SPLIT_RANGE[1])).all())
    return ok


def _ask(
    item: RawSeries, requested: dict[str, tuple[dt.date, dt.date]], end: int
) -> dt.date | None:
    ask = requested.get(item.symbol)
    if ask is not None:
        return ask[end]
    return item.first_date if end == 0 else item.last_date


def _apply_rescale(con: duckdb.DuckDBPyConnection, symbol: str, r: Rescale) -> None:
    """Multiply stored rows of ``symbol`` up to ``r.through`` by r's ratios."""
    sets = []
    params: list[Any] = []
    if np.isfinite(r.close):
        # A split changes the close and the cash per share alike.
        sets += ["close = close * ?", "dividend = dividend * ?"]
        params += [r.close, r.close]
    if np.isfinite(r.adj_close):
        sets.append("adj_close = adj_close * ?")
        params.append(r.adj_close)
    if sets:
        con.execute(
            f"UPDATE prices SET {', '.join(sets)} WHERE symbol = ? AND date <= ?",
            [*params, symbol, r.through],
        )
