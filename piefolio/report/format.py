"""How numbers read on the page and in the terminal.

Conventions
-----------
- Money: thousands separators and the currency code after the amount
  (``"12,345 EUR"``); whole units from 1,000 up, cents below (``"3.45 EUR"``).
- Percentages: fractions shown with one decimal (``0.0512`` -> ``"5.1%"``).
- Ratios (Sharpe, beta, ...): two decimals.
- NaN, None and infinities are "not applicable" and read as an em dash ``"—"``,
  never as 0.
- Words: a plan, its flows and its rebalancing read as sentences
  (:func:`plan_words`); the models hold no wording.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

import pandas as pd

from piefolio.spec import (
    Calendar,
    Deposits,
    Flow,
    Frequency,
    Plan,
    Rebalance,
    Threshold,
)

__all__ = [
    "DASH",
    "SUMMARY_FIELDS",
    "TERMINAL_FIELDS",
    "Kind",
    "comparison_words",
    "flow_words",
    "format_value",
    "money",
    "ordinal",
    "percent",
    "plain_money",
    "plan_words",
    "ratio",
    "rebalance_words",
    "span_words",
    "summary_strings",
    "verdict_sentence",
]

#: What a missing or undefined number reads as.
DASH = "—"


class Kind(StrEnum):
    """How a summary figure is formatted."""

    MONEY = "money"
    PERCENT = "percent"
    #: A return, shown with its sign ("+36.7%") as every return table does.
    RETURN = "return"
    RATIO = "ratio"


#: Summary columns shown on the page: (column, label, kind), in display order.
SUMMARY_FIELDS: tuple[tuple[str, str, Kind], ...] = (
    ("final_value", "Final value", Kind.MONEY),
    ("deposited", "Deposited", Kind.MONEY),
    ("withdrawn", "Withdrawn", Kind.MONEY),
    ("profit", "Profit", Kind.MONEY),
    ("twr", "Return (time-weighted)", Kind.RETURN),
    ("twr_annual", "TWR a year", Kind.RETURN),
    ("xirr", "XIRR (money-weighted)", Kind.RETURN),
    # Annualised like the TWR above it (daily returns x sqrt(252)): say so.
    ("volatility", "Volatility a year", Kind.PERCENT),
    ("sharpe", "Sharpe", Kind.RATIO),
    ("sortino", "Sortino", Kind.RATIO),
    ("max_drawdown", "Max drawdown", Kind.PERCENT),
    ("calmar", "Calmar", Kind.RATIO),
    ("fees", "Fees", Kind.MONEY),
    ("beta", "Beta", Kind.RATIO),
    ("pme", "PME", Kind.RATIO),
)

#: The shorter set a terminal has room for.
TERMINAL_FIELDS: tuple[tuple[str, str, Kind], ...] = tuple(
    f
    for f in SUMMARY_FIELDS
    if f[0]
    in {
        "final_value",
        "deposited",
        "withdrawn",
        "profit",
        "twr_annual",
        "xirr",
        "volatility",
        "max_drawdown",
        "sharpe",
        "fees",
    }
)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def money(value: Any, currency: str) -> str:
    """Format an amount of money.

    Parameters
    ----------
    value : float or None
        Amount in ``currency``.
    currency : str
        Currency code written after the amount.

    Returns
    -------
    str
        ``"12,345 EUR"`` (whole units from 1,000 up), ``"3.45 EUR"`` below,
        ``"-1,200 EUR"`` for a negative amount, :data:`DASH` when missing.
    """
    if _missing(value):
        return DASH
    x = float(value)
    decimals = 0 if abs(x) >= 1000 else 2
    if round(x, decimals) == 0.0:
        x = 0.0  # "-0.00 EUR" would read as money lost
    text = f"{x:,.{decimals}f}"
    return f"{text} {currency}"


def percent(value: Any, *, decimals: int = 1, signed: bool = False) -> str:
    """Format a fraction as a percentage: the one percent formatter.

    Parameters
    ----------
    value : float or None
        A fraction (0.051 is 5.1 %).
    decimals : int, default 1
        Decimals after the point.
    signed : bool, default False
        Write the sign of a gain too (``"+5.1%"``): for moves and returns
        read against zero, in the terminal's tables.

    Returns
    -------
    str
        ``"5.1%"``, ``"-12.0%"`` (``"+5.1%"`` signed); :data:`DASH` when
        missing.
    """
    if _missing(value):
        return DASH
    x = 100.0 * float(value)
    if round(x, decimals) == 0.0:
        x = 0.0  # "-0.0%" would read as a loss that did not happen
    sign = "+" if signed else ""
    return f"{x:{sign},.{decimals}f}%"


def ratio(value: Any) -> str:
    """Format a ratio (Sharpe, beta, PME) with two decimals; :data:`DASH` if missing."""
    if _missing(value):
        return DASH
    x = float(value)
    if round(x, 2) == 0.0:
        x = 0.0  # "-0.00" for a beta of -0.001 suggests a sign that is noise
    return f"{x:,.2f}"


def format_value(value: Any, kind: Kind, currency: str) -> str:
    """Format one summary figure by its kind.

    Parameters
    ----------
    value : float or None
        The figure.
    kind : Kind
        Money, percent, signed return or ratio.
    currency : str
        Currency code for money.

    Returns
    -------
    str
        The text shown in a table cell.
    """
    if kind is Kind.MONEY:
        return money(value, currency)
    if kind is Kind.PERCENT:
        return percent(value)
    if kind is Kind.RETURN:
        return percent(value, signed=True)
    return ratio(value)


def summary_strings(
    summary: pd.DataFrame,
    currency: str,
    fields: tuple[tuple[str, str, Kind], ...] = SUMMARY_FIELDS,
) -> pd.DataFrame:
    """Format the summary as text, one row per series, ready for a table.

    Parameters
    ----------
    summary : pd.DataFrame, shape (n_series, n_figures)
        ``ReportData.summary``.
    currency : str
        Base currency code.
    fields : tuple of (column, label, Kind)
        Which columns, their headers and formats; a column the summary lacks is
        skipped.

    Returns
    -------
    pd.DataFrame, shape (n_series, n_fields)
        Same index as ``summary``; columns are the labels; cells are strings.
    """
    out = {
        label: [format_value(v, kind, currency) for v in summary[column]]
        for column, label, kind in fields
        if column in summary.columns
    }
    return pd.DataFrame(out, index=summary.index)


def comparison_words(
    benchmark: str,
    got: float,
    other_got: float,
    *,
    currency: str,
    withdrawals: bool,
    xirr_gap: float,
) -> str:
    """Say whether the pie beat one benchmark with the same money.

    Parameters
    ----------
    benchmark : str
        The benchmark's name.
    got, other_got : float
        What the investor got from the pie and from the benchmark, in
        ``currency``: final value plus the money taken out (the same plan can
        withdraw more from one series than another when one runs out first).
    currency : str
        The pie's currency code.
    withdrawals : bool
        Whether either series paid out withdrawals (the sentence then names
        "final value plus withdrawals").
    xirr_gap : float
        Pie minus benchmark money-weighted return, a fraction a year; NaN
        leaves the points out.

    Returns
    -------
    str
        ``"beat S&P 500 by 1,234 EUR (final value, +1.2 points a year
        money-weighted) with the same deposits"``; a gap that rounds to 0 is
        said to be level, with no points.
    """
    diff = got - other_got
    what = "final value plus withdrawals" if withdrawals else "final value"
    if round(diff) == 0:
        return (
            f"ended level with {benchmark} ({what} {got:,.0f} {currency} each) "
            "with the same deposits"
        )
    points = (
        f", {xirr_gap * 100:+.1f} points a year money-weighted"
        if math.isfinite(xirr_gap)
        else ""
    )
    word = "beat" if diff > 0 else "trailed"
    return (
        f"{word} {benchmark} by {abs(diff):,.0f} {currency} ({what}{points}) "
        "with the same deposits"
    )


def verdict_sentence(pie: str, verdict: str) -> str:
    """Make a verdict a sentence about the pie.

    Parameters
    ----------
    pie : str
        The pie's name.
    verdict : str
        One of ``ReportData.verdicts``, usually starting with a verb
        (``"beat S&P 500 by 1,234 EUR ..."``).

    Returns
    -------
    str
        ``"<pie> beat S&P 500 by 1,234 EUR ..."``; a verdict that already starts
        with the pie's name, or with a capital letter, is kept as it is.
    """
    text = verdict.strip()
    if not text or text.startswith(pie) or text[0].isupper():
        return text
    return f"{pie} {text}"


# ------------------------------------------------------------ the plan in words


def plain_money(amount: float, currency: str) -> str:
    """Write an amount as a plan states it: ``"1,000 EUR"``, ``"12.50 EUR"``.

    Whole amounts without cents, others with two decimals (a plan's amounts are
    exact; :func:`money` rounds figures that were computed).
    """
    if amount == int(amount):
        return f"{amount:,.0f} {currency}"
    return f"{amount:,.2f} {currency}"


def span_words(days: pd.Index) -> str:
    """Write the window a figure covers: ``"2021-01-04 to 2026-08-03"``.

    Parameters
    ----------
    days : pd.DatetimeIndex
        The days of the run, sorted; empty reads as the dash.
    """
    if len(days) == 0:
        return DASH
    return f"{days[0].date().isoformat()} to {days[-1].date().isoformat()}"


def ordinal(n: int) -> str:
    """Return ``"first"``, ``"second"``, ``"third"``, then ``"4th"``, ``"21st"``..."""
    words = {1: "first", 2: "second", 3: "third"}
    if n in words:
        return words[n]
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
             "Sunday")  # fmt: skip


def flow_words(flow: Flow, currency: str) -> str:
    """Say a scheduled flow: ``"100 EUR on the first trading day of each month"``."""
    if flow.every is Frequency.WEEK:
        day = _WEEKDAYS[flow.day - 1]
        when = f"each week on {day} (or the next trading day)"
    elif flow.day == 1:
        when = f"on the first trading day of each {flow.every.value}"
    else:
        when = (
            f"on the {ordinal(flow.day)} day of each {flow.every.value} "
            "(or the next trading day)"
        )
    return f"{plain_money(flow.amount, currency)} {when}"


def rebalance_words(rebalance: Rebalance) -> str:
    """Say a rebalancing policy, for ``piefolio show`` and the report."""
    match rebalance:
        case Calendar(every=every):
            return f"rebalanced on the first trading day of each {every}"
        case Threshold(band=band):
            return f"rebalanced when a slice drifts {band * 100:g} points"
        case Deposits():
            return "new money goes to the most underweight slices; nothing is sold"
        case _:
            return "never rebalanced; deposits are invested at the target weights"


def plan_words(plan: Plan, currency: str) -> str:
    """Say a plan: ``"1,000 EUR on 2021-01-04, then 100 EUR on the first..."``.

    Parameters
    ----------
    plan : Plan
        The plan.
    currency : str
        The pie's base currency, printed after each amount.
    """
    parts = []
    if plan.initial:
        parts.append(
            f"{plain_money(plan.initial, currency)} on {plan.start.isoformat()}"
        )
    if plan.deposits is not None:
        parts.append(f"then {flow_words(plan.deposits, currency)}")
    if plan.withdrawals is not None:
        parts.append(f"taking out {flow_words(plan.withdrawals, currency)}")
    text = ", ".join(parts)
    text += f", {rebalance_words(plan.rebalance)}"
    until = plan.end.isoformat() if plan.end else "the latest data"
    return f"{text}; until {until}."
