"""Every start date: the same plan begun in each month (or week) of the data.

"What if I had started in a bad month?" For each start, the pie and each of its
benchmarks run the plan (the same deposits on the same days), either to the end
of the data or for a fixed horizon ("10 years of 100 a month"); every start is
one window of a single :func:`~piefolio.engine.windows.simulate_windows` call,
which makes the frame's arrays once and slices them per start.

Conventions: a start is the first trading day of its month (or week) on or after
the plan's start and the first day where every slice of every series has a price
(with ``late_listing = "redistribute"``: at least one slice of each); with a
horizon, only starts whose horizon fits inside the data are run, so every row
covers the same length of time. Returns are fractions; XIRR is
:func:`piefolio.ledger.xirr` of the money that moved (a pie that ran out is
paid only the withdrawals it could still meet) and the final value, so the row
of a start equals the backtest of the plan begun that day. ``deposited`` and
``withdrawn`` are positive totals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from piefolio.errors import PlanError
from piefolio.ledger import positive_total
from piefolio.periods import period_offset
from piefolio.spec import Plan

if TYPE_CHECKING:
    from piefolio.engine.frame import Frame

__all__ = ["StartSweep", "start_dates", "sweep_starts"]

_FREQ = {"month": "M", "week": "W", "quarter": "Q"}


def start_dates(
    dates: pd.DatetimeIndex, every: str = "month", *, horizon: str | None = None
) -> pd.DatetimeIndex:
    """First trading day of each period whose run fits in the data.

    Parameters
    ----------
    dates : pd.DatetimeIndex
        Trading days with a price for every slice, sorted.
    every : {"month", "week", "quarter"}
        One start per period.
    horizon : str, optional
        Fixed length of each run (``"10Y"``); starts whose end falls after the
        last date are dropped.

    Returns
    -------
    pd.DatetimeIndex
    """
    if every not in _FREQ:
        raise PlanError(f"start every {every!r}: expected one of {', '.join(_FREQ)}")
    periods = dates.to_period(_FREQ[every])
    first = dates[np.r_[True, periods[1:] != periods[:-1]]]
    if horizon is not None:
        first = first[first + period_offset(horizon) <= dates[-1]]
    return pd.DatetimeIndex(first)


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class StartSweep:
    """Outcomes of one plan begun on each start date.

    Attributes
    ----------
    rows : pd.DataFrame
        One row per (start, series): ``start``, ``end``, ``series``,
        ``final_value``, ``deposited`` (money put in), ``withdrawn`` (money
        taken out, positive), ``profit`` (``final_value - deposited +
        withdrawn``), ``twr`` (total), ``xirr``, ``max_drawdown`` (of the unit
        value, negative).
    names : tuple of str
        Series names, the pie first.
    horizon : str or None
        The fixed horizon, if any.
    """

    rows: pd.DataFrame
    names: tuple[str, ...]
    horizon: str | None

    def distribution(self) -> pd.DataFrame:
        """Percentiles 5/50/95 and worst/best of XIRR and final value per series."""
        g = self.rows.groupby("series", sort=False)
        out = pd.DataFrame(
            {
                "starts": g.size(),
                "xirr_worst": g["xirr"].min(),
                "xirr_p5": g["xirr"].quantile(0.05),
                "xirr_median": g["xirr"].median(),
                "xirr_p95": g["xirr"].quantile(0.95),
                "xirr_best": g["xirr"].max(),
                "max_drawdown_median": g["max_drawdown"].median(),
                "max_drawdown_worst": g["max_drawdown"].min(),
            }
        )
        return out.loc[list(self.names)]

    def beat_share(self) -> pd.Series:
        """Share of start dates where the pie ended above each benchmark.

        Same deposits on the same days, so a higher final value is a higher
        money-weighted return.
        """
        wide = self.rows.pivot(index="start", columns="series", values="final_value")
        pie = wide[self.names[0]]
        return pd.Series(
            {b: float((pie > wide[b]).mean()) for b in self.names[1:]},
            name="pie_beat_share",
        )

    def picks(self) -> dict[str, pd.Timestamp]:
        """Return the pie's best, median and worst start by XIRR."""
        pie = self.rows[self.rows["series"] == self.names[0]].set_index("start")
        ranked = pie["xirr"].sort_values()
        return {
            "worst": ranked.index[0],
            "median": ranked.index[len(ranked) // 2],
            "best": ranked.index[-1],
        }


def sweep_starts(
    prices: pd.DataFrame | Frame,
    series: Mapping[str, Mapping[str, float]],
    plan: Plan,
    *,
    every: str = "month",
    horizon: str | None = None,
    fx_mask: pd.Series | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StartSweep:
    """Run the plan from every start date, for the pie and its benchmarks.

    Parameters
    ----------
    prices : Frame or pd.DataFrame
        The price frame (its dividends and FX mask come with it), or
        base-currency prices, dates x tickers; covering every series.
    series : Mapping[str, Mapping[str, float]]
        Name -> target weights; the pie first, then the benchmarks.
    plan : Plan
        The plan; its ``start`` and ``end`` are replaced for each run, and
        ``plan.start`` is the earliest start considered.
    every : {"month", "week", "quarter"}
        One start per period.
    horizon : str, optional
        Fixed length of each run; by default each runs to the end of the data
        (or to ``plan.end``).
    fx_mask : pd.Series, optional
        With a DataFrame of prices only: tickers that pay the FX fee.
    progress : callable, optional
        ``progress(done, total)`` after each start.

    Returns
    -------
    StartSweep
        Each row equals a backtest of the same plan begun on that start: final
        value, deposited, withdrawn and XIRR of the money that actually moved.
    """
    from piefolio.engine import frame_of
    from piefolio.engine.windows import simulate_windows

    frame = frame_of(prices, fx_mask=fx_mask)
    names = tuple(series)
    tickers = list(dict.fromkeys(t for w in series.values() for t in w))
    unknown = [t for t in tickers if t not in frame.symbols]
    if unknown:
        raise PlanError(f"no prices for {', '.join(unknown)}")
    dates = frame.dates
    lo = int(dates.searchsorted(pd.Timestamp(plan.start), side="left"))
    hi = (
        len(dates)
        if plan.end is None
        else int(dates.searchsorted(pd.Timestamp(plan.end), side="right"))
    )
    col = {t: frame.symbols.index(t) for t in tickers}
    priced = ~np.isnan(np.asarray(frame.base)[lo:hi])
    if plan.late_listing == "redistribute":
        # A late slice's weight goes to the others until it lists (the engine
        # does that), so a start only needs one priced slice per series.
        ready = np.ones(hi - lo, dtype=bool)
        for w in series.values():
            ready &= priced[:, [col[t] for t in w]].any(axis=1)
    else:
        ready = priced[:, [col[t] for t in tickers]].all(axis=1)
    if not ready.any():
        raise PlanError("no day on which every slice of every series has a price")
    window = dates[lo:hi][int(ready.argmax()) :]
    starts = start_dates(window, every, horizon=horizon)
    if len(starts) == 0:
        raise PlanError(
            f"no start date leaves {horizon} of data before {window[-1].date()}"
        )
    step = period_offset(horizon) if horizon else None
    ends = [(s + step).date() if step else plan.end for s in starts]
    # One engine call for every start: the frame's columns are made kernel
    # arrays once and each start runs on a slice of them.
    runs = simulate_windows(
        frame,
        series,
        plan,
        list(zip([s.date() for s in starts], ends, strict=True)),
        progress=progress,
    )
    finals, deposited, withdrawn = runs.final_value, runs.deposited, runs.withdrawn
    rows = {
        "start": starts.repeat(len(names)),
        "end": runs.last.repeat(len(names)),
        "series": list(names) * len(starts),
        "final_value": finals.ravel(),
        "deposited": deposited.ravel(),
        "withdrawn": [positive_total(x) for x in withdrawn.ravel()],
        "profit": (finals - deposited + withdrawn).ravel(),
        "twr": runs.twr.ravel(),
        "xirr": runs.xirr.ravel(),
        "max_drawdown": runs.max_drawdown.ravel(),
    }
    return StartSweep(pd.DataFrame(rows), names, horizon)
