"""History files into the ledger: every layout, idempotence, merging, bad rows."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piefolio.account import Kind, import_history, load_history
from piefolio.data.store import Store
from piefolio.errors import HistoryError

from .samples import LAYOUT_2025, SAMPLES, write


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "home" / "store.duckdb", busy_timeout=5.0)


def _by_line(path: Path) -> dict[int, object]:
    return {e.line: e for e in load_history(path).entries}


def test_2021_layout_reads_currency_from_the_column_names(tmp_path: Path) -> None:
    rows = _by_line(write(tmp_path, "2021.csv"))
    assert len(rows) == 6
    assert {e.currency for e in rows.values()} == {"EUR"}  # type: ignore[attr-defined]
    deposit, buy, gbx, div, sell, out = (rows[i] for i in range(2, 8))
    assert (deposit.kind, deposit.amount) == (Kind.DEPOSIT, 1000.0)  # type: ignore[attr-defined]
    # A buy takes its Total out of cash, fees inside it (0.30 FX fee).
    assert (buy.kind, buy.amount, buy.shares, buy.fee) == (  # type: ignore[attr-defined]
        Kind.BUY,
        -200.30,
        2.0,
        0.30,
    )
    # GBX: 3500 pence is 35 GBP, and 86 pence per EUR is 0.86 GBP per EUR;
    # 10 x 35 / 0.86 = 406.98 plus 2.03 stamp duty is the Total 409.01.
    assert gbx.price_currency == "GBP"  # type: ignore[attr-defined]
    assert gbx.price == pytest.approx(35.0)  # type: ignore[attr-defined]
    assert gbx.fx == pytest.approx(0.86)  # type: ignore[attr-defined]
    assert 10 * gbx.price / gbx.fx + gbx.fee == pytest.approx(409.01, abs=0.005)  # type: ignore[attr-defined]
    # "Not available" exchange rate: unknown, the Total still counts.
    assert div.kind is Kind.DIVIDEND and math.isnan(div.fx)  # type: ignore[attr-defined]
    assert div.amount == 0.37 and div.key.startswith("hash:")  # type: ignore[attr-defined]
    assert (sell.amount, sell.shares) == (103.84, -1.0)  # type: ignore[attr-defined]
    # The 2021 layout writes withdrawals positive; money out is negative.
    assert (out.kind, out.amount) == (Kind.WITHDRAWAL, -50.0)  # type: ignore[attr-defined]


def test_2023_layout_splits_and_dividend_variants(tmp_path: Path) -> None:
    ledger = load_history(write(tmp_path, "2023-25.csv"))
    assert len(ledger) == 10
    kinds = [e.kind for e in ledger.entries]
    assert kinds.count(Kind.SPLIT) == 2 and kinds.count(Kind.INTEREST) == 2
    # 0.1 NVDA bought before a 10-for-1 split is 1 share on today's basis.
    assert ledger.split_ratios()["NVDA"][0][1] == pytest.approx(10.0)
    assert ledger.holdings() == pytest.approx({"MSFT": 0.5, "NVDA": 1.0})
    # 500 + 300 in; 185.47 and 111.28 spent; 0.30 + 0.33 dividends, 1.25 interest.
    assert ledger.cash() == pytest.approx(500 + 300 - 185.47 - 111.28 + 0.63 + 1.25)


def test_2025_layout_card_rows_conversion_and_signs(tmp_path: Path) -> None:
    rows = _by_line(write(tmp_path, "2025-26.csv"))
    assert len(rows) == 12
    assert rows[4].kind is Kind.DEPOSIT  # "Bank Transfer"  # type: ignore[attr-defined]
    assert rows[5].fee == pytest.approx(0.40)  # French transaction tax  # type: ignore[attr-defined]
    # The Finra fee is in USD, so not an EUR fee: 0.10 + 0.09 only.
    assert rows[6].fee == pytest.approx(0.19)  # type: ignore[attr-defined]
    assert rows[6].amount == pytest.approx(58.90)  # type: ignore[attr-defined]
    assert rows[7].amount == -100.0  # withdrawal written negative  # type: ignore[attr-defined]
    assert (rows[8].kind, rows[8].amount) == (Kind.WITHDRAWAL, -12.50)  # type: ignore[attr-defined]
    assert (rows[9].kind, rows[9].amount) == (Kind.DEPOSIT, 0.12)  # type: ignore[attr-defined]
    # A conversion inside the account moves only its EUR fee.
    assert (rows[10].kind, rows[10].amount) == (Kind.CONVERSION, -0.15)  # type: ignore[attr-defined]
    assert rows[11].amount == -0.05  # a dividend adjustment keeps its sign  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_layout_imports_and_twice_gives_the_same_ledger(
    name: str, tmp_path: Path, store: Store
) -> None:
    path = write(tmp_path, name)
    (first,) = import_history([path], store=store)
    assert first.added == first.rows > 0
    stored = load_history(store=store)
    (again,) = import_history([path], store=store)
    assert (again.rows, again.added) == (first.rows, 0)
    assert load_history(store=store) == stored
    # What is stored is what the file says, field for field.
    assert stored == load_history(path)


def test_overlapping_exports_merge_without_duplicates(
    tmp_path: Path, store: Store
) -> None:
    b = write(tmp_path, "2023-25.csv")
    c = write(tmp_path, "2025-26.csv")
    reports = import_history([b, c], store=store)
    # Two rows are in both files: the deposit b0000002 (by ID) and the
    # 2025-03-13 dividend (no ID: by the row's hash, across two layouts).
    assert [(r.rows, r.added) for r in reports] == [(10, 10), (12, 10)]
    ledger = load_history(store=store)
    assert len(ledger) == 20
    # Importing them the other way round, one at a time, adds nothing more.
    assert import_history([c], store=store)[0].added == 0
    assert import_history([b], store=store)[0].added == 0
    assert load_history(store=store) == ledger
    # Read in the other order, the same movements (only the source of the two
    # shared rows differs: the first file that had them).
    swapped = load_history([c, b])
    assert [(e.key, e.time, e.amount, e.shares) for e in swapped.entries] == [
        (e.key, e.time, e.amount, e.shares) for e in ledger.entries
    ]


def test_identical_rows_in_one_file_are_both_kept(tmp_path: Path) -> None:
    row = LAYOUT_2025.splitlines()[-1]  # interest without ID
    path = write(tmp_path, "twice.csv", LAYOUT_2025 + row + "\n")
    ledger = load_history(path)
    interest = [e for e in ledger.entries if e.kind is Kind.INTEREST]
    assert len(interest) == 2 and interest[0].key != interest[1].key


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("Card debit,", "Crypto airdrop,"),
            "bad.csv: line 8: column 'Action': unknown action 'Crypto airdrop'",
        ),
        (
            ("0.5000000000,130.00", "half,130.00"),
            "bad.csv: line 6: column 'No. of shares': expected a number, found 'half'",
        ),
        (
            ("2025-06-02 09:00:00", "June 2nd"),
            "bad.csv: line 7: column 'Time': expected a time",
        ),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_the_store_unchanged(
    edit: tuple[str, str], message: str, tmp_path: Path, store: Store
) -> None:
    import_history([write(tmp_path, "2021.csv")], store=store)
    before = load_history(store=store)
    bad = write(tmp_path, "bad.csv", LAYOUT_2025.replace(*edit, 1))
    good = write(tmp_path, "2023-25.csv")
    with pytest.raises(HistoryError, match=re.escape(message)):
        import_history([good, bad], store=store)
    # Neither the bad file nor the good one given with it was stored.
    assert load_history(store=store) == before


def test_missing_columns_and_unknown_layouts_are_named(tmp_path: Path) -> None:
    no_total = write(tmp_path, "x.csv", "Action,Time,Ticker,No. of shares\n")
    with pytest.raises(
        HistoryError, match=re.escape("x.csv: line 1: no column 'Total'")
    ):
        load_history(no_total)
    other = write(tmp_path, "y.csv", "when,what\n2024-01-01,x\n")
    with pytest.raises(
        HistoryError, match=re.escape("y.csv: line 1: not a Trading 212")
    ):
        load_history(other)
    with pytest.raises(HistoryError, match="no such file"):
        load_history(tmp_path / "absent.csv")


def test_another_account_currency_is_refused(tmp_path: Path, store: Store) -> None:
    import_history([write(tmp_path, "2021.csv")], store=store)
    gbp = LAYOUT_2025.replace(",EUR", ",GBP")
    with pytest.raises(HistoryError, match="one store holds one account"):
        import_history([write(tmp_path, "gbp.csv", gbp)], store=store)


PIEFOLIO_CSV = """date,action,ticker,shares,price,currency,amount,fee,id
2024-01-02,deposit,,,,EUR,1000,,
2024-01-03,buy,SPY,2.5,100,EUR,250,0.50,
2024-03-15,dividend,SPY,,,EUR,1.20,0.18,
2024-06-10,split,SPY,2.5,,EUR,,,
2024-07-01,sell,SPY,1,60,EUR,,,
2024-12-31,interest,,,,EUR,3.10,,
2025-01-05,withdrawal,,,,EUR,100,,w1
"""


def test_piefolio_csv_reads_every_action(tmp_path: Path) -> None:
    ledger = load_history(write(tmp_path, "mine.csv", PIEFOLIO_CSV))
    assert [e.kind.value for e in ledger.entries] == [
        "deposit",
        "buy",
        "dividend",
        "split",
        "sell",
        "interest",
        "withdrawal",
    ]
    # 1000 - (250 + 0.50) + (1.20 - 0.18) + 60 (1 x 60, no fee) + 3.10 - 100.
    assert ledger.cash() == pytest.approx(1000 - 250.5 + 1.02 + 60 + 3.10 - 100)
    # 2.5 shares, split 2-for-1 (+2.5), then 1 sold: 4 on today's basis.
    assert ledger.holdings() == pytest.approx({"SPY": 4.0})
    assert ledger.entries[-1].key == "csv:w1"


def test_piefolio_csv_bad_cell_names_line_and_column(tmp_path: Path) -> None:
    text = PIEFOLIO_CSV.replace("2024-07-01,sell,SPY,1,60", "2024-07-01,sell,SPY,,60")
    with pytest.raises(
        HistoryError, match=re.escape("mine.csv: line 6: column 'shares': a sell needs")
    ):
        load_history(write(tmp_path, "mine.csv", text))


def test_time_and_time_utc_spellings_read_the_same(tmp_path: Path) -> None:
    # 2025-26 exports wrote "Time"; the newest write "Time (UTC)".
    old = load_history(
        write(tmp_path, "a.csv", LAYOUT_2025.replace("Time (UTC)", "Time"))
    )
    new = load_history(write(tmp_path, "b.csv", LAYOUT_2025))
    assert [(e.key, e.time, e.amount) for e in old.entries] == [
        (e.key, e.time, e.amount) for e in new.entries
    ]


def test_split_rows_a_second_apart_are_one_split(tmp_path: Path) -> None:
    from .samples import LAYOUT_2023

    text = LAYOUT_2023.replace(
        "Stock split open,2024-06-10 05:00:00", "Stock split open,2024-06-10 05:00:01"
    )
    ledger = load_history(write(tmp_path, "apart.csv", text))
    ((_, ratio),) = ledger.split_ratios()["NVDA"]
    assert ratio == pytest.approx(10.0)
    assert ledger.holdings()["NVDA"] == pytest.approx(1.0)


def test_a_split_of_nothing_held_is_an_error(tmp_path: Path) -> None:
    from .samples import LAYOUT_2023

    lines = LAYOUT_2023.splitlines()
    del lines[3]  # the NVDA buy before the split
    ledger = load_history(write(tmp_path, "nobuy.csv", "\n".join(lines) + "\n"))
    with pytest.raises(HistoryError, match=r"nobuy\.csv: line 4: a split of NVDA"):
        ledger.split_ratios()


_ROWS = st.lists(
    st.tuples(
        st.integers(0, 30),  # day of 2024-03
        st.sampled_from(["deposit", "buy", "dividend", "interest"]),
        st.sampled_from(["AAA", "BBB"]),
        st.integers(1, 500),  # cents or shares
    ),
    min_size=1,
    max_size=25,
)


# Few examples: each opens a DuckDB store (the costly part).
@settings(max_examples=8, deadline=None)
@given(rows=_ROWS, cut=st.integers(0, 25))
def test_import_is_idempotent_and_overlaps_merge(
    rows: list[tuple[int, str, str, int]], cut: int
) -> None:
    import tempfile

    lines = []
    for day, action, ticker, n in rows:
        date = f"2024-03-{day + 1:02d}"
        if action == "buy":
            lines.append(f"{date},buy,{ticker},{n},2,EUR,,")
        else:
            lines.append(f"{date},{action},{ticker},,,EUR,{n / 100},")
    header = "date,action,ticker,shares,price,currency,amount,fee\n"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        whole = write(folder, "whole.csv", header + "\n".join(lines) + "\n")
        # Two exports that overlap: the rows up to `cut`, and all of them.
        first = write(folder, "first.csv", header + "\n".join(lines[:cut]) + "\n")
        store = Store(folder / "store.duckdb", busy_timeout=5.0)
        import_history([first], store=store)
        (again,) = import_history([whole], store=store)
        # Identical rows (same day, action, ticker, amount) are all kept, once.
        assert again.added == len(rows) - min(cut, len(rows))
        assert len(load_history(store=store)) == len(rows)
        assert import_history([whole, first], store=store)[0].added == 0
