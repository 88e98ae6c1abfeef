"""Issue 13: every bad file or option of ``piefolio data`` is refused whole.

A store holding real rows first; each bad input then must exit 2 (bad input)
with one line naming the file (or option), the line and the value, and leave
every row of the store's tables exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run, snapshot, write_csv

GOOD = "date,ticker,close\n2024-01-02,CVX,150\n2024-01-03,CVX,151\n"

# (case, file text, what the message must hold); the bad line comes after good
# ones wherever it can, so a partial write would show in the snapshot.
BAD_FILES = [
    (
        "inf",
        "date,ticker,close\n2024-01-04,CVX,1\n2024-01-05,CVX,inf\n",
        "line 3, column 'close': price inf",
    ),
    (
        "1e308",
        "date,ticker,close\n2024-01-04,CVX,1\n2024-01-05,CVX,1e308\n",
        "line 3, column 'close': price 1e308",
    ),
    (
        "1e-300",
        "date,ticker,close\n2024-01-04,CVX,1\n2024-01-05,CVX,1e-300\n",
        "line 3, column 'close': price 1e-300",
    ),
    (
        "negative close",
        "date,ticker,close\n2024-01-04,CVX,1\n2024-01-05,CVX,-5\n",
        "line 3, column 'close': price -5",
    ),
    (
        "negative dividend",
        "date,ticker,close,dividend\n2024-01-04,CVX,1,0\n2024-01-05,CVX,1,-1\n",
        "line 3, column 'dividend': dividend -1",
    ),
    (
        "split of -2",
        "date,ticker,close,split\n2024-01-04,CVX,1,1\n2024-01-05,CVX,1,-2\n",
        "line 3, column 'split': split -2",
    ),
    (
        "duplicate date",
        "date,ticker,close\n2024-01-04,CVX,1\n2024-01-04,CVX,2\n",
        "line 3: duplicate date 2024-01-04",
    ),
    (
        "ZZZ currency",
        "date,ticker,close,currency\n2024-01-04,CVX,1,USD\n2024-01-04,XOM,1,ZZZ\n",
        "line 3, column 'currency': unknown currency code 'ZZZ'",
    ),
    (
        "year 1850",
        "date,ticker,close\n2024-01-04,CVX,1\n1850-01-05,CVX,1\n",
        "line 3, column 'date': '1850-01-05' is outside",
    ),
    (
        "year 2250",
        "date,ticker,close\n2024-01-04,CVX,1\n2250-01-05,CVX,1\n",
        "line 3, column 'date': '2250-01-05' is outside",
    ),
    (
        "mixed zones",
        "date,ticker,close\n2024-01-04T00:00+01:00,CVX,1\n2024-01-05T00:00-05:00,CVX,1\n",
        "line 3, column 'date'",
    ),
    (
        "ragged long",
        "date,ticker,close\n2024-01-04,CVX,1\n2024-01-05,CVX,1,9\n",
        "line 3: 4 fields",
    ),
    (
        "ragged short",
        "date,CVX,XOM\n2024-01-04,1,1\n2024-01-05,1\n",
        "line 3: 2 fields",
    ),
    (
        "not a date",
        "date,ticker,close\n2024-01-04,CVX,1\nsoon,CVX,1\n",
        "line 3, column 'date': 'soon' is not a date",
    ),
    ("no rows", "date,ticker,close\n", "has a header but no rows"),
    ("binary", "\x00\x01\x02", "no 'date' column"),
]


@pytest.fixture
def stored(tmp_path: Path, piefolio_home: Path) -> dict[str, list[tuple[object, ...]]]:
    code, out = run("data", "import", str(write_csv(tmp_path / "good.csv", GOOD)))
    assert code == 0, out
    return snapshot(piefolio_home / "store.duckdb")


@pytest.mark.parametrize(
    ("case", "text", "says"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_exits_2_names_the_line_and_changes_nothing(
    tmp_path: Path, piefolio_home: Path, stored: dict, case: str, text: str, says: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    code, out = run("data", "import", str(path))
    assert code == 2, out
    assert "bad.csv" in out and says in out, out
    assert len(out.strip().splitlines()) == 1, out
    assert snapshot(piefolio_home / "store.duckdb") == stored


BAD_OPTIONS = [
    (
        ("data", "import", "{good}", "--currency", "EURO"),
        "unknown currency code 'EURO'",
    ),
    (("data", "import", "{good}", "--currency", "ZZZ"), "unknown currency code 'ZZZ'"),
    (("data", "import", "{missing}"), "no such file"),
    (("data", "import", "{folder}"), "not a file"),
    (
        ("data", "fetch", "CVX", "--start", "notadate"),
        "--start 'notadate' is not a date",
    ),
    (
        ("data", "fetch", "CVX", "--end", "2024-02-30"),
        "--end '2024-02-30' is not a date",
    ),
    (
        ("data", "fetch", "CVX", "--start", "1066-10-14"),
        "--start '1066-10-14' is outside",
    ),
    (
        ("data", "fetch", "CVX", "--start", "2024-02-01", "--end", "2024-01-01"),
        "is after --end",
    ),
    (("data", "fetch", "CVX", "--provider", "nasdaq"), "unknown provider 'nasdaq'"),
]


@pytest.mark.parametrize(
    ("args", "says"), BAD_OPTIONS, ids=[" ".join(a[1:4]) for a, _ in BAD_OPTIONS]
)
def test_a_bad_option_exits_2_and_changes_nothing(
    tmp_path: Path, piefolio_home: Path, stored: dict, args: tuple[str, ...], says: str
) -> None:
    good = write_csv(tmp_path / "other.csv", "date,ticker,close\n2024-01-04,CVX,152\n")
    filled = [
        a.format(good=good, missing=tmp_path / "nope.csv", folder=tmp_path)
        for a in args
    ]
    code, out = run(*filled)
    assert code == 2, out
    assert says in out, out
    assert snapshot(piefolio_home / "store.duckdb") == stored


def test_a_currency_change_by_import_is_refused(
    tmp_path: Path, piefolio_home: Path, stored: dict
) -> None:
    path = write_csv(tmp_path / "eur.csv", "date,ticker,close\n2024-01-04,CVX,140\n")
    code, out = run("data", "import", str(path), "--currency", "EUR")
    assert code == 2 and "in EUR, but the stored prices of CVX are in USD" in out, out
    assert snapshot(piefolio_home / "store.duckdb") == stored
