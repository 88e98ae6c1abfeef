"""The CLI's commands as jobs: the same verbs, messages, pages and progress.

A job here *is* the command a user would type (``piefolio run PIE --offline
--png``...), called on a worker thread with :func:`piefolio.cli._app.redirected`:
what it prints is recorded as HTML for the browser, its progress bar feeds
the job's, and the files it writes land in the job's folder. So the browser
shows the numbers, tables, notes, error messages and pages of the terminal,
and nothing is computed twice.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, TaskID

from piefolio.cli._app import _PlainConsole, redirected
from piefolio.errors import PiefolioError
from piefolio.web.jobs import Job, Outcome, Work

__all__ = ["KINDS", "capture", "command_job"]

#: Width of the recorded terminal: wide enough for the widest table.
_WIDTH = 120

#: Job kind -> (button label, the page the command writes, or "" for none).
KINDS: dict[str, tuple[str, str]] = {
    "run": ("Run (backtest)", "index.html"),
    "pngs": ("PNG images and PDF tearsheet", ""),
    "stress": ("Stress", "stress.html"),
    "simulate": ("Monte Carlo", "simulate.html"),
    "claims": ("Claims", "claims.html"),
    "thesis": ("Thesis", "thesis.html"),
    "sweep": ("Every start date", "sweep-starts.html"),
    "optimize": ("Optimize", ""),
    "actual": ("Real account", "actual.html"),
    "next": ("Next deposit", ""),
    "compare": ("Compare", "index.html"),
}


class _Recorder(_PlainConsole):
    """A plain console that records what a command prints, for the page."""

    def __init__(self, job: Job | None = None) -> None:
        super().__init__(
            file=io.StringIO(), record=True, width=_WIDTH, force_terminal=False
        )
        self._job = job

    def status(self, status: Any, **options: Any) -> Any:
        """Show a command's "Backtesting..." line as the job's stage."""
        if self._job is not None:
            self._job.stage = str(status)
        return super().status(status, **options)

    def html(self) -> str:
        """Return what was printed as one ``<pre>`` of escaped, styled text."""
        return self.export_html(
            inline_styles=True, code_format='<pre class="terminal">{code}</pre>'
        )


class _JobProgress(Progress):
    """The CLI's progress bar, with every update passed on to a job.

    An update after a cancel raises :class:`~piefolio.web.jobs.Cancelled`,
    which stops the command between two chunks of its work.
    """

    def __init__(self, job: Job) -> None:
        super().__init__(
            console=Console(file=io.StringIO()), auto_refresh=False, transient=True
        )
        self._job = job

    def add_task(self, description: str, *args: Any, **kwargs: Any) -> TaskID:
        """Start a task; its description is the job's stage."""
        task = super().add_task(description, *args, **kwargs)
        self._job.stage = description
        self._pass_on(task)
        return task

    def update(self, task_id: TaskID, **kwargs: Any) -> None:
        """Update a task, then the job."""
        super().update(task_id, **kwargs)
        self._pass_on(task_id)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        """Advance a task, then the job."""
        super().advance(task_id, advance)
        self._pass_on(task_id)

    def _pass_on(self, task_id: TaskID) -> None:
        task = self._tasks[task_id]
        total = None if task.total is None else int(task.total)
        self._job.report(int(task.completed), total)


def capture(command: Callable[..., Any], /, **arguments: Any) -> str:
    """Run a quick command (``show``) here and return what it printed, as HTML.

    A PiefolioError it raises passes through, for the page to show.
    """
    out, err = _Recorder(), _Recorder()
    with redirected(out, err, lambda: Progress(console=err)):
        _unwrapped(command)(**arguments)
    return out.html()


def command_job(command: Callable[..., Any], page: str, /, **arguments: Any) -> Work:
    """Make a job's work: run ``command(**arguments, out=<job folder>)``.

    Parameters
    ----------
    command : callable
        A registered CLI command (``piefolio.cli.run.run``...).
    page : str
        The file the command writes its page to, or "" when it writes none.
    **arguments
        The command's parameters, as its options would set them; ``out`` and
        ``force`` are filled in with the job's own (empty) folder.
    """

    def work(job: Job) -> Outcome:
        out, err = _Recorder(job), _Recorder(job)
        call = dict(arguments)
        if "out" in call:
            call.update(out=job.folder, force=True)
        with redirected(out, err, lambda: _JobProgress(job)):
            try:
                _unwrapped(command)(**call)
            except click.exceptions.Exit as exc:  # a verdict as an exit code
                if exc.exit_code:
                    why = f"ended with exit code {exc.exit_code}"
                    raise PiefolioError(why) from exc
        files = tuple(
            p.name
            for p in sorted(job.folder.iterdir())
            if p.is_file() and not p.name.startswith(".")
        )
        # "Wrote /tmp/piefolio-serve-.../3-ab12/index.html" reads "Wrote
        # index.html": the file is one of the downloads below.
        inside = f"{job.folder}{os.sep}"
        return Outcome(
            page=page if page in files else "",
            files=files,
            terminal=out.html().replace(inside, ""),
            messages=err.export_text().replace(inside, ""),
        )

    return work


def _unwrapped(command: Callable[..., Any]) -> Callable[..., Any]:
    # The registered command turns a PiefolioError into an exit code; the job
    # wants the error itself, to show its message.
    return getattr(command, "__wrapped__", command)


def as_day(text: str, field: str) -> dt.datetime | None:
    """Read an optional ``YYYY-MM-DD`` form field as the CLI's date option does."""
    from piefolio.cli._app import bad_option

    if not text.strip():
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        raise bad_option(f"--{field}", text, "a day as YYYY-MM-DD") from None
