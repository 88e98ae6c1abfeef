"""Long work as background jobs: progress, cancel, results kept until the end.

A job runs one verb (a backtest, a Monte Carlo...) on a worker thread and
writes its page and files into its own folder. The verb's progress callback,
the one the CLI's progress bar listens to, feeds :meth:`Job.report`; a cancel
request makes the next report raise :class:`Cancelled`, which unwinds the
verb between two chunks. Jobs and their folders live until the server stops.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from piefolio.errors import PiefolioError

__all__ = ["Cancelled", "Job", "Jobs", "Outcome", "State"]

_log = logging.getLogger("piefolio.web")

State = Literal["queued", "running", "done", "failed", "cancelled"]


class Cancelled(Exception):
    """Raised inside a job's work when its cancel button was pressed."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a finished job offers: its page, files, and what it printed.

    ``page`` and ``files`` name files inside the job's folder (``page`` is ""
    when the command writes none); ``terminal`` is its standard output as
    HTML, ``messages`` its standard error as text.
    """

    page: str
    files: tuple[str, ...] = ()
    terminal: str = ""
    messages: str = ""


@dataclass
class Job:
    """One piece of long work and where it stands.

    ``pie`` is the pie file it runs on, ``makes`` the new pie file it writes
    (an optimizer's proposal), both names in the served folder, or "".
    ``done`` of ``total`` counts the verb's own units (paths, start dates,
    steps); ``total`` is None while the verb does not know it yet.
    """

    id: str
    kind: str
    title: str
    folder: Path
    pie: str = ""
    makes: str = ""
    state: State = "queued"
    stage: str = "waiting for a free worker"
    done: int = 0
    total: int | None = None
    error: str = ""
    outcome: Outcome | None = None
    started: float = field(default_factory=time.monotonic)
    seconds: float | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    def report(self, done: int, total: int | None) -> None:
        """Record progress; raise :class:`Cancelled` if a cancel was asked.

        Called from the verb's thread with its own ``progress(done, total)``.
        """
        self.done, self.total = done, total
        if self._cancel.is_set():
            raise Cancelled

    def step(self, stage: str, done: int, total: int) -> None:
        """Name the stage the work is in (and count it as progress)."""
        self.stage = stage
        self.report(done, total)

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        if self.state in ("queued", "running"):
            self._cancel.set()

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the total is unknown."""
        if self.state == "done":
            return 100
        if not self.total:
            return None
        return min(100, 100 * self.done // self.total)

    @property
    def finished(self) -> bool:
        """Whether the job has stopped, one way or another."""
        return self.state in ("done", "failed", "cancelled")


Work = Callable[[Job], Outcome]


class Jobs:
    """The jobs of one server: started on a few threads, kept until :meth:`close`.

    Parameters
    ----------
    workers : int, default 2
        Jobs that run at once; more wait in line ("queued").
    """

    def __init__(self, workers: int = 2) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="piefolio-serve-"))
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="piefolio-job")
        self._jobs: dict[str, Job] = {}
        self._count = itertools.count(1)
        self._lock = threading.Lock()

    def start(
        self, kind: str, title: str, work: Work, *, pie: str = "", makes: str = ""
    ) -> Job:
        """Queue ``work`` as a new job (see :class:`Job`); return it at once."""
        with self._lock:
            # A counter for order, random letters so ids cannot be guessed.
            number = next(self._count)
            job_id = f"{number}-{secrets.token_hex(4)}"
            folder = self.root / job_id
            folder.mkdir()
            job = Job(
                id=job_id, kind=kind, title=title, folder=folder, pie=pie,
                makes=makes,
            )  # fmt: skip
            self._jobs[job_id] = job
        self._pool.submit(_execute, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        """Return the job ``job_id``, or None."""
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        """Return every job, newest first."""
        return list(reversed(self._jobs.values()))

    def close(self) -> None:
        """Cancel what runs, wait for it, and delete every job's files."""
        for job in self._jobs.values():
            job.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)


def _execute(job: Job, work: Work) -> None:
    job.started = time.monotonic()
    if job._cancel.is_set():
        job.state, job.stage = "cancelled", "cancelled before it started"
        return
    job.state, job.stage = "running", "starting"
    try:
        outcome = work(job)
        if job._cancel.is_set():
            # Work without progress reports (a backtest) cannot stop halfway;
            # its result is dropped, as the user asked.
            raise Cancelled
        job.outcome = outcome
        job.state, job.stage = "done", "done"
    except Cancelled:
        job.state, job.stage = "cancelled", "cancelled"
    except PiefolioError as exc:
        job.state, job.error = "failed", str(exc)
    except OSError as exc:
        job.state = "failed"
        job.error = f"{exc.filename or 'a file'}: {exc.strerror or exc}"
    except Exception as exc:  # a bug: the page says so, the log has the trace
        _log.exception("job %s (%s) failed", job.id, job.kind)
        job.state = "failed"
        job.error = f"internal error ({type(exc).__name__}); see the server's log"
    finally:
        job.seconds = time.monotonic() - job.started
