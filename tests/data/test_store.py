"""The DuckDB store: location, round trips, ranges, transactions.

The tests with a second process (a killed writer, a lock held) are in
test_store_processes.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.data.providers.base import RawSeries, make_frame
from piefolio.data.store import (
    Rescale,
    Span,
    Store,
    StoreReader,
    default_store_path,
    sample_store_path,
)
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


def test_delete(store: Store) -> None:
    store.write(
        [series("A", ["2024-01-02"], [1.0]), series("B", ["2024-01-02"], [1.0])]
    )
    store.delete(["A"])
    assert [i.symbol for i in store.symbols()] == ["B"]


# ------------------------------------------------------------ reads, by hand
# Known answers from the rows written in each test (counted by hand).


def test_sample_store_sits_beside_the_store(piefolio_home: Path) -> None:
    assert sample_store_path() == piefolio_home / "sample.duckdb"
    assert repr(Store(piefolio_home / "x.duckdb")) == (
        f"Store({str(piefolio_home / 'x.duckdb')!r})"
    )


def test_lock_errors_are_told_from_other_errors() -> None:
    import duckdb

    from piefolio.data.store import _is_lock_error

    # The three texts DuckDB gives for a file another connection holds.
    assert _is_lock_error(duckdb.IOException('Could not set lock on file "x"'))
    assert _is_lock_error(duckdb.IOException("file is being used by another process"))
    assert _is_lock_error(
        duckdb.ConnectionException(
            "Can't open a connection with a different configuration"
        )
    )
    # A lock word outside a DuckDB error, or another DuckDB error, is no wait.
    assert not _is_lock_error(RuntimeError("lock"))
    assert not _is_lock_error(duckdb.IOException("no space left on device"))


def test_arrays_give_positions_days_and_nan_for_null(store: Store) -> None:
    store.write(
        [
            series("A", ["1970-01-02", "1970-01-05"], [1.0, 2.0], adj=[0.5, 1.0]),
            series("B", ["1970-01-05"], [3.0], dividend=[0.25]),
        ]
    )
    # A row whose adj_close is NULL: the array holds NaN there.
    import duckdb

    con = duckdb.connect(str(store.path))
    con.execute("UPDATE prices SET adj_close = NULL WHERE symbol = 'B'")
    con.close()
    with store.reading() as reader:
        assert reader is not None
        # Asked for B first: B is position 0, A position 1. 1970-01-02 is day 1,
        # 1970-01-05 day 4; the range 01-03..01-31 leaves A's first day out.
        pos, day, values = reader.arrays(
            ["B", "A"],
            D(1970, 1, 3),
            D(1970, 1, 31),
            ["close", "adj_close", "dividend"],
        )
        order = np.lexsort((day, pos))
        assert pos[order].tolist() == [0, 1] and day[order].tolist() == [4, 4]
        assert pos.dtype == np.int64 and day.dtype == np.int64
        np.testing.assert_array_equal(values["close"][order], [3.0, 2.0])
        np.testing.assert_array_equal(values["adj_close"][order], [np.nan, 1.0])
        np.testing.assert_array_equal(values["dividend"][order], [0.25, 0.0])
        # Without bounds every stored day comes back: A's two and B's one.
        pos, day, values = reader.arrays(["A", "B"], None, None, ["split"])
        assert sorted(zip(pos.tolist(), day.tolist(), strict=True)) == [
            (0, 1),
            (0, 4),
            (1, 4),
        ]
        np.testing.assert_array_equal(values["split"], [1.0, 1.0, 1.0])
        with pytest.raises(ValueError, match="unknown price column 'volume'"):
            reader.arrays(["A"], None, None, ["volume"])


def test_arrays_bounds_are_inclusive(store: Store) -> None:
    # The first and last days a write can hold (pandas' nanosecond dates end
    # on 2262-04-11) come back with no bounds given, and with them as bounds.
    store.write([series("A", ["1800-01-01", "2262-04-11"], [1.0, 2.0])])
    with store.reading() as reader:
        assert reader is not None
        _, day, _ = reader.arrays(["A"], None, None, ["close"])
        # 1800-01-01: 170 years of 365 days and 41 leap days (1804..1968 less
        # 1900) before 1970; 2262-04-11: 292 years, 71 leap days (1972..2260
        # less 2100 and 2200), then 31 + 28 + 31 + 10 days into 2262.
        assert sorted(day.tolist()) == [-62091, 106751]
        _, day, _ = reader.arrays(["A"], D(1800, 1, 1), D(2262, 4, 11), ["close"])
        assert len(day) == 2
        _, day, _ = reader.arrays(["A"], D(1800, 1, 2), D(2262, 4, 10), ["close"])
        assert len(day) == 0


def test_read_without_bounds_reaches_the_first_and_last_storable_day(
    store: Store,
) -> None:
    store.write([series("A", ["1800-01-01", "2024-01-02"], [1.0, 2.0])])
    rows = store.read(["A"])
    assert rows["date"].dt.strftime("%Y-%m-%d").tolist() == ["1800-01-01", "2024-01-02"]
    assert rows["date"].dtype == "datetime64[ns]"
    # Both bounds inclusive; a start after the first day leaves it out.
    assert len(store.read(["A"], D(1800, 1, 1), D(2024, 1, 2))) == 2
    assert store.read(["A"], D(1800, 1, 2))["close"].tolist() == [2.0]


def test_reads_of_absent_symbols_have_the_columns(store: Store) -> None:
    columns = ["symbol", "date", "close", "adj_close", "dividend", "split"]
    columns += ["currency", "source"]
    assert list(store.read(["A"]).columns) == columns  # no store file
    store.write([series("A", ["2024-01-02"], [1.0])])
    assert list(store.read([]).columns) == columns  # no symbol asked
    assert store.read(["Z"]).empty and list(store.read(["Z"]).columns) == columns


def test_read_is_sorted_by_symbol_then_date(store: Store) -> None:
    store.write([series("B", ["2024-01-03", "2024-01-02"][::-1], [1.0, 2.0])])
    store.write([series("A", ["2024-01-04"], [3.0])])
    store.write([series("B", ["2024-01-01"], [0.5])])
    rows = store.read(["B", "A"])
    assert rows["symbol"].tolist() == ["A", "B", "B", "B"]
    assert rows["close"].tolist() == [3.0, 0.5, 1.0, 2.0]


def test_reads_open_the_store_read_only(store: Store) -> None:
    # DuckDB lets one process hold a file read-only in several connections,
    # but refuses a writing one beside them: a read that opened the file for
    # writing would wait here until busy_timeout and fail.
    store.write([series("A", ["2024-01-02"], [1.0])])
    quick = Store(store.path, busy_timeout=0.3)
    with quick.reading() as reader:
        assert reader is not None
        assert quick.read(["A"])["close"].tolist() == [1.0]
        assert [i.symbol for i in quick.symbols()] == ["A"]
        assert quick.info("A") is not None and list(quick.sources()) == ["A"]


def test_sources_group_rows_by_source_earliest_first(store: Store) -> None:
    store.write([series("A", ["2024-01-03", "2024-01-04"], [1.0, 2.0], source="stooq")])
    store.write([series("A", ["2024-01-02"], [0.5], source="file:a.csv")])
    store.write([series("B", ["2024-01-02"], [7.0], source="yahoo")])
    spans = store.sources()
    assert spans == {
        "A": [
            Span("file:a.csv", 1, D(2024, 1, 2), D(2024, 1, 2)),
            Span("stooq", 2, D(2024, 1, 3), D(2024, 1, 4)),
        ],
        "B": [Span("yahoo", 1, D(2024, 1, 2), D(2024, 1, 2))],
    }
    assert store.sources(["B"]) == {"B": spans["B"]}
    assert str(spans["A"][1]) == "stooq (2 days, 2024-01-03 to 2024-01-04)"
    assert Store(store.path.with_name("none.duckdb")).sources() == {}


def _level(
    symbol: str, days: list[str], values: list[float], **kw: object
) -> RawSeries:
    frame = make_frame(
        pd.DatetimeIndex(days), close=values, adj_close=values, kind="level"
    )
    return RawSeries(symbol, frame, "USD", "fred", **kw)  # type: ignore[arg-type]


def test_series_meta_keeps_a_unit_a_later_write_does_not_bring(store: Store) -> None:
    store.write(
        [_level("CPI", ["2024-01-01"], [300.0], frequency="monthly", unit="index")]
    )
    store.write([_level("GDP", ["2024-01-01"], [-5.0], frequency="quarterly")])
    store.write([series("A", ["2024-01-02"], [1.0])])
    with store.reading() as reader:
        assert reader is not None
        assert reader.series_meta() == {
            "CPI": ("monthly", "index"),
            "GDP": ("quarterly", ""),
        }
    # A file without a unit keeps the stored one; a new unit replaces it.
    store.write([_level("CPI", ["2024-02-01"], [301.0], frequency="monthly")])
    store.write([_level("GDP", ["2024-04-01"], [2.0], frequency="quarterly", unit="%")])
    with store.reading() as reader:
        assert reader is not None
        assert reader.series_meta(["CPI", "A"]) == {"CPI": ("monthly", "index")}
        assert reader.series_meta(["GDP"]) == {"GDP": ("quarterly", "%")}


def test_series_meta_of_a_store_without_the_series_table(store: Store) -> None:
    store.write([series("A", ["2024-01-02"], [1.0])])
    import duckdb

    con = duckdb.connect(str(store.path))
    try:
        con.execute("DROP TABLE series")
        assert StoreReader(con).series_meta() == {}
    finally:
        con.close()


# ----------------------------------------------------- writes refused, by hand


def test_a_write_of_nothing_writes_nothing(store: Store) -> None:
    assert store.write([]) == 0
    # An empty series only records the range asked: no row written.
    empty = series("A", [], [])
    asked = {"A": (D(2024, 1, 1), D(2024, 1, 5))}
    assert store.write([empty], requested=asked) == 0
    info = store.info("A")
    assert info is not None and (info.first_date, info.last_date) == (None, None)
    assert info.rows == 0  # counted: none (-1 is for "not counted")
    assert (info.covered_from, info.covered_to) == asked["A"]
    with pytest.raises(
        ValueError, match=r"^stored='kept'; expected 'correct' or 'keep'$"
    ):
        store.write([], stored="kept")  # type: ignore[arg-type]


def test_a_symbol_given_twice_is_refused_by_name(store: Store) -> None:
    one = series("A", ["2024-01-02"], [1.0])
    with pytest.raises(BadData, match=r"^A: given twice in one write$"):
        store.write([one, series("B", ["2024-01-02"], [1.0]), one])
    b = series("B", ["2024-01-03"], [2.0])
    with pytest.raises(BadData, match=r"^A, B: given twice in one write$"):
        store.write([b, one, series("C", ["2024-01-02"], [1.0]), one, b, b])
    assert not store.exists() or store.symbols() == []


def test_an_unknown_currency_is_refused_naming_symbol_and_source(store: Store) -> None:
    with pytest.raises(
        BadData, match=r"^A from recorded: unknown currency code 'XYZ'.*ISO 4217"
    ):
        store.write([series("A", ["2024-01-02"], [1.0], currency="XYZ")])
    assert not store.exists() or store.symbols() == []


def test_values_out_of_range_built_by_hand_are_refused(store: Store) -> None:
    # A level series may be negative (GDP growth of -5); a price may not. The
    # frames are built valid, then broken by hand as a caller could.
    gdp = _level("GDP", ["2024-01-01"], [-5.0], frequency="quarterly")
    bad = series("A", ["2024-01-02", "2024-01-03"], [1.0, 2.0])
    bad.frame.iloc[1, bad.frame.columns.get_loc("close")] = -1.0
    with pytest.raises(
        BadData, match=r"^A from recorded: 2024-01-03: close = -1.0 is not a valid"
    ):
        store.write([gdp, bad])
    assert store.symbols() == []
    # The level alone is stored, negative as it is.
    assert store.write([gdp]) == 1
    assert store.read(["GDP"])["close"].tolist() == [-5.0]


def test_updated_at_is_utc_whatever_the_local_zone(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    # Nine hours east of UTC: a local clock would put updated_at 9 h ahead.
    monkeypatch.setenv("TZ", "Etc/GMT-9")
    time.tzset()
    try:
        store.write([series("A", ["2024-01-02"], [1.0])])
    finally:
        monkeypatch.undo()
        time.tzset()
    info = store.info("A")
    assert info is not None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert abs((now - info.updated_at).total_seconds()) < 3600


def test_a_store_file_without_tables_reads_as_empty(store: Store) -> None:
    import duckdb

    store.path.parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(store.path)).close()  # a file, but no prices table
    assert store.read(["A"]).empty and store.symbols() == []
    assert list(store.read(["A"]).columns) == [
        "symbol", "date", "close", "adj_close", "dividend", "split", "currency",
        "source",
    ]  # fmt: skip
    assert store.info("A") is None and store.sources() == {}


def test_missing_ranges_keep_a_single_weekday_at_either_end(store: Store) -> None:
    store.write(
        [series("A", ["2024-01-10"], [1.0])],
        requested={"A": (D(2024, 1, 9), D(2024, 1, 19))},  # Tuesday to Friday
    )
    # Monday 8th alone before; Saturday 20th to Monday 22nd after: one weekday
    # each, so each range is asked for.
    assert store.missing_ranges("A", D(2024, 1, 8), D(2024, 1, 22)) == [
        (D(2024, 1, 8), D(2024, 1, 8)),
        (D(2024, 1, 20), D(2024, 1, 22)),
    ]
    # Saturday 20th and Sunday 21st only: nothing to ask for.
    assert store.missing_ranges("A", D(2024, 1, 9), D(2024, 1, 21)) == []


def test_infos_count_rows_unless_told_not_to(store: Store) -> None:
    store.write(
        [
            RawSeries(
                "A",
                series("A", ["2024-01-02", "2024-01-03"], [1.0, 2.0]).frame,
                "USD",
                "yahoo",
                name="Alpha Inc",
                terms="personal use",
            ),
            series("B", ["2024-01-02"], [1.0]),
        ]
    )
    with store.reading() as reader:
        assert reader is not None
        counted = reader.infos()
        assert [(i.symbol, i.rows, i.name, i.terms) for i in counted] == [
            ("A", 2, "Alpha Inc", "personal use"),
            ("B", 1, "", ""),
        ]
        assert [(i.symbol, i.rows) for i in reader.infos(count=False)] == [
            ("A", -1),
            ("B", -1),
        ]
        assert [i.symbol for i in reader.infos(["B"], count=False)] == ["B"]


# ------------------------------------------------ what a write checks and keeps


def test_sample_rows_never_mix_with_real_ones(store: Store) -> None:
    store.write(
        [series("A", ["2024-01-02", "2024-01-04"], [5.0, 6.0], source="sample")]
    )
    # A real series takes the symbol over whole: every sample row goes, even
    # the 2024-01-04 it does not bring, and its currency may differ.
    store.write([series("A", ["2024-01-03"], [10.0], currency="EUR", source="yahoo")])
    rows = store.read(["A"])
    assert rows[["close", "currency", "source"]].values.tolist() == [
        [10.0, "EUR", "yahoo"]
    ]
    with pytest.raises(
        BadData,
        match=r"^A: the store holds real prices of A; the offline sample never "
        r"mixes with them \(the demo keeps its own store\)$",
    ):
        store.write(
            [series("A", ["2024-01-05"], [1.0], currency="EUR", source="sample")]
        )
    assert len(store.read(["A"])) == 1


def test_a_series_keeps_its_frequency_and_never_mixes_with_prices(store: Store) -> None:
    store.write([_level("CPI", ["2024-01-01"], [300.0], frequency="monthly")])
    with pytest.raises(
        BadData,
        match=r"^CPI: fred gives a quarterly series, but the stored CPI is monthly; "
        r"a series keeps one frequency \(import it under another name\)$",
    ):
        store.write([_level("CPI", ["2024-04-01"], [301.0], frequency="quarterly")])
    with pytest.raises(
        BadData,
        match=r"^CPI: yahoo gives ticker prices, but the stored CPI is a monthly "
        r"economic series; the two never mix$",
    ):
        store.write([series("CPI", ["2024-01-02"], [1.0], source="yahoo")])
    store.write([series("A", ["2024-01-02"], [1.0], source="stooq")])
    with pytest.raises(
        BadData,
        match=r"^A: fred gives a monthly economic series, but the store holds "
        r"ticker prices of A; the two never mix \(import it under another name\)$",
    ):
        store.write([_level("A", ["2024-02-01"], [2.0], frequency="monthly")])
    # Rows a file brought before the series table existed are taken over.
    store.write([series("B", ["2024-01-01"], [3.0], source="file:b.csv")])
    assert store.write([_level("B", ["2024-02-01"], [4.0], frequency="monthly")]) == 1
    assert store.read(["B"])["close"].tolist() == [3.0, 4.0]
    # The same frequency again is simply more rows.
    assert (
        store.write([_level("CPI", ["2024-02-01"], [302.0], frequency="monthly")]) == 1
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("dividend", -0.5, "dividend = -0.5 is not a valid dividend"),
        ("dividend", 2e12, "dividend = 2000000000000.0 is not a valid dividend"),
        ("split", 0.0, "split = 0.0 is not a valid split"),
        ("split", 2e6, "split = 2000000.0 is not a valid split"),
        ("adj_close", 2e12, "adj_close = 2000000000000.0 is not a valid adj_close"),
        ("close", 1e-9, "close = 1e-09 is not a valid close"),
    ],
)
def test_each_column_out_of_its_range_is_refused(
    store: Store, column: str, value: float, message: str
) -> None:
    s = series("A", ["2024-01-02"], [1.0])
    s.frame.iloc[0, s.frame.columns.get_loc(column)] = value
    with pytest.raises(BadData, match=rf"^A from recorded: 2024-01-02: {message}"):
        store.write([s])


def test_values_on_their_bounds_and_a_missing_close_are_stored(store: Store) -> None:
    # The ranges' ends themselves (base.py: prices 1e-8..1e12, dividends up
    # to 1e12, splits 1e-6..1e6), and a close absent beside its adj close.
    s = series("A", ["2024-01-02", "2024-01-03", "2024-01-04"], [1e-8, 1e12, 1.0])
    f = s.frame
    f.iloc[0, f.columns.get_loc("dividend")] = 1e12
    f.iloc[0, f.columns.get_loc("split")] = 1e-6
    f.iloc[1, f.columns.get_loc("split")] = 1e6
    f.iloc[2, f.columns.get_loc("close")] = np.nan
    assert store.write([s]) == 3
    rows = store.read(["A"])
    np.testing.assert_array_equal(rows["close"], [1e-8, 1e12, np.nan])
    np.testing.assert_array_equal(rows["split"], [1e-6, 1e6, 1.0])
    np.testing.assert_array_equal(rows["dividend"], [1e12, 0.0, 0.0])
    # A level may reach -1e12.
    assert store.write([_level("L", ["2024-01-01"], [-1e12], frequency="monthly")]) == 1


def test_rows_carry_their_own_symbol_currency_source_and_the_write_time(
    store: Store,
) -> None:
    import duckdb

    store.write(
        [
            series("A", ["2024-01-02", "2024-01-03"], [1.0, 2.0], source="stooq"),
            series("B", ["2024-01-02"], [3.0], currency="EUR", dividend=[0.5]),
        ]
    )
    rows = store.read(["A", "B"])
    assert rows[["symbol", "currency", "source"]].values.tolist() == [
        ["A", "USD", "stooq"],
        ["A", "USD", "stooq"],
        ["B", "EUR", "recorded"],
    ]
    assert rows["dividend"].tolist() == [0.0, 0.0, 0.5]
    con = duckdb.connect(str(store.path), read_only=True)
    try:
        # Every row of one write is stamped with the symbols' updated_at.
        stamps = con.execute(
            "SELECT DISTINCT p.fetched_at = s.updated_at FROM prices p "
            "JOIN symbols s USING (symbol)"
        ).fetchall()
    finally:
        con.close()
    assert stamps == [(True,)]


def test_the_covered_range_only_grows(store: Store) -> None:
    def covered() -> tuple[object, ...]:
        info = store.info("A")
        assert info is not None
        return info.covered_from, info.covered_to, info.first_date, info.last_date

    store.write(
        [series("A", ["2024-01-10"], [1.0])],
        requested={"A": (D(2024, 1, 8), D(2024, 1, 19))},
    )
    assert covered() == (D(2024, 1, 8), D(2024, 1, 19), D(2024, 1, 10), D(2024, 1, 10))
    # Asked earlier: the start moves back, the end stays.
    store.write(
        [series("A", ["2024-01-03"], [1.0])],
        requested={"A": (D(2024, 1, 1), D(2024, 1, 10))},
    )
    assert covered() == (D(2024, 1, 1), D(2024, 1, 19), D(2024, 1, 3), D(2024, 1, 10))
    # No range given: the series' own first and last days, merged the same way.
    store.write([series("A", ["2024-01-12", "2024-01-31"], [1.0, 2.0])])
    assert covered() == (D(2024, 1, 1), D(2024, 1, 31), D(2024, 1, 3), D(2024, 1, 31))
    # An empty answer with no range changes no bound.
    store.write([series("A", [], [])])
    assert covered() == (D(2024, 1, 1), D(2024, 1, 31), D(2024, 1, 3), D(2024, 1, 31))


def test_a_new_write_updates_source_name_and_terms(store: Store) -> None:
    frame = series("A", ["2024-01-02"], [1.0]).frame
    store.write([RawSeries("A", frame, "USD", "yahoo", name="Old", terms="t1")])
    store.write([RawSeries("A", frame, "USD", "stooq", name="New", terms="t2")])
    info = store.info("A")
    assert info is not None
    assert (info.source, info.name, info.terms, info.rows) == ("stooq", "New", "t2", 1)


def test_a_first_write_without_a_range_covers_its_own_days(store: Store) -> None:
    store.write([series("A", ["2024-01-02", "2024-01-05"], [1.0, 2.0])])
    info = store.info("A")
    assert info is not None
    assert (info.covered_from, info.covered_to) == (D(2024, 1, 2), D(2024, 1, 5))


# ------------------------------------------------------- delete_days, by hand
# A: five weekdays, 2024-01-02 (Tue) .. 01-05 (Fri) and 01-08 (Mon), asked for
# 2024-01-01 .. 01-10; B: two days, the control that no delete may touch.
# Every count and bound below is read off these rows by hand.

_A_DAYS = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]


def _five_days(store: Store) -> bytes:
    store.write(
        [
            series("A", _A_DAYS, [10.0, 11.0, 12.0, 13.0, 14.0]),
            series("B", ["2024-01-02", "2024-01-03"], [20.0, 21.0]),
        ],
        requested={"A": (D(2024, 1, 1), D(2024, 1, 10))},
    )
    return _rows_of(store, "B")


def _rows_of(store: Store, symbol: str) -> bytes:
    # Every column of the symbol's prices and symbols rows, updated_at included.
    import duckdb

    con = duckdb.connect(str(store.path), read_only=True)
    try:
        got = [
            con.execute(
                f"SELECT * FROM {table} WHERE symbol = ? ORDER BY ALL", [symbol]
            ).fetchall()
            for table in ("prices", "symbols", "series")
        ]
    finally:
        con.close()
    return repr(got).encode()


def _bounds(store: Store, symbol: str = "A") -> tuple[object, ...]:
    info = store.info(symbol)
    assert info is not None
    return (
        info.first_date,
        info.last_date,
        info.covered_from,
        info.covered_to,
        info.rows,
    )


def _days(store: Store, symbol: str = "A") -> list[str]:
    return store.read([symbol])["date"].dt.strftime("%m-%d").tolist()


def test_delete_days_in_the_middle_ends_the_covered_range_before_them(
    store: Store,
) -> None:
    b_before = _five_days(store)
    stamp = store.info("A").updated_at  # type: ignore[union-attr]
    # 01-04 and 01-05 go (both bounds included): 2 rows; 02, 03, 08 stay, so
    # first/last are 01-02/01-08. The start (01-01) lies before the deleted
    # days and stays; the end becomes least(01-10, 01-04 - 1 day) = 01-03.
    assert store.delete_days("A", D(2024, 1, 4), D(2024, 1, 5)) == 2
    assert _days(store) == ["01-02", "01-03", "01-08"]
    assert store.read(["A"])["close"].tolist() == [10.0, 11.0, 14.0]
    assert _bounds(store) == (D(2024, 1, 2), D(2024, 1, 8), D(2024, 1, 1),
                              D(2024, 1, 3), 3)  # fmt: skip
    assert store.info("A").updated_at > stamp  # type: ignore[union-attr]
    assert _rows_of(store, "B") == b_before
    # A later fetch of the asked range asks again from the first deleted day
    # (01-08 is stored but past the covered end: fetched again, kept as is).
    assert store.missing_ranges("A", D(2024, 1, 1), D(2024, 1, 10)) == [
        (D(2024, 1, 4), D(2024, 1, 10))
    ]


def test_delete_days_of_one_day(store: Store) -> None:
    _five_days(store)
    # start == end: exactly that day (01-04) goes; the end becomes 01-03.
    assert store.delete_days("A", D(2024, 1, 4), D(2024, 1, 4)) == 1
    assert _days(store) == ["01-02", "01-03", "01-05", "01-08"]
    assert _bounds(store) == (D(2024, 1, 2), D(2024, 1, 8), D(2024, 1, 1),
                              D(2024, 1, 3), 4)  # fmt: skip


def test_delete_days_from_the_start_moves_the_covered_start_after_them(
    store: Store,
) -> None:
    b_before = _five_days(store)
    # No start: every day up to 01-03 goes (02, 03: 2 rows). The covered
    # start (01-01) lies in the deleted range, so it becomes 01-03 + 1 day =
    # 01-04, and the covered end (01-10) stays.
    assert store.delete_days("A", None, D(2024, 1, 3)) == 2
    assert _days(store) == ["01-04", "01-05", "01-08"]
    assert _bounds(store) == (D(2024, 1, 4), D(2024, 1, 8), D(2024, 1, 4),
                              D(2024, 1, 10), 3)  # fmt: skip
    assert store.missing_ranges("A", D(2024, 1, 1), D(2024, 1, 10)) == [
        (D(2024, 1, 1), D(2024, 1, 3))
    ]
    assert _rows_of(store, "B") == b_before


def test_delete_days_from_the_covered_start_itself(store: Store) -> None:
    _five_days(store)
    # start == covered_from (01-01): the covered start is in the range
    # (">=", not ">"), so it moves to 01-04 and the end stays 01-10. Were it
    # not, the end would become least(01-10, 12-31) = 01-10 but the start stay
    # 01-01, asking nothing again.
    assert store.delete_days("A", D(2024, 1, 1), D(2024, 1, 3)) == 2
    assert _bounds(store) == (D(2024, 1, 4), D(2024, 1, 8), D(2024, 1, 4),
                              D(2024, 1, 10), 3)  # fmt: skip


def test_delete_days_to_the_end_ends_the_covered_range_before_them(
    store: Store,
) -> None:
    b_before = _five_days(store)
    # No end: 01-05 and 01-08 go (2 rows); 02..04 stay. The covered start
    # (01-01) is before 01-05 and stays; the end becomes least(01-10, 01-04).
    assert store.delete_days("A", D(2024, 1, 5)) == 2
    assert _days(store) == ["01-02", "01-03", "01-04"]
    assert _bounds(store) == (D(2024, 1, 2), D(2024, 1, 4), D(2024, 1, 1),
                              D(2024, 1, 4), 3)  # fmt: skip
    assert store.missing_ranges("A", D(2024, 1, 1), D(2024, 1, 10)) == [
        (D(2024, 1, 5), D(2024, 1, 10))
    ]
    assert _rows_of(store, "B") == b_before


def test_delete_days_keeps_a_covered_end_already_before_them(store: Store) -> None:
    # Asked only to 01-05, yet 01-08 stored (a file brings more than asked):
    # deleting 01-08 gives least(01-05, 01-07) = 01-05, the end it had.
    store.write(
        [series("A", _A_DAYS, [10.0, 11.0, 12.0, 13.0, 14.0])],
        requested={"A": (D(2024, 1, 1), D(2024, 1, 5))},
    )
    assert _bounds(store)[2:4] == (D(2024, 1, 1), D(2024, 1, 5))
    assert store.delete_days("A", D(2024, 1, 8)) == 1
    assert _bounds(store) == (D(2024, 1, 2), D(2024, 1, 5), D(2024, 1, 1),
                              D(2024, 1, 5), 4)  # fmt: skip


def test_delete_days_of_every_day_removes_the_symbol_and_its_series_row(
    store: Store,
) -> None:
    # The first storable day (1800-01-01) and a late one: no bound reaches both.
    store.write([_level("L", ["1800-01-01", "2024-01-01"], [1.0, 2.0],
                        frequency="monthly", unit="index")])  # fmt: skip
    b_before = _five_days(store)
    assert store.delete_days("L") == 2
    assert store.info("L") is None and store.read(["L"]).empty
    with store.reading() as reader:
        assert reader is not None and reader.series_meta() == {}
    # Its series row went too: L may now come back as ticker prices, which a
    # stored monthly series would refuse ("the two never mix").
    assert store.write([series("L", ["2024-01-02"], [5.0])]) == 1
    assert _rows_of(store, "B") == b_before
    assert [i.symbol for i in store.symbols()] == ["A", "B", "L"]


def test_delete_days_of_every_day_of_a_ticker(store: Store) -> None:
    b_before = _five_days(store)
    assert store.delete_days("A", D(2024, 1, 2), D(2024, 1, 8)) == 5
    assert store.info("A") is None
    assert _rows_of(store, "A") == repr([[], [], []]).encode()
    assert _rows_of(store, "B") == b_before


def test_delete_days_of_no_stored_day_changes_nothing(store: Store) -> None:
    _five_days(store)
    before = dump(store.path)
    # 01-06..01-07 is a weekend between stored days; C is not stored at all.
    assert store.delete_days("A", D(2024, 1, 6), D(2024, 1, 7)) == 0
    assert store.delete_days("C") == 0
    assert dump(store.path) == before  # updated_at untouched too


def test_a_delete_failing_half_way_leaves_every_table_as_before(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    _five_days(store)
    before = dump(store.path)
    real = duckdb.DuckDBPyConnection.execute

    # The rows are already deleted inside the transaction when the update of
    # the symbol's dates fails: only the rollback brings them back.
    def execute(con: object, query: str, *args: object) -> object:
        if query.startswith("UPDATE symbols"):
            raise duckdb.IOException("write failed: no space left on device")
        return real(con, query, *args)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(duckdb.DuckDBPyConnection, "execute", execute)
        with pytest.raises(
            StoreError,
            match=r"^deleting from .*store\.duckdb failed: write failed: "
            r"no space left on device$",
        ) as caught:
            store.delete_days("A", D(2024, 1, 4))
    assert isinstance(caught.value.__cause__, duckdb.IOException)  # kept as cause
    assert dump(store.path) == before

    # Any other exception rolls back as well and goes on unchanged.
    def interrupted(con: object, query: str, *args: object) -> object:
        if query.startswith("UPDATE symbols"):
            raise KeyboardInterrupt
        return real(con, query, *args)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(duckdb.DuckDBPyConnection, "execute", interrupted)
        with pytest.raises(KeyboardInterrupt):
            store.delete_days("A", D(2024, 1, 4))
    assert dump(store.path) == before
    # And the same delete then goes through (so the failure was mid-delete).
    assert store.delete_days("A", D(2024, 1, 4)) == 3


def test_a_sample_take_over_still_checks_the_next_series(store: Store) -> None:
    # A holds sample rows, B real USD rows. One write brings real A (taking
    # the sample over) and B in EUR: B's currency change is still refused,
    # and nothing of the write is kept (A's sample rows stay).
    store.write([series("A", ["2024-01-02"], [5.0], source="sample")])
    store.write([series("B", ["2024-01-02"], [7.0], source="yahoo")])
    before = dump(store.path)
    with pytest.raises(BadData, match=r"^B: yahoo gives prices in EUR, but the stored"):
        store.write(
            [
                series("A", ["2024-01-03"], [10.0], source="yahoo"),
                series("B", ["2024-01-03"], [8.0], currency="EUR", source="yahoo"),
            ]
        )
    assert dump(store.path) == before


def test_reads_never_ask_for_write_access(store: Store) -> None:
    import duckdb

    # A read-only connection of this process holds the file: DuckDB refuses a
    # writing connection beside it ("different configuration"), so a read that
    # asked for write access would wait 0.3 s and fail. Every read goes.
    store.write([series("A", ["2024-01-02"], [1.0])])
    held = duckdb.connect(str(store.path), read_only=True)
    try:
        quick = Store(store.path, busy_timeout=0.3)
        assert quick.read(["A"])["close"].tolist() == [1.0]
        assert [i.symbol for i in quick.symbols()] == ["A"]
        with quick.reading() as reader:
            assert reader is not None and reader.series_meta() == {}
        # ...while a write does wait for it, and says so.
        with pytest.raises(StoreError, match=r"^store busy: .* for 0\.3 s; try again"):
            quick.delete_days("A")
    finally:
        held.close()


def test_a_file_that_is_no_store_is_one_line_naming_it(store: Store) -> None:
    import duckdb

    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(b"date,close\n2024-01-02,1\n" * 200)  # a CSV, say
    with pytest.raises(
        StoreError, match=rf"^cannot open the store {store.path}: .+"
    ) as caught:
        store.symbols()
    assert isinstance(caught.value.__cause__, duckdb.Error)
