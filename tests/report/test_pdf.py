"""The PDF tearsheet: six A4 pages, the same bytes for the same run."""

from __future__ import annotations

import re
from pathlib import Path

from piefolio.report.model import ReportData
from piefolio.report.pdf import PDF_NAME, write_pdf


def test_tearsheet_pages_and_reproducible(
    real_report: ReportData, tmp_path: Path
) -> None:
    path = write_pdf(real_report, tmp_path / "a")
    assert path.name == PDF_NAME
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF-")
    # Summary, growth, drawdowns, annual returns, allocation, risk.
    assert len(re.findall(rb"/Type\s*/Page\b", raw)) == 6
    assert write_pdf(real_report, tmp_path / "b").read_bytes() == raw
    assert [p.name for p in path.parent.iterdir()] == [PDF_NAME]  # no temp file left


def test_tearsheet_without_benchmarks(
    lonely_report: ReportData, tmp_path: Path
) -> None:
    raw = write_pdf(lonely_report, tmp_path).read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", raw)) == 6
