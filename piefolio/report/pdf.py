"""A PDF tearsheet of a pie's run, for people who file or mail it.

Pages, A4 landscape: the summary (pie vs benchmarks, verdicts, period and
notes), growth of the deposits, drawdowns, annual returns, allocation (target vs
actual weights), and the risk tables (drawdowns and tail risk, the pie against
each benchmark). The charts are the PNGs' own (:mod:`piefolio.report.png`), the
tables the page's text (:mod:`piefolio.report.html`, :mod:`piefolio.report.tables`),
so the three views read the same numbers.

matplotlib is used through its object API and ``PdfPages``; the file is written
atomically and carries no creation date, so the same run gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd

from piefolio._atomic import atomic_bytes
from piefolio.report import png, tables
from piefolio.report.model import ReportData
from piefolio.typing import PathLike

__all__ = ["PDF_NAME", "write_pdf"]

#: File name of the tearsheet in a report folder.
PDF_NAME = "tearsheet.pdf"

_A4 = (11.69, 8.27)  # inches, landscape


def _text_page(
    title: str, lines: list[str], frames: list[tuple[str, pd.DataFrame]]
) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=_A4)
    fig.text(0.04, 0.95, title, fontsize=16, weight="bold", va="top")
    y = 0.90
    for text in lines:
        for part in textwrap.wrap(text, 150) or [""]:
            fig.text(0.04, y, part, fontsize=8.5, va="top")
            y -= 0.022
    space = (y - 0.04) / max(len(frames), 1)
    for caption, frame in frames:
        fig.text(0.04, y - 0.005, caption, fontsize=10, weight="bold", va="top")
        ax = fig.add_axes((0.04, y - space + 0.01, 0.92, space - 0.045))
        ax.axis("off")
        # The row labels are the first column: matplotlib's rowLabels would sit
        # left of the axes, off the page.
        cells = [
            [str(label), *(str(v) for v in row)]
            for label, row in zip(
                frame.index, frame.itertuples(index=False), strict=True
            )
        ]
        n = len(frame.columns)
        table = ax.table(
            cellText=cells,
            colLabels=[str(frame.index.name or ""), *(str(c) for c in frame.columns)],
            colWidths=[0.28, *([0.72 / max(n, 1)] * n)],
            loc="upper center",
            cellLoc="right",
        )
        for (row, col), cell in table.get_celld().items():
            if col == 0:
                cell.set_text_props(ha="left")
                cell.PAD = 0.02
            if row == 0:
                cell.set_text_props(weight="bold")
        table.auto_set_font_size(False)
        table.set_fontsize(7.5)
        table.scale(1.0, 1.15)
        y -= space
    return fig


def _chart_page(fig: Any) -> Any:
    fig.set_size_inches(*_A4)
    return fig


def write_pdf(data: ReportData, out_dir: PathLike) -> Path:
    """Write the tearsheet to ``out_dir/tearsheet.pdf`` atomically.

    Parameters
    ----------
    data : ReportData
        The run and its benchmarks.
    out_dir : str or os.PathLike
        Report folder; created when missing.

    Returns
    -------
    pathlib.Path
        The PDF: a summary page, four chart pages (growth, drawdowns, annual
        returns, allocation) and a risk page.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    from piefolio.report.html import risk_frame, summary_frame
    from piefolio.report.terminal import verdict_lines

    summary = summary_frame(data)
    first = [data.plan_text, *verdict_lines(data), *(f"Note: {n}" for n in data.notes)]
    risk: list[tuple[str, pd.DataFrame]] = [
        ("Drawdowns and one-day tail risk (95 %)", risk_frame(data)),
        ("Trailing returns (3 years and longer: a year)", tables.trailing_frame(data)),
    ]
    against = tables.against_frame(data)
    if against is not None:
        risk.append(("Against the benchmarks", against))
    pages = [
        _text_page(data.title, first, [("Pie vs benchmarks, same deposits", summary)]),
        *(_chart_page(make(data)) for make in png.CHARTS),
        _text_page(f"{data.title}: risk", [], risk),
    ]
    buffer = io.BytesIO()
    # No creation date: the same run writes the same bytes.
    with PdfPages(buffer, metadata={"CreationDate": None}) as pdf:
        for page in pages:
            pdf.savefig(page)
    target = Path(out_dir) / PDF_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_bytes(target, buffer.getvalue())
    return target
