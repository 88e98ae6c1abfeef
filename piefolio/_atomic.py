"""Atomic file writes: a file on disk is whole, or the old one is still there.

Everything piefolio writes for a user (pie files, reports, sweep results) goes
through :func:`atomic_write`: the content is written to a temporary file in the
same folder and renamed over the target in one step, so a crash or a full disk
never leaves half a file. A write killed outright (``kill -9``) cannot clean up
after itself: its temporary file names the writer's process, and the next write
of the same file removes those of writers that are gone.
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from piefolio.errors import WriteError

__all__ = ["atomic_bytes", "atomic_parquet", "atomic_text", "atomic_write"]


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary path next to ``path``, then rename it.

    Parameters
    ----------
    path : Path
        The target; its folder is created.
    write : callable
        Writes the whole content to the path it is given.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    WriteError
        The folder or the file could not be written (disk full, no rights, a
        file where a folder should be); the message names the path and why.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(path)
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"
        )
    except OSError as exc:
        raise _write_error(path, exc) from exc
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp makes the file owner-only; give it the mode a plain open()
        # would, so a report can be served or shared like any other file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from exc
        raise
    return path


def _write_error(path: Path, exc: OSError) -> WriteError:
    # mkdir through a plain file says "File exists" or "Not a directory";
    # name the file that stands where a folder should be instead.
    blocking = next((p for p in path.parents if p.is_file()), None)
    why = f"{blocking} is a file, not a folder" if blocking else exc.strerror or exc
    return WriteError(f"cannot write {path}: {why}")


# A temporary file without a writer's pid (an older piefolio) is an orphan
# once it is this old; no write takes an hour.
_ORPHAN_AGE_S = 3600.0


def _remove_orphans(path: Path) -> None:
    """Delete temporary files of ``path`` left by writers that were killed."""
    head = f".{path.name}."
    for tmp in path.parent.glob(f"{glob.escape(head)}*.tmp"):
        pid = tmp.name[len(head) :].split(".", 1)[0]
        try:
            orphan = (
                not _alive(int(pid))
                if pid.isdigit()
                else time.time() - tmp.stat().st_mtime > _ORPHAN_AGE_S
            )
            if orphan:
                tmp.unlink()
        except OSError:  # gone already, or not ours to delete: leave it
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, as another user's process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_bytes(path: Path, payload: bytes) -> Path:
    """Write bytes atomically."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(payload))


def atomic_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write a DataFrame to Parquet (no index) atomically."""
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
