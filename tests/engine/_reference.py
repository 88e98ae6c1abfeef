"""A slow, obvious reference of the engine's daily mechanics, in plain Python.

Written from DESIGN.md's "Engine semantics" and the engine's documented choices
(withdrawals use idle cash first, then sell pro rata; new money at the targets
spends all idle cash; threshold drift is measured after the day's deposit), with
none of the kernel's tricks: the fee solve is a bisection on the level ``x``
(``sum(orders) + fees == cash``), loops run over Python lists, no early exits.

Scope: no minimum order (``min_order = 0``), no NaN prices, dividends inside the
prices. The schedules (which days get deposits, withdrawals, calendar
rebalances) come from :func:`piefolio.engine.prepare_inputs`; they have their own
tests.
"""

from __future__ import annotations

from dataclasses import dataclass

NONE, CALENDAR, THRESHOLD, DEPOSITS = 0, 1, 2, 3


@dataclass
class Day:
    nav: float
    cash: float
    unit_value: float


def _cost(x: float, w: list[float], a: list[float], prop: list[float], fixed: float,
          two_sided: bool, tol: float = 0.0) -> float:  # fmt: skip
    """Cash a session costs at level x: order values plus their fees.

    An order within ``tol`` of zero is float dust, not an order: no fee.
    """
    total = 0.0
    for wi, ai, pi in zip(w, a, prop, strict=True):
        o = wi * x - ai
        if not two_sided and o <= 0:
            continue
        if abs(o) > tol:
            total += o + pi * abs(o) + fixed
    return total


def _level(w: list[float], a: list[float], prop: list[float], fixed: float,
           two_sided: bool, cash: float) -> float | None:  # fmt: skip
    """Smallest x >= 0 where the session spends exactly ``cash`` (bisection)."""
    if _cost(0.0, w, a, prop, fixed, two_sided) > cash:
        return None
    if two_sided and fixed > 0:
        # A level where an order is exactly zero and the rest pay for themselves
        # leaves that slice alone: better than selling a sliver to pay its fee.
        scale = abs(cash) + sum(a)
        tol = 1e-12 * scale
        for wi, ai in zip(w, a, strict=True):
            if (
                wi > 0
                and abs(_cost(ai / wi, w, a, prop, fixed, True, tol) - cash) <= tol
            ):
                return ai / wi
    hi = 1.0 + cash + sum(a)
    while _cost(hi, w, a, prop, fixed, two_sided) < cash:
        hi *= 2
    lo = 0.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if _cost(mid, w, a, prop, fixed, two_sided) <= cash:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return lo


def _trade(orders: list[float], shares: list[float], price: list[float],
           prop: list[float], fixed: float, cash: float, cap_fee: bool) -> tuple[float, float]:  # fmt: skip
    """Sells first, then buys; fees out of cash. Returns (cash, fees)."""
    fees = 0.0
    for selling in (True, False):
        for i, o in enumerate(orders):
            if o == 0 or (o < 0) != selling:
                continue
            held = shares[i] * price[i]
            new = 0.0 if o < 0 and -o >= held else max(shares[i] + o / price[i], 0.0)
            value = (new - shares[i]) * price[i]
            fee = prop[i] * abs(o) + fixed
            if cap_fee:
                fee = min(fee, abs(value))
            shares[i] = new
            cash -= value + fee
            fees += fee
    return cash, fees


def run(close: list[list[float]], days: list[int], rate: list[float],
        deposit: list[float], withdraw: list[float], rebal: list[bool],
        w: list[float], prop: list[float], fixed: float, policy: int,
        band: float) -> tuple[list[Day], float]:  # fmt: skip
    """Run one pie; returns each day's (NAV, cash, unit value) and total fees."""
    n = len(w)
    shares = [0.0] * n
    cash = 0.0
    units = 0.0
    uv = 1.0
    fees = 0.0
    out = []
    for t, price in enumerate(close):
        if t > 0 and cash > 0 and days[t] > 0 and rate[t] != 0:
            cash *= (1 + rate[t]) ** (days[t] / 365)
        hold = [s * p for s, p in zip(shares, price, strict=True)]
        dep = deposit[t]
        cash += dep
        paid = 0.0
        if withdraw[t] > 0:
            if cash < withdraw[t]:
                need = withdraw[t] - cash
                active = [i for i in range(n) if hold[i] > 0]
                net = sum(hold[i] * (1 - prop[i]) for i in active)
                frac = (need + fixed * len(active)) / net if net > 0 else 1.0
                emptied = frac >= 1
                orders = [-(hold[i] if emptied else frac * hold[i]) if i in active
                          else 0.0 for i in range(n)]  # fmt: skip
                cash, f = _trade(orders, shares, price, prop, fixed, cash, emptied)
                fees += f
                hold = [s * p for s, p in zip(shares, price, strict=True)]
            paid = min(withdraw[t], cash)
            cash = max(cash - paid, 0.0)
        orders = [0.0] * n
        traded = False
        if policy == CALENDAR and rebal[t]:
            traded = True
            x = _level(w, hold, prop, fixed, True, cash)
            if x is None:
                traded = False
            else:
                orders = [wi * x - ai for wi, ai in zip(w, hold, strict=True)]
        elif dep > 0 and cash > 0:
            base = hold if policy == DEPOSITS else [0.0] * n
            x = _level(w, base, prop, fixed, False, cash)
            if x is not None:
                traded = True
                orders = [max(wi * x - bi, 0.0) for wi, bi in zip(w, base, strict=True)]
        if policy == THRESHOLD:
            value = cash + sum(hold)
            if value > 0:
                post = value - sum(
                    prop[i] * o + fixed for i, o in enumerate(orders) if o
                )
                # As the kernel: fees that eat the whole pie leave no drift to
                # measure (post == 0).
                drift = (
                    max(abs((hold[i] + orders[i]) / post - w[i]) for i in range(n))
                    if post > 0
                    else 0.0
                )
                if drift > band:
                    x = _level(w, hold, prop, fixed, True, cash)
                    if x is not None:
                        traded = True
                        orders = [wi * x - ai for wi, ai in zip(w, hold, strict=True)]
        if traded:
            scale = abs(cash) + sum(hold)
            orders = [0.0 if abs(o) <= 1e-12 * scale else o for o in orders]
            cash, f = _trade(orders, shares, price, prop, fixed, cash, False)
            fees += f
            cash = max(cash, 0.0)
        value = cash + sum(s * p for s, p in zip(shares, price, strict=True))
        flow = dep - paid
        if units > 0 and (value - flow) / units > 1e-12 * uv:  # dust is empty
            uv = (value - flow) / units
            if flow != 0:  # units change only with money in or out
                units = value / uv
        else:
            units = value / uv
        out.append(Day(value, cash, uv))
    return out, fees
