from __future__ import annotations

from pathlib import Path

from piefolio.report.model import ReportData
from piefolio.report.png import PNG_NAMES, write_pngs

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_pngs_are_valid_images(real_report: ReportData, tmp_path: Path) -> None:
    out = tmp_path / "png"
    paths = write_pngs(real_report, out)
    assert [p.name for p in paths] == list(PNG_NAMES)
    for path in paths:
        head = path.read_bytes()[:24]
        assert head[:8] == PNG_MAGIC
        width = int.from_bytes(head[16:20], "big")
        height = int.from_bytes(head[20:24], "big")
        assert (width, height) == (1080, 540)
    assert sorted(p.name for p in out.iterdir()) == sorted(PNG_NAMES)  # no temp files


def test_pngs_of_a_tiny_report(tiny_report: ReportData, tmp_path: Path) -> None:
    assert len(write_pngs(tiny_report, tmp_path)) == 4
