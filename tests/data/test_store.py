"""The DuckDB store: location, round trips, ranges, transactions, concurrency."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data.store import Rescale, Store, default_store_path
from piefolio.errors import BadData, StoreError

from .conftest import business_days, series

D = dt.date


def test_piefolio_home_moves_the_store(piefolio_home: Path) -> None:
    assert default_store_path() == piefolio_home / "store.duckdb"
    assert Store().path == piefolio_home / "store.duckdb"


def test_default_is_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("PIEFOLIO_HOME")
    assert (
        default_store_path()
        == Path(platformdirs.user_cache_dir("piefolio")) / "store.duckdb"
    )


def test_reads_of_a_missing_store_find_nothing(store: Store) -> None:
    assert store.symbols() == [] and store.read(["CVX"]).empty
    assert not store.exists()  # reading never creates the file


def test_round_trip_and_metadata(store: Store) -> None:
    s = series(
        "CVX",
        ["2024-01-02", "2024-01-03"],
        [150.0, 151.0],
        adj=[146.0, 147.0],
        dividend=[0.0, 1.63],
    )
    assert store.write([s], requested={"CVX": (D(2024, 1, 1), D(2024, 1, 5))}) == 2
    rows = store.read(["CVX"])
    assert rows["close"].tolist() == [150.0, 151.0]
    assert rows["dividend"].tolist() == [0.0, 1.63]
    info = store.info("CVX")
    assert info is not None and info.rows == 2 and info.currency == "USD"
    assert (info.first_date, info.last_date) == (D(2024, 1, 2), D(2024, 1, 3))
    assert (info.covered_from, info.covered_to) == (D(2024, 1, 1), D(2024, 1, 5))


def test_rewrite_corrects_its_days_and_keeps_the_others(store: Store) -> None:
    store.write([series("A", ["2024-01-02", "2024-01-03", "2024-01-04"], [1, 2, 3])])
    store.write([series("A", ["2024-01-03", "2024-01-05"], [20, 50])])
    # 01-04 lies between the new days but was not mentioned: it stays.
    assert store.read(["A"])["close"].tolist() == [1, 20, 3, 50]


def test_sparse_import_never_deletes_history(store: Store) -> None:
    # Issue 13, case 2: two rows used to replace every day between them.
    days = business_days("2000-01-03", "2000-03-31")
    store.write([series("CVX", days, np.arange(1.0, len(days) + 1))])
    store.write([series("CVX", ["2000-01-03", "2000-03-31"], [7.0, 9.0])])
    close = store.read(["CVX"])["close"].to_numpy()
    assert len(close) == len(days)
    expected = np.arange(1.0, len(days) + 1)
    expected[0], expected[-1] = 7.0, 9.0
    np.testing.assert_array_equal(close, expected)


def test_keep_adds_only_days_not_stored(store: Store) -> None:
    store.write([series("A", ["2024-01-02", "2024-01-03"], [1, 2])])
    written = store.write(
        [series("A", ["2024-01-03", "2024-01-04"], [99, 3])], stored="keep"
    )
    assert written == 1
    assert store.read(["A"])["close"].tolist() == [1, 2, 3]


def test_a_currency_change_is_refused_and_nothing_kept(store: Store) -> None:
    store.write([series("A", ["2024-01-02"], [1])])
    before = store.read(["A"])
    with pytest.raises(BadData, match=r"A: .* in EUR, but the stored prices .* USD"):
        store.write(
            [
                series("B", ["2024-01-02"], [5]),
                series("A", ["2024-01-03"], [2], currency="EUR"),
            ]
        )
    pd.testing.assert_frame_equal(store.read(["A", "B"]), before)
    assert store.info("A").currency == "USD" and store.info("B") is None


def test_missing_ranges(store: Store) -> None:
    assert store.missing_ranges("A", D(2024, 1, 1), D(2024, 1, 31)) == [
        (D(2024, 1, 1), D(2024, 1, 31))
    ]
    store.write(
        [series("A", ["2024-01-10"], [1])],
        requested={"A": (D(2024, 1, 8), D(2024, 1, 19))},
    )
    assert store.missing_ranges("A", D(2024, 1, 1), D(2024, 1, 31)) == [
        (D(2024, 1, 1), D(2024, 1, 7)),
        (D(2024, 1, 20), D(2024, 1, 31)),
    ]
    # A range of only a weekend has no trading day to ask for.
    assert store.missing_ranges("A", D(2024, 1, 8), D(2024, 1, 21)) == []


def test_rebase_keeps_returns_across_the_join(store: Store) -> None:
    # Old snapshot: adj closes before a dividend. New snapshot re-bases history
    # by 0.98 (a 2 % dividend paid after the overlap day).
    store.write([series("A", ["2024-01-02", "2024-01-03"], [100, 110], adj=[50, 55])])
    new = series("A", ["2024-01-03", "2024-01-04"], [110, 99], adj=[53.9, 48.51])
    store.write([new], stored="keep", rescale={"A": Rescale(D(2024, 1, 3), 1.0, 0.98)})
    adj = store.read(["A"])["adj_close"].to_numpy()
    np.testing.assert_allclose(adj, [49.0, 53.9, 48.51])
    np.testing.assert_allclose(adj[1] / adj[0], 55 / 50)  # old return kept


def dump(path: Path) -> bytes:
    """Every table of the store file, every row sorted, as bytes.

    Column names and types are in it too: "as before" means the same schema
    and every value of every row, timestamps included.
    """
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY ALL"
        ).fetchall()
        parts = []
        for schema, name in tables:
            q = f'SELECT * FROM "{schema}"."{name}" ORDER BY ALL'
            cur = con.execute(q)
            parts.append(repr((schema, name, cur.description, cur.fetchall())))
        return "\n".join(parts).encode()
    finally:
        con.close()


def _history(store: Store) -> None:
    # Two symbols, then a rescale anchor to roll back: A re-based by 0.98.
    store.write(
        [
            series("A", ["2024-01-02", "2024-01-03"], [100, 110], adj=[50, 55]),
            series("B", ["2024-01-02"], [7.0], dividend=[0.5]),
        ],
        requested={"B": (D(2023, 12, 1), D(2024, 1, 5))},
    )


def _rewrite(store: Store, **kw: object) -> int:
    return store.write(
        [
            series("A", ["2024-01-03", "2024-01-04"], [111, 99], adj=[53.9, 48.51]),
            series("C", ["2024-01-04"], [3.0]),
        ],
        stored="correct",
        rescale={"A": Rescale(D(2024, 1, 3), 1.0, 0.98)},
        **kw,  # type: ignore[arg-type]
    )


def test_a_write_failing_half_way_leaves_every_table_as_before(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import piefolio.data.store as store_module

    _history(store)
    before = dump(store.path)
    assert b"'A'" in before and b"'B'" in before

    # Fail after the rescale, the deleted days and the inserted rows, before
    # the symbols table is updated: only a rollback undoes the first three.
    def broken(*args: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(store_module, "_ask", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        _rewrite(store)
    assert dump(store.path) == before
    monkeypatch.undo()

    # The same write then goes through whole (so the failure was mid-write).
    assert _rewrite(store) == 3
    after = dump(store.path)
    assert after != before and b"'C'" in after


def test_a_failure_after_every_statement_still_rolls_back(store: Store) -> None:
    _history(store)
    before = dump(store.path)

    def interrupted(symbol: str) -> None:  # progress runs inside the transaction
        if symbol == "C":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _rewrite(store, progress=interrupted)
    assert dump(store.path) == before


def test_a_database_error_mid_write_is_a_store_error_and_kept_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    import piefolio.data.store as store_module

    _history(store)
    before = dump(store.path)

    def broken(*args: object) -> None:
        raise duckdb.IOException("write failed: no space left on device")

    monkeypatch.setattr(store_module, "_ask", broken)
    with pytest.raises(StoreError, match=r"writing to .*store.duckdb failed: .*"):
        _rewrite(store)
    assert dump(store.path) == before


_WRITER = """
import sys, time
import numpy as np, pandas as pd
from piefolio.data.providers.base import RawSeries, make_frame
from piefolio.data.store import Store

days = pd.bdate_range("2000-01-03", periods=5000)
def s(sym, value):
    v = np.full(len(days), value)
    f = make_frame(days, close=v, adj_close=v)
    return RawSeries(sym, f, "USD", "test")

def progress(sym):
    if sym == "B":
        print("ready", flush=True)
        time.sleep(60)

Store().write([s("A", 2.0), s("B", 2.0), s("C", 2.0)], progress=progress)
"""


def test_killed_writer_leaves_the_store_whole(store: Store, tmp_path: Path) -> None:
    import pandas as pd

    days = pd.bdate_range("2000-01-03", periods=5000)
    store.write([series("A", days, np.ones(len(days)))])
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert (
            proc.stdout.readline().strip() == "ready"
        )  # A and B written, not committed
        proc.kill()
    finally:
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    rows = store.read(["A", "B", "C"])
    assert set(rows["symbol"]) == {"A"}
    assert (rows["close"] == 1.0).all() and len(rows) == 5000
    assert [i.symbol for i in store.symbols()] == ["A"]


_HOLDER = """
import time
from piefolio.data.store import Store
with Store()._connect(write=True):
    print("locked", flush=True)
    time.sleep(float(__import__("sys").argv[1]))
"""


def test_busy_store_waits_then_reads(store: Store) -> None:
    store.write([series("A", ["2024-01-02"], [1.0])])
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, "1.5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match=r"store busy: .* stayed locked"):
            Store(busy_timeout=0.2).symbols()
        waits: list[str] = []
        start = time.perf_counter()
        infos = Store(busy_timeout=20, on_wait=waits.append).symbols()
        assert [i.symbol for i in infos] == ["A"]
        # Said once per wait, not once per retry.
        assert len(waits) == 1 and "store busy: waiting for another" in waits[0]
        assert time.perf_counter() - start < 15
    finally:
        proc.kill()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def test_delete(store: Store) -> None:
    store.write(
        [series("A", ["2024-01-02"], [1.0]), series("B", ["2024-01-02"], [1.0])]
    )
    store.delete(["A"])
    assert [i.symbol for i in store.symbols()] == ["B"]
