"""Reusable charts of the scenario commands: a Monte Carlo fan and a claim check.

They take plain pandas objects (no :class:`~piefolio.report.model.ReportData`)
and are drawn on a :func:`piefolio.report.html.write_page` page.

Conventions
-----------
- Money in the pie's base currency; relative returns are fractions shown as
  percentages.
- Percentile columns are the integers 5, 25, 50, 75, 95 (or strings of them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from piefolio.report._style import GREY, colour, layout, line_width

__all__ = [
    "FAN_PERCENTILES",
    "bars_figure",
    "claims_figure",
    "distribution_figure",
    "fan_figure",
    "fan_range",
    "fans_figure",
    "lines_figure",
    "log_money_ticks",
    "returns_box_figure",
    "starts_figure",
]

#: Percentile columns :func:`fan_figure` expects.
FAN_PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)


def _money_axis(currency: str) -> str:
    return f"value, {currency}" if currency else "value"


def log_money_ticks(
    low: float, high: float, currency: str = ""
) -> tuple[list[float], list[str]]:
    """Round ticks for a log money axis: 1, 2 and 5 times each power of ten.

    plotly labels a log axis' minor ticks with bare digits ("9, 10k, 2, 3"),
    which read as amounts they are not; these ticks carry the whole amount.

    Parameters
    ----------
    low, high : float
        The range to cover (positive; non-positive or NaN bounds give no ticks).
    currency : str, optional
        Code appended to each label.

    Returns
    -------
    tuple of (list of float, list of str)
        Tick values in ``[low, high]`` (widened to the nearest tick on each side)
        and their labels, e.g. ``"20,000 EUR"``; when the range spans more than
        two decades only the 1s and the 5s are kept.
    """
    if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 or high <= 0:
        return [], []
    lo, hi = min(low, high), max(low, high)
    steps = (1, 2, 5) if hi / lo <= 100 else (1, 5)
    values = [
        m * 10.0**k
        for k in range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
        for m in steps
    ]
    below = [v for v in values if v <= lo]
    above = [v for v in values if v >= hi]
    first = below[-1] if below else values[0]
    last = above[0] if above else values[-1]
    kept = [v for v in values if first <= v <= last]
    suffix = f" {currency}" if currency else ""
    return kept, [f"{v:,.0f}{suffix}" if v >= 1 else f"{v:g}{suffix}" for v in kept]


def fan_figure(
    fan: pd.DataFrame,
    invested: pd.Series,
    title: str,
    goal: float | None = None,
    *,
    currency: str = "",
    value_range: tuple[float, float] | None = None,
) -> Any:
    """Monte Carlo fan: percentile bands of the pie's value over time.

    Parameters
    ----------
    fan : pd.DataFrame, shape (n_dates, 5)
        Dates x percentiles; columns 5, 25, 50, 75, 95 (ints, or strings of
        them), values in money.
    invested : pd.Series, shape (n_dates,)
        Cumulative net money put in, drawn as a dashed line for reference.
    title : str
        Chart title.
    goal : float, optional
        A final value to reach, drawn as a dotted level line named "Goal".
    currency : str, optional
        Named on the value axis and in the hover.
    value_range : (float, float), optional
        Fixed bounds of the value axis, money (:func:`fan_range`), so that
        several fans on one page share one scale; default: fit this fan.

    Returns
    -------
    plotly.graph_objects.Figure
        A light 5-95 % band, a darker 25-75 % band, the median line, the
        money put in and the goal.

    Raises
    ------
    ValueError
        If a percentile column is missing.
    """
    columns = {int(str(c)): c for c in fan.columns}
    missing = [p for p in FAN_PERCENTILES if p not in columns]
    if missing:
        raise ValueError(
            f"fan lacks the percentile columns {missing}; expected {FAN_PERCENTILES}"
        )

    def col(p: int) -> pd.Series:
        return fan[columns[p]].astype("float64")

    fig = go.Figure()
    for low, high, alpha in ((5, 95, 0.15), (25, 75, 0.3)):
        _band(
            fig,
            col(low),
            col(high),
            f"rgba(0, 114, 178, {alpha})",
            name=f"{low}-{high}th percentile",
        )
    fig.add_trace(
        go.Scatter(
            x=fan.index,
            y=col(50),
            mode="lines",
            name="Median",
            line={"color": colour(0), "width": 2.5},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=invested.index,
            y=invested,
            mode="lines",
            name="Money put in",
            line={"color": GREY, "dash": "dash", "shape": "hv"},
        )
    )
    if goal is not None:
        fig.add_trace(
            go.Scatter(
                x=[fan.index[0], fan.index[-1]],
                y=[goal, goal],
                mode="lines",
                name=f"Goal {goal:,.0f}",
                line={"color": colour(1), "dash": "dot"},
            )
        )
    fig.update_yaxes(
        title=_money_axis(currency),
        tickformat=",.0f",
        **({"range": list(value_range)} if value_range is not None else {}),
    )
    return layout(fig, title)


def _band(
    fig: Any, low: pd.Series, high: pd.Series, fillcolor: str, **upper: Any
) -> None:
    """Add a filled band between ``low`` and ``high`` (same index, money) to ``fig``.

    Two edges drawn without width: the lower one never in the legend nor the
    hover, the upper one filled down to it (``tonexty``) and shown as
    ``upper`` says (its ``name``, or ``showlegend=False``...). A
    ``legendgroup`` in ``upper`` holds both edges.
    """
    edge = {"x": low.index, "mode": "lines", "line": {"width": 0}}
    group = {"legendgroup": upper["legendgroup"]} if "legendgroup" in upper else {}
    fig.add_trace(
        go.Scatter(y=low, showlegend=False, hoverinfo="skip", **group, **edge)
    )
    fig.add_trace(
        go.Scatter(y=high, fill="tonexty", fillcolor=fillcolor, **upper, **edge)
    )


def fan_range(
    fans: dict[str, pd.DataFrame], invested: pd.Series, goal: float | None = None
) -> tuple[float, float]:
    """One value axis for several fans: from 0 to a little above the highest.

    Parameters
    ----------
    fans : dict of str to pd.DataFrame
        Series name -> its fan (dates x percentiles, as :func:`fan_figure`).
    invested : pd.Series
        Cumulative net money put in.
    goal : float, optional
        The goal line, kept inside the axis.

    Returns
    -------
    (float, float)
        ``(0, 1.05 x the largest 95th percentile, money put in or goal)``;
        values start at 0 so that heights compare across the charts. NaN
        ignored; ``(0, 1)`` when there is no finite value.
    """
    tops = [float(np.nanmax(f.to_numpy(dtype="float64"))) for f in fans.values()]
    tops += [float(invested.max()), *([float(goal)] if goal is not None else [])]
    finite = [t for t in tops if np.isfinite(t)]
    top = max(finite, default=np.nan)
    return (0.0, 1.05 * top) if np.isfinite(top) and top > 0 else (0.0, 1.0)


def fans_figure(
    fans: dict[str, pd.DataFrame],
    invested: pd.Series,
    title: str,
    *,
    currency: str = "",
    goal: float | None = None,
) -> Any:
    """Several Monte Carlo fans overlaid on one value axis, to compare them.

    Parameters
    ----------
    fans : dict of str to pd.DataFrame
        Series name -> its fan (dates x percentiles, as :func:`fan_figure`).
    invested : pd.Series
        Cumulative net money put in (the same for every series).
    title : str
        Chart title.
    currency : str, optional
        Named on the value axis.
    goal : float, optional
        A final value to reach, drawn as a dotted level line.

    Returns
    -------
    plotly.graph_objects.Figure
        Per series its median line and a light 25-75 % band in its colour, the
        money put in and the goal; one scale for all.
    """
    fig = go.Figure()
    for i, (name, fan) in enumerate(fans.items()):
        columns = {int(str(c)): c for c in fan.columns}
        rgb = tuple(int(colour(i)[k : k + 2], 16) for k in (1, 3, 5))
        # The band is named by its median's legend entry, and hides with it.
        _band(
            fig,
            fan[columns[25]].astype("float64"),
            fan[columns[75]].astype("float64"),
            f"rgba({rgb[0]}, {rgb[1]}, {rgb[2]}, 0.15)",
            showlegend=False,
            hoverinfo="skip",
            legendgroup=name,
        )
        fig.add_trace(
            go.Scatter(
                x=fan.index,
                y=fan[columns[50]].astype("float64"),
                mode="lines",
                name=f"{name} (median, 25-75th band)",
                line={"color": colour(i), "width": line_width(i)},
                legendgroup=name,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=invested.index,
            y=invested,
            mode="lines",
            name="Money put in",
            line={"color": GREY, "dash": "dash", "shape": "hv"},
        )
    )
    if goal is not None and fans:
        first = next(iter(fans.values()))
        fig.add_trace(
            go.Scatter(
                x=[first.index[0], first.index[-1]],
                y=[goal, goal],
                mode="lines",
                name=f"Goal {goal:,.0f}",
                line={"color": "black", "dash": "dot"},
            )
        )
    fig.update_yaxes(title=_money_axis(currency), tickformat=",.0f")
    return layout(fig, title, height=480)


def claims_figure(relative: pd.Series, title: str) -> Any:
    """Draw a claim's rolling relative return and the zero.

    The relative return is ``(1 + R_long) / (1 + R_short) - 1``: the long
    basket's return in units of the short one.

    Parameters
    ----------
    relative : pd.Series, shape (n_dates,)
        Relative return over the claim's horizon, a fraction; NaN before the
        first full window.
    title : str
        Chart title (the claim's text).

    Returns
    -------
    plotly.graph_objects.Figure
        The relative return as a line; above 0 the claim held over that window.
    """
    fig = go.Figure(
        go.Scatter(
            x=relative.index,
            y=relative.astype("float64"),
            mode="lines",
            name=str(relative.name or "relative return"),
            line={"color": colour(0), "width": 2},
            fill="tozeroy",
        )
    )
    fig.add_hline(y=0.0, line={"color": "black", "width": 1})
    fig.update_yaxes(tickformat=".0%", title="(1 + R long) / (1 + R short) - 1")
    return layout(fig, title)


def lines_figure(frame: pd.DataFrame, title: str, *, currency: str = "") -> Any:
    """Draw each column of a frame as a line over its index.

    Parameters
    ----------
    frame : pd.DataFrame, shape (n_points, n_lines)
        Values in money (the index: dates, or trading days since a start, named
        by ``frame.index.name`` on the x axis).
    title : str
        Chart title.
    currency : str, optional
        Named on the value axis (leave empty for values that are not money).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for i, (name, values) in enumerate(frame.items()):
        fig.add_trace(
            go.Scatter(
                x=frame.index,
                y=values.astype("float64"),
                mode="lines",
                name=str(name),
                line={"color": colour(i), "width": 2},
            )
        )
    if frame.index.name:
        fig.update_xaxes(title=str(frame.index.name))
    if currency:
        fig.update_yaxes(title=_money_axis(currency), tickformat=",.0f")
    return layout(fig, title)


def starts_figure(
    paths: pd.DataFrame,
    benchmarks: dict[str, pd.DataFrame],
    title: str,
    *,
    currency: str = "",
) -> Any:
    """Draw the pie from a few start dates, each beside its benchmarks from then.

    Parameters
    ----------
    paths : pd.DataFrame, shape (n_days, n_starts)
        The pie's value over trading days since each start (one column per
        start, e.g. ``"worst start 2008-05-01"``), money; NaN after a shorter
        run's end.
    benchmarks : dict of str to pd.DataFrame
        Benchmark name -> its value fed the same deposits from the same starts:
        the same index and columns as ``paths``.
    title : str
        Chart title.
    currency : str, optional
        Named on the value axis.

    Returns
    -------
    plotly.graph_objects.Figure
        Per start a solid line (the pie) in its colour and, in the same
        colour, the first benchmark dashed; the other benchmarks are dotted and
        hidden until picked in the legend, so three starts stay readable.
    """
    fig = go.Figure()
    for i, column in enumerate(paths.columns):
        fig.add_trace(
            go.Scatter(
                x=paths.index,
                y=paths[column].astype("float64"),
                mode="lines",
                name=f"pie, {column}",
                line={"color": colour(i), "width": 2.5},
                legendgroup=str(column),
            )
        )
        for k, (name, frame) in enumerate(benchmarks.items()):
            fig.add_trace(
                go.Scatter(
                    x=frame.index,
                    y=frame[column].astype("float64"),
                    mode="lines",
                    name=f"{name}, {column}",
                    line={
                        "color": colour(i),
                        "width": 1.5,
                        "dash": "dash" if k == 0 else "dot",
                    },
                    legendgroup=str(column),
                    visible=True if k == 0 else "legendonly",
                )
            )
    if paths.index.name:
        fig.update_xaxes(title=str(paths.index.name))
    fig.update_yaxes(title=_money_axis(currency), tickformat=",.0f")
    return layout(fig, title, height=480)


def bars_figure(frame: pd.DataFrame, title: str, *, axis: str = "return") -> Any:
    """Draw grouped bars: one group per row, one bar per column, as percentages.

    Parameters
    ----------
    frame : pd.DataFrame, shape (n_groups, n_series)
        Fractions (-0.34 = -34 %); NaN draws no bar (say why in the caption).
        Each bar carries its value as a label.
    title : str
        Chart title.
    axis : str
        Label of the value axis.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for i, (name, values) in enumerate(frame.items()):
        fig.add_trace(
            go.Bar(
                x=[str(x) for x in frame.index],
                y=values.astype("float64"),
                name=str(name),
                marker={"color": colour(i)},
                # The value on each bar: a reader should not have to hover.
                texttemplate="%{y:.1%}",
                textposition="outside",
                cliponaxis=False,
            )
        )
    fig.update_layout(barmode="group", uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_yaxes(tickformat=".0%", title=axis)
    return layout(fig, title)


def distribution_figure(
    finals: pd.DataFrame, invested: float, title: str, *, currency: str = ""
) -> Any:
    """Box plots of final values, one per series, and the money put in.

    Parameters
    ----------
    finals : pd.DataFrame, shape (n_paths, n_series)
        Final value of each path (base currency), one column per series.
    invested : float
        Net money put in, drawn as a vertical line: left of it is a loss.
    title : str
        Chart title.
    currency : str, optional
        Named on the value axis and in each tick label.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal box per series (median, quartiles, 5th-95th percentile
        whiskers) on a log value axis: outcomes of a plan spread over orders of
        magnitude, and overlaid histograms of five series hide each other.
    """
    fig = go.Figure()
    ends: list[float] = [float(invested)]
    for i, (name, values) in enumerate(finals.items()):
        x = values.astype("float64").to_numpy()
        q = np.nanpercentile(x, [5, 25, 50, 75, 95])
        ends += [float(q[0]), float(q[4])]
        fig.add_trace(
            go.Box(
                name=str(name),
                y=[str(name)],
                q1=[q[1]], median=[q[2]], q3=[q[3]],
                lowerfence=[q[0]], upperfence=[q[4]],
                orientation="h",
                marker={"color": colour(i)},
                boxpoints=False,
            )
        )  # fmt: skip
    fig.add_vline(x=invested, line={"color": "black", "dash": "dash"})
    positive = [v for v in ends if np.isfinite(v) and v > 0]
    ticks, labels = log_money_ticks(
        min(positive, default=np.nan), max(positive, default=np.nan), currency
    )
    unit = f", {currency}" if currency else ""
    fig.update_xaxes(
        type="log",
        title=f"final value{unit} (whiskers: 5th-95th percentile)",
        **({"tickvals": ticks, "ticktext": labels} if ticks else {}),
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False)
    return layout(fig, title)


def returns_box_figure(returns: pd.DataFrame, title: str) -> Any:
    """Box plots of returns, one per series: how they spread over many runs.

    Parameters
    ----------
    returns : pd.DataFrame, shape (n_runs, n_series)
        Returns as fractions (an annual XIRR per start date, say); NaN ignored.
    title : str
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        One vertical box per series (quartiles, whiskers at 1.5 IQR, outliers
        as points) on a percent axis, and the zero line.
    """
    fig = go.Figure()
    for i, (name, values) in enumerate(returns.items()):
        fig.add_trace(
            go.Box(
                y=values.astype("float64").dropna(),
                name=str(name),
                marker={"color": colour(i)},
                boxpoints="outliers",
                hovertemplate="%{y:.1%}<extra></extra>",
            )
        )
    fig.add_hline(y=0.0, line={"color": "black", "width": 1})
    fig.update_yaxes(tickformat=".0%", title="return a year")
    fig.update_layout(showlegend=False)
    return layout(fig, title)
