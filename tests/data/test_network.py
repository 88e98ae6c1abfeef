"""Issue 13: offline and flaky networks, against recorded answers only.

HTTP providers run on httpx.MockTransport (a dripping body, redirects, bad
encodings, refused connections); the chain runs on RecordedProvider scripts.
Nothing here reaches the network.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest
import yfinance

from piefolio.data import get_prices
from piefolio.data.chain import RetryPolicy, update
from piefolio.data.providers.base import TransientProviderError, Unreachable
from piefolio.data.providers.recorded import RecordedProvider, recorded_transport
from piefolio.data.providers.stooq import StooqProvider
from piefolio.data.providers.yahoo import YahooProvider
from piefolio.data.store import Store
from piefolio.errors import DataUnavailable, ProviderError
from piefolio.spec import parse_pie

from .conftest import series

D = dt.date
FAST = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)
DAYS = pd.bdate_range("2024-01-02", "2024-01-31")
CSV = "Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,150.12,100\n"


class Drip(httpx.SyncByteStream):
    """A body that arrives one byte every ``pause`` seconds, forever."""

    def __init__(self, pause: float) -> None:
        self.pause = pause

    def __iter__(self) -> Iterator[bytes]:
        while True:
            time.sleep(self.pause)
            yield b"x"


def stooq_on(handler: Any, **kwargs: Any) -> StooqProvider:
    transport, _ = recorded_transport({"s=cvx.us": handler})
    return StooqProvider(httpx.Client(transport=transport), **kwargs)


def test_a_dripping_server_meets_the_overall_deadline() -> None:
    # Each byte comes well within any read timeout; only a deadline stops it.
    provider = stooq_on(lambda r: httpx.Response(200, stream=Drip(0.02)), deadline=0.2)
    t = time.monotonic()
    with pytest.raises(TransientProviderError, match=r"no whole answer within 0\.2 s"):
        provider.fetch(["CVX"], D(2024, 1, 2), D(2024, 1, 5))
    assert time.monotonic() - t < 2.0


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (
            httpx.TooManyRedirects("Exceeded maximum allowed redirects."),
            "too many redirects",
        ),
        (httpx.DecodingError("invalid gzip"), "cannot be decoded"),
        (httpx.RemoteProtocolError("peer closed"), "unreachable"),
    ],
)
def test_every_httpx_error_is_wrapped(error: Exception, says: str) -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(ProviderError, match=says):
        stooq_on(boom).fetch(["CVX"], D(2024, 1, 2), D(2024, 1, 5))


def test_a_refused_connection_is_unreachable() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(Unreachable, match="cannot connect"):
        stooq_on(refused).fetch(["CVX"], D(2024, 1, 2), D(2024, 1, 5))


def test_an_unreachable_host_is_asked_once_per_run(store: Store) -> None:
    # Three symbols, then the FX pair in a second update() as get_prices does:
    # one attempt in all, no retries, no second round.
    down = RecordedProvider(
        {s: Unreachable("cannot connect") for s in ("A", "B", "C", "EURUSD=X")},
        name="yahoo",
    )
    t = time.monotonic()
    first = update(
        ["A", "B", "C"],
        D(2024, 1, 2),
        D(2024, 1, 31),
        store=store,
        providers=[down],
        policy=FAST,
    )
    second = update(
        ["EURUSD=X"],
        D(2024, 1, 2),
        D(2024, 1, 31),
        store=store,
        providers=[down],
        policy=FAST,
    )
    assert len(down.calls) == 1
    assert all(r.offline for r in first + second)
    assert second[0].errors == ("yahoo: skipped, unreachable earlier",)
    assert time.monotonic() - t < 5.0


def test_timeouts_are_retried_then_reported_as_timeouts(store: Store) -> None:
    slow = RecordedProvider(
        {"A": TransientProviderError("A: Stooq: timed out (read)")}, name="stooq"
    )
    (report,) = update(
        ["A"], D(2024, 1, 2), D(2024, 1, 31), store=store, providers=[slow], policy=FAST
    )
    assert len(slow.calls) == 3
    assert "timed out (read) (after 3 tries)" in report.describe()
    assert not report.offline  # it answered, slowly: not "network unreachable"


def test_the_retries_stop_at_the_deadline(store: Store) -> None:
    slow = RecordedProvider(
        {"A": TransientProviderError("server error (HTTP 503)")}, name="stooq"
    )
    policy = RetryPolicy(attempts=50, wait_initial=0.05, wait_max=0.05, deadline=0.12)
    t = time.monotonic()
    update(
        ["A"],
        D(2024, 1, 2),
        D(2024, 1, 31),
        store=store,
        providers=[slow],
        policy=policy,
    )
    assert 2 <= len(slow.calls) <= 5 and time.monotonic() - t < 2.0


PIE = """
[pie]
name = "t"
currency = "USD"
[[pie.slices]]
ticker = "A"
weight = 0.5
[[pie.slices]]
ticker = "B"
weight = 0.5
[benchmarks]
"S&P" = "SPY"
[plan]
start = 2024-01-02
end = 2024-02-29
initial = 100
"""


def test_offline_run_says_so_in_one_line(store: Store) -> None:
    store.write([series(s, DAYS, np.ones(len(DAYS))) for s in ("A", "B", "SPY")])
    down = RecordedProvider(
        {s: Unreachable("cannot connect") for s in ("A", "B", "SPY")}, name="yahoo"
    )
    frame = get_prices(parse_pie(PIE), store=store, providers=[down], policy=FAST)
    offline = [n for n in frame.notes if "network unreachable" in n]
    assert offline == [
        "network unreachable (yahoo); using stored prices of 3 symbol(s), the "
        "oldest (A) ending 2024-01-31 (29 days before the end asked)"
    ]
    assert not any("fetch failed" in n for n in frame.notes)


def test_an_eur_pie_without_eurusd_says_the_rate_is_missing(store: Store) -> None:
    store.write([series(s, DAYS, np.ones(len(DAYS))) for s in ("A", "B", "SPY")])
    with pytest.raises(DataUnavailable) as info:
        get_prices(parse_pie(PIE.replace('"USD"', '"EUR"')), store=store, offline=True)
    msg = str(info.value)
    assert "no USD/EUR rate (EURUSD=X)" in msg and "A, B, SPY are priced in USD" in msg
    assert "piefolio data import FILE --only DEXUSEU" in msg
    assert "first day" not in msg


def test_yahoo_logs_stay_off_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Noisy:
        def __init__(self, symbol: str) -> None:
            self.symbol = symbol

        def history(self, **kwargs: Any) -> pd.DataFrame:
            log = logging.getLogger("yfinance")
            log.error("Cookie/crumb fetch failed (DNSError), continuing without crumb")
            print("possibly delisted; no price data found")
            raise OSError("curl: (6) Could not resolve host: query2.finance.yahoo.com")

    monkeypatch.setattr(yfinance, "Ticker", Noisy)
    with (
        caplog.at_level(logging.DEBUG),
        pytest.raises(Unreachable, match="cannot connect to Yahoo"),
    ):
        YahooProvider().fetch(["CVX"], D(2024, 1, 2), D(2024, 1, 5))
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert not [r for r in caplog.records if r.name.startswith("yfinance")]
