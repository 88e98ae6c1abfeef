"""Chunked sweeps: resumable, and the same rows wherever the chunks ran."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from piefolio._parallel import run_chunks
from piefolio.errors import PlanError


def seeded_chunk(index: int, payload: Any) -> pd.DataFrame:
    """Three rows per chunk, random but fixed by the chunk index."""
    rng = np.random.default_rng([payload["seed"], index])
    return pd.DataFrame({"chunk": index, "row": range(3), "value": rng.normal(size=3)})


class FailsOnce:
    """Raises on one chunk until a marker file exists: a crash mid-sweep."""

    def __init__(self, marker: Path, bad: int) -> None:
        self.marker, self.bad, self.calls = marker, bad, []  # type: ignore[var-annotated]

    def __call__(self, index: int, payload: Any) -> pd.DataFrame:
        self.calls.append(index)
        if index == self.bad and not self.marker.exists():
            raise KeyboardInterrupt("killed")
        return seeded_chunk(index, payload)


PAYLOAD = {"seed": 42}


def test_local_run_returns_rows_in_chunk_order(tmp_path: Path) -> None:
    out = run_chunks(seeded_chunk, PAYLOAD, 5, tmp_path, fingerprint="a")
    assert list(out["chunk"]) == [i for i in range(5) for _ in range(3)]
    assert sorted(p.name for p in tmp_path.glob("part-*")) == [
        f"part-{i:06d}.parquet" for i in range(5)
    ]
    assert not list(tmp_path.glob(".part-*")), "a temporary part was left behind"


def test_killed_sweep_resumes_without_losing_or_repeating_rows(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    task = FailsOnce(marker, bad=3)
    out_dir = tmp_path / "sweep"
    with pytest.raises(KeyboardInterrupt):
        run_chunks(task, PAYLOAD, 6, out_dir, fingerprint="a")
    assert task.calls == [0, 1, 2, 3]
    marker.touch()
    seen: list[int] = []
    task.calls.clear()
    out = run_chunks(task, PAYLOAD, 6, out_dir, fingerprint="a", progress=seen.append)
    assert task.calls == [3, 4, 5], "finished chunks must not run again"
    assert seen == [3, 4, 5, 6]
    fresh = run_chunks(seeded_chunk, PAYLOAD, 6, tmp_path / "fresh", fingerprint="a")
    pd.testing.assert_frame_equal(out, fresh)


def test_another_sweep_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    run_chunks(seeded_chunk, PAYLOAD, 2, tmp_path, fingerprint="a")
    with pytest.raises(PlanError, match="holds another sweep"):
        run_chunks(seeded_chunk, PAYLOAD, 2, tmp_path, fingerprint="b")


def test_process_pool_gives_the_same_rows(tmp_path: Path) -> None:
    local = run_chunks(seeded_chunk, PAYLOAD, 6, tmp_path / "l", fingerprint="a")
    pooled = run_chunks(
        seeded_chunk,
        PAYLOAD,
        6,
        tmp_path / "p",
        fingerprint="a",
        executor="processes",
        workers=2,
    )
    pd.testing.assert_frame_equal(local, pooled)


def test_unknown_executor(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="unknown executor 'gpu'"):
        run_chunks(seeded_chunk, PAYLOAD, 1, tmp_path, fingerprint="a", executor="gpu")


def dies_once(index: int, payload: Any) -> pd.DataFrame:
    """Kill the whole worker process the first time chunk 2 runs."""
    marker = Path(payload["marker"])
    if index == 2 and not marker.exists():
        marker.touch()
        os._exit(1)
    return seeded_chunk(index, payload)


@pytest.fixture(scope="module")
def dask_client() -> Any:
    distributed = pytest.importorskip(
        "distributed", reason="the dask extra is not installed"
    )
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    client.wait_for_workers(2)
    yield client
    client.close()
    cluster.close()


def test_dask_cluster_gives_the_same_rows_even_when_a_worker_dies(
    tmp_path: Path, dask_client: Any
) -> None:
    payload = {"seed": 42, "marker": str(tmp_path / "died")}
    local = run_chunks(seeded_chunk, payload, 8, tmp_path / "l", fingerprint="a")
    remote = run_chunks(
        dies_once, payload, 8, tmp_path / "d", fingerprint="a", executor=dask_client
    )
    assert (tmp_path / "died").exists(), "the worker was never killed"
    pd.testing.assert_frame_equal(local, remote)
    assert len(remote) == 8 * 3


class Counting:
    """seeded_chunk that remembers which chunks it ran."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, index: int, payload: Any) -> pd.DataFrame:
        self.calls.append(index)
        return seeded_chunk(index, payload)


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"chunks": 3}'])
def test_unreadable_manifest_is_reported_and_the_sweep_recomputed(
    tmp_path: Path, content: str
) -> None:
    fresh = run_chunks(seeded_chunk, PAYLOAD, 3, tmp_path / "fresh", fingerprint="a")
    out_dir = tmp_path / "sweep"
    run_chunks(seeded_chunk, {"seed": 7}, 3, out_dir, fingerprint="other")
    (out_dir / "sweep.json").write_text(content)
    notes: list[str] = []
    task = Counting()
    out = run_chunks(task, PAYLOAD, 3, out_dir, fingerprint="a", note=notes.append)
    # The parts of unknown inputs are not reused: all three chunks ran again.
    assert task.calls == [0, 1, 2]
    pd.testing.assert_frame_equal(out, fresh)
    assert len(notes) == 1 and "sweep.json" in notes[0] and "starts over" in notes[0]
    assert "other" not in (out_dir / "sweep.json").read_text()


def test_parts_without_a_manifest_are_never_trusted(tmp_path: Path) -> None:
    run_chunks(seeded_chunk, {"seed": 7}, 3, tmp_path, fingerprint="other")
    (tmp_path / "sweep.json").unlink()
    task = Counting()
    out = run_chunks(task, PAYLOAD, 3, tmp_path, fingerprint="a")
    assert task.calls == [0, 1, 2]
    fresh = run_chunks(seeded_chunk, PAYLOAD, 3, tmp_path / "fresh", fingerprint="a")
    pd.testing.assert_frame_equal(out, fresh)


@pytest.mark.parametrize("damage", [b"", b"PAR1 truncated"])
def test_unreadable_part_is_reported_and_computed_again(
    tmp_path: Path, damage: bytes
) -> None:
    first = run_chunks(seeded_chunk, PAYLOAD, 4, tmp_path, fingerprint="a")
    (tmp_path / "part-000002.parquet").write_bytes(damage)
    notes: list[str] = []
    task = Counting()
    out = run_chunks(task, PAYLOAD, 4, tmp_path, fingerprint="a", note=notes.append)
    assert task.calls == [2]
    pd.testing.assert_frame_equal(out, first)
    assert len(notes) == 1 and "part-000002.parquet: unreadable" in notes[0]
    # Healed on disk: the next resume reads it without a note.
    again: list[str] = []
    run_chunks(Counting(), PAYLOAD, 4, tmp_path, fingerprint="a", note=again.append)
    assert again == []


def test_manifest_is_written_atomically(tmp_path: Path) -> None:
    run_chunks(seeded_chunk, PAYLOAD, 2, tmp_path, fingerprint="a")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert (tmp_path / "sweep.json").read_text() == '{"chunks": 2, "fingerprint": "a"}'
