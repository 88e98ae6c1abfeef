"""The real account valued day by day, set against its plan and its benchmarks.

Conventions
-----------
- Value on a trading day = cash + sum(shares x close). Shares are the ledger's,
  on the latest split's basis (:meth:`Ledger.basis_shares`); closes are
  split-adjusted, not dividend-adjusted (a ``PriceFrame`` built with
  ``adjusted=False``), in the account currency at that day's FX rate. Dividends
  and interest are the cash the history says arrived, never the prices'.
- A ledger row counts from the first trading day on or after its UTC date, at
  that day's close (as the engine trades).
- Money in and out are the ledger's deposits and withdrawals (card spending
  included). The same dated, signed flows feed (a) the spec's pie with its plan's
  rules from the first real deposit, and (b) every benchmark
  (:func:`piefolio.engine.dated.simulate_dated`); their dividends are paid as cash
  and reinvested with the next deposit, like the account's.
- Time-weighted return chains ``(V_t - F_t) / V_{t-1}`` (flows at the close);
  money-weighted return is the XIRR of the flows and the final value; PME is the
  Kaplan-Schoar ratio against the first benchmark.
- Weights of the holdings table are of the invested value (cash left out), as a
  broker's pie shows them; drift is weight minus target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from piefolio.account.ledger import Ledger
from piefolio.errors import DataUnavailable, PlanError
from piefolio.models import replace

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.engine.result import Result
    from piefolio.spec import PieSpec

__all__ = [
    "ACCOUNT",
    "Actual",
    "Holding",
    "SeriesSummary",
    "Valuation",
    "actual",
    "value_ledger",
]

#: Name of the real account's series in summaries and pages.
ACCOUNT = "Your account"


@dataclass(frozen=True, slots=True)
class Holding:
    """One line of the holdings table, on the last day.

    ``value`` in the account currency; ``weight`` and ``target`` are fractions of
    the invested value; ``drift = weight - target``.
    """

    ticker: str
    shares: float
    value: float
    weight: float
    target: float

    @property
    def drift(self) -> float:
        """Actual weight minus target weight (fraction)."""
        return self.weight - self.target


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """The headline numbers of one series (account, plan or benchmark).

    Money in the account currency; ``xirr`` a year, ``twr`` over the whole span
    (fractions); ``pme`` against the first benchmark (NaN where none, or for that
    benchmark itself).
    """

    name: str
    final_value: float
    deposited: float
    withdrawn: float
    xirr: float
    twr: float
    pme: float

    def figures(self) -> dict[str, float]:
        """Return the numbers without the name, keyed as in tables and JSON."""
        return {
            "final_value": self.final_value,
            "deposited": self.deposited,
            "withdrawn": self.withdrawn,
            "xirr": self.xirr,
            "twr": self.twr,
            "pme": self.pme,
        }


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class Actual:
    """The real account and what the same money did in the plan and benchmarks.

    Attributes
    ----------
    spec : PieSpec
    ledger : Ledger
    nav : pd.Series
        Daily value of the account (trading days, account currency).
    cash : pd.Series
        Daily cash of the account.
    flows : pd.Series
        Net money in (+) and out (-) by trading day.
    unit_value : pd.Series
        Time-weighted growth of 1.
    runs : dict[str, Result]
        The plan's pie (under the spec's pie name) and each benchmark, fed the
        same dated flows.
    holdings : tuple of Holding
        On the last day: held tickers and the spec's, by target then value.
    summaries : tuple of SeriesSummary
        The account first, then the plan's pie, then the benchmarks.
    notes : tuple of str
        What a reader should know (rows after the prices end, tickers outside
        the pie, fallbacks of the data).
    """

    spec: PieSpec
    ledger: Ledger
    nav: pd.Series
    cash: pd.Series
    flows: pd.Series
    unit_value: pd.Series
    runs: dict[str, Result]
    holdings: tuple[Holding, ...]
    summaries: tuple[SeriesSummary, ...]
    notes: tuple[str, ...]

    @property
    def currency(self) -> str:
        """The account currency."""
        return self.ledger.currency

    def summary(self) -> pd.DataFrame:
        """One row per series: final value, deposited, withdrawn, XIRR, TWR, PME."""
        return pd.DataFrame({s.name: s.figures() for s in self.summaries}).T

    def verdicts(self) -> list[str]:
        """Say per benchmark (and the plan) what the choices earned or cost."""
        mine = self.summaries[0].final_value
        cur = self.currency
        out = []
        for s in self.summaries[1:]:
            diff = mine - s.final_value
            word = "earned you" if diff >= 0 else "cost you"
            what = (
                f"your plan ({s.name})"
                if s.name == self.spec.pie.name
                else f"the {s.name}"
            )
            verb = "run" if s.name == self.spec.pie.name else "bought"
            out.append(
                f"Your choices {word} {abs(diff):,.2f} {cur} against {what} {verb} "
                "with the same deposits on the same days."
            )
        return out

    def nav_frame(self) -> pd.DataFrame:
        """Daily value of the account and of each run (dates x series)."""
        frame = {ACCOUNT: self.nav}
        frame.update({name: r.nav for name, r in self.runs.items()})
        return pd.DataFrame(frame)


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class Valuation:
    """A ledger valued each trading day: value, cash, shares and their values.

    All indexed by the trading days from the first row's; ``shares`` and
    ``values`` are dates x held tickers (shares on the latest split's basis).
    """

    nav: pd.Series
    cash: pd.Series
    shares: pd.DataFrame
    values: pd.DataFrame
    notes: tuple[str, ...]


def value_ledger(ledger: Ledger, frame: PriceFrame) -> Valuation:
    """Value a ledger every trading day of a frame, from its first row on.

    Parameters
    ----------
    ledger : Ledger
        The account's rows.
    frame : PriceFrame
        Split-adjusted closes (``adjusted=False``) in the account currency, with
        every ticker the ledger holds.

    Returns
    -------
    Valuation
        ``nav`` = cash plus holdings, each trading day from the first row's.

    Raises
    ------
    PlanError
        The prices start after the ledger's first row.
    DataUnavailable
        The ledger is empty; a held ticker is not in the frame, or has no price
        on a day it is held.
    """
    if not len(ledger):
        # Nothing imported yet is missing data (exit 3), not a bad file.
        raise DataUnavailable(
            "the history is empty; run `piefolio history import FILE`"
        )
    dates = frame.dates
    first = pd.Timestamp(ledger.entries[0].date)
    if len(dates) == 0 or dates[0] > first:
        start = dates[0].date() if len(dates) else "nowhere"
        raise PlanError(
            f"the prices start on {start}, after the history's first row on "
            f"{first.date()}; load prices from that day"
        )
    lo = int(dates.searchsorted(first, side="left"))
    days = dates[lo:]
    notes: list[str] = []
    when = pd.DatetimeIndex([pd.Timestamp(e.date) for e in ledger.entries])
    idx = days.searchsorted(when, side="left")
    late = idx >= len(days)
    if late.any():
        notes.append(
            f"{int(late.sum())} history rows after the last price day "
            f"{days[-1].date()} are not valued"
        )
    cash_moves = np.zeros(len(days))
    amounts = np.array([e.amount for e in ledger.entries])
    np.add.at(cash_moves, idx[~late], amounts[~late])
    cash = pd.Series(np.cumsum(cash_moves), index=days, name="cash")
    if (cash < -0.01).any():
        # A broker's cash does not go negative: a deposit is missing.
        low = cash[cash < -0.01]
        notes.append(
            f"cash falls to {low.iloc[0]:,.2f} on {low.index[0].date()}: the history "
            "seems to miss a deposit (import the earlier exports too)"
        )

    moves = ledger.basis_shares()
    tickers = list(dict.fromkeys(moves["ticker"])) if not moves.empty else []
    absent = [t for t in tickers if t not in frame.symbols]
    if absent:
        raise DataUnavailable(
            f"no prices for {', '.join(absent)} (held in the history); import or "
            "fetch them, e.g. `piefolio data fetch " + " ".join(absent) + "`"
        )
    shares = np.zeros((len(days), len(tickers)))
    if tickers:
        col = {t: j for j, t in enumerate(tickers)}
        move_day = days.searchsorted(
            pd.DatetimeIndex(pd.to_datetime(moves["time"]).dt.normalize()),
            side="left",
        )
        keep = move_day < len(days)
        np.add.at(
            shares,
            (move_day[keep], moves["ticker"].map(col).to_numpy()[keep]),
            moves["shares"].to_numpy()[keep],
        )
        shares = np.cumsum(shares, axis=0)
        shares[np.abs(shares) < 1e-9] = 0.0
        if (shares < 0).any():
            t, j = np.argwhere(shares < 0)[0]
            # Selling what was never bought: the history starts after the buy.
            raise PlanError(
                f"the history sells {-shares[t, j]:g} more {tickers[j]} than it "
                f"bought by {days[t].date()}; import the earlier exports too"
            )
    prices = (
        frame.prices[tickers].iloc[lo:].ffill().to_numpy()
        if tickers
        else np.zeros((len(days), 0))
    )
    unpriced = (shares != 0) & np.isnan(prices)
    if unpriced.any():
        t, j = np.argwhere(unpriced)[0]
        raise DataUnavailable(
            f"{tickers[j]} is held on {days[t].date()} but has no price on or "
            "before that day"
        )
    values = pd.DataFrame(
        np.where(shares != 0, shares * np.nan_to_num(prices), 0.0),
        index=days,
        columns=tickers,
    )
    nav = (cash + values.sum(axis=1)).rename("nav")
    held = pd.DataFrame(shares, index=days, columns=tickers)
    return Valuation(nav, cash, held, values, tuple(notes))


def _unit_value(nav: pd.Series, flows: pd.Series) -> pd.Series:
    """Growth of 1: chain ``(V_t - F_t) / V_{t-1}``, 1 on the first day."""
    v = nav.to_numpy()
    f = flows.reindex(nav.index, fill_value=0.0).to_numpy()
    growth = np.ones(len(v))
    prev = v[:-1]
    ok = prev > 1e-9
    growth[1:][ok] = (v[1:][ok] - f[1:][ok]) / prev[ok]
    return pd.Series(np.cumprod(growth), index=nav.index, name="unit_value")


def _trading_day_flows(ledger: Ledger, days: pd.DatetimeIndex) -> pd.Series:
    raw = ledger.external_flows()
    idx = days.searchsorted(pd.DatetimeIndex(raw.index), side="left")
    keep = idx < len(days)
    out = pd.Series(raw.to_numpy()[keep], index=days[idx[keep]])
    return out.groupby(level=0).sum().rename("flows")


def _summary(
    name: str,
    nav: pd.Series,
    unit_value: pd.Series,
    flows: pd.Series,
    bench_unit: pd.Series | None,
) -> SeriesSummary:
    from piefolio.analytics.benchmark import kaplan_schoar_pme
    from piefolio.analytics.returns import money_weighted_return
    from piefolio.ledger import positive_total

    inflow = positive_total(float(flows[flows > 0].sum()))
    outflow = positive_total(float(flows[flows < 0].sum()))
    try:
        xirr = money_weighted_return(nav, flows)
    except ValueError:
        xirr = math.nan
    pme = math.nan
    if bench_unit is not None:
        try:
            pme = kaplan_schoar_pme(nav, flows, bench_unit)
        except ValueError:
            pme = math.nan
    return SeriesSummary(
        name=name,
        final_value=float(nav.iloc[-1]),
        deposited=inflow,
        withdrawn=outflow,
        xirr=xirr,
        twr=float(unit_value.iloc[-1] - 1.0),
        pme=pme,
    )


def actual(spec: PieSpec, history: Ledger, frame: PriceFrame) -> Actual:
    """Value the real account and run the plan and benchmarks on its money.

    Parameters
    ----------
    spec : PieSpec
        The pie the account follows: its targets, plan rules and benchmarks.
    history : Ledger
        The account's rows (:func:`piefolio.load_history`).
    frame : PriceFrame
        Split-adjusted, not dividend-adjusted closes (``adjusted=False``) in the
        account currency, with every ticker held, in the pie and its benchmarks,
        from the history's first row on.

    Returns
    -------
    Actual

    Raises
    ------
    PlanError
        An empty history, a total-return frame, a frame in another currency, or
        prices that start after the history.
    DataUnavailable
        A held ticker without prices.
    """
    from piefolio.account.prices import match_tickers
    from piefolio.engine.dated import simulate_dated

    if frame.adjusted:
        raise PlanError(
            "the real account is valued at traded (split-adjusted) closes with "
            "dividends as the cash that arrived; build the prices with "
            "adjusted=False, not total-return prices"
        )
    if history.currency and frame.base_currency != history.currency:
        raise PlanError(
            f"the prices are in {frame.base_currency} but the account is in "
            f"{history.currency}; set the pie's currency to {history.currency}"
        )
    renamed = match_tickers(history, spec)
    history = history.with_tickers(renamed)
    valued = value_ledger(history, frame)
    nav, notes = valued.nav, list(valued.notes)
    notes += [f"{a} in the history is {b} of the pie" for a, b in renamed.items()]
    days = pd.DatetimeIndex(nav.index)
    flows = _trading_day_flows(history, days)
    if flows.empty or flows.iloc[0] <= 0:
        raise PlanError("the history has no deposit before its first withdrawal")
    unit = _unit_value(nav, flows)
    # The runs pay dividends as cash, as the account was paid them.
    rules = replace(spec.plan, dividends="cash", end=days[-1].date())
    runs = {
        name: simulate_dated(frame, weights, rules, flows)
        for name, weights in spec.series().items()
    }
    bench = spec.benchmarks[0].name if spec.benchmarks else None
    bench_unit = runs[bench].unit_value if bench else None
    summaries = [_summary(ACCOUNT, nav, unit, flows, bench_unit)]
    for name, run in runs.items():
        summaries.append(
            _summary(
                name,
                run.nav,
                run.unit_value,
                flows,
                bench_unit if name != bench else None,
            )
        )
    targets = spec.pie.effective_weights()
    holdings = _holdings(valued, targets, notes)
    return Actual(
        spec=spec,
        ledger=history,
        nav=nav,
        cash=valued.cash,
        flows=flows,
        unit_value=unit,
        runs=runs,
        holdings=holdings,
        summaries=tuple(summaries),
        notes=tuple([*frame.notes, *notes]),
    )


def _holdings(
    valued: Valuation, targets: dict[str, float], notes: list[str]
) -> tuple[Holding, ...]:
    last = valued.values.iloc[-1]
    shares = {str(t): float(v) for t, v in valued.shares.iloc[-1].items() if v != 0.0}
    invested = float(last.sum())
    tickers = list(dict.fromkeys([*targets, *shares]))
    rows = []
    for t in tickers:
        value = float(last.get(t, 0.0))
        rows.append(
            Holding(
                ticker=t,
                shares=shares.get(t, 0.0),
                value=value,
                weight=value / invested if invested > 0 else 0.0,
                target=targets.get(t, 0.0),
            )
        )
    outside = [t for t in shares if t not in targets]
    if outside:
        notes.append(f"{', '.join(outside)}: held but not in the pie (target 0 %)")
    rows.sort(key=lambda h: (-h.target, -h.value, h.ticker))
    return tuple(rows)
