"""``piefolio optimize``: weights for a pie under its limits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from piefolio.cli._app import (
    JsonOption,
    OfflineOption,
    SpecArg,
    command,
    console,
    echo_json,
    line,
    styled,
)

if TYPE_CHECKING:
    import numpy as np
    from rich.table import Table

    from piefolio.optimize import Optimize, Proposal, WalkForward
    from piefolio.optimize.verb import Optimization
    from piefolio.spec import PieSpec

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["optimize"]


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
    offline: OfflineOption = False,
    as_json: JsonOption = False,
) -> None:
    """Propose weights for a pie's slices under its [optimize] limits."""
    from piefolio.errors import SpecError
    from piefolio.optimize import Method, Optimize
    from piefolio.optimize import write_proposal as write_file
    from piefolio.optimize.verb import ProposeSettings, frame_for, propose
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
    asked = ProposeSettings(methods=tuple(methods), backtest=backtest)
    run = propose(pie, frame_for(pie, asked, offline=offline), settings=asked)
    if as_json:
        echo_json(_payload(pie, run))
        if write is None:
            return
    current, proposals = run.current, run.proposals
    out = console()
    if not as_json:
        out.print(
            line(
                (pie.name, "bold"),
                f": weights estimated on {current.days} days "
                f"{current.start}..{current.end} (lookback {settings.lookback}); "
                f"risk-free {current.risk_free:.2%} a year",
            )
        )
        out.print(
            f"Expected returns (E(r), a year, {pie.pie.currency}): {current.estimator}"
        )
        out.print(_weights_table(pie, current, proposals))
        out.print(_theme_risk_table(current, proposals))
        if run.walk_forward:
            out.print(_walk_forward_table(pie, settings, run.walk_forward))
        seen: set[str] = set()
        for name, p in [("current", current), *proposals.items()]:
            for note in p.notes:
                if note not in seen:
                    seen.add(note)
                    out.print(line(("note", "yellow"), f" ({name}): {note}"))
        for name, reason in run.failed.items():
            out.print(line((f"{name} failed:", "red"), f" {reason}"))
    if write is not None:
        (proposal,) = proposals.values()
        written = write_file(pie, proposal, write, force=force)
        if not as_json:
            check = (f"piefolio show {written}", "bold")
            out.print(line(f"Wrote {written}. Check it: ", check))


def _payload(pie: PieSpec, run: Optimization) -> dict[str, object]:
    """Every number of an ``optimize`` run, for ``--json``."""
    import dataclasses

    from piefolio.optimize.prior import TOO_HIGH

    current = run.current
    checks: dict[str, object] = {}
    for name, wf in run.walk_forward.items():
        checks[name] = (
            {"error": wf}
            if isinstance(wf, str)
            else {
                "start": wf.wealth.index[0],
                "summary": wf.summary().to_dict(orient="index"),
            }
        )
    return {
        "pie": pie.name,
        "currency": pie.pie.currency,
        "risk_free": current.risk_free,
        "covariance_window": {
            "start": current.start,
            "end": current.end,
            "days": current.days,
            "lookback": run.settings.lookback,
        },
        "expected_returns": {
            "estimator": current.estimator,
            "start": current.mu_start,
            "end": current.mu_end,
            "days": current.mu_days,
            "annual": current.expected_returns,
            "prior": current.prior,
            "above": TOO_HIGH,
            "flagged": [t for t, r in current.expected_returns.items() if r > TOO_HIGH],
        },
        "current": dataclasses.asdict(current),
        "proposals": {k: dataclasses.asdict(p) for k, p in run.proposals.items()},
        "failed": run.failed,
        "walk_forward": checks,
    }


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
            styled(theme, "bold"), "", f"{current.theme_weights[theme]:.1%}", *cells
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


def _walk_forward_cells(row: np.ndarray) -> list[str]:
    """Return (signed, as every return is shown), volatility, drawdown."""
    from piefolio.report.format import percent

    ret, vol, drawdown = row
    return [percent(ret, signed=True), percent(vol), percent(drawdown)]


def _walk_forward_table(
    pie: PieSpec, settings: Optimize, checks: dict[str, WalkForward | str]
) -> Table:
    from rich.box import SIMPLE
    from rich.table import Table

    table = Table(
        box=SIMPLE,
        title=f"Walk-forward from {pie.plan.start} (refit every "
        f"{settings.rebalance_every}, buy and hold between, no fees)",
        title_justify="left",
    )
    # The growth of 1 carries no flows, so its CAGR is the time-weighted return
    # a year, the same cagr the run's real-returns table calls "TWR a year".
    for col in ("Pie", "TWR a year", "Volatility", "Max drawdown"):
        table.add_column(col, justify="left" if col == "Pie" else "right")
    current_row = None
    for name, wf in checks.items():
        if isinstance(wf, str):
            table.add_row(name, styled(wf, "red"), "", "")
            continue
        # Rows proposal, current; columns annual return, volatility, drawdown.
        ours, pie_row = wf.summary().to_numpy(dtype=float)
        table.add_row(name, *_walk_forward_cells(ours))
        current_row = _walk_forward_cells(pie_row)
    if current_row is not None:
        table.add_row("current pie", *current_row)
    return table
