"""``thesis``: every claim of a pie judged today and through its history.

For each claim: its price check (the claims check's latest window, when it
names ``long`` and ``short``) and its indicators (latest value and date, the
series' trend over 3 and 12 months, where the value stands against its
threshold), one verdict with the sentence that explains it, and the dates its
state changed since the plan's start with the pie's return against its first
benchmark over the 6 and 12 months after each.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from piefolio.errors import DataUnavailable, SpecError
from piefolio.spec import Claim, Indicator, PieSpec
from piefolio.thesis.history import (
    AFTER,
    after_by_state,
    claim_states,
    known_from,
    monthly_readings,
    relative_after,
    state_changes,
)
from piefolio.thesis.indicators import (
    PERIODIC,
    change,
    fails,
    holds,
    transform,
)
from piefolio.thesis.verdict import Signal, State, Verdict, verdict_of
from piefolio.thesis.words import condition_words

if TYPE_CHECKING:
    from piefolio.backtest import Backtest
    from piefolio.data.series import StoredSeries
    from piefolio.data.store import Store
    from piefolio.scenarios.claims import ClaimCheck

__all__ = [
    "PRICE_CHECK",
    "TRENDS",
    "IndicatorReading",
    "SeriesReader",
    "ThesisReport",
    "judge",
    "read_first",
    "stale_words",
    "starting",
    "store_reader",
    "thesis",
]

#: The name of a claim's price check among its signals.
PRICE_CHECK = "price check"
#: The spans of an indicator's trend: the series' own change over each.
TRENDS = ("3M", "12M")


#: Reads one stored series by id; raises DataUnavailable when it is absent.
SeriesReader = Callable[[str], "StoredSeries"]


def store_reader(store: Store | None = None) -> SeriesReader:
    """Read series from the store, each on its own dates (see ``read_series``).

    A ticker reads its total-return (adjusted) closes; a missing series raises
    DataUnavailable naming the ``data import`` / ``data fetch`` that brings it.
    """
    from piefolio.data.series import read_series
    from piefolio.data.store import Store

    source = store or Store()
    return lambda symbol: read_series(source, symbol)


def read_first(spec: PieSpec, read: SeriesReader) -> SeriesReader:
    """Read every series the indicators name now, before any backtest.

    A missing series then stops the command at once, its message naming the
    pie file and the indicator that reads it.

    Returns
    -------
    SeriesReader
        Gives each series read here from memory (others through ``read``).

    Raises
    ------
    DataUnavailable
        An indicator's series (or its ``relative:`` reference) is not stored.
    """
    got: dict[str, StoredSeries] = {}
    for i, ind in enumerate(spec.indicators):
        for symbol in (ind.series, ind.rule.symbol):
            if symbol is None or symbol in got:
                continue
            try:
                got[symbol] = read(symbol)
            except DataUnavailable as exc:
                where = spec.source or "the pie"
                raise DataUnavailable(
                    f"{where}: indicators[{i}] ({ind.id!r}) reads {exc}"
                ) from exc
    return lambda symbol: got[symbol] if symbol in got else read(symbol)


def stale_words(series: StoredSeries, as_of: dt.date) -> str | None:
    """Say that ``series`` is stale on ``as_of``, or return None when it is not."""
    if not series.is_stale(as_of):
        return None
    return (
        f"{series.id} last printed {series.last_date.isoformat()}, "
        f"{(as_of - series.last_date).days} days before {as_of.isoformat()}: "
        f"longer than a {series.frequency} series may go "
        f"({series.stale_after().days} days)"
    )


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds Series
class IndicatorReading:
    """One indicator read on its series.

    Attributes
    ----------
    indicator : Indicator
    series : StoredSeries
    values : pd.Series
        The transformed values on the series' own dates (NaN before the
        transform has history).
    failing : pd.Series
        1.0 where the signal fails, 0.0 where it does not, NaN unread; same dates.
    trend : dict[str, float]
        The series' own change over each of :data:`TRENDS` to its latest date.
    stale : str or None
        A sentence when the series has not printed for longer than its
        frequency allows (see :func:`stale_words`), else None.
    """

    indicator: Indicator
    series: StoredSeries
    values: pd.Series
    failing: pd.Series
    trend: dict[str, float]
    stale: str | None = None

    @property
    def _read(self) -> pd.Series:
        # The dates with a transformed value: a relative: reference that has not
        # printed the series' last dates yet leaves them NaN, and the reading is
        # then the latest one both have, dated so.
        return self.values.dropna()

    @property
    def latest_date(self) -> dt.date | None:
        """The date of the latest transformed value (the series' last date else)."""
        read = self._read
        if len(read):
            return read.index[-1].date()
        index = self.series.values.index
        return index[-1].date() if len(index) else None

    @property
    def level(self) -> float:
        """The series' latest value, untransformed, in its own unit."""
        return float(self.series.values.iloc[-1])

    @property
    def latest(self) -> float:
        """The latest transformed value (NaN without one)."""
        read = self._read
        return float(read.iloc[-1]) if len(read) else math.nan

    @property
    def margin(self) -> float:
        """How far the latest value is past its threshold, toward the condition.

        Positive: the condition holds by that much; negative: it misses.
        """
        ind = self.indicator
        gap = self.latest - ind.threshold
        return gap if ind.side == "above" else -gap

    def signal(self) -> Signal:
        """Today's signal of this indicator."""
        read = self._read
        last = float(self.failing.loc[read.index[-1]]) if len(read) else math.nan
        failing = None if math.isnan(last) else bool(last)
        return Signal(
            self.indicator.id,
            condition_words(self.indicator, self.series.unit),
            self.latest,
            failing,
        )


def read_indicator(
    indicator: Indicator,
    read: SeriesReader,
    *,
    cache: dict[str, StoredSeries],
    as_of: dt.date,
) -> IndicatorReading:
    """Read one indicator's series (and reference), transform and test it."""

    def get(symbol: str) -> StoredSeries:
        if symbol not in cache:
            cache[symbol] = read(symbol)
        return cache[symbol]

    series = get(indicator.series)
    rule = indicator.rule
    reference = get(rule.symbol) if rule.symbol is not None else None
    values = transform(
        series.values,
        rule,
        series.frequency,
        reference=None if reference is None else reference.values,
        reference_frequency="daily" if reference is None else reference.frequency,
    )
    failing = fails(holds(values, indicator), indicator.means)
    trend = {
        span: float(change(series.values, span, series.frequency).iloc[-1])
        for span in TRENDS
    }
    stale = stale_words(series, as_of)
    return IndicatorReading(indicator, series, values, failing, trend, stale)


def _price_signal(claim: Claim, check: ClaimCheck) -> Signal:
    condition = (
        f"{' + '.join(claim.long)} beats {' + '.join(claim.short)} over {claim.horizon}"
    )
    failing = None if math.isnan(check.latest) else bool(check.latest <= 0)
    return Signal(PRICE_CHECK, condition, check.latest, failing)


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds frames
class ThesisReport:
    """Every claim of a pie judged today and through its history.

    Attributes
    ----------
    spec : PieSpec
    verdicts : tuple of Verdict
        One per claim, in the spec's order.
    readings : tuple of IndicatorReading
        One per indicator, in the spec's order.
    checks : dict[str, ClaimCheck]
        Claim id -> its price check, for claims that name ``long`` and ``short``.
    relative : pd.Series or None
        The pie's time-weighted growth against its first benchmark's since the
        plan's start, ``(1 + R_pie) / (1 + R_bench) - 1``; None without a
        benchmark.
    benchmark : str or None
        The first benchmark's name.
    changes : pd.DataFrame
        One row per change of a claim's state since the plan's start: ``claim``,
        ``date``, ``from``, ``to``, then the pie's return against the benchmark
        over each span of :data:`~piefolio.thesis.history.AFTER` (``after_6M``,
        ``after_12M``; NaN where the data ends first).
    states : dict[str, pd.Series]
        Claim id -> its state on each date of its history since the plan's start
        (see :func:`~piefolio.thesis.history.claim_states`).
    """

    spec: PieSpec
    verdicts: tuple[Verdict, ...]
    readings: tuple[IndicatorReading, ...]
    checks: dict[str, ClaimCheck]
    relative: pd.Series | None
    benchmark: str | None
    changes: pd.DataFrame
    states: dict[str, pd.Series]

    @property
    def stale(self) -> list[str]:
        """One sentence per stale series an indicator reads."""
        return list(dict.fromkeys(r.stale for r in self.readings if r.stale))

    def after_by_state(self) -> pd.DataFrame:
        """Summarise the returns after the changes, by claim and state entered.

        See :func:`~piefolio.thesis.history.after_by_state`.
        """
        return after_by_state(self.changes)

    def worst(self) -> State:
        """Return the most alarming state of any claim."""
        return max((v.state for v in self.verdicts), key=lambda s: s.level)

    def reaches(self, state: State) -> bool:
        """Whether some claim is in ``state`` or worse (``--fail-on``)."""
        return any(v.state.level >= state.level for v in self.verdicts)


def judge(
    spec: PieSpec,
    readings: tuple[IndicatorReading, ...],
    checks: dict[str, ClaimCheck],
    unit_values: pd.DataFrame | None,
    start: pd.Timestamp | None = None,
) -> tuple[tuple[Verdict, ...], pd.DataFrame, dict[str, pd.Series]]:
    """Judge each claim today and list the changes of its state.

    Parameters
    ----------
    spec : PieSpec
    readings : tuple of IndicatorReading
    checks : dict[str, ClaimCheck]
        Price checks of the claims that have one.
    unit_values : pd.DataFrame or None
        Unit values of the pie and its first benchmark (two columns): the
        returns after each change; None (no benchmark): no returns.
    start : Timestamp, optional
        Where the history starts (the backtest's first day); the states' whole
        span when None.

    Returns
    -------
    tuple of Verdict, pd.DataFrame, dict
        The verdicts in the spec's order; the changes and each claim's states
        (see :attr:`ThesisReport.changes` and :attr:`ThesisReport.states`).
    """
    by_id = {r.indicator.id: r for r in readings}
    verdicts = []
    rows = []
    history_of: dict[str, pd.Series] = {}
    for claim in spec.claims:
        signals: list[Signal] = []
        history: dict[str, pd.Series] = {}
        check = checks.get(claim.id)
        if check is not None:
            signals.append(_price_signal(claim, check))
            monthly = monthly_readings(check.relative)
            history[PRICE_CHECK] = (monthly <= 0).astype(np.float64)
        for ind in spec.indicators_of(claim.id):
            reading = by_id[ind.id]
            signals.append(reading.signal())
            flags = reading.failing
            if reading.series.frequency not in PERIODIC:
                flags = monthly_readings(flags)
            history[ind.id] = known_from(flags, reading.series.frequency, ind.published)
        verdicts.append(verdict_of(claim.id, signals))
        states = claim_states(history)
        if start is not None:
            states = _from_day(states, start)
        found = state_changes(states)
        found.insert(0, "claim", claim.id)
        rows.append(found)
        history_of[claim.id] = states
    changes = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if changes.empty:
        changes = pd.DataFrame(columns=["claim", "date", "from", "to"])
    for span in AFTER:
        changes[f"after_{span}"] = (
            relative_after(unit_values, pd.DatetimeIndex(changes["date"]), span)
            if unit_values is not None and len(changes)
            else np.full(len(changes), np.nan)
        )
    changes = changes.sort_values(["date", "claim"], ignore_index=True)
    return tuple(verdicts), changes, history_of


def _from_day(states: pd.Series, start: pd.Timestamp) -> pd.Series:
    """Cut a claim's states to ``start`` on, the state known then dated ``start``.

    A change after ``start`` is measured from the state known on it (the last
    one before it), not from the first state dated after it.
    """
    before = states[states.index < start]
    after = states[states.index >= start]
    if before.empty or (len(after) and after.index[0] == start):
        return after
    known = pd.Series([before.iloc[-1]], index=pd.DatetimeIndex([start]))
    return pd.concat([known, after])


def starting(spec: PieSpec, since: dt.date | None) -> PieSpec:
    """Return the spec with its plan begun on ``since``, for a longer history.

    The history of the verdicts and the returns after each change span the
    backtest; an earlier start gives them more years (a slice listed later
    then needs the plan's ``late_listing = "redistribute"``, as for any start).
    """
    from piefolio.models import replace

    if since is None:
        return spec
    return replace(spec, plan=replace(spec.plan, start=since))


def thesis(
    spec: PieSpec,
    bt: Backtest,
    read: SeriesReader,
    *,
    as_of: dt.date | None = None,
) -> ThesisReport:
    """Judge every claim of ``spec`` today and through the backtest's span.

    Parameters
    ----------
    spec : PieSpec
        The pie, its claims and indicators.
    bt : Backtest
        The pie and its benchmarks run with the plan: the price checks run on
        its prices, the history's returns on its unit values.
    read : SeriesReader
        Where the indicators' series come from (see :func:`store_reader`).
    as_of : date, optional
        The day staleness is judged on (default today).

    Returns
    -------
    ThesisReport

    Raises
    ------
    SpecError
        The spec has no claims.
    DataUnavailable
        A series an indicator reads is not stored (the message names it and the
        command that would bring it).
    """
    from piefolio.scenarios.claims import check_claims

    if not spec.claims:
        where = spec.source or "the pie"
        raise SpecError(
            f"{where}: no [[claims]] to judge; add one with 'long' and 'short', or "
            "one named by an [[indicators]] entry"
        )
    read = read_first(spec, read)
    cache: dict[str, StoredSeries] = {}
    today = as_of or dt.date.today()
    readings = tuple(
        read_indicator(ind, read, cache=cache, as_of=today) for ind in spec.indicators
    )
    checks = (
        {c.claim.id: c for c in check_claims(spec, bt.frame)}
        if any(c.has_price_check for c in spec.claims)
        else {}
    )
    units = bt.unit_value()
    benchmark = spec.benchmarks[0].name if spec.benchmarks else None
    pair = units[[spec.pie.name, benchmark]] if benchmark is not None else None
    relative = None
    if pair is not None:
        grown = pair / pair.iloc[0]
        relative = (grown.iloc[:, 0] / grown.iloc[:, 1] - 1.0).rename("relative")
    verdicts, changes, states = judge(spec, readings, checks, pair, units.index[0])
    return ThesisReport(
        spec, verdicts, readings, checks, relative, benchmark, changes, states
    )
