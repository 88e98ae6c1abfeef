"""FRED economic series against answers recorded by hand in FRED's real formats.

``fredgraph.csv`` (no key): ``observation_date,ID`` (older ``DATE,ID``) with an
empty value, or ``.`` in older answers, for a missing observation. The API (with
a key): ``fred/series`` JSON with ``seriess[0].frequency_short`` and ``units``,
and ``fred/series/observations`` JSON with ``"."`` for a missing value. Values
are the real 2024 prints of CPIAUCSL (BLS) and DHHNGSP (EIA).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest

from piefolio.data.chain import RetryPolicy, update
from piefolio.data.providers.fred import FRED_FREQUENCIES, FredProvider
from piefolio.data.providers.recorded import recorded_transport
from piefolio.data.series import FREQUENCIES, read_series
from piefolio.data.store import Store
from piefolio.errors import ProviderError

START, END = dt.date(2024, 1, 1), dt.date(2024, 6, 30)

# CPIAUCSL Jan..Jun 2024 as fredgraph.csv answers it; April left empty here to
# stand for a month FRED has no value for (as 2025-10, which BLS never published).
CPI_CSV = """observation_date,CPIAUCSL
2024-01-01,309.685
2024-02-01,311.054
2024-03-01,312.230
2024-04-01,
2024-05-01,313.225
2024-06-01,313.049
"""
# DHHNGSP first trading days of 2024 in the older format, "." on a holiday.
GAS_CSV = """DATE,DHHNGSP
2024-01-01,.
2024-01-02,2.61
2024-01-03,2.85
2024-01-04,2.72
2024-01-05,2.70
2024-01-08,3.03
"""
CPI_SERIES = {
    "realtime_start": "2024-07-15",
    "realtime_end": "2024-07-15",
    "seriess": [
        {
            "id": "CPIAUCSL",
            "realtime_start": "2024-07-15",
            "realtime_end": "2024-07-15",
            "title": "Consumer Price Index for All Urban Consumers: All Items in "
            "U.S. City Average",
            "observation_start": "1947-01-01",
            "observation_end": "2024-06-01",
            "frequency": "Monthly",
            "frequency_short": "M",
            "units": "Index 1982-1984=100",
            "units_short": "Index 1982-1984=100",
            "seasonal_adjustment": "Seasonally Adjusted",
            "seasonal_adjustment_short": "SA",
            "last_updated": "2024-07-11 07:38:02-05",
            "popularity": 95,
            "notes": "",
        }
    ],
}


def observations(values: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "realtime_start": "2024-07-15",
        "realtime_end": "2024-07-15",
        "observation_start": "2024-01-01",
        "observation_end": "2024-06-30",
        "units": "lin",
        "output_type": 1,
        "file_type": "json",
        "order_by": "observation_date",
        "sort_order": "asc",
        "count": len(values),
        "offset": 0,
        "limit": 100000,
        "observations": [
            {
                "realtime_start": "2024-07-15",
                "realtime_end": "2024-07-15",
                "date": d,
                "value": v,
            }
            for d, v in values
        ],
    }


CPI_OBS = observations(
    [
        ("2024-01-01", "309.685"),
        ("2024-02-01", "311.054"),
        ("2024-03-01", "312.230"),
        ("2024-04-01", "."),
        ("2024-05-01", "313.225"),
        ("2024-06-01", "313.049"),
    ]
)


def provider(
    routes: dict[str, Any], **kw: Any
) -> tuple[FredProvider, list[httpx.Request]]:
    transport, seen = recorded_transport(routes)
    kw.setdefault("api_key", "")
    return FredProvider(httpx.Client(transport=transport), **kw), seen


def test_monthly_csv_keeps_fred_dates_and_drops_the_missing_month() -> None:
    p, seen = provider({"id=CPIAUCSL": httpx.Response(200, text=CPI_CSV)})
    (s,) = p.fetch(["CPIAUCSL"], START, END)
    assert s.symbol == "CPIAUCSL" and s.source == "fred"
    assert s.frequency == "monthly" and s.unit == "index 1982-84=100"
    assert [str(d.date()) for d in s.frame.index] == [
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
        "2024-05-01",
        "2024-06-01",
    ]
    assert s.frame["close"].tolist() == [309.685, 311.054, 312.23, 313.225, 313.049]
    assert seen[0].url.params["cosd"] == "2024-01-01"


def test_daily_csv_in_the_older_format() -> None:
    p, _ = provider({"id=DHHNGSP": httpx.Response(200, text=GAS_CSV)})
    (s,) = p.fetch(["DHHNGSP"], START, END)
    assert s.frequency == "daily" and len(s.frame) == 5
    assert 0.0 not in s.frame["close"].tolist()  # "." is missing, not zero


def test_api_gives_frequency_and_unit_as_fred_states_them() -> None:
    p, seen = provider(
        {
            "series/observations": httpx.Response(200, json=CPI_OBS),
            "fred/series?": httpx.Response(200, json=CPI_SERIES),
        },
        api_key="abcdefghijklmnopqrstuvwxyz123456",
    )
    (s,) = p.fetch(["cpiaucsl"], START, END)
    assert s.frequency == "monthly" and s.unit == "Index 1982-1984=100"
    assert s.name.startswith("Consumer Price Index")
    assert len(s.frame) == 5 and s.frame["close"].iloc[-1] == 313.049
    obs = next(r for r in seen if "observations" in str(r.url))
    assert obs.url.params["observation_start"] == "2024-01-01"
    assert obs.url.params["file_type"] == "json"


def test_any_series_only_when_asked() -> None:
    p, _ = provider({})
    assert p.supports("CPIAUCSL") and p.supports("EURUSD=X")
    assert not p.supports("UNRATE") and not p.supports("CVX")
    p, _ = provider({}, series="any")
    assert p.supports("UNRATE") and not p.supports("BRK-B")


BAD = [
    (
        "html",
        httpx.Response(200, text="<!DOCTYPE html><html><body>Error</body></html>"),
        "expected observation_date,CPIAUCSL",
    ),
    ("empty", httpx.Response(200, text=""), "answer is empty"),
    (
        "text value",
        httpx.Response(
            200, text="observation_date,CPIAUCSL\n2024-01-01,309.685\n2024-02-01,n/a\n"
        ),
        r"line 3: date '2024-02-01', value 'n/a'",
    ),
    (
        "daily dates for a monthly id",
        httpx.Response(
            200,
            text="observation_date,CPIAUCSL\n"
            + "".join(f"2024-01-0{d},300\n" for d in range(2, 8)),
        ),
        "are daily, but CPIAUCSL is known as monthly",
    ),
]


@pytest.mark.parametrize(("case", "answer", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_answer_is_refused_and_not_stored(
    case: str, answer: httpx.Response, message: str, tmp_path: Any
) -> None:
    store = Store(tmp_path / "s.duckdb")
    p, _ = provider({"id=CPIAUCSL": answer})
    with pytest.raises(ProviderError, match=message):
        p.fetch(["CPIAUCSL"], START, END)
    (report,) = update(
        ["CPIAUCSL"],
        START,
        END,
        store=store,
        providers=[p],
        policy=RetryPolicy(attempts=1),
    )
    assert not report.ok and store.info("CPIAUCSL") is None


@pytest.mark.parametrize(
    "body",
    [
        "<html>Bad Request</html>",
        json.dumps(
            {
                "error_code": 400,
                "error_message": "Bad Request.  The series does not exist.",
            }
        ),
        json.dumps({"seriess": []}),
    ],
)
def test_a_bad_api_answer_is_refused(body: str) -> None:
    p, _ = provider({"fred/series?": httpx.Response(200, text=body)}, api_key="k" * 32)
    with pytest.raises(ProviderError, match="CPIAUCSL: FRED API"):
        p.fetch(["CPIAUCSL"], START, END)


# FRED's API refuses a bad request with HTTP 400 and its reason as JSON: these
# are its real messages for an unregistered key and for an unknown series
# (two spaces after each full stop, as FRED writes them).
REFUSALS = [
    (
        "Bad Request.  The value for variable api_key is not registered.  Read "
        "https://fred.stlouisfed.org/docs/api/api_key.html for more information.",
        "FRED API: Bad Request. The value for variable api_key is not registered. "
        "Read https://fred.stlouisfed.org/docs/api/api_key.html for more "
        "information. (HTTP 400)",
    ),
    (
        "Bad Request.  The series does not exist.",
        "FRED API: Bad Request. The series does not exist. (HTTP 400)",
    ),
]


@pytest.mark.parametrize(("said", "shown"), REFUSALS)
def test_an_api_refusal_says_freds_own_reason(said: str, shown: str) -> None:
    refusal = httpx.Response(400, json={"error_code": 400, "error_message": said})
    p, _ = provider({"fred/series?": refusal}, api_key="k" * 32)
    with pytest.raises(ProviderError) as caught:
        p.fetch(["CPIAUCSL"], START, END)
    assert str(caught.value) == f"CPIAUCSL: {shown}"
    assert "k" * 32 not in str(caught.value)  # the key is never shown


def test_a_refusal_without_freds_json_says_the_status() -> None:
    p, _ = provider(
        {"fred/series?": httpx.Response(403, text="<html>Forbidden</html>")},
        api_key="k" * 32,
    )
    with pytest.raises(ProviderError, match=r"^CPIAUCSL: FRED API: HTTP 403$"):
        p.fetch(["CPIAUCSL"], START, END)


def test_fetched_series_is_stored_with_frequency_and_unit(tmp_path: Any) -> None:
    store = Store(tmp_path / "s.duckdb")
    p, _ = provider({"id=CPIAUCSL": httpx.Response(200, text=CPI_CSV)})
    (report,) = update(["CPIAUCSL"], START, END, store=store, providers=[p])
    assert report.ok, report.describe()
    cpi = read_series(store, "CPIAUCSL")
    assert cpi.frequency == "monthly" and len(cpi.values) == 5
    assert cpi.unit == "index 1982-84=100" and cpi.source == "fred"


def test_every_fred_frequency_is_one_of_ours() -> None:
    assert set(FRED_FREQUENCIES.values()) <= set(FREQUENCIES)


def test_a_spread_may_be_negative_an_fx_rate_may_not() -> None:
    # T10Y2Y (10-year minus 2-year Treasury, percent) was inverted in 2024.
    body = (
        "observation_date,T10Y2Y\n2024-01-02,-0.38\n2024-01-03,-0.40\n2024-01-04,0.00\n"
    )
    p, _ = provider({"id=T10Y2Y": httpx.Response(200, text=body)}, series="any")
    (s,) = p.fetch(["T10Y2Y"], START, END)
    assert s.frame["close"].tolist() == [-0.38, -0.40, 0.0] and s.frequency == "daily"
    fx = "observation_date,DEXUSEU\n2024-01-02,-1.09\n"
    p, _ = provider({"id=DEXUSEU": httpx.Response(200, text=fx)})
    with pytest.raises(ProviderError, match=r"line 2: close = -1\.09"):
        p.fetch(["EURUSD=X"], START, END)
