"""``piefolio thesis``: is the thesis holding, by prices and by the world it is about.

Prints each claim's signals (its price check and its indicators) and verdict,
the dates each claim changed state with the pie's return against its first
benchmark after them, and writes ``thesis.html`` beside the run's report.
``--fail-on weakening|broken`` exits 4 when a claim is in that state or worse,
for a cron job or CI to alert on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from piefolio.cli._app import (
    ForceOption,
    JsonOption,
    OfflineOption,
    OutOption,
    SpecArg,
    bad_option,
    command,
    console,
    day_option,
    echo_json,
    line,
    open_store,
    report_folder,
    styled,
)
from piefolio.errors import SpecError

if TYPE_CHECKING:
    import pandas as pd

    from piefolio.thesis.verb import ThesisReport

__all__ = ["EXIT_ALERT", "thesis"]

#: The exit code of ``--fail-on`` when a claim reached the state named.
EXIT_ALERT = 4
_FAIL_ON = ("weakening", "broken")
# Changes of state the terminal lists; the page and --json hold them all.
_LAST_CHANGES = 12
# Every change of state, beside the page.
_CHANGES_CSV = "thesis-changes.csv"
_STYLE = {"holding": "green", "weakening": "yellow", "broken": "bold red"}


@command()
def thesis(
    spec: SpecArg,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 4 when a claim is in this state or worse: weakening or broken.",
        ),
    ] = None,
    since_text: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="Run the history from this day instead of the plan's start (more "
            "years of changes to learn from).",
        ),
    ] = None,
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
) -> None:
    """Judge each claim by prices and indicators: holding, weakening or broken."""
    from piefolio.backtest import backtest
    from piefolio.spec import FIRST_DATE, load_pie
    from piefolio.thesis.verb import read_first, starting, store_reader
    from piefolio.thesis.verb import thesis as judge_thesis
    from piefolio.thesis.verdict import State

    since = day_option("--since", since_text)
    if fail_on is not None and fail_on not in _FAIL_ON:
        raise SpecError(f"--fail-on {fail_on!r}: expected one of {', '.join(_FAIL_ON)}")
    if since is not None and not FIRST_DATE <= since.date() <= dt.date.today():
        raise bad_option(
            "--since", since.date().isoformat(), f"a day from {FIRST_DATE} to today"
        )
    pie = load_pie(spec)
    folder = report_folder(out, pie.pie.name, force=force)
    store = open_store()
    read = read_first(pie, store_reader(store))  # a missing series stops us now
    run = starting(pie, since.date() if since else None)
    report = judge_thesis(run, backtest(run, store=store, offline=offline), read)
    written = _thesis_files(report, folder)
    if as_json:
        echo_json({**_payload(report), "files": [str(p) for p in written]})
    else:
        _show(report, written)
    if fail_on is not None and report.reaches(State(fail_on)):
        raise typer.Exit(EXIT_ALERT)


def _signal_rows(report: ThesisReport) -> list[dict[str, Any]]:
    """One row per signal of every claim, numbers as numbers."""
    from piefolio.thesis.verb import PRICE_CHECK

    readings = {r.indicator.id: r for r in report.readings}
    rows = []
    for verdict in report.verdicts:
        for s in verdict.signals:
            row: dict[str, Any] = {
                "claim": verdict.claim,
                "signal": s.name,
                "condition": s.condition,
                "value": s.value,
                "status": "unread" if s.failing is None else
                ("fails" if s.failing else "holds"),
            }  # fmt: skip
            if s.name == PRICE_CHECK:
                check = report.checks[verdict.claim]
                last = check.relative.index[-1] if check.windows else None
                row.update(date=None if last is None else last.date(), kind="price")
            else:
                r = readings[s.name]
                row.update(
                    kind="indicator",
                    series=r.indicator.series,
                    transform=r.indicator.transform,
                    means=r.indicator.means,
                    threshold=r.indicator.threshold,
                    side=r.indicator.side,
                    date=r.latest_date,
                    level=r.level,
                    frequency=r.series.frequency,
                    trend_3M=r.trend["3M"],
                    trend_12M=r.trend["12M"],
                    margin=r.margin,
                    stale=r.stale,
                )
            rows.append(row)
    return rows


def _payload(report: ThesisReport) -> dict[str, Any]:
    changes = report.changes.copy()
    changes["date"] = [d.date() for d in changes["date"]]
    return {
        "pie": report.spec.pie.name,
        "benchmark": report.benchmark,
        "start": report.spec.plan.start,
        "verdicts": [
            {"claim": v.claim, "state": v.state.value, "sentence": v.sentence}
            for v in report.verdicts
        ],
        "signals": _signal_rows(report),
        "stale": report.stale,
        "changes": changes.to_dict("records"),
        "after_by_state": [
            {"claim": claim, "to": to, **row}
            for (claim, to), row in report.after_by_state().to_dict("index").items()
        ],
        "after": "pie's time-weighted return against the first benchmark's, "
        "(1 + R_pie) / (1 + R_bench) - 1, over the 6 and 12 months after a change",
    }


def _signal_frame(report: ThesisReport) -> pd.DataFrame:
    """Write the signals as text, one row per signal: for the terminal and the page."""
    import pandas as pd

    from piefolio.report.format import DASH, percent
    from piefolio.thesis.words import margin_words, value_words

    readings = {r.indicator.id: r for r in report.readings}
    rows = []
    for row in _signal_rows(report):
        r = readings.get(row["signal"])
        # An indicator's value reads in its unit; a price check's is a return.
        if r is None:
            shown = percent(row["value"], signed=True)
            margin = margin_words(row["value"], None)
        else:
            shown = value_words(row["value"], r.indicator)
            margin = margin_words(row["margin"], r.indicator)
        rows.append(
            {
                "claim": row["claim"],
                "signal": row["signal"],
                "condition": row["condition"],
                "latest": shown,
                "date": str(row["date"]) if row["date"] else DASH,
                "3M": percent(row.get("trend_3M"), signed=True),
                "12M": percent(row.get("trend_12M"), signed=True),
                "threshold": margin,
                "status": row["status"] + (" (stale)" if row.get("stale") else ""),
            }
        )
    return pd.DataFrame(rows)


def _changes_frame(report: ThesisReport) -> pd.DataFrame:
    import pandas as pd

    from piefolio.report.format import percent

    c = report.changes
    return pd.DataFrame(
        {
            "claim": c["claim"],
            "date": [d.date().isoformat() for d in c["date"]],
            "from": c["from"],
            "to": c["to"],
            "next 6 months": [percent(x, signed=True) for x in c["after_6M"]],
            "next 12 months": [percent(x, signed=True) for x in c["after_12M"]],
        }
    )


def _summary_frame(report: ThesisReport) -> pd.DataFrame:
    import pandas as pd

    from piefolio.report.format import percent

    s = report.after_by_state()
    return pd.DataFrame(
        {
            "claim": [claim for claim, _ in s.index],
            "became": [to for _, to in s.index],
            "times": s["changes"].astype(int).astype(str).to_numpy(),
            "mean next 6 months": [percent(x, signed=True) for x in s["mean_6M"]],
            "of": s["count_6M"].astype(int).astype(str).to_numpy(),
            "mean next 12 months": [percent(x, signed=True) for x in s["mean_12M"]],
            "of ": s["count_12M"].astype(int).astype(str).to_numpy(),
        }
    )


def _print_frame(frame: pd.DataFrame, title: str) -> None:
    from rich.table import Table

    table = Table(*frame.columns, title=title, title_justify="left")
    for row in frame.itertuples(index=False):
        table.add_row(*map(str, row))
    console().print(table)


def _captions(report: ThesisReport) -> tuple[str, str]:
    """Say what the changes table and its summary by state hold (terminal, page)."""
    start = report.spec.plan.start.isoformat()
    after = (
        f"the pie's time-weighted return against {report.benchmark}'s over the "
        "next 6 and 12 months"
        if report.benchmark
        else "no returns after them: the pie has no benchmark to measure against"
    )
    caption = (
        f"Dates each claim changed state since {start}, and {after} (each value "
        "counted from when it was published: its date plus the indicator's "
        "'published' lag, two months for a monthly series by default)"
    )
    summary_caption = (
        f"Changes of state by claim and the state it became; {after}: the mean "
        "over the changes that have that span ('of' counts them). Does a state "
        "tell what the pie did next?"
    )
    return caption, summary_caption


def _show(report: ThesisReport, written: list[Path]) -> None:
    from rich.table import Table

    name = report.spec.pie.name
    show = console()
    signals = _signal_frame(report)
    show.print(line((f"{name}: the thesis' claims", "bold")))
    for v in report.verdicts:
        show.print(line((v.state.value, _STYLE.get(v.state.value, "")), "  ",
                        v.sentence))  # fmt: skip
        mine = signals[signals["claim"] == v.claim].drop(columns="claim")
        table = Table(*mine.columns, title_justify="left", box=None, padding=(0, 1))
        for row in mine.itertuples(index=False):
            table.add_row(*map(str, row))
        show.print(table)
    show.print(
        "3M / 12M: the series' own change over 3 and 12 months; threshold: how far "
        "the latest value is past its threshold on the condition's side, or short "
        "of it (pts: percentage points); a weakening condition past its threshold "
        "fails its claim"
    )
    for note in report.stale:
        show.print(styled(f"stale: {note}", "yellow"))
    changes = _changes_frame(report)
    caption, summary_caption = _captions(report)
    if len(changes):
        _print_frame(_summary_frame(report), summary_caption)
        shown = changes.tail(_LAST_CHANGES)
        more = len(changes) - len(shown)
        title = caption + (
            f"; the last {len(shown)} of {len(changes)}, all in {_CHANGES_CSV} "
            "and --json"
            if more
            else ""
        )
        _print_frame(shown, title)
    else:
        start = report.spec.plan.start.isoformat()
        show.print(f"No claim changed state since {start}. ({caption})")
    page, table = written
    show.print(line("Wrote ", (page, "bold"), " and ", (table.name, "bold")))


def _thesis_files(report: ThesisReport, folder: Path) -> list[Path]:
    """Write the thesis page and every change of state (CSV); return both paths."""
    from piefolio._atomic import atomic_text
    from piefolio.report import write_page
    from piefolio.thesis.figures import (
        indicator_figure,
        relative_figure,
        states_figure,
    )

    name = report.spec.pie.name
    start = report.spec.plan.start.isoformat()
    signals = _signal_frame(report)
    changes = _changes_frame(report)
    summary = _summary_frame(report)
    caption, summary_caption = _captions(report)
    figures = []
    if report.relative is not None and report.benchmark is not None:
        figures.append(
            (
                f"{name} against {report.benchmark}: above 0 the pie is ahead",
                relative_figure(report.relative, name, report.benchmark),
            )
        )
    if any(not s.empty for s in report.states.values()):
        figures.append(
            (
                "Each claim's state on every date one of its signals printed, "
                f"since {start}; the dates it changed and the pie's "
                f"return after them are in {_CHANGES_CSV}",
                states_figure(report.states),
            )
        )
    since = report.relative.index[0] if report.relative is not None else None
    for r in report.readings:
        figures.append(
            (
                r.indicator.text or f"{r.indicator.id}: shaded where it held",
                indicator_figure(r, since),
            )
        )
    recent = changes.tail(_LAST_CHANGES)
    listed = (
        f"{caption}; the last {len(recent)} of {len(changes)}, all in {_CHANGES_CSV}"
    )
    page = write_page(
        f"{name}: thesis health",
        [v.sentence for v in report.verdicts],
        [("Signals of each claim", signals.set_index("claim")),
         (summary_caption, summary.set_index("claim")),
         (listed, recent.set_index("claim"))],
        figures,
        folder / "thesis.html",
        notes=[f"stale: {s}" for s in report.stale],
    )  # fmt: skip
    # Numbers as fractions for a spreadsheet; the page shows them formatted.
    raw = report.changes.assign(date=[d.date() for d in report.changes["date"]])
    table = atomic_text(folder / _CHANGES_CSV, raw.to_csv(index=False))
    return [page, table]
