"""The run page's detail tables: known answers on the hand-made report."""

from __future__ import annotations

import dataclasses

import pandas as pd

import piefolio.analytics as pa
from piefolio.report import tables
from piefolio.report.format import DASH
from piefolio.report.model import ReportData


def test_trailing_returns_by_hand(tiny_report: ReportData) -> None:
    frame = tables.trailing_frame(tiny_report)
    # Pie ends 2021-12-31 at 1.3; 2020 ended at 0.9, so YTD = 1Y = 1.3 / 0.9 - 1.
    assert frame.loc["Year to date", "Pie"] == "+44.4%"
    assert frame.loc["1 year", "Pie"] == "+44.4%"
    assert frame.loc["3 years, a year", "Pie"] == DASH  # one year of data only
    assert frame.index.name == "to 2021-12-31"


def test_worst_drawdowns_by_hand(tiny_report: ReportData) -> None:
    frame = tables.worst_drawdowns_frame(tiny_report)
    assert frame is not None
    # 1.2 on 2020-12-30 down to 0.9 the next day, back above 1.2 on 2021-12-31.
    assert list(frame.iloc[0]) == [
        "-25.0%",
        "2020-12-30",
        "2020-12-31",
        "2021-12-31",
        "1",
        "366",
    ]
    assert len(frame) == 1


def test_against_and_shape_read_the_analytics(tiny_report: ReportData) -> None:
    against = tables.against_frame(tiny_report)
    assert against is not None and list(against.columns) == ["vs Bench <b>"]
    r, b = pa.align_returns(
        tiny_report.unit_value["Pie"], tiny_report.unit_value["Bench <b>"]
    )
    assert against.loc["Beta", "vs Bench <b>"] == f"{pa.beta(r, b):.2f}"
    shape = tables.shape_frame(tiny_report)
    # Worst pie day: 1.2 -> 0.9 on 2020-12-31; the best month is 2021-12 (1.0 -> 1.3).
    assert shape.loc["Worst day", "Pie"] == "-25.0% (2020-12-31)"
    assert shape.loc["Best month", "Pie"] == "+30.0% (2021-12)"


def test_no_benchmark_no_prices_no_holdings(lonely_report: ReportData) -> None:
    assert tables.against_frame(lonely_report) is None
    assert tables.slices_frame(lonely_report) is None
    assert tables.holdings_frame(lonely_report) is None


def test_holdings_frame_by_hand(tiny_report: ReportData) -> None:
    held = pa.holdings(
        pd.Series({"A": 1.5, "B": 2.0}),
        pd.Series({"A": 40.0, "B": 20.0}),
        {"A": 0.5, "B": 0.5},
        nav=130.0,
    )
    frame = tables.holdings_frame(dataclasses.replace(tiny_report, holdings=held))
    assert frame is not None
    # A: 60 EUR of 130 = 46.2 %, 3.8 points under its 50 % target.
    assert list(frame.loc["A"]) == ["1.5000", "60.00 EUR", "46.2%", "50.0%", "-3.8"]


def test_slices_on_real_prices(real_report: ReportData) -> None:
    frame = tables.slices_frame(real_report)
    assert frame is not None
    assert list(frame.index) == list(real_report.targets.index)
    assert DASH not in frame["Return, a year"].tolist()
    ticker = str(real_report.targets.index[0])
    levels = real_report.prices[ticker].dropna()
    assert (
        frame.loc[ticker, "Max drawdown"]
        == f"{100 * pa.max_drawdown(levels).depth:.1f}%"
    )


def test_page_has_the_new_sections(real_report: ReportData) -> None:
    from piefolio.report.html import render_report

    page = render_report(real_report)
    for heading in (
        "Trailing returns",
        "Against the benchmarks",
        "Distribution",
        "Worst drawdowns",
        "Slices",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "12-month Sharpe ratio" in page
    # PME, Calmar and Sortino are defined in a hover and a footnote.
    for label in ("PME", "Calmar", "Sortino"):
        hint = tables.DEFINITIONS[label]
        assert f'<th scope="row" title="{hint}">{label}</th>' in page.replace(
            "&#39;", "'"
        )
        assert f"<li>{label}: {hint}.</li>" in page.replace("&#39;", "'")
