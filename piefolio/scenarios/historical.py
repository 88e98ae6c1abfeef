"""Historical stress: today's pie replayed over the market's worst windows.

The pie's *target weights* are bought on a window's first day with a lump sum
(10,000 in the base currency; no deposits) and run with the plan's rebalancing and
fees through the window and on to the end of the data, so that the time to
recover can be measured. Benchmarks are replayed the same way.

Per series and window:

- ``return``: NAV at the window's last day over NAV at its first day, minus 1;
- ``max_drawdown``: the deepest fall from a running peak inside the window (a
  negative fraction);
- ``trough``: the day the deepest fall bottomed (the end of ``max_drawdown``);
- ``days_to_recover``: calendar days from that trough until the NAV is back at
  the peak before it (the prior peak, as a drawdown's recovery is measured;
  None if it never was, within the data).
- Returns are in the base currency (a EUR pie's US slices fall and recover in
  EUR, FX moves included).

Slices that did not trade during a window borrow a declared proxy's returns (the
slice's ``proxy`` in the spec), else are left out with their weight spread pro
rata; both are reported (see :mod:`piefolio.scenarios.proxies`).

:func:`stress` is the verb: the windows and the scenario files of its
:class:`StressSettings`, on the frame :func:`frame_for` loads, as one
:class:`StressReport` the CLI and the Python API present alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from piefolio.errors import PlanError
from piefolio.models import replace
from piefolio.scenarios.proxies import fill_with_proxies
from piefolio.scenarios.shocks import (
    Scenario,
    ShockResult,
    load_scenario,
    shock_spec,
)
from piefolio.spec import PieSpec, Plan

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store
    from piefolio.engine.frame import Frame

__all__ = [
    "WINDOWS",
    "ShockRun",
    "StressReport",
    "StressRow",
    "StressSettings",
    "StressWindow",
    "frame_for",
    "replay",
    "replay_windows",
    "stress",
]

# Peak and trough days of the S&P 500 for each episode.
WINDOWS: dict[str, tuple[str, str]] = {
    "dot-com bust": ("2000-03-24", "2002-10-09"),
    "2008 crisis": ("2007-10-09", "2009-03-09"),
    "2020 crash": ("2020-02-19", "2020-03-23"),
    "2022 rate shock": ("2022-01-03", "2022-10-12"),
}

LUMP_SUM = 10_000.0


@dataclass(frozen=True, slots=True)
class StressRow:
    """One series (the pie or a benchmark) over one window."""

    name: str
    total_return: float
    max_drawdown: float
    trough: pd.Timestamp | None
    days_to_recover: int | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StressWindow:
    """A window and how the pie and each benchmark went through it."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    rows: tuple[StressRow, ...]


def _replay_plan(plan: Plan, start: pd.Timestamp) -> Plan:
    return replace(
        plan,
        start=start.date(),
        end=None,
        initial=LUMP_SUM,
        deposits=None,
        withdrawals=None,
        late_listing="error",
    )


def replay(
    prices: pd.DataFrame | Frame,
    weights: Mapping[str, float],
    plan: Plan,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    name: str,
    proxies: Mapping[str, str] | None = None,
) -> StressRow:
    """Replay target weights through ``[start, end]`` and on until recovery.

    Parameters
    ----------
    prices : Frame or pd.DataFrame
        The price frame (its cash dividends and FX mask are replayed too), or
        total-return closes in the base currency, dates x tickers; holdings and
        their proxies, covering the window and, for the recovery, what follows.
    weights : Mapping[str, float]
        Target weights (sum to 1).
    plan : Plan
        The pie's plan: its rebalancing and fees are used; amounts are not.
    start, end : pd.Timestamp
        The window.
    name : str
        Label of the row.
    proxies : Mapping[str, str], optional
        Ticker -> proxy for missing history.

    Returns
    -------
    StressRow
    """
    from piefolio.engine import frame_of, on_prices, simulate

    frame = frame_of(prices)
    closes = frame.prices
    days = closes.index[(closes.index >= start)]
    if len(days) == 0 or days[0] > end:
        raise PlanError(f"{name}: no prices between {start.date()} and {end.date()}")
    first = days[0]
    # The replay runs past the window to measure the recovery, so a slice must
    # have prices (its own or its proxy's) from the window's start to the end.
    filled = fill_with_proxies(closes, weights, proxies or {}, first, closes.index[-1])
    if not filled.weights:
        raise PlanError(
            f"{name}: none of its tickers has prices from {first.date()} on"
        )
    # The filled closes keep the frame's dividends and FX mask: a cash-dividend
    # pie is paid its dividends in a crisis too, a foreign slice pays its FX fee.
    replayed = on_prices(frame, filled.prices)
    result = simulate(replayed, filled.weights, _replay_plan(plan, first))
    nav = result.nav
    window = nav.loc[first:end]
    peak = window.cummax()
    drawdown = window / peak - 1.0
    trough = drawdown.idxmin()
    prior_peak = float(peak.loc[trough])
    after = nav.loc[trough:]
    back = after[after >= prior_peak]
    recover = None if back.empty else int((back.index[0] - trough).days)
    return StressRow(
        name=name,
        total_return=float(window.iloc[-1] / window.iloc[0] - 1.0),
        max_drawdown=float(drawdown.min()),
        trough=pd.Timestamp(str(trough)),
        days_to_recover=recover,
        notes=tuple(filled.notes()),
    )


def replay_windows(
    spec: PieSpec,
    prices: pd.DataFrame | Frame,
    windows: Mapping[str, tuple[str, str]] | None = None,
) -> list[StressWindow]:
    """Replay the pie and its benchmarks over named windows.

    Parameters
    ----------
    spec : PieSpec
        The pie (target weights, proxies, plan) and its benchmarks.
    prices : Frame or pd.DataFrame
        The price frame, or total-return closes in the base currency, for every
        ticker and proxy.
    windows : Mapping[str, tuple[str, str]], optional
        Name -> (first day, last day), ISO dates; :data:`WINDOWS` by default.
        Windows that start before the data are skipped.

    Returns
    -------
    list of StressWindow
    """
    from piefolio.engine import frame_of

    frame = frame_of(prices)
    dates = frame.dates
    proxies = spec.pie.proxies()
    out = []
    for label, (a, b) in (windows or WINDOWS).items():
        start, end = pd.Timestamp(a), pd.Timestamp(b)
        if end <= start:
            raise PlanError(f"stress window {label!r}: end {b} is not after start {a}")
        if start < dates[0] or start > dates[-1]:
            continue
        rows = tuple(
            _replay_or_note(frame, w, spec.plan, start, end, n, proxies)
            for n, w in spec.series().items()
        )
        out.append(StressWindow(label, start, end, rows))
    return out


def _replay_or_note(
    prices: Frame,
    weights: Mapping[str, float],
    plan: Plan,
    start: pd.Timestamp,
    end: pd.Timestamp,
    name: str,
    proxies: Mapping[str, str],
) -> StressRow:
    """Replay one series; one without any price in the window gets an empty row.

    A benchmark younger than the window (IWM in March 2000) should not stop the
    other rows: its row says why it is empty.
    """
    try:
        return replay(prices, weights, plan, start, end, name=name, proxies=proxies)
    except PlanError as exc:
        nan = float("nan")
        return StressRow(name, nan, nan, None, None, notes=(str(exc),))


# ------------------------------------------------------------------------ the verb


class StressSettings(BaseModel):
    """What a stress test replays and shocks.

    Attributes
    ----------
    windows : dict of str to (date, date), optional
        Name -> (first day, last day); :data:`WINDOWS` when None.
    scenarios : tuple of Path
        Shock scenario files (see :mod:`piefolio.scenarios.shocks`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    windows: dict[str, tuple[dt.date, dt.date]] | None = None
    scenarios: tuple[Path, ...] = ()

    @field_validator("windows")
    @classmethod
    def _ends_after_start(
        cls, value: dict[str, tuple[dt.date, dt.date]] | None
    ) -> dict[str, tuple[dt.date, dt.date]] | None:
        for label, (a, b) in (value or {}).items():
            if b <= a:
                raise ValueError(f"window {label!r}: end {b} is not after start {a}")
        return value

    def spans(self) -> dict[str, tuple[str, str]]:
        """Name -> (first day, last day) as ISO dates, the defaults filled in."""
        if self.windows is None:
            return dict(WINDOWS)
        return {k: (a.isoformat(), b.isoformat()) for k, (a, b) in self.windows.items()}


@dataclass(frozen=True, slots=True)
class ShockRun:
    """One scenario file applied to the pie and each benchmark."""

    path: Path
    scenario: Scenario
    rows: list[ShockResult]


@dataclass(frozen=True, slots=True)
class StressReport:
    """A stress test's outcome: windows replayed, scenarios applied, what was skipped.

    Attributes
    ----------
    windows : tuple of StressWindow
        The windows that fall inside the data, in the settings' order.
    shocks : tuple of ShockRun
        Each scenario file, its scenario and its moves of the pie and each
        benchmark.
    skipped : tuple of str
        Windows that start outside the data.
    """

    windows: tuple[StressWindow, ...]
    shocks: tuple[ShockRun, ...]
    skipped: tuple[str, ...]


def frame_for(
    spec: PieSpec,
    settings: StressSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load the prices a stress test needs: from the first window, with factors.

    Late listings are allowed when loading: a window only needs the tickers that
    traded then, and each row says what was missing (the replay itself never
    redistributes: see :func:`replay`).
    """
    from piefolio.data import get_prices

    settings = settings or StressSettings()
    first = min(dt.date.fromisoformat(a) for a, _ in settings.spans().values())
    themes = set(spec.pie.themes())
    factors = [
        f
        for path in settings.scenarios
        for f in load_scenario(path).shocks
        if f not in themes
    ]
    lenient = replace(spec, plan=replace(spec.plan, late_listing="redistribute"))
    return get_prices(
        lenient,
        start=min(first, spec.plan.start),
        offline=offline,
        store=store,
        extra=factors,
    )


def stress(
    spec: PieSpec,
    frame: PriceFrame | Frame | None = None,
    *,
    settings: StressSettings | None = None,
) -> StressReport:
    """Replay the pie over past crises and shock it with scenario files.

    Parameters
    ----------
    spec : PieSpec
        The pie, its benchmarks, proxies and plan (rebalancing and fees).
    frame : PriceFrame, optional
        Prices from the first window on, with the scenarios' factors; loaded by
        :func:`frame_for` when None.
    settings : StressSettings, optional
        Windows and scenario files (default: :data:`WINDOWS`, no scenario).

    Returns
    -------
    StressReport

    Raises
    ------
    SpecError
        A scenario file is missing or invalid.
    PlanError
        A window cannot be replayed.
    """
    from piefolio.engine import frame_of

    settings = settings or StressSettings()
    scenarios = [(path, load_scenario(path)) for path in settings.scenarios]
    if frame is None:
        frame = frame_for(spec, settings)
    whole = frame_of(frame)
    spans = settings.spans()
    windows = replay_windows(spec, whole, spans)
    shocks = tuple(
        ShockRun(path, sc, shock_spec(spec, whole.prices, sc)) for path, sc in scenarios
    )
    done = {w.name for w in windows}
    return StressReport(
        tuple(windows), shocks, tuple(n for n in spans if n not in done)
    )
