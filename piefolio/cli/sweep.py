"""``piefolio sweep``: every start date, and many variants with honest selection."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from piefolio.cli._app import (
    ClusterOption,
    DaskOption,
    ForceOption,
    JsonOption,
    OfflineOption,
    OutOption,
    ProcessesOption,
    SpecArg,
    bad_option,
    command,
    console,
    echo_json,
    line,
    open_executor,
    open_store,
    progress,
    report_folder,
    slug,
)
from piefolio.cli.run import PngOption

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table
    from rich.text import Text

    from piefolio.data import PriceFrame
    from piefolio.spec import PieSpec
    from piefolio.sweep.history import Starts, StartSettings
    from piefolio.sweep.starts import StartSweep
    from piefolio.sweep.variants import SweepSettings

__all__ = ["check_horizon", "sweep"]


@command()
def sweep(
    spec: SpecArg,
    every: Annotated[
        str, typer.Option("--starts", help="One start per month, week or quarter.")
    ] = "month",
    horizon: Annotated[
        str | None,
        typer.Option(
            help='Fixed length of each run, e.g. "10Y" (default: to the end).'
        ),
    ] = None,
    variants: Annotated[
        Path | None,
        typer.Option(help="A sweep file ([sweep] rebalance, deposit, every, weights)."),
    ] = None,
    weights: Annotated[
        int | None,
        typer.Option(help="Random weightings within the [optimize] limits."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random weightings.")] = 0,
    origin: Annotated[
        str,
        typer.Option(
            "--from",
            help="Where start dates begin: history (the first day every series "
            "has a price, through its proxies) or plan (the plan's start).",
        ),
    ] = "history",
    processes: ProcessesOption = None,
    dask: DaskOption = False,
    cluster: ClusterOption = None,
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
    png: PngOption = False,
) -> None:
    """Sweep every start date, or plan and weight variants (--variants, --weights)."""
    from pydantic import ValidationError

    from piefolio.errors import SpecError
    from piefolio.spec import load_pie
    from piefolio.sweep.history import StartSettings
    from piefolio.sweep.history import frame_for as starts_frame
    from piefolio.sweep.variants import SweepSettings, frame_for, load_sweep

    check_horizon(horizon)
    pie = load_pie(spec)
    if origin not in ("history", "plan"):
        raise SpecError(f"--from {origin!r}: expected history or plan")
    # Both files are read, and refused, before any price is fetched.
    settings = load_sweep(variants) if variants is not None else SweepSettings()
    folder = report_folder(out, pie.pie.name, force=force)
    if variants is None and weights is None:
        try:
            starts = StartSettings.model_validate(
                {"every": every, "horizon": horizon, "origin": origin}
            )
        except ValidationError as exc:
            raise SpecError(
                f"--starts {every!r}: expected month, week or quarter"
            ) from exc
        frame = starts_frame(pie, starts, offline=offline)
        _starts(pie, frame, starts, folder, as_json, png=png)
        return
    frame = frame_for(pie, settings, offline=offline)
    _variants(
        pie, frame, settings, weights, seed, (processes, dask, cluster), folder,
        as_json, png=png,
    )  # fmt: skip


def check_horizon(horizon: str | None) -> str | None:
    """Check ``--horizon``: a period such as ``10Y``, or None (the default).

    The check and message of ``piefolio sweep``, shared with ``piefolio serve``
    so that a bad horizon reads the same in the terminal and the browser.

    Raises
    ------
    SpecError
        ``--horizon '0Y': expected a count and a unit D/W/M/Y, ...`` (exit 2).
    """
    from piefolio.periods import check_period

    if horizon is not None:
        try:
            check_period(horizon)
        except ValueError as exc:
            expected = str(exc).split("; expected ")[-1]
            raise bad_option("--horizon", horizon, expected) from None
    return horizon


def _starts(
    pie: PieSpec,
    frame: PriceFrame,
    settings: StartSettings,
    folder: Path,
    as_json: bool,
    *,
    png: bool = False,
) -> None:
    from piefolio._atomic import atomic_parquet
    from piefolio.sweep.history import sweep_starts
    from piefolio.sweep.results import write_results

    with progress() as bar:
        task = bar.add_task(f"start dates ({settings.every})", total=None)
        run = sweep_starts(
            pie, frame, settings=settings,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    result = run.sweep
    table = result.distribution()
    beats = result.beat_share()
    picks = result.picks()
    path = atomic_parquet(result.rows, folder / "sweep-starts.parquet")
    table_name = write_results(open_store(), _table(pie, "starts"), result.rows)
    written = [path, _starts_page(pie, run, folder)]
    if png:
        from piefolio.report.png import write_lines_png

        first = next(iter(run.benchmark_paths.items()), None)
        dashed = None
        if first is not None:
            dashed = first[1].rename_axis(columns=first[0])
        written.append(
            write_lines_png(
                run.paths,
                f"{pie.pie.name}: best, median and worst start"
                + (f", dashed: {first[0]} from the same start" if first else ""),
                folder / "sweep-starts.png",
                unit=pie.pie.currency,
                dashed=dashed,
            )
        )
    if as_json:
        payload = {
            "starts": {
                "from": settings.origin,
                "first": run.first,
                "last": run.last,
                "count": run.count,
                "every": settings.every,
                "horizon": settings.horizon,
                "proxied": list(run.proxied),
            },
            "currency": pie.pie.currency,
            "distribution": table.to_dict(orient="index"),
            "pie_beat_share": beats.to_dict(),
            "pie_beat_share_range": run.range_text,
            "picks": {k: v.date().isoformat() for k, v in picks.items()},
            "rows": str(path),
            "table": table_name,
            "files": [str(p) for p in written],
        }
        echo_json(payload)
        return
    show = console()
    show.print(_starts_table(result, table, beats))
    show.print(f"Starts: {run.range_text}")
    if run.proxied:
        show.print(f"Proxies: {'; '.join(run.proxied)}")
    words = ", ".join(f"{k} {v.date()}" for k, v in picks.items())
    show.print(f"The pie's starts by XIRR: {words}")
    page, *images = written[1:]
    show.print(line("Wrote ", (path, "bold"), " and ", (page, "bold")))
    for image in images:
        show.print(line("Wrote ", (image, "bold")))
    show.print(line("Rows are in the store's table ", (table_name, "bold"), " for SQL"))


#: Columns of the start sweep's distribution, as a reader names them.
_STARTS_COLUMNS: dict[str, str] = {
    "xirr_worst": "XIRR worst",
    "xirr_p5": "p5",
    "xirr_median": "median",
    "xirr_p95": "p95",
    "xirr_best": "best",
    "max_drawdown_median": "median max DD",
    "max_drawdown_worst": "worst max DD",
}


def _starts_frame(table: pd.DataFrame, beats: pd.Series) -> pd.DataFrame:
    """Format the start sweep's distribution: named columns, percents, beat share.

    One frame for the terminal and the page, so both read the same.
    """
    import pandas as pd

    from piefolio.report.format import percent

    out = pd.DataFrame(index=table.index)
    out["starts"] = [f"{int(v):,}" for v in table["starts"]]
    for column, label in _STARTS_COLUMNS.items():
        if column in table.columns:
            signed = column.startswith("xirr")
            out[label] = [percent(v, signed=signed) for v in table[column]]
    out["pie beat it"] = [
        "—"
        if beats.get(name) is None
        else f"{percent(beats[name], decimals=0)} of starts"
        for name in table.index
    ]
    out.index.name = "series"
    return out


def _starts_table(result: StartSweep, table: pd.DataFrame, beats: pd.Series) -> Table:
    from rich.table import Table

    span = f"{result.horizon} runs" if result.horizon else "runs to the end of the data"
    text = _starts_frame(table, beats)
    out = Table(
        "series", *text.columns,
        title=f"Every start date ({span}), same deposits", title_justify="left",
    )  # fmt: skip
    for name, row in text.iterrows():
        out.add_row(str(name), *row.tolist())
    return out


def _starts_page(pie: PieSpec, starts: Starts, folder: Path) -> Path:
    from piefolio.report import write_page
    from piefolio.report.scenario_figures import returns_box_figure, starts_figure

    result = starts.sweep
    cur = pie.pie.currency
    figure = starts_figure(
        starts.paths,
        starts.benchmark_paths,
        f"{pie.pie.name}: value of the plan, best, median and worst start",
        currency=cur,
    )
    benchmarks = list(starts.benchmark_paths)
    beats = result.beat_share()
    xirr = result.rows.pivot(index="start", columns="series", values="xirr")
    spread = returns_box_figure(xirr[list(result.names)], "XIRR of every start")
    return write_page(
        f"{pie.pie.name}: every start date",
        [
            f"{starts.range_text}, same deposits, values in {pie.pie.currency}",
            *([f"Proxies: {'; '.join(starts.proxied)}"] if starts.proxied else []),
        ],
        [
            (
                "Money-weighted return a year (XIRR) over the starts: worst, 5th "
                "percentile, median, 95th, best; the median and worst max drawdown; "
                "and the share of starts where the pie ended above each benchmark "
                "with the same deposits",
                _starts_frame(result.distribution(), beats),
            ),
        ],
        [
            ("How the XIRR spread over the start dates, per series", spread),
            (
                f"Best, median and worst start of the pie, in {cur}"
                + (
                    f"; dashed, {benchmarks[0]} fed the same deposits from the "
                    "same start"
                    + (
                        " (the other benchmarks: pick them in the legend)"
                        if len(benchmarks) > 1
                        else ""
                    )
                    if benchmarks
                    else ""
                ),
                figure,
            ),
        ],
        folder / "sweep-starts.html",
    )


def _variants(
    pie: PieSpec,
    frame: PriceFrame,
    settings: SweepSettings,
    weights: int | None,
    seed: int,
    where: tuple[int | None, bool, str | None],
    folder: Path,
    as_json: bool,
    *,
    png: bool = False,
) -> None:
    from piefolio._atomic import atomic_parquet
    from piefolio.models import replace
    from piefolio.sweep.results import write_results
    from piefolio.sweep.variants import sweep_variants

    if weights is not None:
        settings = replace(settings, weights=weights, seed=seed)
    processes, dask, cluster = where
    with ExitStack() as stack:
        executor = open_executor(stack, processes, dask, cluster)
        with progress() as bar:
            task = bar.add_task("variant chunks", total=None)
            report = sweep_variants(
                pie, frame, settings=settings, out_dir=folder / "sweep-variants",
                executor=executor, workers=processes,
                progress=lambda d, t: bar.update(task, completed=d, total=t),
                note=lambda text: bar.console.print(_note(text)),
            )  # fmt: skip
    result, selection = report.sweep, report.selection
    path = atomic_parquet(result.rows, folder / "sweep-variants.parquet")
    table_name = write_results(open_store(), _table(pie, "variants"), result.rows)
    top = result.ranked().head(10)
    page = _variants_page(pie, result, selection.lines(), top, folder)
    written = [path, page]
    if png:
        from piefolio.report.png import write_box_png

        written.append(
            write_box_png(
                _by_policy(result.rows),
                f"{pie.pie.name}: TWR a year of {len(result.rows):,} variants, "
                "by rebalancing policy",
                folder / "sweep-variants.png",
            )
        )
    if as_json:
        payload = {
            "variants": len(result.rows),
            "top": top.to_dict(orient="records"),
            "deflated_sharpe": selection.deflated_sharpe,
            "pbo": None if selection.pbo is None else selection.pbo.pbo,
            "walk_forward": selection.walk_forward,
            "rows": str(path),
            "table": table_name,
            "files": [str(p) for p in written],
        }
        echo_json(payload)
        return
    from rich.table import Table

    from piefolio.report.format import percent

    table = Table(
        "rank", "rebalance", "deposit", "every", "weights", "final value",
        "TWR a year", "volatility", "Sharpe", "max DD",
        title=f"{len(result.rows):,} variants, best 10 by Sharpe", title_justify="left",
    )  # fmt: skip
    for rank, (_, row) in enumerate(top.iterrows(), start=1):
        table.add_row(
            str(rank), str(row["rebalance"]), _amount(row["deposit"]),
            str(row["every"]), str(row["weights"]), f"{row['final_value']:,.0f}",
            percent(row["twr_annual"], signed=True), percent(row["volatility"]),
            f"{row['sharpe']:.2f}", percent(row["max_drawdown"]),
        )  # fmt: skip
    show = console()
    show.print(table)
    for sentence in selection.lines():
        show.print(sentence)
    for image in written[1:]:
        show.print(line("Wrote ", (image, "bold")))
    show.print(
        line(
            "Wrote ",
            (path, "bold"),
            "; the rows are in the store's table ",
            (table_name, "bold"),
            " (piefolio's DuckDB file, apart from the prices) for SQL",
        )
    )


def _variants_page(
    pie: PieSpec, result: Any, findings: list[str], top: pd.DataFrame, folder: Path
) -> Path:
    """Write the variant sweep's page: the best ten, their weights, the spread."""
    import pandas as pd

    from piefolio.report import write_page
    from piefolio.report.format import money, percent, ratio
    from piefolio.report.scenario_figures import returns_box_figure

    cur = pie.pie.currency
    best = pd.DataFrame(
        {
            "Rebalance": [str(v) for v in top["rebalance"]],
            "Deposit": [_amount(v) for v in top["deposit"]],
            "Every": [str(v) for v in top["every"]],
            "Weights": [str(v) for v in top["weights"]],
            "Final value": [money(v, cur) for v in top["final_value"]],
            "TWR a year": [percent(v, signed=True) for v in top["twr_annual"]],
            "Volatility": [percent(v) for v in top["volatility"]],
            "Sharpe": [ratio(v) for v in top["sharpe"]],
            "Max drawdown": [percent(v) for v in top["max_drawdown"]],
        },
        index=pd.RangeIndex(1, len(top) + 1, name="Rank"),
    )
    # What "w85" holds: the weights of every weight set among the best ten.
    names = list(dict.fromkeys(str(v) for v in top["weights"]))
    held = result.weights.loc[names].T
    weights = held.map(percent)
    weights.index.name = "Slice"
    rows = result.rows
    by_policy = _by_policy(rows)
    return write_page(
        f"{pie.pie.name}: {len(rows):,} variants",
        [f"Values in {cur}; ranked by Sharpe ratio.", *findings],
        [
            ("The best ten variants by Sharpe ratio", best),
            (
                "The weights of the weight sets among the best ten ('pie' is yours)",
                weights,
            ),
        ],
        [
            (
                "How the time-weighted return a year spreads over all variants, "
                "by rebalancing policy",
                returns_box_figure(by_policy, "TWR a year by rebalancing policy"),
            )
        ],
        folder / "sweep-variants.html",
    )


def _by_policy(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the variants' TWR a year, one column per rebalancing policy."""
    import pandas as pd

    return pd.DataFrame(
        {
            str(k): g["twr_annual"].reset_index(drop=True)
            for k, g in rows.groupby("rebalance", sort=False)
        }
    )


def _note(text: str) -> Text:
    return line(("note:", "yellow"), " ", text)


def _table(pie: PieSpec, kind: str) -> str:
    """Store table of a pie's sweep, e.g. ``sweep_ai_energy_2026_starts``."""
    return f"sweep_{slug(pie.pie.name).replace('-', '_')}_{kind}"


def _amount(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:g}"
