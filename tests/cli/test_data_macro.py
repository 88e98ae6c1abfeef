"""``piefolio data`` with economic series: FRED downloads, long files, staleness.

Hand-made files with known answers, and the real shared macro files as they are
(fixture ``shared_macro_dir``; skipped with the reason where absent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from piefolio.data.providers import fred
from piefolio.data.providers.recorded import recorded_transport
from piefolio.data.series import read_series
from piefolio.data.store import Store

from .conftest import run, snapshot, write_csv


def monthly(series_id: str, months: range, value: str = "2.5") -> str:
    return "date,series,value\n" + "".join(
        f"2024-{m:02d}-01,{series_id},{value}\n" for m in months
    )


def test_a_monthly_long_file_imports_and_reads_back_monthly(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv", monthly("C30_PRIVATE_DATA_CENTER_SAAR", range(1, 13))
    )
    code, out = run("data", "import", str(path))
    assert code == 0, out
    assert "Imported 12 rows of 1 symbol from" in out
    assert "monthly" in out and "millions of USD (SAAR)" in out
    # Twelve rows, one a month: nothing was filled into days.
    got = read_series(Store(), "C30_PRIVATE_DATA_CENTER_SAAR")
    assert len(got.values) == 12 and set(got.values.index.day) == {1}
    code, out = run("data", "list")
    assert code == 0 and "frequency" in out and "monthly" in out
    code, out = run(
        "data", "info", "C30_PRIVATE_DATA_CENTER_SAAR", "--as-of", "2025-01-15"
    )
    assert code == 0, out
    assert "12 values" in out and "Economic series: monthly" in out
    assert "Gaps of missing periods: 0" in out and "Stale" not in out


def test_a_fred_download_with_a_declared_unit(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "UNRATE.csv",
        "observation_date,UNRATE\n2024-01-01,3.7\n2024-02-01,3.9\n2024-03-01,.\n"
        "2024-04-01,3.9\n",
    )
    code, out = run("data", "import", str(path), "--unit", "percent")
    assert code == 0, out
    code, out = run("data", "info", "UNRATE", "--as-of", "2024-06-01")
    assert "3 values" in out and "unit: percent" in out
    # March has no value ("."): one missing month, reported as a gap.
    assert (
        "Gaps of missing periods: 1" in out
        and "2024-02-01: no value for 1 month" in out
    )


def test_staleness_is_reported_by_info_and_verify(tmp_path: Path) -> None:
    run(
        "data",
        "import",
        str(write_csv(tmp_path / "m.csv", monthly("XSER", range(1, 13)))),
    )
    # Last value 2024-12-01; 100 days later (2025-03-11) still fresh, 101 stale.
    code, out = run("data", "verify", "XSER", "--as-of", "2025-03-11")
    assert code == 0 and "No findings" in out, out
    code, out = run("data", "verify", "XSER", "--as-of", "2025-03-12")
    assert code == 0 and "stale" in out and "101 days before 2025-03-12" in out, out
    code, out = run("data", "info", "XSER", "--as-of", "2025-03-12")
    assert "Stale: no value since 2024-12-01" in out


BAD = [
    (
        "text value",
        "date,series,value\n2024-01-01,CPIAUCSL,308.4\n2024-02-01,CPIAUCSL,n/a\n",
        "line 3, column 'value': 'n/a' is not a number",
    ),
    (
        "bad id",
        "date,series,value\n2024-01-01,CPIAUCSL,308.4\n2024-02-01,CPI AUCSL!,1\n",
        "line 3, column 'series': 'CPI AUCSL!' is not a series id",
    ),
    (
        "empty id",
        "date,series,value\n2024-01-01,CPIAUCSL,308.4\n2024-02-01,,1\n",
        "line 3, column 'series': empty series id",
    ),
    (
        "two values in a month",
        "date,series,value\n2024-01-01,CPIAUCSL,308.4\n2024-01-15,CPIAUCSL,309\n",
        "line 3: CPIAUCSL has a second value for 2024-01",
    ),
    (
        "monthly averages under a daily id",
        monthly("DHHNGSP", range(1, 7)),
        "are monthly, but DHHNGSP is known as daily",
    ),
]


@pytest.mark.parametrize(("case", "text", "says"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_series_file_exits_2_and_changes_nothing(
    tmp_path: Path, piefolio_home: Path, case: str, text: str, says: str
) -> None:
    run(
        "data",
        "import",
        str(write_csv(tmp_path / "good.csv", monthly("XSER", range(1, 4)))),
    )
    before = snapshot(piefolio_home / "store.duckdb")
    code, out = run("data", "import", str(write_csv(tmp_path / "bad.csv", text)))
    assert code == 2, out
    assert "bad.csv" in out and says in out, out
    assert snapshot(piefolio_home / "store.duckdb") == before


def test_bad_frequency_options(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", monthly("XSER", range(1, 13)))
    code, out = run("data", "import", str(path), "--frequency", "hourly")
    assert code == 2 and "--frequency 'hourly'; expected one of daily, weekly" in out
    code, out = run("data", "import", str(path), "--frequency", "daily")
    assert code == 2 and "XSER is declared as daily" in out
    tickers = write_csv(tmp_path / "t.csv", "date,ticker,close\n2024-01-02,CVX,150\n")
    code, out = run("data", "import", str(tickers), "--frequency", "monthly")
    assert code == 2 and "not ticker prices" in out


def test_a_series_never_mixes_with_ticker_prices(tmp_path: Path) -> None:
    run(
        "data",
        "import",
        str(write_csv(tmp_path / "m.csv", monthly("XSER", range(1, 13)))),
    )
    code, out = run(
        "data",
        "import",
        str(write_csv(tmp_path / "t.csv", "date,ticker,close\n2025-01-02,XSER,1\n")),
    )
    # A file is the user's own: its rows are not ticker prices of a provider,
    # but it brings no frequency, so it cannot join a monthly series.
    assert code == 2 and "XSER is a monthly economic series" in out, out


def test_fetch_any_fred_series_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    body = (
        "observation_date,UNRATE\n2024-01-01,3.7\n2024-02-01,3.9\n2024-03-01,3.9\n"
        "2024-04-01,3.9\n2024-05-01,4.0\n2024-06-01,4.1\n"
    )
    transport, seen = recorded_transport({"id=UNRATE": httpx.Response(200, text=body)})
    real = fred.FredProvider

    def recorded(**kw: Any) -> fred.FredProvider:
        return real(httpx.Client(transport=transport), api_key="", **kw)

    monkeypatch.setattr(fred, "FredProvider", recorded)
    code, out = run(
        "data",
        "fetch",
        "UNRATE",
        "--provider",
        "fred",
        "--start",
        "2024-01-01",
        "--end",
        "2024-06-30",
    )
    assert code == 0, out
    assert len(seen) == 1
    got = read_series(Store(), "UNRATE")
    assert got.frequency == "monthly" and got.values.tolist() == [
        3.7,
        3.9,
        3.9,
        3.9,
        4.0,
        4.1,
    ]


def test_the_shared_macro_files_import_and_verify(shared_macro_dir: Path) -> None:
    code, out = run("data", "import", str(shared_macro_dir / "fred_macro_monthly.csv"))
    assert code == 0, out
    # README: 12,333 rows of 21 series.
    assert "Imported 12333 rows of 21 symbols" in out
    code, out = run("data", "import", str(shared_macro_dir / "fred_macro_daily.csv"))
    assert code == 0 and "Imported 7436 rows of 1 symbol from" in out, out
    code, out = run("data", "verify", "--as-of", "2026-08-20")
    assert code == 0, out
    lines = out.splitlines()

    def said(sym: str, kind: str) -> list[str]:
        return [x for x in lines if f" {sym} " in x and f" {kind} " in x]

    # The README's gaps, and nothing else missing in CPI: BLS never published
    # October 2025 CPI; APU000072610 also lacks 1985-09.
    assert (
        len(said("CPIAUCSL", "gap")) == 1 and "2025-09-01" in said("CPIAUCSL", "gap")[0]
    )
    assert len(said("APU000072610", "gap")) == 2
    # On 2026-08-20: IPG2211S (last 2025-08-01) and CUSR0000SEHF01 (2026-04-01,
    # 141 days) are stale; CPIAUCSL (2026-07-01, 50 days) and DHHNGSP
    # (2026-08-18, 2 days) are not.
    assert said("IPG2211S", "stale") and said("CUSR0000SEHF01", "stale")
    assert not said("CPIAUCSL", "stale") and not said("DHHNGSP", "stale")


def test_a_bad_as_of_is_refused_before_info_prints(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", monthly("XSER", range(1, 13)))
    assert run("data", "import", str(path))[0] == 0
    code, out = run("data", "info", "XSER", "--as-of", "2026-13-01")
    assert code == 2
    # One line, the error: no coverage printed above it.
    assert out.strip().splitlines() == [
        "error: --as-of '2026-13-01' is not a date; expected YYYY-MM-DD, e.g. "
        "2020-01-31"
    ]
