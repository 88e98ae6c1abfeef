"""The exact fee solve: how much a trade session can put to work after its fees.

Conventions
-----------
- Amounts are in the base currency; ``w`` are target weights (fractions), ``a``
  the current holding value of each slice (or zeros for "new money").
- An *order* in slice ``i`` at level ``x`` (a virtual pie value) is
  ``o_i(x) = w_i * x - a_i``: positive buys, negative sells. Its fee is
  ``prop_i * |o_i| + fixed`` (fees come out of the pie, never on top).
- Every slice has a *role* in the session: ``EXCLUDED`` (0: not traded, e.g. no
  price today, or a skipped sell), ``ACTIVE`` (1: its order is placed and pays
  fees), ``RESERVED`` (2: a buy skipped for ``min_order``; its money stays as cash
  and waits, no fee).
- The session's cash cost ``g(x)`` (order values plus fees, reserved money
  included) is piecewise linear in ``x`` with breakpoints ``a_i / w_i``; the
  level is the ``x`` where ``g(x)`` equals the cash available. The pie then sits
  exactly at ``w * x`` in every active slice, with no cash left (bar reserved
  money): this is DESIGN.md's "trade to w x V' where V' + fees(V') = V".

Three session shapes (``mode``):

- ``TWO_SIDED`` (0): trade every slice to ``w_i * x`` (rebalance to target).
- ``BUY_ONLY`` (1): buy ``max(0, w_i x - a_i)`` (with ``a = 0``: new money at the
  targets; with ``a`` = holdings: the most underweight slices first).
- Sells only (most overweight first) have their own solve,
  :func:`solve_sell_level_nb`, because that cost is decreasing in the amount sold.

Numba's cache does not notice when a callee in another file changes: after
editing this module, delete ``piefolio/engine/__pycache__/*.nb*`` (and the Monte
Carlo module's) before trusting a run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "ACTIVE",
    "BUY_ONLY",
    "DUST",
    "EXCLUDED",
    "RESERVED",
    "TWO_SIDED",
    "plan_orders_nb",
    "session_cost_nb",
    "solve_level_nb",
    "solve_sell_level_nb",
]

#: Relative size under which an amount is float dust, not money: an order of
#: rounding noise, a unit value of a pie that fees ate, a band's margin.
DUST = 1e-12

EXCLUDED = 0
ACTIVE = 1
RESERVED = 2
TWO_SIDED = 0
BUY_ONLY = 1


@njit(cache=True)
def session_cost_nb(x, w, a, prop, fixed, role, mode, tol):  # type: ignore[no-untyped-def]
    """Cash a session costs at level ``x``: orders plus fees plus reserved money.

    Parameters
    ----------
    x : float
        Level (virtual pie value), base currency, ``x >= 0``.
    w, a, prop : ndarray, shape (N,)
        Weights, current values (base currency), proportional fees (fractions).
    fixed : float
        Fixed fee per placed order, base currency.
    role : ndarray of int64, shape (N,)
        ``EXCLUDED``, ``ACTIVE`` or ``RESERVED`` per slice.
    mode : int
        ``TWO_SIDED`` or ``BUY_ONLY``.
    tol : float
        Two-sided orders no larger than this are float dust (two slices both on
        target give ``w * (a / w) - a != 0``): no order, no fee, as
        :func:`plan_orders_nb` treats them. 0 counts every non-zero order.

    Returns
    -------
    float
        ``g(x)``; in ``BUY_ONLY`` a zero-size order pays no fixed fee.
    """
    total = 0.0
    for i in range(w.shape[0]):
        if role[i] == EXCLUDED or w[i] <= 0.0:
            continue
        o = w[i] * x - a[i]
        if role[i] == RESERVED or mode == BUY_ONLY:
            if o > 0.0:
                total += o
                if role[i] == ACTIVE:
                    total += prop[i] * o + fixed
        elif abs(o) > tol:
            total += o + prop[i] * abs(o) + fixed
    return total


@njit(cache=True)
def _new_money_nb(w, a, role):  # type: ignore[no-untyped-def]
    """Whether every traded slice holds nothing yet (all breakpoints at 0)."""
    for i in range(w.shape[0]):
        if role[i] != EXCLUDED and w[i] > 0.0 and a[i] > 0.0 and a[i] / w[i] > 0.0:
            return False
    return True


@njit(cache=True)
def _frictionless_nb(w, prop, role):  # type: ignore[no-untyped-def]
    """Whether every traded slice is active and pays no proportional fee."""
    for i in range(w.shape[0]):
        if role[i] != EXCLUDED and w[i] > 0.0 and (role[i] != ACTIVE or prop[i] != 0.0):
            return False
    return True


@njit(cache=True)
def _new_money_level_nb(w, prop, fixed, role, cash):  # type: ignore[no-untyped-def]
    """:func:`solve_level_nb` of a buy-only session when nothing is held yet.

    Every breakpoint is at 0 and ``g(0) = 0``: the walk would apply them all at
    ``x = 0`` and stop on the one segment. Same sums in the same order, in one
    pass and without sorting.
    """
    if cash < 0.0:
        return -1.0
    slope = 0.0
    gl = 0.0
    for i in range(w.shape[0]):
        if role[i] != EXCLUDED and w[i] > 0.0:
            slope += w[i] * (1.0 + prop[i]) if role[i] == ACTIVE else w[i]
            if role[i] == ACTIVE:
                gl += fixed
    if cash < gl:
        return 0.0
    return (cash - gl) / slope if slope > 0.0 else 0.0


@njit(cache=True)
def _stable_order_nb(keys, m):  # type: ignore[no-untyped-def]
    """Stable ascending order of ``keys[:m]``.

    Insertion sort: a session has a few dozen slices, and it needs none of a
    merge sort's temporaries; past 64 a merge sort takes over. Ties keep their
    index order either way.
    """
    order = np.empty(m, dtype=np.int64)
    if m > 64:
        return _merge_order_nb(keys, m, order)
    for j in range(m):
        k = j
        while k > 0 and keys[order[k - 1]] > keys[j]:
            order[k] = order[k - 1]
            k -= 1
        order[k] = j
    return order


@njit(cache=True)
def _merge_order_nb(keys, m, order):  # type: ignore[no-untyped-def]
    """Stable ascending order of ``keys[:m]`` by a bottom-up merge sort.

    The order ``np.argsort(kind="mergesort")`` gives (a stable order is
    unique), without compiling numpy's sorts: 5 s of a first run.
    """
    for j in range(m):
        order[j] = j
    buf = np.empty(m, dtype=np.int64)
    width = 1
    while width < m:
        for lo in range(0, m, 2 * width):
            mid = min(lo + width, m)
            hi = min(lo + 2 * width, m)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if keys[order[j]] < keys[order[i]]:  # ties: the left one first
                    buf[k] = order[j]
                    j += 1
                else:
                    buf[k] = order[i]
                    i += 1
                k += 1
            while i < mid:
                buf[k] = order[i]
                i += 1
                k += 1
            while j < hi:
                buf[k] = order[j]
                j += 1
                k += 1
        for j in range(m):
            order[j] = buf[j]
        width *= 2
    return order


@njit(cache=True)
def _convex_level_nb(w, a, prop, role, cash):  # type: ignore[no-untyped-def]
    """:func:`solve_level_nb` of a two-sided session without a fixed fee.

    Then every slice's cost (``o + prop |o|`` placed, ``max(o, 0)`` reserved)
    is convex in ``x``, so ``g`` is, and Newton's step from the frictionless
    level (where ``g >= cash``: fees only add) walks down to the crossing
    without sorting: the tangent under a convex ``g`` never steps past it,
    and each step either lands on it or crosses a breakpoint. The last step
    starts in the crossing's segment, so it is the same one division as the
    walk's, from another point of that line (same level to a few ulps).
    Sorting the breakpoints cost three times this whole solve.

    Returns
    -------
    float
        The level, or ``-1.0`` when no placed slice has a weight (the walk
        then decides).
    """
    n = w.shape[0]
    total_w = 0.0
    total_a = 0.0
    placed = False
    for i in range(n):
        if role[i] != EXCLUDED and w[i] > 0.0:
            total_w += w[i]
            total_a += a[i]
            placed |= role[i] == ACTIVE
    if not placed:
        return -1.0
    x = (cash + total_a) / total_w
    above_before = n + 1
    for _ in range(n + 2):
        g = 0.0
        slope = 0.0  # from the left: a slice on its breakpoint sells
        above = 0
        for i in range(n):
            if role[i] == EXCLUDED or w[i] <= 0.0:
                continue
            o = w[i] * x - a[i]
            up = o > 0.0
            above += up
            if role[i] == RESERVED:
                g += o if up else 0.0
                slope += w[i] if up else 0.0
            else:
                g += o + prop[i] * abs(o)
                slope += w[i] * (1.0 + prop[i]) if up else w[i] * (1.0 - prop[i])
        if g <= cash or above == above_before:
            break  # on the crossing (to rounding), or stepped inside its segment
        above_before = above
        x -= (g - cash) / slope
    return x if x > 0.0 else 0.0


@njit(cache=True)
def solve_level_nb(w, a, prop, fixed, role, mode, cash):  # type: ignore[no-untyped-def]
    """Smallest level ``x >= 0`` whose session cost equals ``cash``.

    Walks the breakpoints ``a_i / w_i`` upwards; on each segment ``g`` is linear,
    so the crossing is exact (one division), which is what lets zero fees give
    back ``x = V`` to rounding. In ``BUY_ONLY`` an order that starts at a
    breakpoint adds its fixed fee as a jump; when ``cash`` falls inside the jump
    the order is not affordable and the level stops at the breakpoint, the rest
    staying in cash.

    Parameters
    ----------
    w, a, prop, fixed, role, mode
        As in :func:`session_cost_nb`.
    cash : float
        Money the session may spend (base currency); negative in ``TWO_SIDED``
        when sells must raise it.

    Returns
    -------
    float
        The level, or ``-1.0`` when even ``x = 0`` costs more than ``cash`` (the
        fixed fees of liquidating exceed what there is): then nothing trades.
    """
    if mode == BUY_ONLY and _new_money_nb(w, a, role):
        return _new_money_level_nb(w, prop, fixed, role, cash)
    n = w.shape[0]
    g0 = session_cost_nb(0.0, w, a, prop, fixed, role, mode, 0.0)
    if g0 > cash:
        return -1.0
    if mode == TWO_SIDED and fixed == 0.0 and _frictionless_nb(w, prop, role):
        # No fee and nothing reserved: g(x) = x * sum(w) + g(0) is one line,
        # crossed in one division (the walk would sort to find the same).
        slope = 0.0
        for i in range(w.shape[0]):
            if role[i] == ACTIVE and w[i] > 0.0:
                slope += w[i]
        return (cash - g0) / slope if slope > 0.0 else 0.0
    if mode == TWO_SIDED and fixed == 0.0:
        x = _convex_level_nb(w, a, prop, role, cash)
        if x >= 0.0:
            return x
    bps = np.empty(n)
    idx = np.empty(n, dtype=np.int64)
    m = np.int64(0)  # not a literal: one compiled _stable_order_nb (see _kernels)
    for i in range(n):
        if role[i] != EXCLUDED and w[i] > 0.0:
            bps[m] = a[i] / w[i]
            idx[m] = i
            m += 1
    order = _stable_order_nb(bps, m)
    if mode == TWO_SIDED and fixed > 0.0:
        # g dips by a fixed fee where an order is exactly zero. A level there that
        # pays for itself leaves that slice untouched: prefer it to a nearby
        # level that would trade a sliver just to pay its own fixed fee.
        scale = abs(cash)
        for i in range(n):
            scale += abs(a[i])
        tol = DUST * scale
        for j in range(m):
            g = session_cost_nb(bps[j], w, a, prop, fixed, role, mode, tol)
            if abs(g - cash) <= tol:
                return bps[j]
    # Slope of g just above x = 0 (orders with a breakpoint at 0 included).
    slope = 0.0
    for j in range(m):
        i = idx[j]
        above = bps[j] <= 0.0
        if role[i] == RESERVED or mode == BUY_ONLY:
            if above:
                slope += w[i] * (1.0 + prop[i]) if role[i] == ACTIVE else w[i]
        else:
            slope += w[i] * (1.0 + prop[i]) if above else w[i] * (1.0 - prop[i])
    # Walk the breakpoints upwards, carrying g and its slope: on each segment g
    # is linear, so the crossing is one division. At a breakpoint a buy-only
    # order starts and its fixed fee is a jump; in two-sided mode g is
    # continuous either side of the (point) dip.
    lo = 0.0
    gl = g0
    k = 0
    while True:
        # Apply every breakpoint at lo: slope changes and fixed-fee jumps.
        while k < m and bps[order[k]] <= lo:
            i = idx[order[k]]
            if lo > 0.0:
                if role[i] == RESERVED:
                    slope += w[i]
                elif mode == BUY_ONLY:
                    slope += w[i] * (1.0 + prop[i])
                else:
                    slope += 2.0 * w[i] * prop[i]
            if role[i] == ACTIVE:
                gl += fixed  # zero at lo, an order (with its fee) just above
            k += 1
        if cash < gl:
            return lo  # inside a fixed-fee jump: that order is not affordable
        if k >= m:
            return lo + (cash - gl) / slope if slope > 0.0 else lo
        hi = bps[order[k]]
        g_hi = gl + slope * (hi - lo)
        if slope > 0.0 and g_hi >= cash:
            return lo + (cash - gl) / slope
        lo = hi
        gl = g_hi
        if mode == TWO_SIDED:
            # Left limit at hi, minus the fees of orders that are zero there,
            # which the loop above adds back for just above hi.
            for j in range(k, m):
                if bps[order[j]] > hi:
                    break
                if role[idx[order[j]]] == ACTIVE:
                    gl -= fixed


@njit(cache=True)
def solve_sell_level_nb(w, a, prop, fixed, role, need):  # type: ignore[no-untyped-def]
    """Largest level ``x`` at which selling the slices above ``w_i x`` nets ``need``.

    Sells ``a_i - w_i x`` of every active slice with ``a_i > w_i x`` (the most
    overweight first, as the level comes down) so that the proceeds after fees
    equal ``need``.

    Parameters
    ----------
    w, a, prop, fixed, role
        As in :func:`session_cost_nb` (``RESERVED`` is not used here).
    need : float
        Cash to raise, base currency, ``need > 0``.

    Returns
    -------
    float
        The level, or ``-1.0`` when selling everything does not raise ``need``.
    """
    n = w.shape[0]
    bps = np.empty(n)
    m = np.int64(0)  # not a literal: one compiled _stable_order_nb (see _kernels)
    for i in range(n):
        if role[i] == ACTIVE and w[i] > 0.0 and a[i] > 0.0:
            bps[m] = a[i] / w[i]
            m += 1
    order = _stable_order_nb(bps, m)  # ascending; not np.sort: see there
    ascending = np.empty(m)
    for k in range(m):
        ascending[k] = bps[order[k]]
    bps = ascending
    # Walk down: on (lo, hi) the sells are the slices with a breakpoint >= hi.
    for k in range(m - 1, -1, -1):
        hi = bps[k]
        lo = bps[k - 1] if k > 0 else 0.0
        if lo == hi:
            continue
        g_hi = 0.0
        slope = 0.0
        for i in range(n):
            if role[i] == ACTIVE and w[i] > 0.0 and a[i] > 0.0 and a[i] / w[i] >= hi:
                g_hi += (w[i] * hi - a[i]) * (1.0 - prop[i]) + fixed
                slope += w[i] * (1.0 - prop[i])
        g_lo = g_hi - slope * (hi - lo)
        if g_lo <= -need:
            return hi - (g_hi + need) / slope
    return -1.0


@njit(cache=True)
def plan_orders_nb(  # type: ignore[no-untyped-def]
    w, a, prop, fixed, min_order, role, mode, cash, orders, skipped
):
    """Orders of one session, with orders under ``min_order`` skipped.

    Solves the level, then moves every active order smaller than ``min_order`` out
    of the session (a buy becomes ``RESERVED``: its money waits as cash; a sell
    becomes ``EXCLUDED``: the slice keeps its holding) and solves again. Slices
    only ever leave, so this ends within N rounds.

    Parameters
    ----------
    w, a, prop, fixed, role, mode, cash
        As in :func:`solve_level_nb`; ``role`` is updated in place.
    min_order : float
        Smallest order placed, base currency.
    orders : ndarray, shape (N,)
        Output: order value per slice (0 where none), base currency.
    skipped : ndarray, shape (N,)
        Output: value of each skipped order (0 where none), for the ledger.

    Returns
    -------
    float
        The level, or ``-1.0`` when nothing can trade.
    """
    n = w.shape[0]
    scale = abs(cash)
    for i in range(n):
        scale += abs(a[i])
        orders[i] = 0.0
        skipped[i] = 0.0
    # New money (a buy-only session where nothing traded is held yet) stays new
    # money as slices leave the session: decide it once.
    fresh = mode == BUY_ONLY and _new_money_nb(w, a, role)
    # Orders this small are rounding noise, not decisions: never placed, never
    # reported, so that "already on target" costs no fixed fee.
    tol = DUST * scale
    x = -1.0
    for _ in range(n + 1):
        if fresh:  # no scratch arrays: most sessions are deposits of new money
            x = _new_money_level_nb(w, prop, fixed, role, cash)
        else:
            x = solve_level_nb(w, a, prop, fixed, role, mode, cash)
        if x < 0.0:
            return -1.0
        # Orders at this level; a round that moves no slice out is the last,
        # and its orders stand.
        changed = False
        for i in range(n):
            if role[i] != ACTIVE or w[i] <= 0.0:
                continue
            o = w[i] * x - a[i]
            if mode == BUY_ONLY and o <= 0.0:
                orders[i] = 0.0
                continue
            if abs(o) <= tol:
                role[i] = RESERVED
                changed = True
                o = 0.0
            elif abs(o) < min_order:
                skipped[i] = o
                role[i] = RESERVED if o > 0.0 else EXCLUDED
                changed = True
                o = 0.0
            orders[i] = o
        if not changed:
            break
    return x
