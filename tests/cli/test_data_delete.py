"""``piefolio data delete``: says what goes, deletes only with --force, at once.

The store is built here from two small files (AAA on 5 weekdays, BBB on 3), so
every count below is counted by hand from them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from piefolio.data.store import Store

from .conftest import Invoke, snapshot, write_csv

AAA = """
date,ticker,close
2024-01-02,AAA,10
2024-01-03,AAA,11
2024-01-04,AAA,12
2024-01-05,AAA,13
2024-01-08,AAA,14
"""
BBB = """
date,ticker,close
2024-01-02,BBB,20
2024-01-03,BBB,21
2024-01-04,BBB,22
"""


@pytest.fixture
def home(piefolio: Invoke, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for name, text in (("aaa.csv", AAA), ("bbb.csv", BBB)):
        ran = piefolio("data", "import", str(write_csv(tmp_path / name, text)))
        assert ran.code == 0, ran.output
    return home


def store_file(home: Path) -> Path:
    return home / "store.duckdb"


def rows_of(home: Path, symbol: str) -> list[tuple[object, ...]]:
    return [r for r in snapshot(store_file(home))["prices"] if r[0] == symbol]


REFUSALS = [
    # Without --force: what would go, exactly, and nothing goes (exit 2).
    (("AAA",), 2, "Would delete 5 of the 5 rows stored of AAA (USD; 2024-01-02 to "
     "2024-01-08; source file:aaa.csv): every stored day, so AAA would leave the "
     "store"),
    (("AAA", "--from", "2024-01-04"), 2, "Would delete 3 of the 5 rows stored of "
     "AAA (USD; 2024-01-04 to 2024-01-08; source file:aaa.csv); 2 rows would stay."),
    (("aaa", "--to", "2024-01-02"), 2, "Would delete 1 of the 5 rows stored of AAA "
     "(USD; 2024-01-02 to 2024-01-02; source file:aaa.csv); 4 rows would stay."),
    (("AAA", "--from", "2024-02-01", "--force"), 3,
     "error: AAA has no stored day from 2024-02-01 to its last day (it holds "
     "2024-01-02 to 2024-01-08); nothing to delete"),
    (("ZZZ", "--force"), 3, "error: ZZZ is not in the store"),
    (("AAA", "--from", "2024-01-05", "--to", "2024-01-03", "--force"), 2,
     "error: --from 2024-01-05 is after --to 2024-01-03; expected --from on or "
     "before --to"),
    (("AAA", "--to", "soon", "--force"), 2, "error: --to 'soon' is not a date"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), REFUSALS)
def test_a_refusal_says_why_and_leaves_the_store_as_it_was(
    piefolio: Invoke, home: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before, raw = snapshot(store_file(home)), store_file(home).read_bytes()
    ran = piefolio("data", "delete", *args)
    assert ran.code == code, ran.output
    assert message in " ".join(ran.output.split())
    if code == 2 and "Would delete" in message:
        assert "error: nothing deleted; add --force to delete these rows" in ran.output
    assert snapshot(store_file(home)) == before  # every column of every row
    assert store_file(home).read_bytes() == raw  # not even opened for writing


def test_without_a_store_nothing_is_created(piefolio: Invoke, tmp_path: Path) -> None:
    ran = piefolio("data", "delete", "AAA", "--force")
    assert ran.code == 3 and "AAA is not in the store" in ran.output
    assert not (tmp_path / "home").exists()


def test_force_deletes_the_days_asked_and_nothing_else(
    piefolio: Invoke, home: Path
) -> None:
    before = snapshot(store_file(home))
    ran = piefolio("data", "delete", "AAA", "--from", "2024-01-04", "--force")
    assert ran.code == 0, ran.output
    assert "Deleted 3 rows of AAA (USD; 2024-01-04 to 2024-01-08" in ran.output
    assert "2 rows left." in ran.output
    after = snapshot(store_file(home))
    # The 2 days before --from stay exactly as they were; BBB is untouched.
    kept = [r for r in before["prices"] if r[0] == "BBB" or r[1] < dt.date(2024, 1, 4)]
    assert after["prices"] == kept
    store = Store(store_file(home))
    info = store.info("AAA")
    assert info is not None and info.rows == 2
    assert (info.first_date, info.last_date) == (
        dt.date(2024, 1, 2),
        dt.date(2024, 1, 3),
    )
    # The deleted days count as never asked for: a fetch asks for them again.
    assert info.covered_to == dt.date(2024, 1, 3)
    assert store.missing_ranges("AAA", dt.date(2024, 1, 2), dt.date(2024, 1, 8)) == [
        (dt.date(2024, 1, 4), dt.date(2024, 1, 8))
    ]
    assert [r for r in after["symbols"] if r[0] == "BBB"] == [
        r for r in before["symbols"] if r[0] == "BBB"
    ]


def test_force_on_the_first_days_moves_the_start(piefolio: Invoke, home: Path) -> None:
    ran = piefolio("data", "delete", "AAA", "--to", "2024-01-03", "--force")
    assert ran.code == 0, ran.output
    info = Store(store_file(home)).info("AAA")
    assert info is not None and info.rows == 3
    assert (info.first_date, info.covered_from) == (dt.date(2024, 1, 4),) * 2
    assert info.covered_to == dt.date(2024, 1, 8)


def test_force_on_every_day_removes_the_symbol(piefolio: Invoke, home: Path) -> None:
    bbb = rows_of(home, "BBB")
    ran = piefolio("data", "delete", "AAA", "--force")
    assert ran.code == 0, ran.output
    assert "no day is left, so AAA left the store" in " ".join(ran.output.split())
    after = snapshot(store_file(home))
    assert [r[0] for r in after["symbols"]] == ["BBB"]
    assert rows_of(home, "AAA") == [] and rows_of(home, "BBB") == bbb
    listed = piefolio("data", "list")
    assert "AAA" not in listed.output and "BBB" in listed.output


def test_a_failure_inside_the_delete_keeps_every_row(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    before = snapshot(store_file(home))
    real = duckdb.DuckDBPyConnection.execute

    class Broken(Exception):
        pass

    # The rows are already deleted inside the transaction when the update of
    # the symbol's dates fails: the rollback must bring them back.
    def execute(con: object, query: str, *args: object) -> object:
        if query.startswith("UPDATE symbols"):
            raise Broken
        return real(con, query, *args)  # type: ignore[arg-type]

    store = Store(store_file(home))
    with monkeypatch.context() as patch:
        patch.setattr(duckdb.DuckDBPyConnection, "execute", execute)
        with pytest.raises(Broken):
            store.delete_days("AAA", dt.date(2024, 1, 4))
    assert snapshot(store_file(home)) == before
