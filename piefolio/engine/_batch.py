"""The batch kernel: the pies of one plan and one price frame, day by day together.

The conventions of :mod:`piefolio.engine._kernels` hold here. Pies come in
blocks of :data:`BLOCK`, one block per thread; inside a block every per-pie
quantity is a row over the block's pies, pies innermost and contiguous
(shares are (N, B)), so the loops of a quiet day (interest, the holdings' value
summed slice by slice, the threshold check, units and unit value) run over the
pies and vectorize, and the day's prices and schedule are read once for all of
them. Only the pies that trade that day (a busy day: money in or out, a
calendar rebalance, a listing or a dividend, for all; a band broken on a quiet
day, for that pie) go through the full day of :mod:`piefolio.engine._day`, the
same code as a single run. Every pie sums in the order of a single run, so a
row equals :func:`~piefolio.engine._kernels.simulate_pie_nb` bit for bit.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit, prange

from piefolio.engine._day import (
    Ledger,
    PieArrays,
    PieState,
    _pie_day_nb,
    _prices_day_nb,
)
from piefolio.engine._quiet import plain_days_nb
from piefolio.engine._solve import DUST
from piefolio.engine._steps import (
    FLOW_DEPOSIT,
    FLOW_INTEREST,
    POLICY_CALENDAR,
    POLICY_DEPOSITS,
    POLICY_THRESHOLD,
    _drifted_nb,
)

__all__ = ["BLOCK", "BatchRun", "simulate_batch_nb"]

#: Pies per block (one thread's share at a time): its (N, BLOCK) shares and
#: targets stay in the core's cache over the whole run.
BLOCK = 256

#: A block's arrays (see _block_nb): per pie, pies innermost: shares sh and
#: targets in force tg (N, B), flow totals tot (4, B); cash c_, units u_, unit
#: value v_, the day's value, grown cash, held value, band margin near (B,),
#: alarm and full (B,) bool; the day's last prices (N,); one pie's hold and tgt
#: (N,) scratch.
BlockArrays = namedtuple(
    "BlockArrays",
    "sh tg tot c_ u_ v_ value grown held near alarm full last hold tgt",
)

#: A block's deposit-day scratch: orders (N, B); cash, the level x, the NAV
#: after fees post, the day's fees (B,); one pie's holdings after the buy (N,);
#: the fixed fees gl (B,), the slices' roles active and reserved (N, B) bool,
#: and the pies whose roles changed in a round (B,) bool.
DepositArrays = namedtuple(
    "DepositArrays", "orders cash x post fee after gl active reserved changed"
)

#: A batch's run (see :func:`simulate_batch_nb` for shapes). Inside the
#: kernel nav, cash and unit_value are days x pies (T, P), so a day's row is
#: written for a block in one go; the caller gets them transposed.
BatchRun = namedtuple("BatchRun", "nav cash unit_value totals fees ran_out summary")

#: The batch's days as all its pies share them, (T,) each: plain, quiet, simple
#: (a plain deposit day the block runs at once), rebalance (a plain calendar
#: rebalance day without fees, likewise) bool; growth, the day's interest
#: factor, and accrue (bool): it applies.
BatchDays = namedtuple("BatchDays", "plain quiet simple rebalance growth accrue")


@njit(cache=True, parallel=True)
def simulate_batch_nb(close, divs, targets, plan, paths):  # type: ignore[no-untyped-def]
    """Run P pies (one row of ``targets`` each) through the same plan and prices.

    A row equals :func:`~piefolio.engine._kernels.simulate_pie_nb` of that pie
    with ``detail=False``, bit for bit. Parameters are those of
    ``simulate_pie_nb`` (``divs`` (T, N), or (0, N) when nothing pays
    dividends), with ``targets`` of shape (P, N), and ``paths``: keep
    the daily NAV, cash and unit value of every pie (False: only the summary,
    computed as the days go, so a sweep of 100,000 pies never holds 100,000
    paths).

    Returns
    -------
    BatchRun
        ``nav (P, T), cash (P, T), unit_value (P, T)`` (or (P, 0) each without
        ``paths``), ``totals (P, 4) [deposit, withdrawal, dividend, interest],
        fees (P,), ran_out (P,), summary (P, 5) [final nav, final unit value,
        mean and sample std of daily returns (NaN with fewer than 2 or 3
        days), max drawdown (a negative fraction, 0 without one)]``.
    """
    n_pies = targets.shape[0]
    n_days = close.shape[0]
    kept = n_days if paths else 0
    out = BatchRun(
        np.empty((kept, n_pies)), np.empty((kept, n_pies)), np.empty((kept, n_pies)),
        np.zeros((n_pies, 4)), np.empty(n_pies), np.empty(n_pies, dtype=np.int64),
        np.empty((n_pies, 5)),
    )  # fmt: skip
    plain = plain_days_nb(close, divs)
    quiet = plain & (plan.deposit == 0.0) & (plan.withdraw == 0.0)
    if plan.policy == POLICY_CALENDAR:
        quiet &= ~plan.rebal_day
    # The day's interest factor, the same for every pie: _interest_nb's.
    growth = np.ones(n_days)
    accrue = (plan.days > 0) & (plan.rate != 0.0)
    for t in range(n_days):
        if accrue[t]:
            growth[t] = (1.0 + plan.rate[t]) ** (plan.days[t] / 365.0)
    # Plain days whose only event is a deposit, bought as new money: the block
    # runs them at once (a calendar rebalance day, a withdrawal or the
    # deposits policy, which buys towards the targets, take the full day).
    simple = (
        plain
        & (plan.deposit > 0.0)
        & (plan.withdraw == 0.0)
        & (plan.policy != POLICY_DEPOSITS)
    )
    if plan.policy == POLICY_CALENDAR:
        simple &= ~plan.rebal_day
    # Plain calendar rebalance days of a plan without fees: the block runs
    # them at once too.
    rebalance = np.zeros(n_days, dtype=np.bool_)
    free = plan.fixed == 0.0 and not np.any(plan.prop != 0.0)
    if free and plan.policy == POLICY_CALENDAR:
        rebalance = plain & plan.rebal_day & (plan.withdraw == 0.0)
    days = BatchDays(plain, quiet, simple, rebalance, growth, accrue)
    n_blocks = (n_pies + BLOCK - 1) // BLOCK
    for b in prange(n_blocks):
        lo = b * BLOCK
        _block_nb(close, divs, targets, plan, days, lo, min(n_pies, lo + BLOCK), out)
    return BatchRun(
        out.nav.T, out.cash.T, out.unit_value.T, out.totals, out.fees, out.ran_out,
        out.summary,
    )  # fmt: skip


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _quiet_day_nb(q, m, policy, band, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a quiet day: interest, value, units, the band.

    The same operations as a single run's quiet day, pie by pie, written so
    that the loops over the pies vectorize: the interest factor ``f`` of the
    day (``accrue``: it applies) is shared; branches are selects. A pie whose
    band is broken is marked in ``full`` and left for the full day.
    """
    (
        sh, tg, tot, c_, u_, v_, value, grown, held, near, alarm, full, last,
        hold, tgt,
    ) = q  # fmt: skip
    n = sh.shape[0]
    mu = np.uintp(m)
    for j in range(mu):
        held[j] = 0.0
    for i in range(n):
        p = last[i]
        for j in range(mu):
            held[j] += sh[i, j] * p
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
            p = last[i]
            for j in range(mu):
                alarm[j] |= abs(sh[i, j] * p - tg[i, j] * value[j]) >= near[j]
        for j in range(mu):
            any_alarm |= alarm[j]
        if any_alarm:
            for j in range(m):
                if alarm[j]:
                    for i in range(n):
                        hold[i] = sh[i, j] * last[i]
                        tgt[i] = tg[i, j]
                    full[j] = _drifted_nb(hold, value[j], tgt, band)
    for j in range(mu):
        keep = not full[j]
        g = grown[j]
        c = c_[j]
        tot[FLOW_INTEREST, j] += g - c if keep & (g != c) else 0.0
        c_[j] = g if keep else c
        # _units_nb without a flow.
        v = value[j]
        units = u_[j]
        uv = v_[j]
        u = v / units
        ok = (units > 0.0) & (u > DUST * uv)
        new_uv = u if ok else uv
        new_units = units if ok else v / uv
        v_[j] = new_uv if keep else uv
        u_[j] = new_units if keep else units


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _deposit_day_nb(q, d, fe, m, plan, dep, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a plain deposit day: interest, deposit, buy-only.

    What a single run's full day does on such a day (prices all there, no
    withdrawal, no calendar rebalance, the deposit bought at the targets as
    new money), pie by pie in the same order of operations, written so that
    the loops over the pies vectorize. A pie for which the day is not that
    simple (an order under ``min_order`` or float dust, whose solve goes
    another round; a band broken after the buy) is marked in ``full`` and
    left untouched, for the full day.

    Parameters
    ----------
    q : BlockArrays
        The block (shares, targets, totals, scalars, scratch).
    d : DepositArrays
        Its deposit-day scratch.
    fe : ndarray, shape (B,)
        Fees paid so far by each pie; the day's are added.
    m : int
        Pies in the block.
    plan : PlanArrays
        The plan (prop, fixed, min_order, policy, band are read).
    dep : float
        The day's deposit, base currency.
    f, accrue : float, bool
        The day's interest factor, and whether it applies.
    """
    (
        sh, tg, _tot, c_, _u, _v, value, grown, held, near, alarm, full, last,
        _hold, tgt,
    ) = q  # fmt: skip
    orders, cash, x, post, fee, after, gl, active, reserved, changed = d
    prop, fixed, min_order = plan.prop, plan.fixed, plan.min_order
    threshold = plan.policy == POLICY_THRESHOLD
    band = plan.band
    n = sh.shape[0]
    mu = np.uintp(m)
    for j in range(mu):
        held[j] = 0.0
    for i in range(n):
        p = last[i]
        for j in range(mu):
            held[j] += sh[i, j] * p
            active[i, j] = tg[i, j] > 0.0  # every slice has a price today
            reserved[i, j] = False
    # (1) interest, (3) the deposit.
    for j in range(mu):
        c = c_[j]
        g = c * f if accrue & (c > 0.0) else c
        grown[j] = g
        cash[j] = g + dep
        value[j] = cash[j] + held[j]  # NAV before trading
        full[j] = False
    # (4) The new money's level and orders (plan_orders_nb with
    # _new_money_level_nb), round by round: an order under min_order or
    # within float dust of nothing is reserved (its money waits) and the
    # level solved again. A pie whose roles no longer change gets the same
    # level again, so every pie goes through every round.
    for _ in range(n + 1):
        for j in range(mu):
            x[j] = 0.0  # the slope, then the level
            gl[j] = 0.0
            changed[j] = False
        for i in range(n):
            w1 = 1.0 + prop[i]
            for j in range(mu):
                w = tg[i, j]
                act = active[i, j]
                x[j] += (w * w1 if act else w) if act | reserved[i, j] else 0.0
                gl[j] += fixed if act else 0.0
        for j in range(mu):
            slope = x[j]
            level = (cash[j] - gl[j]) / slope if slope > 0.0 else 0.0
            x[j] = 0.0 if cash[j] < gl[j] else level
        for i in range(n):
            for j in range(mu):
                w = tg[i, j]
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
    if threshold:
        # The band after the buy (_drifted_nb), without divisions first.
        any_alarm = False
        for j in range(mu):
            v = post[j]
            near[j] = (band - DUST) * v
            alarm[j] = (value[j] > 0.0) & (v > 0.0) & (near[j] <= 0.0)
        for i in range(n):
            p = last[i]
            for j in range(mu):
                a = sh[i, j] * p + orders[i, j]
                checked = (value[j] > 0.0) & (post[j] > 0.0)
                alarm[j] |= checked & (abs(a - tg[i, j] * post[j]) >= near[j])
        for j in range(mu):
            any_alarm |= alarm[j] & (not full[j])
        if any_alarm:
            for j in range(m):
                if alarm[j] and not full[j]:
                    for i in range(n):
                        after[i] = sh[i, j] * last[i] + orders[i, j]
                        tgt[i] = tg[i, j]
                    full[j] = _drifted_nb(after, post[j], tgt, band)
    # (4) the buys (_execute_nb), slice by slice, fees out of cash.
    for j in range(mu):
        fee[j] = 0.0
    for i in range(n):
        p = last[i]
        pr = prop[i]
        for j in range(mu):
            o = orders[i, j]
            live = (o != 0.0) & (not full[j])
            s = sh[i, j]
            new = s + o / p
            qty = new - s
            paid = pr * abs(o) + fixed
            sh[i, j] = new if live else s
            cash[j] -= qty * p + paid if live else 0.0
            fee[j] += paid if live else 0.0
    _close_day_nb(q, cash, m, dep)
    for j in range(mu):
        fe[j] += fee[j] if not full[j] else 0.0


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _rebalance_day_nb(q, d, m, plan, dep, f, accrue):  # type: ignore[no-untyped-def]
    """Step the block through a plain calendar rebalance day of a plan without fees.

    What a single run's full day does then (interest, the deposit, a
    two-sided session to ``w x`` with the level of ``solve_level_nb``'s
    frictionless line, sells before buys), pie by pie in the same order of
    operations, written so that the loops over the pies vectorize. A pie with
    an order under ``min_order`` or within float dust of nothing (whose solve
    goes another round) is marked in ``full`` and left untouched.
    """
    (
        sh, tg, _tot, c_, _u, _v, value, grown, held, _near, _alarm, full, last,
        _hold, _tgt,
    ) = q  # fmt: skip
    # Scratch of the deposit day, named for this one.
    orders, cash, x, g0, slope, _after, scale, _active, _reserved, _changed = d
    prop, fixed, min_order = plan.prop, plan.fixed, plan.min_order
    n = sh.shape[0]
    mu = np.uintp(m)
    # (1) interest, (3) the deposit.
    for j in range(mu):
        c = c_[j]
        g = c * f if accrue & (c > 0.0) else c
        grown[j] = g
        cash[j] = g + dep
        held[j] = 0.0
        scale[j] = abs(cash[j])
        g0[j] = 0.0
        slope[j] = 0.0
        full[j] = False
    # The holdings; plan_orders_nb's scale; the session's cost at level 0
    # (session_cost_nb) and its slope.
    for i in range(n):
        p = last[i]
        pr = prop[i]
        for j in range(mu):
            a = sh[i, j] * p
            held[j] += a
            scale[j] += abs(a)
            w = tg[i, j]
            o = w * 0.0 - a
            g0[j] += o + pr * abs(o) + fixed if (w > 0.0) & (abs(o) > 0.0) else 0.0
            slope[j] += w if w > 0.0 else 0.0
    for j in range(mu):
        value[j] = cash[j] + held[j]  # NAV before trading
        full[j] = g0[j] > cash[j]
        x[j] = (cash[j] - g0[j]) / slope[j] if slope[j] > 0.0 else 0.0
    # (4) The orders; a small one sends the pie through another round.
    for i in range(n):
        p = last[i]
        for j in range(mu):
            w = tg[i, j]
            o = w * x[j] - sh[i, j] * p
            act = w > 0.0
            small = act & ((abs(o) <= DUST * scale[j]) | (abs(o) < min_order))
            full[j] |= small
            orders[i, j] = o if act else 0.0
    # _execute_nb: sells, then buys, slice by slice.
    for side in range(2):
        for i in range(n):
            p = last[i]
            pr = prop[i]
            for j in range(mu):
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
    _close_day_nb(q, cash, m, dep)


@njit(cache=True, error_model="numpy", inline="always")  # in the day loop
def _close_day_nb(q, cash, m, dep):  # type: ignore[no-untyped-def]
    """(5) of a block's trading day: NAV, units at the value before the deposit.

    For the pies not left for the full day (``full``), after the orders of
    :func:`_deposit_day_nb` or :func:`_rebalance_day_nb` left ``cash`` (B,):
    the day's cash, NAV, units and unit value, and its interest and deposit
    (``dep``, 0 on a rebalance day without one) added to the totals, as
    ``_units_nb`` and the full day's flows do.
    """
    (
        sh, _tg, tot, c_, u_, v_, value, grown, held, _near, _alarm, full, last,
        _hold, _tgt,
    ) = q  # fmt: skip
    n = sh.shape[0]
    mu = np.uintp(m)
    for j in range(mu):
        cash[j] = 0.0 if cash[j] < 0.0 else cash[j]
        held[j] = cash[j]
    for i in range(n):
        p = last[i]
        for j in range(mu):
            s = sh[i, j]
            held[j] += s * p if s > 0.0 else 0.0
    flow = dep != 0.0
    for j in range(mu):
        keep = not full[j]
        g = grown[j]
        c = c_[j]
        tot[FLOW_INTEREST, j] += g - c if keep & (g != c) else 0.0
        tot[FLOW_DEPOSIT, j] += dep if keep & (dep > 0.0) else 0.0
        c_[j] = cash[j] if keep else c
        v = held[j]
        value[j] = v if keep else value[j]
        units = u_[j]
        uv = v_[j]
        u = (v - dep) / units
        ok = (units > 0.0) & (u > DUST * uv)
        new_uv = u if ok else uv
        new_units = units if ok & (not flow) else v / new_uv
        v_[j] = new_uv if keep else uv
        u_[j] = new_units if keep else units


@njit(cache=True, error_model="numpy")  # a division by 0 is inf, not a branch
def _block_nb(close, divs, targets, plan, days, lo, hi, out):  # type: ignore[no-untyped-def]
    """Run pies ``lo:hi`` of :func:`simulate_batch_nb`; write their rows.

    ``days`` is the batch's :data:`BatchDays`; ``out`` its :data:`BatchRun`,
    nav, cash and unit_value (T, P), or (0, P) without paths.
    """
    plain, quiet, simple, rebalance, growth, accrue = days
    nav, cash_out, uv_out, totals, fees, ran_out, summary = out
    policy, band = plan.policy, plan.band
    n_days, n = close.shape
    paths = nav.shape[0] == n_days
    m = hi - lo
    # The block's pies, pies innermost.
    sh = np.zeros((n, m))
    tg = np.empty((n, m))
    for j in range(m):
        for i in range(n):
            tg[i, j] = targets[lo + j, i]
    tot = np.zeros((4, m))
    c_ = np.zeros(m)
    u_ = np.zeros(m)
    v_ = np.ones(m)
    ro = np.full(m, -1, dtype=np.int64)
    fe = np.zeros(m)
    value = np.empty(m)
    grown = np.empty(m)
    held = np.empty(m)
    near = np.empty(m)
    alarm = np.empty(m, dtype=np.bool_)
    full = np.empty(m, dtype=np.bool_)
    # Daily-return statistics as the days go: path_stats' sums, in its order.
    prev = np.empty(m)
    r_sum = np.zeros(m)
    r_sq = np.zeros(m)
    peak = np.empty(m)
    low = np.zeros(m)

    # One pie at a time on the full day: its slices gathered into these.
    a = PieArrays(
        np.zeros(n), np.empty(n), np.empty(n), np.full(n, np.nan),
        np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_), np.zeros(n),
        np.zeros(n), np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n),
        np.zeros(n), np.zeros(n), np.zeros(n),
    )  # fmt: skip
    shares, tgt, targ, last, listed, tradable, hold = a[:7]
    led = Ledger(
        np.empty((0, 4)), np.zeros(4), np.empty((0, 2), dtype=np.int64),
        np.empty((0, 4)), np.empty((0, 3), dtype=np.int64), np.empty((0, 1)),
    )  # fmt: skip
    t4 = led.totals
    q = BlockArrays(
        sh, tg, tot, c_, u_, v_, value, grown, held, near, alarm, full, last,
        hold, tgt,
    )  # fmt: skip
    d = DepositArrays(
        np.zeros((n, m)), np.empty(m), np.empty(m), np.empty(m), np.empty(m),
        np.empty(n), np.empty(m), np.zeros((n, m), dtype=np.bool_),
        np.zeros((n, m), dtype=np.bool_), np.zeros(m, dtype=np.bool_),
    )  # fmt: skip
    # False, but runtime values: literals would compile a second copy of the
    # full day.
    off = m < 0
    none = np.int64(0)

    for t in range(n_days):
        plain_t = plain[t]
        newly = _prices_day_nb(t, close, plain_t, last, listed, tradable)
        if quiet[t]:
            _quiet_day_nb(q, m, policy, band, growth[t], accrue[t])
        elif rebalance[t]:
            _rebalance_day_nb(q, d, m, plan, plan.deposit[t], growth[t], accrue[t])
        elif simple[t]:
            _deposit_day_nb(q, d, fe, m, plan, plan.deposit[t], growth[t], accrue[t])
        else:
            for j in range(m):
                full[j] = True
        for j in range(m):
            if not full[j]:
                continue
            for i in range(n):
                shares[i] = sh[i, j]
                tgt[i] = tg[i, j]
                targ[i] = targets[lo + j, i]
            for k in range(4):
                t4[k] = tot[k, j]
            value[j], s, _ = _pie_day_nb(
                t, a, plan, divs, plain_t, newly,
                PieState(c_[j], u_[j], v_[j], ro[j], fe[j], none, none), led, off,
                off,
            )  # fmt: skip
            c_[j], u_[j], v_[j], ro[j], fe[j] = s.cash, s.units, s.uv, s.ran_out, s.fees
            for i in range(n):
                sh[i, j] = shares[i]
                tg[i, j] = tgt[i]
            for k in range(4):
                tot[k, j] = t4[k]
        if paths:
            for j in range(m):
                nav[t, lo + j] = value[j]
                cash_out[t, lo + j] = c_[j]
                uv_out[t, lo + j] = v_[j]
        if t == 0:
            for j in range(m):
                peak[j] = v_[j]
                prev[j] = v_[j]
            continue
        # path_stats' sums as the days go, without branches (they vectorize).
        for j in range(np.uintp(m)):
            u = v_[j]
            ret = u / prev[j] - 1.0
            r_sum[j] += ret
            r_sq[j] += ret * ret
            fall = u / peak[j] - 1.0
            up = u > peak[j]
            low[j] = fall if (not up) & (fall < low[j]) else low[j]
            peak[j] = u if up else peak[j]
            prev[j] = u

    days_m = n_days - 1
    for j in range(m):
        p = lo + j
        for k in range(4):
            totals[p, k] = tot[k, j]
        fees[p] = fe[j]
        ran_out[p] = ro[j]
        mean = r_sum[j] / days_m if days_m > 0 else np.nan
        var = (r_sq[j] - days_m * mean**2) / (days_m - 1) if days_m > 1 else np.nan
        summary[p, 0] = value[j]
        summary[p, 1] = v_[j]
        summary[p, 2] = mean
        summary[p, 3] = np.sqrt(max(var, 0.0)) if days_m > 1 else np.nan
        summary[p, 4] = low[j]
