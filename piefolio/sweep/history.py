"""``sweep`` of start dates as one call: every start the history allows.

Begun only at the plan's start, a sweep of a young pie sees a handful of years
(32 three-year starts from 2021 for the AI-energy pie) and reports "100 % of
starts beat the S&P". By default the starts run over all the history every
series can have: each slice's own prices, then its declared proxy's returns
before it listed (as stress and Monte Carlo do), from the first day every
ticker of every series has a price. ``origin = "plan"`` keeps the old sweep:
starts from the plan's start, real prices only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from piefolio.errors import PlanError
from piefolio.models import replace
from piefolio.scenarios.proxies import splice_proxy
from piefolio.spec import PieSpec, Plan
from piefolio.sweep import starts as _starts
from piefolio.sweep.starts import StartSweep

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store
    from piefolio.engine.frame import Frame, Prices

__all__ = ["StartSettings", "Starts", "frame_for", "history_frame", "sweep_starts"]


class StartSettings(BaseModel):
    """How to sweep start dates: every option that changes a number.

    Attributes
    ----------
    every : {"month", "week", "quarter"}
        One start per period.
    horizon : str, optional
        Fixed length of each run ("3Y"); default: to the end of the data.
    origin : {"history", "plan"}
        Where the starts begin: the first day every series has a price
        through its proxies, or the plan's start (real prices only).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: Literal["month", "week", "quarter"] = "month"
    horizon: str | None = None
    origin: Literal["history", "plan"] = "history"


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class Starts:
    """A start sweep and the range it came from.

    Attributes
    ----------
    sweep : StartSweep
        One row per (start, series).
    settings : StartSettings
        The settings used.
    first, last : pd.Timestamp
        First and last start.
    proxied : tuple of str
        One note per ticker whose early part is its proxy's returns.
    paths : pd.DataFrame
        Value of the pie over time from its worst, median and best start by
        XIRR (:meth:`StartSweep.picks`), base currency; index: trading days
        since the start (so the three share one axis), one column per pick
        (``"best start 2020-03-02"``), NaN after a shorter run's end.
    benchmark_paths : dict of str to pd.DataFrame
        Benchmark name -> its value over time fed the same deposits from the
        same three starts: the same index and columns as ``paths``, so a
        column of each is one start's pie against that benchmark.
    """

    sweep: StartSweep
    settings: StartSettings
    first: pd.Timestamp
    last: pd.Timestamp
    proxied: tuple[str, ...]
    paths: pd.DataFrame
    benchmark_paths: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Number of start dates."""
        return int(self.sweep.rows["start"].nunique())

    @property
    def range_text(self) -> str:
        """The range in words: count, first and last start, and what bounds it."""
        where = (
            "the first day every series has a price, through its proxies"
            if self.settings.origin == "history"
            else "the plan's start"
        )
        return (
            f"{self.count} starts, {self.first.date()} to {self.last.date()} "
            f"(from {where})"
        )


def history_frame(
    spec: PieSpec, frame: Frame
) -> tuple[Prices, pd.Timestamp, list[str]]:
    """Splice declared proxies into the frame's young tickers.

    Parameters
    ----------
    spec : PieSpec
        The pie: its series and proxies.
    frame : Frame
        Prices of every ticker of every series and of the proxies, base
        currency, as much history as there is.

    Returns
    -------
    (Frame, pd.Timestamp, list of str)
        The frame of every series' tickers (proxies spliced in, dividends and FX
        carried), the first day all of them have a price, and a note per
        spliced ticker.
    """
    from piefolio.engine import frame_of, on_prices

    base = frame_of(frame)
    closes = pd.DataFrame(
        base.base, index=base.dates, columns=list(base.symbols)
    ).astype(float)
    tickers = list(dict.fromkeys(t for w in spec.series().values() for t in w))
    notes: list[str] = []
    out = closes[tickers].copy()
    for ticker, proxy in spec.pie.proxies().items():
        if ticker not in out or proxy not in closes:
            continue
        first = closes[ticker].first_valid_index()
        spliced = splice_proxy(closes[ticker], closes[proxy])
        if first is not None and spliced.first_valid_index() != first:
            out[ticker] = spliced
            listed = pd.Timestamp(str(first)).date()
            notes.append(f"{ticker} before {listed}: {proxy}'s returns")
    full = out.notna().all(axis=1)
    if not full.any():
        raise PlanError("no day on which every slice of every series has a price")
    return on_prices(base, out), pd.Timestamp(str(full.idxmax())), notes


def frame_for(
    spec: PieSpec,
    settings: StartSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load what :func:`sweep_starts` needs: all the history, or from the plan."""
    from piefolio.data import get_prices

    opt = settings or StartSettings()
    if opt.origin == "plan":
        return get_prices(spec, offline=offline, store=store)
    # A slice listed after the plan's start is no error here: its proxy, or a
    # later first start, covers it.
    lenient = replace(spec, plan=replace(spec.plan, late_listing="redistribute"))
    return get_prices(lenient, start=dt.date(2000, 1, 1), offline=offline, store=store)


def sweep_starts(
    spec: PieSpec,
    frame: Frame | None = None,
    *,
    settings: StartSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Starts:
    """Run the plan from every start date, for the pie and its benchmarks.

    Parameters
    ----------
    spec : PieSpec
        The pie; its plan runs from each start.
    frame : Frame, optional
        Prices of every series' tickers and the proxies (base currency); for
        ``origin = "history"``, as much history as there is (default:
        :func:`frame_for` from the store, offline).
    settings : StartSettings, optional
        Period, horizon, origin.
    progress : callable, optional
        ``progress(done, total)`` after each start.

    Returns
    -------
    Starts
    """
    opt = settings or StartSettings()
    if frame is None:
        frame = frame_for(spec, opt, offline=True)
    plan = spec.plan
    notes: list[str] = []
    if opt.origin == "history":
        frame, first, notes = history_frame(spec, frame)
        begin: dt.date = max(first.date(), dt.date(1900, 1, 1))
        # Every ticker is priced from ``first`` on, so no start needs the
        # plan's late-listing rule; the plan's own start no longer bounds it.
        plan = replace(spec.plan, start=begin, late_listing="error")
    sweep = _starts.sweep_starts(
        frame,
        spec.series(),
        plan,
        every=opt.every,
        horizon=opt.horizon,
        progress=progress,
    )
    starts = pd.DatetimeIndex(sweep.rows["start"].unique())
    paths = _pick_paths(frame, spec, plan, sweep)
    pie, *benchmarks = paths
    return Starts(
        sweep,
        opt,
        starts.min(),
        starts.max(),
        tuple(notes),
        paths[pie],
        {name: paths[name] for name in benchmarks},
    )


def _pick_paths(
    frame: Frame, spec: PieSpec, plan: Plan, sweep: StartSweep
) -> dict[str, pd.DataFrame]:
    """Re-run every series from the pie's worst, median and best start.

    Same frame and plan as the sweep, so each path ends on its sweep row;
    series name (the pie first) -> trading days since the start x pick.
    """
    from piefolio.engine import simulate
    from piefolio.periods import period_offset

    paths: dict[str, dict[str, pd.Series]] = {name: {} for name in spec.series()}
    for label, start in sweep.picks().items():
        end = start + period_offset(sweep.horizon) if sweep.horizon else None
        span = replace(plan, start=start.date(), end=end.date() if end else None)
        for name, weights in spec.series().items():
            run = simulate(frame, weights, span)
            column = f"{label} start {start.date()}"
            paths[name][column] = run.nav.reset_index(drop=True)
    out = {}
    for name, columns in paths.items():
        out[name] = pd.DataFrame(columns)
        out[name].index.name = "trading days since the start"
    return out
