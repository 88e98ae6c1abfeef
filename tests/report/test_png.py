from __future__ import annotations

import itertools
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


def test_box_png_draws_one_box_per_column_with_round_percent_ticks(
    tmp_path: Path,
) -> None:
    from unittest import mock

    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from piefolio.report import png

    frame = pd.DataFrame(
        {"none": [0.02, 0.05, 0.10, 0.175], "quarterly": [0.03, np.nan, 0.08, 0.12]}
    )
    figures: list[Figure] = []
    make = png._new_figure

    def keep() -> tuple[Figure, object]:
        fig, ax = make()
        figures.append(fig)
        return fig, ax

    with mock.patch.object(png, "_new_figure", keep):
        path = png.write_box_png(frame, "TWR", tmp_path / "box.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = figures[0].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["none", "quarterly"]
    # Ticks are whole percents in steps of 1, 2 or 5 (x 10^k): never 2.5 %.
    ticks = [t for t in ax.get_yticks() if -0.05 <= t <= 0.2]
    steps = {round(b - a, 10) for a, b in itertools.pairwise(ticks)}
    assert steps and steps <= {0.01, 0.02, 0.05, 0.1}, steps
