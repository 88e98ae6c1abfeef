"""Issue 13: bad values from a provider are rejected, naming it, the row, the value.

Each provider runs its real parsing on a hand-written answer (Stooq and FRED
through httpx.MockTransport, Yahoo through a fake ``yfinance.Ticker``); the
chain then shows that a rejected answer leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt

import httpx
import numpy as np
import pandas as pd
import pytest
import yfinance

from piefolio.data.chain import RetryPolicy, update
from piefolio.data.providers.base import make_frame
from piefolio.data.providers.fred import FredProvider
from piefolio.data.providers.recorded import RecordedProvider, recorded_transport
from piefolio.data.providers.stooq import StooqProvider
from piefolio.data.providers.yahoo import YahooProvider
from piefolio.data.store import Store
from piefolio.errors import ProviderError

from ..conftest import series
from .test_yahoo import FakeTicker, history_frame

START, END = dt.date(2024, 1, 2), dt.date(2024, 1, 5)
HEAD = "Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,150.12,100\n"

STOOQ_BAD = [
    ("inf", HEAD + "2024-01-03,1,1,1,inf,100\n", r"line 3: close = inf"),
    ("1e308", HEAD + "2024-01-03,1,1,1,1e308,100\n", r"line 3: close = 1e\+308"),
    ("1e-300", HEAD + "2024-01-03,1,1,1,1e-300,100\n", r"line 3: close = 1e-300"),
    ("negative", HEAD + "2024-01-03,1,1,1,-5,100\n", r"line 3: close = -5\.0"),
    ("not a date", HEAD + "2024-13-03,1,1,1,5,100\n", r"line 3: date '2024-13-03'"),
    (
        "duplicate day",
        HEAD + "2024-01-02,1,1,1,151,100\n",
        r"2024-01-02 appears twice with different values \(close 150\.12 on line 2 "
        r"and close 151\.0 on line 3\)",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "message"), STOOQ_BAD, ids=[c[0] for c in STOOQ_BAD]
)
def test_stooq_bad_values(case: str, body: str, message: str) -> None:
    transport, _ = recorded_transport({"s=cvx.us": httpx.Response(200, text=body)})
    provider = StooqProvider(httpx.Client(transport=transport))
    with pytest.raises(ProviderError, match="CVX: Stooq: .*" + message):
        provider.fetch(["CVX"], START, END)


FRED_HEAD = "observation_date,DEXUSEU\n2024-01-02,1.0956\n"
FRED_BAD = [
    ("inf", FRED_HEAD + "2024-01-03,inf\n", r"line 3: close = inf"),
    ("1e308", FRED_HEAD + "2024-01-03,1e308\n", r"line 3: close = 1e\+308"),
    ("negative", FRED_HEAD + "2024-01-03,-1.1\n", r"line 3: close = -1\.1"),
    ("text", FRED_HEAD + "2024-01-03,abc\n", r"line 3: date '2024-01-03', value 'abc'"),
]


@pytest.mark.parametrize(
    ("case", "body", "message"), FRED_BAD, ids=[c[0] for c in FRED_BAD]
)
def test_fred_bad_values(case: str, body: str, message: str) -> None:
    transport, _ = recorded_transport({"id=DEXUSEU": httpx.Response(200, text=body)})
    provider = FredProvider(httpx.Client(transport=transport))
    with pytest.raises(ProviderError, match="EURUSD=X: FRED DEXUSEU: " + message):
        provider.fetch(["EURUSD=X"], START, END)


def yahoo_with(
    monkeypatch: pytest.MonkeyPatch, frame: pd.DataFrame, currency: str = "USD"
) -> YahooProvider:
    FakeTicker.answers, FakeTicker.currency, FakeTicker.calls = (
        {"CVX": frame},
        {"CVX": currency},
        [],
    )
    monkeypatch.setattr(yfinance, "Ticker", FakeTicker)
    return YahooProvider()


def _set(frame: pd.DataFrame, column: str, row: int, value: float) -> pd.DataFrame:
    out = frame.copy()
    out.iloc[row, out.columns.get_loc(column)] = value
    return out


YAHOO_BAD = [
    # The case of the issue: a close of -5 next to a positive adjusted close.
    ("negative close", "Close", -5.0, r"2024-02-06: close = -5\.0"),
    ("infinite adj close", "Adj Close", np.inf, r"2024-02-06: adj_close = inf"),
    ("huge close", "Close", 1e308, r"2024-02-06: close = 1e\+308"),
    ("negative dividend", "Dividends", -1.0, r"2024-02-06: dividend = -1\.0"),
    ("split of -2", "Stock Splits", -2.0, r"2024-02-06: split = -2\.0"),
]


@pytest.mark.parametrize(
    ("case", "column", "value", "message"), YAHOO_BAD, ids=[c[0] for c in YAHOO_BAD]
)
def test_yahoo_bad_values(
    monkeypatch: pytest.MonkeyPatch, case: str, column: str, value: float, message: str
) -> None:
    provider = yahoo_with(monkeypatch, _set(history_frame(), column, 1, value))
    with pytest.raises(ProviderError, match="CVX: Yahoo: " + message):
        provider.fetch(["CVX"], dt.date(2024, 2, 5), dt.date(2024, 2, 9))


def test_yahoo_unknown_currency(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = yahoo_with(monkeypatch, history_frame(), currency="ZZZ")
    with pytest.raises(ProviderError, match="unknown currency code 'ZZZ'"):
        provider.fetch(["CVX"], dt.date(2024, 2, 5), dt.date(2024, 2, 9))


def test_yahoo_no_split_zero_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # yfinance writes 0.0 on days without a split: that is a ratio of 1.
    provider = yahoo_with(monkeypatch, history_frame())
    (s,) = provider.fetch(["CVX"], dt.date(2024, 2, 5), dt.date(2024, 2, 9))
    assert (s.frame["split"] == 1.0).all()


def test_a_rejected_answer_leaves_the_store_as_it_was(store: Store) -> None:
    days = pd.bdate_range("2024-01-02", "2024-01-31")
    store.write([series("CVX", days, np.full(len(days), 100.0), source="yahoo")])
    before = store.read(["CVX"])
    info = store.info("CVX")

    class Bad(RecordedProvider):
        def fetch(self, symbols, start, end):  # type: ignore[no-untyped-def]
            self.calls.append((symbols[0], start, end))
            make_frame(
                pd.DatetimeIndex(["2024-02-01"]), close=[np.inf], what="CVX: test"
            )
            raise AssertionError("make_frame let inf through")

    (report,) = update(
        ["CVX"],
        dt.date(2024, 1, 2),
        dt.date(2024, 2, 29),
        store=store,
        providers=[Bad({"CVX": series("CVX", days, np.ones(len(days)))}, name="test")],
        policy=RetryPolicy(attempts=1, wait_initial=0.0),
    )
    assert not report.ok and "close = inf" in report.describe()
    pd.testing.assert_frame_equal(store.read(["CVX"]), before)
    assert store.info("CVX") == info
