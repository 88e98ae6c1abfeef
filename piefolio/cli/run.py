"""``piefolio run``, ``demo`` and ``compare``: backtest pies and write the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    echo_json,
    line,
    open_store,
    report_folder,
    settings_of,
)

if TYPE_CHECKING:
    import pandas as pd

    from piefolio.analytics.inflation import PriceIndex
    from piefolio.backtest import Backtest
    from piefolio.data.frame import PriceFrame
    from piefolio.spec import PieSpec, Plan

__all__ = ["compare", "demo", "price_index", "run"]

PngOption = Annotated[
    bool, typer.Option("--png", help="Also write PNG images of the main charts.")
]
PdfOption = Annotated[
    bool,
    typer.Option(
        "--pdf",
        help="Also write a PDF tearsheet (summary, growth, drawdowns, annual "
        "returns, allocation, risk), to file or mail.",
    ),
]
RiskFreeOption = Annotated[
    float | None,
    typer.Option(
        "--risk-free",
        help="Annual risk-free rate of the Sharpe and Sortino ratios, the same for "
        "every series (0.02 = 2 %; default: the plan's cash_interest).",
    ),
]
ReportOption = Annotated[
    bool, typer.Option("--report/--no-report", help="Write the HTML report.")
]


def _check_risk_free(rate: float | None) -> None:
    """Refuse a ``--risk-free`` outside 0..1 in one line (exit 2), before any work.

    Typer's own bounds answered with its usage block; a rate typed in percent
    (``5`` for 5 %) is the likely mistake, so the message shows the fraction.
    """
    if rate is not None and not 0.0 <= rate <= 1.0:  # NaN fails too
        raise bad_option(
            "--risk-free", rate, "a yearly rate from 0 to 1 as a fraction (0.02 = 2 %)"
        )


def _run(
    spec: PieSpec,
    frame: PriceFrame | None,
    *,
    offline: bool,
    risk_free: float | None = None,
) -> Backtest:
    from piefolio.backtest import BacktestSettings, backtest, frame_for

    settings = settings_of(BacktestSettings, risk_free=risk_free)
    err = console(stderr=True)
    what = f"{spec.pie.name} and {len(spec.benchmarks)} benchmark(s)"
    with err.status(line(f"Backtesting {what} (the first run compiles the engine)...")):
        if frame is None:
            frame = frame_for(spec, settings, offline=offline)
        return backtest(spec, frame, settings=settings)


def present(
    bt: Backtest,
    *,
    out: Path | None,
    png: bool,
    as_json: bool,
    report: bool,
    pdf: bool = False,
    real: bool = True,
) -> None:
    """Print a backtest (tables and verdicts, or JSON) and write its report.

    Parameters
    ----------
    bt : Backtest
        The pie and its benchmarks.
    out : Path, optional
        Report folder, already checked (:func:`report_folder`); default
        ``reports/<slug of the pie name>/``.
    png, as_json, report : bool
        Write PNGs; print JSON instead of tables; write the HTML page.
    pdf : bool, default False
        Write the PDF tearsheet.
    real : bool, default True
        Deflate by the stored price index of the pie's currency
        (:func:`price_index`), or say how to import one.
    """
    from dataclasses import replace

    from piefolio.report import (
        report_data,
        report_json,
        summary_table,
        verdict_lines,
        write_pdf,
        write_pngs,
        write_report,
    )
    from piefolio.report.terminal import real_table

    if real:
        index, missing = price_index(bt.spec.pie.currency)
        data = report_data(bt, price_index=index)
        if missing:
            data = replace(data, notes=(*data.notes, missing))
    else:
        data = report_data(bt)
    # Only a command that writes claims the folder: --no-report leaves none behind.
    folder = (
        out or report_folder(None, bt.spec.pie.name, force=False)
        if report or png or pdf
        else None
    )
    written: list[Path] = []
    if folder is not None:
        if report:
            written.append(write_report(data, folder))
        if png:
            written += write_pngs(data, folder)
        if pdf:
            written.append(write_pdf(data, folder))
    if as_json:
        payload = report_json(data)
        payload["files"] = [str(p) for p in written]
        echo_json(payload)
        return
    show = console()
    show.print(summary_table(data))
    real_text = real_table(data)
    if real_text is not None:
        show.print(real_text)
    for verdict in verdict_lines(data):
        show.print(verdict)
    for note in data.notes:
        show.print(line(("note:", "yellow"), " ", note))
    for path in written:
        show.print(line("Wrote ", (path, "bold")))


def price_index(currency: str) -> tuple[PriceIndex | None, str]:
    """Read the price index of a currency from the store, or say how to get it.

    Returns
    -------
    (PriceIndex or None, str)
        The index (``""`` as the second item), or None and one line saying
        which index to import and how.
    """
    from piefolio.analytics.inflation import INDEX_OF_CURRENCY, PriceIndex
    from piefolio.data.series import read_series
    from piefolio.errors import DataUnavailable

    known = INDEX_OF_CURRENCY.get(currency)
    if known is None:
        return None, (
            f"No real (inflation-adjusted) figures: no price index is known for "
            f"{currency} (only "
            + ", ".join(f"{c}: {i}" for c, (i, _) in INDEX_OF_CURRENCY.items())
            + ")."
        )
    name, label = known
    try:
        stored = read_series(open_store(), name)
    except DataUnavailable as exc:
        # read_series says how to bring it (import or fetch): one message.
        return None, (
            f"No real (inflation-adjusted) figures: no {name} ({label}) in the "
            f"store. {exc}"
        )
    return PriceIndex(name, label, stored.values), ""


@command()
def run(
    spec: SpecArg,
    offline: OfflineOption = False,
    out: OutOption = None,
    png: PngOption = False,
    as_json: JsonOption = False,
    report: ReportOption = True,
    risk_free: RiskFreeOption = None,
    force: ForceOption = False,
    pdf: PdfOption = False,
) -> None:
    """Backtest a pie and its benchmarks with the same deposits; write a report."""
    from piefolio.spec import load_pie

    _check_risk_free(risk_free)
    pie = load_pie(spec)
    if report or png or pdf:
        out = report_folder(out, pie.pie.name, force=force)
    present(
        _run(pie, None, offline=offline, risk_free=risk_free),
        out=out,
        png=png,
        as_json=as_json,
        report=report,
        pdf=pdf,
    )


@command()
def demo(
    out: OutOption = None,
    png: PngOption = False,
    as_json: JsonOption = False,
    report: ReportOption = True,
    risk_free: RiskFreeOption = None,
    force: ForceOption = False,
    pdf: PdfOption = False,
) -> None:
    """Backtest the offline demo pie on the bundled sample data; write the report."""
    from piefolio.data.demo import demo_prices, demo_spec
    from piefolio.data.store import sample_store_path

    _check_risk_free(risk_free)
    spec = demo_spec()
    if report or png or pdf:
        out = report_folder(out, spec.pie.name, force=force)
    # The demo's own store: the sample never touches the user's prices.
    frame = demo_prices(open_store(sample_store_path()))
    present(
        _run(spec, frame, offline=True, risk_free=risk_free),
        out=out,
        png=png,
        as_json=as_json,
        report=report,
        pdf=pdf,
        # The sample store holds no price index, and the user's is not read.
        real=False,
    )


def _compare_title(runs: list[Backtest]) -> str:
    """Name the window of the side-by-side table: one span, or each pie's."""
    from piefolio.report.format import span_words

    spans = [(bt.spec.pie.name, span_words(bt.nav().index)) for bt in runs]
    if len({span for _, span in spans}) == 1:
        return f"Pies side by side, {spans[0][1]}"
    # Each pie runs its own plan; the benchmarks the first pie's.
    return "Pies side by side, each on its own plan: " + "; ".join(
        f"{name} {span}" for name, span in spans
    )


@command()
def compare(
    specs: Annotated[
        list[Path], typer.Argument(help="Two or more pie files to set side by side.")
    ],
    offline: OfflineOption = False,
    out: OutOption = None,
    as_json: JsonOption = False,
    risk_free: RiskFreeOption = None,
    force: ForceOption = False,
    png: PngOption = False,
) -> None:
    """Set pies side by side, each with its own plan, and the first one's benchmarks."""
    import pandas as pd

    from piefolio.errors import SpecError
    from piefolio.spec import load_pie

    if len(specs) < 2:
        raise SpecError("compare needs two or more pie files")
    _check_risk_free(risk_free)
    pies = [load_pie(path) for path in specs]
    names = " vs ".join(pie.pie.name for pie in pies)
    folder = report_folder(out, f"compare {names}", force=force)
    # One rate for the whole table, or Sharpe ratios in one column would not
    # compare: the explicit one, else the first pie's cash rate (and say so).
    rate = risk_free if risk_free is not None else float(pies[0].plan.cash_interest)
    runs = [_run(pie, None, offline=offline, risk_free=rate) for pie in pies]
    rate_note = (
        f"Sharpe and Sortino use a risk-free rate of {rate:.2%} a year for every "
        + (
            "row (set with --risk-free)"
            if risk_free is not None
            else f"row (the cash_interest of {pies[0].pie.name}; --risk-free sets "
            "another)"
        )
    )
    # Each pie's own row; only the first pie's benchmarks (one summary per run).
    summaries = [bt.summary() for bt in runs]
    rows = [t.iloc[[0]] for t in summaries] + [summaries[0].iloc[1:]]
    table = pd.concat(rows)
    table = table[~table.index.duplicated()]
    currencies = {bt.spec.pie.currency for bt in runs}
    cur = currencies.pop() if len(currencies) == 1 else ""
    written = [_compare_page(runs, table, cur, folder, rate_note)]
    if png:
        from piefolio.report.png import write_lines_png

        nav, unit = _compare_lines(runs)
        for frame, title, name, money_unit in (
            (nav, "Value of each pie's deposits", "compare-value.png", cur),
            (unit, "Growth of 1, time-weighted", "compare-growth.png", ""),
        ):
            written.append(
                write_lines_png(frame, title, folder / name, unit=money_unit)
            )
    if as_json:
        echo_json(
            {
                "risk_free": rate,
                "summary": table.to_dict(orient="index"),
                "files": [str(p) for p in written],
            }
        )
        return
    from piefolio.report import summary_frame_table

    show = console()
    show.print(summary_frame_table(table, cur, title=_compare_title(runs)))
    show.print(rate_note)
    if cur == "":
        show.print(line(("note:", "yellow"), " the pies are in different currencies"))
    for path in written:
        show.print(line("Wrote ", (path, "bold")))


def _dated(bt: Backtest) -> Plan:
    """Return the plan with its real last day, not "until the latest data"."""
    from piefolio.models import replace

    plan = bt.spec.plan
    if plan.end is None and len(bt.pie.nav.index):
        plan = replace(plan, end=bt.pie.nav.index[-1].date())
    return plan


def _compare_lines(runs: list[Backtest]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the value of each pie's deposits and its growth of 1 (and benchmarks')."""
    import pandas as pd

    nav = pd.DataFrame({bt.spec.pie.name: bt.pie.nav for bt in runs})
    unit = pd.DataFrame({bt.spec.pie.name: bt.pie.unit_value for bt in runs})
    first = runs[0]
    for name in first.names[1:]:
        unit[name] = first.results[name].unit_value
    return nav, unit


def _compare_page(
    runs: list[Backtest],
    table: pd.DataFrame,
    currency: str,
    folder: Path,
    rate_note: str,
) -> Path:
    from piefolio.report import lines_figure, write_page
    from piefolio.report.build import period_text
    from piefolio.report.format import SUMMARY_FIELDS, plan_words, summary_strings

    nav, unit = _compare_lines(runs)
    plans = [
        f"{bt.spec.pie.name}: {plan_words(_dated(bt), bt.spec.pie.currency)} "
        f"{period_text(bt.pie.nav.index)}"
        for bt in runs
    ]
    plans.append(rate_note)
    return write_page(
        "Pies side by side",
        plans,
        [
            (
                "Summary (each pie with its own plan)",
                # A figure a row and a series a column, as on the run page: 15
                # figures across would not fit a laptop's width.
                summary_strings(table, currency, SUMMARY_FIELDS).T,
            )
        ],
        [
            (
                "Value of each pie's deposits",
                lines_figure(nav, "Value of the deposits", currency=currency),
            ),
            (
                "Time-weighted growth of 1 (the first pie's benchmarks too)",
                lines_figure(unit, "Growth of 1, time-weighted"),
            ),
        ],
        folder / "index.html",
    )
