"""The ledger of a real account: every money and share movement a broker reported.

Conventions
-----------
- One :class:`Entry` per row of a broker's history. ``amount`` is the signed change
  of the account's cash in the account currency: money into the account positive
  (deposits, sales, dividends, interest), money out negative (withdrawals, card
  spending, purchases). Fees and taxes are already inside ``amount``; ``fee``
  repeats them for display.
- ``shares`` is the signed change of the holding: bought positive, sold negative,
  as the broker counted them on that day (before any later split).
- Splits: the rows of one split (one ticker at one time; Trading 212 writes a
  "close" of the old shares and an "open" of the new ones) change the holding by
  their summed ``shares``. The ratio is ``(held + change) / held``. Share counts
  are put on the basis of the latest split by :meth:`Ledger.basis_shares`, the
  basis on which split-adjusted closes are quoted.
- Times are naive UTC; the day of an entry is its UTC date.
- Money in and out of the *account* (deposits, withdrawals, card spending,
  cashback) are the external flows; dividends and interest are earned inside it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import pandas as pd

from piefolio.errors import HistoryError

__all__ = ["Entry", "Kind", "Ledger"]


class Kind(StrEnum):
    """What a ledger row does to the account."""

    DEPOSIT = "deposit"  # money in from outside (bank transfer, card credit...)
    WITHDRAWAL = "withdrawal"  # money out (to the bank, card spending)
    BUY = "buy"
    SELL = "sell"
    DIVIDEND = "dividend"  # any dividend variant and its adjustments
    INTEREST = "interest"  # on cash, from share lending
    SPLIT = "split"  # shares change, no money
    CONVERSION = "conversion"  # cash changes currency inside the account; fee only


#: Kinds whose money crosses the account's boundary.
EXTERNAL = frozenset({Kind.DEPOSIT, Kind.WITHDRAWAL})


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a broker history, in the account's terms.

    Attributes
    ----------
    key : str
        Unique across imports: the broker's ID, or a hash of the row where it has
        none (the same row in two exports gets the same key).
    time : datetime
        When it happened, naive UTC.
    kind : Kind
    action : str
        The action as the broker wrote it ("Market buy", "Dividend (Ordinary)").
    amount : float
        Signed change of cash in ``currency`` (fees and taxes included).
    currency : str
        The account currency (ISO code).
    ticker, isin, name : str
        The instrument ("" for money-only rows).
    shares : float
        Signed change of the holding (0 for money-only rows).
    price : float
        Price per share in ``price_currency`` (pence converted to pounds); NaN
        when not given.
    price_currency : str
    fx : float
        Units of ``price_currency`` per unit of ``currency`` the broker used; NaN
        when not given or "Not available".
    fee : float
        Fees and taxes in ``currency`` (already inside ``amount``), >= 0.
    source : str
        File the row came from, and ``line`` its line, for messages.
    line : int
    """

    key: str
    time: dt.datetime
    kind: Kind
    action: str
    amount: float
    currency: str
    ticker: str = ""
    isin: str = ""
    name: str = ""
    shares: float = 0.0
    price: float = math.nan
    price_currency: str = ""
    fx: float = math.nan
    fee: float = 0.0
    source: str = ""
    line: int = 0

    @property
    def date(self) -> dt.date:
        """The UTC day of the entry."""
        return self.time.date()

    @property
    def where(self) -> str:
        """``file: line N``, for messages."""
        return f"{self.source}: line {self.line}"


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every entry of an account, sorted by time (then key), each key once.

    Attributes
    ----------
    entries : tuple of Entry
    currency : str
        The account currency; "" for an empty ledger.
    """

    entries: tuple[Entry, ...] = ()
    currency: str = ""

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Ledger:
        """Build a ledger from entries: sorted, the first of each key kept.

        Raises
        ------
        HistoryError
            When entries are in more than one account currency.
        """
        unique: dict[str, Entry] = {}
        for entry in entries:
            unique.setdefault(entry.key, entry)
        rows = tuple(sorted(unique.values(), key=lambda e: (e.time, e.key)))
        currencies = {e.currency for e in rows}
        if len(currencies) > 1:
            first = rows[0]
            other = next(e for e in rows if e.currency != first.currency)
            raise HistoryError(
                f"{other.where}: account currency {other.currency}, but "
                f"{first.where} is in {first.currency}; one ledger holds one account"
            )
        return cls(rows, currencies.pop() if currencies else "")

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def tickers(self) -> list[str]:
        """Instruments the account ever held, in order of first appearance."""
        return list(dict.fromkeys(e.ticker for e in self.entries if e.shares))

    @property
    def first_deposit(self) -> dt.date | None:
        """Day of the first money into the account, None when there is none."""
        days = [e.date for e in self.entries if e.kind is Kind.DEPOSIT]
        return min(days) if days else None

    @property
    def deposited(self) -> float:
        """Money put into the account, total (positive)."""
        return float(sum(e.amount for e in self.entries if e.kind is Kind.DEPOSIT))

    @property
    def withdrawn(self) -> float:
        """Money taken out of the account, total (positive)."""
        out = -sum(e.amount for e in self.entries if e.kind is Kind.WITHDRAWAL)
        return float(out) + 0.0  # + 0.0: no -0.0 when nothing was withdrawn

    def with_tickers(self, names: Mapping[str, str]) -> Ledger:
        """Return the ledger with tickers renamed (``{"VUSA": "VUSA.L"}``)."""
        if not any(e.ticker in names for e in self.entries):
            return self
        entries = tuple(
            replace(e, ticker=names[e.ticker]) if e.ticker in names else e
            for e in self.entries
        )
        return Ledger(entries, self.currency)

    def to_frame(self) -> pd.DataFrame:
        """Return the entries as a table, one row each, columns as Entry's fields."""
        fields = Entry.__slots__
        return pd.DataFrame(
            {f: [getattr(e, f) for e in self.entries] for f in fields},
            columns=list(fields),
        )

    def external_flows(self) -> pd.Series:
        """Net money into the account per day (deposits +, withdrawals -).

        Returns
        -------
        pd.Series
            Indexed by day (DatetimeIndex, sorted, one row per day with a flow),
            account currency: the signed ledger the money-weighted return and
            the benchmarks are fed.
        """
        rows = [(e.date, e.amount) for e in self.entries if e.kind in EXTERNAL]
        if not rows:
            return pd.Series([], index=pd.DatetimeIndex([]), dtype="float64")
        days, amounts = zip(*rows, strict=True)
        flows = pd.Series(amounts, index=pd.DatetimeIndex(days), dtype="float64")
        return flows.groupby(level=0).sum().sort_index()

    def split_ratios(self) -> dict[str, list[tuple[dt.datetime, float]]]:
        """Each ticker's splits: (time, new shares per old share), by time.

        The split rows of one ticker on one day are one split (its close and
        open rows need not share a second), dated by the first of them.

        Raises
        ------
        HistoryError
            When a split meets no holding, or leaves none.
        """
        groups: dict[tuple[str, dt.date], list[Entry]] = defaultdict(list)
        for e in self.entries:
            if e.kind is Kind.SPLIT:
                groups[(e.ticker, e.date)].append(e)
        out: dict[str, list[tuple[dt.datetime, float]]] = defaultdict(list)
        for (ticker, day), rows in groups.items():
            when = rows[0].time
            before = sum(
                e.shares
                for e in self.entries
                if e.ticker == ticker
                and (e.date < day if e.kind is Kind.SPLIT else e.time < when)
            )
            delta = sum(r.shares for r in rows)
            if before <= 1e-12 or before + delta <= 1e-12:
                raise HistoryError(
                    f"{rows[0].where}: a split of {ticker} changes {before:g} shares "
                    f"by {delta:+g}; expected a holding before and after it (import "
                    "the earlier exports too)"
                )
            out[ticker].append((when, (before + delta) / before))
        return dict(out)

    def basis_shares(self) -> pd.DataFrame:
        """Share changes on the basis of each ticker's latest split.

        Returns
        -------
        pd.DataFrame
            Columns ``time``, ``ticker``, ``shares``: one row per buy, sell or
            other share movement (split rows themselves left out), its shares
            multiplied by the ratios of the splits after it. Summed to a day, these
            times a split-adjusted close give the holding's value.
        """
        ratios = self.split_ratios()
        rows = []
        for e in self.entries:
            if not e.shares or e.kind is Kind.SPLIT:
                continue
            factor = 1.0
            for when, ratio in ratios.get(e.ticker, ()):
                if when > e.time:
                    factor *= ratio
            rows.append((e.time, e.ticker, e.shares * factor))
        return pd.DataFrame(rows, columns=["time", "ticker", "shares"])

    def holdings(self) -> dict[str, float]:
        """Shares held after the last entry, on the latest split's basis.

        Tickers with no shares left (below 1e-9) are left out.
        """
        moves = self.basis_shares()
        if moves.empty:
            return {}
        total = moves.groupby("ticker", sort=False)["shares"].sum()
        return {str(t): float(v) for t, v in total.items() if abs(v) > 1e-9}

    def cash(self) -> float:
        """Cash after the last entry, account currency."""
        return float(np.sum([e.amount for e in self.entries]))
