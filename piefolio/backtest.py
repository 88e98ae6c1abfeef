"""Backtest a pie and its benchmarks with the same plan, the same deposits.

This is the glue of the public API: prices from :mod:`piefolio.data`, one engine
run per series (the pie, then each benchmark, all fed the same cash flows on the
same days), and the headline numbers of :mod:`piefolio.analytics`.

Comparisons are like for like: every benchmark runs with the pie's plan (initial
amount, deposits, withdrawals, rebalancing, fees, FX, cash interest), so "the
same 100 EUR a month into the S&P 500" is exactly what the benchmark row shows.
Metrics against a benchmark (beta, capture, PME...) use the *first* benchmark of
the spec unless another is named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from piefolio.errors import PlanError
from piefolio.report.format import comparison_words
from piefolio.spec import PieSpec, load_pie

#: Trading days a backtest needs for every figure of its summary.
MIN_DAYS = 3

if TYPE_CHECKING:
    from piefolio.analytics.performance import Performance
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store
    from piefolio.engine.result import Result
    from piefolio.typing import PathLike

__all__ = ["Backtest", "BacktestSettings", "backtest", "external_flows", "frame_for"]


def external_flows(result: Result) -> pd.Series:
    """Net money put into a pie per day (deposits +, withdrawals -), by date.

    Parameters
    ----------
    result : Result
        An engine result; its ``flows`` ledger signs money into the pie positive.

    Returns
    -------
    pd.Series
        One value per day with a deposit or withdrawal, base currency, initial
        amount included.
    """
    flows = result.flows
    ext = flows[flows["kind"].isin(["deposit", "withdrawal"])]
    out = ext.groupby("date")["amount"].sum()
    out.index = pd.DatetimeIndex(out.index)
    return out.astype("float64")


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds results
class Backtest:
    """A pie and its benchmarks run with one plan over one price frame.

    Attributes
    ----------
    spec : PieSpec
        The pie that was run.
    frame : PriceFrame
        The prices used (base currency), with their notes.
    results : dict[str, Result]
        Series name -> engine result; the pie first, then the benchmarks in
        the spec's order.
    risk_free : float, optional
        Annual risk-free rate of the Sharpe and Sortino ratios, the same for
        every series; None means the plan's ``cash_interest``.
    """

    spec: PieSpec
    frame: PriceFrame
    results: dict[str, Result]
    risk_free: float | None = None

    @property
    def rate(self) -> float:
        """The annual risk-free rate every ratio of this backtest uses."""
        if self.risk_free is not None:
            return self.risk_free
        return float(self.spec.plan.cash_interest)

    def rate_note(self) -> str:
        """Name the risk-free rate and where it came from, for under a table."""
        where = (
            "set with --risk-free"
            if self.risk_free is not None
            else "the plan's cash_interest; --risk-free sets another"
        )
        return (
            f"Sharpe and Sortino use a risk-free rate of {self.rate:.2%} a year for "
            f"every series ({where})"
        )

    def ran_out(self) -> dict[str, pd.Timestamp | None]:
        """Series name -> the day its withdrawals took all it had, or None."""
        return {name: r.ran_out for name, r in self.results.items()}

    @property
    def pie(self) -> Result:
        """The pie's own result."""
        return self.results[self.spec.pie.name]

    @property
    def names(self) -> list[str]:
        """Series names, the pie first."""
        return list(self.results)

    def nav(self) -> pd.DataFrame:
        """Daily NAV of every series (dates x names), base currency."""
        return pd.DataFrame({n: r.nav for n, r in self.results.items()})

    def unit_value(self) -> pd.DataFrame:
        """Daily time-weighted unit value of every series (dates x names)."""
        return pd.DataFrame({n: r.unit_value for n, r in self.results.items()})

    def invested(self) -> pd.Series:
        """Cumulative net money put in by each date (same for every series)."""
        flows = external_flows(self.pie).reindex(self.pie.nav.index, fill_value=0.0)
        return flows.cumsum().rename("invested")

    def performance(
        self, name: str | None = None, *, against: str | None = None
    ) -> Performance:
        """Headline numbers of one series against a benchmark.

        Parameters
        ----------
        name : str, optional
            The series (default: the pie).
        against : str, optional
            The benchmark to compare with (default: the spec's first benchmark;
            none when the spec has none or ``name`` is that benchmark).
        """
        from piefolio.analytics.performance import performance

        name = name or self.spec.pie.name
        result = self.results[name]
        bench_name = against
        if bench_name is None and self.spec.benchmarks:
            bench_name = self.spec.benchmarks[0].name
        bench = (
            self.results[bench_name].unit_value
            if bench_name is not None and bench_name != name
            else None
        )
        return performance(
            result.nav,
            result.unit_value,
            external_flows(result),
            benchmark_unit_value=bench,
            benchmark_name=bench_name or "benchmark",
            risk_free=self.rate,
        )

    def summary(self) -> pd.DataFrame:
        """One row per series: the numbers a person compares first.

        Columns: final value, deposited, withdrawn, profit, TWR (total and a
        year), XIRR, volatility, Sharpe, Sortino, max drawdown, Calmar, daily VaR
        and expected shortfall (95 %), fees, and against the first benchmark:
        beta and PME. Money in the base currency, returns as
        fractions.
        """
        rows = {}
        for name, result in self.results.items():
            perf = self.performance(name)
            comp = perf.benchmark
            # The engine's totals: a deposit and a withdrawal on the same day
            # both count, where the day's net flow would hide them.
            rows[name] = {
                "final_value": perf.final_value,
                "deposited": result.deposited,
                "withdrawn": result.withdrawn,
                "profit": result.final_value - result.deposited + result.withdrawn,
                "twr": perf.total_return,
                "twr_annual": perf.cagr,
                "xirr": perf.money_weighted_return,
                "volatility": perf.volatility,
                "sharpe": perf.sharpe,
                "sortino": perf.sortino,
                "max_drawdown": perf.max_drawdown.depth,
                "calmar": perf.calmar,
                "var_95": perf.var_95,
                "es_95": perf.es_95,
                "fees": result.fees,
                "beta": comp.beta if comp else math.nan,
                "pme": comp.pme if comp else math.nan,
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def notes(self) -> list[str]:
        """List what a reader should know about the data behind the numbers."""
        out = [*self.frame.notes, *self.spec.pie.notes()]
        out += [
            f"{b.name} ({b.ticker}) is a price index: its dividends are not in it, "
            "so it understates a fund that tracks it"
            for b in self.spec.benchmarks
            if b.ticker and b.ticker.startswith("^")
        ]
        out += [f"gap: {gap}" for gap in self.frame.gaps]
        out += [
            f"{name} ran out of money on {when.date()}: the withdrawals took all "
            "it had, and later ones found nothing to take"
            for name, when in self.ran_out().items()
            if when is not None
        ]
        out.append(self.rate_note())
        return out

    def verdicts(self) -> list[str]:
        """Say, one line per benchmark, whether the pie beat it with the same money.

        What the investor got is the final value plus the money taken out (the
        same plan can withdraw more from one series than another when one runs
        out first); a gap that rounds to 0 is said to be level, with no points.
        """
        pie = self.pie
        got = pie.final_value + pie.withdrawn
        out = []
        for bench in self.spec.benchmarks:
            other = self.results[bench.name]
            out.append(
                comparison_words(
                    bench.name,
                    got,
                    other.final_value + other.withdrawn,
                    currency=self.spec.pie.currency,
                    withdrawals=pie.withdrawn > 0 or other.withdrawn > 0,
                    xirr_gap=pie.xirr - other.xirr,
                )
            )
        return out


class BacktestSettings(BaseModel):
    """What a backtest may be told beyond its pie file.

    Attributes
    ----------
    risk_free : float, optional
        Annual risk-free rate of every ratio (default: the plan's
        ``cash_interest``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    risk_free: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


def frame_for(
    spec: PieSpec,
    settings: BacktestSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load the prices a backtest runs on: the pie's, its benchmarks', its plan's."""
    from piefolio.data import get_prices

    return get_prices(spec, store=store, offline=offline)


def backtest(
    spec: PieSpec | PathLike,
    frame: PriceFrame | None = None,
    *,
    settings: BacktestSettings | None = None,
    store: Store | None = None,
    offline: bool = False,
) -> Backtest:
    """Run a pie and its benchmarks over real prices with the pie's plan.

    Parameters
    ----------
    spec : PieSpec or path
        The pie, or its TOML file.
    frame : PriceFrame, optional
        Prices to use, whole (dividends and FX mask with them); by default
        :func:`frame_for` loads them (store first, then live providers unless
        ``offline``).
    settings : BacktestSettings, optional
        The risk-free rate of the ratios.
    store : Store, optional
        The price store (default: the user's), when the frame is loaded here.
    offline : bool
        Never touch the network; use stored prices only.

    Returns
    -------
    Backtest

    Raises
    ------
    SpecError, PlanError, DataUnavailable
        A bad spec, a plan the data cannot run, or missing prices.
    """
    from piefolio.engine import simulate

    if not isinstance(spec, PieSpec):
        spec = load_pie(spec)
    settings = settings or BacktestSettings()
    if frame is None:
        frame = frame_for(spec, settings, offline=offline, store=store)
    results = {
        name: simulate(frame, weights, spec.plan)
        for name, weights in spec.series().items()
    }
    # Every figure of the summary needs returns, a benchmark's tracking error
    # two of them: three days (a one-day run crashed the summary).
    days = results[spec.pie.name].nav.index
    if len(days) < MIN_DAYS:
        raise PlanError(
            f"the plan runs on {len(days)} trading day(s) ({days[0].date()} to "
            f"{days[-1].date()}); expected at least {MIN_DAYS}: start earlier, end "
            "later, or fetch newer prices"
        )
    return Backtest(spec, frame, results, settings.risk_free)
