"""Import of user files: good shapes, and a clear error for each malformed input.

Each bad-file case asserts that the message names the file and the problem (and
the line or column), and — through the CLI — that nothing was written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from piefolio.cli import app
from piefolio.data.providers.files import FilesProvider, read_prices_file
from piefolio.data.store import Store
from piefolio.errors import DataError

GOOD_LONG = """date,ticker,close,adj_close
2024-01-02,CVX,150.12,146.0
2024-01-03,CVX,149.47,145.4
2024-01-02,XOM,100.5,98.0
2024-01-03,XOM,101.5,99.0
"""


def write(tmp_path: Path, text: str, name: str = "prices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_long_file(tmp_path: Path) -> None:
    out = read_prices_file(write(tmp_path, GOOD_LONG), currency="eur".upper())
    assert [s.symbol for s in out] == ["CVX", "XOM"]
    assert out[0].frame["adj_close"].tolist() == [146.0, 145.4]
    assert out[0].currency == "EUR" and out[0].source == "file:prices.csv"


def test_long_adj_close_only_and_date_sorted_file(tmp_path: Path) -> None:
    text = (
        "Date,Symbol,Adj Close\n2024-01-02,CVX,1\n2024-01-02,XOM,2\n2024-01-03,CVX,3\n"
    )
    out = read_prices_file(write(tmp_path, text))
    assert out[0].frame["adj_close"].tolist() == [1.0, 3.0]
    assert out[0].frame["close"].isna().all()


def test_wide_file_with_empty_cells(tmp_path: Path) -> None:
    text = "date,CVX,GEV,EURUSD\n2024-01-02,150,,1.09\n2024-01-03,149,120,\n"
    out = {s.symbol: s for s in read_prices_file(write(tmp_path, text))}
    assert len(out["GEV"].frame) == 1 and len(out["CVX"].frame) == 2
    assert out["EURUSD=X"].currency == "USD"  # the fixture's DEXUSEU column


def test_fred_file_maps_fx_series(tmp_path: Path) -> None:
    text = (
        "date,series,value\n2024-01-02,DEXUSEU,1.0956\n2024-01-03,DEXUSEU,.\n"
        "2024-01-02,DCOILWTICO,70.4\n"
    )
    out = {s.symbol: s for s in read_prices_file(write(tmp_path, text))}
    assert out["EURUSD=X"].currency == "USD" and len(out["EURUSD=X"].frame) == 1
    assert "DCOILWTICO" in out


def test_parquet_file(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
            "ticker": ["CVX", "CVX"],
            "close": [1.0, 2.0],
        }
    )
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    (s,) = read_prices_file(path)
    assert s.frame["close"].tolist() == [1.0, 2.0]


def test_only_selects_series(tmp_path: Path) -> None:
    # An FX rate is a price: a negative one is refused; WTI crude's real
    # -36.98 of 2020-04-20 is a value of an economic series, which may be < 0.
    text = (
        "date,series,value\n2024-01-02,DEXUSEU,1.1\n2020-04-20,DEXUSUK,-1.25\n"
        "2020-04-20,DCOILWTICO,-36.98\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(
        DataError, match=r"line 3, column 'value': price -1\.25 is not positive"
    ):
        read_prices_file(path)
    (s,) = read_prices_file(path, only=["DEXUSEU"])
    assert s.symbol == "EURUSD=X"
    (oil,) = read_prices_file(path, only=["DCOILWTICO"])
    assert oil.frequency == "daily" and oil.frame["close"].tolist() == [-36.98]


def test_files_provider(tmp_path: Path) -> None:
    import datetime as dt

    p = FilesProvider(write(tmp_path, GOOD_LONG))
    assert p.supports("CVX") and not p.supports("BE")
    (s,) = p.fetch(["XOM"], dt.date(2024, 1, 3), dt.date(2024, 1, 3))
    assert s.frame["close"].tolist() == [101.5]


BAD = [
    (
        "missing date column",
        "day,ticker,close\n2024-01-02,CVX,1\n",
        r"no 'date' column",
    ),
    (
        "unknown column",
        "date,ticker,close,colour\n2024-01-02,CVX,1,red\n",
        r"unknown column\(s\) \['colour'\]",
    ),
    (
        "no price column",
        "date,ticker,volume\n2024-01-02,CVX,100\n",
        r"needs a 'close' or an 'adj_close'",
    ),
    (
        "long without ticker",
        "date,close\n2024-01-02,1\n",
        r"'close' looks like a long file but 'ticker' is missing",
    ),
    (
        "unparsable date",
        "date,ticker,close\n2024-01-02,CVX,1\n2024-13-45,CVX,2\n",
        r"line 3, column 'date': '2024-13-45' is not a date; expected YYYY-MM-DD",
    ),
    (
        "duplicate date",
        "date,ticker,close\n2024-01-02,CVX,1\n2024-01-03,CVX,2\n2024-01-03,CVX,2\n",
        r"line 4: duplicate date 2024-01-03 for CVX \(first on line 3\)",
    ),
    (
        "unsorted rows",
        "date,ticker,close\n2024-01-03,CVX,1\n2024-01-02,CVX,2\n",
        r"line 3: rows are not sorted",
    ),
    (
        "zero price",
        "date,ticker,close\n2024-01-02,CVX,1\n2024-01-03,CVX,0\n",
        r"line 3, column 'close': price 0 is not positive",
    ),
    (
        "negative price",
        "date,AAA\n2024-01-02,-5\n",
        r"line 2, column 'AAA': price -5 is not positive",
    ),
    (
        "non-numeric price",
        "date,ticker,close\n2024-01-02,CVX,1O2.5\n",
        r"line 2, column 'close': '1O2.5' is not a number",
    ),
    (
        "missing price in a long file",
        "date,ticker,close\n2024-01-02,CVX,\n",
        r"line 2, column 'close': '' is not a number",
    ),
    (
        "bad ticker",
        "date,ticker,close\n2024-01-02,C V X,1\n",
        r"'C V X' is not a ticker",
    ),
    ("empty file", "date,ticker,close\n", r"has a header but no rows"),
    (
        "duplicate column",
        "date,CVX,CVX\n2024-01-02,1,2\n",
        r"column\(s\) \['CVX'\] appear more than once",
    ),
    # Issue 13: values that used to get in.
    (
        "infinite price",
        "date,ticker,close\n2024-01-02,CVX,1\n2024-01-03,CVX,inf\n",
        r"line 3, column 'close': price inf is not finite",
    ),
    (
        "huge price",
        "date,ticker,close\n2024-01-02,CVX,1\n2024-01-03,CVX,1e308\n",
        r"line 3, column 'close': price 1e308 is outside 1e-08\.\.1e\+12",
    ),
    (
        "tiny price",
        "date,ticker,adj_close\n2024-01-02,CVX,1\n2024-01-03,CVX,1e-300\n",
        r"line 3, column 'adj_close': price 1e-300 is outside",
    ),
    (
        "text in a wide file",
        "date,AAA,BBB\n2024-01-02,1,2\n2024-01-03,1,n/a\n",
        r"line 3, column 'BBB': 'n/a' is not a number",
    ),
    (
        "infinite price in a wide file",
        "date,AAA,BBB\n2024-01-02,1,2\n2024-01-03,1,-inf\n",
        r"line 3, column 'BBB': price -inf is not finite",
    ),
    (
        "infinite value in a FRED file",
        "date,series,value\n2024-01-02,DEXUSEU,1.1\n2024-01-03,DEXUSEU,inf\n",
        r"line 3, column 'value': price inf is not finite",
    ),
    (
        "negative dividend",
        "date,ticker,close,dividend\n2024-01-02,CVX,1,0\n2024-01-03,CVX,1,-0.5\n",
        r"line 3, column 'dividend': dividend -0.5 is negative",
    ),
    (
        "negative split",
        "date,ticker,close,split\n2024-01-02,CVX,1,0\n2024-01-03,CVX,1,-2\n",
        r"line 3, column 'split': split -2 is negative",
    ),
    (
        "date before 1900",
        "date,ticker,close\n2024-01-02,CVX,1\n1850-01-03,CVX,1\n",
        r"line 3, column 'date': '1850-01-03' is outside 1900\.\.2199",
    ),
    (
        "date after 2199",
        "date,ticker,close\n2024-01-02,CVX,1\n2250-01-03,CVX,1\n",
        r"line 3, column 'date': '2250-01-03' is outside 1900\.\.2199",
    ),
    (
        "mixed time zones",
        "date,ticker,close\n2024-01-02T00:00:00+01:00,CVX,1\n"
        "2024-01-03T00:00:00+05:00,CVX,1\n",
        r"line 3, column 'date': '2024-01-03T00:00:00\+05:00' is in another time zone "
        r"than line 2",
    ),
    (
        "long row",
        "date,ticker,close\n2024-01-02,CVX,1\n2024-01-03,CVX,2,3\n",
        r"line 3: 4 fields, but the header has 3",
    ),
    (
        "short row",
        "date,AAA,BBB\n2024-01-02,1,2\n2024-01-03,1\n",
        r"line 3: 2 fields, but the header has 3",
    ),
    ("no bytes at all", "", r"is empty; expected 'date,ticker,close"),
    ("only blank lines", "\n\n", r"is empty; expected"),
    (
        "semicolons of a comma-decimal spreadsheet",
        "DATE;CPIX\n2020-01-01;1,0\n2020-02-01;2,0\n",
        r"line 1 is separated by ';'; expected a CSV file separated by ','",
    ),
    (
        "unknown currency",
        "date,ticker,close,currency\n2024-01-02,CVX,1,USD\n2024-01-02,XOM,1,ZZZ\n",
        r"line 3, column 'currency': unknown currency code 'ZZZ'",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_is_refused_and_nothing_written(
    tmp_path: Path, case: str, text: str, message: str
) -> None:
    # Good rows come before the bad one where they can: a partial write would
    # leave them in the store.
    path = write(tmp_path, text, name="bad-prices.csv")
    with pytest.raises(DataError, match=message) as info:
        read_prices_file(path)
    assert str(path) in str(info.value)
    result = CliRunner().invoke(app, ["data", "import", str(path)])
    assert result.exit_code == 2, result.output
    assert "bad-prices.csv" in result.output
    assert Store().symbols() == []


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_prices_file(tmp_path / "nope.csv")


@pytest.mark.parametrize("missing", [".", ""])
def test_an_older_fred_download_keeps_its_missing_value_out(
    tmp_path: Path, missing: str
) -> None:
    # FRED's older download heads its dates DATE and writes '.' (or nothing) for
    # a period with no value: the rows left are the two that have one.
    path = write(
        tmp_path, f"DATE,UNRATE\n2024-01-01,{missing}\n2024-02-01,3.9\n2024-03-01,4\n"
    )
    (got,) = read_prices_file(path)
    assert got.symbol == "UNRATE"
    assert got.frame["adj_close"].tolist() == [3.9, 4.0]
    assert [d.month for d in got.frame.index] == [2, 3]
