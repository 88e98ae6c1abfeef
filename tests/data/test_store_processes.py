"""The DuckDB store against other processes: a killed writer, a held lock.

Apart from test_store.py because they wait on subprocesses for seconds: the
mutation run of store.py (mutation/run.py) leaves them out, since the code
they reach (the connection's retries, DuckDB's own journal) is not mutated.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from piefolio.data.store import Store
from piefolio.errors import StoreError

from .conftest import series

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
