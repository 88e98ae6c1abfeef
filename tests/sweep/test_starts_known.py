"""Every start date: known answers worked by hand, one per line of sweep/starts.py.

Each test pins a line that the older tests leave free (found by mutation testing,
mutation/README.md): the horizon's last day, the plan's end, late listings, the
FX mask, withdrawals, weekly starts, progress, ties and the names of the columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.errors import PlanError
from piefolio.spec import Plan
from piefolio.sweep.starts import start_dates, sweep_starts


def _plan(**extra: object) -> Plan:
    base: dict[str, object] = {
        "start": "2024-01-01",
        "initial": 1000,
        "rebalance": "none",
        "fees": {"min_order": 0},
    }
    base.update(extra)
    return Plan.model_validate(base)


def _up(start: str, end: str) -> pd.DataFrame:
    """UP grows 0.1 % a business day from 100 on 2024-01-01; FLAT stays at 50."""
    days = pd.bdate_range(start, end)
    t = np.arange(len(days))
    return pd.DataFrame({"UP": 100 * 1.001**t, "FLAT": 50.0}, index=days)


def test_a_horizon_that_ends_on_the_last_day_fits() -> None:
    # Business days 2024-01-01 .. 2024-04-01 (a Monday). Monthly starts 01-01,
    # 02-01, 03-01, 04-01. 01-01 + 3M = 04-01, the last day: it fits (<=);
    # 02-01 + 3M = 05-01 is after it.
    days = pd.bdate_range("2024-01-01", "2024-04-01")
    assert start_dates(days, horizon="3M").tolist() == [pd.Timestamp("2024-01-01")]
    with pytest.raises(
        PlanError, match=r"^start every 'day': expected one of month, week, quarter$"
    ):
        start_dates(days, "day")


def test_the_plan_end_bounds_the_starts_and_its_day_counts() -> None:
    # Data to 2024-12-31, plan.end 2024-04-01 (a trading day, kept: the window is
    # inclusive) and a 3M horizon: only the 01-01 start fits (as above), and it
    # ends on 04-01. Business days Jan 23 + Feb 21 + Mar 21 = 65 steps of 0.1 %,
    # so a lump sum of 1000 in UP ends at 1000 * 1.001**65.
    res = sweep_starts(
        _up("2024-01-01", "2024-12-31"),
        {"up": {"UP": 1.0}},
        _plan(end="2024-04-01"),
        horizon="3M",
    )
    assert res.rows["start"].tolist() == [pd.Timestamp("2024-01-01")]
    assert res.rows["end"].tolist() == [pd.Timestamp("2024-04-01")]
    assert res.rows["final_value"].iloc[0] == pytest.approx(1000 * 1.001**65, rel=1e-12)


def test_the_plan_end_without_a_horizon() -> None:
    # plan.end 2024-06-28 (a Friday): starts Jan..Jun (six), each run to 06-28.
    # Business days Jan 23 + Feb 21 + Mar 21 + Apr 22 + May 23 + Jun 20 = 130, so
    # 06-28 is index 129 and the 01-01 start ends at 1000 * 1.001**129.
    prices = _up("2024-01-01", "2024-12-31")
    res = sweep_starts(prices, {"up": {"UP": 1.0}}, _plan(end="2024-06-28"))
    assert res.rows["start"].dt.strftime("%m-%d").tolist() == [
        "01-01", "02-01", "03-01", "04-01", "05-01", "06-03",
    ]  # fmt: skip
    assert (res.rows["end"] == pd.Timestamp("2024-06-28")).all()
    assert prices.index.get_loc(pd.Timestamp("2024-06-28")) == 129
    first = res.rows["final_value"].iloc[0]
    assert first == pytest.approx(1000 * 1.001**129, rel=1e-12)


def test_no_start_fits_the_horizon() -> None:
    # A year of data cannot hold a 2-year run; the message names the window's
    # last day, 2024-12-31.
    with pytest.raises(
        PlanError, match=r"^no start date leaves 2Y of data before 2024-12-31$"
    ):
        sweep_starts(
            _up("2024-01-01", "2024-12-31"), {"up": {"UP": 1.0}}, _plan(), horizon="2Y"
        )


def test_unknown_tickers_are_named() -> None:
    with pytest.raises(PlanError, match=r"^no prices for NOPE, ALSO$"):
        sweep_starts(
            _up("2024-01-01", "2024-03-29"),
            {"p": {"UP": 0.5, "NOPE": 0.5}, "b": {"ALSO": 1.0}},
            _plan(),
        )


def _late() -> pd.DataFrame:
    """UP and FLAT from 2024-01-01, Y (flat at 20) only from 2024-03-01."""
    prices = _up("2024-01-01", "2024-05-31")
    prices["Y"] = 20.0
    prices.loc[:"2024-02-29", "Y"] = np.nan
    return prices


def test_a_late_listing_redistributed_starts_before_it_lists() -> None:
    # Plan from 2024-02-01 (the data from 01-01). Pie UP/Y 50/50, benchmark FLAT.
    # "redistribute": a series needs one priced slice, so the starts are Feb..May
    # (four). "error": every slice priced, so Mar..May (three).
    series = {"p": {"UP": 0.5, "Y": 0.5}, "flat": {"FLAT": 1.0}}
    spread = sweep_starts(
        _late(), series, _plan(start="2024-02-01", late_listing="redistribute")
    )
    assert spread.rows["start"].unique().strftime("%m-%d").tolist() == [
        "02-01", "03-01", "04-01", "05-01",
    ]  # fmt: skip
    strict = sweep_starts(_late(), series, _plan(start="2024-02-01"))
    assert strict.rows["start"].unique().strftime("%m-%d").tolist() == [
        "03-01", "04-01", "05-01",
    ]  # fmt: skip
    # From 03-01 both halves are bought: 500 of UP and 500 of Y (flat).
    # UP(05-31) / UP(03-01): 03-01 is index 23 + 21 = 44, 05-31 is index
    # 44 + (21 + 22 + 23) - 1 = 109: 65 steps.
    row = strict.rows[strict.rows["series"] == "p"].iloc[0]
    assert row["final_value"] == pytest.approx(500 * 1.001**65 + 500, rel=1e-12)


def test_every_series_needs_a_priced_slice_on_the_first_start() -> None:
    # "redistribute", the young series (Y only, from 03-01) first and FLAT last:
    # a start needs a price in each, so the starts are Mar..May, not from Jan.
    res = sweep_starts(
        _late(),
        {"young": {"Y": 1.0}, "flat": {"FLAT": 1.0}},
        _plan(late_listing="redistribute"),
    )
    assert res.rows["start"].unique().strftime("%m-%d").tolist() == [
        "03-01", "04-01", "05-01",
    ]  # fmt: skip
    # Y and FLAT never move: 1000 in, 1000 out, no drawdown.
    assert res.rows["final_value"].tolist() == pytest.approx([1000.0] * 6, rel=1e-12)


def test_no_day_with_every_price() -> None:
    # A priced only in January, B only from February: no common day.
    prices = _up("2024-01-01", "2024-03-29")[["UP"]].rename(columns={"UP": "A"})
    prices["B"] = 30.0
    prices.loc["2024-02-01":, "A"] = np.nan
    prices.loc[:"2024-01-31", "B"] = np.nan
    with pytest.raises(
        PlanError, match=r"^no day on which every slice of every series has a price$"
    ):
        sweep_starts(prices, {"a": {"A": 1.0}, "b": {"B": 1.0}}, _plan())


def test_the_fx_mask_charges_the_fx_fee() -> None:
    # fx_pct 1 %: a buy of V' costs V' + 0.01 V' = 1000, so V' = 1000 / 1.01 of
    # FLAT, which never moves. Without the mask the fee is not charged: 1000.
    prices = _up("2024-01-01", "2024-02-29")
    plan = _plan(fees={"min_order": 0, "fx_pct": 1.0})
    mask = pd.Series({"UP": False, "FLAT": True})
    res = sweep_starts(prices, {"flat": {"FLAT": 1.0}}, plan, fx_mask=mask)
    assert res.rows["final_value"].tolist() == pytest.approx(
        [1000 / 1.01] * 2, rel=1e-12
    )
    plain = sweep_starts(prices, {"flat": {"FLAT": 1.0}}, plan)
    assert plain.rows["final_value"].tolist() == pytest.approx([1000.0] * 2, rel=1e-12)


def test_withdrawals_and_profit_by_hand() -> None:
    # 1000 in FLAT (never moves), 100 out on the first trading day of each month
    # after the start's (Feb 1, Mar 1), data to 03-29. Starts Jan, Feb, Mar:
    # withdrawn 200, 100, 0; final 800, 900, 1000; profit = final - deposited +
    # withdrawn = 0 each.
    res = sweep_starts(
        _up("2024-01-01", "2024-03-29"),
        {"flat": {"FLAT": 1.0}},
        _plan(withdrawals={"amount": 100}),
    )
    assert list(res.rows.columns) == [
        "start", "end", "series", "final_value", "deposited", "withdrawn",
        "profit", "twr", "xirr", "max_drawdown",
    ]  # fmt: skip
    assert res.rows["withdrawn"].tolist() == pytest.approx([200.0, 100.0, 0.0])
    assert res.rows["final_value"].tolist() == pytest.approx([800.0, 900.0, 1000.0])
    assert res.rows["deposited"].tolist() == pytest.approx([1000.0] * 3)
    assert res.rows["profit"].tolist() == pytest.approx([0.0] * 3, abs=1e-9)
    # The unit value never moves: total return 0 each.
    assert res.rows["twr"].tolist() == pytest.approx([0.0] * 3, abs=1e-12)


def test_weekly_starts_and_progress() -> None:
    # Business days 2024-01-01 .. 2024-02-29; weekly starts on each Monday:
    # Jan 1, 8, 15, 22, 29, Feb 5, 12, 19, 26 (nine). progress is told after each.
    calls: list[tuple[int, int]] = []
    res = sweep_starts(
        _up("2024-01-01", "2024-02-29"),
        {"up": {"UP": 1.0}},
        _plan(),
        every="week",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert res.rows["start"].dt.strftime("%m-%d").tolist() == [
        "01-01", "01-08", "01-15", "01-22", "01-29", "02-05", "02-12", "02-19", "02-26",
    ]  # fmt: skip
    assert calls == [(k, 9) for k in range(1, 10)]


def _steps() -> pd.DataFrame:
    """S steps down each month (99, 98, 97, 96, 95 from Jan to May 2024) and ends
    at 100 on the last day, 05-31; T is S's copy."""
    days = pd.bdate_range("2024-01-01", "2024-05-31")
    s = pd.Series(100.0 - days.month, index=days)
    s.iloc[-1] = 100.0
    return pd.DataFrame({"S": s, "T": s})


def test_picks_distribution_and_ties_by_hand() -> None:
    # A lump of 1000 in S from the start of month m grows by 100 / (100 - m) to
    # 05-31: a larger gain in fewer days each later month, so the XIRR,
    # (100 / (100 - m)) ** (365 / days) - 1, rises with the start. Ranked: Jan
    # (worst), Feb, Mar (median: index 5 // 2 = 2), Apr, May (best).
    res = sweep_starts(_steps(), {"s": {"S": 1.0}, "t": {"T": 1.0}}, _plan())
    assert res.picks() == {
        "worst": pd.Timestamp("2024-01-01"),
        "median": pd.Timestamp("2024-03-01"),
        "best": pd.Timestamp("2024-05-01"),
    }
    # May: 30 days for 100 / 95.
    pie = res.rows[res.rows["series"] == "s"].set_index("start")
    may = (100 / 95) ** (365 / 30) - 1
    assert pie.loc["2024-05-01", "xirr"] == pytest.approx(may, rel=1e-6)
    dist = res.distribution()
    assert list(dist.columns) == [
        "starts", "xirr_worst", "xirr_p5", "xirr_median", "xirr_p95", "xirr_best",
        "max_drawdown_median", "max_drawdown_worst",
    ]  # fmt: skip
    assert list(dist.index) == ["s", "t"]
    # Jan: 151 days for 100 / 99; Mar: 91 days for 100 / 97.
    jan = (100 / 99) ** (365 / 151) - 1
    mar = (100 / 97) ** (365 / 91) - 1
    assert dist.loc["s", "xirr_worst"] == pytest.approx(jan, rel=1e-6)
    assert dist.loc["s", "xirr_median"] == pytest.approx(mar, rel=1e-6)
    assert dist.loc["s", "xirr_best"] == pytest.approx(may, rel=1e-6)
    # Drawdowns: from 100 - m down to 95 before the last day: Jan 95/99 - 1
    # (the worst), Mar 95/97 - 1 (the median of the five), May 0.
    assert dist.loc["s", "max_drawdown_worst"] == pytest.approx(95 / 99 - 1, rel=1e-9)
    assert dist.loc["s", "max_drawdown_median"] == pytest.approx(95 / 97 - 1, rel=1e-9)
    # T is S's copy: equal final values every start, and a tie is no win.
    beat = res.beat_share()
    assert beat.name == "pie_beat_share"
    assert beat.to_dict() == {"t": 0.0}
