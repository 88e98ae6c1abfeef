from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from piefolio.report.model import ReportData
from piefolio.report.terminal import summary_table, verdict_lines


def _render(table: Table) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(table)
    return console.export_text()


def test_summary_table_pie_vs_benchmarks(real_report: ReportData) -> None:
    table = summary_table(real_report)
    assert [c.header for c in table.columns] == ["", *real_report.series]
    text = _render(table)
    for label in (
        "Final value",
        "Deposited",
        "Profit",
        "TWR a year",
        "XIRR",
        "Volatility a year",  # annualised, as the TWR beside it
        "Max drawdown",
        "Sharpe",
        "Fees",
    ):
        assert label in text
    final = float(real_report.summary["final_value"].iloc[0])
    assert f"{final:,.0f} USD" in text
    assert "6,900 USD" in text


def test_nan_reads_as_a_dash(tiny_report: ReportData) -> None:
    text = _render(summary_table(tiny_report))
    assert "—" in text and "nan" not in text.lower()


def test_verdict_lines(real_report: ReportData, tiny_report: ReportData) -> None:
    lines = verdict_lines(real_report)
    assert len(lines) == 2
    assert all(line.startswith(f"{real_report.pie} ") for line in lines)
    assert verdict_lines(tiny_report) == ["Pie verdict on Bench <b>"]


def test_the_summary_names_its_window(real_report: ReportData) -> None:
    days = real_report.nav.index
    text = _render(summary_table(real_report))
    # The first and last day of the run, as the table's title says them.
    assert f"{days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}" in text


def test_span_words() -> None:
    from piefolio.report.format import DASH, span_words

    days = pd.DatetimeIndex(["2021-01-04", "2021-06-30", "2026-08-03"])
    assert span_words(days) == "2021-01-04 to 2026-08-03"
    assert span_words(pd.DatetimeIndex([])) == DASH
