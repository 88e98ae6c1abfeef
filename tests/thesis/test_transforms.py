"""Transforms and conditions on hand-made series whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.spec import Indicator, Transform
from piefolio.thesis import change, holds, transform
from piefolio.thesis.indicators import fails


def monthly(values: list[float], start: str = "2020-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def indicator(**kw: object) -> Indicator:
    base: dict[str, object] = {"id": "x", "claim": "c", "series": "S", "above": 0.0}
    base.update(kw)
    return Indicator.model_validate(base)


def test_monthly_yoy_is_twelve_months_back_by_date() -> None:
    # 100, 101, ..., 123: the value 12 months before 2021-01 (112) is 2020-01's
    # 100, so yoy = 112 / 100 - 1 = 0.12; the first 12 months have no year back.
    values = monthly([100.0 + i for i in range(24)])
    yoy = transform(values, Transform("change", "12M"), "monthly")
    assert yoy.index.equals(values.index)  # on the series' own dates, one a month
    assert yoy.iloc[:12].isna().all()
    assert yoy["2021-01-01"] == pytest.approx(0.12)
    assert yoy["2021-12-01"] == pytest.approx(123 / 111 - 1)


def test_a_missing_month_is_not_filled_from_a_neighbour() -> None:
    # 2020-10 did not print: 2021-10's yoy has no value a year back (NaN), and
    # 2021-11's still looks at 2020-11, not at an observation count.
    values = monthly([100.0 + i for i in range(24)]).drop(pd.Timestamp("2020-10-01"))
    yoy = change(values, "12M", "monthly")
    assert np.isnan(yoy["2021-10-01"])
    assert yoy["2021-11-01"] == pytest.approx(122 / 110 - 1)


def test_daily_yoy_is_one_year_back_by_date() -> None:
    # Business days, value = day number. 2021-03-01 looks back to 2020-03-01, a
    # Sunday: the last day on or before it is Friday 2020-02-28.
    days = pd.bdate_range("2020-01-01", "2021-06-30")
    values = pd.Series(np.arange(1.0, len(days) + 1), index=days)
    yoy = change(values, "1Y", "daily")
    want = values["2021-03-01"] / values["2020-02-28"] - 1
    assert yoy["2021-03-01"] == pytest.approx(want)
    assert yoy[:"2020-12-31"].isna().all()


def test_three_month_change_and_non_positive_base() -> None:
    values = monthly([0.0, 2.0, 3.0, 4.0, 5.0])
    out = change(values, "3M", "monthly")
    assert np.isnan(out.iloc[3])  # 4 / 0: no change of a level at zero
    assert out.iloc[4] == pytest.approx(5 / 2 - 1)


def test_relative_reads_the_reference_on_the_series_dates() -> None:
    # The series doubles over the year, the daily reference rises 50 %:
    # (1 + 1.0) / (1 + 0.5) - 1 = 1/3.
    values = monthly([100.0] * 12 + [200.0])
    days = pd.bdate_range("2019-12-01", "2021-02-01")
    ref = pd.Series(
        np.where(days >= pd.Timestamp("2020-12-15"), 150.0, 100.0), index=days
    )
    out = transform(
        values, Transform("relative", "12M", "SPY"), "monthly", reference=ref
    )
    assert out["2021-01-01"] == pytest.approx(1 / 3)
    assert np.isnan(out.iloc[:12]).all()


def test_conditions_hold_fail_and_stay_unknown_on_nan() -> None:
    values = pd.Series([-1.0, 0.0, 1.0, np.nan])
    above = indicator(above=0.0)
    assert holds(values, above).tolist()[:3] == [0.0, 0.0, 1.0]  # strictly above
    assert np.isnan(holds(values, above).iloc[3])
    below = indicator(above=None, below=0.0)
    assert holds(values, below).tolist()[:3] == [1.0, 0.0, 0.0]
    held = holds(values, above)
    assert fails(held, "supports").tolist()[:3] == [1.0, 1.0, 0.0]
    assert fails(held, "weakens").tolist()[:3] == [0.0, 0.0, 1.0]
