"""Issue 13: no generated price file ends in a traceback (bounded fuzz test).

Each of the generated files (see ``fuzz_csv``) is imported through the CLI into
a store that already holds rows; the exit code must be 0 (imported), 2 (bad
input) or 3 (data unavailable), never a traceback (``run`` fails the test on
any exception the CLI lets out), and a refused file leaves the store's tables
exactly as they were.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .conftest import run, snapshot, write_csv
from .fuzz_csv import cases

#: Files tried; about a tenth of a second each on an idle machine.
N_CASES = 60


def test_generated_files_exit_0_2_or_3_and_refusals_change_nothing(
    tmp_path: Path, piefolio_home: Path
) -> None:
    seed = write_csv(tmp_path / "seed.csv", "date,ticker,close\n2024-01-02,CVX,150\n")
    assert run("data", "import", str(seed))[0] == 0
    codes: Counter[int] = Counter()
    for k, text in enumerate(cases(N_CASES)):
        path = tmp_path / f"fuzz-{k}.csv"
        path.write_text(text, encoding="utf-8")
        before = snapshot(piefolio_home / "store.duckdb")
        code, out = run("data", "import", str(path))
        codes[code] += 1
        assert code in (0, 2, 3), f"case {k} exit {code}:\n{text}\n{out}"
        if code != 0:
            assert f"fuzz-{k}.csv" in out or "--currency" in out, (text, out)
            assert snapshot(piefolio_home / "store.duckdb") == before, text
    # Both outcomes occur: the generator is not all-bad or all-good.
    assert codes[0] > 0 and codes[2] > 0, codes
