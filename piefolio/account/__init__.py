"""The real account: a broker's history as a ledger, valued and planned.

- :mod:`~piefolio.account.ledger`: :class:`Entry` and :class:`Ledger`, the signed
  money and share movements of an account;
- :mod:`~piefolio.account.trading212` and :mod:`~piefolio.account.piefolio_csv`:
  the file layouts read (Trading 212's History export, the piefolio CSV);
- :mod:`~piefolio.account.history`: files to a ledger, and into the store;
- :mod:`~piefolio.account.table`: the ledger table in the store's DuckDB file;
- :mod:`~piefolio.account.prices`: the prices an account needs;
- :mod:`~piefolio.account.actual`: the account valued daily, against its plan and
  its benchmarks fed the same dated money;
- :mod:`~piefolio.account.orders`: the orders of the next deposit.
"""

from __future__ import annotations

from piefolio.account.actual import Actual, Holding, SeriesSummary, actual
from piefolio.account.history import (
    FileImport,
    import_history,
    load_history,
    read_history_file,
)
from piefolio.account.ledger import Entry, Kind, Ledger
from piefolio.account.orders import (
    Holdings,
    Mode,
    NextOrders,
    Order,
    current_holdings,
    next_orders,
)
from piefolio.account.prices import account_frame

__all__ = [
    "Actual",
    "Entry",
    "FileImport",
    "Holding",
    "Holdings",
    "Kind",
    "Ledger",
    "Mode",
    "NextOrders",
    "Order",
    "SeriesSummary",
    "account_frame",
    "actual",
    "current_holdings",
    "import_history",
    "load_history",
    "next_orders",
    "read_history_file",
]
