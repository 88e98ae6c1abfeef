"""``sweep --variants``: the deflated Sharpe worked out here from the stored closes,
and the same sweep on a Dask cluster (``--dask``, ``--cluster``).

The store is ``synthetic_home`` (seeded random walks, 2012 to mid-2026); the pie is
the CLI tests' BASE, never rebalanced and without fees, so each variant's unit
value is buy and hold: ``sum_i w_i P_i,t / P_i,0``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from piefolio.data.store import Store

from .conftest import Invoke

NO_FEES = ("initial = 1000\n", "initial = 1000\nfees = { min_order = 0 }\n")
EULER_GAMMA = 0.5772156649015329


def sweep_json(
    piefolio: Invoke, spec: Path, home: Path, out: Path, *extra: str
) -> dict[str, Any]:
    variants = spec.with_name("sweep.toml")
    variants.write_text('[sweep]\nrebalance = ["none"]\n', encoding="utf-8")
    ran = piefolio(
        "sweep", str(spec), "--offline", "--variants", str(variants), "--weights",
        "5", "--json", "--out", str(out), *extra, home=home,
    )  # fmt: skip
    assert ran.code == 0, ran.output
    data: dict[str, Any] = json.loads(ran.output)
    return data


def test_deflated_sharpe_is_the_formula_on_the_variants_returns(
    piefolio: Invoke, write_pie, synthetic_home: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    data = sweep_json(piefolio, write_pie(NO_FEES), synthetic_home, tmp_path / "o")
    # The pie's weights and 5 random ones: all 6 rows are in the top 10.
    assert data["variants"] == 6
    top = pd.DataFrame(data["top"])
    rows = Store(synthetic_home / "store.duckdb").read(["CVX", "XOM", "SPY"])
    closes = rows.pivot(index="date", columns="symbol", values="adj_close")
    growth = (closes / closes.loc["2015-01-02"]).loc["2015-01-02":]
    weights = top[["w_CVX", "w_XOM", "w_SPY"]].to_numpy()
    unit = growth[["CVX", "XOM", "SPY"]].to_numpy() @ weights.T
    r = unit[1:] / unit[:-1] - 1.0
    # Daily Sharpe ratios (no cash rate), their spread across the 6 trials, and
    # Bailey & Lopez de Prado's expected best of 6 unskilled ones:
    # sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e))).
    sr = r.mean(axis=0) / r.std(axis=0, ddof=1)
    np.testing.assert_allclose(top["sharpe"], sr * math.sqrt(252), rtol=1e-9)
    n_trials, spread = len(sr), float(np.var(sr, ddof=1))
    q = stats.norm.ppf
    sr0 = math.sqrt(spread) * (
        (1 - EULER_GAMMA) * q(1 - 1 / n_trials)
        + EULER_GAMMA * q(1 - 1 / (n_trials * math.e))
    )
    # The best's PSR against sr0, with its sample skewness and raw kurtosis.
    best = r[:, int(np.argmax(sr))]
    dev = best - best.mean()
    m2 = float(np.mean(dev**2))
    skew, kurt = np.mean(dev**3) / m2**1.5, np.mean(dev**4) / m2**2
    s = float(sr.max())

    def psr(benchmark: float) -> float:
        z = (s - benchmark) * math.sqrt(len(best) - 1)
        return float(
            stats.norm.cdf(z / math.sqrt(1 - skew * s + (kurt - 1) / 4 * s**2))
        )

    assert data["deflated_sharpe"] == pytest.approx(psr(sr0), rel=1e-9)
    # Deflating for the 6 trials matters here: undeflated it would read 0.94.
    assert psr(0.0) - data["deflated_sharpe"] > 0.05


def test_sweep_on_dask_gives_the_in_process_numbers(
    piefolio: Invoke,
    write_pie,
    synthetic_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    import dask.distributed

    spec = write_pie(NO_FEES)
    here = sweep_json(piefolio, spec, synthetic_home, tmp_path / "here")
    # --dask starts a local cluster; on a shared 2-core machine the test's is one
    # worker thread in this process (the chunks still travel through Dask).
    real = distributed.LocalCluster
    started: list[Any] = []

    def small(**_: object) -> Any:
        cluster = real(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        )
        started.append(cluster)
        return cluster

    monkeypatch.setattr(dask.distributed, "LocalCluster", small)
    on_dask = sweep_json(piefolio, spec, synthetic_home, tmp_path / "d", "--dask")
    assert len(started) == 1 and started[0].status.name == "closed"
    with real(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        remote = sweep_json(
            piefolio, spec, synthetic_home, tmp_path / "c", "--cluster", address
        )
    # Every number the same; only the paths of the files (each run its own
    # --out folder) differ.
    for other in (on_dask, remote):
        assert {k: v for k, v in other.items() if k not in ("rows", "files")} == {
            k: v for k, v in here.items() if k not in ("rows", "files")
        }
