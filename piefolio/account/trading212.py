"""Read a Trading 212 "History" CSV export into ledger entries.

Columns are found by their header, never by position: an export has only the
columns its period used, and the layout changed over the years. Three families of
headers are known (all read the same way):

- 2025-26: ``Action, Time`` (newest: ``Time (UTC)``) ``, ISIN, Ticker, Name, Notes,
  ID, No. of shares, Price / share, Currency (Price / share), Exchange rate,
  Result, Currency (Result), Total, Currency (Total), ...`` with each fee and tax
  followed by its ``Currency (...)`` column, card rows (``Merchant name``...);
- 2023-25: the same money columns with ``Notes, ID`` after the taxes;
- 2021: the account currency inside the name: ``Total (EUR)``, ``Charge amount
  (EUR)``, ``Currency conversion fee (EUR)``, ``Stamp duty reserve tax (EUR)``.

Conventions
-----------
- ``Total`` is what the row did to the account's cash, in the account currency,
  fees included; its sign in the file varies between layouts, so the action
  decides the sign (a buy takes money, a sale brings it), except for dividends,
  interest and their adjustments, which keep the sign written.
- ``Exchange rate`` is units of the price's currency per unit of the account's;
  ``Not available`` (and empty) reads as unknown. Prices in ``GBX`` (pence) are
  stored in ``GBP``, and their rate with them.
- A row without an ``ID`` (dividends, interest) is keyed by a hash of what it
  says (action, time, instrument, shares, total), so the same row in two exports,
  of any layout, gets the same key; identical rows within one file are numbered.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from piefolio.account.ledger import Entry, Kind
from piefolio.errors import HistoryError

__all__ = ["ACTIONS", "is_trading212", "read_trading212"]

_EXACT: dict[str, Kind] = {
    "deposit": Kind.DEPOSIT,
    "bank transfer": Kind.DEPOSIT,
    "card credit": Kind.DEPOSIT,
    "card refund": Kind.DEPOSIT,
    "cashback": Kind.DEPOSIT,
    "spending cashback": Kind.DEPOSIT,
    "withdrawal": Kind.WITHDRAWAL,
    "card debit": Kind.WITHDRAWAL,
    "interest on cash": Kind.INTEREST,
    "lending interest": Kind.INTEREST,
    "dividend adjustment": Kind.DIVIDEND,
    "currency conversion": Kind.CONVERSION,
    "stock split open": Kind.SPLIT,
    "stock split close": Kind.SPLIT,
}
_ORDER_TYPES = ("market", "limit", "stop", "stop limit")

#: Every action understood: exact names (any case), order types with ``buy`` or
#: ``sell``, and ``Dividend (...)`` with any variant in the brackets.
ACTIONS: tuple[str, ...] = (
    *sorted(_EXACT),
    *(f"{t} {side}" for t in _ORDER_TYPES for side in ("buy", "sell")),
    "dividend (...)",
)

_SIGNED = {Kind.DIVIDEND, Kind.INTEREST}
_IN_NAME = re.compile(r"^(?P<name>.+?) \((?P<cur>[A-Z]{3})\)$")
_FEES = (
    "Transaction fee",
    "Finra fee",
    "Stamp duty reserve tax",
    "Stamp duty",
    "French transaction tax",
    "Currency conversion fee",
    "Deposit fee",
)
_REQUIRED = ("Action", "Time")


def _kind(action: str) -> Kind | None:
    word = " ".join(action.lower().split())
    if word in _EXACT:
        return _EXACT[word]
    for order in _ORDER_TYPES:
        if word == f"{order} buy":
            return Kind.BUY
        if word == f"{order} sell":
            return Kind.SELL
    if word.startswith("dividend (") and word.endswith(")"):
        return Kind.DIVIDEND
    return None


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Map each header to a canonical name; note currencies written in the name."""
    index: dict[str, int] = {}
    currency_in_name: dict[str, str] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        if name == "Time (UTC)":
            name = "Time"
        else:
            found = _IN_NAME.match(name)
            if found and found["name"] != "Currency":
                name = found["name"]
                currency_in_name[name] = found["cur"]
        index.setdefault(name, i)
    return index, currency_in_name


def is_trading212(header: list[str]) -> bool:
    """Whether a CSV header is a Trading 212 history export's."""
    index, _ = _columns(header)
    return all(c in index for c in _REQUIRED) and (
        "Total" in index or "No. of shares" in index
    )


class _Row:
    """One CSV row read by canonical column names, with errors naming the cell."""

    def __init__(
        self,
        cells: list[str],
        index: Mapping[str, int],
        where: Callable[[str], str],
    ) -> None:
        self.cells = cells
        self.index = index
        self.where = where

    def text(self, column: str) -> str:
        i = self.index.get(column)
        if i is None or i >= len(self.cells):
            return ""
        return self.cells[i].strip()

    def number(self, column: str) -> float | None:
        value = self.text(column)
        if value == "" or value.lower() == "not available":
            return None
        try:
            out = float(value.replace(",", ""))
        except ValueError:
            raise HistoryError(
                f"{self.where(column)}: expected a number, found {value!r}"
            ) from None
        if not math.isfinite(out):
            raise HistoryError(f"{self.where(column)}: expected a finite number")
        return out


def read_trading212(path: Path, text: str) -> list[Entry]:
    """Parse a Trading 212 history export.

    Parameters
    ----------
    path : Path
        The file (its name is in every message and in each entry's ``source``).
    text : str
        Its content.

    Returns
    -------
    list of Entry
        In file order.

    Raises
    ------
    HistoryError
        A required column is missing, an action is unknown, or a cell does not
        parse; the message names the file, the line and the column.
    """
    name = path.name
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None:
        raise HistoryError(f"{name}: the file is empty; expected a header line")
    index, in_name = _columns(header)
    for column in _REQUIRED:
        if column not in index:
            raise HistoryError(
                f"{name}: line 1: no column {column!r}; expected a Trading 212 "
                "history export"
            )
    if "Total" not in index:
        raise HistoryError(f"{name}: line 1: no column 'Total' nor 'Total (CUR)'")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    account = in_name.get("Total", "")
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue

        def where(column: str, line: int = line) -> str:
            return f"{name}: line {line}: column {column!r}"

        row = _Row(cells, index, where)
        entry = _entry(row, in_name, account, name, line)
        if not account:
            account = entry.currency
        elif entry.currency != account:
            raise HistoryError(
                f"{where('Currency (Total)')}: {entry.currency}, but the file's "
                f"account currency is {account}"
            )
        # The nth identical key of a file is the nth row everywhere it appears.
        count = seen.get(entry.key, 0) + 1
        seen[entry.key] = count
        if count > 1:
            entry = _with_key(entry, f"{entry.key}#{count}")
        entries.append(entry)
    return entries


def _with_key(entry: Entry, key: str) -> Entry:
    from dataclasses import replace

    return replace(entry, key=key)


def _entry(
    row: _Row, in_name: Mapping[str, str], account: str, source: str, line: int
) -> Entry:
    action = row.text("Action")
    kind = _kind(action)
    if kind is None:
        raise HistoryError(
            f"{row.where('Action')}: unknown action {action!r}; expected one of "
            f"{', '.join(ACTIONS)}"
        )
    stamp = row.text("Time")
    try:
        time = dt.datetime.fromisoformat(stamp)
    except ValueError:
        raise HistoryError(
            f"{row.where('Time')}: expected a time like 2024-01-15 09:30:00, "
            f"found {stamp!r}"
        ) from None
    if time.tzinfo is not None:
        time = time.astimezone(dt.UTC).replace(tzinfo=None)
    currency = row.text("Currency (Total)") or in_name.get("Total", "") or account
    if not currency:
        raise HistoryError(
            f"{row.where('Currency (Total)')}: no account currency; expected an "
            "ISO code such as EUR"
        )
    ticker = row.text("Ticker")
    shares = row.number("No. of shares") or 0.0
    price = row.number("Price / share")
    price_cur = row.text("Currency (Price / share)")
    fx = row.number("Exchange rate")
    if price_cur == "GBX":  # pence: the price and its rate in pounds
        price_cur = "GBP"
        price = None if price is None else price / 100.0
        fx = None if fx is None else fx / 100.0
    fee = 0.0
    for column in _FEES:
        value = row.number(column)
        cur = row.text(f"Currency ({column})") or in_name.get(column, currency)
        if value is not None and cur == currency:
            fee += abs(value)
    total = row.number("Total")
    if total is None and kind is Kind.DEPOSIT:
        total = row.number("Charge amount")
    if total is None:
        total = _total_from_trade(row, kind, shares, price, price_cur, fx, fee)
    amount = _signed_amount(kind, total, fee)
    if kind in (Kind.BUY, Kind.SELL) or kind is Kind.SPLIT:
        if not ticker and not row.text("ISIN"):
            raise HistoryError(f"{row.where('Ticker')}: a {action} names no ticker")
        if kind is not Kind.SPLIT and shares <= 0:
            raise HistoryError(
                f"{row.where('No. of shares')}: expected a positive number of shares"
            )
    signed_shares = {
        Kind.BUY: abs(shares),
        Kind.SELL: -abs(shares),
        Kind.SPLIT: -abs(shares) if "close" in action.lower() else abs(shares),
    }.get(kind, 0.0)
    ident = row.text("ID")
    key = f"t212:{ident}" if ident else _row_hash(action, time, row, shares, total)
    return Entry(
        key=key,
        time=time,
        kind=kind,
        action=action,
        amount=amount,
        currency=currency,
        ticker=ticker or row.text("ISIN"),
        isin=row.text("ISIN"),
        name=row.text("Name"),
        shares=signed_shares,
        price=math.nan if price is None else price,
        price_currency=price_cur,
        fx=math.nan if fx is None else fx,
        fee=fee,
        source=source,
        line=line,
    )


def _total_from_trade(
    row: _Row,
    kind: Kind,
    shares: float,
    price: float | None,
    price_cur: str,
    fx: float | None,
    fee: float,
) -> float | None:
    """Compute a trade's money without a Total: shares x price / rate, plus fees."""
    if kind in (Kind.SPLIT, Kind.CONVERSION):
        return 0.0
    if kind not in (Kind.BUY, Kind.SELL):
        raise HistoryError(f"{row.where('Total')}: expected the amount, found none")
    if price is None:
        raise HistoryError(
            f"{row.where('Price / share')}: no Total and no price; expected one"
        )
    if fx is None:
        raise HistoryError(
            f"{row.where('Exchange rate')}: no Total, and the rate of {price_cur} "
            "is not available; expected one of them"
        )
    value = abs(shares) * price / fx
    return value + fee if kind is Kind.BUY else value - fee


def _signed_amount(kind: Kind, total: float | None, fee: float) -> float:
    value = 0.0 if total is None else total
    if kind in _SIGNED:
        return value
    if kind in (Kind.DEPOSIT, Kind.SELL):
        return abs(value)
    if kind in (Kind.WITHDRAWAL, Kind.BUY):
        return -abs(value)
    if kind is Kind.CONVERSION:
        return -fee
    return 0.0  # a split moves no money


def _row_hash(
    action: str, time: dt.datetime, row: _Row, shares: float, total: float | None
) -> str:
    what = "|".join(
        [
            " ".join(action.lower().split()),
            time.replace(microsecond=0).isoformat(),
            row.text("ISIN") or row.text("Ticker"),
            f"{abs(shares):.10g}",
            # Layouts disagree on the sign of a Total, never on its size.
            "" if total is None else f"{abs(total):.10g}",
        ]
    )
    return "hash:" + hashlib.sha256(what.encode()).hexdigest()[:20]
