"""The report of a pie's run: one self-contained HTML page, PNGs, JSON, terminal tables.

Input is one :class:`ReportData` (see :mod:`piefolio.report.model`); every view the
report derives from it comes from :mod:`piefolio.analytics`
(:mod:`piefolio.report.derived`). Modules, one concept each:

- :mod:`~piefolio.report.model`: the input contract, :class:`ReportData`;
- :mod:`~piefolio.report.derived`: drawdowns, annual/monthly/rolling returns, tail
  risk, correlations and drift of a report;
- :mod:`~piefolio.report.format`: money, percentages and NaN as text;
- :mod:`~piefolio.report.figures`: plotly figures, one function each;
- :mod:`~piefolio.report.scenario_figures`: the Monte Carlo fan and the claim
  chart of the scenario pages (also exported by ``figures``);
- :mod:`~piefolio.report.html`: the HTML page (jinja2, plotly.js inlined once);
- :mod:`~piefolio.report.png`: matplotlib PNGs of the main charts;
- :mod:`~piefolio.report.pdf`: the PDF tearsheet (matplotlib ``PdfPages``);
- :mod:`~piefolio.report.json`: every number as JSON-safe data;
- :mod:`~piefolio.report.terminal`: rich tables and verdict lines.

Names are imported on first use (PEP 562) so that the terminal and JSON views do not
load plotly, matplotlib or jinja2.
"""

from __future__ import annotations

import importlib
import typing
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from piefolio.report.build import allocation_tree, report_data, theme_contributions
    from piefolio.report.figures import claims_figure, fan_figure, report_figures
    from piefolio.report.html import (
        render_page,
        render_report,
        write_page,
        write_report,
    )
    from piefolio.report.json import report_json
    from piefolio.report.model import ReportData
    from piefolio.report.pdf import write_pdf
    from piefolio.report.png import write_pngs
    from piefolio.report.scenario_figures import (
        bars_figure,
        distribution_figure,
        lines_figure,
    )
    from piefolio.report.terminal import (
        summary_frame_table,
        summary_table,
        verdict_lines,
    )

# Public name -> module that defines it.
_LAZY: dict[str, str] = {
    "ReportData": "piefolio.report.model",
    "allocation_tree": "piefolio.report.build",
    "bars_figure": "piefolio.report.scenario_figures",
    "lines_figure": "piefolio.report.scenario_figures",
    "report_data": "piefolio.report.build",
    "summary_frame_table": "piefolio.report.terminal",
    "theme_contributions": "piefolio.report.build",
    "claims_figure": "piefolio.report.figures",
    "distribution_figure": "piefolio.report.scenario_figures",
    "fan_figure": "piefolio.report.figures",
    "render_page": "piefolio.report.html",
    "render_report": "piefolio.report.html",
    "report_figures": "piefolio.report.figures",
    "report_json": "piefolio.report.json",
    "summary_table": "piefolio.report.terminal",
    "verdict_lines": "piefolio.report.terminal",
    "write_page": "piefolio.report.html",
    "write_pdf": "piefolio.report.pdf",
    "write_pngs": "piefolio.report.png",
    "write_report": "piefolio.report.html",
}

__all__ = [
    "ReportData",
    "allocation_tree",
    "bars_figure",
    "claims_figure",
    "distribution_figure",
    "fan_figure",
    "lines_figure",
    "render_page",
    "render_report",
    "report_data",
    "report_figures",
    "report_json",
    "summary_frame_table",
    "summary_table",
    "theme_contributions",
    "verdict_lines",
    "write_page",
    "write_pdf",
    "write_pngs",
    "write_report",
]


def __getattr__(name: str) -> typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'piefolio.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
