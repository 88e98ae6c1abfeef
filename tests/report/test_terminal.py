from __future__ import annotations

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
        "Volatility",
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
