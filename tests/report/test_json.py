from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from piefolio.report.json import json_safe, report_json
from piefolio.report.model import ReportData


def test_real_report_json_is_strict_json_and_matches_the_summary(
    real_report: ReportData,
) -> None:
    data = report_json(real_report)
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text)
    assert back["series"] == real_report.series
    for name in real_report.series:
        row = real_report.summary.loc[name].astype("float64").to_dict()
        for column, value in row.items():
            got = back["summary"][name][column]
            if math.isnan(value):
                assert got is None
            else:
                assert got == pytest.approx(value, rel=1e-12)
    assert back["start"] == "2019-01-02" and back["end"] == "2023-12-29"
    assert back["generated"] == "2026-11-29T09:00:00+00:00"
    assert [s["step"] for s in back["waterfall"]] == list(real_report.waterfall.index)
    assert back["waterfall"][-1]["value"] == pytest.approx(real_report.nav.iloc[-1, 0])
    assert set(back["contributions"]) == {"2019", "2020", "2021", "2022", "2023"}
    assert back["trades"]["count"] == len(real_report.trades)
    assert len(back["verdicts"]) == 2


def test_tiny_report_json_known_answers(tiny_report: ReportData) -> None:
    back = json.loads(json.dumps(report_json(tiny_report), allow_nan=False))
    assert back["annual_returns"]["Pie"]["2020"] == pytest.approx(-0.1)
    assert back["annual_returns"]["Bench <b>"]["2021"] == pytest.approx(-0.1)
    dd = back["drawdowns"]["Pie"]
    assert dd["depth"] == pytest.approx(-0.25)
    assert (dd["peak"], dd["trough"], dd["recovery"]) == (
        "2020-12-30",
        "2020-12-31",
        "2021-12-31",
    )
    assert back["drawdowns"]["Bench <b>"]["recovery"] is None
    assert back["summary"]["Pie"]["sharpe"] is None
    assert back["contributions"] == {}
    assert back["trades"] == {"count": 0, "fees": 0.0}
    # 2020 ended at 0.9, the pie ends 2021 at 1.3; no 3 years of data.
    assert back["trailing_returns"]["Pie"]["YTD"] == pytest.approx(1.3 / 0.9 - 1)
    assert back["trailing_returns"]["Pie"]["3Y"] is None
    assert back["worst_drawdowns"][0]["duration_days"] == 366
    assert back["distribution"]["Pie"]["worst_day_on"] == "2020-12-31"
    assert set(back["against"]) == {"Bench <b>"}
    assert back["slices"] is None and back["holdings"] is None


def test_json_safe_conversions() -> None:
    assert json_safe(np.float64("nan")) is None
    assert json_safe(float("-inf")) is None
    assert json_safe(np.int64(3)) == 3 and isinstance(json_safe(np.int64(3)), int)
    assert json_safe(pd.Timestamp("2024-01-02")) == "2024-01-02"
    assert json_safe(pd.Timestamp("2024-01-02 10:30")) == "2024-01-02T10:30:00"
    assert json_safe(dt.date(2024, 1, 2)) == "2024-01-02"
    assert json_safe(pd.NaT) is None
    assert json_safe({2024: (1.0, None)}) == {"2024": [1.0, None]}
    with pytest.raises(TypeError, match="cannot make a object JSON-safe"):
        json_safe(object())


def test_pie_without_benchmarks(lonely_report: ReportData) -> None:
    back = json.loads(json.dumps(report_json(lonely_report), allow_nan=False))
    assert back["series"] == ["Alone"] and back["verdicts"] == []
