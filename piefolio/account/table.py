"""The ledger table in the store: entries keyed once, written in one transaction.

Table::

    ledger(key PRIMARY KEY, time, kind, action, amount, currency, ticker, isin,
           name, shares, price, price_currency, fx, fee, source, line,
           imported_at)                   one row per broker row, ever

It lives in the price store's DuckDB file (:meth:`Store.session`), so one
``PIEFOLIO_HOME`` holds a user's prices and their account. Importing a row whose
key is stored adds nothing: re-importing a file, or an export that overlaps an
earlier one, leaves the ledger as it was.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from piefolio.account.ledger import Entry, Kind, Ledger
from piefolio.errors import HistoryError, StoreError

if TYPE_CHECKING:
    from piefolio.data.store import Store

__all__ = ["read_ledger", "save_entries"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    key VARCHAR PRIMARY KEY,
    time TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    amount DOUBLE NOT NULL,
    currency VARCHAR NOT NULL,
    ticker VARCHAR NOT NULL,
    isin VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    shares DOUBLE NOT NULL,
    price DOUBLE,
    price_currency VARCHAR NOT NULL,
    fx DOUBLE,
    fee DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL
)
"""
_FIELDS = Entry.__slots__


def save_entries(store: Store, entries: Sequence[Entry]) -> list[bool]:
    """Add the entries whose key is not stored yet, all in one transaction.

    Parameters
    ----------
    store : Store
        The store whose file holds the ledger.
    entries : sequence of Entry
        Parsed rows, already checked; keys unique among them.

    Returns
    -------
    list of bool
        For each entry, whether it was new (False: its key was stored already).

    Raises
    ------
    HistoryError
        The entries are in another currency than the stored ledger.
    StoreError
        The store cannot be written; then nothing of this call is kept.
    """
    import duckdb

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    added: list[bool] = []
    with store.session(write=True) as con:
        try:
            con.begin()
            con.execute(_SCHEMA)
            held = con.execute("SELECT DISTINCT currency FROM ledger").fetchall()
            currencies = {row[0] for row in held}
            for entry in entries:
                if currencies and entry.currency not in currencies:
                    raise HistoryError(
                        f"{entry.where}: account currency {entry.currency}, but the "
                        f"stored ledger is in {', '.join(sorted(currencies))}; one "
                        "store holds one account"
                    )
            known = {
                row[0]
                for row in con.execute(
                    "SELECT key FROM ledger WHERE list_contains(?, key)",
                    [[e.key for e in entries]],
                ).fetchall()
            }
            fresh = []
            for entry in entries:
                new = entry.key not in known
                added.append(new)
                if new:
                    fresh.append(entry)
                    known.add(entry.key)
            if fresh:
                # One insert of a frame: a five-year export is thousands of rows.
                incoming = pd.DataFrame(
                    {f: [getattr(e, f) for e in fresh] for f in _FIELDS}
                )
                incoming["kind"] = [e.kind.value for e in fresh]
                incoming["imported_at"] = now
                con.register("incoming", incoming)
                con.execute(
                    f"INSERT INTO ledger ({', '.join(_FIELDS)}, imported_at) "
                    f"SELECT {', '.join(_FIELDS)}, imported_at FROM incoming"
                )
                con.unregister("incoming")
            con.commit()
        except BaseException as exc:
            # BaseException: a KeyboardInterrupt must roll back too.
            con.rollback()
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"writing the ledger to {store.path} failed: {exc}"
                ) from exc
            raise
    return added


def read_ledger(store: Store) -> Ledger:
    """Return the stored ledger (empty when the store or the table is absent)."""
    if not store.exists():
        return Ledger()
    with store.session(write=False) as con:
        found = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ledger'"
        ).fetchone()
        if not found or not found[0]:
            return Ledger()
        rows = con.execute(
            f"SELECT {', '.join(_FIELDS)} FROM ledger ORDER BY time, key"
        ).fetchall()
    entries = []
    for row in rows:
        data = dict(zip(_FIELDS, row, strict=True))
        data["kind"] = Kind(data["kind"])
        for f in ("price", "fx"):
            data[f] = math.nan if data[f] is None else float(data[f])
        entries.append(Entry(**data))
    return Ledger.of(entries)
