"""PNG images of a report's main charts, for a README, a chat or a slide.

matplotlib is imported inside :func:`write_pngs` and used through its object API
(``Figure`` + the Agg canvas), never through ``pyplot``: no global backend switch,
no figure registry that leaks memory in a long process.

Conventions
-----------
- Returns, drawdowns and weights are fractions, drawn as percentages.
- The pie is the first, thicker line; benchmarks follow in the order of
  ``ReportData.nav``.
- Files are written atomically (temporary file, then one rename).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from piefolio._atomic import atomic_bytes
from piefolio.report import derived
from piefolio.report._style import colour
from piefolio.report.model import ReportData
from piefolio.typing import PathLike

__all__ = [
    "CHARTS",
    "PNG_NAMES",
    "write_bars_png",
    "write_box_png",
    "write_lines_png",
    "write_pngs",
]

#: File names written by :func:`write_pngs`, in order.
PNG_NAMES: tuple[str, ...] = (
    "growth.png",
    "drawdown.png",
    "annual_returns.png",
    "allocation.png",
)

_SIZE = (9.0, 4.5)  # inches; at 120 dpi a 1080 x 540 image
_DPI = 120


def _new_figure() -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=_SIZE, dpi=_DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _percent_axis(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    # Steps of 1, 2 or 5 (x 10^k) only: matplotlib's default 2.5 reads as "2%,
    # 5%, 8%" once the labels drop their decimals.
    target.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
    target.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def _growth(data: ReportData) -> Any:
    fig, ax = _new_figure()
    dates = pd.DatetimeIndex(data.nav.index).to_pydatetime()
    for i, name in enumerate(data.series):
        ax.plot(
            dates,
            data.nav[name].to_numpy(),
            color=colour(i),
            lw=2.2 if i == 0 else 1.3,
            label=name,
        )
    if data.real is not None:
        ax.plot(
            dates,
            data.real.nav[data.pie].to_numpy(),
            color=colour(0),
            lw=1.2,
            ls=":",
            label=f"{data.pie}, real ({data.real.start.date()} money)",
        )
    ax.plot(
        pd.DatetimeIndex(data.invested.index).to_pydatetime(),
        data.invested.to_numpy(),
        color="grey",
        ls="--",
        lw=1.2,
        drawstyle="steps-post",
        label="Money put in",
    )
    from matplotlib.ticker import StrMethodFormatter

    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel(data.currency)
    ax.set_title(f"{data.title}: growth of the deposits", loc="left")
    ax.legend(frameon=False, fontsize="small")
    return fig


def _drawdown(data: ReportData) -> Any:
    fig, ax = _new_figure()
    dd = derived.drawdowns(data)
    dates = pd.DatetimeIndex(dd.index).to_pydatetime()
    for i, name in enumerate(data.series):
        values = dd[name].to_numpy()
        ax.plot(dates, values, color=colour(i), lw=1.8 if i == 0 else 1.0, label=name)
        if i == 0:
            ax.fill_between(dates, values, 0.0, color=colour(0), alpha=0.25)
    _percent_axis(ax)
    ax.set_title("Drawdowns (below the previous high)", loc="left")
    ax.legend(frameon=False, fontsize="small")
    return fig


def _annual(data: ReportData) -> Any:
    fig, ax = _new_figure()
    table = derived.annual_table(data)
    n = len(data.series)
    x = np.arange(len(table.index))
    width = 0.8 / n
    for i, name in enumerate(data.series):
        ax.bar(
            x + (i - (n - 1) / 2) * width,
            table[name].to_numpy(),
            width,
            color=colour(i),
            label=name,
        )
    ax.set_xticks(x, [str(y) for y in table.index])
    ax.axhline(0.0, color="black", lw=0.8)
    _percent_axis(ax)
    ax.set_title("Annual returns (time-weighted)", loc="left")
    ax.legend(frameon=False, fontsize="small")
    return fig


def _allocation(data: ReportData) -> Any:
    fig, ax = _new_figure()
    targets = data.targets.astype("float64")
    latest = data.weights.iloc[-1].reindex(targets.index).astype("float64")
    y = np.arange(len(targets))
    ax.barh(y - 0.2, targets.to_numpy(), 0.4, color="lightgrey", label="Target")
    ax.barh(
        y + 0.2,
        latest.to_numpy(),
        0.4,
        color=colour(0),
        label=f"Actual on {data.weights.index[-1].date()}",
    )
    ax.set_yticks(y, [str(t) for t in targets.index])
    ax.invert_yaxis()
    _percent_axis(ax, "x")
    ax.set_title("Allocation: target and actual weights", loc="left")
    ax.legend(frameon=False, fontsize="small")
    return fig


#: The chart makers behind :data:`PNG_NAMES`, in the same order (the PDF
#: tearsheet draws the same ones).
CHARTS = (_growth, _drawdown, _annual, _allocation)


def write_pngs(data: ReportData, out_dir: PathLike) -> list[Path]:
    """Write PNGs of the main charts into ``out_dir``.

    Parameters
    ----------
    data : ReportData
        The run and its benchmarks.
    out_dir : str or os.PathLike
        Folder for the images; created when missing.

    Returns
    -------
    list of pathlib.Path
        The files of :data:`PNG_NAMES`: growth of the deposits (NAV and money put
        in), drawdowns, annual returns, and target vs latest actual weights.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in zip(PNG_NAMES, CHARTS, strict=True):
        fig = make(data)
        buffer = io.BytesIO()
        FigureCanvasAgg(fig).print_png(buffer)  # type: ignore[no-untyped-call]
        path = folder / name
        atomic_bytes(path, buffer.getvalue())
        paths.append(path)
    return paths


def _save(fig: Any, path: PathLike) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)  # type: ignore[no-untyped-call]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_bytes(target, buffer.getvalue())
    return target


def write_lines_png(
    frame: pd.DataFrame,
    title: str,
    path: PathLike,
    *,
    unit: str = "",
    percent: bool = False,
    dashed: pd.DataFrame | None = None,
) -> Path:
    """Write one PNG of the columns of a frame as lines over its index.

    For the scenario pages' ``--png``: a Monte Carlo fan's percentiles, a
    claim's relative return, the best and worst starts of a sweep.

    Parameters
    ----------
    frame : pd.DataFrame, shape (n_points, n_lines)
        Dates (or trading days, named by ``frame.index.name``) x series.
    title : str
        Title of the image.
    path : str or os.PathLike
        The PNG; written atomically.
    unit : str, optional
        Label of the value axis (the currency for money).
    percent : bool, default False
        Values are fractions: draw them as percentages, with the zero line.
    dashed : pd.DataFrame, optional
        A companion of each line, the same columns over the same index (a
        benchmark from the same start), drawn thin and dashed in that line's
        colour and named ``dashed.columns.name`` in the legend.

    Returns
    -------
    pathlib.Path
    """
    fig, ax = _new_figure()
    index = frame.index
    x = (
        pd.DatetimeIndex(index).to_pydatetime()
        if isinstance(index, pd.DatetimeIndex)
        else index.to_numpy()
    )
    for i, (name, values) in enumerate(frame.items()):
        ax.plot(x, values.to_numpy(dtype="float64"), color=colour(i),
                lw=2.0 if i == 0 else 1.3, label=str(name))  # fmt: skip
        if dashed is not None:
            companion = dashed[name].to_numpy(dtype="float64")
            ax.plot(x, companion, color=colour(i), lw=1.0, ls="--",
                    label=f"{dashed.columns.name}, {name}")  # fmt: skip
    if percent:
        _percent_axis(ax)
        ax.axhline(0.0, color="black", lw=0.8)
    else:
        from matplotlib.ticker import StrMethodFormatter

        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    if unit:
        ax.set_ylabel(unit)
    if index.name:
        ax.set_xlabel(str(index.name))
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize="small")
    return _save(fig, path)


def write_bars_png(frame: pd.DataFrame, title: str, path: PathLike) -> Path:
    """Write one PNG of grouped bars of fractions, each bar with its value.

    Parameters
    ----------
    frame : pd.DataFrame, shape (n_groups, n_series)
        Fractions (-0.34 = -34 %); NaN draws no bar.
    title : str
        Title of the image.
    path : str or os.PathLike
        The PNG; written atomically.

    Returns
    -------
    pathlib.Path
    """
    fig, ax = _new_figure()
    n = max(len(frame.columns), 1)
    x = np.arange(len(frame.index))
    width = 0.8 / n
    for i, (name, values) in enumerate(frame.items()):
        heights = values.to_numpy(dtype="float64")
        bars = ax.bar(x + (i - (n - 1) / 2) * width, heights, width,
                      color=colour(i), label=str(name))  # fmt: skip
        labels = ["" if v != v else f"{100 * v:.0f}%" for v in heights]
        ax.bar_label(bars, labels=labels, fontsize="x-small", padding=2)
    ax.set_xticks(x, [str(g) for g in frame.index])
    ax.axhline(0.0, color="black", lw=0.8)
    _percent_axis(ax)
    ax.set_title(title, loc="left")
    ax.legend(frameon=False, fontsize="small")
    return _save(fig, path)


def write_box_png(frame: pd.DataFrame, title: str, path: PathLike) -> Path:
    """Write one PNG of box plots of fractions, one box per column.

    For the variant sweep's ``--png``: how a return spreads over many runs,
    as on the page (:func:`~piefolio.report.scenario_figures.returns_box_figure`).

    Parameters
    ----------
    frame : pd.DataFrame, shape (n_runs, n_series)
        Fractions (0.12 = 12 %), one column per box; NaN ignored, a column with
        no value draws no box.
    title : str
        Title of the image.
    path : str or os.PathLike
        The PNG; written atomically.

    Returns
    -------
    pathlib.Path
    """
    fig, ax = _new_figure()
    columns = [(str(k), v.dropna().to_numpy(dtype="float64")) for k, v in frame.items()]
    kept = [(name, values) for name, values in columns if len(values)]
    if kept:
        boxes = ax.boxplot([v for _, v in kept], patch_artist=True, whis=1.5,
                           flierprops={"markersize": 2})  # fmt: skip
        for i, patch in enumerate(boxes["boxes"]):
            patch.set_facecolor(colour(i))
            patch.set_alpha(0.6)
        ax.set_xticks(np.arange(1, len(kept) + 1), [name for name, _ in kept])
    ax.axhline(0.0, color="black", lw=0.8)
    _percent_axis(ax)
    ax.set_ylabel("return a year")
    ax.set_title(title, loc="left")
    return _save(fig, path)
