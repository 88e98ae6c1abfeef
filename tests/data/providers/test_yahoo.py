"""YahooProvider against hand-written answers in yfinance's real shapes.

``Ticker.history(auto_adjust=False, actions=True)`` returns a DataFrame indexed by
a tz-aware ``Date`` (exchange zone, midnight) with columns ``Open High Low Close
Adj Close Volume Dividends Stock Splits``; ``history_metadata['currency']`` holds
the currency. No test touches the network: ``yfinance.Ticker`` is replaced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
import yfinance
from yfinance import exceptions as yfe

from piefolio.data.providers.base import (
    RateLimited,
    TransientProviderError,
    UnknownSymbol,
    Unreachable,
)
from piefolio.data.providers.yahoo import YahooProvider
from piefolio.errors import ProviderError

START, END = dt.date(2024, 2, 5), dt.date(2024, 2, 9)


def history_frame(tz: str = "America/New_York") -> pd.DataFrame:
    index = pd.DatetimeIndex(
        pd.date_range("2024-02-05", periods=5, freq="B", tz=tz), name="Date"
    )
    return pd.DataFrame(
        {
            "Open": [150.0, 151.0, 152.0, 153.0, 154.0],
            "High": [151.0, 152.0, 153.0, 154.0, 155.0],
            "Low": [149.0, 150.0, 151.0, 152.0, 153.0],
            "Close": [150.5, 151.5, 152.5, 151.0, 154.5],
            "Adj Close": [146.2, 147.2, 148.2, 148.2, 151.6],
            "Volume": [1_000_000, 1_100_000, 900_000, 1_200_000, 950_000],
            "Dividends": [0.0, 0.0, 0.0, 1.63, 0.0],
            "Stock Splits": [0.0, 0.0, 0.0, 0.0, 0.0],
        },
        index=index,
    )


class FakeTicker:
    """Stands in for yfinance.Ticker: answers or raises what a test scripts."""

    answers: ClassVar[dict[str, Any]] = {}
    currency: ClassVar[dict[str, str]] = {}
    calls: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol

    def history(self, **kwargs: Any) -> pd.DataFrame:
        FakeTicker.calls.append({"symbol": self.symbol, **kwargs})
        answer = FakeTicker.answers[self.symbol]
        if isinstance(answer, BaseException):
            raise answer
        frame: pd.DataFrame = answer
        return frame

    @property
    def history_metadata(self) -> dict[str, Any]:
        return {"currency": FakeTicker.currency.get(self.symbol, "USD")}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeTicker]:
    FakeTicker.answers, FakeTicker.currency, FakeTicker.calls = {}, {}, []
    monkeypatch.setattr(yfinance, "Ticker", FakeTicker)
    return FakeTicker


def test_success_keeps_both_closes_dividends_and_local_dates(fake: Any) -> None:
    fake.answers["CVX"] = history_frame()
    (s,) = YahooProvider().fetch(["CVX"], START, END)
    assert s.symbol == "CVX" and s.currency == "USD" and s.source == "yahoo"
    assert s.frame.index[0] == pd.Timestamp("2024-02-05")
    assert isinstance(s.frame.index, pd.DatetimeIndex) and s.frame.index.tz is None
    np.testing.assert_allclose(s.frame["close"], [150.5, 151.5, 152.5, 151.0, 154.5])
    np.testing.assert_allclose(s.frame["adj_close"][-1:], [151.6])
    assert s.frame["dividend"].tolist() == [0, 0, 0, 1.63, 0]
    assert (s.frame["split"] == 1.0).all()  # yfinance's 0.0 means "no split"
    call = fake.calls[0]
    assert call["auto_adjust"] is False and call["actions"] is True
    assert call["end"] == "2024-02-10"  # yfinance's end is exclusive


def test_tokyo_dates_stay_local(fake: Any) -> None:
    fake.answers["7203.T"] = history_frame("Asia/Tokyo")
    fake.currency["7203.T"] = "JPY"
    (s,) = YahooProvider().fetch(["7203.T"], START, END)
    assert s.frame.index[0] == pd.Timestamp("2024-02-05")
    assert s.currency == "JPY"


def test_pence_become_pounds(fake: Any) -> None:
    fake.answers["SHEL.L"] = history_frame("Europe/London")
    fake.currency["SHEL.L"] = "GBp"
    (s,) = YahooProvider().fetch(["SHEL.L"], START, END)
    assert s.currency == "GBP"
    assert s.frame["close"].iloc[0] == pytest.approx(1.505)


def test_fx_pair(fake: Any) -> None:
    frame = history_frame("Europe/London").assign(Volume=0)
    frame[["Close", "Adj Close"]] = [[1.08, 1.08]] * 5
    fake.answers["EURUSD=X"] = frame
    (s,) = YahooProvider().fetch(["EURUSD=X"], START, END)
    assert s.currency == "USD" and s.frame["close"].iloc[0] == 1.08


def test_empty_answer_is_unknown(fake: Any) -> None:
    fake.answers["CVX"] = pd.DataFrame()
    with pytest.raises(UnknownSymbol, match="CVX: Yahoo returned no rows"):
        YahooProvider().fetch(["CVX"], START, END)


def test_unknown_ticker(fake: Any) -> None:
    fake.answers["NOPE"] = yfe.YFPricesMissingError(
        "NOPE", "(1d 2024-02-05 -> 2024-02-10)"
    )
    with pytest.raises(UnknownSymbol, match="NOPE: Yahoo has no prices"):
        YahooProvider().fetch(["NOPE"], START, END)


def test_rate_limit_is_transient(fake: Any) -> None:
    fake.answers["CVX"] = yfe.YFRateLimitError()
    with pytest.raises(RateLimited, match="rate limit"):
        YahooProvider().fetch(["CVX"], START, END)


def test_timeout_is_transient(fake: Any) -> None:
    fake.answers["CVX"] = TimeoutError("Read timed out")
    with pytest.raises(TransientProviderError, match="timed out") as info:
        YahooProvider().fetch(["CVX"], START, END)
    # Slow is not down: a timeout is retried, not marked unreachable.
    assert not isinstance(info.value, Unreachable)


class FakeHTTPError(OSError):
    """Shaped like curl_cffi's HTTPError: an OSError carrying the response."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP Error {status}")
        self.response = type("R", (), {"status_code": status})()


def test_http_errors_are_sorted_by_status(fake: Any) -> None:
    fake.answers["CVX"] = FakeHTTPError(404)
    with pytest.raises(ProviderError, match="HTTP 404") as info:
        YahooProvider().fetch(["CVX"], START, END)
    assert not isinstance(info.value, TransientProviderError)
    fake.answers["CVX"] = FakeHTTPError(429)
    with pytest.raises(RateLimited):
        YahooProvider().fetch(["CVX"], START, END)
    fake.answers["CVX"] = FakeHTTPError(502)
    with pytest.raises(TransientProviderError, match=r"server error \(HTTP 502\)"):
        YahooProvider().fetch(["CVX"], START, END)


def test_malformed_answer(fake: Any) -> None:
    fake.answers["CVX"] = history_frame().drop(columns=["Adj Close"])
    with pytest.raises(ProviderError, match=r"lacks column\(s\) \['Adj Close'\]"):
        YahooProvider().fetch(["CVX"], START, END)


def test_all_non_positive_prices_are_malformed(fake: Any) -> None:
    fake.answers["CVX"] = history_frame().assign(Close=0.0, **{"Adj Close": 0.0})
    with pytest.raises(ProviderError, match=r"close = 0\.0 is not a valid close"):
        YahooProvider().fetch(["CVX"], START, END)
