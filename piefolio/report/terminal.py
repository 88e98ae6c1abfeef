"""The report in a terminal: the summary as a rich table and the verdicts as lines.

The library never prints: these functions return objects, and the CLI prints them
with its console.
"""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from piefolio.report.format import (
    TERMINAL_FIELDS,
    span_words,
    summary_strings,
    verdict_sentence,
)
from piefolio.report.model import ReportData

__all__ = ["real_table", "summary_frame_table", "summary_table", "verdict_lines"]


def summary_table(data: ReportData) -> Table:
    """Build the pie-against-benchmarks table for a terminal.

    Parameters
    ----------
    data : ReportData
        Uses ``summary``, ``currency``, ``title`` and the days of ``nav`` (the
        window, named in the title).

    Returns
    -------
    rich.table.Table
        One row per figure (final value, deposited, profit, TWR a year, XIRR,
        volatility, max drawdown, Sharpe, fees), one column per series with the
        pie first and in bold; money with the currency and thousands separators,
        percentages with one decimal, NaN as a dash.
    """
    title = f"{data.title}, {span_words(data.nav.index)}"
    return summary_frame_table(data.summary, data.currency, title)


def summary_frame_table(summary: pd.DataFrame, currency: str, title: str) -> Table:
    """Build the terminal table of any summary frame (series x figures).

    Parameters
    ----------
    summary : pd.DataFrame
        One row per series, the columns of ``ReportData.summary``; the first
        row is shown in bold.
    currency : str
        Base currency of the money columns ("" when the rows mix currencies).
    title : str
        Table title.

    Returns
    -------
    rich.table.Table
        One row per figure, one column per series.
    """
    text = summary_strings(summary, currency, TERMINAL_FIELDS)
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for i, name in enumerate(summary.index):
        table.add_column(str(name), justify="right", style="bold" if i == 0 else None)
    for label in text.columns:
        table.add_row(label, *[str(v) for v in text[label]])
    return table


def real_table(data: ReportData) -> Table | None:
    """Build the nominal-and-real table for a terminal, or None without an index.

    Parameters
    ----------
    data : ReportData
        Uses ``summary``, ``real`` and ``currency``.

    Returns
    -------
    rich.table.Table or None
        :func:`piefolio.report.tables.real_frame`, one column per series, the
        pie first and in bold; the index is named in the title.
    """
    from piefolio.report.tables import real_frame

    text = real_frame(data)
    if text is None or data.real is None:
        return None
    table = Table(
        title=f"Nominal and real: deflated by {data.real.index.name}, real "
        f"amounts in money of {data.real.start.date()}",
        title_justify="left",
    )
    table.add_column("")
    for i, name in enumerate(text.columns):
        table.add_column(str(name), justify="right", style="bold" if i == 0 else None)
    for label, row in text.iterrows():
        table.add_row(str(label), *[str(v) for v in row])
    return table


def verdict_lines(data: ReportData) -> list[str]:
    """One sentence per benchmark saying how the pie did against it.

    Parameters
    ----------
    data : ReportData
        Uses ``verdicts``.

    Returns
    -------
    list of str
        ``ReportData.verdicts`` as sentences about the pie
        (:func:`piefolio.report.format.verdict_sentence`); empty without
        benchmarks.
    """
    return [verdict_sentence(data.pie, v) for v in data.verdicts if v.strip()]
