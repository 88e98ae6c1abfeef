"""From a :class:`~piefolio.backtest.Backtest` to the :class:`ReportData` drawn.

Everything the page shows is computed here or in :mod:`piefolio.analytics`; the
report modules only format and draw. Conventions are those of the analytics
package: money in the pie's base currency, returns as fractions, the pie first and
then its benchmarks in the spec's order.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from piefolio.models import replace
from piefolio.report.format import plan_words
from piefolio.report.model import ReportData

if TYPE_CHECKING:
    from piefolio.analytics.inflation import PriceIndex, RealReturns
    from piefolio.backtest import Backtest
    from piefolio.spec import Pie

__all__ = [
    "allocation_tree",
    "late_listings",
    "listing_note",
    "period_text",
    "real_of",
    "report_data",
    "theme_contributions",
]

#: Said instead of a 0 dividends step when dividends are inside adjusted closes.
DIVIDENDS_INSIDE_NOTE = (
    "Dividends are reinvested inside the adjusted closes here, so the waterfall "
    "counts them in the price gains rather than as a step of their own."
)


def late_listings(prices: pd.DataFrame) -> pd.Series:
    """Slices whose first price comes after the run's first day.

    Parameters
    ----------
    prices : pd.DataFrame, shape (n_days, n_tickers)
        The slices' closes on the run's dates; NaN before a listing.

    Returns
    -------
    pd.Series
        Ticker -> first date with a price (``datetime.date``), only for the
        tickers listed after the first row, in column order.
    """
    if prices.empty:
        return pd.Series(dtype=object)
    start = prices.index[0]
    first = {str(t): prices[t].first_valid_index() for t in prices.columns}
    return pd.Series(
        {t: d.date() for t, d in first.items() if d is not None and d > start},
        dtype=object,
    )


def listing_note(late: pd.Series, targets: pd.Series) -> str | None:
    """Say which slices listed late and where their weight went meanwhile.

    Parameters
    ----------
    late : pd.Series
        Ticker -> first date with a price (:func:`late_listings`).
    targets : pd.Series
        Ticker -> target effective weight.

    Returns
    -------
    str or None
        One sentence; None when no slice listed late. The engine spreads the
        target of an unlisted slice over the listed ones in proportion to their
        targets, and buys the slice on its first price.
    """
    if late.empty:
        return None
    parts = [
        f"{t} ({100 * float(targets.get(t, 0.0)):.1f} % target) from {d.isoformat()}"
        for t, d in late.items()
    ]
    return (
        "Listed after the start: " + ", ".join(parts) + ". Until a slice had a "
        "price its target was spread over the slices that had one, in proportion "
        "to their targets, and it was bought on its first day."
    )


def period_text(index: pd.DatetimeIndex) -> str:
    """Say the run's first and last day and its length in words.

    Parameters
    ----------
    index : pd.DatetimeIndex
        The NAV's dates.

    Returns
    -------
    str
        ``"5.6 years of prices, 2021-01-04 to 2026-08-03."`` (years are
        calendar days / 365).
    """
    first, last = index[0].date(), index[-1].date()
    years = (last - first).days / 365.0
    return f"{years:.1f} years of prices, {first.isoformat()} to {last.isoformat()}."


def allocation_tree(pie: Pie) -> pd.DataFrame:
    """Flatten the nested pie into rows for a sunburst.

    Parameters
    ----------
    pie : Pie
        The pie's tree.

    Returns
    -------
    pd.DataFrame
        Columns ``id`` (the path, unique), ``parent`` (the parent's id, "" for a
        top-level slice), ``label`` and ``weight`` (effective, fraction of the pie).
    """
    rows: list[dict[str, object]] = []

    def walk(slices: tuple, parent: str, scale: float) -> None:  # type: ignore[type-arg]
        for s in slices:
            node = f"{parent}/{s.label}" if parent else s.label
            weight = scale * s.weight
            rows.append(
                {"id": node, "parent": parent, "label": s.label, "weight": weight}
            )
            if s.slices is not None:
                walk(s.slices, node, weight)

    walk(pie.slices, "", 1.0)
    return pd.DataFrame(rows, columns=["id", "parent", "label", "weight"])


def theme_contributions(
    daily: pd.DataFrame, themes: dict[str, dict[str, float]]
) -> pd.DataFrame:
    """Sum daily slice contributions into top-level themes.

    A ticker held in two themes is split between them in proportion to its
    effective weight in each, so the themes still add up to the slices.

    Parameters
    ----------
    daily : pd.DataFrame, shape (n_days, n_tickers)
        Daily contributions of each ticker to the pie's return.
    themes : dict
        Theme -> {ticker: effective weight}, from :meth:`Pie.themes`.

    Returns
    -------
    pd.DataFrame, shape (n_days, n_themes)
    """
    total: dict[str, float] = {}
    for members in themes.values():
        for ticker, w in members.items():
            total[ticker] = total.get(ticker, 0.0) + w
    out = {
        theme: sum(
            (daily[t] * (w / total[t]) for t, w in members.items() if total[t] > 0),
            start=pd.Series(0.0, index=daily.index),
        )
        for theme, members in themes.items()
    }
    return pd.DataFrame(out, index=daily.index)


def real_of(bt: Backtest, index: PriceIndex) -> tuple[RealReturns | None, str]:
    """Deflate a backtest by a price index; say what was done or why not.

    Parameters
    ----------
    bt : Backtest
        The pie and its benchmarks.
    index : PriceIndex
        The price index of the pie's currency.

    Returns
    -------
    (RealReturns or None, str)
        The real figures and :meth:`RealReturns.note`; or None and the reason
        (the index starts after the run).
    """
    from piefolio.analytics.inflation import real_returns
    from piefolio.backtest import external_flows

    try:
        real = real_returns(
            bt.nav(),
            bt.unit_value(),
            {name: external_flows(r) for name, r in bt.results.items()},
            index,
        )
    except ValueError as exc:
        return None, f"No real (inflation-adjusted) figures: {exc}."
    return real, real.note()


def report_data(
    bt: Backtest,
    *,
    generated: dt.datetime | None = None,
    price_index: PriceIndex | None = None,
) -> ReportData:
    """Gather what the report shows from a backtest.

    Parameters
    ----------
    bt : Backtest
        The pie and its benchmarks, run with one plan.
    generated : datetime, optional
        Time stamp printed on the page (default: now, local time).
    price_index : PriceIndex, optional
        The price index of the pie's currency: the report then gives real
        figures beside the nominal ones, and a note names the index and its
        last print (:func:`real_of`).

    Returns
    -------
    ReportData
    """
    from piefolio.analytics import (
        contributions_by_year,
        daily_contributions,
        daily_returns,
        holdings,
        waterfall,
    )

    spec = bt.spec
    pie = bt.pie
    currency = spec.pie.currency
    targets = pd.Series(spec.pie.effective_weights(), name="target")
    tickers = list(targets.index)
    prices = bt.frame.prices.loc[pie.nav.index, tickers]
    weights = pie.weights[tickers]
    local = bt.frame.local_prices().loc[pie.nav.index, tickers]
    fall = waterfall(
        pie.nav,
        pie.flows,
        pie.shares[tickers],
        prices,
        local_prices=local,
        fees=pie.fees,
    )
    steps = dict(fall.steps())
    notes = list(bt.notes())
    if bt.frame.dividends is None and steps.get("dividends") == 0.0:
        del steps["dividends"]
        notes.append(DIVIDENDS_INSIDE_NOTE)
    steps["ending value"] = fall.final_value
    listing = listing_note(late_listings(prices), targets)
    if listing is not None:
        notes.insert(0, listing)
    plan = spec.plan
    if plan.end is None and len(pie.nav.index):
        plan = replace(plan, end=pie.nav.index[-1].date())
    daily = daily_contributions(weights, prices)
    by_theme = theme_contributions(daily, spec.pie.themes())
    per_year = contributions_by_year(
        by_theme, portfolio_returns=daily_returns(pie.unit_value).loc[daily.index]
    )
    themes = {t: theme for theme, members in spec.pie.themes().items() for t in members}
    real = None
    if price_index is not None:
        real, said = real_of(bt, price_index)
        notes.append(said)
    return ReportData(
        title=spec.pie.name,
        currency=currency,
        thesis=spec.pie.thesis or "",
        plan_text=plan_words(plan, currency) + " " + period_text(pie.nav.index),
        generated=generated or dt.datetime.now(),
        notes=tuple(notes),
        nav=bt.nav(),
        unit_value=bt.unit_value(),
        invested=bt.invested(),
        summary=bt.summary(),
        verdicts=tuple(bt.verdicts()),
        weights=weights,
        targets=targets,
        tree=allocation_tree(spec.pie),
        themes=themes,
        waterfall=pd.Series(steps, name=currency),
        contributions=per_year,
        trades=pie.trades,
        prices=prices,
        ran_out=bt.ran_out(),
        risk_free=bt.rate,
        holdings=holdings(
            pie.shares[tickers].iloc[-1],
            prices.iloc[-1],
            targets.to_dict(),
            nav=float(pie.nav.iloc[-1]),
        ),
        real=real,
    )
