"""The report as one self-contained HTML file, and the generic page it is built on.

One jinja2 template (``templates/report.html.j2``) draws every page piefolio
writes: a pie's report here, and the tearsheet, stress, Monte Carlo and claims
pages through :func:`write_page`. plotly.js is inlined **once**, gzip-compressed
and base64-encoded (about 2 MB instead of 4.8 MB), and unpacked by the browser's
own ``DecompressionStream`` when the page opens; each chart is a ``<div>`` with a
small script that runs once the library is there. So every page stands on its
own (one file, no sibling to keep next to it) and still weighs a third of what a
plain copy of plotly.js would. Dates on the charts' axes are written as days
(``2021-01-04``, not ``2021-01-04T00:00:00``), which is lossless and halves the
size of a daily series' axis. A Content-Security-Policy in the page forbids every
request: it opens offline from a file, a mail or a USB stick, and nothing it
shows can call home.

Files are written atomically (a temporary file, then one rename), so a reader
never sees half a page.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from piefolio._atomic import atomic_text
from piefolio.report import derived, figures
from piefolio.report import tables as tables_text
from piefolio.report.format import (
    DASH,
    SUMMARY_FIELDS,
    money,
    percent,
    summary_strings,
)
from piefolio.report.model import ReportData
from piefolio.report.terminal import verdict_lines
from piefolio.typing import PathLike

__all__ = [
    "PLOTLY_CONFIG",
    "render_page",
    "render_report",
    "write_page",
    "write_report",
]

#: plotly.js options for every chart: resize with the window (phones), no logo
#: link out of the page.
PLOTLY_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False}


@dataclass(frozen=True, slots=True)
class _Table:
    heading: str
    caption: str
    corner: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    highlight_first: bool
    hints: dict[str, str]
    footnotes: list[str]


@dataclass(frozen=True, slots=True)
class _Chart:
    div: str
    caption: str


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("piefolio.report", "templates"),
        # Titles, tickers, notes and theses are user text: escape them all.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


@lru_cache(maxsize=1)
def _plotlyjs() -> str:
    """plotly.js gzip-compressed and base64-encoded (mtime 0: reproducible)."""
    from plotly.offline import get_plotlyjs

    packed = gzip.compress(get_plotlyjs().encode("utf-8"), 9, mtime=0)
    return base64.b64encode(packed).decode("ascii")


#: What the chart scripts are marked as, so that the browser leaves them until
#: the loader has unpacked plotly.js and runs them in order.
_DEFERRED = "text/x-piefolio-chart"

#: A midnight time stamp as plotly writes a date: the day alone says the same.
_MIDNIGHT = re.compile(r'"(\d{4}-\d\d-\d\d)T00:00:00(?:\.0+)?"')


def _cell(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return DASH
        if isinstance(value, int) or float(value).is_integer():
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    try:
        if pd.isna(value):
            return DASH
    except (TypeError, ValueError):
        pass
    return str(value)


def _table(
    caption: str,
    frame: pd.DataFrame,
    *,
    heading: str = "",
    highlight_first: bool = False,
    definitions: dict[str, str] | None = None,
) -> _Table:
    labels = [_cell(label) for label in frame.index]
    hints = {k: v for k, v in (definitions or {}).items() if k in labels}
    return _Table(
        heading=heading,
        caption=caption,
        corner=str(frame.index.name or ""),
        columns=[str(c) for c in frame.columns],
        rows=[
            (_cell(label), [_cell(v) for v in row])
            for label, row in zip(
                frame.index, frame.itertuples(index=False), strict=True
            )
        ],
        highlight_first=highlight_first,
        hints=hints,
        footnotes=[f"{k}: {v}." for k, v in hints.items()],
    )


def _chart_div(figure: Any, index: int) -> str:
    import plotly.io as pio

    # A fixed id per position keeps the page byte-for-byte reproducible (plotly
    # would otherwise draw a random uuid for each div).
    div = str(
        pio.to_html(
            figure,
            include_plotlyjs=False,
            full_html=False,
            div_id=f"chart-{index}",
            config=PLOTLY_CONFIG,
            default_width="100%",
        )
    )
    deferred = f'<script type="{_DEFERRED}">'
    div = re.sub(r"<script(?: type=\"text/javascript\")?>", deferred, div)
    if deferred not in div:  # pragma: no cover - plotly changed its markup
        raise RuntimeError("plotly's chart script was not found; cannot defer it")
    return _MIDNIGHT.sub(r'"\1"', div)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _when(moment: dt.datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M")
    zone = moment.tzname()
    return f"{text} {zone}" if zone else text


def _render(
    *,
    title: str,
    intro: Sequence[str],
    plan_first: bool,
    thesis: Sequence[str],
    generated: str,
    notes: Sequence[str],
    tables: Sequence[_Table],
    verdicts: Sequence[str],
    charts: Sequence[tuple[str, Any]],
) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        intro=list(intro),
        plan_first=plan_first,
        thesis=list(thesis),
        generated=generated,
        notes=list(notes),
        tables=list(tables),
        verdicts=list(verdicts),
        charts=[
            _Chart(div=_chart_div(fig, i), caption=caption)
            for i, (caption, fig) in enumerate(charts, start=1)
        ],
        plotlyjs=_plotlyjs(),
        deferred=_DEFERRED,
        version=_version(),
    )


def _version() -> str:
    """Return the installed piefolio's version, for the page footer."""
    # From the package metadata, not ``piefolio.__version__``: the report
    # layer does not import the package that sits above it.
    try:
        return version("piefolio")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0"


def render_page(
    title: str,
    intro_lines: Sequence[str],
    tables: Sequence[tuple[str, pd.DataFrame]],
    figures: Sequence[tuple[str, Any]],
    *,
    notes: Sequence[str] = (),
) -> str:
    """Render a generic piefolio page: a title, lines of text, tables, charts.

    Parameters
    ----------
    title : str
        Page title and heading.
    intro_lines : sequence of str
        Paragraphs under the title (plain text, escaped).
    tables : sequence of (str, pd.DataFrame)
        ``(caption, frame)``; the index gives the row headers. Cells are shown
        as they are when strings (format money and percentages with
        :mod:`piefolio.report.format` first); other numbers get thousands
        separators and two decimals; NaN and None read as a dash.
    figures : sequence of (str, plotly.graph_objects.Figure)
        ``(caption, figure)``, drawn in order with the caption under each.
    notes : sequence of str, optional
        Data notes shown in small print under the introduction.

    Returns
    -------
    str
        The whole HTML document, plotly.js inlined once, no external request.
    """
    return _render(
        title=title,
        intro=intro_lines,
        plan_first=False,
        thesis=(),
        generated="",
        notes=notes,
        tables=[_table(caption, frame) for caption, frame in tables],
        verdicts=(),
        charts=figures,
    )


def write_page(
    title: str,
    intro_lines: Sequence[str],
    tables: Sequence[tuple[str, pd.DataFrame]],
    figures: Sequence[tuple[str, Any]],
    path: PathLike,
    *,
    notes: Sequence[str] = (),
) -> Path:
    """Write a generic page (see :func:`render_page`) to ``path`` atomically.

    Parameters
    ----------
    title, intro_lines, tables, figures, notes
        As in :func:`render_page`.
    path : str or os.PathLike
        The HTML file; its folder is created when missing.

    Returns
    -------
    pathlib.Path
        ``path``, now holding the whole page (or, after a crash, the old file).
    """
    html = render_page(title, intro_lines, tables, figures, notes=notes)
    target = Path(path)
    atomic_text(target, html)
    return target


def summary_frame(data: ReportData) -> pd.DataFrame:
    """Format the summary with one column per series and one row per figure.

    Parameters
    ----------
    data : ReportData
        Uses ``summary`` and ``currency``.

    Returns
    -------
    pd.DataFrame, shape (n_figures, n_series)
        Money with the currency and thousands separators, percentages with one
        decimal, ratios with two; NaN as a dash. Series across so that a phone
        shows the pie next to its benchmarks.
    """
    return summary_strings(data.summary, data.currency, SUMMARY_FIELDS).T


def risk_frame(data: ReportData) -> pd.DataFrame:
    """Drawdown dates and one-day tail risk as text, one column per series.

    Parameters
    ----------
    data : ReportData
        Uses ``unit_value``.

    Returns
    -------
    pd.DataFrame, shape (7, n_series)
        Maximum drawdown with its peak, trough and recovery dates, days to
        recover, and the 95 % one-day VaR and expected shortfall (negative
        returns).
    """
    dd = derived.drawdown_stats(data)
    tail = derived.tail_risk(data)
    rows = {
        "Max drawdown": [percent(v) for v in dd["depth"]],
        "Peak": [_cell(v) for v in dd["peak"]],
        "Trough": [_cell(v) for v in dd["trough"]],
        "Recovered": [
            "not yet" if t is not None and r is None else _cell(r)
            for t, r in zip(dd["trough"], dd["recovery"], strict=True)
        ],
        "Days peak to recovery": [_cell(v) for v in dd["duration_days"]],
        "1-day VaR 95%": [percent(v) for v in tail["var"]],
        "1-day ES 95%": [percent(v) for v in tail["es"]],
    }
    return pd.DataFrame(rows, index=data.series).T


def render_report(data: ReportData) -> str:
    """Render a pie's report page.

    Parameters
    ----------
    data : ReportData
        The run and its benchmarks.

    Returns
    -------
    str
        The HTML document: title, plan, thesis, generation time and notes; the
        summary table (pie vs benchmarks); the verdicts
        (:func:`piefolio.report.terminal.verdict_lines`); the risk table; then
        every chart of :func:`piefolio.report.figures.report_figures` with a
        sentence on how to read it.
    """
    first = data.summary.iloc[0]
    intro = [data.plan_text] if data.plan_text else []
    intro.append(
        f"{data.pie} ended at {money(first['final_value'], data.currency)} "
        f"from {money(first['deposited'], data.currency)} put in"
        + (
            f" ({money(data.real.summary.iloc[0]['final_value'], data.currency)} "
            f"in money of {data.real.start.date()}, {data.real.index.name})."
            if data.real is not None
            else "."
        )
    )
    tables = [
        _table(
            f"{data.pie} against its benchmarks, all fed the same deposits. "
            "Money in " + data.currency + "; returns a year are annualised.",
            summary_frame(data),
            heading="Pie vs benchmarks",
            highlight_first=True,
            definitions=tables_text.DEFINITIONS,
        ),
        _table(
            "The deepest fall of each series (time-weighted) and its worst days: "
            "on 1 day in 20 it lost at least the VaR, and the ES on average then.",
            risk_frame(data),
            heading="Risk",
            highlight_first=True,
        ),
    ]
    tables.insert(
        1,
        _table(
            "Time-weighted returns up to the last day; 3 years and longer, and "
            "since start, are a year (annualised).",
            tables_text.trailing_frame(data),
            heading="Trailing returns",
            highlight_first=True,
        ),
    )
    real = tables_text.real_frame(data)
    if real is not None and data.real is not None:
        tables.insert(
            1,
            _table(
                "The same figures with inflation taken out: deflated by "
                f"{data.real.index.name}, real amounts in money of "
                f"{data.real.start.date()} (the notes above say how). A real "
                "return below 0 lost purchasing power.",
                real,
                heading="Nominal and real",
                highlight_first=True,
            ),
        )
    rf = "0 %" if data.risk_free is None else percent(data.risk_free, decimals=2)
    optional = [
        (
            "Against each benchmark, on the days both have: beta and R² of the "
            "daily returns, Jensen's alpha (risk-free " + rf + " a year), the "
            "spread of the daily differences (tracking error) and the excess "
            "return per unit of it (information ratio); up and down capture "
            "compare the returns on the benchmark's rising and falling days "
            "(above 100 % up and below 100 % down is good).",
            tables_text.against_frame(data),
            "Against the benchmarks",
        ),
        (
            "The shape of the daily returns: a negative skew means the big days "
            "were losses, a kurtosis above 0 fatter tails than a normal curve; "
            "winning days count only days that moved; the tail ratio is the "
            "95th over the 5th percentile day.",
            tables_text.shape_frame(data),
            "Distribution",
        ),
        (
            f"The ten deepest separate falls of {data.pie} (time-weighted): from "
            "the last high before the fall to the first day back at it.",
            tables_text.worst_drawdowns_frame(data),
            "Worst drawdowns",
        ),
        (
            "Each slice on its own over the days it has a price (a late listing "
            "from its first), with Sharpe at risk-free " + rf + " and the "
            "correlation of its daily returns to "
            + (data.benchmarks[0] if data.benchmarks else "no benchmark")
            + "; Added is what it added to the pie's return (daily weight x "
            "return, summed).",
            tables_text.slices_frame(data),
            "Slices",
        ),
        (
            "What the pie holds on its last day; weights are of the whole value, "
            "cash included.",
            tables_text.holdings_frame(data),
            "Holdings today",
        ),
    ]
    tables.extend(
        _table(
            caption, frame, heading=heading, highlight_first=heading == "Distribution"
        )
        for caption, frame, heading in optional
        if frame is not None
    )
    return _render(
        title=data.title,
        intro=intro,
        plan_first=bool(data.plan_text),
        thesis=_paragraphs(data.thesis),
        generated=_when(data.generated),
        notes=data.notes,
        tables=tables,
        verdicts=verdict_lines(data),
        charts=figures.report_figures(data),
    )


def write_report(data: ReportData, out_dir: PathLike) -> Path:
    """Write a pie's report to ``out_dir/index.html`` atomically.

    Parameters
    ----------
    data : ReportData
        The run and its benchmarks.
    out_dir : str or os.PathLike
        Folder of the report; created when missing.

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.
    """
    target = Path(out_dir) / "index.html"
    atomic_text(target, render_report(data))
    return target
