"""What every ``piefolio`` command shares: the app, error handling, output.

Heavy libraries (numba, duckdb, plotly, yfinance) are imported inside the commands
that need them, so ``piefolio --help`` answers at once. Every
:class:`~piefolio.errors.PiefolioError` is printed as one plain message, without a
traceback, and the process exits with the error's code (2 bad input, 3 data
unavailable).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
import typer.core
from rich.console import Console
from rich.text import Text

from piefolio.errors import PiefolioError, SpecError, WriteError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.progress import Progress

    from piefolio.data.store import Store

__all__ = [
    "ClusterOption",
    "DaskOption",
    "ForceOption",
    "JsonOption",
    "OfflineOption",
    "OutOption",
    "ProcessesOption",
    "SpecArg",
    "app",
    "bad_option",
    "command",
    "console",
    "day_option",
    "echo_json",
    "line",
    "open_executor",
    "open_store",
    "plain",
    "print_error",
    "progress",
    "redirected",
    "report_folder",
    "slug",
    "styled",
]

# The click typer parses with: its own copy in typer 0.2x, click itself before.
_CLICK_ERRORS = getattr(getattr(typer.core, "_click", None), "exceptions", None)
if _CLICK_ERRORS is None:  # pragma: no cover - typer releases that used click
    import click.exceptions as _CLICK_ERRORS


class _OneLineUsageErrors(typer.core.TyperGroup):
    """The root command: a mistyped command line is one ``error:`` line, exit 2.

    click prints its usage block first for ``--paths abc``, a missing argument
    or an unknown command; every other mistake piefolio reports is one plain
    line naming what was expected, so these are too, with the ``--help`` to read.
    """

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except _CLICK_ERRORS.NoArgsIsHelpError as exc:  # bare `piefolio`: the help
            exc.show()
            sys.exit(exc.exit_code)
        except _CLICK_ERRORS.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "piefolio"
            console(stderr=True).print(
                line(
                    ("error:", "bold red"),
                    f" {exc.format_message()} (see '{where} --help')",
                )
            )
            sys.exit(exc.exit_code)
        except _CLICK_ERRORS.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("Aborted!", file=sys.stderr)
            sys.exit(1)
        # Out of standalone mode click returns an exit code (typer.Exit, --help)
        # or the command's own return value, which is None for every command.
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineUsageErrors,
    name="piefolio",
    help="From an investment thesis to a pie: backtest, risk, stress and thesis "
    "checks on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help is text: "[sweep]" in an option's help stays "[sweep]".
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from piefolio import __version__

        typer.echo(f"piefolio {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """From an investment thesis to a pie: backtest, risk, stress and thesis checks."""


P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound="BaseModel")

SpecArg = Annotated[
    Path, typer.Argument(help="A pie file (TOML), e.g. examples/ai-energy-2026.toml.")
]


class _PlainConsole(Console):
    """A console on which every string is text: no markup, no emoji, no controls.

    Names, themes, claims and file names come from users; ``[/bold]`` in one
    must print as ``[/bold]``, and a NUL or an ANSI escape must not reach the
    terminal. Rich turns every string it prints (table cells, titles, tree
    labels) into text here; styles are applied with :func:`styled` and
    :func:`line`, never by markup.
    """

    def __init__(
        self, *, stderr: bool = False, soft_wrap: bool = False, **options: Any
    ) -> None:
        super().__init__(
            stderr=stderr,
            markup=False,
            emoji=False,
            highlight=False,
            soft_wrap=soft_wrap,
            **options,
        )

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """Render ``text`` as plain text, control characters shown escaped."""
        kwargs.update(markup=False, emoji=False)
        return super().render_str(plain(text), **kwargs)


def plain(text: str) -> str:
    r"""Show control characters (NUL, ESC...) as ``\x00``; keep newlines, tabs."""
    if text.isprintable():
        return text
    return "".join(
        f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" and c not in "\n\t" else c
        for c in text
    )


def styled(text: object, style: str) -> Text:
    """Return ``text`` in one rich style, read as text whatever it holds."""
    return Text(plain(str(text)), style=style)


def line(*parts: object | tuple[object, str]) -> Text:
    """Join parts into one line: ``line("Wrote ", (path, "bold"))``.

    A ``(text, style)`` pair is styled; anything else is plain text.
    """
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(styled(*part))
        else:
            out.append(plain(str(part)))
    return out


@dataclass(frozen=True, slots=True)
class _Redirect:
    out: Console
    err: Console
    progress: Callable[[], Progress]


#: Where this thread's commands print, when not to the terminal (the web app).
_REDIRECT: ContextVar[_Redirect | None] = ContextVar("piefolio_redirect", default=None)


@contextmanager
def redirected(
    out: Console, err: Console, progress: Callable[[], Progress]
) -> Iterator[None]:
    """Run commands that print to ``out`` and ``err`` and report to ``progress()``.

    For ``piefolio serve``: a command run on a worker thread shows its tables
    in the browser and feeds the job's progress bar, with the very output and
    progress the terminal would get. Context-local, so two threads do not mix.
    """
    token = _REDIRECT.set(_Redirect(out, err, progress))
    try:
        yield
    finally:
        _REDIRECT.reset(token)


def console(*, stderr: bool = False) -> Console:
    """Return the console for results (standard output) or messages (stderr)."""
    redirect = _REDIRECT.get()
    if redirect is not None:
        return redirect.err if stderr else redirect.out
    return _PlainConsole(stderr=stderr, soft_wrap=stderr)


def bad_option(option: str, value: object, expected: str) -> SpecError:
    """Make the error of a command-line option: its name, the value, the fix."""
    return SpecError(f"{option} {value!r}: expected {expected}")


def day_option(option: str, text: str | None) -> dt.datetime | None:
    """Read a ``YYYY-MM-DD`` option as midnight of that day; None stays None.

    Typer's own date type answers a typo with its usage block and strptime's
    pattern; this gives one line naming the option (exit 2).
    """
    if text is None:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text.strip()), dt.time())
    except ValueError:
        raise SpecError(
            f"{option} {text!r} is not a date; expected YYYY-MM-DD, e.g. 2020-01-31"
        ) from None


def print_error(exc: PiefolioError) -> None:
    """Print a PiefolioError as one plain line on stderr."""
    console(stderr=True).print(line(("error:", "bold red"), " ", exc))


def _errors_to_exit_codes(fn: Callable[P, R]) -> Callable[P, R]:
    """Print a PiefolioError as one line on stderr and exit with its code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from piefolio._folder import settle_claims

        try:
            return fn(*args, **kwargs)
        except PiefolioError as exc:
            settle_claims(failed=True)
            print_error(exc)
            raise typer.Exit(exc.exit_code) from exc
        except OSError as exc:
            # A folder made or a file read outside the atomic writes (disk full,
            # no rights, a file where a folder should be): the system's reason
            # and the path, as one line, never a traceback.
            error = WriteError(f"{exc.filename or 'a file'}: {exc.strerror or exc}")
            settle_claims(failed=True)
            print_error(error)
            raise typer.Exit(error.exit_code) from exc
        finally:  # on success, typer.Exit or an interrupt: forget the claims
            settle_claims(failed=False)

    return wrapper


def command(
    name: str | None = None, **kwargs: object
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a CLI command whose PiefolioErrors become exit codes."""

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        wrapped = _errors_to_exit_codes(fn)
        app.command(name, **kwargs)(wrapped)  # type: ignore[arg-type]
        return wrapped

    return register


class _StderrNotices(logging.Handler):
    """Print the library's warnings (a busy store) as one yellow line on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        console(stderr=True).print(styled(record.getMessage(), "yellow"))


_notices = logging.getLogger("piefolio")
_notices.addHandler(_StderrNotices(logging.WARNING))
_notices.propagate = False


def open_store(path: Path | None = None) -> Store:
    """Open the user's price store (or ``path``), saying so while it waits.

    The wait message goes to stderr each time another process holds the file.
    """
    from piefolio.data.store import Store

    err = console(stderr=True)
    return Store(path, on_wait=lambda msg: err.print(styled(msg, "yellow")))


def progress() -> Progress:
    """Make a progress bar on stderr, gone when done, so stdout stays clean."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    redirect = _REDIRECT.get()
    if redirect is not None:
        return redirect.progress()

    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=console(stderr=True),
        transient=True,
    )


def echo_json(payload: object) -> None:
    """Print JSON on stdout for ``--json``: NaN as null, dates as ISO strings."""
    import json

    from piefolio.report.json import json_safe

    typer.echo(json.dumps(json_safe(payload), indent=2, allow_nan=False))


OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Folder for the report (default: reports/<pie name>/)."
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", help="Write the report into a folder that holds other files."
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print every number as JSON on stdout, no tables."),
]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Use stored prices only, no network.")
]

ProcessesOption = Annotated[
    int | None, typer.Option(help="Run the chunks on this many processes.")
]
DaskOption = Annotated[
    bool, typer.Option("--dask", help="Run the chunks on a local Dask cluster.")
]
ClusterOption = Annotated[
    str | None,
    typer.Option(help="Run the chunks on a Dask scheduler (tcp://HOST:PORT)."),
]


def open_executor(
    stack: ExitStack, processes: int | None, dask: bool, cluster: str | None
) -> Any:
    """Where chunks run: this process, a process pool, or a Dask client.

    The cluster and client close with ``stack``.
    """
    if dask or cluster:
        from dask.distributed import Client, LocalCluster

        target: Any = cluster or stack.enter_context(
            LocalCluster(processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
        )
        return stack.enter_context(Client(target))  # type: ignore[no-untyped-call]
    return "processes" if processes else "local"


def settings_of(kind: type[M], **options: object) -> M:
    """Validate command-line options into a verb's settings.

    A bad value exits 2 with one line naming the option (``--window``) and what
    was expected, as a bad key in a pie file does.
    """
    from pydantic import ValidationError

    from piefolio.errors import SpecError

    try:
        return kind.model_validate(options)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        name = "--" + str(loc[0]).replace("_", "-") if loc else kind.__name__
        raise SpecError(f"{name}: {first['msg']}") from None


def slug(name: str) -> str:
    """Make a file-system friendly name: lower case, words joined by dashes.

    At most 64 characters (192 bytes of UTF-8), well inside any file system's
    limit on a name however long the pie's name is.
    """
    keep = "".join(c.lower() if c.isalnum() else "-" for c in name.strip())
    joined = "-".join(part for part in keep.split("-") if part)
    return joined[:64].rstrip("-") or "pie"


def report_folder(out: Path | None, name: str, *, force: bool) -> Path:
    """Return the folder a command writes its page in: ``--out``, else ``reports/``.

    Checked before any work, so a refusal costs nothing: see
    :func:`piefolio._folder.claim_folder`.
    """
    from piefolio._folder import claim_folder

    return claim_folder(out or Path("reports") / slug(name), force=force)
