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
    import datetime as dt

    import pandas as pd
    from rich.progress import Progress
    from rich.table import Table
    from rich.tree import Tree

    from piefolio.data.providers.base import Provider
    from piefolio.data.store import Store
    from piefolio.optimize import Optimize, Proposal, WalkForward
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


# ------------------------------------------------------------------------- optimize


@command()
def optimize(
    spec: SpecArg,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            "-m",
            help="equal, theme-equal, inverse-vol, risk-parity, hrp, min-variance, "
            "max-sharpe or max-diversification (default: [optimize] method).",
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Propose with every method, side by side.")
    ] = False,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Write the proposal into a NEW pie file."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --write file if it exists.")
    ] = False,
    backtest: Annotated[
        bool,
        typer.Option(
            "--backtest/--no-backtest",
            help="Walk-forward backtest of each proposal against the current pie.",
        ),
    ] = True,
) -> None:
    """Propose weights for a pie's slices under its [optimize] limits."""
    from piefolio.errors import OptimizationError, SpecError
    from piefolio.optimize import Method, Optimize, assess, propose, walk_forward
    from piefolio.optimize import write_proposal as write_file
    from piefolio.spec import load_pie

    pie = load_pie(spec)
    settings = pie.optimize or Optimize()
    if every and write is not None:
        raise SpecError("--write needs one proposal: use --method, not --all")
    if every:
        methods = list(Method)
    else:
        try:
            methods = [Method(method) if method else settings.method]
        except ValueError as exc:
            choices = ", ".join(m.value for m in Method)
            raise SpecError(
                f"--method {method!r} is not a method; expected one of {choices}"
            ) from exc
    prices = _optimize_prices(pie, settings)

    current = assess(pie, prices, settings=settings)
    proposals = {}
    failed = {}
    for m in methods:
        try:
            proposals[m.value] = propose(pie, prices, method=m, settings=settings)
        except OptimizationError as exc:
            if not every:
                raise
            failed[m.value] = str(exc)
    out = console()
    out.print(
        f"[bold]{pie.name}[/]: weights estimated on {current.days} days "
        f"{current.start}..{current.end} (lookback {settings.lookback}); expected "
        f"returns {_describe_views(settings)}; risk-free {current.risk_free:.2%}"
    )
    out.print(_weights_table(pie, current, proposals))
    out.print(_theme_risk_table(current, proposals))
    if backtest and proposals:
        out.print(_walk_forward_table(pie, prices, settings, proposals, walk_forward))
    seen: set[str] = set()
    for name, p in [("current", current), *proposals.items()]:
        for note in p.notes:
            if note not in seen:
                seen.add(note)
                out.print(f"[yellow]note[/] ({name}): {note}")
    for name, reason in failed.items():
        out.print(f"[red]{name} failed:[/] {reason}")
    if write is not None:
        (proposal,) = proposals.values()
        written = write_file(pie, proposal, write, force=force)
        out.print(f"Wrote {written}. Check it: [bold]piefolio show {written}[/]")


def _optimize_prices(pie: PieSpec, settings: Optimize) -> pd.DataFrame:
    """Prices for ``optimize``, in the base currency, with a lookback before start."""
    from piefolio.data import get_prices
    from piefolio.optimize.proposal import period_offset

    start = pie.plan.start - period_offset(settings.lookback)
    prices: pd.DataFrame = get_prices(pie, start=start.date()).prices
    return prices


#: Column headers that keep eight methods side by side in 100 columns.
_SHORT = {
    "equal": "EW",
    "theme-equal": "theme",
    "inverse-vol": "inv-vol",
    "risk-parity": "RP",
    "hrp": "HRP",
    "min-variance": "min-var",
    "max-sharpe": "max-SR",
    "max-diversification": "max-div",
}


def _describe_views(settings: Optimize) -> str:
    views = settings.expected_returns
    if isinstance(views, dict):
        own = ", ".join(f"{t} {r:.1%}" for t, r in views.items())
        return f"historical, with your views {own}"
    return str(views)


def _weights_table(
    pie: PieSpec, current: Proposal, proposals: dict[str, Proposal]
) -> Table:
    from rich.box import SIMPLE
    from rich.table import Table

    table = Table(
        title="Weights: current and proposed", title_justify="left", box=SIMPLE
    )
    table.add_column("Theme / slice", no_wrap=True, max_width=24)
    table.add_column("E(r)", justify="right", min_width=5)
    table.add_column("now", justify="right", min_width=5)
    for name in proposals:
        header = _SHORT.get(name, name)
        table.add_column(header, justify="right", min_width=max(5, len(header)))
    for theme, members in pie.pie.themes().items():
        cells = [f"{p.theme_weights[theme]:.1%}" for p in proposals.values()]
        table.add_row(
            f"[bold]{theme}[/]", "", f"{current.theme_weights[theme]:.1%}", *cells
        )
        if len(members) == 1 and theme in members:
            continue
        for ticker in members:
            views = current.expected_returns
            er = f"{views[ticker]:.0%}" if ticker in views else "n/a"
            cells = [f"{p.weights[ticker]:.1%}" for p in proposals.values()]
            table.add_row(f"  {ticker}", er, f"{current.weights[ticker]:.1%}", *cells)
    table.add_section()
    rows: list[tuple[str, Callable[[Proposal], str]]] = [
        ("Expected volatility", lambda p: f"{p.volatility:.1%}"),
        ("Expected return", lambda p: f"{p.expected_return:.1%}"),
        ("Turnover", lambda p: f"{p.turnover:.1%}"),
    ]
    if any(p.used != p.method for p in proposals.values()):
        rows.append(("Fell back to", lambda p: "" if p.used == p.method else p.used))
    for label, cell in rows:
        table.add_row(label, "", cell(current), *[cell(p) for p in proposals.values()])
    return table


def _theme_risk_table(current: Proposal, proposals: dict[str, Proposal]) -> Table:
    from rich.box import SIMPLE
    from rich.table import Table

    table = Table(title="Risk contribution per theme", title_justify="left", box=SIMPLE)
    table.add_column("Theme", no_wrap=True, max_width=24)
    table.add_column("now", justify="right", min_width=5)
    for name in proposals:
        header = _SHORT.get(name, name)
        table.add_column(header, justify="right", min_width=max(5, len(header)))
    for theme, share in current.theme_risk_contribution.items():
        cells = [f"{p.theme_risk_contribution[theme]:.1%}" for p in proposals.values()]
        table.add_row(theme, f"{share:.1%}", *cells)
    return table


def _walk_forward_table(
    pie: PieSpec,
    prices: pd.DataFrame,
    settings: Optimize,
    proposals: dict[str, Proposal],
    walk_forward: Callable[..., WalkForward],
) -> Table:
    from rich.box import SIMPLE
    from rich.table import Table

    from piefolio.errors import OptimizationError

    table = Table(
        box=SIMPLE,
        title=f"Walk-forward from {pie.plan.start} (refit every "
        f"{settings.rebalance_every}, buy and hold between, no fees)",
        title_justify="left",
    )
    for col in ("Pie", "Annual return", "Volatility", "Max drawdown"):
        table.add_column(col, justify="left" if col == "Pie" else "right")
    current_row = None
    for name in proposals:
        try:
            wf = walk_forward(
                pie, prices, method=name, settings=settings, start=pie.plan.start
            )
        except OptimizationError as exc:
            table.add_row(name, f"[red]{exc}[/]", "", "")
            continue
        # Rows proposal, current; columns annual return, volatility, drawdown.
        ours, pie_row = wf.summary().to_numpy(dtype=float)
        table.add_row(name, *[f"{x:.1%}" for x in ours])
        current_row = [f"{x:.1%}" for x in pie_row]
    if current_row is not None:
        table.add_row("current pie", *current_row)
    return table


# ------------------------------------------------------------------------------ data

data_app = typer.Typer(
    help="Market data: fetch, import, list, inspect and verify stored prices.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


def data_command(
    name: str | None = None, **kwargs: object
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a ``piefolio data`` command whose PiefolioErrors become exit codes."""

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        wrapped = _errors_to_exit_codes(fn)
        data_app.command(name, **kwargs)(wrapped)  # type: ignore[arg-type]
        return wrapped

    return register


def _store() -> Store:
    from piefolio.data.store import Store

    err = Console(stderr=True, highlight=False)
    return Store(on_wait=lambda msg: err.print(f"[yellow]{msg}[/]", markup=True))


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@data_command("fetch")
def data_fetch(
    targets: Annotated[
        list[str], typer.Argument(help="Tickers (CVX ASML.AS EURUSD=X) or a pie file.")
    ],
    start: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD (default: plan start).")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Last day (default: today).")] = None,
    provider: Annotated[
        str | None,
        typer.Option(help="Only this provider: yahoo, stooq, fred or sample."),
    ] = None,
) -> None:
    """Fetch prices into the store; only missing date ranges are asked for."""
    import datetime as dt

    from rich.table import Table

    from piefolio.data.chain import default_providers, update

    symbols, first, base = _targets(targets)
    lo = dt.date.fromisoformat(start) if start else first or dt.date(2000, 1, 1)
    hi = dt.date.fromisoformat(end) if end else dt.date.today()
    providers = _pick_providers(provider) if provider else default_providers()
    store = _store()
    with _progress() as bar:
        task = bar.add_task("fetching", total=len(symbols))
        reports = update(
            symbols,
            lo,
            hi,
            store=store,
            providers=providers,
            progress=lambda s: bar.advance(task),
        )
        if base is not None:
            # A pie in EUR needs EURUSD=X for its US slices: fetch the FX pairs
            # of the currencies the symbols turned out to be in.
            pairs = _fx_pairs(store, symbols, base)
            bar.update(task, total=len(symbols) + len(pairs))
            reports += update(
                pairs,
                lo,
                hi,
                store=store,
                providers=providers,
                progress=lambda s: bar.advance(task),
            )
    table = Table("symbol", "result")
    for r in reports:
        table.add_row(r.symbol, r.describe().split(": ", 1)[1])
    console().print(table)
    lost = [r.symbol for r in reports if not r.ok and r.last_stored is None]
    if lost:
        from piefolio.errors import DataUnavailable

        raise DataUnavailable(
            f"no data for {', '.join(lost)}: check the tickers (Yahoo spelling, "
            "e.g. ASML.AS), connect to the internet, or import a file with "
            "`piefolio data import FILE`"
        )


def _targets(targets: list[str]) -> tuple[list[str], dt.date | None, str | None]:
    """Symbols, first day and base currency of the fetch targets."""
    if len(targets) == 1 and targets[0].lower().endswith(".toml"):
        from piefolio.data.prices import spec_symbols
        from piefolio.spec import load_pie

        spec = load_pie(targets[0])
        return spec_symbols(spec)[1], spec.plan.start, spec.pie.currency
    return [t.upper() for t in targets], None, None


def _fx_pairs(store: Store, symbols: list[str], base: str) -> list[str]:
    from piefolio.data.fx import canonical_pair

    infos = {i.symbol: i for i in store.symbols()}
    return sorted(
        {
            canonical_pair(infos[s].currency, base)
            for s in symbols
            if s in infos and infos[s].currency != base
        }
    )


def _pick_providers(name: str) -> list[Provider]:
    from piefolio.data.chain import default_providers, list_providers
    from piefolio.data.providers.sample import SampleProvider
    from piefolio.errors import DataError

    if name == "sample":
        return [SampleProvider()]
    chosen = [p for p in default_providers() if p.name == name]
    if not chosen:
        raise DataError(
            f"unknown provider {name!r}; expected one of yahoo, stooq, fred, sample "
            f"(all: {', '.join(list_providers())})"
        )
    return chosen


@data_command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet file of prices.")],
    currency: Annotated[
        str, typer.Option(help="Currency of the prices (ISO code).")
    ] = "USD",
    only: Annotated[
        str | None,
        typer.Option(help="Comma-separated tickers/series to keep, e.g. DEXUSEU."),
    ] = None,
) -> None:
    """Import a price file into the store: checked whole, written in one go."""
    from rich.table import Table

    from piefolio.data.providers.files import read_prices_file

    keep = [o.strip() for o in only.split(",")] if only else None
    with _progress() as bar:
        task = bar.add_task(f"reading {file.name}", total=None)
        series = read_prices_file(file, currency=currency.upper(), only=keep)
        bar.update(
            task, total=len(series), completed=0, description=f"storing {file.name}"
        )
        rows = _store().write(series, progress=lambda s: bar.advance(task))
    table = Table("symbol", "currency", "first", "last", "rows")
    for s in series:
        table.add_row(
            s.symbol, s.currency, str(s.first_date), str(s.last_date), str(len(s.frame))
        )
    out = console()
    out.print(table)
    out.print(f"Imported {rows} rows of {len(series)} symbols from {file}.")


@data_command("list")
def data_list() -> None:
    """List the stored symbols with their coverage and source."""
    from rich.table import Table

    store = _store()
    infos = store.symbols()
    out = console()
    if not infos:
        out.print(
            f"The store ({store.path}) is empty. Try: piefolio demo, "
            "piefolio data fetch CVX, or piefolio data import FILE"
        )
        return
    table = Table("symbol", "currency", "first", "last", "rows", "source", "updated")
    for i in infos:
        table.add_row(
            i.symbol,
            i.currency,
            str(i.first_date),
            str(i.last_date),
            str(i.rows),
            i.source,
            i.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)
    out.print(f"[dim]{store.path}[/]")


@data_command("info")
def data_info(
    ticker: Annotated[str, typer.Argument(help="A stored symbol, e.g. CVX.")],
) -> None:
    """Coverage, gaps, source, last update and terms of one symbol."""
    from piefolio.data.providers.sample import SAMPLE_TERMS, SampleProvider
    from piefolio.data.verify import verify_store
    from piefolio.errors import DataUnavailable

    sym = ticker.upper()
    store = _store()
    info = store.info(sym)
    out = console()
    if info is None:
        if SampleProvider().supports(sym):
            out.print(f"{sym} is not stored, but the offline sample holds it.")
            out.print(f"[bold]Terms:[/] {SAMPLE_TERMS}")
            out.print(f"Store it with: piefolio data fetch {sym} --provider sample")
            return
        raise DataUnavailable(
            f"{sym} is not in the store ({store.path}); fetch it with "
            f"`piefolio data fetch {sym}` or import a file with "
            "`piefolio data import FILE`"
        )
    out.print(f"[bold]{sym}[/] {info.name}".rstrip())
    out.print(
        f"Coverage: {info.first_date} to {info.last_date}, {info.rows} days "
        f"(asked: {info.covered_from} to {info.covered_to})"
    )
    out.print(
        f"Currency: {info.currency}; source: {info.source}; last update "
        f"{info.updated_at:%Y-%m-%d %H:%M} UTC"
    )
    gaps = [f for f in verify_store(store, [sym]) if f.kind == "gap"]
    out.print(f"Gaps over 5 weekdays: {len(gaps)}")
    for g in gaps[:10]:
        out.print(f"  • {g.date}: {g.detail}")
    if info.terms:
        out.print(f"[bold]Terms:[/] {info.terms}")


@data_command("verify")
def data_verify(
    symbols: Annotated[
        list[str] | None, typer.Argument(help="Symbols to check (default: all).")
    ] = None,
) -> None:
    """Flag duplicates, non-positive prices, long gaps and one-day moves over 50 %."""
    from rich.table import Table

    from piefolio.data.verify import verify_store

    findings = verify_store(_store(), [s.upper() for s in symbols or []])
    out = console()
    if not findings:
        out.print(
            "No findings: no duplicates, non-positive prices, long gaps or "
            "one-day moves over 50 %."
        )
        return
    table = Table("symbol", "date", "kind", "detail")
    for f in findings:
        table.add_row(f.symbol, f.date.isoformat(), f.kind, f.detail)
    out.print(table)
    kinds = {
        k: sum(f.kind == k for f in findings)
        for k in sorted({f.kind for f in findings})
    }
    out.print(
        "To check by a person (big moves are often real): "
        + ", ".join(f"{n} {k}" for k, n in kinds.items())
    )


# ------------------------------------------------------------------------------ demo


@command()
def demo() -> None:
    """Show the offline demo pie (bundled sample data) and its data coverage."""
    from rich.table import Table

    from piefolio.data.demo import demo_prices, demo_spec

    spec = demo_spec()
    frame = demo_prices(_store())
    out = console()
    out.print(render_tree(spec))
    out.print(f"[bold]Plan:[/] {spec.plan.describe(spec.pie.currency)}")
    table = Table(
        "symbol", "currency", "first", "last", "days", "source", title="Data coverage"
    )
    for sym, row in frame.coverage().iterrows():
        table.add_row(
            str(sym),
            row["currency"],
            str(row["first"]),
            str(row["last"]),
            str(row["days"]),
            row["source"],
        )
    out.print(table)
    out.print(
        f"{len(frame.dates)} trading days x {len(frame.symbols)} symbols, "
        f"prices in {frame.base_currency}."
    )
    for note in frame.notes:
        out.print(f"[yellow]note:[/] {note}")
    for gap in frame.gaps:
        out.print(f"[yellow]gap:[/] {gap}")


def main() -> None:
    """Entry point of the ``piefolio`` console script."""
    try:
        app()
    except PiefolioError as exc:  # raised outside a command, e.g. at import
        Console(stderr=True).print(f"error: {exc}")
        sys.exit(exc.exit_code)
