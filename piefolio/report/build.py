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

from piefolio.report.model import ReportData

if TYPE_CHECKING:
    from piefolio.backtest import Backtest
    from piefolio.spec import Pie

__all__ = ["allocation_tree", "report_data", "theme_contributions"]


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


def report_data(bt: Backtest, *, generated: dt.datetime | None = None) -> ReportData:
    """Gather what the report shows from a backtest.

    Parameters
    ----------
    bt : Backtest
        The pie and its benchmarks, run with one plan.
    generated : datetime, optional
        Time stamp printed on the page (default: now, local time).

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
    steps["ending value"] = fall.final_value
    daily = daily_contributions(weights, prices)
    by_theme = theme_contributions(daily, spec.pie.themes())
    per_year = contributions_by_year(
        by_theme, portfolio_returns=daily_returns(pie.unit_value).loc[daily.index]
    )
    themes = {t: theme for theme, members in spec.pie.themes().items() for t in members}
    return ReportData(
        title=spec.pie.name,
        currency=currency,
        thesis=spec.pie.thesis or "",
        plan_text=spec.plan.describe(currency),
        generated=generated or dt.datetime.now(),
        notes=tuple(bt.notes()),
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
    )
