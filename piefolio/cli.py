"""The ``piefolio`` command line: thin commands over the Python API.

Heavy libraries (numba, duckdb, plotly, yfinance) are imported inside the commands
that need them, so ``piefolio --help`` answers at once. Every
:class:`~piefolio.errors.PiefolioError` is printed as one plain message, without a
traceback, and the process exits with the error's code (2 bad input, 3 data
unavailable).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from piefolio.errors import PiefolioError

if TYPE_CHECKING:
    from rich.tree import Tree

    from piefolio.spec import PieSpec, Slice

__all__ = ["app", "main"]

app = typer.Typer(
    name="piefolio",
    help="From an investment thesis to a pie: backtest, risk, stress and thesis "
    "checks on real data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

P = ParamSpec("P")
R = TypeVar("R")

SpecArg = Annotated[
    Path, typer.Argument(help="A pie file (TOML), e.g. examples/ai-energy-2026.toml.")
]


def console() -> Console:
    """Return the console for results (standard output)."""
    return Console(highlight=False, soft_wrap=False)


def _errors_to_exit_codes(fn: Callable[P, R]) -> Callable[P, R]:
    """Print a PiefolioError as one line on stderr and exit with its code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PiefolioError as exc:
            err = Console(stderr=True, highlight=False, soft_wrap=True)
            err.print(f"[bold red]error:[/] {exc}", markup=True)
            raise typer.Exit(exc.exit_code) from exc

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


# ------------------------------------------------------------------------ show / new


@command()
def show(spec: SpecArg) -> None:
    """Show a pie: its tree with effective weights, the plan in words, benchmarks."""
    from piefolio.spec import load_pie

    pie = load_pie(spec)
    out = console()
    out.print(render_tree(pie))
    out.print()
    out.print(f"[bold]Plan:[/] {pie.plan.describe(pie.pie.currency)}")
    fees = pie.plan.fees
    cur = pie.pie.currency
    dividends = "reinvested" if pie.plan.dividends == "reinvest" else "paid as cash"
    out.print(
        f"[bold]Fees:[/] commission {fees.commission_pct:g} % + "
        f"{fees.commission_fixed:g} {cur} per order, FX {fees.fx_pct:g} %, "
        f"spread {fees.spread_bps:g} bps, minimum order {fees.min_order:g} {cur}; "
        f"dividends {dividends}"
    )
    if pie.plan.cash_interest:
        out.print(f"[bold]Cash interest:[/] {pie.plan.cash_interest * 100:g} % a year")
    if pie.benchmarks:
        out.print("[bold]Benchmarks[/] (same plan, same deposits):")
        for b in pie.benchmarks:
            what = b.ticker or ", ".join(
                f"{t} {w:.0%}" for t, w in b.effective_weights().items()
            )
            out.print(f"  • {b.name}: {what}")
    if pie.claims:
        out.print("[bold]Claims[/] to check:")
        for c in pie.claims:
            out.print(
                f"  • {c.id}: {' + '.join(c.long)} beats {' + '.join(c.short)} "
                f"over {c.horizon}" + (f" — {c.text}" if c.text else "")
            )
    for note in pie.pie.notes():
        out.print(f"[yellow]note:[/] {note}")


def render_tree(spec: PieSpec) -> Tree:
    """Build the rich tree of a pie, each node with its own and effective weight."""
    from rich.tree import Tree

    pie = spec.pie
    root = Tree(f"[bold]{pie.name}[/] ({pie.currency})")

    def add(node: Tree, slices: tuple[Slice, ...], scale: float) -> None:
        for s in slices:
            eff = scale * s.weight
            if s.slices is not None:
                branch = node.add(
                    f"[bold cyan]{s.label}[/]  {s.weight:.1%} of parent → {eff:.2%}"
                )
                add(branch, s.slices, eff)
            else:
                named = f" [dim]{s.name}[/]" if s.name else ""
                node.add(f"[green]{s.ticker}[/]{named}  {s.weight:.1%} → {eff:.2%}")

    add(root, pie.slices, 1.0)
    return root


@command()
def new(
    name: Annotated[str, typer.Argument(help="Name of the new pie.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: NAME.toml)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file.")
    ] = False,
) -> None:
    """Write a commented template pie file to edit."""
    from piefolio.errors import SpecError
    from piefolio.template import write_template

    target = out or Path(f"{_slug(name)}.toml")
    if target.exists() and not force:
        raise SpecError(f"{target}: already exists; pass --force to overwrite it")
    write_template(target, name)
    console().print(
        f"Wrote {target}. Edit it, then: [bold]piefolio show {target}[/]", markup=True
    )


def _slug(name: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in name.strip())
    return "-".join(part for part in keep.split("-") if part) or "pie"


def main() -> None:
    """Entry point of the ``piefolio`` console script."""
    try:
        app()
    except PiefolioError as exc:  # raised outside a command, e.g. at import
        Console(stderr=True).print(f"error: {exc}")
        sys.exit(exc.exit_code)
