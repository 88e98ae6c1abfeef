"""``simulate`` as one call: pick a sample a user can defend, then run the plan.

A bootstrap can only replay the days it is given. Given the eight years since the
youngest slice listed, it replays a boom and calls a loss impossible. So the
sample is, by default, the longest history every slice can have: its own prices,
then its declared proxy's returns before it listed. The rules:

- The sample must reach back to ``since`` when it is given, and otherwise to 15
  years before the data end. A ticker whose history (through its proxy) starts
  later and that has no proxy is an error (exit 2) naming it, with a proxy
  suggested from the store; one whose proxy is itself too young shortens the
  sample, and the sample's sentence says so.
- A sample shorter than 15 years, or without a fall of the first benchmark worse
  than -30 %, is said in one plain sentence (:attr:`Sample.warning`).
- The horizon is calendar years from the day after the data end
  (:func:`~piefolio.scenarios.montecarlo.horizon_dates`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from piefolio.errors import DataUnavailable, PlanError, SpecError
from piefolio.scenarios import montecarlo as _mc
from piefolio.scenarios.montecarlo import MonteCarloResult, horizon_dates
from piefolio.scenarios.proxies import splice_proxy
from piefolio.scenarios.sampling import Normal, StationaryBootstrap, StudentT
from piefolio.spec import PieSpec

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store

__all__ = [
    "CRASH",
    "MIN_YEARS",
    "SAMPLERS",
    "Outlook",
    "Sample",
    "SimulateSettings",
    "frame_for",
    "monte_carlo",
    "proxy_candidates",
    "sample_history",
    "suggest_proxy",
]

#: A sample shorter than this many years is said to be short.
MIN_YEARS = 15
#: A sample whose first benchmark never fell further than this is said to be kind.
CRASH = -0.30

SAMPLERS = {"bootstrap": StationaryBootstrap, "normal": Normal, "student-t": StudentT}


class SimulateSettings(BaseModel):
    """How to run ``simulate``: every option that changes a number.

    Attributes
    ----------
    years : float
        Horizon in calendar years from the day after the data end.
    paths : int
        Number of paths.
    sampler : {"bootstrap", "normal", "student-t"}
        How paths are drawn from the sample.
    seed : int
        Seed of the whole run.
    goal : float, optional
        A final value (base currency) whose odds are reported.
    since, until : date, optional
        First and last day of the sample (default: as far back as every slice
        reaches through its proxy, and the data end).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: float = Field(default=10.0, gt=0, le=100)
    paths: int = Field(default=10_000, ge=1)
    sampler: Literal["bootstrap", "normal", "student-t"] = "bootstrap"
    seed: int = 0
    goal: float | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Sample:
    """The history the paths are drawn from.

    Attributes
    ----------
    start, end : pd.Timestamp
        First and last day of the daily returns.
    days : int
        Number of daily returns.
    proxied : tuple of str
        One note per ticker whose early part is its proxy's returns.
    deepest : float
        Deepest fall of the first benchmark (or of the pie, without one) inside
        the sample, a negative fraction.
    reference : str
        Whose fall ``deepest`` is.
    warning : str or None
        The plain sentence when the sample is short or holds no crash.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    days: int
    proxied: tuple[str, ...]
    deepest: float
    reference: str
    warning: str | None

    @property
    def years(self) -> float:
        """Calendar years the sample spans."""
        return (self.end - self.start).days / 365.25


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class Outlook:
    """A Monte Carlo of the plan and the sample it came from.

    Attributes
    ----------
    result : MonteCarloResult
        The paths' outcomes, the pie first.
    sample : Sample
        The history behind them.
    settings : SimulateSettings
        The settings used.
    horizon_start, horizon_end : pd.Timestamp
        First and last simulated day.
    """

    result: MonteCarloResult
    sample: Sample
    settings: SimulateSettings
    horizon_start: pd.Timestamp
    horizon_end: pd.Timestamp

    @property
    def basis(self) -> str:
        """The sample in words: sampler, days, dates and the proxies used."""
        s = self.sample
        return (
            f"{self.settings.sampler} of {s.days:,} daily returns "
            f"{s.start.date()} to {s.end.date()}"
            + (f" ({'; '.join(s.proxied)})" if s.proxied else "")
        )


def suggest_proxy(
    young: pd.Series, candidates: pd.DataFrame, before: pd.Timestamp
) -> tuple[str, float] | None:
    """Find the candidate listed by ``before`` whose returns follow ``young`` best.

    Parameters
    ----------
    young : pd.Series
        Prices of the young ticker.
    candidates : pd.DataFrame
        Prices of other tickers (dates x tickers).
    before : pd.Timestamp
        A candidate must have a price on or before this day.

    Returns
    -------
    (str, float) or None
        The ticker with the highest correlation of daily returns over at least
        250 shared days, and that correlation; None when no candidate qualifies.
    """
    r = young.pct_change(fill_method=None)
    best: tuple[str, float] | None = None
    for name in candidates.columns:
        if name == young.name:
            continue
        series = candidates[name]
        first = _first_day(series)
        if first is None or first > before:
            continue
        other = series.reindex(young.index).pct_change(fill_method=None)
        both = pd.concat([r, other], axis=1).dropna()
        if len(both) < 250:
            continue
        corr = float(both.iloc[:, 0].corr(both.iloc[:, 1]))
        if np.isfinite(corr) and (best is None or corr > best[1]):
            best = (str(name), corr)
    return best


def _first_day(prices: pd.Series) -> pd.Timestamp | None:
    """Return the day of the first price (None for a series without one)."""
    first = prices.first_valid_index()
    return None if first is None else pd.Timestamp(str(first))


def _drawdown(values: pd.Series) -> float:
    return float((values / values.cummax() - 1.0).min())


def sample_history(
    spec: PieSpec,
    prices: pd.DataFrame,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    candidates: Callable[[], pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, Sample]:
    """Cut the daily returns every series can be simulated from.

    Parameters
    ----------
    spec : PieSpec
        The pie; its benchmarks and proxies.
    prices : pd.DataFrame
        Dates x tickers in the base currency: every ticker of the pie and its
        benchmarks, and the proxies, NaN before a ticker's first price.
    since, until : date, optional
        First and last day wanted.
    candidates : callable, optional
        Returns the prices of every stored ticker, to suggest a proxy in the
        error for a young slice without one.

    Returns
    -------
    (pd.DataFrame, Sample)
        Simple daily returns (days x symbols of every series, no NaN) and what
        they are.

    Raises
    ------
    SpecError
        A ticker younger than the wanted start has no proxy.
    DataUnavailable
        A ticker and its declared proxy have not one price between them.
    PlanError
        Fewer than 250 days remain.
    """
    series = spec.series()
    symbols = list(dict.fromkeys(t for w in series.values() for t in w))
    proxies = spec.pie.proxies()
    prices = prices.sort_index()
    if until is not None:
        prices = prices.loc[: pd.Timestamp(until)]
    if prices.empty:
        raise PlanError(f"no prices up to {until}; pick a later --until")
    last = prices.index[-1]
    wanted = (
        pd.Timestamp(since)
        if since is not None
        else last - pd.DateOffset(years=MIN_YEARS)
    )
    cols: dict[str, pd.Series] = {}
    notes: list[str] = []
    held = set(spec.pie.effective_weights())
    only_benchmark = {
        t for b in spec.benchmarks for t in b.effective_weights() if t not in held
    }
    for s in symbols:
        own = prices[s]
        first = _first_day(own)
        proxy = proxies.get(s)
        if proxy is not None and proxy in prices and first is None:
            # Not one price of its own: the proxy stands in whole, as it does in
            # a stress window the slice never traded in.
            own = prices[proxy].rename(s)
            if _first_day(own) is not None:
                notes.append(f"{s} throughout: {proxy}'s returns (no price of its own)")
        elif proxy is not None and proxy in prices and first is not None:
            spliced = splice_proxy(own, prices[proxy])
            if spliced.first_valid_index() != first:
                notes.append(f"{s} before {first.date()}: {proxy}'s returns")
                own = spliced
        begins = _first_day(own)
        # A week of slack: a --since on a weekend or a holiday is still met.
        if begins is None or (proxy is None and begins > wanted + pd.Timedelta(days=7)):
            young = _Young(s, begins, wanted, since, s in only_benchmark, proxy)
            # With a proxy declared the pie is fine and only data is missing (exit 3).
            error = SpecError if proxy is None else DataUnavailable
            raise error(young.message(spec, prices, candidates))
        cols[s] = own
    frame = pd.DataFrame(cols)
    # A day's return needs the day before: the first return of a ticker is its
    # second price, and --since D keeps the returns dated D and later.
    returns = frame.pct_change(fill_method=None).dropna()
    if since is not None:
        returns = returns.loc[pd.Timestamp(since) :]
    if len(returns) < 250:
        raise PlanError(
            f"only {len(returns)} days where every slice has a price; the samplers "
            "need a year or more: declare proxies for young tickers or move --since"
        )
    if spec.benchmarks:
        bench = spec.benchmarks[0]
        reference, weights = bench.name, bench.effective_weights()
    else:
        reference, weights = spec.pie.name, spec.pie.effective_weights()
    w = pd.Series(weights, dtype=float)
    growth = (1.0 + returns[list(w.index)] @ (w / w.sum())).cumprod()
    deepest = min(_drawdown(growth), 0.0)
    sample = Sample(
        start=returns.index[0],
        end=returns.index[-1],
        days=len(returns),
        proxied=tuple(notes),
        deepest=deepest,
        reference=reference,
        warning=None,
    )
    return returns, _with_warning(sample)


def _with_warning(sample: Sample) -> Sample:
    short = sample.years < MIN_YEARS
    kind = sample.deepest > CRASH
    span = f"{sample.start.date()} to {sample.end.date()}"
    fall = (
        f"no fall of {sample.reference} worse than {CRASH:.0%} (its deepest is "
        f"{sample.deepest:.1%})"
    )
    if short and kind:
        text = (
            f"The sample is only {sample.years:.1f} years ({span}) and holds {fall}: "
            "the paths never meet a crash like 2008's, so these odds are kinder "
            "than history has been."
        )
    elif short:
        text = (
            f"The sample is only {sample.years:.1f} years ({span}), under "
            f"{MIN_YEARS}: these odds rest on few market cycles."
        )
    elif kind:
        text = (
            f"The sample ({span}) holds {fall}: these odds are kinder than "
            "history has been."
        )
    else:
        return sample
    return Sample(
        sample.start, sample.end, sample.days, sample.proxied, sample.deepest,
        sample.reference, text,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Young:
    """A ticker short of the sample's start: no proxy, or a proxy as unpriced."""

    ticker: str
    begins: pd.Timestamp | None
    wanted: pd.Timestamp
    since: dt.date | None
    benchmark: bool
    proxy: str | None = None

    def message(
        self,
        spec: PieSpec,
        prices: pd.DataFrame,
        candidates: Callable[[], pd.DataFrame] | None,
    ) -> str:
        """Say what is missing and how to fix it, with a proxy from the store."""
        t = self.ticker
        where = f"{spec.source}: " if spec.source is not None else ""
        if self.proxy is not None:
            # Reached only when neither the slice nor its proxy has one price.
            return (
                f"{where}{t} has no prices, nor has its proxy {self.proxy}: fetch "
                f"them (`piefolio data fetch {t} {self.proxy}`) or import a file "
                "(`piefolio data import FILE`)"
            )
        need = (
            f"--since {self.since}"
            if self.since is not None
            else f"{MIN_YEARS} years before the data end ({self.wanted.date()})"
        )
        listed = (
            "no prices"
            if self.begins is None
            else f"prices only since {self.begins.date()}"
        )
        head = f"{where}{t} has {listed}, after {need}, and no proxy"
        later = (
            "" if self.begins is None else f"; or sample --since {self.begins.date()}"
        )
        if self.benchmark:
            return f"{head}: a benchmark borrows no history; pick an older one{later}"
        hint = ""
        if candidates is not None and t in prices:
            young = prices[t].rename(t)
            found = suggest_proxy(young, candidates().reindex(young.index), self.wanted)
            if found is not None:
                hint = (
                    f' (e.g. proxy = "{found[0]}": listed by {self.wanted.date()}, '
                    f"correlation {found[1]:.2f} with {t}'s daily returns)"
                )
        return (
            f"{head}: declare a proxy on its slice{hint}, a longer-listed ticker "
            f"whose returns stand in for its missing past{later}"
        )


def frame_for(
    spec: PieSpec,
    settings: SimulateSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load what :func:`monte_carlo` needs: all the history, proxies included.

    A slice listed after the plan's start is no error here: its proxy, or a
    shorter sample, covers it, and :func:`sample_history` says which.
    """
    from piefolio.data import get_prices
    from piefolio.models import replace

    lenient = replace(spec, plan=replace(spec.plan, late_listing="redistribute"))
    return get_prices(lenient, start=dt.date(2000, 1, 1), offline=offline, store=store)


def proxy_candidates(spec: PieSpec, *, store: Store | None = None) -> pd.DataFrame:
    """Every stored ticker's prices in the base currency, to suggest a proxy.

    Pass ``lambda: proxy_candidates(spec)`` as :func:`monte_carlo`'s
    ``candidates``: it loads only when a young slice has no proxy. Currency
    pairs and indices (``^``) are no proxy for a fund and are left out.

    Returns
    -------
    pd.DataFrame
        Dates x tickers from 2000 on, NaN before a ticker's first price.
    """
    from piefolio.data import get_prices
    from piefolio.data.store import Store
    from piefolio.models import replace

    names = [
        i.symbol
        for i in (store or Store()).symbols()
        if "=" not in i.symbol and not i.symbol.startswith("^")
    ]
    lenient = replace(spec, plan=replace(spec.plan, late_listing="redistribute"))
    frame = get_prices(
        lenient, start=dt.date(2000, 1, 1), offline=True, extra=names, store=store
    )
    return frame.prices


def monte_carlo(
    spec: PieSpec,
    frame: PriceFrame | None = None,
    *,
    settings: SimulateSettings | None = None,
    candidates: Callable[[], pd.DataFrame] | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: str | Any = "local",
    workers: int | None = None,
) -> Outlook:
    """Run the plan forward on many paths drawn from a defensible sample.

    Parameters
    ----------
    spec : PieSpec
        The pie and its benchmarks; its plan is what runs.
    frame : PriceFrame, optional
        Prices of the pie's, benchmarks' and proxies' tickers, as much history
        as there is (default: :func:`frame_for` from the store, offline).
    settings : SimulateSettings, optional
        Horizon, paths, sampler, seed, goal, sample window.
    candidates : callable, optional
        Every stored ticker's prices, to suggest proxies in errors.
    progress, executor, workers
        As for :func:`piefolio.scenarios.montecarlo.monte_carlo`.

    Returns
    -------
    Outlook
    """
    from piefolio.engine import frame_of, total_return_prices

    opt = settings or SimulateSettings()
    if frame is None:
        frame = frame_for(spec, opt, offline=True)
    symbols = list(dict.fromkeys(t for w in spec.series().values() for t in w))
    whole = frame_of(frame)
    mask = dict(zip(whole.symbols, whole.fx_mask, strict=True))
    fx_mask = {s: bool(mask[s]) for s in symbols}
    # Total returns: a dividends = "cash" pie's closes are price-only, and the
    # paths must still carry its dividends.
    prices = total_return_prices(frame)
    returns, sample = sample_history(
        spec, prices, since=opt.since, until=opt.until, candidates=candidates
    )
    draw = SAMPLERS[opt.sampler](np.ascontiguousarray(returns.to_numpy()))
    # The day after the last day every series has a price (FX may run later).
    held = prices[list(returns.columns)].sort_index().dropna()
    start = held.index[-1] + pd.offsets.BDay(1)
    dates = horizon_dates(start, opt.years)
    result = _mc.monte_carlo(
        draw,
        list(returns.columns),
        spec.series(),
        spec.plan,
        start=dates[0],
        years=opt.years,
        paths=opt.paths,
        seed=opt.seed,
        goal=opt.goal,
        fx_mask=fx_mask,
        progress=progress,
        executor=executor,
        workers=workers,
    )
    return Outlook(result, sample, opt, dates[0], dates[-1])
