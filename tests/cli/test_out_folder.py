"""Reports never overwrite a user's files, and a killed write leaves no debris.

Before: ``run --out DIR`` wrote over a user's own ``index.html`` without a word
(``new`` and ``optimize --write`` already asked for ``--force``); ``--out`` naming
a file ended in a traceback; a report write killed with SIGKILL left its
``.index.html.*.tmp`` in the folder for good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from piefolio._atomic import atomic_text
from piefolio._folder import MARKER, claim_folder
from piefolio.errors import SpecError
from tests.cli.conftest import Invoke

MINE = "<html>my own page</html>"


def test_a_folder_is_claimed_only_when_absent_empty_or_piefolios(
    tmp_path: Path,
) -> None:
    fresh = claim_folder(tmp_path / "new" / "deeper")
    assert (fresh / MARKER).is_file()
    (fresh / "index.html").write_text("ours")
    assert claim_folder(fresh) == fresh  # marked: piefolio may write again
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (claim_folder(empty) / MARKER).is_file()


def test_a_folder_with_a_users_files_is_refused_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(MINE)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(
        SpecError,
        match=r"holds files piefolio did not write \(index.html, notes.txt\); pass --force",
    ):
        claim_folder(tmp_path)
    assert claim_folder(tmp_path, force=True) == tmp_path
    # Forced once is not forced forever: the folder stays unmarked.
    assert not (tmp_path / MARKER).exists()
    with pytest.raises(SpecError):
        claim_folder(tmp_path)


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text(MINE)
    with pytest.raises(SpecError, match=r"report\.html: is a file, not a folder"):
        claim_folder(target, force=True)
    assert target.read_text() == MINE


@pytest.mark.parametrize(
    "command",
    [
        ("run", "{spec}", "--offline"),
        ("run", "{spec}", "--offline", "--no-report", "--png"),
        ("stress", "{spec}", "--offline"),
        ("simulate", "{spec}", "--offline"),
        ("sweep", "{spec}", "--offline"),
        ("compare", "{spec}", "{spec}", "--offline"),
        ("demo",),
    ],
)
def test_every_page_writer_refuses_a_users_folder_and_a_file(
    piefolio: Invoke, write_pie: Callable[..., Path], tmp_path: Path,
    command: tuple[str, ...],
) -> None:  # fmt: skip
    spec = str(write_pie())
    args = [a.format(spec=spec) for a in command]
    theirs = tmp_path / "site"
    theirs.mkdir()
    (theirs / "index.html").write_text(MINE)
    refused = piefolio(*args, "--out", str(theirs))
    assert refused.code == 2, refused.output
    assert "site: holds files piefolio did not write (index.html)" in refused.output
    assert (theirs / "index.html").read_text() == MINE
    assert sorted(p.name for p in theirs.iterdir()) == ["index.html"]
    a_file = piefolio(*args, "--out", str(theirs / "index.html"))
    assert a_file.code == 2, a_file.output
    assert "index.html: is a file, not a folder" in a_file.output


def test_demo_writes_again_where_it_wrote_and_with_force_where_asked(
    piefolio: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    first = piefolio("demo", "--out", str(out))
    assert first.code == 0, first.output
    again = piefolio("demo", "--out", str(out))
    assert again.code == 0, again.output
    theirs = tmp_path / "site"
    theirs.mkdir()
    (theirs / "index.html").write_text(MINE)
    forced = piefolio("demo", "--out", str(theirs), "--force")
    assert forced.code == 0, forced.output
    assert (theirs / "index.html").read_text() != MINE


def test_json_and_no_report_runs_write_nothing_and_check_nothing(
    piefolio: Invoke, tmp_path: Path
) -> None:
    theirs = tmp_path / "site"
    theirs.mkdir()
    (theirs / "index.html").write_text(MINE)
    ran = piefolio("demo", "--no-report", "--json", "--out", str(theirs))
    assert ran.code == 0, ran.output
    assert sorted(p.name for p in theirs.iterdir()) == ["index.html"]


def test_a_killed_write_leaves_no_temporary_file_after_the_next(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    # A writer killed by SIGKILL half-way: its except clause never runs.
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from piefolio._atomic import atomic_write

        def half(tmp):
            tmp.write_text("half a page")
            os.kill(os.getpid(), signal.SIGKILL)

        atomic_write(Path({str(target)!r}), half)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed = subprocess.run([sys.executable, "-c", script], env=env, check=False)
    assert killed.returncode == -signal.SIGKILL
    debris = [p.name for p in tmp_path.iterdir()]
    assert (
        len(debris) == 1
        and debris[0].startswith(".index.html.")
        and debris[0].endswith(".tmp")
    )
    atomic_text(target, "a whole page")
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    assert target.read_text() == "a whole page"


def test_a_live_writers_temporary_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    # Another process still writing (our parent here: alive for sure).
    live = tmp_path / f".index.html.{os.getppid()}.abcd1234.tmp"
    live.write_text("being written")
    atomic_text(target, "page")
    assert live.exists()


def test_a_full_disk_is_one_line_and_the_old_file_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename that fails (as on a full disk) names the path and the reason.

    Before: the OSError went up as a traceback. The old content must survive and
    the temporary file must go, since the rename never happened.
    """
    import errno

    from piefolio.errors import WriteError

    target = tmp_path / "index.html"
    target.write_text(MINE)

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("piefolio._atomic.os.replace", full)
    with pytest.raises(WriteError, match=r"index\.html: No space left on device"):
        atomic_text(target, "<html>new</html>")
    assert target.read_text() == MINE
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_folder_that_cannot_be_made_exits_1_without_traceback(
    piefolio: Invoke, tmp_path: Path
) -> None:
    # --out names a path under a plain file: mkdir fails with ENOTDIR inside
    # `new`, outside the folder check. One line, exit 1 ("other failure").
    (tmp_path / "plain").write_text("a file")
    outcome = piefolio("new", "My pie", "--out", str(tmp_path / "plain" / "pie.toml"))
    assert outcome.code == 1, outcome.output
    assert outcome.output.startswith("error: ")
    assert "plain is a file, not a folder" in outcome.output
    assert "Traceback" not in outcome.output
    assert (tmp_path / "plain").read_text() == "a file"


def test_a_run_without_a_page_leaves_no_folder(
    piefolio: Invoke, tmp_path: Path
) -> None:
    # Before: demo --no-report made reports/<pie>/ and its marker, and left
    # them empty; a run that writes nothing claims nothing.
    ran = piefolio("demo", "--no-report")
    assert ran.code == 0, ran.output
    assert not (tmp_path / "reports").exists()


def test_a_failed_run_takes_back_only_the_folders_it_made(
    piefolio: Invoke, write_pie: Callable[..., Path], tmp_path: Path
) -> None:
    spec = str(write_pie())
    # No prices in this home: the run fails (exit 3) after claiming its folder.
    failed = piefolio("run", spec, "--offline")
    assert failed.code == 3, failed.output
    assert not (tmp_path / "reports").exists()
    deep = tmp_path / "a" / "b" / "c"
    assert piefolio("run", spec, "--offline", "--out", str(deep)).code == 3
    assert not (tmp_path / "a").exists()
    # A folder that was there before (empty, or marked by an earlier page) stays.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert piefolio("run", spec, "--offline", "--out", str(empty)).code == 3
    assert empty.is_dir()
    shared = tmp_path / "shared"
    (shared / "mine").mkdir(parents=True)
    assert piefolio("run", spec, "--offline", "--out", str(shared / "r")).code == 3
    assert sorted(p.name for p in shared.iterdir()) == ["mine"]
