"""``piefolio show`` and ``piefolio new``: read and write pie files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from piefolio.cli._app import SpecArg, command, console, line, slug

if TYPE_CHECKING:
    from rich.tree import Tree

    from piefolio.spec import PieSpec, Slice

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["new", "render_tree", "show", "show_pie"]


@command()
def show(spec: SpecArg) -> None:
    """Show a pie: its tree with effective weights, the plan in words, benchmarks."""
    from piefolio.spec import load_pie

    show_pie(load_pie(spec))


def show_pie(pie: PieSpec) -> None:
    """Print a pie as ``piefolio show`` does (also the web app's pie page)."""
    from piefolio.report.format import plan_words

    out = console()
    out.print(render_tree(pie))
    out.print()
    out.print(line(("Plan:", "bold"), " ", plan_words(pie.plan, pie.pie.currency)))
    fees = pie.plan.fees
    cur = pie.pie.currency
    dividends = "reinvested" if pie.plan.dividends == "reinvest" else "paid as cash"
    out.print(
        line(
            ("Fees:", "bold"),
            f" commission {fees.commission_pct:g} % + "
            f"{fees.commission_fixed:g} {cur} per order, FX {fees.fx_pct:g} %, "
            f"spread {fees.spread_bps:g} bps, minimum order {fees.min_order:g} {cur}; "
            f"dividends {dividends}",
        )
    )
    if pie.plan.cash_interest:
        interest = f" {pie.plan.cash_interest * 100:g} % a year"
        out.print(line(("Cash interest:", "bold"), interest))
    if pie.benchmarks:
        out.print(line(("Benchmarks", "bold"), " (same plan, same deposits):"))
        for b in pie.benchmarks:
            what = b.ticker or ", ".join(
                f"{t} {w:.0%}" for t, w in b.effective_weights().items()
            )
            out.print(f"  • {b.name}: {what}")
    if pie.claims:
        out.print(line(("Claims", "bold"), " to check:"))
        for c in pie.claims:
            check = (
                f"{' + '.join(c.long)} beats {' + '.join(c.short)} over {c.horizon}"
                if c.has_price_check
                else "tested by its indicators"
            )
            out.print(f"  • {c.id}: {check}" + (f" — {c.text}" if c.text else ""))
            for ind in pie.indicators_of(c.id):
                out.print(
                    f"      {ind.id}: {ind.series} {ind.transform} {ind.side} "
                    f"{ind.threshold:g} {ind.means} it"
                )
    for note in pie.pie.notes():
        out.print(line(("note:", "yellow"), " ", note))


def render_tree(spec: PieSpec) -> Tree:
    """Build the rich tree of a pie, each node with its own and effective weight."""
    from rich.tree import Tree

    pie = spec.pie
    root = Tree(line((pie.name, "bold"), f" ({pie.currency})"))

    def add(node: Tree, slices: tuple[Slice, ...], scale: float) -> None:
        for s in slices:
            eff = scale * s.weight
            if s.slices is not None:
                branch = node.add(
                    line(
                        (s.label, "bold cyan"),
                        f"  {s.weight:.1%} of parent → {eff:.2%}",
                    )
                )
                add(branch, s.slices, eff)
            else:
                named = (" ", (s.name, "dim")) if s.name else ()
                weights = f"  {s.weight:.1%} → {eff:.2%}"
                node.add(line((s.ticker, "green"), *named, weights))

    add(root, pie.slices, 1.0)
    return root


def _check_name(name: str) -> None:
    """Refuse a name the spec would refuse, before writing a file it cannot read."""
    from pydantic import TypeAdapter, ValidationError

    from piefolio.errors import SpecError
    from piefolio.spec import MAX_NAME, Name

    try:
        TypeAdapter(Name).validate_python(name)
    except ValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        shown = repr(name) if len(name) <= 60 else f"{name[:57]!r}..."
        raise SpecError(f"name {shown}: {reason} (at most {MAX_NAME})") from None


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

    _check_name(name)
    target = out or Path(f"{slug(name)}.toml")
    if target.exists() and not force:
        raise SpecError(f"{target}: already exists; pass --force to overwrite it")
    write_template(target, name)
    console().print(
        line(f"Wrote {target}. Edit it, then: ", (f"piefolio show {target}", "bold"))
    )
