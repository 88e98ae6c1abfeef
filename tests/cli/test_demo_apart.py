"""Issue 13, case 1: the demo's sample lives apart from the user's prices."""

from __future__ import annotations

from pathlib import Path

from piefolio.data.providers.base import RawSeries, make_frame
from piefolio.data.store import Store

from .conftest import run, snapshot, write_csv

# Hand-made CVX rows the user imported: the sample's CVX (skfolio) has other
# values on these days, so any splice shows.
CVX = """
date,ticker,close
2022-12-27,CVX,111.0
2022-12-28,CVX,112.0
2022-12-29,CVX,113.0
"""


def test_demo_after_an_import_leaves_the_users_store_as_it_was(
    tmp_path: Path, piefolio_home: Path
) -> None:
    code, out = run("data", "import", str(write_csv(tmp_path / "cvx.csv", CVX)))
    assert code == 0, out
    before = snapshot(piefolio_home / "store.duckdb")
    code, out = run("demo", "--json", "--no-report")
    assert code == 0, out
    assert snapshot(piefolio_home / "store.duckdb") == before
    assert (piefolio_home / "sample.duckdb").exists()
    code, out = run("data", "info", "CVX")
    assert "source: file:cvx.csv" in out and "Mixed" not in out


def test_demo_first_then_import_keeps_the_sample_out_of_the_store(
    tmp_path: Path, piefolio_home: Path
) -> None:
    # The README's order: demo, then the user's own data.
    code, out = run("demo", "--json", "--no-report")
    assert code == 0, out
    assert snapshot(piefolio_home / "store.duckdb") == {}
    code, out = run("data", "import", str(write_csv(tmp_path / "cvx.csv", CVX)))
    assert code == 0, out
    rows = Store().read(["CVX"])
    assert rows["close"].tolist() == [111.0, 112.0, 113.0]
    code, out = run("data", "verify", "CVX")
    assert code == 0 and "No findings" in out, out


def _one(symbol: str, day: str, value: float, source: str) -> RawSeries:
    import pandas as pd

    frame = make_frame(pd.DatetimeIndex([day]), close=[value], adj_close=[value])
    return RawSeries(symbol, frame, "USD", source)


def test_sample_and_real_rows_never_share_a_series(piefolio_home: Path) -> None:
    import pytest

    from piefolio.errors import BadData

    store = Store()
    # An old store that holds sample CVX: real data takes the symbol over whole.
    store.write([_one("CVX", "2022-12-27", 150.0, "sample")])
    store.write([_one("CVX", "2022-12-28", 112.0, "file:cvx.csv")])
    assert store.read(["CVX"])["close"].tolist() == [112.0]
    assert [s.source for s in store.sources(["CVX"])["CVX"]] == ["file:cvx.csv"]
    before = snapshot(piefolio_home / "store.duckdb")
    with pytest.raises(BadData, match="never mixes"):
        store.write([_one("CVX", "2022-12-29", 150.0, "sample")])
    assert snapshot(piefolio_home / "store.duckdb") == before


def test_a_series_mixing_sources_says_so_in_info_and_verify(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", "date,ticker,close\n2024-01-02,ABC,10\n")
    second = write_csv(tmp_path / "b.csv", "date,ticker,close\n2024-01-03,ABC,11\n")
    assert run("data", "import", str(first))[0] == 0
    assert run("data", "import", str(second))[0] == 0
    code, out = run("data", "info", "ABC")
    assert code == 0
    assert "Mixed sources" in out and "file:a.csv" in out and "file:b.csv" in out
    code, out = run("data", "verify")
    assert "mixed-sources" in out and "2024-01-03" in out
    assert "No findings" not in out
