"""The local price store: one DuckDB file, written in whole transactions.

Where: ``$PIEFOLIO_HOME/store.duckdb`` when the environment variable
``PIEFOLIO_HOME`` is set (tests, CI), else ``store.duckdb`` in the user cache dir
(``platformdirs.user_cache_dir("piefolio")``).

Tables::

    prices(symbol, date, close, adj_close, dividend, split, currency, source,
           fetched_at)                        one row per symbol and trading day
    symbols(symbol, currency, first_date, last_date, covered_from, covered_to,
            source, name, terms, updated_at)  one row per symbol

``covered_from``/``covered_to`` record the range a provider was *asked* for, which
can start before ``first_date`` (a stock listed later than the range asked): an
incremental fetch asks only for days outside the covered range.

Concurrency: DuckDB lets one process write a file, and no one read it meanwhile.
Every call opens the file for as short as it can; a call that meets another
process's lock waits and retries with back-off, telling ``on_wait`` ("store busy,
retrying"), and raises :class:`~piefolio.errors.StoreError` only after
``busy_timeout`` seconds. Every write is one transaction: a process killed in the
middle leaves the store as it was before the write.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from piefolio.data.providers.base import RawSeries
from piefolio.errors import StoreError
from piefolio.typing import FloatArray, IntArray

if TYPE_CHECKING:
    import duckdb

__all__ = ["Store", "StoreReader", "SymbolInfo", "default_store_path"]

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
"""


def default_store_path() -> Path:
    """Return the store file: ``$PIEFOLIO_HOME/store.duckdb`` or the user cache dir."""
    home = os.environ.get("PIEFOLIO_HOME")
    if home:
        return Path(home).expanduser() / "store.duckdb"
    import platformdirs

    return Path(platformdirs.user_cache_dir("piefolio")) / "store.duckdb"


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


def _is_lock_error(exc: BaseException) -> bool:
    import duckdb

    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and (
        "lock" in text or "being used by another process" in text
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
            if self.on_wait is not None:
                self.on_wait(
                    f"store busy ({self.path} is used by another piefolio process), "
                    f"retrying (attempt {state.attempt_number})"
                )

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
        rebase: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> int:
        """Write several series in one transaction; return the rows written.

        For each series, stored rows of its symbol between its first and last date
        are replaced; rows outside that range are kept.

        Parameters
        ----------
        series : iterable of RawSeries
            The series to store; empty ones only extend the covered range.
        requested : dict symbol -> (start, end), optional
            The range each symbol was asked for (default: its own dates), which
            extends the symbol's covered range so it is not asked for again.
        rebase : bool, default False
            For live fetches that append to stored history: Yahoo re-bases all
            past adjusted closes at each dividend or split, so stored rows before
            the new series are multiplied by new/old on the latest overlapping
            day (close and adj_close each by their own ratio), which keeps the
            returns across the join exact.
        progress : callable, optional
            Called with each symbol as it is written (inside the transaction).

        Raises
        ------
        StoreError
            When the store cannot be written; nothing of this call is then kept.
        """
        import duckdb

        items = list(series)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        written = 0
        with self._connect(write=True) as con:
            try:
                con.begin()
                for item in items:
                    written += self._write_one(con, item, requested, rebase, now)
                    if progress is not None:
                        progress(item.symbol)
                con.commit()
            except BaseException as exc:
                # BaseException: a KeyboardInterrupt must roll back too.
                con.rollback()
                if isinstance(exc, duckdb.Error):
                    raise StoreError(f"writing to {self.path} failed: {exc}") from exc
                raise
        return written

    def _write_one(
        self,
        con: duckdb.DuckDBPyConnection,
        item: RawSeries,
        requested: dict[str, tuple[dt.date, dt.date]] | None,
        rebase: bool,
        now: dt.datetime,
    ) -> int:
        sym = item.symbol
        frame = item.frame
        rows = len(frame)
        if rows:
            lo = frame.index[0].date()
            hi = frame.index[-1].date()
            if rebase:
                self._rebase(con, item)
            con.execute(
                "DELETE FROM prices WHERE symbol = ? AND date BETWEEN ? AND ?",
                [sym, lo, hi],
            )
            incoming = pd.DataFrame(
                {
                    "symbol": sym,
                    "date": frame.index.values.astype("datetime64[D]"),
                    "close": frame["close"].to_numpy(),
                    "adj_close": frame["adj_close"].to_numpy(),
                    "dividend": frame["dividend"].to_numpy(),
                    "split": frame["split"].to_numpy(),
                    "currency": item.currency,
                    "source": item.source,
                    "fetched_at": now,
                }
            )
            con.register("incoming", incoming)
            con.execute("INSERT INTO prices SELECT * FROM incoming")
            con.unregister("incoming")
        ask = (requested or {}).get(sym)
        if ask is None and rows:
            ask = (frame.index[0].date(), frame.index[-1].date())
        old = con.execute(
            "SELECT covered_from, covered_to FROM symbols WHERE symbol = ?", [sym]
        ).fetchone()
        cov_from = _merge(old[0] if old else None, ask[0] if ask else None, min)
        cov_to = _merge(old[1] if old else None, ask[1] if ask else None, max)
        first, last = con.execute(
            "SELECT min(date), max(date) FROM prices WHERE symbol = ?", [sym]
        ).fetchone() or (None, None)
        con.execute("DELETE FROM symbols WHERE symbol = ?", [sym])
        con.execute(
            "INSERT INTO symbols VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sym,
                item.currency,
                first,
                last,
                cov_from,
                cov_to,
                item.source,
                item.name,
                item.terms,
                now,
            ],
        )
        return rows

    @staticmethod
    def _rebase(con: duckdb.DuckDBPyConnection, item: RawSeries) -> None:
        frame = item.frame
        first = frame.index[0].date()
        stored = con.execute(
            "SELECT date, close, adj_close FROM prices WHERE symbol = ? "
            "AND date BETWEEN ? AND ? ORDER BY date",
            [item.symbol, first, frame.index[-1].date()],
        ).fetchall()
        for day, close, adj in reversed(stored):
            new = frame.loc[pd.Timestamp(day)]
            rc = new["close"] / close if close else np.nan
            ra = new["adj_close"] / adj if adj else np.nan
            if np.isfinite(rc) or np.isfinite(ra):
                con.execute(
                    "UPDATE prices SET "
                    "close = CASE WHEN isfinite(?) THEN close * ? ELSE close END, "
                    "adj_close = CASE WHEN isfinite(?) THEN adj_close * ? "
                    "ELSE adj_close END, "
                    "dividend = CASE WHEN isfinite(?) THEN dividend * ? "
                    "ELSE dividend END "
                    "WHERE symbol = ? AND date < ?",
                    [rc, rc, ra, ra, rc, rc, item.symbol, first],
                )
                return

    def delete(self, symbols: Sequence[str]) -> None:
        """Remove symbols and all their prices, in one transaction."""
        with self._connect(write=True) as con:
            con.begin()
            for sym in symbols:
                con.execute("DELETE FROM prices WHERE symbol = ?", [sym])
                con.execute("DELETE FROM symbols WHERE symbol = ?", [sym])
            con.commit()

    def write_table(self, name: str, frame: pd.DataFrame) -> str:
        """Store a results table (e.g. a sweep's rows) for SQL queries, replacing it.

        Parameters
        ----------
        name : str
            Table name: letters, digits and underscores.
        frame : pd.DataFrame
            The rows; written whole in one transaction, or not at all.

        Returns
        -------
        str
            The table's name, for ``SELECT * FROM <name>``.
        """
        if not name.replace("_", "").isalnum() or not name[0].isalpha():
            raise StoreError(
                f"table name {name!r}: expected letters, digits and underscores"
            )
        with self._connect(write=True) as con:
            con.begin()
            con.register("incoming", frame)
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
            con.commit()
        return name

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
            Columns ``symbol, date, close, adj_close, dividend, split, currency``,
            sorted by symbol then date; ``date`` is ``datetime64``. Empty (with
            those columns) when the store or the symbols are absent.
        """
        cols = ["symbol", "date", "close", "adj_close", "dividend", "split", "currency"]
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
        counts = (
            "LEFT JOIN (SELECT symbol, count(*) AS n FROM prices GROUP BY symbol) c "
            "USING (symbol) "
            if count
            else "LEFT JOIN (SELECT NULL::VARCHAR AS symbol, -1 AS n) c USING (symbol) "
        )
        rows = self._con.execute(
            "SELECT s.symbol, s.currency, s.first_date, s.last_date, "
            "s.covered_from, s.covered_to, s.source, coalesce(s.name, ''), "
            "coalesce(s.terms, ''), s.updated_at, coalesce(c.n, -1) "
            "FROM symbols s " + counts + where + "ORDER BY s.symbol",
            params,
        ).fetchall()
        return [SymbolInfo(*row) for row in rows]

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


def _merge(
    a: dt.date | None, b: dt.date | None, pick: Callable[[list[dt.date]], dt.date]
) -> dt.date | None:
    both = [d for d in (a, b) if d is not None]
    return pick(both) if both else None


def _has_weekday(a: dt.date, b: dt.date) -> bool:
    return bool(np.busday_count(a, b + dt.timedelta(days=1)) > 0)
