"""``piefolio data``: fetch, import, list, inspect and verify stored prices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from piefolio.cli._app import (
    _errors_to_exit_codes,
    app,
    console,
    day_option,
    line,
    open_store,
    progress,
    styled,
)

if TYPE_CHECKING:
    from piefolio.data.providers.base import Provider
    from piefolio.data.store import Store

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["data_app"]

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
    from rich.table import Table

    from piefolio.data.chain import default_providers, update

    symbols, first, base = _targets(targets)
    lo = _day("--start", start) if start else first or dt.date(2000, 1, 1)
    hi = _day("--end", end) if end else dt.date.today()
    if lo > hi:
        from piefolio.errors import BadData

        raise BadData(f"--start {lo} is after --end {hi}; expected start <= end")
    providers = _pick_providers(provider) if provider else default_providers()
    store = open_store()
    with progress() as bar:
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
    failed = [r for r in reports if not r.ok]
    lost = [r for r in failed if r.last_stored is None]
    if lost or (failed and not any(r.source for r in reports)):
        from piefolio.data.chain import summarize
        from piefolio.errors import DataUnavailable

        # Nothing came in: a fetch that fetched nothing has failed, even where
        # older prices are stored (they are listed above with their age).
        why = f" ({summarize(failed)[0]})" if all(r.offline for r in failed) else ""
        raise DataUnavailable(
            f"fetched nothing for {', '.join(r.symbol for r in lost or failed)}"
            f"{why}: check the tickers (Yahoo spelling, e.g. ASML.AS), connect to "
            "the internet, or import a file with `piefolio data import FILE`"
        )


def _day(option: str, text: str) -> dt.date:
    """Parse a date option, bounded like a pie's dates; BadData (exit 2) if not."""
    from piefolio.errors import BadData
    from piefolio.spec import FIRST_DATE, LAST_DATE

    moment = day_option(option, text)
    assert moment is not None  # text is given
    day = moment.date()
    if not FIRST_DATE <= day <= LAST_DATE:
        raise BadData(
            f"{option} {text!r} is outside {FIRST_DATE.year}..{LAST_DATE.year}; "
            "expected a day with prices"
        )
    return day


def _as_of(text: str | None) -> dt.date | None:
    return _day("--as-of", text) if text else None


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
    from piefolio.errors import BadData

    if name == "sample":
        return [SampleProvider()]
    if name == "fred":
        from piefolio.data.providers.fred import FredProvider

        # Asked by name, FRED is asked for any series id, not only known ones.
        return [FredProvider(series="any")]
    chosen = [p for p in default_providers() if p.name == name]
    if not chosen:
        raise BadData(
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
    frequency: Annotated[
        str | None,
        typer.Option(
            help="How often the file's economic series print: daily, weekly, "
            "biweekly, monthly, quarterly, semiannual or annual (default: known "
            "for FRED ids, else read from the dates)."
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(help="What their values measure, e.g. 'USD per kWh'."),
    ] = None,
) -> None:
    """Import a price file or economic series (FRED downloads, date,series,value).

    Checked whole, written in one go; a monthly series is stored on its own
    dates, never filled into days.
    """
    from rich.table import Table

    from piefolio.data.providers.files import read_prices_file

    keep = [o.strip() for o in only.split(",")] if only else None
    with progress() as bar:
        task = bar.add_task(f"reading {file.name}", total=None)
        series = read_prices_file(
            file,
            currency=currency,
            only=keep,
            frequency=frequency.strip().lower() if frequency else None,
            unit=unit.strip() if unit is not None else None,
        )
        bar.update(
            task, total=len(series), completed=0, description=f"storing {file.name}"
        )
        rows = open_store().write(series, progress=lambda s: bar.advance(task))
    macro = any(s.frequency is not None for s in series)
    cols = ["symbol", "currency", "first", "last", "rows"]
    table = Table(*cols, *(["frequency", "unit"] if macro else []))
    for s in series:
        cells = [
            s.symbol,
            s.currency,
            str(s.first_date),
            str(s.last_date),
            str(len(s.frame)),
        ]
        if macro:
            cells += [s.frequency or "", s.unit]
        table.add_row(*cells)
    out = console()
    out.print(table)
    symbols = f"{len(series)} symbol" + ("" if len(series) == 1 else "s")
    out.print(f"Imported {rows} rows of {symbols} from {file}.")


@data_command("list")
def data_list() -> None:
    """List the stored symbols with their coverage and source."""
    from rich.table import Table

    store = open_store()
    infos = store.symbols()
    out = console()
    if not infos:
        out.print(
            f"The store ({store.path}) is empty. Try: piefolio demo, "
            "piefolio data fetch CVX, or piefolio data import FILE"
        )
        return
    with store.reading() as reader:
        meta = {} if reader is None else reader.series_meta()
    cols = ["symbol", "currency", "first", "last", "rows", "source", "updated"]
    # The frequency column only once the store holds an economic series.
    table = Table(*cols, *(["frequency"] if meta else []))
    for i in infos:
        cells = [
            i.symbol,
            i.currency,
            str(i.first_date),
            str(i.last_date),
            str(i.rows),
            i.source,
            i.updated_at.strftime("%Y-%m-%d %H:%M"),
        ]
        table.add_row(*cells, *([meta.get(i.symbol, ("", ""))[0]] if meta else []))
    out.print(table)
    out.print(styled(store.path, "dim"))


@data_command("info")
def data_info(
    ticker: Annotated[
        str, typer.Argument(help="A stored symbol or series, e.g. CVX, CPIAUCSL.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge staleness on this day, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Coverage, gaps, staleness, source, last update and terms of one symbol."""
    from piefolio.data.providers.sample import SAMPLE_TERMS, SampleProvider
    from piefolio.data.verify import verify_store
    from piefolio.errors import DataUnavailable

    sym = ticker.upper()
    day = _as_of(as_of)  # a bad day is refused before anything is printed
    store = open_store()
    info = store.info(sym)
    out = console()
    if info is None:
        if SampleProvider().supports(sym):
            out.print(f"{sym} is not stored, but the offline sample holds it.")
            out.print(line(("Terms:", "bold"), f" {SAMPLE_TERMS}"))
            out.print(f"Store it with: piefolio data fetch {sym} --provider sample")
            return
        raise DataUnavailable(
            f"{sym} is not in the store ({store.path}); fetch it with "
            f"`piefolio data fetch {sym}` or import a file with "
            "`piefolio data import FILE`"
        )
    out.print(line((sym, "bold"), f" {info.name}".rstrip()))
    with store.reading() as reader:
        meta = {} if reader is None else reader.series_meta([sym])
    freq, unit = meta.get(sym, (None, ""))
    count = "days" if freq in (None, "daily") else "values"
    out.print(
        f"Coverage: {info.first_date} to {info.last_date}, {info.rows} {count} "
        f"(asked: {info.covered_from} to {info.covered_to})"
    )
    if freq is not None:
        out.print(
            f"Economic series: {freq}, unit: {unit or 'unknown'} (stored on its "
            "own dates, never filled into days)",
            markup=False,
        )
    spans = store.sources([sym]).get(sym, [])
    out.print(
        f"Currency: {info.currency}; source: {info.source}; last update "
        f"{info.updated_at:%Y-%m-%d %H:%M} UTC",
        markup=False,
    )
    if len(spans) > 1:
        out.print(
            f"Mixed sources: {sym} joins rows from "
            + ", ".join(str(sp) for sp in spans)
            + "; check the joins (piefolio data verify "
            + sym
            + ")",
            style="yellow",
            markup=False,
        )
    found = verify_store(store, [sym], as_of=day)
    for f in found:
        if f.kind == "stale":
            out.print(f"Stale: {f.detail}", style="yellow", markup=False)
    gaps = [f for f in found if f.kind == "gap"]
    what = "of missing periods" if freq not in (None, "daily") else "over 5 weekdays"
    out.print(f"Gaps {what}: {len(gaps)}")
    for g in gaps[:10]:
        out.print(f"  • {g.date}: {g.detail}")
    if info.terms:
        out.print(line(("Terms:", "bold"), f" {info.terms}"))


@data_command("verify")
def data_verify(
    symbols: Annotated[
        list[str] | None, typer.Argument(help="Symbols to check (default: all).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="Judge staleness on this day, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Flag duplicates, bad prices, gaps, big moves, mixed sources, stale series.

    An economic series is stale when it has not printed for longer than its
    frequency allows (a monthly one: 100 days).
    """
    from rich.table import Table

    from piefolio.data.verify import verify_store

    findings = verify_store(
        open_store(), [s.upper() for s in symbols or []], as_of=_as_of(as_of)
    )
    out = console()
    if not findings:
        out.print(
            "No findings: no duplicates, non-positive prices, long gaps, "
            "one-day moves over 50 %, series mixing sources or stale series."
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


@data_command("delete")
def data_delete(
    symbol: Annotated[
        str, typer.Argument(help="A stored symbol or series, e.g. CVX, CPIAUCSL.")
    ],
    from_text: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="YYYY-MM-DD", help="First day to delete (default: all)."
        ),
    ] = None,
    to_text: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="YYYY-MM-DD", help="Last day to delete (default: all)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Delete; without it, say what would go.")
    ] = False,
) -> None:
    """Delete a symbol's stored days (all, or --from/--to); needs --force.

    Without --force it says exactly which rows would go and deletes nothing
    (exit 2). The rows go in one transaction; a symbol left with no day is
    removed with its name and series metadata. An import or a fetch brings
    them back.
    """
    from piefolio.errors import DataUnavailable, SpecError

    sym = symbol.strip().upper()
    start, end = day_option("--from", from_text), day_option("--to", to_text)
    if start is not None and end is not None and start > end:
        raise SpecError(
            f"--from {start.date()} is after --to {end.date()}; expected --from "
            "on or before --to"
        )
    store = open_store()
    info = store.info(sym) if store.exists() else None
    if info is None:
        raise DataUnavailable(
            f"{sym} is not in the store ({store.path}); nothing to delete "
            "(`piefolio data list` shows what is stored)"
        )
    rows = store.read([sym], start and start.date(), end and end.date())
    asked = (
        f"from {start.date() if start else 'its first day'} to "
        f"{end.date() if end else 'its last day'}"
    )
    if not len(rows):
        raise DataUnavailable(
            f"{sym} has no stored day {asked} (it holds {info.first_date} to "
            f"{info.last_date}); nothing to delete"
        )
    first, last = rows["date"].iloc[0].date(), rows["date"].iloc[-1].date()
    sources = ", ".join(sorted(set(rows["source"])))
    left = info.rows - len(rows)
    span = f"{sym} ({info.currency}; {first} to {last}; source {sources})"
    out = console()
    if not force:
        out.print(
            f"Would delete {len(rows):,} of the {_rows(info.rows)} stored of {span}"
            + (
                f"; {_rows(left)} would stay."
                if left
                else f": every stored day, so {sym} would leave the store with "
                "its name and series metadata."
            )
        )
        raise SpecError("nothing deleted; add --force to delete these rows")
    deleted = store.delete_days(sym, start and start.date(), end and end.date())
    out.print(
        f"Deleted {_rows(deleted)} of {span}"
        + (f"; {_rows(left)} left." if left else f"; no day is left, so {sym} left "
           "the store with its name and series metadata.")
    )  # fmt: skip


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")
