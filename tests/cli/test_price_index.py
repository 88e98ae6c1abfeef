"""The run's price index: read from the store by currency, or one line on how."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from piefolio.cli.run import price_index


def test_the_index_of_the_currency_is_read_on_its_own_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from piefolio.data import read_prices_file
    from piefolio.data.store import Store

    monkeypatch.setenv("PIEFOLIO_HOME", str(tmp_path))
    # Three monthly prints with October missing, as BLS left October 2025.
    csv = tmp_path / "cpi.csv"
    csv.write_text(
        "date,series,value\n2025-09-01,CPIAUCSL,324.0\n"
        "2025-11-01,CPIAUCSL,325.5\n2025-12-01,CPIAUCSL,326.0\n"
    )
    Store(tmp_path / "store.duckdb").write(read_prices_file(csv))
    index, missing = price_index("USD")
    assert missing == "" and index is not None
    assert index.name == "CPIAUCSL" and "US CPI" in index.label
    # Stored as printed: three dates, no month filled in, no daily rows.
    assert list(index.values.index) == list(
        pd.to_datetime(["2025-09-01", "2025-11-01", "2025-12-01"])
    )
    assert list(index.values) == [324.0, 325.5, 326.0]


def test_without_the_index_one_line_says_how_to_import_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIEFOLIO_HOME", str(tmp_path))
    index, missing = price_index("EUR")
    assert index is None
    assert "no CP0000EZ19M086NEST (euro-area HICP" in missing
    assert "`piefolio data import FILE`" in missing and "\n" not in missing
    assert "`piefolio data fetch CP0000EZ19M086NEST --provider fred`" in missing
    # A currency with no known index says which ones are known.
    index, missing = price_index("GBP")
    assert index is None
    assert "no price index is known for GBP" in missing
    assert "USD: CPIAUCSL" in missing and "EUR: CP0000EZ19M086NEST" in missing
