"""A block of Monte Carlo paths through one day: each path at its own prices.

The batch kernel's day helpers (:mod:`piefolio.engine._batch`) step a block of
pies that share one price row; here every path of the block has its own, so
the day's prices are a (N, B) array ``px`` like the shares, and the loops over
the block's paths stay innermost and contiguous. Every path sums in the order
of a single run (:func:`~piefolio.engine._kernels.simulate_pie_nb` of its
closes), so its numbers are that run's to the bit. A path for which the day is
not that simple is marked in ``full`` and left untouched, for the full day of
:mod:`piefolio.engine._day`.

The paths of a series share their targets ``tg`` (N,): every slice of a path
has a price from day 0 on, so the targets in force are the plan's. Only what a
path's NAV depends on is kept: shares, cash and the day's value (the unit
value and the flow totals are left to the full day's scratch).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from piefolio.engine._solve import ACTIVE, DUST, EXCLUDED, RESERVED, _convex_level_nb
from piefolio.engine._steps import POLICY_THRESHOLD, _drifted_nb

__all__ = ["PathBlock", "PathScratch"]

#: A block of paths of one series: shares sh and the day's prices px (N, B);
#: targets tg (N,); cash c_, the day's value, grown cash, held value and band
#: margin near (B,); alarm and full (B,) bool; one path's hold and tgt (N,)
#: scratch.
PathBlock = namedtuple(
    "PathBlock", "sh px tg c_ value grown held near alarm full hold tgt"
)

#: A block's trading-day scratch: orders (N, B); cash, the level x, g0 (the
#: session's cost at 0, or the NAV after the buy's fees), scale (plan_orders'
#: scale, or the fixed fees) (B,); active, reserved (N, B) bool and changed
#: (B,) bool of the buy's rounds; one path's breakpoints bps (N,), their
#: slices idx, stable order and roles (N,) int64 for the walk; the convex
#: step's cost g and slope (B,), slices above their breakpoint now and
#: before (B,) int64, and done (B,) bool.
PathScratch = namedtuple(
    "PathScratch",
    "orders cash x g0 scale active reserved changed bps idx order role "
    "g slope above before done",
)


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _quiet_paths_nb(q, m, policy, band, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a quiet day: interest, value, the band.

    ``_batch._quiet_day_nb`` at each path's own prices: the interest factor
    ``f`` of the day (``accrue``: it applies) is shared; branches are
    selects. A path whose band is broken is marked in ``full``, its cash left
    as it was, for the full day.
    """
    sh, px, tg, c_, value, grown, held, near, alarm, full, hold, tgt = q
    n = sh.shape[0]
    mu = np.uintp(m)
    for j in range(mu):
        held[j] = 0.0
    for i in range(n):
        for j in range(mu):
            held[j] += sh[i, j] * px[i, j]
    for j in range(mu):
        c = c_[j]
        grown[j] = c * f if accrue & (c > 0.0) else c
        value[j] = grown[j] + held[j]
        full[j] = False
    if policy == POLICY_THRESHOLD:
        # The band without divisions first, as a quiet run checks it.
        any_alarm = False
        for j in range(mu):
            v = value[j]
            near[j] = (band - DUST) * v if v > 0.0 else np.inf
            alarm[j] = (v > 0.0) & (near[j] <= 0.0)
        for i in range(n):
            w = tg[i]
            for j in range(mu):
                alarm[j] |= abs(sh[i, j] * px[i, j] - w * value[j]) >= near[j]
        for j in range(mu):
            any_alarm |= alarm[j]
        if any_alarm:
            for j in range(m):
                if alarm[j]:
                    for i in range(n):
                        hold[i] = sh[i, j] * px[i, j]
                        tgt[i] = tg[i]
                    full[j] = _drifted_nb(hold, value[j], tgt, band)
    for j in range(mu):
        c_[j] = c_[j] if full[j] else grown[j]


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _walk_nb(q, r, j, prop, cash):  # type: ignore[no-untyped-def]
    """Path ``j``'s level of a two-sided session without fixed fees, or -1.

    :func:`~piefolio.engine._solve.solve_level_nb` in ``TWO_SIDED`` mode with
    ``fixed == 0`` (its dip test and fixed-fee jumps are then no-ops), the
    slices' roles in ``r.role``: the same cost at 0, the same frictionless
    line, then the solve's own convex step (``_convex_level_nb``, called, not
    copied) and, where it declines, the same breakpoints in the same stable
    order walked with the same sums, so the same level to the bit; the
    scratch is the block's, where the solve allocates three arrays per call.
    """
    sh, px, tg = q.sh, q.px, q.tg
    bps, idx, order, role = r.bps, r.idx, r.order, r.role
    n = sh.shape[0]
    # session_cost_nb at 0; _frictionless_nb.
    g0 = 0.0
    free = True
    for i in range(n):
        w = tg[i]
        if role[i] == EXCLUDED or w <= 0.0:
            continue
        free &= (role[i] == ACTIVE) & (prop[i] == 0.0)
        o = w * 0.0 - sh[i, j] * px[i, j]
        if role[i] == RESERVED:
            if o > 0.0:
                g0 += o
        elif abs(o) > 0.0:
            g0 += o + prop[i] * abs(o) + 0.0
    if g0 > cash:
        return -1.0
    if free:
        slope = 0.0
        for i in range(n):
            if role[i] == ACTIVE and tg[i] > 0.0:
                slope += tg[i]
        return (cash - g0) / slope if slope > 0.0 else 0.0
    # The solve's convex step (its own code, so its own bits), on the path's
    # holdings; bps is only scratch here, the walk below refills it.
    for i in range(n):
        bps[i] = sh[i, j] * px[i, j]
    x = _convex_level_nb(tg, bps, prop, role, cash)
    if x >= 0.0:
        return x
    m = 0
    for i in range(n):
        if role[i] != EXCLUDED and tg[i] > 0.0:
            bps[m] = sh[i, j] * px[i, j] / tg[i]
            idx[m] = i
            m += 1
    # _stable_order_nb: insertion sort, ties in index order.
    for k in range(m):
        at = k
        while at > 0 and bps[order[at - 1]] > bps[k]:
            order[at] = order[at - 1]
            at -= 1
        order[at] = k
    slope = 0.0
    for k in range(m):
        i = idx[k]
        w = tg[i]
        above = bps[k] <= 0.0
        if role[i] == RESERVED:
            slope += w if above else 0.0
        else:
            slope += w * (1.0 + prop[i]) if above else w * (1.0 - prop[i])
    lo = 0.0
    gl = g0
    k = 0
    while True:
        while k < m and bps[order[k]] <= lo:
            i = idx[order[k]]
            if lo > 0.0:
                if role[i] == RESERVED:
                    slope += tg[i]
                else:
                    slope += 2.0 * tg[i] * prop[i]
            k += 1
        if cash < gl:
            return lo
        if k >= m:
            return lo + (cash - gl) / slope if slope > 0.0 else lo
        hi = bps[order[k]]
        g_hi = gl + slope * (hi - lo)
        if slope > 0.0 and g_hi >= cash:
            return lo + (cash - gl) / slope
        lo = hi
        gl = g_hi


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _convex_paths_nb(q, r, m, prop):  # type: ignore[no-untyped-def]
    """Every path's level of a two-sided session without fixed fees, into ``r.x``.

    :func:`~piefolio.engine._solve._convex_level_nb` for all the block's
    paths at once, with every slice of a positive target placed (a
    rebalance's first round): the same sums in the same order and the same
    Newton steps per path, each path stopping where the solve's loop would
    break (its ``x`` then frozen), so the same level to the bit. The loops
    over the paths are innermost and branch-free; the solve per path was 70 %
    of a Monte Carlo with FX fees. Paths marked in ``full`` are skipped.
    """
    sh, px, tg, full = q.sh, q.px, q.tg, q.full
    cash, x, g, slope, above, before, done = (
        r.cash, r.x, r.g, r.slope, r.above, r.before, r.done
    )  # fmt: skip
    n = sh.shape[0]
    mu = np.uintp(m)
    total_w = 0.0
    for i in range(n):
        if tg[i] > 0.0:
            total_w += tg[i]
    for j in range(mu):
        g[j] = 0.0  # the holdings' total first
    for i in range(n):
        if tg[i] > 0.0:
            for j in range(mu):
                g[j] += sh[i, j] * px[i, j]
    for j in range(mu):
        x[j] = (cash[j] + g[j]) / total_w
        before[j] = n + 1
        done[j] = full[j]
    for _ in range(n + 2):
        for j in range(mu):
            g[j] = 0.0
            slope[j] = 0.0
            above[j] = 0
        for i in range(n):
            w = tg[i]
            if w <= 0.0:
                continue
            pr = prop[i]
            up_slope = w * (1.0 + pr)
            down_slope = w * (1.0 - pr)
            for j in range(mu):
                o = w * x[j] - sh[i, j] * px[i, j]
                up = o > 0.0
                above[j] += up
                g[j] += o + pr * abs(o)
                slope[j] += up_slope if up else down_slope
        more = False
        for j in range(mu):
            stop = done[j] | (g[j] <= cash[j]) | (above[j] == before[j])
            done[j] = stop
            before[j] = before[j] if stop else above[j]
            x[j] = x[j] if stop else x[j] - (g[j] - cash[j]) / slope[j]
            more |= not stop
        if not more:
            break
    for j in range(mu):
        x[j] = x[j] if x[j] > 0.0 else 0.0


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _plan_path_nb(q, r, j, prop, min_order, cash, tol):  # type: ignore[no-untyped-def]
    """Path ``j``'s two-sided orders without fixed fees, into ``r.orders[:, j]``.

    :func:`~piefolio.engine._solve.plan_orders_nb`'s rounds with
    :func:`_walk_nb` for the level: an order within ``tol`` of nothing or
    under ``min_order`` leaves the session (a buy's money waits, a sell is
    not made) and the level is solved again. Returns the level, or -1 when
    the session cannot be paid for (nothing trades).
    """
    sh, px, tg = q.sh, q.px, q.tg
    orders, role = r.orders, r.role
    n = sh.shape[0]
    for i in range(n):
        role[i] = ACTIVE if tg[i] > 0.0 else EXCLUDED
        orders[i, j] = 0.0
    x = -1.0
    for _ in range(n + 1):
        x = _walk_nb(q, r, j, prop, cash)
        if x < 0.0:
            return -1.0
        changed = False
        for i in range(n):
            w = tg[i]
            if role[i] != ACTIVE or w <= 0.0:
                continue
            o = w * x - sh[i, j] * px[i, j]
            if abs(o) <= tol:
                role[i] = RESERVED
                changed = True
                o = 0.0
            elif abs(o) < min_order:
                role[i] = RESERVED if o > 0.0 else EXCLUDED
                changed = True
                o = 0.0
            orders[i, j] = o
        if not changed:
            break
    return x


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _rebalance_paths_nb(q, r, m, plan, prop, dep, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a plain calendar rebalance day without fixed fees.

    ``_batch._rebalance_day_nb`` at each path's own prices, with proportional
    fees: interest, the deposit, a two-sided session to ``w x`` (the level of
    ``solve_level_nb``: its frictionless line when no slice pays a fee, else
    its convex step, for all paths at once: :func:`_convex_paths_nb`), sells
    before buys, fees out of cash, the NAV. A path with an order under
    ``min_order`` or within float dust of nothing (whose solve goes another
    round) has its session planned path by path by :func:`_plan_path_nb`,
    ``plan_orders_nb``'s rounds, as the full day would; one that cannot pay
    for the session is marked in ``full`` and left untouched.
    """
    sh, px, tg, c_, value, grown, held, _near, _alarm, full, _hold, _tgt = q
    orders, cash, x, g0, scale = r.orders, r.cash, r.x, r.g0, r.scale
    small = r.changed
    fixed, min_order = plan.fixed, plan.min_order
    n = sh.shape[0]
    mu = np.uintp(m)
    # The frictionless line's slope; whether it applies.
    slope = 0.0
    free = True
    for i in range(n):
        if tg[i] > 0.0:
            slope += tg[i]
            free &= prop[i] == 0.0
    # (1) interest, (3) the deposit.
    for j in range(mu):
        c = c_[j]
        g = c * f if accrue & (c > 0.0) else c
        grown[j] = g
        cash[j] = g + dep
        held[j] = 0.0
        scale[j] = abs(cash[j])
        g0[j] = 0.0
    # The holdings; plan_orders_nb's scale; the session's cost at level 0.
    for i in range(n):
        w = tg[i]
        pr = prop[i]
        for j in range(mu):
            a = sh[i, j] * px[i, j]
            held[j] += a
            scale[j] += abs(a)
            o = w * 0.0 - a
            g0[j] += o + pr * abs(o) + fixed if (w > 0.0) & (abs(o) > 0.0) else 0.0
    for j in range(mu):
        value[j] = cash[j] + held[j]  # NAV before trading
        full[j] = g0[j] > cash[j]
        small[j] = False
        x[j] = (cash[j] - g0[j]) / slope if slope > 0.0 else 0.0
    if not free:
        _convex_paths_nb(q, r, m, prop)
    # (4) The orders; a small one sends the path through another round.
    for i in range(n):
        w = tg[i]
        act = w > 0.0
        for j in range(mu):
            o = w * x[j] - sh[i, j] * px[i, j]
            small[j] |= act & ((abs(o) <= DUST * scale[j]) | (abs(o) < min_order))
            orders[i, j] = o if act else 0.0
    # A small order: the solve's rounds, path by path.
    for j in range(m):
        if small[j] and not full[j]:
            level = _plan_path_nb(q, r, j, prop, min_order, cash[j], DUST * scale[j])
            full[j] = level < 0.0
    # _execute_nb: sells, then buys, slice by slice.
    for side in range(2):
        for i in range(n):
            pr = prop[i]
            for j in range(mu):
                p = px[i, j]
                o = orders[i, j]
                sell = o < 0.0
                live = (o != 0.0) & (sell if side == 0 else o > 0.0) & (not full[j])
                s = sh[i, j]
                new = 0.0 if sell & (-o >= s * p) else s + o / p
                new = 0.0 if new < 0.0 else new
                qty = new - s
                paid = pr * abs(o) + fixed
                sh[i, j] = new if live else s
                cash[j] -= qty * p + paid if live else 0.0
    # (5) NAV.
    for j in range(mu):
        cash[j] = 0.0 if cash[j] < 0.0 else cash[j]
        held[j] = cash[j]
    for i in range(n):
        for j in range(mu):
            s = sh[i, j]
            held[j] += s * px[i, j] if s > 0.0 else 0.0
    for j in range(mu):
        keep = not full[j]
        c_[j] = cash[j] if keep else c_[j]
        value[j] = held[j] if keep else value[j]


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _deposit_paths_nb(q, r, m, plan, prop, dep, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a plain deposit day: interest, deposit, buy-only.

    ``_batch._deposit_day_nb`` at each path's own prices: the deposit bought
    at the targets as new money (no withdrawal, no calendar rebalance, not
    the deposits policy), round by round as plan_orders_nb solves it, then
    (threshold) the band after the buy. A path for which the day is not that
    simple (its roles still changing after N + 1 rounds; a band broken after
    the buy) is marked in ``full`` and left untouched.
    """
    sh, px, tg, c_, value, grown, held, near, alarm, full, hold, tgt = q
    orders, cash, x, post, gl = r.orders, r.cash, r.x, r.g0, r.scale
    active, reserved, changed = r.active, r.reserved, r.changed
    fixed, min_order, band = plan.fixed, plan.min_order, plan.band
    n = sh.shape[0]
    mu = np.uintp(m)
    for j in range(mu):
        held[j] = 0.0
    for i in range(n):
        act = tg[i] > 0.0  # every slice has a price today
        for j in range(mu):
            held[j] += sh[i, j] * px[i, j]
            active[i, j] = act
            reserved[i, j] = False
    # (1) interest, (3) the deposit.
    for j in range(mu):
        c = c_[j]
        g = c * f if accrue & (c > 0.0) else c
        grown[j] = g
        cash[j] = g + dep
        value[j] = cash[j] + held[j]  # NAV before trading
        full[j] = False
    # (4) The new money's level and orders (_new_money_level_nb), round by
    # round: an order under min_order or within float dust of nothing is
    # reserved (its money waits) and the level solved again.
    for _ in range(n + 1):
        for j in range(mu):
            x[j] = 0.0  # the slope, then the level
            gl[j] = 0.0
            changed[j] = False
        for i in range(n):
            w = tg[i]
            w1 = 1.0 + prop[i]
            for j in range(mu):
                act = active[i, j]
                x[j] += (w * w1 if act else w) if act | reserved[i, j] else 0.0
                gl[j] += fixed if act else 0.0
        for j in range(mu):
            slope = x[j]
            level = (cash[j] - gl[j]) / slope if slope > 0.0 else 0.0
            x[j] = 0.0 if cash[j] < gl[j] else level
        for i in range(n):
            w = tg[i]
            for j in range(mu):
                o = w * x[j] - 0.0
                live = active[i, j] & (o > 0.0)
                small = live & ((abs(o) <= DUST * abs(cash[j])) | (abs(o) < min_order))
                active[i, j] = active[i, j] & (not small)
                reserved[i, j] = reserved[i, j] | small
                changed[j] |= small
                orders[i, j] = o if live & (not small) else 0.0
        more = False
        for j in range(mu):
            more |= changed[j]
        if not more:
            break
    for j in range(mu):
        full[j] = changed[j]  # still changing after n + 1 rounds: the full day
        post[j] = value[j]
    for i in range(n):
        pr = prop[i]
        for j in range(mu):
            o = orders[i, j]
            post[j] -= pr * abs(o) + fixed if o != 0.0 else 0.0
    if plan.policy == POLICY_THRESHOLD:
        # The band after the buy (_drifted_nb), without divisions first.
        any_alarm = False
        for j in range(mu):
            v = post[j]
            near[j] = (band - DUST) * v
            alarm[j] = (value[j] > 0.0) & (v > 0.0) & (near[j] <= 0.0)
        for i in range(n):
            w = tg[i]
            for j in range(mu):
                a = sh[i, j] * px[i, j] + orders[i, j]
                checked = (value[j] > 0.0) & (post[j] > 0.0)
                alarm[j] |= checked & (abs(a - w * post[j]) >= near[j])
        for j in range(mu):
            any_alarm |= alarm[j] & (not full[j])
        if any_alarm:
            for j in range(m):
                if alarm[j] and not full[j]:
                    for i in range(n):
                        hold[i] = sh[i, j] * px[i, j] + orders[i, j]
                        tgt[i] = tg[i]
                    full[j] = _drifted_nb(hold, post[j], tgt, band)
    # (4) the buys (_execute_nb), slice by slice, fees out of cash.
    for i in range(n):
        pr = prop[i]
        for j in range(mu):
            p = px[i, j]
            o = orders[i, j]
            live = (o != 0.0) & (not full[j])
            s = sh[i, j]
            new = s + o / p
            qty = new - s
            sh[i, j] = new if live else s
            cash[j] -= qty * p + (pr * abs(o) + fixed) if live else 0.0
    # (5) NAV.
    for j in range(mu):
        cash[j] = 0.0 if cash[j] < 0.0 else cash[j]
        held[j] = cash[j]
    for i in range(n):
        for j in range(mu):
            s = sh[i, j]
            held[j] += s * px[i, j] if s > 0.0 else 0.0
    for j in range(mu):
        keep = not full[j]
        c_[j] = cash[j] if keep else c_[j]
        value[j] = held[j] if keep else value[j]
