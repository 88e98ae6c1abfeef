"""The one look shared by every plotly chart piefolio draws.

Colours, line widths and the layout (title, legend under the plot, margins) live
here so that the report's charts and the scenario pages' charts match.
"""

from __future__ import annotations

from typing import Any

__all__ = ["COLOURS", "DIVERGING", "GREY", "colour", "layout", "line_width"]

# Colour-blind-safe palette (Okabe-Ito); the pie always gets the first colour.
COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
GREY = "#7f7f7f"
# Diverging scale for returns and correlations: red below zero, green above.
DIVERGING = "RdYlGn"


def colour(i: int) -> str:
    """Colour of the ``i``-th series (0 is the pie), cycling through the palette."""
    return COLOURS[i % len(COLOURS)]


def layout(fig: Any, title: str, *, height: int = 420) -> Any:
    """Apply the house layout to a plotly figure and return it (``height`` in px)."""
    # One look for every chart: white background, legend under the plot so that
    # a phone-width chart keeps its plotting area, small margins.
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0.0},
        hovermode="x unified",
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
    )
    return fig


def line_width(i: int) -> float:
    """Line width of the ``i``-th series in px: the pie (0) stands out."""
    return 2.5 if i == 0 else 1.5
