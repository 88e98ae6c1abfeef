"""Read the piefolio history CSV: one simple layout for any broker.

The format (a header line, then one row per movement; columns by name, in any
order; extra columns are ignored)::

    date,action,ticker,shares,price,currency,amount,fee,id
    2024-01-02,deposit,,,,EUR,1000,,
    2024-01-03,buy,SPY,2.5,100,EUR,250,0.50,
    2024-03-15,dividend,SPY,,,EUR,1.20,0.18,
    2024-06-10,split,SPY,2.5,,EUR,,,
    2024-07-01,sell,SPY,1,60,EUR,,,
    2024-12-31,interest,,,,EUR,3.10,,
    2025-01-05,withdrawal,,,,EUR,100,,

- ``date``: ``YYYY-MM-DD`` (or an ISO time, UTC).
- ``action``: ``deposit``, ``withdrawal``, ``buy``, ``sell``, ``dividend``,
  ``interest`` or ``split``.
- ``currency``: the account currency, in which ``amount`` and ``fee`` are.
- ``shares``: positive for ``buy`` and ``sell``; for ``split``, the change in the
  number of shares held (a 2-for-1 split of 2.5 shares is ``2.5``, a 1-for-4
  reverse split of 8 shares is ``-6``).
- ``price``: per share, informative; it fills an empty ``amount`` of a trade
  (``shares x price``, the price then taken in the account currency).
- ``amount``: positive. For a trade the traded value before fees; else the money
  of the row. Dividends and interest may be negative (an adjustment).
- ``fee``: fees and taxes, >= 0, empty for none: a buy costs ``amount + fee``, a
  sale brings ``amount - fee``, a dividend or interest brings ``amount - fee``, a
  deposit or withdrawal moves ``amount`` and the fee comes out of the cash.
- ``id``: optional; rows without one are keyed by a hash of the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from dataclasses import replace
from pathlib import Path

from piefolio.account.ledger import Entry, Kind
from piefolio.errors import HistoryError

__all__ = ["COLUMNS", "is_piefolio_csv", "read_piefolio_csv"]

#: The columns a piefolio history CSV must have (``id`` is optional).
COLUMNS = ("date", "action", "ticker", "shares", "price", "currency", "amount", "fee")
_KINDS = {
    k.value: k
    for k in (
        Kind.DEPOSIT,
        Kind.WITHDRAWAL,
        Kind.BUY,
        Kind.SELL,
        Kind.DIVIDEND,
        Kind.INTEREST,
        Kind.SPLIT,
    )
}


def is_piefolio_csv(header: list[str]) -> bool:
    """Whether a CSV header is the piefolio history layout's."""
    names = {h.strip().lstrip("\ufeff").lower() for h in header}
    return set(COLUMNS) <= names


def read_piefolio_csv(path: Path, text: str) -> list[Entry]:
    """Parse a piefolio history CSV (see the module docstring for the format).

    Returns
    -------
    list of Entry
        In file order.

    Raises
    ------
    HistoryError
        A column is missing, an action unknown or a cell unparseable; the message
        names the file, the line and the column.
    """
    name = path.name
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        raise HistoryError(f"{name}: the file is empty; expected a header line")
    index = {h.strip().lstrip("\ufeff").lower(): i for i, h in enumerate(header)}
    missing = [c for c in COLUMNS if c not in index]
    if missing:
        raise HistoryError(
            f"{name}: line 1: no column {missing[0]!r}; expected {', '.join(COLUMNS)}"
        )
    out: list[Entry] = []
    seen: dict[str, int] = {}
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num

        def cell(column: str, cells: list[str] = cells) -> str:
            i = index.get(column)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        def where(column: str, line: int = line) -> str:
            return f"{name}: line {line}: column {column!r}"

        def number(column: str) -> float | None:
            value = cell(column)
            if value == "":
                return None
            try:
                got = float(value)
            except ValueError:
                raise HistoryError(
                    f"{where(column)}: expected a number, found {value!r}"
                ) from None
            if not math.isfinite(got):
                raise HistoryError(f"{where(column)}: expected a finite number")
            return got

        entry = _entry(cell, where, number, name, line)
        count = seen.get(entry.key, 0) + 1
        seen[entry.key] = count
        out.append(entry if count == 1 else replace(entry, key=f"{entry.key}#{count}"))
    return out


def _entry(cell, where, number, source: str, line: int) -> Entry:  # type: ignore[no-untyped-def]
    action = cell("action").lower()
    kind = _KINDS.get(action)
    if kind is None:
        raise HistoryError(
            f"{where('action')}: unknown action {cell('action')!r}; expected one of "
            f"{', '.join(_KINDS)}"
        )
    stamp = cell("date")
    try:
        time = (
            dt.datetime.fromisoformat(stamp)
            if len(stamp) > 10
            else dt.datetime.combine(dt.date.fromisoformat(stamp), dt.time())
        )
    except ValueError:
        raise HistoryError(
            f"{where('date')}: expected a date like 2024-01-31, found {stamp!r}"
        ) from None
    currency = cell("currency").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise HistoryError(
            f"{where('currency')}: expected an ISO currency code such as EUR, "
            f"found {cell('currency')!r}"
        )
    ticker = cell("ticker").upper()
    shares = number("shares")
    price = number("price")
    amount = number("amount")
    fee = number("fee") or 0.0
    if fee < 0:
        raise HistoryError(f"{where('fee')}: expected a fee >= 0, found {fee:g}")
    trade = kind in (Kind.BUY, Kind.SELL)
    if (trade or kind is Kind.SPLIT) and not ticker:
        raise HistoryError(f"{where('ticker')}: a {action} needs a ticker")
    if trade:
        if shares is None or shares <= 0:
            raise HistoryError(
                f"{where('shares')}: a {action} needs a positive number of shares"
            )
        if amount is None:
            if price is None or price <= 0:
                raise HistoryError(
                    f"{where('amount')}: a {action} needs an amount or a price"
                )
            amount = shares * price
    elif kind is Kind.SPLIT:
        if shares is None or shares == 0:
            raise HistoryError(
                f"{where('shares')}: a split needs the change in shares held"
            )
        amount = 0.0
    elif amount is None:
        raise HistoryError(f"{where('amount')}: a {action} needs an amount")
    if amount < 0 and kind not in (Kind.DIVIDEND, Kind.INTEREST):
        raise HistoryError(
            f"{where('amount')}: expected a positive amount; the action gives the sign"
        )
    cash = {
        Kind.DEPOSIT: amount - fee,
        Kind.WITHDRAWAL: -amount - fee,
        Kind.BUY: -amount - fee,
        Kind.SELL: amount - fee,
        Kind.DIVIDEND: amount - fee,
        Kind.INTEREST: amount - fee,
        Kind.SPLIT: 0.0,
    }[kind]
    moved = {Kind.BUY: shares, Kind.SELL: -(shares or 0.0), Kind.SPLIT: shares}.get(
        kind, 0.0
    )
    ident = cell("id")
    what = f"{action}|{time.isoformat()}|{ticker}|{shares}|{amount}|{fee}"
    key = (
        f"csv:{ident}"
        if ident
        else "hash:" + hashlib.sha256(what.encode()).hexdigest()[:20]
    )
    return Entry(
        key=key,
        time=time,
        kind=kind,
        action=action,
        amount=float(cash),
        currency=currency,
        ticker=ticker,
        shares=float(moved or 0.0),
        price=math.nan if price is None else price,
        price_currency=currency if price is not None else "",
        fee=fee,
        source=source,
        line=line,
    )
