"""The real account: a broker's history as a ledger, valued and planned.

- :mod:`~piefolio.account.ledger`: :class:`Entry` and :class:`Ledger`, the signed
  money and share movements of an account;
- :mod:`~piefolio.account.trading212` and :mod:`~piefolio.account.piefolio_csv`:
  the file layouts read (Trading 212's History export, the piefolio CSV);
- :mod:`~piefolio.account.history`: files to a ledger, and into the store;
- :mod:`~piefolio.account.table`: the ledger table in the store's DuckDB file.
"""

from __future__ import annotations

from piefolio.account.history import (
    FileImport,
    import_history,
    load_history,
    read_history_file,
)
from piefolio.account.ledger import Entry, Kind, Ledger

__all__ = [
    "Entry",
    "FileImport",
    "Kind",
    "Ledger",
    "import_history",
    "load_history",
    "read_history_file",
]
