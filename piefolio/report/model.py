"""The report's input: everything a page about one pie's run shows, as plain data.

The report never runs a backtest. An adapter (written next to the engine) turns a
run into one :class:`ReportData`; every view the report derives from it (drawdowns,
annual and monthly returns, rolling figures, tail risk, correlations) is computed
with :mod:`piefolio.analytics` in :mod:`piefolio.report.derived`.

Conventions
-----------
- Money is in the base currency ``currency``; returns and weights are fractions
  (0.05 is 5 %).
- Series are named by their display name; the **first** column of ``nav`` and
  ``unit_value`` (and the first row of ``summary``) is the pie, the others are its
  benchmarks run with the same deposits, in the same order.
- NaN means "not applicable" (a beta of the pie against itself, a ratio with no
  volatility) and is shown as a dash, never as 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from piefolio.analytics.inflation import RealReturns

__all__ = ["SUMMARY_COLUMNS", "ReportData"]

#: Columns ``ReportData.summary`` must carry (NaN where a figure does not apply).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "final_value",
    "deposited",
    "withdrawn",
    "profit",
    "twr",
    "twr_annual",
    "xirr",
    "volatility",
    "sharpe",
    "sortino",
    "max_drawdown",
    "calmar",
    "fees",
    "beta",
    "pme",
)


# eq=False: the fields are pandas objects, whose == is element-wise and whose hash
# is undefined, so dataclass equality would be wrong or raise.
@dataclass(frozen=True, slots=True, eq=False)
class ReportData:
    """One pie's run and its benchmarks, ready to be shown.

    Attributes
    ----------
    title : str
        The pie's name.
    currency : str
        Base currency code, e.g. ``"EUR"``.
    thesis : str
        Free text, may be empty; paragraphs are separated by blank lines.
    plan_text : str
        The plan in words (:func:`piefolio.report.format.plan_words`).
    generated : datetime.datetime
        When the run was made.
    notes : tuple of str
        Data notes: sources, proxies, stale data, price-only benchmarks.
    nav : pd.DataFrame, shape (n_days, n_series)
        NAV in the base currency; first column the pie, then the benchmarks, all
        fed the same deposits.
    unit_value : pd.DataFrame, shape (n_days, n_series)
        Time-weighted value per unit of each series, starting at 1.0.
    invested : pd.Series, shape (n_days,)
        Cumulative net money put in (deposits minus withdrawals), the same for
        every series.
    summary : pd.DataFrame, shape (n_series, n_figures)
        Index = series names (pie first); columns include
        :data:`SUMMARY_COLUMNS`; NaN where not applicable.
    verdicts : tuple of str
        One sentence per benchmark.
    weights : pd.DataFrame, shape (n_days, n_tickers)
        The pie's actual end-of-day weights (they drift between rebalances).
    targets : pd.Series, shape (n_tickers,)
        Ticker -> target effective weight (sums to 1).
    tree : pd.DataFrame
        Allocation tree with columns ``id``, ``parent`` (``""`` for the root's
        children), ``label`` and ``weight`` (effective).
    themes : Mapping[str, str]
        Ticker -> top-level theme name.
    waterfall : pd.Series
        Ordered steps of the ending value (deposits, withdrawals, price gains,
        dividends, FX effect, interest, fees negative, ..., ending value last).
    contributions : pd.DataFrame, shape (n_years, n_themes)
        Contribution of each theme to the pie's return per year, fractions.
    trades : pd.DataFrame
        Columns ``date``, ``symbol``, ``qty``, ``price``, ``value``, ``fee``; may be
        empty.
    prices : pd.DataFrame or None, shape (n_days, n_tickers)
        The slices' closes, for their correlation; None leaves that chart out.
    ran_out : Mapping[str, pd.Timestamp or None]
        Series -> the day its withdrawals took all it had (None: never).
    risk_free : float or None
        Annual risk-free rate of every ratio in ``summary`` (None: unknown).
    holdings : pd.DataFrame or None
        What the pie holds on the last day, from
        :func:`piefolio.analytics.holdings` (shares, price, value, weight,
        target, drift); None leaves the table out.
    real : RealReturns or None
        The run deflated by the price index of ``currency``
        (:func:`piefolio.analytics.real_returns`): real final value, deposits,
        TWR and XIRR per series and the real NAV; None when no index is stored.
    """

    title: str
    currency: str
    thesis: str
    plan_text: str
    generated: dt.datetime
    notes: tuple[str, ...]
    nav: pd.DataFrame
    unit_value: pd.DataFrame
    invested: pd.Series
    summary: pd.DataFrame
    verdicts: tuple[str, ...]
    weights: pd.DataFrame
    targets: pd.Series
    tree: pd.DataFrame
    themes: Mapping[str, str]
    waterfall: pd.Series
    contributions: pd.DataFrame
    trades: pd.DataFrame
    prices: pd.DataFrame | None = None
    ran_out: Mapping[str, pd.Timestamp | None] = field(default_factory=dict)
    risk_free: float | None = None
    holdings: pd.DataFrame | None = None
    real: RealReturns | None = None

    def __post_init__(self) -> None:
        # Check the traps that would draw a wrong page rather than fail: series
        # that do not line up, a summary in another order than the NAV.
        if self.nav.shape[1] < 1:
            raise ValueError("nav must have at least one column (the pie)")
        if list(self.unit_value.columns) != list(self.nav.columns):
            raise ValueError(
                "unit_value must have the columns of nav in the same order; got "
                f"{list(self.unit_value.columns)} and {list(self.nav.columns)}"
            )
        if list(self.summary.index) != list(self.nav.columns):
            raise ValueError(
                "summary must be indexed by the series of nav in the same order; "
                f"got {list(self.summary.index)} and {list(self.nav.columns)}"
            )
        missing = [c for c in SUMMARY_COLUMNS if c not in self.summary.columns]
        if missing:
            raise ValueError(f"summary lacks the columns {missing}")
        for name in ("nav", "unit_value", "weights"):
            frame = getattr(self, name)
            if not isinstance(frame.index, pd.DatetimeIndex):
                raise ValueError(f"{name} must be indexed by dates")
        missing_tree = {"id", "parent", "label", "weight"} - set(self.tree.columns)
        if missing_tree:
            raise ValueError(f"tree lacks the columns {sorted(missing_tree)}")

    @property
    def pie(self) -> str:
        """Name of the pie's series (the first column of ``nav``)."""
        return str(self.nav.columns[0])

    @property
    def series(self) -> list[str]:
        """Every series name, the pie first, then the benchmarks."""
        return [str(c) for c in self.nav.columns]

    @property
    def benchmarks(self) -> list[str]:
        """The benchmarks' names, in order (may be empty)."""
        return self.series[1:]
