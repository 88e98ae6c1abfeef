"""The folder of pie files the web app reads and writes, and nothing outside it.

Every name a browser sends is checked before it touches the disk: a plain file
name ending in ``.toml`` (letters, digits, ``.``, ``_``, ``-``), no folder part,
no ``..``, not absolute, and a link only if it stays inside the folder. A new
file is created atomically and never over an existing one (a hard link of a
finished temporary file: the name appears whole or not at all); an existing
file is replaced only when the browser proves it saw the current text (its
digest), so two tabs never silently overwrite each other.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from piefolio._atomic import atomic_text
from piefolio.errors import SpecError, WriteError

__all__ = ["PieFolder", "digest"]

#: A pie file's name: one plain file name, no folder, no leading dot.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,94}\.toml")

#: The largest pie file read or written (a pie is a few kilobytes).
MAX_BYTES = 1_000_000


def digest(text: str) -> str:
    """Return the SHA-256 of ``text`` (UTF-8), hex: what "the version I saw" means."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class PieFolder:
    """Pie files inside one folder.

    Parameters
    ----------
    root : Path
        The folder; resolved once, so a link above it does not move it later.
    """

    root: Path

    @classmethod
    def at(cls, folder: Path) -> PieFolder:
        """Open ``folder``; a SpecError if it is not an existing folder."""
        if not folder.is_dir():
            raise SpecError(f"--folder {str(folder)!r}: expected an existing folder")
        return cls(folder.resolve())

    def path(self, name: str) -> Path:
        """Return the path of the pie file ``name``, checked to lie inside the folder.

        Raises
        ------
        SpecError
            ``name`` is not a plain ``.toml`` file name, or it is a link that
            leads outside the folder.
        """
        if not _NAME.fullmatch(name) or ".." in name:
            shown = repr(name) if len(name) <= 60 else f"{name[:57]!r}..."
            raise SpecError(
                f"{shown}: expected a file name of this folder ending in .toml "
                "(letters, digits, '.', '_', '-'; no folder, no '..')"
            )
        path = self.root / name
        if path.is_symlink() and not path.resolve().is_relative_to(self.root):
            raise SpecError(f"{name}: a link that leads outside the folder")
        return path

    def names(self) -> list[str]:
        """Return the pie files of the folder (``*.toml``), sorted; none outside it."""
        out = []
        for entry in sorted(self.root.glob("*.toml")):
            try:
                self.path(entry.name)
            except SpecError:
                continue
            if entry.is_file():
                out.append(entry.name)
        return out

    def read(self, name: str) -> str:
        """Return the text of ``name``; a SpecError when it is missing or too big."""
        path = self.path(name)
        if not path.is_file():
            raise SpecError(f"{name}: no such pie file in {self.root}")
        if path.stat().st_size > MAX_BYTES:
            raise SpecError(f"{name}: larger than {MAX_BYTES:,} bytes; not a pie file")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise SpecError(f"{name}: not UTF-8 text") from None

    def create(self, name: str, text: str) -> Path:
        """Write a new file ``name``; refuse, leaving it as it is, if it exists.

        Raises
        ------
        SpecError
            The name is refused, or a file of that name exists.
        WriteError
            The folder cannot be written.
        """
        path = self.path(name)
        _check_size(name, text)
        if path.exists() or path.is_symlink():
            raise SpecError(f"{name}: already exists; open it to edit it")
        try:
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{name}.", suffix=".tmp")
        except OSError as exc:
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)
            # link() refuses an existing name: no window in which a file that
            # appeared meanwhile is overwritten.
            os.link(tmp, path)
        except FileExistsError:
            raise SpecError(f"{name}: already exists; open it to edit it") from None
        except OSError as exc:
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from exc
        finally:
            Path(tmp).unlink(missing_ok=True)
        return path

    def replace(self, name: str, text: str, *, seen: str) -> Path:
        """Replace ``name`` with ``text`` if it still holds what the editor loaded.

        Parameters
        ----------
        name : str
            An existing pie file of the folder.
        text : str
            The new content.
        seen : str
            :func:`digest` of the text the editor started from.

        Raises
        ------
        SpecError
            The file changed on disk since (another tab, an editor): nothing is
            written, so neither version is lost.
        """
        current = self.read(name)
        _check_size(name, text)
        if digest(current) != seen:
            raise SpecError(
                f"{name}: changed on disk since you opened it; nothing was saved "
                "(reload the page to see the new version, or save under a new name)"
            )
        return atomic_text(self.path(name), text)


def _check_size(name: str, text: str) -> None:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise SpecError(f"{name}: larger than {MAX_BYTES:,} bytes; not a pie file")
