"""From a backtest to a report: one slice, 60 slices, 3 months and 30 years all read."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.backtest import backtest
from piefolio.data.frame import PriceFrame
from piefolio.report import allocation_tree, report_data, report_json, write_report
from piefolio.report.figures import report_figures
from piefolio.spec import parse_pie


def frame(prices: pd.DataFrame) -> PriceFrame:
    return PriceFrame.from_prices(prices, "EUR")


def market(n: int, days: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rets = rng.normal(3e-4, 0.012, size=(days, n))
    index = pd.bdate_range("1995-01-02", periods=days)
    cols = [f"T{i:02d}" for i in range(n)] + ["BM"]
    bench = rng.normal(2e-4, 0.01, size=(days, 1))
    return pd.DataFrame(
        100 * np.cumprod(1 + np.hstack([rets, bench]), axis=0),
        index=index,
        columns=cols,
    )


def spec_text(n: int, themes: int) -> str:
    per = n // themes
    blocks = []
    for t in range(themes):
        members = ", ".join(
            f'{{ ticker = "T{t * per + i:02d}", weight = {1 / per!r} }}'
            for i in range(per)
        )
        blocks.append(
            f'[[pie.slices]]\nname = "Theme {t}"\nweight = {1 / themes!r}\n'
            f"slices = [{members}]\n"
        )
    return (
        '[pie]\nname = "Synthetic"\ncurrency = "EUR"\nthesis = "A test."\n'
        + "".join(blocks)
        + '[benchmarks]\n"Market" = "BM"\n'
        + "[plan]\nstart = 1995-01-02\ninitial = 1000\n"
        + 'deposits = { amount = 100, every = "month", day = 1 }\n'
        + 'rebalance = { policy = "threshold", band = 0.05 }\n'
        + "[plan.fees]\ncommission_pct = 0.1\n"
    )


@pytest.mark.parametrize(
    ("slices", "themes", "days"),
    [(1, 1, 1000), (60, 6, 1000), (5, 1, 63), (4, 2, 252 * 30)],
    ids=["one slice", "60 slices", "3 months", "30 years"],
)
def test_reports_read_at_every_size(
    slices: int, themes: int, days: int, tmp_path: Path
) -> None:
    spec = parse_pie(spec_text(slices, themes))
    bt = backtest(spec, frame=frame(market(slices, days)))
    data = report_data(bt)
    # The waterfall adds up to the ending value.
    steps = data.waterfall.drop("ending value")
    assert math.fsum(steps) == pytest.approx(data.waterfall["ending value"], rel=1e-9)
    assert data.waterfall["ending value"] == pytest.approx(bt.pie.final_value)
    assert data.waterfall["fees"] == pytest.approx(-bt.pie.fees)
    page = write_report(data, tmp_path)
    html = page.read_text(encoding="utf-8")
    assert html.count('class="plotly-graph-div"') == len(report_figures(data)) >= 4
    assert "Synthetic" in html and "Market" in html
    report_json(data)  # JSON-safe at every size
    # Holdings today: the engine's last weights, and values that add up to the
    # NAV less its cash.
    held = data.holdings
    assert held is not None
    last = data.weights.iloc[-1]
    np.testing.assert_allclose(held["weight"].loc[last.index], last, atol=1e-9)
    assert held["value"].sum() <= bt.pie.final_value * (1 + 1e-12)


def test_theme_contributions_add_up_to_the_pie() -> None:
    spec = parse_pie(spec_text(6, 3))
    bt = backtest(spec, frame=frame(market(6, 600)))
    data = report_data(bt)
    assert list(data.contributions.columns[:3]) == ["Theme 0", "Theme 1", "Theme 2"]
    # With the "other" column (cash and fees), each year adds up to the pie's
    # summed daily returns.
    daily = bt.pie.unit_value.pct_change().iloc[1:]
    by_year = daily.groupby(daily.index.year).sum()
    np.testing.assert_allclose(
        data.contributions.sum(axis=1).to_numpy(), by_year.to_numpy(), rtol=1e-9
    )
    # That sum holds by construction ("other" is what the slices leave); each
    # theme is checked on its own: the sum over the year's days and the
    # theme's tickers of yesterday's weight times today's price return,
    # w_{t-1,i} * (p_t,i / p_t-1,i - 1), from the engine's weights and the closes.
    prices = market(6, 600)
    weights = bt.pie.weights
    closes = prices.loc[weights.index, weights.columns]
    each = (weights.shift(1) * (closes / closes.shift(1) - 1)).iloc[1:]
    for theme, members in spec.pie.themes().items():
        expected = each[list(members)].sum(axis=1)
        expected = expected.groupby(expected.index.year).sum()
        np.testing.assert_allclose(
            data.contributions[theme].to_numpy(), expected.to_numpy(), rtol=1e-9
        )
    # The slices do not explain everything: "other" is small but the column
    # is there (and the theme sum alone misses it).
    assert "other" in data.contributions.columns


def test_allocation_tree_paths_and_weights() -> None:
    tree = allocation_tree(parse_pie(spec_text(4, 2)).pie)
    assert tree["id"].tolist() == [
        "Theme 0", "Theme 0/T00", "Theme 0/T01", "Theme 1", "Theme 1/T02", "Theme 1/T03",
    ]  # fmt: skip
    assert tree.loc[tree["parent"] == "", "weight"].sum() == pytest.approx(1.0)
    assert tree.loc[tree["id"] == "Theme 1/T03", "weight"].item() == pytest.approx(0.25)


def test_late_listings_and_the_note() -> None:
    from piefolio.report.build import late_listings, listing_note, period_text

    index = pd.bdate_range("2024-01-01", periods=5)
    prices = pd.DataFrame(
        {
            "A": [1.0] * 5,
            "B": [np.nan, np.nan, 2.0, 2.0, 2.0],
            "C": [np.nan] + [3.0] * 4,
        },
        index=index,
    )
    late = late_listings(prices)
    assert late.to_dict() == {"B": index[2].date(), "C": index[1].date()}
    note = listing_note(late, pd.Series({"A": 0.5, "B": 0.3, "C": 0.2}))
    assert note is not None
    assert "B (30.0 % target) from 2024-01-03" in note
    assert "in proportion to their targets" in note
    assert listing_note(late_listings(prices[["A"]]), pd.Series({"A": 1.0})) is None
    # 2024-01-01 to 2024-01-05: 4 calendar days.
    assert period_text(index) == "0.0 years of prices, 2024-01-01 to 2024-01-05."


def test_page_says_the_period_and_that_dividends_are_in_the_prices() -> None:
    prices = market(2, 300)
    prices.loc[prices.index[:100], "T01"] = np.nan  # listed late
    spec = parse_pie(
        spec_text(2, 1).replace("[plan]\n", '[plan]\nlate_listing = "redistribute"\n')
    )
    data = report_data(backtest(spec, frame=frame(prices)))
    last = prices.index[-1].date().isoformat()
    assert f"until {last}." in data.plan_text and "latest data" not in data.plan_text
    assert f"to {last}." in data.plan_text
    # Adjusted closes: no 0 dividends step, a note instead.
    assert "dividends" not in data.waterfall.index
    assert any("inside the adjusted closes" in n for n in data.notes)
    assert any(
        n.startswith("Listed after the start: T01 (50.0 % target)") for n in data.notes
    )
