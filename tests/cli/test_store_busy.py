"""Issue 13: a command waiting on a store another process holds says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .conftest import run, write_csv

_HOLDER = """
import sys, time
from piefolio.data.store import Store
with Store()._connect(write=True):
    print("locked", flush=True)
    time.sleep(float(sys.argv[1]))
"""

PIE = """
[pie]
name = "busy"
currency = "USD"
[[pie.slices]]
ticker = "AAA"
weight = 1.0
[plan]
start = 2024-01-02
end = 2024-02-29
initial = 100
"""


def test_run_waiting_on_a_held_store_says_so(tmp_path: Path) -> None:
    days = pd.bdate_range("2024-01-02", "2024-02-29")
    rows = pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "ticker": "AAA",
            "close": np.linspace(10, 11, len(days)),
        }
    )
    rows.to_csv(tmp_path / "aaa.csv", index=False)
    assert run("data", "import", str(tmp_path / "aaa.csv"))[0] == 0
    spec = write_csv(tmp_path / "busy.toml", PIE)
    # `run` opens the store through the library (no on_wait of its own).
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, "1.5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        code, out = run("run", str(spec), "--offline", "--no-report")
    finally:
        proc.kill()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    assert code == 0, out
    assert out.count("store busy: waiting for another piefolio process") == 1, out
