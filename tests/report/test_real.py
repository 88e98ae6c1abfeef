"""Real figures on the run page, in the terminal and in the JSON."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from piefolio.analytics.inflation import PriceIndex, real_returns
from piefolio.report.figures import growth_figure
from piefolio.report.format import money
from piefolio.report.html import render_report
from piefolio.report.json import report_json
from piefolio.report.model import ReportData
from piefolio.report.tables import real_frame
from piefolio.report.terminal import real_table


def _with_real(report: ReportData, rate: float = 0.02) -> ReportData:
    """The report deflated by an index growing ``rate`` a year (calendar days)."""
    first = report.nav.index[0]
    months = pd.date_range("2020-12-01", "2022-01-01", freq="MS")
    levels = 100.0 * (1 + rate) ** ((months - first).days.to_numpy() / 365.0)
    index = PriceIndex("CPITEST", "a test index", pd.Series(levels, index=months))
    # Every series of the tiny report started with 100 and took nothing later.
    flows = {n: pd.Series([100.0], index=[first]) for n in report.series}
    real = real_returns(report.nav, report.unit_value, flows, index)
    return dataclasses.replace(report, real=real)


def test_real_figures_sit_beside_the_nominal_ones(tiny_report: ReportData) -> None:
    data = _with_real(tiny_report)
    days = (data.nav.index[-1] - data.nav.index[0]).days
    deflator = 1.02 ** (days / 365)
    pie = data.pie
    # Hand: the pie ends at 100 x 1.3 = 130, so 130 / 1.02 ** (days / 365) in
    # money of the first day; its XIRR (one deposit) is its TWR a year.
    real_final = 130.0 / deflator
    row = data.real.summary.loc[pie]  # type: ignore[union-attr]
    assert row["final_value"] == pytest.approx(real_final, rel=1e-12)
    assert row["xirr"] == pytest.approx(1.3 ** (365 / days) / 1.02 - 1, abs=1e-9)
    text = real_frame(data)
    assert text is not None
    assert list(text.index) == [
        "Final value",
        "Final value, real",
        "Put in, real",
        "TWR a year",
        "TWR a year, real",
        "XIRR",
        "XIRR, real",
    ]
    assert text.loc["Final value, real", pie] == money(real_final, data.currency)
    # JSON: the index named, its last print, the money of the first day.
    payload = report_json(data)["real"]
    assert payload["index"] == "CPITEST" and payload["last_print"] == "2022-01-01"
    assert payload["money_of"] == data.nav.index[0].date().isoformat()
    assert payload["held_days"] == 0
    assert payload["summary"][pie]["final_value"] == pytest.approx(real_final)
    assert payload["inflation"] == pytest.approx(deflator - 1, rel=1e-12)
    # Terminal and page: a table named after the index; the growth chart's
    # dotted line is the pie's real value.
    table = real_table(data)
    assert table is not None and "CPITEST" in str(table.title)
    html = render_report(data)
    assert "Nominal and real" in html and "CPITEST" in html
    (line,) = [t for t in growth_figure(data).data if "real" in (t.name or "")]
    assert line.line.dash == "dot"
    assert list(line.y) == pytest.approx(list(data.real.nav[pie]))  # type: ignore[union-attr]


def test_without_an_index_there_is_no_real_table(tiny_report: ReportData) -> None:
    assert real_frame(tiny_report) is None and real_table(tiny_report) is None
    assert report_json(tiny_report)["real"] is None
    assert "Nominal and real" not in render_report(tiny_report)
    assert not [t for t in growth_figure(tiny_report).data if "real" in (t.name or "")]
