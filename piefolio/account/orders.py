"""The orders for the next deposit: by the targets, or to the most underweight first.

Conventions
-----------
- Money in the base currency, handled in whole cents: every order's ``amount``
  (what buys shares) plus its ``fee`` (the FX fee on a foreign slice, and any
  commission or spread), summed over the orders, plus ``left_in_cash`` is exactly
  the deposit. Nothing is ever sold.
- ``targets``: each slice gets ``deposit x target``. ``balance`` (Trading 212's
  self-balancing, M1's dynamic rebalancing): the deposit fills the slices with the
  lowest ``value / target`` first, raising them together toward one level, so
  drift shrinks without a sale.
- Fees come out of a slice's share of the deposit, as the engine takes them:
  ``amount = share / (1 + fee rate)``.
- An order whose ``amount`` is below ``min_order`` is not placed: its money waits
  in cash (``waiting`` names them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from piefolio.errors import PlanError
from piefolio.spec import MAX_AMOUNT
from piefolio.typing import FloatArray, IntArray

if TYPE_CHECKING:
    from piefolio.data.store import Store
    from piefolio.spec import PieSpec

__all__ = [
    "Holdings",
    "Mode",
    "NextOrders",
    "Order",
    "current_holdings",
    "next_orders",
]


class Mode(StrEnum):
    """How a deposit is split among the slices."""

    TARGETS = "targets"
    BALANCE = "balance"


@dataclass(frozen=True, slots=True)
class Order:
    """One buy of the next deposit.

    ``amount`` buys shares, ``fee`` is paid on top out of the deposit (``fx_fee``
    of it for the currency exchange); ``weight`` and ``target`` are the slice's
    share of the invested value before the deposit and its target (fractions).
    """

    ticker: str
    amount: float
    fee: float
    fx_fee: float
    weight: float
    target: float


@dataclass(frozen=True, slots=True)
class Holdings:
    """What a pie holds now, the start of the next deposit's orders.

    ``values`` per ticker in the base currency; ``foreign`` marks tickers that
    pay the FX fee; ``source`` is ``history`` (the real account) or ``backtest``
    (the plan's last day), ``as_of`` the day valued.
    """

    values: Mapping[str, float]
    foreign: Mapping[str, bool]
    source: str
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class NextOrders:
    """The orders of one deposit.

    Attributes
    ----------
    deposit : float
        The money to split (base currency).
    mode : Mode
    currency : str
    orders : tuple of Order
        Placed orders, the most underweight (balance) or largest target
        (targets) first.
    waiting : tuple of (ticker, money)
        Slices whose order fell under the minimum; their money waits in cash.
    left_in_cash : float
        Money not placed: the waiting orders' share of the deposit.
    min_order : float
    source : str
        ``history`` or ``backtest``: where the holdings came from.
    """

    deposit: float
    mode: Mode
    currency: str
    orders: tuple[Order, ...]
    waiting: tuple[tuple[str, float], ...]
    left_in_cash: float
    min_order: float
    source: str

    @property
    def fees(self) -> float:
        """All the fees of the placed orders."""
        return round(sum(o.fee for o in self.orders), 2)


def _cents(shares: FloatArray, total: int) -> IntArray:
    """Round money to whole cents that sum to ``total`` (largest remainder)."""
    floor: IntArray = np.floor(shares).astype(np.int64)
    short = int(total - floor.sum())
    if short > 0:
        order = np.argsort(-(shares - floor), kind="stable")
        floor[order[:short]] += 1
    return floor


def _balance(values: FloatArray, targets: FloatArray, deposit: float) -> FloatArray:
    """Water-fill: raise the lowest value/target toward one level with the money."""
    held = targets > 0
    ratio = np.where(held, values / np.where(held, targets, 1.0), np.inf)
    order = np.argsort(ratio, kind="stable")
    out = np.zeros_like(values)
    left = deposit
    w_sum = 0.0
    v_sum = 0.0
    level = 0.0
    for k, i in enumerate(order):
        if not held[i]:
            break
        w_sum += targets[i]
        v_sum += values[i]
        nxt = ratio[order[k + 1]] if k + 1 < len(order) else np.inf
        # Money to raise the k+1 lowest slices to the next one's level.
        need = nxt * w_sum - v_sum if np.isfinite(nxt) else np.inf
        if need >= left:
            level = (left + v_sum) / w_sum
            break
    fill = order[: k + 1]
    out[fill] = np.maximum(level * targets[fill] - values[fill], 0.0)
    total = out.sum()
    return out * (deposit / total) if total > 0 else out


def next_orders(
    spec: PieSpec,
    holdings: Holdings,
    amount: float,
    *,
    mode: Mode | str = Mode.TARGETS,
) -> NextOrders:
    """Split the next deposit into orders that never sell.

    Parameters
    ----------
    spec : PieSpec
        Targets (effective weights), fees (``fx_pct``, commission, spread) and
        ``min_order`` of its plan.
    holdings : Holdings
        Values held now (:func:`current_holdings`).
    amount : float
        The deposit, base currency, > 0 (rounded to cents).
    mode : Mode or {"targets", "balance"}

    Returns
    -------
    NextOrders

    Raises
    ------
    PlanError
        A deposit that is not a positive amount, or an unknown mode.
    """
    try:
        how = Mode(mode)
    except ValueError:
        raise PlanError(
            f"mode {mode!r}: expected one of {', '.join(m.value for m in Mode)}"
        ) from None
    # NaN and inf first: round() of them raises.
    if not 0.01 <= amount <= MAX_AMOUNT:
        raise PlanError(
            f"amount {amount!r}: expected a deposit of at least 0.01 and at most "
            f"{MAX_AMOUNT:g}"
        )
    total = round(float(amount) * 100)
    targets = spec.pie.effective_weights()
    tickers = list(targets)
    w = np.array([targets[t] for t in tickers])
    v = np.array([max(float(holdings.values.get(t, 0.0)), 0.0) for t in tickers])
    fees = spec.plan.fees
    fx = np.array(
        [fees.fx_pct / 100 if holdings.foreign.get(t) else 0.0 for t in tickers]
    )
    rate = fees.proportional + fx
    share = w * (total / 100) if how is Mode.TARGETS else _balance(v, w, total / 100)
    gross = _cents(share * 100, total)
    net = np.round(gross / (1.0 + rate)).astype(np.int64)
    fee = gross - net
    fx_cents = np.round(
        fee * np.divide(fx, rate, out=np.zeros_like(fx), where=rate > 0)
    )
    minimum = round(fees.min_order * 100)
    invested = v.sum()
    weight = v / invested if invested > 0 else np.zeros_like(v)
    placed: list[Order] = []
    waiting: list[tuple[str, float]] = []
    left = 0
    rank = (
        np.argsort(-w, kind="stable")
        if how is Mode.TARGETS
        else np.argsort(
            np.where(w > 0, v / np.where(w > 0, w, 1), np.inf), kind="stable"
        )
    )
    for i in rank:
        if gross[i] == 0:
            continue
        if net[i] < minimum or net[i] <= 0:
            waiting.append((tickers[i], gross[i] / 100))
            left += int(gross[i])
            continue
        placed.append(
            Order(
                ticker=tickers[i],
                amount=net[i] / 100,
                fee=fee[i] / 100,
                fx_fee=float(fx_cents[i]) / 100,
                weight=float(weight[i]),
                target=float(w[i]),
            )
        )
    return NextOrders(
        deposit=total / 100,
        mode=how,
        currency=spec.pie.currency,
        orders=tuple(placed),
        waiting=tuple(waiting),
        left_in_cash=left / 100,
        min_order=fees.min_order,
        source=holdings.source,
    )


def current_holdings(
    spec: PieSpec, *, store: Store | None = None, offline: bool = False
) -> Holdings:
    """Return what the pie holds now: the history's last day, else the backtest's.

    Parameters
    ----------
    spec : PieSpec
    store : Store, optional
        Default: the user's store (its ledger and its prices).
    offline : bool
        Stored prices only.

    Returns
    -------
    Holdings
    """
    from piefolio.account.actual import value_ledger
    from piefolio.account.prices import account_frame, match_tickers
    from piefolio.account.table import read_ledger
    from piefolio.data.store import Store

    store = store or Store()
    ledger = read_ledger(store)
    if len(ledger):
        frame = account_frame(spec, ledger, store=store, offline=offline)
        ledger = ledger.with_tickers(match_tickers(ledger, spec))
        valued = value_ledger(ledger, frame)
        last = valued.values.iloc[-1]
        foreign = dict(zip(frame.symbols, map(bool, frame.fx_mask), strict=True))
        return Holdings(
            values={str(t): float(x) for t, x in last.items()},
            foreign=foreign,
            source="history",
            as_of=valued.nav.index[-1].date(),
        )
    from piefolio.backtest import backtest

    bt = backtest(spec, store=store, offline=offline)
    pie = bt.pie
    values = pie.weights.iloc[-1] * float(pie.nav.iloc[-1])
    return Holdings(
        values={str(t): float(x) for t, x in values.items()},
        foreign={
            str(s): bool(f)
            for s, f in zip(bt.frame.symbols, bt.frame.fx_mask, strict=True)
        },
        source="backtest",
        as_of=pie.dates[-1].date(),
    )
