"""Plotly figures of a pie's report, one small function per chart.

Every function takes plain data (a :class:`~piefolio.report.model.ReportData` or a
few pandas objects) and returns a new ``plotly.graph_objects.Figure``; nothing is
written or shown here. Numbers come from :mod:`piefolio.report.derived`, which
calls :mod:`piefolio.analytics`.

Conventions
-----------
- Returns, drawdowns, weights and contributions are fractions; axes format them
  as percentages (``tickformat=".0%"``).
- Money is in the report's base currency, named in the axis title.
- The pie is drawn first, thicker and in the first colour; benchmarks follow in
  the order of ``ReportData.nav``.
- A chart that has nothing to show (no benchmark, no prices, no trades, a run
  shorter than a rolling window) is ``None`` from the ``*_figure`` functions that
  say so, and left out of the page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from piefolio.report import derived
from piefolio.report._style import DIVERGING, GREY, colour, layout, line_width
from piefolio.report.model import ReportData

# Re-exported: the scenario pages find every chart function here.
from piefolio.report.scenario_figures import FAN_PERCENTILES, claims_figure, fan_figure

__all__ = [
    "FAN_PERCENTILES",
    "OTHER_LABEL",
    "allocation_figure",
    "annual_returns_figure",
    "claims_figure",
    "contributions_figure",
    "correlation_figure",
    "drawdown_figure",
    "drift_figure",
    "fan_figure",
    "growth_figure",
    "monthly_heatmap_figure",
    "report_figures",
    "rolling_figure",
    "trades_figure",
    "waterfall_figure",
]


def growth_figure(data: ReportData) -> Any:
    """Growth of the deposits: NAV of the pie and each benchmark, and money put in.

    Parameters
    ----------
    data : ReportData
        Uses ``nav`` and ``invested``.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per series in the base currency, the pie's real value
        (dotted, money of the first day) when ``real`` is known, and a dashed
        grey line of the cumulative net deposits; buttons switch the y axis
        between linear and log scale.
    """
    fig = go.Figure()
    for i, name in enumerate(data.series):
        fig.add_trace(
            go.Scatter(
                x=data.nav.index,
                y=data.nav[name],
                name=name,
                mode="lines",
                line={"color": colour(i), "width": line_width(i)},
            )
        )
    if data.real is not None:
        # The pie's value with inflation taken out, in money of the first day.
        fig.add_trace(
            go.Scatter(
                x=data.real.nav.index,
                y=data.real.nav[data.pie],
                name=f"{data.pie}, real ({data.real.start.date()} "
                f"{data.currency}, {data.real.index.name})",
                mode="lines",
                line={"color": colour(0), "width": 1.5, "dash": "dot"},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=data.invested.index,
            y=data.invested,
            name="Money put in",
            mode="lines",
            line={"color": GREY, "dash": "dash", "shape": "hv"},
        )
    )
    fig.update_layout(
        yaxis_title=data.currency,
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "x": 1.0,
                "xanchor": "right",
                "y": 1.12,
                "showactive": True,
                "buttons": [
                    {
                        "label": "Linear",
                        "method": "relayout",
                        "args": [{"yaxis.type": "linear"}],
                    },
                    {
                        "label": "Log",
                        "method": "relayout",
                        "args": [{"yaxis.type": "log"}],
                    },
                ],
            }
        ],
    )
    return layout(fig, "Growth of the deposits")


def drawdown_figure(data: ReportData) -> Any:
    """Underwater curve: how far each series is below its previous high.

    Parameters
    ----------
    data : ReportData
        Uses ``unit_value`` (time-weighted, so deposits do not hide a fall).

    Returns
    -------
    plotly.graph_objects.Figure
        The pie's drawdown filled down from 0, benchmarks as lines; y in percent.
    """
    dd = derived.drawdowns(data)
    fig = go.Figure()
    for i, name in enumerate(data.series):
        fig.add_trace(
            go.Scatter(
                x=dd.index,
                y=dd[name],
                name=name,
                mode="lines",
                fill="tozeroy" if i == 0 else None,
                line={"color": colour(i), "width": line_width(i)},
            )
        )
    fig.update_yaxes(tickformat=".0%", title="below previous high")
    return layout(fig, "Drawdowns")


def annual_returns_figure(data: ReportData) -> Any:
    """Calendar-year returns of the pie and its benchmarks, side by side.

    Parameters
    ----------
    data : ReportData
        Uses ``unit_value``.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars, one group per year, time-weighted returns in percent; the
        first and last years may be partial.
    """
    table = derived.annual_table(data)
    fig = go.Figure()
    for i, name in enumerate(data.series):
        fig.add_trace(
            go.Bar(
                x=[str(y) for y in table.index],
                y=table[name],
                name=name,
                marker_color=colour(i),
                hovertemplate="%{y:.1%}",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", title="return")
    fig.update_xaxes(type="category")
    return layout(fig, "Annual returns")


def monthly_heatmap_figure(data: ReportData) -> Any:
    """Heatmap of the pie's monthly returns, years down and months across.

    Parameters
    ----------
    data : ReportData
        Uses the pie's ``unit_value``.

    Returns
    -------
    plotly.graph_objects.Figure
        Cells coloured red (loss) to green (gain), centred on 0, labelled with
        the return in percent; blank outside the run.
    """
    table = derived.monthly_table(data)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
    months += ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    values = table.to_numpy(dtype="float64")
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.1
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=months,
            y=[str(y) for y in table.index],
            colorscale=DIVERGING,
            zmid=0.0,
            zmin=-limit,
            zmax=limit,
            texttemplate="%{z:.1%}",
            hovertemplate="%{y} %{x}: %{z:.2%}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(hovermode="closest")
    height = max(260, 40 + 28 * len(table.index))
    return layout(fig, f"Monthly returns of {data.pie}", height=height)


def rolling_figure(data: ReportData) -> Any | None:
    """Draw the rolling 12-month return, volatility and beta of every series.

    Parameters
    ----------
    data : ReportData
        Uses ``unit_value``; beta is against the first benchmark.

    Returns
    -------
    plotly.graph_objects.Figure or None
        Stacked panels sharing the date axis; None when the run is shorter than
        12 months plus a day (every window would be empty).
    """
    table = derived.rolling_table(data)
    if table.dropna(how="all").empty:
        return None
    figures = list(dict.fromkeys(table.columns.get_level_values(0)))
    titles = {
        "return": "12-month return",
        "volatility": "12-month volatility",
        "sharpe": "12-month Sharpe ratio",
        "beta": f"12-month beta to {data.benchmarks[0]}" if data.benchmarks else "",
    }
    fig = make_subplots(
        rows=len(figures),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=[titles[f] for f in figures],
    )
    for row, figure in enumerate(figures, start=1):
        for i, name in enumerate(data.series):
            if (figure, name) not in table.columns:
                continue
            fig.add_trace(
                go.Scatter(
                    x=table.index,
                    y=table[(figure, name)],
                    name=name,
                    legendgroup=name,
                    showlegend=row == 1,
                    mode="lines",
                    line={"color": colour(i), "width": line_width(i)},
                ),
                row=row,
                col=1,
            )
        if figure in ("return", "volatility"):
            fig.update_yaxes(tickformat=".0%", row=row, col=1)
    return layout(fig, "Rolling 12 months", height=220 + 180 * len(figures))


def _subtree_weights(
    ids: list[str], parents: list[str], weights: pd.Series
) -> list[float]:
    # A branch is drawn as the sum of the leaves under it, not its own stated
    # weight: with branchvalues="total" plotly drops a branch whose children add
    # up to more than it (a rounded weight would be enough), so derive it.
    leaf_weight = dict(zip(ids, weights.astype("float64"), strict=True))
    children: dict[str, list[str]] = {}
    for node, parent in zip(ids, parents, strict=True):
        children.setdefault(parent, []).append(node)

    def total(node: str) -> float:
        kids = children.get(node)
        return sum(total(k) for k in kids) if kids else leaf_weight[node]

    return [total(node) for node in ids]


def allocation_figure(data: ReportData) -> Any:
    """Sunburst of the allocation tree: themes inside, slices outside.

    Parameters
    ----------
    data : ReportData
        Uses ``tree`` (effective target weights).

    Returns
    -------
    plotly.graph_objects.Figure
        A sunburst where each ring's area is the effective weight.
    """
    tree = data.tree
    ids = tree["id"].astype(str).tolist()
    parents = tree["parent"].astype(str).tolist()
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            parents=parents,
            labels=tree["label"].astype(str).tolist(),
            values=_subtree_weights(ids, parents, tree["weight"]),
            branchvalues="total",
            hovertemplate="%{label}: %{value:.1%} of the pie<extra></extra>",
            texttemplate="%{label}<br>%{value:.1%}",
            insidetextorientation="radial",
        )
    )
    fig.update_layout(hovermode="closest")
    return layout(fig, "Allocation (target weights)", height=480)


def drift_figure(data: ReportData) -> Any:
    """Drift of each slice from its target weight, one small panel per theme.

    Parameters
    ----------
    data : ReportData
        Uses ``weights``, ``targets`` and ``themes``.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per top-level theme (slices without a theme share one),
        sharing the date axis and the drift scale; in each, one line per slice
        of actual minus target weight in percentage points, 0 on target. A
        theme has few slices, so colours never repeat inside a panel.
    """
    drift = derived.drift(data)
    groups: dict[str, list[str]] = {}
    for ticker in drift.columns:
        groups.setdefault(str(data.themes.get(str(ticker), "Other slices")), []).append(
            str(ticker)
        )
    fig = make_subplots(
        rows=len(groups),
        cols=1,
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=min(0.08, 0.3 / max(len(groups), 1)),
        subplot_titles=list(groups),
    )
    for row, members in enumerate(groups.values(), start=1):
        for i, ticker in enumerate(members):
            fig.add_trace(
                go.Scatter(
                    x=drift.index,
                    y=drift[ticker],
                    name=ticker,
                    mode="lines",
                    line={"color": colour(i), "width": 1.2},
                    hovertemplate=ticker + " %{y:+.1%}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        fig.add_hline(y=0.0, line={"color": GREY, "width": 1}, row=row, col=1)
    fig.update_yaxes(tickformat="+.0%")
    fig.update_yaxes(title="actual minus target", row=(len(groups) + 1) // 2, col=1)
    return layout(fig, "Weight drift by theme", height=140 + 150 * len(groups))


def waterfall_figure(data: ReportData) -> Any:
    """Waterfall of the ending value: deposits, gains, costs, then the total.

    Parameters
    ----------
    data : ReportData
        Uses ``waterfall``, whose last step is the ending value.

    Returns
    -------
    plotly.graph_objects.Figure
        Each step a bar from the running total (green up, red down); the last bar
        the ending value from 0.
    """
    steps = data.waterfall.astype("float64")
    measure = ["relative"] * (len(steps) - 1) + ["total"]
    fig = go.Figure(
        go.Waterfall(
            x=[str(s) for s in steps.index],
            y=steps.to_numpy(),
            measure=measure,
            texttemplate="%{y:,.0f}",
            textposition="outside",
            hovertemplate="%{x}: %{y:,.2f} " + data.currency + "<extra></extra>",
        )
    )
    fig.update_yaxes(title=data.currency)
    fig.update_layout(hovermode="closest", showlegend=False)
    return layout(fig, "Where the ending value came from")


#: Legend of the contributions' ``other`` column: the part of the pie's return no
#: slice made (idle cash and its interest, fees, cash dividends, deposit days).
OTHER_LABEL = "cash, fees and the rest"


def contributions_figure(data: ReportData) -> Any | None:
    """Contribution of each theme to the pie's return, year by year.

    Parameters
    ----------
    data : ReportData
        Uses ``contributions`` (years x themes, fractions).

    Returns
    -------
    plotly.graph_objects.Figure or None
        Stacked bars (positive up, negative down) per year and a marker at their
        sum; None when there are no contributions.
    """
    table = data.contributions.astype("float64")
    if table.empty:
        return None
    years = [str(y) for y in table.index]
    fig = go.Figure()
    for i, theme in enumerate(table.columns):
        fig.add_trace(
            go.Bar(
                x=years,
                y=table[theme],
                name=OTHER_LABEL if theme == "other" else str(theme),
                marker_color=colour(i),
                hovertemplate="%{y:+.1%}",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=table.sum(axis=1, min_count=1),
            name="Sum",
            mode="markers",
            marker={"color": "black", "symbol": "diamond", "size": 9},
            hovertemplate="%{y:+.1%}",
        )
    )
    fig.update_layout(barmode="relative")
    fig.update_yaxes(tickformat=".0%", title="contribution to return")
    fig.update_xaxes(type="category")
    return layout(fig, "Contribution of each theme")


def correlation_figure(data: ReportData) -> Any | None:
    """Correlation heatmap of the slices' daily returns.

    Parameters
    ----------
    data : ReportData
        Uses ``prices``.

    Returns
    -------
    plotly.graph_objects.Figure or None
        A symmetric heatmap from -1 (red) to 1 (green); None without prices.
    """
    corr = derived.slice_correlations(data)
    if corr is None:
        return None
    labels = [str(c) for c in corr.columns]
    fig = go.Figure(
        go.Heatmap(
            z=corr.to_numpy(dtype="float64"),
            x=labels,
            y=labels,
            zmin=-1.0,
            zmax=1.0,
            colorscale=DIVERGING,
            texttemplate="%{z:.2f}",
            hovertemplate="%{y} / %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(hovermode="closest")
    height = max(360, 120 + 26 * len(labels))
    return layout(fig, "Correlation of the slices' daily returns", height=height)


def trades_figure(data: ReportData) -> Any | None:
    """Money traded and fees paid, year by year.

    Parameters
    ----------
    data : ReportData
        Uses ``trades`` (``qty`` positive for a buy, negative for a sale).

    Returns
    -------
    plotly.graph_objects.Figure or None
        Bars of money bought and sold per year, and the fees on a second axis;
        None when there are no trades.
    """
    trades = data.trades
    if trades.empty:
        return None
    year = pd.DatetimeIndex(pd.to_datetime(trades["date"])).year
    value = trades["value"].astype("float64").abs()
    sold = trades["qty"].astype("float64") < 0
    per_year = pd.DataFrame(
        {
            "bought": value.where(~sold, 0.0).groupby(year).sum(),
            "sold": value.where(sold, 0.0).groupby(year).sum(),
            "fees": trades["fee"].astype("float64").groupby(year).sum(),
        }
    )
    years = [str(y) for y in per_year.index]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(x=years, y=per_year["bought"], name="Bought", marker_color=colour(2)),
        secondary_y=False,
    )
    fig.add_trace(
        go.Bar(x=years, y=per_year["sold"], name="Sold", marker_color=colour(5)),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=per_year["fees"],
            name="Fees",
            mode="lines+markers",
            line={"color": "black"},
        ),
        secondary_y=True,
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=f"traded, {data.currency}", secondary_y=False)
    # Its own round ticks: synced to the left axis they would read 2.69, 5.38...
    fig.update_yaxes(
        title_text=f"fees, {data.currency}",
        secondary_y=True,
        rangemode="tozero",
        tickmode="auto",
        nticks=6,
        showgrid=False,
    )
    return layout(fig, "Trades and fees")


def report_figures(data: ReportData) -> list[tuple[str, Any]]:
    """Every chart of the report page, in order, with the sentence under it.

    Parameters
    ----------
    data : ReportData
        The report's data.

    Returns
    -------
    list of (str, plotly.graph_objects.Figure)
        ``(caption, figure)`` pairs; charts with nothing to show are left out.
    """
    first = data.benchmarks[0] if data.benchmarks else "the first benchmark"
    charts: list[tuple[str, Any | None]] = [
        (
            "What each series would be worth with the same deposits; the dashed line "
            "is the money put in, so the gap above it is profit (use Log to compare "
            "growth rates)."
            + (
                f" The dotted line is {data.pie} with inflation taken out "
                f"({data.real.index.name}), in money of {data.real.start.date()}."
                if data.real is not None
                else ""
            ),
            growth_figure(data),
        ),
        (
            "How far each series stood below its previous high, on time-weighted "
            "value; deeper and longer dips are the pain you would have sat through.",
            drawdown_figure(data),
        ),
        (
            "Time-weighted return of each calendar year; the first and last years "
            "may be partial.",
            annual_returns_figure(data),
        ),
        (
            f"Each cell is one month of {data.pie}; green gained, red lost, and a "
            "row of red is a bad year.",
            monthly_heatmap_figure(data),
        ),
        (
            "Return, volatility, Sharpe ratio and beta over the trailing 12 months; "
            f"a beta above 1 means the pie moved more than {first} in that year.",
            rolling_figure(data),
        ),
        (
            "The pie's target weights: themes in the middle ring, slices outside, "
            "each area its share of the money.",
            allocation_figure(data),
        ),
        (
            "How far each slice's actual weight wandered from its target between "
            "rebalances, in percentage points, one panel per theme.",
            drift_figure(data),
        ),
        (
            "How the ending value adds up: money put in, then gains and costs step "
            "by step, down to the final bar.",
            waterfall_figure(data),
        ),
        (
            "What each theme added to (or took from) the pie's return each year; "
            f"the diamond is their sum. '{OTHER_LABEL}' is the part no slice made: "
            "idle cash and its interest, fees, and the days money came in.",
            contributions_figure(data),
        ),
        (
            "Correlation of the slices' daily returns; green pairs move together "
            "and diversify little, pale or red pairs offset each other.",
            correlation_figure(data),
        ),
        (
            "Money bought and sold each year (bars) and the fees paid on it (line, "
            "right axis).",
            trades_figure(data),
        ),
    ]
    return [(caption, fig) for caption, fig in charts if fig is not None]
