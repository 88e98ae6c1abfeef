"""Run work in chunks: in this process, on all cores, or on a Dask cluster.

Sweeps and Monte Carlo are siblings that both use it. A run is ``chunks``
independent pieces of work, each a pure function of its
index and a shared payload (the prices, the plan): ``task(index, payload) ->
pd.DataFrame``. The runner writes each finished chunk as its own Parquet file,
atomically, and only from the driver process, so:

- a killed sweep restarted with the same arguments skips the chunks already on
  disk and continues; no row is lost or written twice;
- a Dask worker that dies mid-chunk has that chunk retried by Dask; the driver
  still writes it once;
- the result does not depend on where the chunks ran: the parts are read back in
  chunk order, so one process, a process pool and a cluster give the same table.

A ``sweep.json`` manifest records a fingerprint of the inputs; restarting in the
same folder with other inputs is refused rather than mixing two sweeps. A manifest
or a part that cannot be read (emptied, truncated, edited) is reported through
``note`` and computed again; parts found without a manifest are never trusted.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from piefolio._atomic import atomic_parquet, atomic_text
from piefolio.errors import PlanError

__all__ = ["ChunkTask", "run_chunks"]

MANIFEST = "sweep.json"


class ChunkTask(Protocol):
    """A picklable function computing one chunk of a sweep."""

    def __call__(self, index: int, payload: Any) -> pd.DataFrame:
        """Return the rows of chunk ``index``; must be deterministic."""
        ...


def _part(out_dir: Path, index: int) -> Path:
    return out_dir / f"part-{index:06d}.parquet"


def _write_part(out_dir: Path, index: int, frame: pd.DataFrame) -> None:
    # Atomic: a part on disk is always whole, so a resumed sweep can trust it.
    atomic_parquet(frame, _part(out_dir, index))


def _read_manifest(manifest: Path, note: Callable[[str], None]) -> Any:
    if not manifest.exists():
        return None
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        note(f"{manifest}: unreadable ({exc}); the sweep starts over")
        return None
    if not isinstance(found, dict) or set(found) != {"chunks", "fingerprint"}:
        note(f"{manifest}: not a sweep manifest; the sweep starts over")
        return None
    return found


def _prepare(
    out_dir: Path, chunks: int, fingerprint: str, note: Callable[[str], None]
) -> list[int]:
    """Create or check the manifest; return the chunks still to run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / MANIFEST
    wanted = {"chunks": chunks, "fingerprint": fingerprint}
    found = _read_manifest(manifest, note)
    if found is None:
        # Parts of unknown inputs: rows of another pie must never be reused.
        for stale in out_dir.glob("part-[0-9][0-9][0-9][0-9][0-9][0-9].parquet"):
            stale.unlink()
        atomic_text(manifest, json.dumps(wanted))
    elif found != wanted:
        raise PlanError(
            f"{out_dir}: holds another sweep, of other inputs (the pie's weights "
            "or limits, the plan, the prices or the sweep settings changed); use "
            "a new --out folder, or delete this one to start over"
        )
    return [i for i in range(chunks) if not _part(out_dir, i).exists()]


def _read_parts(
    out_dir: Path, chunks: int, note: Callable[[str], None]
) -> tuple[dict[int, pd.DataFrame], list[int]]:
    """Read every part; return those read and the indices of unreadable ones."""
    frames, bad = {}, []
    for i in range(chunks):
        try:
            frames[i] = pd.read_parquet(_part(out_dir, i))
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            note(f"{_part(out_dir, i)}: unreadable ({exc}); computing it again")
            bad.append(i)
    return frames, bad


def run_chunks(
    task: ChunkTask,
    payload: Any,
    chunks: int,
    out_dir: Path,
    *,
    fingerprint: str,
    executor: str | Any = "local",
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run every chunk not yet on disk, then return all rows in chunk order.

    Parameters
    ----------
    task : ChunkTask
        ``task(index, payload) -> DataFrame``; a module-level function or a
        picklable object, deterministic in ``index`` (seed from it).
    payload : Any
        Data every chunk reads (prices, plan); sent to each process once, or
        once to a Dask cluster, where workers share it.
    chunks : int
        Number of chunks.
    out_dir : Path
        Folder for the parts and the manifest; reused to resume.
    fingerprint : str
        A string that changes whenever anything the rows depend on changes.
    executor : {"local", "processes"} or dask.distributed.Client
        Where chunks run: this process, a process pool of ``workers``, or a Dask
        client (a local cluster or ``tcp://HOST:PORT``).
    workers : int, optional
        Processes for ``"processes"`` (default: all cores).
    progress : callable, optional
        Called with the number of chunks finished so far (already-done ones
        included) after each chunk, for a progress bar.
    note : callable, optional
        Called with a sentence when a manifest or part on disk cannot be read
        and is computed again.

    Returns
    -------
    pd.DataFrame
        The concatenated parts, chunk 0 first.
    """
    if chunks < 1:
        raise PlanError(f"a sweep needs at least one chunk; got {chunks}")
    tell = note or (lambda _: None)
    pending = _prepare(out_dir, chunks, fingerprint, tell)
    done = chunks - len(pending)
    if progress is not None:
        progress(done)
    runs = _execute(task, payload, pending, executor, workers, tag=fingerprint[:16])
    for index, frame in runs:
        _write_part(out_dir, index, frame)
        done += 1
        if progress is not None:
            progress(done)
    frames, bad = _read_parts(out_dir, chunks, tell)
    for index, frame in _execute(task, payload, bad, "local", None, tag=""):
        _write_part(out_dir, index, frame)
        frames[index] = frame
    return pd.concat([frames[i] for i in range(chunks)], ignore_index=True)


def _execute(
    task: ChunkTask,
    payload: Any,
    pending: list[int],
    executor: str | Any,
    workers: int | None,
    tag: str,
) -> Iterable[tuple[int, pd.DataFrame]]:
    if not pending:
        return
    if executor == "local":
        for index in pending:
            yield index, task(index, payload)
    elif executor == "processes":
        # "spawn": forking a process whose numba kernels already started OpenMP
        # threads aborts the child; fresh interpreters are safe everywhere.
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_set_payload,
            initargs=(payload,),
        ) as pool:
            one = _OneThread(task)
            futures = {pool.submit(_run_with_payload, one, i): i for i in pending}
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
    elif hasattr(executor, "scatter"):  # a dask.distributed Client
        from dask.distributed import as_completed as dask_completed

        client: Any = executor
        # The payload travels once, as a task rather than scattered data: if the
        # worker holding it dies, the scheduler recomputes it from the task,
        # where scattered data would be lost for good (and the sweep with it).
        shared = client.submit(_identity, payload, key=f"piefolio-payload-{tag}")
        keys = [f"piefolio-{tag}-{i}" for i in pending]
        # retries: a chunk whose worker died is run again elsewhere.
        futures = client.map(
            _OneThread(task), pending, payload=shared, key=keys, retries=3
        )
        order = dict(zip((f.key for f in futures), pending, strict=True))
        for fut in dask_completed(futures):  # type: ignore[no-untyped-call]
            yield order[fut.key], fut.result()
    else:
        raise PlanError(
            f"unknown executor {executor!r}; expected 'local', 'processes' or a "
            "dask.distributed Client"
        )


# The payload is sent once per worker process, not once per chunk.
_PAYLOAD: Any = None


def _set_payload(payload: Any) -> None:
    global _PAYLOAD
    _PAYLOAD = payload


def _run_with_payload(task: ChunkTask, index: int) -> pd.DataFrame:
    return task(index, _PAYLOAD)


@dataclass(frozen=True, slots=True)
class _OneThread:
    """A task that runs its chunk's numba kernels on one thread.

    The pool or the cluster already gives each core its own chunk; two layers
    of threads on the same cores cost Dask 17 % of a 100,000-variant sweep.
    """

    task: ChunkTask

    def __call__(self, index: int, payload: Any) -> pd.DataFrame:
        import numba

        numba.set_num_threads(1)
        return self.task(index, payload)


def _identity(payload: Any) -> Any:
    return payload
