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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

from piefolio.errors import PlanError
from piefolio.models import replace
from piefolio.scenarios.proxies import splice_proxy
from piefolio.spec import PieSpec
from piefolio.sweep.starts import StartSweep, sweep_starts

if TYPE_CHECKING:
    from piefolio.engine.frame import Frame

__all__ = ["StartSettings", "Starts", "history_frame", "start_sweep"]


@dataclass(frozen=True, slots=True)
class StartSettings:
    """How to sweep start dates.

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

    every: str = "month"
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
    """

    sweep: StartSweep
    settings: StartSettings
    first: pd.Timestamp
    last: pd.Timestamp
    proxied: tuple[str, ...]

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
    spec: PieSpec, frame: object
) -> tuple[object, pd.Timestamp, list[str]]:
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
            notes.append(f"{ticker} before {first.date()}: {proxy}'s returns")
    full = out.notna().all(axis=1)
    if not full.any():
        raise PlanError("no day on which every slice of every series has a price")
    return on_prices(base, out), pd.Timestamp(full.idxmax()), notes


def start_sweep(
    spec: PieSpec,
    frame: Frame,
    *,
    settings: StartSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Starts:
    """Run the plan from every start date, for the pie and its benchmarks.

    Parameters
    ----------
    spec : PieSpec
        The pie; its plan runs from each start.
    frame : Frame
        Prices of every series' tickers and the proxies (base currency); for
        ``origin = "history"``, as much history as there is.
    settings : StartSettings, optional
        Period, horizon, origin.
    progress : callable, optional
        ``progress(done, total)`` after each start.

    Returns
    -------
    Starts
    """
    opt = settings or StartSettings()
    if opt.origin == "plan":
        sweep = sweep_starts(
            frame,
            spec.series(),
            spec.plan,
            every=opt.every,
            horizon=opt.horizon,
            progress=progress,
        )
        notes: list[str] = []
    else:
        spliced, first, notes = history_frame(spec, frame)
        begin: dt.date = max(first.date(), dt.date(1900, 1, 1))
        # Every ticker is priced from ``first`` on, so no start needs the
        # plan's late-listing rule; the plan's own start no longer bounds it.
        plan = replace(spec.plan, start=begin, late_listing="error")
        sweep = sweep_starts(
            spliced,
            spec.series(),
            plan,
            every=opt.every,
            horizon=opt.horizon,
            progress=progress,
        )
    starts = pd.DatetimeIndex(sweep.rows["start"].unique())
    return Starts(sweep, opt, starts.min(), starts.max(), tuple(notes))
