"""Stooq and FRED against saved HTTP answers (httpx.MockTransport), no network.

Answers are written by hand in each site's real format: Stooq's
``Date,Open,High,Low,Close,Volume`` CSV, its ``No data`` and daily-limit texts;
FRED's ``observation_date,DEXUSEU`` CSV with empty (and, in older answers, ``.``)
values on holidays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from piefolio.data.providers.base import (
    RateLimited,
    TransientProviderError,
    UnknownSymbol,
    Unreachable,
)
from piefolio.data.providers.fred import FredProvider
from piefolio.data.providers.recorded import recorded_transport
from piefolio.data.providers.stooq import StooqProvider, stooq_symbol
from piefolio.errors import ProviderError

START, END = dt.date(2024, 1, 2), dt.date(2024, 1, 5)

STOOQ_CVX = """Date,Open,High,Low,Close,Volume
2024-01-02,148.8,150.9,148.3,150.12,9245680
2024-01-03,149.9,151.4,148.9,149.47,9861344
2024-01-04,149.0,150.1,147.8,148.07,8790126
2024-01-05,148.2,149.9,147.5,149.46,7301241
"""
FRED_DEXUSEU = """observation_date,DEXUSEU
2024-01-01,
2024-01-02,1.0956
2024-01-03,1.0919
2024-01-04,1.0953
2024-01-05,1.0944
"""


def stooq(routes: dict[str, Any]) -> tuple[StooqProvider, list[httpx.Request]]:
    transport, seen = recorded_transport(routes)
    return StooqProvider(httpx.Client(transport=transport)), seen


def fred(routes: dict[str, Any]) -> tuple[FredProvider, list[httpx.Request]]:
    transport, seen = recorded_transport(routes)
    return FredProvider(httpx.Client(transport=transport)), seen


def test_stooq_success_and_query() -> None:
    provider, seen = stooq({"s=cvx.us": httpx.Response(200, text=STOOQ_CVX)})
    (s,) = provider.fetch(["CVX"], START, END)
    assert s.frame["close"].tolist() == [150.12, 149.47, 148.07, 149.46]
    assert s.frame["adj_close"].tolist() == s.frame["close"].tolist()
    assert s.currency == "USD" and s.source == "stooq"
    q = seen[0].url.params
    assert (q["i"], q["d1"], q["d2"]) == ("d", "20240102", "20240105")


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("CVX", ("cvx.us", "USD")),
        ("SHEL.L", ("shel.uk", "GBP")),
        ("ASML.AS", ("asml.nl", "EUR")),
        ("EURUSD=X", ("eurusd", "USD")),
        ("^GSPC", ("^spx", "USD")),
        ("^XYZ", None),
        ("ABC.XX", None),
    ],
)
def test_stooq_symbols(symbol: str, expected: tuple[str, str] | None) -> None:
    assert stooq_symbol(symbol) == expected


def test_stooq_empty_answer() -> None:
    provider, _ = stooq(
        {"s=cvx.us": httpx.Response(200, text="Date,Open,High,Low,Close,Volume\n")}
    )
    with pytest.raises(UnknownSymbol, match="no rows"):
        provider.fetch(["CVX"], START, END)


def test_stooq_unknown_ticker() -> None:
    provider, _ = stooq({"s=zzzz.us": httpx.Response(200, text="No data")})
    with pytest.raises(UnknownSymbol, match="ZZZZ: Stooq has no data"):
        provider.fetch(["ZZZZ"], START, END)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(429, text="Too Many Requests"),
        httpx.Response(200, text="Exceeded the daily hits limit"),
    ],
)
def test_stooq_rate_limit(answer: httpx.Response) -> None:
    provider, _ = stooq({"s=cvx.us": answer})
    with pytest.raises(RateLimited):
        provider.fetch(["CVX"], START, END)


def test_stooq_timeout() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    provider, _ = stooq({"s=cvx.us": boom})
    with pytest.raises(TransientProviderError, match="timed out"):
        provider.fetch(["CVX"], START, END)


def test_stooq_server_error_is_transient() -> None:
    provider, _ = stooq({"s=cvx.us": httpx.Response(503)})
    with pytest.raises(TransientProviderError, match=r"server error \(HTTP 503\)"):
        provider.fetch(["CVX"], START, END)


@pytest.mark.parametrize(
    "body",
    [
        "<html><body>Service unavailable</body></html>",
        "Date,Open,High,Low,Close\n2024-01-02,1,1,1,abc\n",
        "Date,Open,High,Low,Close\n02/01/2024,1,1,1,2\n",
    ],
)
def test_stooq_malformed_body(body: str) -> None:
    provider, _ = stooq({"s=cvx.us": httpx.Response(200, text=body)})
    with pytest.raises(ProviderError):
        provider.fetch(["CVX"], START, END)


def test_fred_success_skips_holidays_and_maps_symbol() -> None:
    provider, seen = fred({"id=DEXUSEU": httpx.Response(200, text=FRED_DEXUSEU)})
    (s,) = provider.fetch(["EURUSD=X"], START, END)
    assert s.symbol == "EURUSD=X" and s.currency == "USD" and s.name == "DEXUSEU"
    assert s.frame.index[0] == dt.datetime(2024, 1, 2)
    assert s.frame["close"].tolist() == [1.0956, 1.0919, 1.0953, 1.0944]
    assert seen[0].url.params["cosd"] == "2024-01-02"


def test_fred_old_format_with_dots() -> None:
    old = FRED_DEXUSEU.replace("observation_date", "DATE").replace("01,\n", "01,.\n")
    provider, _ = fred({"id=DEXUSEU": httpx.Response(200, text=old)})
    (s,) = provider.fetch(["EURUSD=X"], START, END)
    assert len(s.frame) == 4


def test_fred_unsupported_and_empty() -> None:
    provider, _ = fred(
        {
            "id=DEXUSEU": httpx.Response(
                200, text="observation_date,DEXUSEU\n2024-01-01,\n"
            )
        }
    )
    assert not provider.supports("CVX")
    with pytest.raises(UnknownSymbol):
        provider.fetch(["CVX"], START, END)
    with pytest.raises(UnknownSymbol, match="no values"):
        provider.fetch(["EURUSD=X"], START, END)


def test_fred_rate_limit_timeout_malformed() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("network down", request=request)

    provider, _ = fred({"id=DEXUSEU": httpx.Response(429)})
    with pytest.raises(RateLimited):
        provider.fetch(["EURUSD=X"], START, END)
    provider, _ = fred({"id=DEXUSEU": boom})
    with pytest.raises(Unreachable, match="cannot connect"):
        provider.fetch(["EURUSD=X"], START, END)
    provider, _ = fred({"id=DEXUSEU": httpx.Response(200, text="<html>error</html>")})
    with pytest.raises(ProviderError, match="expected observation_date,DEXUSEU"):
        provider.fetch(["EURUSD=X"], START, END)
    provider, _ = fred({"id=DEXUSEU": httpx.Response(404)})
    with pytest.raises(ProviderError, match="HTTP 404"):
        provider.fetch(["EURUSD=X"], START, END)
