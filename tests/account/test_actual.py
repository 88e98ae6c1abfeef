"""The real account valued against hand-computed answers, plan and benchmark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import pyxirr

from piefolio.account import account_frame, actual, load_history
from piefolio.data.store import Store
from piefolio.spec import parse_pie

from .conftest import price_store, steps
from .samples import write

SPEC = """
[pie]
name = "Two stocks"
currency = "EUR"
slices = [{ ticker = "AAA", weight = 0.6 }, { ticker = "BBB", weight = 0.4 }]

[benchmarks]
"S&P 500" = "SPY"

[plan]
start = 2024-01-02
initial = 1
rebalance = "none"
fees = { commission_pct = 0.1, min_order = 1 }
"""

# Three deposits and four buys (and a dividend), in the piefolio CSV.
HISTORY = """date,action,ticker,shares,price,currency,amount,fee
2024-01-02,deposit,,,,EUR,1000,
2024-01-02,buy,AAA,5,100,EUR,500,
2024-01-03,buy,BBB,10,20,EUR,200,1
2024-01-10,deposit,,,,EUR,500,
2024-01-10,buy,AAA,2,110,EUR,220,
2024-01-15,deposit,,,,EUR,300,
2024-01-16,buy,BBB,5,25,EUR,125,0.50
2024-01-17,dividend,AAA,,,EUR,3.50,
"""

CLOSES = {
    "AAA": steps({"2024-01-01": 100, "2024-01-10": 110, "2024-01-31": 120}),
    "BBB": steps({"2024-01-01": 20, "2024-01-16": 25, "2024-01-31": 30}),
    "SPY": steps(
        {"2024-01-01": 50, "2024-01-10": 40, "2024-01-15": 60, "2024-01-31": 80}
    ),
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return price_store(tmp_path / "store.duckdb", CLOSES)


def _run(tmp_path: Path, store: Store, history: str = HISTORY, spec: str = SPEC):
    pie = parse_pie(spec)
    ledger = load_history(write(tmp_path, "mine.csv", history))
    return actual(pie, ledger, account_frame(pie, ledger, store=store, offline=True))


def test_three_deposits_four_buys_valued_on_a_later_day(
    tmp_path: Path, store: Store
) -> None:
    result = _run(tmp_path, store)
    # On 2024-01-31: AAA 5 + 2 = 7 shares at 120 = 840; BBB 10 + 5 = 15 at 30 =
    # 450. Cash: 1000 + 500 + 300 in, 500 + 201 + 220 + 125.50 out, 3.50 of
    # dividend in = 757. Value 840 + 450 + 757 = 2047 (traded closes, not the
    # adjusted ones, which are 10 % lower in this store).
    assert result.nav.index[-1] == dt.datetime(2024, 1, 31)
    assert result.nav.iloc[-1] == pytest.approx(2047.0)
    assert result.cash.iloc[-1] == pytest.approx(757.0)
    # On 2024-01-12 (AAA 110, BBB 20): 7 x 110 + 10 x 20 + cash 579 = 1549.
    assert result.nav.loc["2024-01-12"] == pytest.approx(770 + 200 + 579)
    mine = result.summaries[0]
    assert (mine.deposited, mine.withdrawn) == (1800.0, 0.0)
    held = {h.ticker: h for h in result.holdings}
    assert held["AAA"].shares == 7 and held["AAA"].value == pytest.approx(840)
    # Weights of the invested 1290: AAA 65.1 % against 60 %, drift +5.1 points.
    assert held["AAA"].weight == pytest.approx(840 / 1290)
    assert held["AAA"].drift == pytest.approx(840 / 1290 - 0.6)
    assert held["BBB"].target == 0.4


def test_benchmark_fed_the_same_dated_deposits(tmp_path: Path, store: Store) -> None:
    result = _run(tmp_path, store)
    spy = result.runs["S&P 500"]
    # SPY closes 50, 40 and 60 on the deposit days, 80 at the end; each deposit
    # pays 0.1 % commission out of itself, so buys deposit / 1.001 of SPY:
    # (1000 / 50 + 500 / 40 + 300 / 60) / 1.001 * 80 = 37.5 * 80 / 1.001.
    assert spy.final_value == pytest.approx(37.5 * 80 / 1.001, rel=1e-12)
    assert spy.deposited == pytest.approx(1800.0)
    assert spy.fees == pytest.approx(1800 - 1800 / 1.001, rel=1e-9)
    (line,) = [v for v in result.verdicts() if "S&P 500" in v]
    diff = 37.5 * 80 / 1.001 - 2047.0
    assert line == (
        f"Your choices cost you {diff:,.2f} EUR against the S&P 500 bought with "
        "the same deposits on the same days."
    )


def test_xirr_solves_the_accounts_flows(tmp_path: Path, store: Store) -> None:
    result = _run(tmp_path, store)
    rate = result.summaries[0].xirr
    # Independent check: the NPV of the investor's flows at that rate is 0.
    days = [dt.date(2024, 1, 2), dt.date(2024, 1, 10), dt.date(2024, 1, 15)]
    npv = pyxirr.xnpv(
        rate, [*days, dt.date(2024, 1, 31)], [-1000.0, -500.0, -300.0, 2047.0]
    )
    assert npv == pytest.approx(0.0, abs=1e-6)


def test_an_account_that_is_the_index_matches_it(tmp_path: Path, store: Store) -> None:
    # Each deposit buys SPY whole at that day's close, no fees: the account is
    # the benchmark, so it earned 0 against it, PME is 1 and TWR is 80 / 50 - 1.
    history = """date,action,ticker,shares,price,currency,amount,fee
2024-01-02,deposit,,,,EUR,1000,
2024-01-02,buy,SPY,20,50,EUR,1000,
2024-01-10,deposit,,,,EUR,500,
2024-01-10,buy,SPY,12.5,40,EUR,500,
2024-01-15,deposit,,,,EUR,300,
2024-01-15,buy,SPY,5,60,EUR,300,
"""
    spec = SPEC.replace("commission_pct = 0.1", "commission_pct = 0")
    result = _run(tmp_path, store, history, spec)
    mine, _, spy = result.summaries
    assert mine.final_value == pytest.approx(spy.final_value) == pytest.approx(3000)
    assert mine.twr == pytest.approx(80 / 50 - 1)
    assert mine.pme == pytest.approx(1.0)
    assert "earned you 0.00 EUR against the S&P 500" in result.verdicts()[1]


def test_withdrawals_feed_the_benchmark_too(tmp_path: Path, store: Store) -> None:
    history = HISTORY + "2024-01-22,withdrawal,,,,EUR,100,\n"
    result = _run(tmp_path, store, history, SPEC.replace("0.1,", "0,"))
    spy = result.runs["S&P 500"]
    # 37.5 SPY bought; 100 EUR sold at 60 on 2024-01-22: 37.5 - 100/60 at 80.
    assert spy.final_value == pytest.approx((37.5 - 100 / 60) * 80)
    assert result.summaries[0].withdrawn == 100.0
    assert result.nav.iloc[-1] == pytest.approx(2047.0 - 100)


def test_foreign_holdings_are_valued_at_each_days_fx_rate(tmp_path: Path) -> None:
    closes = {
        **CLOSES,
        "UUU": steps({"2024-01-01": 100, "2024-01-31": 110}),
        # US dollars per euro: 1.25 until the last day, then 1.10.
        "EURUSD=X": steps({"2024-01-01": 1.25, "2024-01-31": 1.10}),
    }
    store = price_store(
        tmp_path / "fx.duckdb", closes, {"UUU": "USD", "EURUSD=X": "USD"}
    )
    history = HISTORY + "2024-01-18,buy,UUU,2,100,EUR,160,\n"
    result = _run(tmp_path, store, history)
    # 2 UUU at 100 USD / 1.25 = 160 EUR on 2024-01-30 (what was paid, so the
    # value does not move), at 110 / 1.10 = 200 EUR on 2024-01-31.
    assert result.nav.loc["2024-01-30"] - result.nav.loc["2024-01-29"] == 0.0
    assert result.nav.iloc[-1] == pytest.approx(2047.0 - 160 + 200)


def test_shares_bought_before_a_split_are_valued_on_the_split_basis(
    tmp_path: Path,
) -> None:
    # AAA split 2-for-1 on 2024-01-19; its split-adjusted close is 100 all
    # month (the traded price was 200 before the split). 2 shares bought at 200
    # before it are 4 on today's basis: worth 400 every day, so the account
    # (1000 in, 400 of it in AAA) is worth 1000 every day, before and after.
    closes = {**CLOSES, "AAA": steps({"2024-01-01": 100})}
    store = price_store(tmp_path / "split.duckdb", closes)
    history = """date,action,ticker,shares,price,currency,amount,fee
2024-01-02,deposit,,,,EUR,1000,
2024-01-02,buy,AAA,2,200,EUR,400,
2024-01-19,split,AAA,2,,EUR,,
"""
    spec = SPEC.replace('ticker = "BBB", weight = 0.4', 'ticker = "SPY", weight = 0.4')
    result = _run(tmp_path, store, history, spec)
    assert result.nav.to_numpy() == pytest.approx([1000.0] * len(result.nav))
    (aaa,) = [h for h in result.holdings if h.ticker == "AAA"]
    assert aaa.shares == 4.0


def test_benchmark_dividends_are_paid_as_cash(tmp_path: Path) -> None:
    # SPY pays 1 EUR a share on 2024-01-22, after the last deposit: the
    # benchmark holds 37.5 / 1.001 shares then, so it ends with that many at
    # 80 plus as many euros of dividend waiting in cash.
    paid = steps({"2024-01-22": 1.0, "2024-01-23": 0.0})
    store = price_store(tmp_path / "div.duckdb", CLOSES, dividends={"SPY": paid})
    result = _run(tmp_path, store)
    shares = 37.5 / 1.001
    assert result.runs["S&P 500"].final_value == pytest.approx(shares * 81)
    assert result.runs["S&P 500"].dividends == pytest.approx(shares)


def test_a_history_that_starts_after_a_buy_is_refused(
    tmp_path: Path, store: Store
) -> None:
    from piefolio.errors import PlanError

    # An export of the later months only: it sells shares bought before it.
    history = """date,action,ticker,shares,price,currency,amount,fee
2024-01-02,deposit,,,,EUR,100,
2024-01-05,sell,AAA,3,100,EUR,300,
"""
    with pytest.raises(PlanError, match="sells 3 more AAA than it bought"):
        _run(tmp_path, store, history)


def test_cash_below_zero_is_noted(tmp_path: Path, store: Store) -> None:
    history = HISTORY.replace("2024-01-15,deposit,,,,EUR,300,", "")
    history = history.replace("2024-01-16,buy,BBB,5,25,EUR,125,0.50", "")
    history += "2024-01-16,buy,BBB,40,25,EUR,1000,\n"
    result = _run(tmp_path, store, history)
    # 1500 in, 500 + 201 + 220 + 1000 spent: -421 on 2024-01-16.
    assert any("cash falls to -421.00 on 2024-01-16" in n for n in result.notes)


def test_broker_tickers_match_the_pies_symbols_by_their_root(tmp_path: Path) -> None:
    # Trading 212 writes AAA where the pie and the store say AAA.L.
    closes = {("AAA.L" if k == "AAA" else k): v for k, v in CLOSES.items()}
    store = price_store(tmp_path / "l.duckdb", closes)
    spec = SPEC.replace('"AAA"', '"AAA.L"')
    result = _run(tmp_path, store, HISTORY, spec)
    assert result.nav.iloc[-1] == pytest.approx(2047.0)  # as in the first test
    assert "AAA in the history is AAA.L of the pie" in result.notes
    assert {h.ticker for h in result.holdings} == {"AAA.L", "BBB"}
