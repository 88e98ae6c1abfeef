"""``piefolio history``, ``actual`` and ``next``: the real account."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from piefolio.cli._app import (
    ForceOption,
    JsonOption,
    OfflineOption,
    OutOption,
    SpecArg,
    _errors_to_exit_codes,
    app,
    command,
    console,
    echo_json,
    line,
    open_store,
    report_folder,
)
from piefolio.cli.run import PngOption

if TYPE_CHECKING:
    import pandas as pd

    from piefolio.account import Actual
    from piefolio.account.orders import NextOrders
    from piefolio.report.format import Kind

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["actual", "history_app", "next_deposit"]

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


def _fields() -> tuple[tuple[str, str, Kind], ...]:
    from piefolio.report.format import Kind

    return (
        ("final_value", "Final value", Kind.MONEY),
        ("deposited", "Money in", Kind.MONEY),
        ("withdrawn", "Money out", Kind.MONEY),
        ("xirr", "XIRR (money-weighted)", Kind.RETURN),
        ("twr", "Return (time-weighted)", Kind.RETURN),
        ("pme", "PME", Kind.RATIO),
    )


def _holdings_strings(result: Actual) -> pd.DataFrame:
    import pandas as pd

    from piefolio.report.format import money, percent

    cur = result.currency
    rows = [
        {
            "ticker": h.ticker,
            "shares": f"{h.shares:,.6g}",
            "value": money(h.value, cur),
            "weight": percent(h.weight),
            "target": percent(h.target),
            "drift": f"{h.drift * 100:+.1f} pts",
        }
        for h in result.holdings
    ]
    rows.append(
        {
            "ticker": "cash",
            "shares": "",
            "value": money(float(result.cash.iloc[-1]), cur),
            "weight": "",
            "target": "",
            "drift": "",
        }
    )
    return pd.DataFrame(rows).set_index("ticker")


def _unit_frame(result: Actual) -> pd.DataFrame:
    """Growth of 1, time-weighted: the account, then the plan and each benchmark."""
    import pandas as pd

    unit = {"Your account": result.unit_value}
    unit.update({n: r.unit_value for n, r in result.runs.items()})
    return pd.DataFrame(unit)


def _actual_pngs(result: Actual, folder: Path) -> list[Path]:
    """Write the page's two line charts as PNGs beside it (``--png``)."""
    from piefolio.report.png import write_lines_png

    name = result.spec.pie.name
    return [
        write_lines_png(
            result.nav_frame(),
            f"{name}: value of the same money",
            folder / "actual-value.png",
            unit=result.currency,
        ),
        write_lines_png(
            _unit_frame(result),
            f"{name}: growth of 1, time-weighted",
            folder / "actual-growth.png",
        ),
    ]


def _actual_page(result: Actual, out: Path | None) -> Path:
    import pandas as pd

    from piefolio.cli._app import slug
    from piefolio.report import bars_figure, lines_figure, write_page
    from piefolio.report.format import money, summary_strings

    spec = result.spec
    cur = result.currency
    folder = out or Path("reports") / slug(spec.pie.name)
    first = result.nav.index[0].date()
    last = result.nav.index[-1].date()
    mine = result.summaries[0]
    intro = [
        f"The real account from {first} to {last}: {money(mine.deposited, cur)} "
        f"in, {money(mine.withdrawn, cur)} out, worth {money(mine.final_value, cur)}"
        f" on {last}.",
        f"Set against {spec.pie.name}'s plan and each benchmark, fed the same "
        "deposits and withdrawals on the same days.",
        *result.verdicts(),
    ]
    return write_page(
        f"{spec.pie.name}: your real account",
        intro,
        [
            ("Summary", summary_strings(result.summary(), cur, _fields())),
            (f"Holdings on {last}", _holdings_strings(result)),
        ],
        [
            (
                "Value of the same money",
                lines_figure(
                    result.nav_frame(), "Value of the same money", currency=cur
                ),
            ),
            (
                "Time-weighted growth of 1",
                lines_figure(_unit_frame(result), "Growth of 1, time-weighted"),
            ),
            (
                f"Weights on {last}: actual and target",
                bars_figure(
                    pd.DataFrame(
                        {
                            "actual": [h.weight for h in result.holdings],
                            "target": [h.target for h in result.holdings],
                        },
                        index=[h.ticker for h in result.holdings],
                    ),
                    "Actual and target weights",
                    axis="weight",
                ),
            ),
        ],
        folder / "actual.html",
        notes=result.notes,
    )


def _actual_json(result: Actual) -> dict[str, object]:
    return {
        "currency": result.currency,
        "first_day": result.nav.index[0].date(),
        "last_day": result.nav.index[-1].date(),
        "holdings": [
            {
                "ticker": h.ticker,
                "shares": h.shares,
                "value": h.value,
                "weight": h.weight,
                "target": h.target,
                "drift": h.drift,
            }
            for h in result.holdings
        ],
        "cash": float(result.cash.iloc[-1]),
        "summary": {s.name: s.figures() for s in result.summaries},
        "verdicts": result.verdicts(),
        "notes": list(result.notes),
    }


@command()
def actual(
    spec: SpecArg,
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
    png: PngOption = False,
) -> None:
    """Value the real account daily; set it against the plan and the benchmarks."""
    from rich.table import Table

    from piefolio.account import account_frame, load_history
    from piefolio.account import actual as run_actual
    from piefolio.report.format import summary_strings
    from piefolio.spec import load_pie

    pie = load_pie(spec)
    out = report_folder(out, pie.pie.name, force=force)
    store = open_store()
    ledger = load_history(store=store)
    result = run_actual(
        pie, ledger, account_frame(pie, ledger, store=store, offline=offline)
    )
    page = _actual_page(result, out)
    images = _actual_pngs(result, page.parent) if png else []
    if as_json:
        payload = _actual_json(result)
        payload["files"] = [str(page), *map(str, images)]
        echo_json(payload)
        return
    show = console()
    text = summary_strings(result.summary(), result.currency, _fields())
    first, last = (d.date() for d in result.nav.index[[0, -1]])
    table = Table(
        title=f"The same money, three ways, {first} to {last}", title_justify="left"
    )
    table.add_column("")
    for i, name in enumerate(text.index):
        table.add_column(str(name), justify="right", style="bold" if i == 0 else None)
    for label in text.columns:
        table.add_row(label, *[str(v) for v in text[label]])
    show.print(table)
    for verdict in result.verdicts():
        show.print(verdict)
    held = _holdings_strings(result)
    # The last day with prices, as on the page: not today, whatever the date.
    htable = Table(title=f"Holdings on {last}", title_justify="left")
    htable.add_column("ticker")
    for col in held.columns:
        htable.add_column(col, justify="right")
    for ticker, row in held.iterrows():
        htable.add_row(str(ticker), *[str(v) for v in row])
    show.print(htable)
    for note in result.notes:
        show.print(line(("note:", "yellow"), " ", note))
    for path in (page, *images):
        show.print(line("Wrote ", (path, "bold")))


def _orders_csv(result: NextOrders) -> str:
    import csv
    import io

    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["ticker", "amount", "fee", "fx_fee", "currency"])
    for o in result.orders:
        out.writerow(
            [
                o.ticker,
                f"{o.amount:.2f}",
                f"{o.fee:.2f}",
                f"{o.fx_fee:.2f}",
                result.currency,
            ]
        )
    return buf.getvalue()


@command("next")
def next_deposit(
    spec: SpecArg,
    amount: Annotated[
        float, typer.Option("--amount", help="The deposit to split, base currency.")
    ],
    mode: Annotated[
        str,
        typer.Option(
            help="targets: at the target weights; balance: the most underweight "
            "slices first (never sells)."
        ),
    ] = "targets",
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the orders to this CSV.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing --csv file.")
    ] = False,
    offline: OfflineOption = False,
    as_json: JsonOption = False,
) -> None:
    """Orders for the next deposit, from the real holdings (else the backtest's)."""
    from rich.table import Table

    from piefolio._atomic import atomic_text
    from piefolio.account import current_holdings, next_orders
    from piefolio.errors import SpecError
    from piefolio.report.format import money, percent
    from piefolio.spec import load_pie

    pie = load_pie(spec)
    if csv_file is not None and csv_file.exists() and not force:
        raise SpecError(f"{csv_file}: already exists; pass --force to overwrite it")
    held = current_holdings(pie, store=open_store(), offline=offline)
    result = next_orders(pie, held, amount, mode=mode)
    if csv_file is not None:
        atomic_text(csv_file, _orders_csv(result))
    if as_json:
        echo_json(
            {
                "deposit": result.deposit,
                "mode": result.mode.value,
                "currency": result.currency,
                "source": result.source,
                "as_of": held.as_of,
                "orders": [
                    {
                        "ticker": o.ticker,
                        "amount": o.amount,
                        "fee": o.fee,
                        "fx_fee": o.fx_fee,
                        "weight": o.weight,
                        "target": o.target,
                    }
                    for o in result.orders
                ],
                "waiting": [{"ticker": t, "amount": m} for t, m in result.waiting],
                "left_in_cash": result.left_in_cash,
                "min_order": result.min_order,
                "files": [str(csv_file)] if csv_file else [],
            }
        )
        return
    cur = result.currency
    where = "your account" if result.source == "history" else "the backtest"
    show = console()
    table = Table(
        title=f"Next {money(result.deposit, cur)} ({result.mode.value}), from "
        f"{where} on {held.as_of}",
        title_justify="left",
    )
    for col in ("ticker", "buy", "fee", "of it FX", "weight now", "target"):
        table.add_column(col, justify="left" if col == "ticker" else "right")
    for o in result.orders:
        table.add_row(
            o.ticker,
            f"{o.amount:,.2f} {cur}",
            f"{o.fee:,.2f} {cur}",
            f"{o.fx_fee:,.2f} {cur}",
            percent(o.weight),
            percent(o.target),
        )
    show.print(table)
    for ticker, money_waiting in result.waiting:
        show.print(
            f"{ticker}: {money_waiting:,.2f} {cur} is under the minimum order of "
            f"{result.min_order:,.2f} {cur}; it waits in cash"
        )
    show.print(
        f"Orders {sum(o.amount for o in result.orders):,.2f} {cur} + fees "
        f"{result.fees:,.2f} {cur} + waiting in cash {result.left_in_cash:,.2f} "
        f"{cur} = {result.deposit:,.2f} {cur}"
    )
    if csv_file is not None:
        show.print(line("Wrote ", (csv_file, "bold")))
