"""The scenario pages' charts: round money ticks, values on bars, one scale."""

from __future__ import annotations

import pandas as pd
import pytest

from piefolio.report.scenario_figures import (
    bars_figure,
    distribution_figure,
    fan_figure,
    fan_range,
    fans_figure,
    log_money_ticks,
    starts_figure,
)


def test_log_ticks_are_round_amounts_with_the_currency() -> None:
    # 9,000..31,000: the ticks around it are 5,000, 10,000, 20,000 and 50,000.
    values, labels = log_money_ticks(9_000, 31_000, "EUR")
    assert values == [5_000, 10_000, 20_000, 50_000]
    assert labels == ["5,000 EUR", "10,000 EUR", "20,000 EUR", "50,000 EUR"]
    # Over more than two decades only the 1s and the 5s stay.
    values, _ = log_money_ticks(500, 200_000)
    assert values == [500, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000]
    assert log_money_ticks(0.0, 10.0) == ([], [])


def test_box_plot_axis_has_money_labels_not_bare_digits() -> None:
    finals = pd.DataFrame({"Pie": [9_000.0, 12_000.0, 20_000.0, 31_000.0]})
    fig = distribution_figure(finals, 10_000.0, "Finals", currency="EUR")
    axis = fig.layout.xaxis
    assert axis.type == "log" and "EUR" in axis.title.text
    assert all(t.endswith(" EUR") for t in axis.ticktext)


def test_bars_carry_their_values() -> None:
    frame = pd.DataFrame({"Pie": [-0.345, 0.1]}, index=["2008", "2020"])
    (bar,) = bars_figure(frame, "Crises").data
    assert bar.texttemplate == "%{y:.1%}"


def test_fans_share_one_axis_in_the_currency() -> None:
    dates = pd.bdate_range("2026-01-01", periods=10)
    fan = pd.DataFrame(
        {p: 1000.0 + p * pd.Series(range(10), index=dates) for p in (5, 25, 50, 75, 95)}
    )
    invested = pd.Series(1000.0, index=dates)
    fig = fans_figure(
        {"Pie": fan, "S&P 500": fan * 0.9}, invested, "Both", currency="EUR", goal=2000
    )
    medians = [t for t in fig.data if t.name and "median" in t.name]
    assert [t.name for t in medians] == [
        "Pie (median, 25-75th band)",
        "S&P 500 (median, 25-75th band)",
    ]
    assert list(medians[1].y) == pytest.approx(list(0.9 * fan[50]))
    assert fig.layout.yaxis.title.text == "value, EUR"
    assert any(t.name == "Goal 2,000" for t in fig.data)
    assert (
        fan_figure(fan, invested, "One", currency="USD").layout.yaxis.title.text
        == "value, USD"
    )


def test_single_fans_share_one_scale_from_zero() -> None:
    dates = pd.bdate_range("2026-01-01", periods=10)
    step = pd.Series(range(10), index=dates, dtype="float64")
    pie = pd.DataFrame({p: 1000.0 + p * step for p in (5, 25, 50, 75, 95)})
    bench = pie * 0.5
    invested = pd.Series(1000.0, index=dates)
    # The highest value of both fans is the pie's 95th on the last day:
    # 1000 + 95 * 9 = 1855; the axis reaches 5 % above it.
    low, high = fan_range({"Pie": pie, "B": bench}, invested)
    assert (low, high) == (0.0, pytest.approx(1.05 * 1855.0))
    # A goal above every path stays on the axis.
    assert fan_range({"Pie": pie}, invested, 3000.0)[1] == pytest.approx(3150.0)
    figs = [
        fan_figure(f, invested, n, currency="EUR", value_range=(low, high))
        for n, f in (("Pie", pie), ("B", bench))
    ]
    assert [tuple(f.layout.yaxis.range) for f in figs] == [(low, high)] * 2
    assert fan_figure(pie, invested, "alone").layout.yaxis.range is None


def test_start_sweep_chart_pairs_each_start_with_its_benchmark() -> None:
    index = pd.RangeIndex(5, name="trading days since the start")
    cols = ["worst start 2008-05-01", "best start 2020-03-02"]
    pie = pd.DataFrame({c: [1000.0 + i * k for i in range(5)] for k, c in
                        enumerate(cols, 1)}, index=index)  # fmt: skip
    spx, ndx = pie * 0.8, pie * 0.9
    fig = starts_figure(pie, {"S&P 500": spx, "Nasdaq": ndx}, "t", currency="EUR")
    names = [t.name for t in fig.data]
    assert names == [
        "pie, worst start 2008-05-01",
        "S&P 500, worst start 2008-05-01",
        "Nasdaq, worst start 2008-05-01",
        "pie, best start 2020-03-02",
        "S&P 500, best start 2020-03-02",
        "Nasdaq, best start 2020-03-02",
    ]
    by = {t.name: t for t in fig.data}
    # Each benchmark line is drawn in its start's colour; the first dashed and
    # shown, the others dotted and hidden until picked in the legend.
    first, other = (
        by["S&P 500, best start 2020-03-02"],
        by["Nasdaq, best start 2020-03-02"],
    )
    assert first.line.color == by["pie, best start 2020-03-02"].line.color
    assert first.line.dash == "dash" and first.visible is True
    assert other.line.dash == "dot" and other.visible == "legendonly"
    assert list(first.y) == pytest.approx(list(spx[cols[1]]))
    assert fig.layout.yaxis.title.text == "value, EUR"
    assert fig.layout.xaxis.title.text == "trading days since the start"
