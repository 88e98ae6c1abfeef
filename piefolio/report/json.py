"""Every number of a report as JSON-safe data, for ``piefolio run --json``.

Conventions
-----------
- Returns, drawdowns, weights and contributions are fractions (0.05 is 5 %);
  money is in ``currency``.
- NaN and infinities become ``null`` ("not applicable"), never 0; dates and times
  are ISO 8601 strings; numpy scalars become Python numbers. The result passes
  ``json.dumps(..., allow_nan=False)`` as it is.
- Mappings keyed by a year use the year as a string (JSON keys are strings).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from piefolio.report import derived
from piefolio.report.model import ReportData
from piefolio.report.terminal import verdict_lines

__all__ = ["json_safe", "report_json"]


def json_safe(value: Any) -> Any:
    """Convert a value to something :func:`json.dumps` writes without loss or NaN.

    Parameters
    ----------
    value : Any
        A number, string, date, None, or a mapping / sequence / pandas object of
        them.

    Returns
    -------
    Any
        Floats stay floats except NaN and infinities (``None``); numpy scalars
        become Python ones; dates, datetimes and Timestamps become ISO strings
        (a midnight Timestamp becomes a date); mappings become dicts with string
        keys; Series become dicts; lists, tuples and arrays become lists.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if value is pd.NaT:  # checked first: NaT is also a datetime
        return None
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, pd.Series):
        return {_key(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {_key(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(v) for v in value]
    raise TypeError(f"cannot make a {type(value).__name__} JSON-safe: {value!r}")


def _key(key: Any) -> str:
    safe = json_safe(key)
    return safe if isinstance(safe, str) else str(safe)


def _frame_by_column(frame: pd.DataFrame) -> dict[str, Any]:
    return {str(c): json_safe(frame[c]) for c in frame.columns}


def _frame_by_row(frame: pd.DataFrame) -> dict[str, Any]:
    return {_key(i): json_safe(row) for i, row in frame.iterrows()}


def report_json(data: ReportData) -> dict[str, Any]:
    """Every number of the report as a JSON-safe dict.

    Parameters
    ----------
    data : ReportData
        The run and its benchmarks.

    Returns
    -------
    dict
        Keys: ``title``, ``currency``, ``generated``, ``plan``, ``thesis``,
        ``notes``, ``start``, ``end``, ``pie``, ``series`` (pie first),
        ``summary`` (series -> figure -> value, every column of
        ``ReportData.summary``), ``verdicts``, ``ran_out`` (series -> the day
        its withdrawals took all it had, or null), ``risk_free`` (the annual
        rate of every ratio), ``annual_returns`` (series ->
        year -> return), ``drawdowns`` (series -> depth, peak, trough, recovery,
        decline_days, duration_days), ``tail_risk`` (series -> 95 % one-day
        ``var`` and ``es``), ``waterfall`` (ordered list of ``{"step",
        "value"}``), ``contributions`` (year -> theme -> fraction), ``targets``
        (ticker -> weight), ``trades`` (``count`` and ``fees``),
        ``trailing_returns`` (series -> period -> return), ``against``
        (benchmark -> beta, alpha, r_squared, correlation, tracking_error,
        information_ratio, up_capture, down_capture), ``distribution`` (series
        -> skew, kurtosis, win_rate, tail_ratio, best/worst day, month, year),
        ``worst_drawdowns`` (list, deepest first), ``slices`` (ticker -> cagr,
        volatility, max_drawdown, sharpe, correlation, contribution; null
        without prices) and ``holdings`` (ticker -> shares, price, value,
        weight, target, drift; null when unknown), ``real`` (null without a
        price index; else ``index``, ``index_label``, ``last_print``,
        ``held_days`` (run days after it, deflated at its last level),
        ``money_of`` (the day whose money the amounts are in), ``inflation``
        over the run, and ``summary``: series -> final_value, deposited,
        withdrawn, twr, twr_annual, xirr, all real).
    """
    index = data.nav.index
    trades = data.trades
    slices = derived.slice_table(data)
    return {
        "title": data.title,
        "currency": data.currency,
        "generated": json_safe(data.generated),
        "plan": data.plan_text,
        "thesis": data.thesis,
        "notes": list(data.notes),
        "start": json_safe(index[0]) if len(index) else None,
        "end": json_safe(index[-1]) if len(index) else None,
        "pie": data.pie,
        "series": data.series,
        "summary": _frame_by_row(data.summary),
        "verdicts": verdict_lines(data),
        "ran_out": {k: json_safe(v) for k, v in data.ran_out.items()},
        "risk_free": data.risk_free,
        "annual_returns": _frame_by_column(derived.annual_table(data)),
        "drawdowns": _frame_by_row(derived.drawdown_stats(data)),
        "tail_risk": _frame_by_row(derived.tail_risk(data)),
        "waterfall": [
            {"step": str(step), "value": json_safe(value)}
            for step, value in data.waterfall.items()
        ],
        "contributions": _frame_by_row(data.contributions),
        "targets": json_safe(data.targets),
        "trades": {
            "count": len(trades),
            "fees": json_safe(float(trades["fee"].sum())) if len(trades) else 0.0,
        },
        "trailing_returns": _frame_by_row(derived.trailing_table(data)),
        "against": _frame_by_row(derived.against_table(data)),
        "distribution": _frame_by_row(derived.return_shape(data)),
        "worst_drawdowns": [
            json_safe(row) for _, row in derived.worst_drawdowns(data).iterrows()
        ],
        "slices": None if slices is None else _frame_by_row(slices),
        "holdings": None if data.holdings is None else _frame_by_row(data.holdings),
        "real": _real(data),
    }


def _real(data: ReportData) -> dict[str, Any] | None:
    real = data.real
    if real is None:
        return None
    return {
        "index": real.index.name,
        "index_label": real.index.label,
        "last_print": json_safe(real.index.last),
        "held_days": real.held_days,
        "money_of": json_safe(real.start),
        "inflation": json_safe(real.inflation),
        "summary": _frame_by_row(real.summary),
    }
