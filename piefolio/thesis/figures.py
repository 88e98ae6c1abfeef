"""The charts of the thesis page, in the look of every piefolio chart.

The pie's performance against its first benchmark first, then one chart per
indicator: its transformed values on the series' own dates (a monthly series is
drawn month by month, never as daily moves), the threshold as a line, and the
periods the condition held shaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from piefolio.report._style import GREY, colour, layout
from piefolio.thesis.indicators import PERIODIC
from piefolio.thesis.words import condition_words

if TYPE_CHECKING:
    from piefolio.thesis.verb import IndicatorReading

__all__ = ["held_spans", "indicator_figure", "relative_figure", "states_figure"]

# Shading of the periods an indicator's condition held.
_HELD = "rgba(0, 158, 115, 0.15)"
# A claim's states in growing alarm, and their colours (Okabe-Ito).
_STATES = ("unknown", "holding", "weakening", "broken")
_STATE_COLOURS = ("#d9d9d9", "#009E73", "#E69F00", "#D55E00")


def held_spans(held: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """List the runs of dates on which a condition held, as (first, next) pairs.

    Parameters
    ----------
    held : pd.Series
        1.0 where the condition holds, 0.0 or NaN where not, on sorted dates.

    Returns
    -------
    list of (Timestamp, Timestamp)
        Each run from its first date to the date after its last (the next
        observation, or the last date itself for a run that reaches the end).
    """
    flags = held.to_numpy(dtype=np.float64) == 1.0
    dates = pd.DatetimeIndex(held.index)
    spans = []
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(flags) and flags[j + 1]:
            j += 1
        end = dates[j + 1] if j + 1 < len(dates) else dates[j]
        spans.append((dates[i], end))
        i = j + 1
    return spans


def relative_figure(relative: pd.Series, pie: str, benchmark: str) -> Any:
    """Draw the pie's time-weighted growth against its first benchmark's.

    Parameters
    ----------
    relative : pd.Series
        ``(1 + R_pie) / (1 + R_bench) - 1`` since the plan's start, a fraction.
    pie, benchmark : str
        Names for the title and axis.
    """
    fig = go.Figure(
        go.Scatter(
            x=relative.index,
            y=relative.astype("float64"),
            mode="lines",
            name=f"{pie} against {benchmark}",
            line={"color": colour(0), "width": 2},
            fill="tozeroy",
        )
    )
    fig.add_hline(y=0.0, line={"color": "black", "width": 1})
    fig.update_yaxes(tickformat=".0%", title="(1 + R pie) / (1 + R benchmark) - 1")
    return layout(fig, f"{pie} against {benchmark} (time-weighted)")


def indicator_figure(reading: IndicatorReading, since: pd.Timestamp | None) -> Any:
    """Draw one indicator: its values, its threshold, the periods it held shaded.

    Parameters
    ----------
    reading : IndicatorReading
        The indicator read on its series.
    since : Timestamp, optional
        First date drawn (the plan's start a few years back); all when None.
    """
    from piefolio.thesis.indicators import holds

    ind = reading.indicator
    values = reading.values.dropna()
    if since is not None:
        values = values[values.index >= since]
    fig = go.Figure(
        go.Scatter(
            x=values.index,
            y=values.astype("float64"),
            mode="lines+markers" if reading.series.frequency in PERIODIC else "lines",
            marker={"size": 4},
            name=f"{ind.series} {ind.transform}",
            line={"color": colour(1), "width": 2},
        )
    )
    fig.add_hline(
        y=ind.threshold,
        line={"color": GREY, "width": 1.5, "dash": "dash"},
        annotation_text=f"{ind.side} {ind.threshold:g}",
    )
    for first, end in held_spans(holds(values, ind)):
        fig.add_vrect(x0=first, x1=end, fillcolor=_HELD, line_width=0, layer="below")
    if ind.rule.is_fraction:
        fig.update_yaxes(tickformat=".0%")
    condition = condition_words(ind, reading.series.unit)
    title = f"{ind.id}: {condition} ({ind.means} {ind.claim})"
    return layout(fig, title, height=360)


def states_figure(states: dict[str, pd.Series]) -> Any:
    """Draw each claim's state through time, one row per claim.

    Parameters
    ----------
    states : dict[str, pd.Series]
        Claim id -> its state (``"holding"``...) on each date of its history; a
        state lasts until the claim's next date.
    """
    claims = [c for c, s in states.items() if not s.empty]
    dates = pd.DatetimeIndex(sorted(set().union(*(states[c].index for c in claims))))
    codes = {state: i for i, state in enumerate(_STATES)}
    z = [
        [codes[v] if isinstance(v, str) else None
         for v in states[c].reindex(dates, method="ffill").tolist()]
        for c in claims
    ]  # fmt: skip
    n = len(_STATES)
    scale = [
        [edge, colour_]
        for i, colour_ in enumerate(_STATE_COLOURS)
        for edge in (i / n, (i + 1) / n)
    ]
    fig = go.Figure(
        go.Heatmap(
            x=dates,
            y=claims,
            z=z,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": list(_STATES),
                "title": "state",
            },
            hovertemplate="%{y}<br>%{x|%Y-%m-%d}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return layout(
        fig, "Each claim's state through history", height=120 + 40 * len(claims)
    )
