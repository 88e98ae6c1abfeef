"""Walk-forward check of a weighting method: fit on the past, hold, refit.

Conventions:

- Prices are total-return closes in the base currency, dates x tickers; returns
  are simple daily returns. :meth:`WalkForward.summary` uses
  :mod:`piefolio.analytics` (CAGR over calendar days, volatility over 252 days).
- Refit dates are the first trading day on or after ``start``, ``start + every``,
  ``start + 2 every``...; the weights decided on refit date t are fitted on
  ``prices`` strictly before t (the frame is cut before the fit, so nothing
  after t can leak in), and they earn the returns from day t on: the decision
  is taken at the close of the day before t.
- Between refits the pie is bought and held (weights drift with prices); on each
  refit date it is traded back to the new weights at no cost. The current pie is
  run the same way, traded back to its own targets on the same dates, over the
  tickers that had a price before t (renormalised).
- This is a small, isolated stand-in for the engine: no fees, deposits or cash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.errors import OptimizationError
from piefolio.optimize.proposal import daily_returns, propose
from piefolio.periods import period_offset
from piefolio.spec import Method, Optimize, PieSpec

__all__ = ["WalkForward", "refit_dates", "walk_forward"]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class WalkForward:
    """The schedule and the backtest of one method, next to the current pie.

    Attributes
    ----------
    method : str
        The method asked for.
    schedule : DataFrame of shape (n_refits, n_tickers)
        Weights decided on each refit date (rows) per ticker (columns).
    current : DataFrame of shape (n_refits, n_tickers)
        The current pie's weights on the same dates.
    used : Series of length n_refits
        Method actually used at each refit (after fallbacks; ``"held"`` when
        every method failed and the previous weights were kept).
    wealth : DataFrame of shape (n_days, 2)
        Growth of 1 for columns ``"proposal"`` and ``"current"``, from the first
        refit date's previous close (= 1) to the last day.
    notes : tuple of str
        Dated notes: fallbacks, slices left out, failed refits.
    """

    method: str
    schedule: pd.DataFrame
    current: pd.DataFrame
    used: pd.Series
    wealth: pd.DataFrame
    notes: tuple[str, ...]

    def summary(self) -> pd.DataFrame:
        """Annualised return, volatility and max drawdown of each column.

        Computed by :mod:`piefolio.analytics` (its conventions: CAGR over
        calendar days / 365, volatility ``std * sqrt(252)``).

        Returns
        -------
        DataFrame
            Index ``["proposal", "current"]``; columns ``annual_return``,
            ``volatility`` (both annual fractions) and ``max_drawdown`` (a
            negative fraction).
        """
        from piefolio.analytics.returns import cagr
        from piefolio.analytics.risk import max_drawdown, volatility

        rows = {
            name: {
                "annual_return": cagr(growth),
                "volatility": volatility(growth.pct_change().iloc[1:]),
                "max_drawdown": max_drawdown(growth).depth,
            }
            for name, growth in self.wealth.items()
        }
        return pd.DataFrame.from_dict(rows, orient="index")


def refit_dates(
    index: pd.DatetimeIndex, start: pd.Timestamp, end: pd.Timestamp, every: str
) -> pd.DatetimeIndex:
    """First trading day of ``index`` on or after ``start + k * every`` (k = 0..).

    Parameters
    ----------
    index : DatetimeIndex
        The trading days.
    start, end : Timestamp
        Range of the schedule (``end`` inclusive).
    every : str
        A period such as ``"3M"`` (``D`` here means calendar days).
    """
    out: list[pd.Timestamp] = []
    k = 0
    while True:
        step = period_offset(every, k)
        target = start + step
        if target > end:
            break
        pos = int(index.searchsorted(target))
        if pos >= len(index):
            break
        day = index[pos]
        if not out or day != out[-1]:
            out.append(day)
        k += 1
    return pd.DatetimeIndex(out)


def walk_forward(
    spec: PieSpec,
    prices: pd.DataFrame,
    *,
    method: Method | str | None = None,
    settings: Optimize | None = None,
    start: dt.date | pd.Timestamp | None = None,
    end: dt.date | pd.Timestamp | None = None,
    fallback: bool = True,
) -> WalkForward:
    """Refit ``method`` every ``rebalance_every`` and backtest it against the pie.

    Parameters
    ----------
    spec : PieSpec
        The pie.
    prices : DataFrame
        Dates x tickers, total-return closes in the base currency.
    method : Method or str, optional
        Default ``settings.method``.
    settings : Optimize, optional
        Default ``spec.optimize`` or the defaults of :class:`Optimize`.
    start : date, optional
        First refit; default the first day with a full ``lookback`` behind it.
    end : date, optional
        Last day of the backtest; default the last price.
    fallback : bool, default True
        Passed to :func:`~piefolio.optimize.propose`.

    Raises
    ------
    OptimizationError
        No refit date falls in the range.
    """
    opt = settings or spec.optimize or Optimize()
    asked = Method(method) if method is not None else opt.method
    effective = spec.pie.effective_weights()
    tickers = list(effective)
    prices = prices.sort_index()
    last = pd.Timestamp(end) if end is not None else prices.index[-1]
    if start is not None:
        first = pd.Timestamp(start)
    elif opt.lookback.endswith("D"):
        first = prices.index[min(int(opt.lookback[:-1]), len(prices.index) - 1)]
    else:
        first = prices.index[0] + period_offset(opt.lookback)
    dates = refit_dates(
        pd.DatetimeIndex(prices.index), first, last, opt.rebalance_every
    )
    if len(dates) == 0:
        raise OptimizationError(
            f"no refit date between {first.date()} and {last.date()}; start "
            "earlier or give more prices"
        )

    rows: list[pd.Series] = []
    current_rows: list[pd.Series] = []
    kept: list[pd.Timestamp] = []
    used: list[str] = []
    notes: list[str] = []
    held: pd.Series | None = None
    reason = ""
    for t in dates:
        past = prices.loc[prices.index < t]
        try:
            proposal = propose(
                spec, past, method=asked, settings=opt, asof=t, fallback=fallback
            )
            held = pd.Series(proposal.weights).reindex(tickers).fillna(0.0)
            used.append(proposal.used)
            notes += [f"{t.date()}: {n}" for n in proposal.notes]
        except OptimizationError as exc:
            reason = str(exc)
            if held is None:
                # Nothing fitted yet: the backtest (of both pies) starts later.
                notes.append(f"{t.date()}: no weights yet ({exc}); starting later")
                continue
            used.append("held")
            notes.append(f"{t.date()}: {exc}; kept the previous weights")
        listed = [c for c in tickers if c in past.columns and past[c].notna().any()]
        pie_now = pd.Series({c: effective[c] for c in listed}).reindex(tickers)
        pie_now = pie_now.fillna(0.0)
        rows.append(held)
        current_rows.append(pie_now / pie_now.sum())
        kept.append(t)
    if held is None:
        raise OptimizationError(
            f"no refit between {first.date()} and {last.date()} could be fitted: "
            f"{reason}"
        )
    dates = pd.DatetimeIndex(kept)

    schedule = pd.DataFrame(rows, index=dates, columns=tickers)
    current = pd.DataFrame(current_rows, index=dates, columns=tickers)
    returns = daily_returns(prices[tickers].astype(float)).fillna(0.0)
    returns = returns[(returns.index >= dates[0]) & (returns.index <= last)]
    wealth = pd.DataFrame(
        {
            "proposal": _buy_and_hold(returns, schedule),
            "current": _buy_and_hold(returns, current),
        }
    )
    before = prices.index[prices.index < dates[0]]
    origin = before[-1] if len(before) else dates[0] - pd.Timedelta(days=1)
    wealth = pd.concat(
        [pd.DataFrame({"proposal": [1.0], "current": [1.0]}, index=[origin]), wealth]
    )
    return WalkForward(
        method=asked.value,
        schedule=schedule,
        current=current,
        used=pd.Series(used, index=dates, name="used"),
        wealth=wealth,
        notes=tuple(notes),
    )


def _buy_and_hold(returns: pd.DataFrame, schedule: pd.DataFrame) -> pd.Series:
    """Growth of 1, buying ``schedule``'s weights on each of its dates and holding.

    Parameters
    ----------
    returns : DataFrame of shape (n_days, n)
        Simple daily returns, no NaN, starting on the first schedule date.
    schedule : DataFrame of shape (n_refits, n)
        Weights (rows sum to 1) decided on each date, same columns.
    """
    value = 1.0
    out = []
    bounds = [*schedule.index, returns.index[-1] + pd.Timedelta(days=1)]
    for k, t in enumerate(schedule.index):
        seg = returns[(returns.index >= t) & (returns.index < bounds[k + 1])]
        if seg.empty:
            continue
        growth = np.cumprod(1.0 + seg.to_numpy(), axis=0)
        path = value * growth @ schedule.iloc[k].to_numpy()
        out.append(pd.Series(path, index=seg.index))
        value = float(path[-1])
    return pd.concat(out)
