"""Broker history files into a ledger: read, check, merge, import.

A file's layout is told by its header: a Trading 212 "History" export
(:mod:`piefolio.account.trading212`) or the piefolio CSV
(:mod:`piefolio.account.piefolio_csv`). Every file is read whole and checked
before anything is stored: a bad row anywhere stops the import, naming the file,
the line and the column, and the store is left as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from piefolio.account.ledger import Entry, Ledger
from piefolio.account.piefolio_csv import is_piefolio_csv, read_piefolio_csv
from piefolio.account.table import read_ledger, save_entries
from piefolio.account.trading212 import is_trading212, read_trading212
from piefolio.errors import HistoryError

if TYPE_CHECKING:
    from piefolio.data.store import Store
    from piefolio.typing import PathLike

__all__ = ["FileImport", "import_history", "load_history", "read_history_file"]


@dataclass(frozen=True, slots=True)
class FileImport:
    """What importing one file did.

    Attributes
    ----------
    path : Path
    layout : str
        ``trading212`` or ``piefolio``.
    rows : int
        Entries read from the file.
    added : int
        Entries new to the ledger (the rest were stored already).
    first, last : date or None
        Days of the file's first and last entry.
    currency : str
        The account currency of the file.
    """

    path: Path
    layout: str
    rows: int
    added: int
    first: dt.date | None
    last: dt.date | None
    currency: str


def read_history_file(path: PathLike) -> tuple[str, list[Entry]]:
    """Read one history file; return its layout name and its entries.

    Raises
    ------
    HistoryError
        The file is missing, not text, of an unknown layout, or a row is bad.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HistoryError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"{file}: cannot be read as UTF-8 text ({exc})") from exc
    header = next(csv.reader(text.splitlines()), None)
    if header is None:
        raise HistoryError(f"{file.name}: the file is empty; expected a header line")
    if is_trading212(header):
        return "trading212", read_trading212(file, text)
    if is_piefolio_csv(header):
        return "piefolio", read_piefolio_csv(file, text)
    raise HistoryError(
        f"{file.name}: line 1: not a Trading 212 history export (Action, Time, "
        "Total...) nor a piefolio history CSV (date, action, ticker, shares, price, "
        "currency, amount, fee)"
    )


def _read_all(paths: Sequence[PathLike]) -> list[tuple[Path, str, list[Entry]]]:
    if not paths:
        raise HistoryError("no history file given")
    return [(Path(p), *read_history_file(p)) for p in paths]


def load_history(
    paths: Iterable[PathLike] | PathLike | None = None, *, store: Store | None = None
) -> Ledger:
    """Return the ledger of history files, or the one stored.

    Parameters
    ----------
    paths : path or iterable of paths, optional
        History files to read (not stored); overlapping files merge, each row
        once. When None, the store's ledger is returned.
    store : Store, optional
        Where the ledger is stored (default: the user's store).

    Returns
    -------
    Ledger

    Raises
    ------
    HistoryError
        A file does not parse, or the files are of different accounts.
    """
    if paths is None:
        from piefolio.data.store import Store

        return read_ledger(store or Store())
    many = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    return Ledger.of(e for _, _, entries in _read_all(many) for e in entries)


def import_history(
    paths: Sequence[PathLike], *, store: Store | None = None
) -> list[FileImport]:
    """Read history files and add their new rows to the stored ledger.

    Every file is read and checked first; then all new rows are written in one
    transaction. Re-importing a file, or a file overlapping an earlier one, adds
    only the rows the ledger lacks.

    Parameters
    ----------
    paths : sequence of paths
        Trading 212 exports or piefolio CSVs, in any order.
    store : Store, optional
        Default: the user's store.

    Returns
    -------
    list of FileImport
        One per file, in the order given.

    Raises
    ------
    HistoryError
        A file does not parse (nothing is stored), or its account currency is not
        the stored ledger's.
    StoreError
        The store cannot be written (nothing is stored).
    """
    from piefolio.data.store import Store

    store = store or Store()
    files = _read_all(paths)
    everything = [e for _, _, entries in files for e in entries]
    Ledger.of(everything)  # one account: raises on mixed currencies
    # Keys repeat across overlapping files: store each once, count it once.
    unique: dict[str, Entry] = {}
    for entry in everything:
        unique.setdefault(entry.key, entry)
    added = dict(zip(unique, save_entries(store, list(unique.values())), strict=True))
    reports = []
    for path, layout, entries in files:
        new = 0
        for e in entries:
            if added.get(e.key):
                new += 1
                added[e.key] = False  # counted for the first file that had it
        days = [e.date for e in entries]
        reports.append(
            FileImport(
                path=path,
                layout=layout,
                rows=len(entries),
                added=new,
                first=min(days) if days else None,
                last=max(days) if days else None,
                currency=entries[0].currency if entries else "",
            )
        )
    return reports
