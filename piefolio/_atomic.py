"""Atomic file writes: a file on disk is whole, or the old one is still there.

Everything piefolio writes for a user (pie files, reports, sweep results) goes
through :func:`atomic_write`: the content is written to a temporary file in the
same folder and renamed over the target in one step, so a crash or a full disk
never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

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
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp makes the file owner-only; give it the mode a plain open()
        # would, so a report can be served or shared like any other file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
