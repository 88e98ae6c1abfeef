"""``piefolio stress``, ``simulate`` and ``claims``: what if, where to, is it true.

Each prints a table and writes one self-contained HTML page next to the run's
report (``reports/<pie name>/``), so the pictures sit with the numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    day_option,
    echo_json,
    line,
    open_executor,
    progress,
    report_folder,
    settings_of,
    styled,
)
from piefolio.cli.run import PngOption

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from piefolio.scenarios.claims import ClaimCheck
    from piefolio.scenarios.historical import StressWindow
    from piefolio.scenarios.montecarlo import MonteCarloResult
    from piefolio.scenarios.outlook import SimulateSettings
    from piefolio.scenarios.shocks import ShockResult
    from piefolio.spec import PieSpec

__all__ = ["claims", "simulate", "simulate_settings", "stress"]


def _pct(value: float) -> str:
    from piefolio.report.format import percent

    return percent(value, signed=True)


# ---------------------------------------------------------------------------- stress


@command()
def stress(
    spec: SpecArg,
    window: Annotated[
        list[str] | None,
        typer.Option(
            "--window",
            "-w",
            help='Your own window: "NAME=YYYY-MM-DD:YYYY-MM-DD" (repeatable).',
        ),
    ] = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="A shock scenario file, e.g. examples/scenarios/power-crunch.toml.",
        ),
    ] = None,
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
    png: PngOption = False,
) -> None:
    """Replay the pie over past crises, and shock it with scenario files."""
    from piefolio.scenarios.historical import StressSettings, frame_for, stress
    from piefolio.spec import load_pie

    pie = load_pie(spec)
    windows = None if not window else _parse_windows(window)
    folder = report_folder(out, pie.pie.name, force=force)
    settings = settings_of(
        StressSettings,
        windows=windows,
        scenarios=tuple(scenario or ()),
    )
    report = stress(pie, frame_for(pie, settings, offline=offline), settings=settings)
    results = list(report.windows)
    # A scenario is shown by its [scenario] name, its file named beside it.
    shocks = [
        (f"{run.scenario.scenario.name} ({run.path.name})", run.rows)
        for run in report.shocks
    ]
    cur = pie.pie.currency
    written = _stress_files(pie, results, shocks, folder, report.skipped, png=png)
    if as_json:
        payload = {
            "currency": cur,
            "recovery": "calendar days from the trough back to the prior peak",
            "windows": [
                {
                    "name": w.name,
                    "start": w.start,
                    "end": w.end,
                    "rows": [dataclasses.asdict(r) for r in w.rows],
                }
                for w in results
            ],
            "scenarios": [
                {
                    "name": run.scenario.scenario.name,
                    "file": str(run.path),
                    "rows": [
                        {
                            "series": r.name,
                            "move": r.total,
                            "slices": r.slices.to_dict(orient="index"),
                        }
                        for r in run.rows
                    ],
                }
                for run in report.shocks
            ],
            "files": [str(p) for p in written],
        }
        echo_json(payload)
        return
    show = console()
    if not results:
        show.print(styled("No window falls inside the data.", "yellow"))
    for w in results:
        show.print(_stress_table(w, cur))
        for row in w.rows:
            for note in row.notes:
                show.print(line("  ", ("note", "yellow"), f" ({row.name}): {note}"))
    for title, rows in shocks:
        show.print(_shock_table(title, rows))
    if report.skipped:
        skipped = ", ".join(report.skipped)
        show.print(styled(f"Skipped (before the data): {skipped}", "dim"))
    for path in written:
        show.print(line("Wrote ", (path, "bold")))


def _stress_files(
    pie: PieSpec,
    results: list[StressWindow],
    shocks: list[tuple[str, list[ShockResult]]],
    folder: Path,
    skipped: Sequence[str],
    *,
    png: bool,
) -> list[Path]:
    """Write the stress page, and its PNGs with ``png``; return what was written."""
    written = [_stress_page(pie, results, shocks, folder / "stress.html", skipped)]
    if png and results:
        import pandas as pd

        from piefolio.report.png import write_bars_png

        for field, title, name in (
            ("max_drawdown", "Max drawdown in each window", "stress-drawdown.png"),
            ("total_return", "Return over each window", "stress-return.png"),
        ):
            frame = pd.DataFrame(
                {w.name: {r.name: getattr(r, field) for r in w.rows} for w in results}
            ).T
            written.append(write_bars_png(frame, title, folder / name))
    return written


def _stress_page(
    pie: PieSpec,
    results: list[StressWindow],
    shocks: list[tuple[str, list[ShockResult]]],
    path: Path,
    skipped: Sequence[str] = (),
) -> Path:
    """One page: drawdown and return per window, and each scenario's moves.

    The windows' dates, the notes of each replay (proxies, slices left out) and
    the windows skipped are said on the page, as in the terminal.
    """
    import pandas as pd

    from piefolio.report import bars_figure, write_page

    def by_window(field: str) -> pd.DataFrame:
        return pd.DataFrame(
            {w.name: {r.name: getattr(r, field) for r in w.rows} for w in results}
        ).T

    figures = []
    tables: list[tuple[str, pd.DataFrame]] = []
    if results:
        figures.append(
            (
                "Deepest fall inside each window (lump sum of target weights)",
                bars_figure(by_window("max_drawdown"), "Max drawdown", axis="drawdown"),
            )
        )
        figures.append(
            (
                "Return from the window's first to its last day",
                bars_figure(by_window("total_return"), "Return over the window"),
            )
        )
        recover = by_window("days_to_recover").astype("object")
        tables.append(("Days from the trough back to the prior peak", recover))
    for title, rows in shocks:
        moves = pd.DataFrame({"implied move": {r.name: r.total for r in rows}})
        figures.append(
            (
                f"{title}: implied move of the pie and each benchmark",
                bars_figure(moves, title, axis="implied move"),
            )
        )
        tables.append((f"{title}: slices of {rows[0].name}", _shock_text(rows[0])))
    windows = "; ".join(f"{w.name} {w.start.date()} to {w.end.date()}" for w in results)
    notes = [
        f"{w.name}, {row.name}: {note}"
        for w in results
        for row in w.rows
        for note in row.notes
    ]
    if skipped:
        notes.append(f"Skipped (before the data): {', '.join(skipped)}")
    if results and any(pd.isna(r.total_return) for w in results for r in w.rows):
        notes.append("A missing bar is a series with no prices in that window.")
    return write_page(
        f"{pie.pie.name}: stress",
        [
            f"Windows: {windows or 'none in the data'}",
            f"A lump sum in the target weights at each window's start; returns "
            f"and falls of its value in {pie.pie.currency} (FX moves included); "
            "recovery is counted from the trough back to the prior peak",
        ],
        tables,
        figures,
        path,
        notes=notes,
    )


def _shock_text(result: ShockResult) -> pd.DataFrame:
    """Format a scenario's per-slice table as text, weights and moves in percent."""
    from piefolio.report.format import percent, ratio

    table = result.slices
    out = table[["source"]].copy() if "source" in table else table.iloc[:, :0].copy()
    out.insert(0, "weight", [percent(v) for v in table["weight"]])
    for col in table.columns:
        if col.startswith("beta_") or col == "r2":
            out[col.replace("beta_", "beta to ").replace("r2", "R²")] = [
                ratio(v) for v in table[col]
            ]
    for col, label in (("move", "implied move"), ("contribution", "contribution"),
                       ("share", "share of the move")):  # fmt: skip
        if col in table:
            out[label] = [percent(v) for v in table[col]]
    return out


def _parse_windows(items: list[str]) -> dict[str, tuple[str, str]]:
    from piefolio.spec import FIRST_DATE, LAST_DATE

    out = {}
    for item in items:
        name, _, span = item.rpartition("=")
        a, _, b = span.partition(":")
        try:
            days = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
        except ValueError:
            raise bad_option("--window", item, "NAME=YYYY-MM-DD:YYYY-MM-DD") from None
        if not all(FIRST_DATE <= day <= LAST_DATE for day in days):
            raise bad_option("--window", item, f"days from {FIRST_DATE} to {LAST_DATE}")
        out[name or span] = (a, b)
    return out


def _stress_table(window: object, currency: str) -> Table:
    from rich.table import Table

    from piefolio.scenarios.historical import StressWindow

    assert isinstance(window, StressWindow)
    table = Table(
        "series",
        f"return ({currency})",
        f"max drawdown ({currency})",
        "trough",
        "days back to peak",
        title=f"{window.name}: {window.start.date()} to {window.end.date()}, "
        f"in {currency}",
        title_justify="left",
    )
    for r in window.rows:
        if r.trough is None:
            table.add_row(r.name, "—", "—", "—", "no data")
            continue
        recover = "not yet" if r.days_to_recover is None else str(r.days_to_recover)
        table.add_row(
            r.name,
            _pct(r.total_return),
            _pct(r.max_drawdown),
            str(r.trough.date()),
            recover,
        )
    return table


def _shock_table(title: str, rows: list) -> Table:  # type: ignore[type-arg]
    from rich.table import Table

    pie, *benches = rows
    table = Table(
        "slice",
        "weight",
        "R²",
        "implied move",
        "share of move",
        title=f"{title}: {pie.name} {_pct(pie.total)}",
        title_justify="left",
    )
    for ticker, row in pie.slices.iterrows():
        table.add_row(
            str(ticker),
            f"{row['weight']:.1%}",
            "—" if row["r2"] != row["r2"] else f"{row['r2']:.2f}",
            _pct(row["move"]),
            f"{row['share']:.0%}",
        )
    for b in benches:
        table.add_row(styled(b.name, "bold"), "", "", _pct(b.total), "")
    return table


# -------------------------------------------------------------------------- simulate


@command()
def simulate(
    spec: SpecArg,
    years: Annotated[float, typer.Option(help="Horizon in years.")] = 10.0,
    paths: Annotated[int, typer.Option(help="Number of simulated paths.")] = 10_000,
    sampler: Annotated[
        str,
        typer.Option(help="bootstrap (blocks of real days), normal or student-t."),
    ] = "bootstrap",
    seed: Annotated[int, typer.Option(help="Same seed, same numbers.")] = 0,
    goal: Annotated[
        float | None, typer.Option(help="A final value to reach, in the base currency.")
    ] = None,
    since_text: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="Sample history from this day (default: as far back as every "
            "slice, or its proxy, has prices; 15 years at least).",
        ),
    ] = None,
    until_text: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="YYYY-MM-DD",
            help="Sample history up to this day (default: the data end).",
        ),
    ] = None,
    processes: ProcessesOption = None,
    dask: DaskOption = False,
    cluster: ClusterOption = None,
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
    png: PngOption = False,
) -> None:
    """Run the plan forward on many paths: fan of outcomes, odds to beat, goal."""
    from piefolio.models import replace
    from piefolio.report.format import plan_words
    from piefolio.scenarios.outlook import frame_for, monte_carlo, proxy_candidates
    from piefolio.spec import load_pie

    since = day_option("--since", since_text)
    until = day_option("--until", until_text)
    _check_simulate_options(years, paths, goal, since, until)
    pie = load_pie(spec)
    folder = report_folder(out, pie.pie.name, force=force)
    settings = simulate_settings(
        years=years,
        paths=paths,
        sampler=sampler,
        seed=seed,
        goal=goal,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    frame = frame_for(pie, settings, offline=offline)
    with ExitStack() as stack, progress() as bar:
        executor = open_executor(stack, processes, dask, cluster)
        task = bar.add_task(f"{paths:,} paths x {years:g} years", total=paths)
        outlook = monte_carlo(
            pie,
            frame,
            settings=settings,
            candidates=lambda: proxy_candidates(pie),
            progress=lambda done, total: bar.update(task, completed=done),
            executor=executor,
            workers=processes,
        )
    result, sample = outlook.result, outlook.sample
    summary = result.summary()
    basis = outlook.basis
    horizon = (
        f"{years:g} years, {outlook.horizon_start.date()} to "
        f"{outlook.horizon_end.date()}"
    )
    asked = [
        f"--since {settings.since}" if settings.since else "",
        f"--until {settings.until}" if settings.until else "",
    ]
    asked_text = " ".join(a for a in asked if a)
    cur = pie.pie.currency
    text = _mc_frame(summary, cur, goal)
    deposited = float(result.deposited or result.invested.iloc[-1])
    withdraws = result.withdrawn is not None
    lines = [basis, *([sample.warning] if sample.warning else [])]
    lines += [f"{paths:,} paths, {horizon}, seed {seed}, values in {cur}"]
    if asked_text:
        lines.append(f"Sample as asked: {asked_text}")
    if goal is not None:
        lines.append(f"Goal: {goal:,.0f} {cur} at the end")
    written = _simulate_files(
        pie, result, text, lines, folder, paths=paths, years=years, goal=goal, png=png
    )
    if as_json:
        payload = {
            "basis": basis,
            "sample": {
                "start": sample.start,
                "end": sample.end,
                "days": sample.days,
                "since": settings.since,
                "until": settings.until,
                "proxied": list(sample.proxied),
                "deepest_fall": sample.deepest,
                "deepest_fall_of": sample.reference,
                "warning": sample.warning,
            },
            "paths": paths,
            "years": years,
            "horizon_start": outlook.horizon_start,
            "horizon_end": outlook.horizon_end,
            "seed": seed,
            "currency": pie.pie.currency,
            "goal": goal,
            "invested": float(result.invested.iloc[-1]),
            "deposited": result.deposited,
            "summary": summary.to_dict(orient="index"),
            "files": [str(p) for p in written],
        }
        echo_json(payload)
        return
    money_line = f"Put in {deposited:,.0f} {cur}" + (
        f", withdrawals ask {deposited - float(result.invested.iloc[-1]):,.0f} {cur}"
        if withdraws
        else ""
    )
    # The plan as the paths run it: from the day after the data, over the horizon.
    simulated = replace(
        pie.plan,
        start=outlook.horizon_start.date(),
        end=outlook.horizon_end.date(),
    )
    show = console()
    show.print(_mc_table(text, f"{pie.pie.name}: {basis}"))
    if asked_text:
        show.print(f"Sample as asked: {asked_text}")
    if sample.warning:
        show.print(styled(sample.warning, "yellow"))
    show.print(f"{money_line} over {horizon} (plan: {plan_words(simulated, cur)})")
    for path in written:
        show.print(line("Wrote ", (path, "bold")))


def _simulate_files(
    pie: PieSpec,
    result: MonteCarloResult,
    text: pd.DataFrame,
    lines: list[str],
    folder: Path,
    *,
    paths: int,
    years: float,
    goal: float | None,
    png: bool,
) -> list[Path]:
    """Write the Monte Carlo page, and its PNG with ``png``; return what was written."""
    import pandas as pd

    from piefolio.report import distribution_figure, fan_figure, write_page
    from piefolio.report.scenario_figures import fan_range, fans_figure

    cur = pie.pie.currency
    deposited = float(result.deposited or result.invested.iloc[-1])
    withdraws = result.withdrawn is not None
    fans = {name: result.fan(s) for s, name in enumerate(result.names)}
    # One value axis for every single fan, so their heights compare.
    scale = fan_range(fans, result.invested, goal)
    figures = [
        (
            f"{name}: percentiles 5-95 of the value on {paths:,} paths"
            + (f", and the goal of {goal:,.0f} {cur}" if goal is not None else "")
            + (", on the same scale as the other series" if len(fans) > 1 else ""),
            fan_figure(
                fan, result.invested, name, goal, currency=cur, value_range=scale
            ),
        )
        for name, fan in fans.items()
    ]
    if len(result.names) > 1:
        figures.insert(
            0,
            (
                "Every series on one scale: the median value and its 25-75th "
                f"percentile band over {paths:,} paths, in {cur}",
                fans_figure(
                    fans,
                    result.invested,
                    "Medians and middle halves, side by side",
                    currency=cur,
                    goal=goal,
                ),
            ),
        )
    # What the investor got: the final value, plus what the withdrawals paid.
    finals = pd.DataFrame(result.got, columns=list(result.names))
    figures.insert(
        0,
        (
            "Where the plan ends, per series: median, quartiles and the 5th-95th "
            "percentiles of the final value"
            + (" plus the withdrawals paid" if withdraws else "")
            + "; left of the dashed line (the deposits) is a loss",
            distribution_figure(finals, deposited, "Final value after "
                                f"{years:g} years", currency=cur),
        ),
    )  # fmt: skip
    page = write_page(
        f"{pie.pie.name}: Monte Carlo of the plan",
        lines,
        [("Final value and money-weighted return (XIRR) over the paths", text)],
        figures,
        folder / "simulate.html",
    )
    written = [page]
    if png:
        from piefolio.report.png import write_lines_png

        fan = result.fan(0).rename(columns=lambda p: f"{p}th percentile")
        written.append(
            write_lines_png(
                fan,
                f"{result.names[0]}: value on {paths:,} paths",
                folder / "simulate.png",
                unit=cur,
            )
        )
    return written


def simulate_settings(
    *,
    years: float,
    paths: int,
    sampler: str,
    seed: int,
    goal: float | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> SimulateSettings:
    """Check a Monte Carlo's inputs and make its settings; a refusal is a SpecError.

    The checks and messages of ``piefolio simulate``, shared with ``piefolio
    serve`` so that a bad input reads the same in the terminal and the browser.
    """
    from piefolio.errors import SpecError
    from piefolio.scenarios.outlook import SAMPLERS, SimulateSettings

    def moment(day: dt.date | None) -> dt.datetime | None:
        return None if day is None else dt.datetime.combine(day, dt.time())

    _check_simulate_options(years, paths, goal, moment(since), moment(until))
    if sampler not in SAMPLERS:
        raise SpecError(f"--sampler {sampler!r}: expected one of {', '.join(SAMPLERS)}")
    return settings_of(
        SimulateSettings,
        years=years,
        paths=paths,
        sampler=sampler,
        seed=seed,
        goal=goal,
        since=since,
        until=until,
    )


# Each path keeps a value a month per series: a million paths of ten years is
# about half a gigabyte. Past this product a run would rather die of memory.
MAX_PATH_YEARS = 10_000_000


def _check_simulate_options(
    years: float,
    paths: int,
    goal: float | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> None:
    from piefolio.spec import FIRST_DATE

    if not 0 < years <= 100:  # NaN fails too
        raise bad_option(
            "--years", years, "a horizon of more than 0 and at most 100 years"
        )
    if not 1 <= paths <= 1_000_000:
        raise bad_option("--paths", paths, "from 1 to 1,000,000 paths")
    if paths * years > MAX_PATH_YEARS:
        raise bad_option(
            "--paths", paths,
            f"paths x years at most {MAX_PATH_YEARS:,} (here {years:g} years); "
            "lower --paths or --years",
        )  # fmt: skip
    if goal is not None and not 0 < goal < float("inf"):
        raise bad_option("--goal", goal, "a final value above 0 in the base currency")
    for option, day in (("--since", since), ("--until", until)):
        if day is not None and not FIRST_DATE <= day.date() <= dt.date.today():
            raise bad_option(
                option, day.date().isoformat(), f"a day from {FIRST_DATE} to today"
            )


def _mc_frame(summary: pd.DataFrame, currency: str, goal: float | None) -> pd.DataFrame:
    """Format the Monte Carlo outcomes as text, one row per series."""
    import pandas as pd

    from piefolio.report.format import money, percent

    rows = {}
    for name, row in summary.iterrows():
        cells = {
            "p5": money(row["final_p5"], currency),
            "median": money(row["final_p50"], currency),
            "p95": money(row["final_p95"], currency),
            "XIRR p5 / median / p95": " / ".join(
                percent(row[f"xirr_p{q}"]) for q in (5, 50, 95)
            ),
            "P(loss)": percent(row["p_loss"], decimals=0),
        }
        if goal is not None:
            cells["P(goal)"] = percent(row["p_goal"], decimals=0)
        if "withdrawn_p50" in row:
            cells["withdrawn (median)"] = money(row["withdrawn_p50"], currency)
        cells["P(pie beats)"] = percent(row.get("p_pie_beats"), decimals=0)
        cells["ES 5 %"] = money(row["expected_shortfall"], currency)
        rows[str(name)] = cells
    return pd.DataFrame.from_dict(rows, orient="index")


def _mc_table(text: pd.DataFrame, title: str) -> Table:
    from rich.table import Table

    table = Table("series", *text.columns, title=title, title_justify="left")
    for name, row in text.iterrows():
        table.add_row(str(name), *row.tolist())
    return table


# ---------------------------------------------------------------------------- claims


@command()
def claims(
    spec: SpecArg,
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
    png: PngOption = False,
) -> None:
    """Check the thesis' claims: how often long beat short over each horizon."""
    from rich.table import Table

    from piefolio.scenarios.claims import MEASURE, check_claims, frame_for
    from piefolio.spec import load_pie

    pie = load_pie(spec)
    defined = (
        f"held in: the share of windows where the {MEASURE} was above 0; median "
        "and latest are that relative return"
    )
    folder = report_folder(out, pie.pie.name, force=force)
    checks = check_claims(pie, frame_for(pie, offline=offline))
    written = _claims_files(pie, checks, defined, folder, png=png)
    if as_json:
        payload = {
            "measure": MEASURE,
            "claims": [
                {
                    "id": c.claim.id,
                    "share_held": c.share_held,
                    "latest": c.latest,
                    "median": c.median,
                    "windows": c.windows,
                    "measure": MEASURE,
                    "verdict": c.verdict(),
                }
                for c in checks
            ],
            "files": [str(p) for p in written],
        }
        echo_json(payload)
        return
    table = Table(
        "claim", "long", "short", "horizon", "held in", "median", "latest",
        "windows",
        title=f"{pie.pie.name}: claims of the thesis", title_justify="left",
    )  # fmt: skip
    for c in checks:
        table.add_row(
            c.claim.id,
            " + ".join(c.claim.long),
            " + ".join(c.claim.short),
            c.claim.horizon,
            f"{c.share_held:.0%}" if c.windows else "—",
            _pct(c.median),
            _pct(c.latest),
            str(c.windows),
        )
    show = console()
    show.print(table)
    show.print(defined)
    for c in checks:
        show.print(f"  {c.verdict()}")
    for path in written:
        show.print(line("Wrote ", (path, "bold")))


def _claims_files(
    pie: PieSpec, checks: list[ClaimCheck], defined: str, folder: Path, *, png: bool
) -> list[Path]:
    """Write the claims page, and its PNG with ``png``; return what was written."""
    import pandas as pd

    from piefolio.report import claims_figure, write_page
    from piefolio.scenarios.claims import MEASURE

    figures = [
        (c.claim.text or c.claim.id, claims_figure(c.relative, c.claim.id))
        for c in checks
        if c.windows
    ]
    claims_table = pd.DataFrame(
        {
            "Long": [" + ".join(c.claim.long) for c in checks],
            "Short": [" + ".join(c.claim.short) for c in checks],
            "Horizon": [c.claim.horizon for c in checks],
            "Held in": [f"{c.share_held:.0%}" if c.windows else "—" for c in checks],
            "Median": [_pct(c.median) for c in checks],
            "Latest": [_pct(c.latest) for c in checks],
            "Windows": [f"{c.windows:,}" for c in checks],
        },
        index=pd.Index([c.claim.id for c in checks], name="Claim"),
    )
    written = [
        write_page(
            f"{pie.pie.name}: claims of the thesis",
            [defined, *(c.verdict() for c in checks)],
            [(f"Each claim over every window of its horizon; {defined}", claims_table)],
            figures,
            folder / "claims.html",
        )
    ]
    held = {c.claim.id: c.relative for c in checks if c.windows}
    if png and held:
        from piefolio.report.png import write_lines_png

        written.append(
            write_lines_png(
                pd.DataFrame(held),
                f"Relative return of each claim: {MEASURE}",
                folder / "claims.png",
                percent=True,
            )
        )
    return written
