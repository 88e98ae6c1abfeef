"""ReportData refuses data that would draw a wrong page."""

from __future__ import annotations

import dataclasses

import pytest

from piefolio.report.model import ReportData


def test_properties(tiny_report: ReportData) -> None:
    assert tiny_report.pie == "Pie"
    assert tiny_report.series == ["Pie", "Bench <b>"]
    assert tiny_report.benchmarks == ["Bench <b>"]


def test_unit_value_must_match_nav(tiny_report: ReportData) -> None:
    swapped = tiny_report.unit_value[["Bench <b>", "Pie"]]
    with pytest.raises(ValueError, match="unit_value must have the columns of nav"):
        dataclasses.replace(tiny_report, unit_value=swapped)


def test_summary_must_follow_nav(tiny_report: ReportData) -> None:
    with pytest.raises(ValueError, match="summary must be indexed by the series"):
        dataclasses.replace(tiny_report, summary=tiny_report.summary.iloc[::-1])
    with pytest.raises(ValueError, match=r"summary lacks the columns \['pme'\]"):
        dataclasses.replace(
            tiny_report, summary=tiny_report.summary.drop(columns="pme")
        )


def test_tree_needs_its_columns(tiny_report: ReportData) -> None:
    with pytest.raises(ValueError, match=r"tree lacks the columns \['weight'\]"):
        dataclasses.replace(tiny_report, tree=tiny_report.tree.drop(columns="weight"))


def test_nav_needs_dates(tiny_report: ReportData) -> None:
    with pytest.raises(ValueError, match="nav must be indexed by dates"):
        nav = tiny_report.nav.reset_index(drop=True)
        dataclasses.replace(tiny_report, nav=nav, unit_value=tiny_report.unit_value)
