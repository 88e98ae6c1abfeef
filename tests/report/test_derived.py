"""Known answers for the report's derived views, worked out by hand below."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import piefolio.analytics as pa
from piefolio.report import derived
from piefolio.report.model import ReportData


def test_drawdowns_of_a_hand_series(tiny_report: ReportData) -> None:
    # Pie: 1.0, 1.2 (high), 0.9 (-25 % from 1.2), 1.0 (-1/6), 1.3 (new high).
    dd = derived.drawdowns(tiny_report)
    np.testing.assert_allclose(dd["Pie"], [0.0, 0.0, -0.25, -1 / 6, 0.0])
    # Bench: 1.0, 1.1, 1.1, 1.21 (high), 0.99 (0.99 / 1.21 - 1).
    np.testing.assert_allclose(dd["Bench <b>"], [0, 0, 0, 0, 0.99 / 1.21 - 1])


def test_drawdown_stats_dates(tiny_report: ReportData) -> None:
    stats = derived.drawdown_stats(tiny_report)
    pie = stats.loc["Pie"]
    assert pie["depth"] == pytest.approx(-0.25)
    assert pie["peak"] == dt.date(2020, 12, 30)
    assert pie["trough"] == dt.date(2020, 12, 31)
    assert pie["recovery"] == dt.date(2021, 12, 31)
    assert stats.loc["Bench <b>", "recovery"] is None  # still under water at the end


def test_annual_returns_of_a_hand_series(tiny_report: ReportData) -> None:
    table = derived.annual_table(tiny_report)
    assert list(table.index) == [2020, 2021]
    # 2020 ends at 0.9 from 1.0; 2021 ends at 1.3 from 0.9.
    np.testing.assert_allclose(table["Pie"], [-0.1, 1.3 / 0.9 - 1])
    # Bench: 1.1 / 1.0 - 1, then 0.99 / 1.1 - 1.
    np.testing.assert_allclose(table["Bench <b>"], [0.1, -0.1])


def test_monthly_table_of_the_pie(tiny_report: ReportData) -> None:
    table = derived.monthly_table(tiny_report)
    assert table.shape == (2, 12)
    assert table.loc[2020, 12] == pytest.approx(-0.1)
    assert table.loc[2021, 1] == pytest.approx(1.0 / 0.9 - 1)
    assert table.loc[2021, 12] == pytest.approx(0.3)
    assert np.isnan(table.to_numpy()[1, 5])  # June 2021: no data


def test_tail_risk_of_a_hand_series(tiny_report: ReportData) -> None:
    # Pie returns: 0.2, -0.25, 1/9, 0.3. Sorted: -0.25, 1/9, 0.2, 0.3; the 5th
    # percentile sits 0.05 * 3 = 0.15 of the way from the 1st to the 2nd value.
    tail = derived.tail_risk(tiny_report)
    var = -0.25 + 0.15 * (1 / 9 + 0.25)
    assert tail.loc["Pie", "var"] == pytest.approx(var)
    assert tail.loc["Pie", "es"] == pytest.approx(-0.25)


def test_drift_is_actual_minus_target(tiny_report: ReportData) -> None:
    drift = derived.drift(tiny_report)
    assert list(drift.columns) == ["A", "B"]
    np.testing.assert_allclose(drift.to_numpy(), 0.0)
    # Weights that moved off the 50/50 targets: A at 0.6, 0.45 and 0.5 (with
    # cash 0.05 on day 1) give A +0.10, -0.05, 0 and B -0.10, 0, -0.05.
    index = tiny_report.weights.index[:3]
    moved = replace(
        tiny_report,
        weights=pd.DataFrame({"A": [0.6, 0.45, 0.5], "B": [0.4, 0.5, 0.45]}, index),
    )
    np.testing.assert_allclose(
        derived.drift(moved).to_numpy(),
        [[0.10, -0.10], [-0.05, 0.0], [0.0, -0.05]],
        atol=1e-15,
    )


def test_short_run_has_empty_rolling_windows_and_no_correlations(
    tiny_report: ReportData,
) -> None:
    table = derived.rolling_table(tiny_report)
    assert table.isna().all().all()
    assert derived.slice_correlations(tiny_report) is None


def test_rolling_table_on_real_prices(real_report: ReportData) -> None:
    table = derived.rolling_table(real_report)
    pie, first = real_report.pie, real_report.benchmarks[0]
    uv = real_report.unit_value[pie]
    # 12 months = 252 trading days back.
    assert table[("return", pie)].iloc[252] == pytest.approx(
        uv.iloc[252] / uv.iloc[0] - 1
    )
    assert np.isnan(table[("return", pie)].iloc[251])
    assert ("beta", pie) in table.columns
    assert ("beta", first) not in table.columns  # a beta to itself says nothing
    assert set(table.columns.get_level_values(0)) == {
        "return",
        "volatility",
        "sharpe",
        "beta",
    }
    # The rolling Sharpe of the last window is the Sharpe of its 252 returns.
    last = pa.daily_returns(uv).iloc[-252:]
    assert table[("sharpe", pie)].iloc[-1] == pytest.approx(
        pa.sharpe_ratio(last), rel=1e-9
    )


def test_slice_correlations_on_real_prices(real_report: ReportData) -> None:
    corr = derived.slice_correlations(real_report)
    assert corr is not None
    assert list(corr.columns) == list(real_report.targets.index)
    np.testing.assert_allclose(np.diag(corr.to_numpy()), 1.0)
    assert (
        corr["SLV"].astype("float64").to_dict()["GLD"] > 0.5
    )  # gold and silver move together


def test_real_report_annual_returns_compound_to_the_total(
    real_report: ReportData,
) -> None:
    table = derived.annual_table(real_report)
    total = real_report.summary["twr"]
    np.testing.assert_allclose((1 + table).prod() - 1, total.to_numpy(), rtol=1e-10)


def test_derived_views_do_not_mutate_the_data(tiny_report: ReportData) -> None:
    before = tiny_report.unit_value.copy()
    derived.drawdowns(tiny_report)
    derived.annual_table(tiny_report)
    pd.testing.assert_frame_equal(tiny_report.unit_value, before)
