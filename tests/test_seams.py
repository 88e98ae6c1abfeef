"""Where the layers meet: one frame, one ledger, one XIRR, models changed by validation.

Each test is one of the wrong numbers of issue 14, with the right figure worked
out by hand in its comment.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from piefolio.analytics import money_weighted_return, net_external_flows
from piefolio.data import PriceFrame
from piefolio.engine import Frame, Prices, frame_of, simulate, total_return_prices
from piefolio.errors import PlanError, StoreError
from piefolio.ledger import positive_total, xirr
from piefolio.models import replace
from piefolio.scenarios.historical import StressSettings, stress
from piefolio.scenarios.montecarlo import monte_carlo
from piefolio.spec import Plan, parse_pie
from piefolio.sweep.starts import sweep_starts
from piefolio.sweep.variants import SweepSettings, run_variants

from .strategies import closes, signed_ledgers, target_weights

REPO = Path(__file__).resolve().parents[1]
DAYS = pd.bdate_range("2020-01-01", "2020-12-31")
EX_DATE = pd.Timestamp("2020-06-15")  # a Monday inside every window below


def cash_frame() -> PriceFrame:
    """AAA at a flat 100 all year, paying a cash dividend of 1 a share on EX_DATE."""
    n = len(DAYS)
    base = np.full((n, 1), 100.0)
    dividends = np.zeros((n, 1))
    dividends[DAYS.get_loc(EX_DATE), 0] = 1.0
    return PriceFrame(
        dates=DAYS,
        symbols=("AAA",),
        base_currency="EUR",
        local=base,
        fx=np.ones_like(base),
        base=base,
        dividends=dividends,
        adjusted=False,
        currency=("EUR",),
        first_date=(DAYS[0].date(),),
        fx_mask=np.zeros(1, dtype=bool),
    )


def cash_spec(initial: float = 1000.0):  # type: ignore[no-untyped-def]
    return parse_pie(
        '[pie]\nname = "cash"\ncurrency = "EUR"\n'
        'slices = [{ ticker = "AAA", weight = 1.0 }]\n'
        f"[plan]\nstart = 2020-01-01\ninitial = {initial}\n"
        'dividends = "cash"\nrebalance = "none"\nfees = { min_order = 0 }\n'
    )


# ------------------------------------------------------------------ the frame


def test_a_price_frame_is_the_engines_frame_and_a_dataframe_still_runs() -> None:
    frame = cash_frame()
    assert isinstance(frame, Frame)
    assert frame_of(frame) is frame
    plan = cash_spec().plan
    # 1000 buys 10 shares at 100; the dividend pays 10 x 1 = 10 into cash.
    assert simulate(frame, {"AAA": 1.0}, plan).final_value == pytest.approx(1010.0)
    # A notebook's DataFrame, with its dividends beside it, gives the same.
    divs = pd.DataFrame({"AAA": [1.0]}, index=[EX_DATE])
    df = simulate(frame.prices, {"AAA": 1.0}, plan, dividends=divs)
    assert df.final_value == pytest.approx(1010.0)
    # A frame carries its own dividends: passing them again is refused.
    with pytest.raises(PlanError, match="carries its own"):
        simulate(frame, {"AAA": 1.0}, plan, dividends=divs)


def test_stress_of_a_cash_dividend_pie_is_paid_its_dividend() -> None:
    # The replay buys 10,000 / 100 = 100 shares on 2020-03-02; the dividend
    # pays 100 x 1 = 100 on 2020-06-15, inside the window: 10,100 / 10,000 - 1
    # = +1 % (the old stress dropped the dividends and said 0 %).
    settings = StressSettings(windows={"half year": ("2020-03-02", "2020-09-30")})
    (window,) = stress(cash_spec(), cash_frame(), settings=settings).windows
    (row,) = window.rows
    assert row.total_return == pytest.approx(0.01, abs=1e-12)


def test_start_sweep_of_a_cash_dividend_pie_is_paid_its_dividend() -> None:
    # January start: 1000 -> 10 shares, +10 of dividend = 1010. A July start
    # (after the ex-date) never sees it: 1000.
    res = sweep_starts(cash_frame(), {"cash": {"AAA": 1.0}}, cash_spec().plan)
    by_start = res.rows.set_index("start")["final_value"]
    assert by_start.iloc[0] == pytest.approx(1010.0)
    assert by_start[pd.Timestamp("2020-07-01")] == pytest.approx(1000.0)


def test_variant_sweep_of_a_cash_dividend_pie_is_paid_its_dividend(
    tmp_path: Path,
) -> None:
    # The pie's own weights and plan (no axes): 1000 -> 1010 as above.
    res = run_variants(cash_spec(), cash_frame(), SweepSettings(), tmp_path)
    assert res.rows["final_value"].tolist() == pytest.approx([1010.0])


class _Replay:
    """A sampler that hands back the history itself, day by day, on every path."""

    def __init__(self, returns: np.ndarray) -> None:
        self.returns = returns

    def sample(self, rng: np.random.Generator, paths: int, steps: int) -> np.ndarray:
        return np.broadcast_to(self.returns[:steps], (paths, steps, 1)).copy()


def test_monte_carlo_of_a_cash_dividend_pie_draws_its_dividends() -> None:
    # Total-return closes: flat 100 until the ex-date, then (100 + 1) / 100 =
    # 1 % up and flat again at 101. Replayed as one path, 1000 grows to 1010;
    # the price-only closes (pct_change of 100s) would give exactly 1000.
    closes = total_return_prices(cash_frame())
    assert closes.loc[: EX_DATE - pd.Timedelta(days=1), "AAA"].eq(100.0).all()
    assert closes.loc[EX_DATE:, "AAA"].to_numpy() == pytest.approx(101.0)
    history = closes.pct_change().iloc[1:].to_numpy()
    plan = cash_spec().plan
    res = monte_carlo(
        _Replay(history), ["AAA"], {"cash": {"AAA": 1.0}}, plan,
        start=pd.Timestamp("2021-01-04"), years=len(history) / 252, paths=2,
    )  # fmt: skip
    assert res.final[:, 0] == pytest.approx([1010.0, 1010.0])


# ------------------------------------------------------------ the one ledger


def _runs_out() -> tuple[pd.DataFrame, Plan]:
    # Flat 50 all of 2020. In: 1000 on day one, then 100 on the first trading
    # day of each later month (11 of them). Out: 250 on the same days.
    prices = pd.DataFrame({"AAA": 50.0}, index=DAYS)
    plan = Plan.model_validate(
        {
            "start": "2020-01-01",
            "end": "2020-12-31",
            "initial": 1000,
            "deposits": {"amount": 100, "every": "month"},
            "withdrawals": {"amount": 250, "every": "month"},
            "rebalance": "none",
            "fees": {"min_order": 0},
        }
    )
    return prices, plan


def test_start_sweep_equals_the_backtest_on_a_plan_that_runs_out() -> None:
    # By hand (scheduled flows fall from the month after the start): Jan 1000;
    # Feb..Jul 100 in and 250 out, 150 less each month: 850, 700, 550, 400,
    # 250, 100. Aug: 100 + 100 = 200 < 250, so it pays 200 and runs out on
    # 2020-08-03; Sep..Dec: 100 in, 100 out. Deposited 1000 + 11 x 100 = 2100;
    # withdrawn 6 x 250 + 200 + 4 x 100 = 2100; final value 0. Every euro came
    # back and none was earned: XIRR 0. (The old sweep credited the 250s as
    # scheduled: "deposited" 1000 + 1100 - 2750 = -650 and an XIRR far above 0.)
    prices, plan = _runs_out()
    run = simulate(prices, {"AAA": 1.0}, plan)
    assert run.ran_out == pd.Timestamp("2020-08-03")
    assert run.deposited == pytest.approx(2100.0)
    assert run.withdrawn == pytest.approx(2100.0)
    assert run.final_value == pytest.approx(0.0, abs=1e-9)
    assert run.xirr == pytest.approx(0.0, abs=1e-9)
    first = sweep_starts(prices, {"pie": {"AAA": 1.0}}, plan).rows.iloc[0]
    assert first["start"] == DAYS[0]
    for key in ("final_value", "deposited", "withdrawn", "xirr"):
        assert first[key] == pytest.approx(getattr(run, key), rel=1e-12, abs=1e-12)
    assert first["profit"] == pytest.approx(0.0, abs=1e-9)


def test_monte_carlo_xirr_counts_only_the_withdrawals_paid() -> None:
    # The same plan on a path of zero returns is the run above: XIRR 0. The old
    # Monte Carlo credited every scheduled 250 and found a positive rate.
    _, plan = _runs_out()
    steps = 262  # business days of 2020
    res = monte_carlo(
        _Replay(np.zeros((steps, 1))), ["AAA"], {"pie": {"AAA": 1.0}},
        replace(plan, end=None), start=DAYS[0], years=steps / 252, paths=1,
    )  # fmt: skip
    assert res.ran_out[0, 0] >= 0
    assert res.xirr[0, 0] == pytest.approx(0.0, abs=1e-9)


def test_one_xirr_by_hand_and_from_the_engines_ledger() -> None:
    # 1000 in on 2021-01-01, 1100 back on 2022-01-01 (365 days): 10 % a year.
    assert xirr(["2021-01-01"], np.array([1000.0]), 1100.0, end="2022-01-01") == (
        pytest.approx(0.10, rel=1e-12)
    )
    # Many final values over one ledger at once; no flow at all is NaN.
    many = xirr(["2021-01-01", "2022-01-01"], np.array([1000.0, 0.0]), [1100.0, 1210.0])
    assert many == pytest.approx([0.10, 0.21], rel=1e-12)
    assert math.isnan(xirr(["2021-01-01"], np.array([0.0]), 5.0))
    # analytics reads the engine's own signed ledger (it used to reject the
    # negative withdrawal) and gives the engine's XIRR.
    prices, plan = _runs_out()
    run = simulate(prices * np.linspace(1, 1.2, len(DAYS))[:, None], {"AAA": 1.0}, plan)
    external = net_external_flows(run.flows)
    assert (external < 0).any()
    assert money_weighted_return(run.nav, external) == run.xirr


def test_no_negative_zero_in_withdrawn(tmp_path: Path) -> None:
    assert math.copysign(1.0, positive_total(-0.0)) == 1.0
    prices = pd.DataFrame({"AAA": 50.0}, index=DAYS)
    plan = Plan.model_validate({"start": "2020-01-01", "initial": 1000})
    from piefolio.analytics import performance

    run = simulate(prices, {"AAA": 1.0}, plan)
    perf = performance(run.nav, run.unit_value, net_external_flows(run.flows))
    assert json.dumps({"withdrawn": perf.withdrawn}) == '{"withdrawn": 0.0}'


# ------------------------------------------------------ models and validation


def test_replace_validates_again() -> None:
    plan = cash_spec().plan
    assert replace(plan, initial=5.0).initial == 5.0
    with pytest.raises(PlanError, match="initial"):
        replace(plan, initial=-1.0)
    with pytest.raises(PlanError, match="no field"):
        replace(plan, nope=1)
    # A spec keeps its source path (a field pydantic's dump leaves out).
    spec = cash_spec()
    assert replace(spec, source=Path("x.toml")).source == Path("x.toml")


def test_no_unvalidated_copies_left() -> None:
    hits = [
        str(p.relative_to(REPO))
        for p in (REPO / "piefolio").rglob("*.py")
        if re.search(r"model_copy\(\s*update=", p.read_text())
    ]
    assert hits == []


def test_sweep_deposit_axis_below_zero_exits_2(tmp_path: Path) -> None:
    from piefolio.cli import app

    sweep = tmp_path / "sweep.toml"
    sweep.write_text("[sweep]\ndeposit = [-50]\n")
    pie = tmp_path / "pie.toml"
    pie.write_text(
        '[pie]\nname = "p"\ncurrency = "EUR"\n'
        'slices = [{ ticker = "AAA", weight = 1.0 }]\n'
        "[plan]\nstart = 2020-01-01\ninitial = 100\n"
        'deposits = { amount = 50, every = "month" }\n'
    )
    result = CliRunner().invoke(
        app, ["sweep", str(pie), "--variants", str(sweep), "--offline"]
    )
    assert result.exit_code == 2, result.output
    assert "sweep.toml: sweep.deposit[0]: Input should be greater than 0" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output


def test_the_engine_frame_wraps_what_it_was_given() -> None:
    prices = pd.DataFrame({"AAA": [1.0, 2.0], "name": ["a", "b"]}, index=DAYS[:2])
    frame = frame_of(prices, fx_mask={"AAA": True})
    assert isinstance(frame, Prices)
    assert frame.symbols == ("AAA",)  # the text column is not a price
    assert frame.fx_mask.tolist() == [True]


def test_sweep_results_live_apart_from_the_prices(tmp_path: Path) -> None:
    from piefolio.data.store import Store
    from piefolio.sweep.results import write_results

    store = Store(tmp_path / "store.duckdb")
    rows = pd.DataFrame({"start": [1, 2], "xirr": [0.1, 0.2]})
    assert write_results(store, "sweep_x_starts", rows) == "results.sweep_x_starts"
    write_results(store, "sweep_x_starts", rows.iloc[:1])  # replaced, not added
    with store.session(write=False) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name = 'sweep_x_starts'"
        ).fetchall()
        count = con.execute("SELECT count(*) FROM results.sweep_x_starts").fetchone()
    assert tables == [("results", "sweep_x_starts")]
    assert count == (1,)
    with pytest.raises(StoreError):
        write_results(store, "x; DROP TABLE prices", rows)


@settings(max_examples=40, deadline=None)
@given(signed_ledgers())
def test_xirr_is_a_rate_not_an_amount(
    ledger: tuple[np.ndarray, np.ndarray, float],
) -> None:
    # Ten times the money on the same days earns the same rate, and a bigger
    # final value never a lower one.
    dates, net_in, final = ledger
    end = dates[-1] + np.timedelta64(30, "D")  # paid back a month after the last
    rate = xirr(dates, net_in, final, end=end)
    if math.isnan(rate):
        return
    scaled = xirr(dates, 10.0 * net_in, 10.0 * final, end=end)
    assert scaled == pytest.approx(rate, rel=1e-7, abs=1e-7)
    more = xirr(dates, net_in, 1.5 * final, end=end)
    assert more >= rate - 1e-9 * max(1.0, abs(rate))


@settings(max_examples=25, deadline=None)
@given(closes(symbols=2), target_weights(2))
def test_a_frame_and_its_dataframe_run_the_same(
    prices: pd.DataFrame, w: np.ndarray
) -> None:
    # The same closes as a Frame or as a DataFrame: the same run, bit for bit.
    weights = dict(zip(prices.columns, w.tolist(), strict=True))
    plan = Plan.model_validate(
        {"start": prices.index[0].date(), "initial": 1000, "rebalance": "monthly"}
    )
    frame = frame_of(prices)
    a = simulate(frame, weights, plan)
    b = simulate(prices, weights, plan)
    np.testing.assert_array_equal(a.nav.to_numpy(), b.nav.to_numpy())


def test_rebalancing_is_a_tagged_union_written_as_before() -> None:
    from piefolio.report.format import rebalance_words
    from piefolio.spec import Calendar, Deposits, NoRebalance, Rebalance, Threshold

    words = {
        "none": NoRebalance,
        "deposits": Deposits,
        "quarterly": Calendar,
    }
    for word, kind in words.items():
        assert type(Rebalance.model_validate(word)) is kind
    band = Rebalance.model_validate({"policy": "threshold", "band": 0.05})
    assert isinstance(band, Threshold) and not hasattr(band, "every")
    # Each variant keeps only its own parameter, in its dump and its words.
    plan = Plan.model_validate(
        {"start": "2020-01-01", "initial": 1, "rebalance": "quarterly"}
    )
    assert plan.model_dump(mode="json")["rebalance"] == {
        "policy": "calendar",
        "every": "quarter",
    }
    assert rebalance_words(band) == "rebalanced when a slice drifts 5 points"
