"""``piefolio history``, ``actual`` and ``next``: the real account."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from piefolio.cli._app import (
    JsonOption,
    _errors_to_exit_codes,
    app,
    console,
    echo_json,
    open_store,
)

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["history_app"]

history_app = typer.Typer(
    help="The real account: import a broker's history, list what is stored.",
    no_args_is_help=True,
)
app.add_typer(history_app, name="history")


def _history_command(
    name: str | None = None, **kwargs: object
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a ``piefolio history`` command whose errors become exit codes."""

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        wrapped = _errors_to_exit_codes(fn)
        history_app.command(name, **kwargs)(wrapped)  # type: ignore[arg-type]
        return wrapped

    return register


@_history_command("import")
def history_import(
    files: Annotated[
        list[Path],
        typer.Argument(help="Trading 212 History CSV exports or piefolio CSVs."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Add broker history files to the ledger; rows already stored are skipped."""
    from rich.table import Table

    from piefolio.account import import_history

    reports = import_history(files, store=open_store())
    if as_json:
        echo_json(
            {
                "files": [
                    {
                        "path": str(r.path),
                        "layout": r.layout,
                        "rows": r.rows,
                        "added": r.added,
                        "first": r.first,
                        "last": r.last,
                        "currency": r.currency,
                    }
                    for r in reports
                ]
            }
        )
        return
    table = Table(title="History imported")
    for col in ("file", "layout", "rows", "new", "from", "to", "currency"):
        table.add_column(col, justify="right" if col in ("rows", "new") else "left")
    for r in reports:
        table.add_row(
            r.path.name,
            r.layout,
            str(r.rows),
            str(r.added),
            str(r.first or ""),
            str(r.last or ""),
            r.currency,
        )
    show = console()
    show.print(table)
    added = sum(r.added for r in reports)
    show.print(f"{added} new rows stored; {sum(r.rows for r in reports) - added} known")


@_history_command("list")
def history_list(
    tail: Annotated[
        int, typer.Option(help="Show the last N rows (0: all of them).")
    ] = 20,
    as_json: JsonOption = False,
) -> None:
    """Show the stored ledger: totals, holdings and the latest rows."""
    from rich.table import Table

    from piefolio.account import load_history
    from piefolio.report.format import money

    ledger = load_history(store=open_store())
    cur = ledger.currency
    if as_json:
        echo_json(
            {
                "currency": cur,
                "entries": ledger.to_frame().to_dict(orient="records"),
                "holdings": ledger.holdings() if len(ledger) else {},
                "cash": ledger.cash(),
                "deposited": ledger.deposited,
                "withdrawn": ledger.withdrawn,
            }
        )
        return
    show = console()
    if not len(ledger):
        show.print("No history stored; run `piefolio history import FILE`.")
        return
    entries = ledger.entries
    show.print(
        f"{len(entries)} rows from {entries[0].date} to {entries[-1].date}; "
        f"deposited {money(ledger.deposited, cur)}, withdrawn "
        f"{money(ledger.withdrawn, cur)}, cash {money(ledger.cash(), cur)}"
    )
    held = Table(title="Shares held (on the latest split's basis)")
    held.add_column("ticker")
    held.add_column("shares", justify="right")
    for ticker, shares in sorted(ledger.holdings().items()):
        held.add_row(ticker, f"{shares:,.6g}")
    show.print(held)
    rows = Table(title="Latest rows" if tail else "All rows")
    for col in ("date", "action", "ticker", "shares", "amount", "file:line"):
        rows.add_column(col, justify="right" if col in ("shares", "amount") else "left")
    for e in entries[-tail:] if tail else entries:
        rows.add_row(
            str(e.date),
            e.action,
            e.ticker,
            f"{e.shares:+,.6g}" if e.shares else "",
            f"{e.amount:+,.2f}",
            f"{e.source}:{e.line}",
        )
    show.print(rows)
