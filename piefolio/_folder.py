"""The folders piefolio writes pages in, and whose files they hold.

A command that writes a report (``run``, ``stress``, ``sweep``...) writes into a
folder the user names with ``--out`` or into ``reports/<pie>/``. It may write
there only if the folder is absent, empty, or was made by piefolio: the first
write leaves a small marker file, :data:`MARKER`. A folder holding anything else
(a user's own ``index.html``) is refused unless the user passes ``--force``, so
nothing a user wrote is overwritten without being asked.
"""

from __future__ import annotations

import re
from pathlib import Path

from piefolio.errors import SpecError

__all__ = ["MARKER", "claim_folder", "settle_claims"]

MARKER = ".piefolio"
_NOTE = (
    "piefolio wrote this folder's files and may write over them; delete this "
    "file to make piefolio ask (--force) before it writes here again.\n"
)
# What atomic_write leaves while it writes, or after a kill: never a user's.
_TEMPORARY = re.compile(r"^\..+\.tmp$")
# Folders the running command created by claiming them: if it then fails before
# writing its page it takes them back (settle_claims), so a failed run leaves no
# empty report folder behind.
_MADE: list[tuple[Path, Path]] = []  # (the folder, the outermost one made for it)


def claim_folder(folder: Path, *, force: bool = False) -> Path:
    """Check that piefolio may write in ``folder``; create and mark it.

    Parameters
    ----------
    folder : Path
        Where a command is about to write its page and files.
    force : bool
        Write into a folder that holds other files anyway (``--force``); the
        folder is then not marked, so the next write asks again.

    Returns
    -------
    Path
        ``folder``, now existing.

    Raises
    ------
    SpecError
        ``folder`` is a file, cannot be created or read (a name too long, no
        permission), or holds files piefolio did not write and ``force`` is
        false (the message names a few of them).
    """
    try:
        return _claim(folder, force)
    except OSError as exc:  # a name too long, a folder we may not read...
        shown = str(folder) if len(str(folder)) <= 80 else f"{str(folder)[:77]}..."
        raise SpecError(
            f"{shown}: cannot write the report there ({exc.strerror}); expected "
            "--out to name a folder piefolio may create and write"
        ) from exc


def _claim(folder: Path, force: bool) -> Path:
    if folder.exists() and not folder.is_dir():
        raise SpecError(
            f"{folder}: is a file, not a folder; expected --out to name a folder "
            "for the report"
        )
    theirs = (
        sorted(p.name for p in folder.iterdir() if not _TEMPORARY.match(p.name))
        if folder.is_dir() and not (folder / MARKER).is_file()
        else []
    )
    if theirs and not force:
        shown = ", ".join(theirs[:3]) + (
            f" and {len(theirs) - 3} more" if len(theirs) > 3 else ""
        )
        raise SpecError(
            f"{folder}: holds files piefolio did not write ({shown}); pass --force "
            "to write the report there anyway, or name another folder with --out"
        )
    if not folder.exists():
        outermost = folder
        while not outermost.parent.exists():
            outermost = outermost.parent
        _MADE.append((folder, outermost))
    folder.mkdir(parents=True, exist_ok=True)
    if not theirs:
        marker = folder / MARKER
        if not marker.is_file():
            marker.write_text(_NOTE, encoding="utf-8")
    return folder


def settle_claims(*, failed: bool) -> None:
    """End a command's claims; if it failed, remove the folders it left empty.

    A command claims its report folder before the work, so a refusal costs
    nothing; when it then fails before writing its page, the folder it made
    would be left holding only the marker. Only folders the command created
    are candidates, and only while they hold the marker alone, so nothing a
    user or an earlier run put there is touched.

    Parameters
    ----------
    failed : bool
        The command ended with an error; when false the claims are just
        forgotten.
    """
    if not failed:
        _MADE.clear()
    while _MADE:
        folder, outermost = _MADE.pop()
        try:
            if [p.name for p in folder.iterdir()] != [MARKER]:
                continue
            (folder / MARKER).unlink()
            folder.rmdir()
            # The parents made for it (reports/), while nothing else is in them.
            while folder != outermost and not any(folder.parent.iterdir()):
                folder = folder.parent
                folder.rmdir()
        except OSError:  # gone already, or not ours to remove: leave it
            pass
