from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from piefolio.report import figures
from piefolio.report.model import ReportData


def test_growth_has_every_series_the_invested_line_and_a_log_toggle(
    real_report: ReportData,
) -> None:
    fig = figures.growth_figure(real_report)
    names = [t.name for t in fig.data]
    assert names == [*real_report.series, "Money put in"]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.args[0]["yaxis.type"] for b in buttons] == ["linear", "log"]
    np.testing.assert_allclose(fig.data[0].y, real_report.nav[real_report.pie])


def test_drawdown_figure_draws_the_hand_drawdowns(tiny_report: ReportData) -> None:
    fig = figures.drawdown_figure(tiny_report)
    np.testing.assert_allclose(fig.data[0].y, [0.0, 0.0, -0.25, -1 / 6, 0.0])
    assert fig.data[0].fill == "tozeroy"


def test_annual_bars_one_trace_per_series(tiny_report: ReportData) -> None:
    fig = figures.annual_returns_figure(tiny_report)
    assert [t.name for t in fig.data] == tiny_report.series
    assert list(fig.data[0].x) == ["2020", "2021"]
    np.testing.assert_allclose(fig.data[1].y, [0.1, -0.1])


def test_monthly_heatmap_shape(real_report: ReportData) -> None:
    fig = figures.monthly_heatmap_figure(real_report)
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (5, 12)  # 2019..2023
    assert fig.data[0].zmid == 0.0


def test_rolling_figure_panels(
    real_report: ReportData, tiny_report: ReportData
) -> None:
    fig = figures.rolling_figure(real_report)
    assert fig is not None
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [
        "12-month return",
        "12-month volatility",
        "12-month Sharpe ratio",
        "12-month beta to S&P 500",
    ]
    assert figures.rolling_figure(tiny_report) is None


def test_sunburst_branches_are_the_sum_of_their_leaves(real_report: ReportData) -> None:
    sun = figures.allocation_figure(real_report).data[0]
    values = dict(zip(sun.ids, sun.values, strict=True))
    assert values["Energy & power"] == pytest.approx(0.7)
    assert values["Metals"] == pytest.approx(0.3)
    assert values["Metals/GLD"] == pytest.approx(0.15)
    assert sun.branchvalues == "total"


def test_waterfall_ends_with_the_total(real_report: ReportData) -> None:
    trace = figures.waterfall_figure(real_report).data[0]
    assert list(trace.measure) == ["relative"] * 3 + ["total"]
    assert list(trace.x) == list(real_report.waterfall.index)


def test_optional_charts_are_none_without_data(
    tiny_report: ReportData, real_report: ReportData
) -> None:
    assert figures.contributions_figure(tiny_report) is None
    assert figures.correlation_figure(tiny_report) is None
    assert figures.trades_figure(tiny_report) is None
    trades = figures.trades_figure(real_report)
    assert trades is not None
    bought = trades.data[0]
    assert sum(bought.y) == pytest.approx(real_report.trades["value"].sum())


def test_contributions_stack_per_theme_with_their_sum(real_report: ReportData) -> None:
    fig = figures.contributions_figure(real_report)
    assert fig is not None
    assert [t.name for t in fig.data] == ["Energy & power", "Metals", "Sum"]
    np.testing.assert_allclose(fig.data[-1].y, real_report.contributions.sum(axis=1))


def test_fan_figure_bands_and_median() -> None:
    dates = pd.bdate_range("2026-01-01", periods=5)
    fan = pd.DataFrame(
        {str(p): [100.0 + p] * 5 for p in (5, 25, 50, 75, 95)}, index=dates
    )
    fig = figures.fan_figure(fan, pd.Series(100.0, index=dates), "Fan")
    assert isinstance(fig, go.Figure)
    median = next(t for t in fig.data if t.name == "Median")
    np.testing.assert_allclose(median.y, 150.0)
    assert sum(t.fill == "tonexty" for t in fig.data) == 2
    with pytest.raises(ValueError, match=r"lacks the percentile columns \[95\]"):
        figures.fan_figure(fan.drop(columns="95"), pd.Series(dtype=float), "Fan")


def test_claims_figure_has_the_zero_line() -> None:
    dates = pd.bdate_range("2026-01-01", periods=4)
    fig = figures.claims_figure(
        pd.Series([0.1, -0.1, 0.2, np.nan], index=dates), "Claim"
    )
    assert fig.layout.title.text == "Claim"
    assert any(s.y0 == 0.0 and s.y1 == 0.0 for s in fig.layout.shapes)


def test_drift_has_one_panel_per_theme(real_report: ReportData) -> None:
    fig = figures.drift_figure(real_report)
    themes = list(
        dict.fromkeys(real_report.themes[str(t)] for t in real_report.targets.index)
    )
    assert [a.text for a in fig.layout.annotations] == themes
    # Inside a panel no two slices share a colour.
    by_axis: dict[str, list[str]] = {}
    for trace in fig.data:
        by_axis.setdefault(trace.yaxis, []).append(trace.line.color)
    assert all(len(set(c)) == len(c) for c in by_axis.values())
    assert len(fig.data) == len(real_report.targets)


def test_fee_axis_has_its_own_round_ticks(real_report: ReportData) -> None:
    trades = figures.trades_figure(real_report)
    # Synced to the money axis, plotly drew fee ticks at 0.226, 0.452, ...
    assert trades.layout.yaxis2.tickmode == "auto"
    assert trades.layout.yaxis2.title.text.endswith(real_report.currency)
