from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from piefolio.report.format import (
    DASH,
    Kind,
    format_value,
    money,
    percent,
    ratio,
    summary_strings,
    verdict_sentence,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567.891, "1,234,568 EUR"),
        (1000.0, "1,000 EUR"),
        (999.5, "999.50 EUR"),
        (3.456, "3.46 EUR"),
        (-1200.0, "-1,200 EUR"),
        (-0.0, "0.00 EUR"),
        (-0.001, "0.00 EUR"),
        (np.float64(2500.4), "2,500 EUR"),
        (math.nan, DASH),
        (math.inf, DASH),
        (None, DASH),
        (pd.NA, DASH),
    ],
)
def test_money(value: Any, text: str) -> None:
    assert money(value, "EUR") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0512, "5.1%"),
        (-0.12, "-12.0%"),
        (1.0615, "106.2%"),
        (12.5, "1,250.0%"),
        (-0.0004, "0.0%"),
        (math.nan, DASH),
        (None, DASH),
    ],
)
def test_percent(value: Any, text: str) -> None:
    assert percent(value) == text


def test_ratio_and_kinds() -> None:
    assert ratio(1.234) == "1.23"
    assert ratio(math.nan) == DASH
    assert ratio(-0.001) == "0.00" and ratio(-0.006) == "-0.01"
    assert format_value(0.5, Kind.PERCENT, "USD") == "50.0%"
    assert format_value(0.5, Kind.MONEY, "USD") == "0.50 USD"
    assert format_value(0.5, Kind.RATIO, "USD") == "0.50"
    # A return carries its sign, as the real-returns table under it does.
    assert format_value(0.367, Kind.RETURN, "USD") == "+36.7%"
    assert format_value(-0.05, Kind.RETURN, "USD") == "-5.0%"


def test_summary_strings_keeps_series_order_and_dashes_nan() -> None:
    summary = pd.DataFrame(
        {
            "final_value": [1500.0, 1400.0],
            "twr": [0.5, math.nan],
            "beta": [0.9, math.nan],
        },
        index=["Pie", "S&P 500"],
    )
    text = summary_strings(summary, "EUR")
    assert list(text.index) == ["Pie", "S&P 500"]
    assert text.loc["Pie", "Final value"] == "1,500 EUR"
    assert text.loc["Pie", "Return (time-weighted)"] == "+50.0%"
    assert text.loc["S&P 500", "Return (time-weighted)"] == DASH
    assert text.loc["S&P 500", "Beta"] == DASH
    assert "Sharpe" not in text.columns  # absent columns are skipped


def test_verdict_sentence() -> None:
    assert verdict_sentence("Pie", "beat SPY by 5 EUR") == "Pie beat SPY by 5 EUR"
    assert verdict_sentence("Pie", "Pie beat SPY") == "Pie beat SPY"
    assert verdict_sentence("Pie", "Nothing to compare") == "Nothing to compare"
