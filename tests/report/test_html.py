"""The HTML page: written atomically, self-contained, and showing what it should."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from piefolio.errors import WriteError
from piefolio.report.figures import claims_figure, fan_figure, report_figures
from piefolio.report.format import DASH
from piefolio.report.html import _plotlyjs, render_page, write_page, write_report
from piefolio.report.model import ReportData

# Anything that would make the browser fetch a script, style, font or image.
_EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""  # src="http://..." or "//cdn"
    r"""|@import|url\(\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)


def _markup(page: str) -> str:
    # plotly.js (packed) is base64 text; check the page around it.
    return page.replace(_plotlyjs(), "")


def _packed_plotly(page: str) -> str:
    """The one packed copy of plotly.js in the page, unpacked."""
    import base64
    import gzip

    found = re.findall(
        r'<script id="plotly-js" type="application/gzip;base64">([^<]*)</script>', page
    )
    assert len(found) == 1
    return gzip.decompress(base64.b64decode(found[0])).decode("utf-8")


@pytest.fixture(scope="module")
def real_page(
    real_report: ReportData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    path = write_report(real_report, tmp_path_factory.mktemp("real") / "new" / "folder")
    return path, path.read_text(encoding="utf-8")


def test_report_file_is_written_in_a_new_folder(real_page: tuple[Path, str]) -> None:
    path, page = real_page
    assert path.name == "index.html" and path.is_file()
    assert page.startswith("<!doctype html>")
    assert [p.name for p in path.parent.iterdir()] == [
        "index.html"
    ]  # no temp file left


def test_page_is_self_contained(real_page: tuple[Path, str]) -> None:
    _, page = real_page
    assert _packed_plotly(page) == get_plotlyjs()  # the whole library, once
    markup = _markup(page)
    assert not _EXTERNAL.search(markup), _EXTERNAL.search(markup)
    assert "<link" not in markup
    assert "default-src 'none'" in markup  # the browser refuses any request
    # Packed plotly.js is about 2 MB of the page, not 4.8 MB; days, not midnights.
    assert len(page) < 4_000_000
    assert "T00:00:00" not in markup


def test_page_shows_header_tables_and_verdicts(
    real_report: ReportData, real_page: tuple[Path, str]
) -> None:
    _, page = real_page
    text = html_lib.unescape(page)
    assert f"<title>{html_lib.escape(real_report.title)}</title>" in page
    assert real_report.plan_text in text
    for paragraph in ("Power is the bottleneck.", "Metals hedge the rest."):
        assert f"<p>{paragraph}</p>" in page
    assert "2026-11-29 09:00 UTC" in page
    assert real_report.notes[0] in text
    for name in real_report.series:
        assert name in text
    for verdict in real_report.verdicts:
        assert f"{real_report.pie} {verdict}" in text
    final = float(real_report.summary["final_value"].iloc[0])
    assert f"{final:,.0f} USD" in page
    assert "Max drawdown" in page and "1-day VaR 95%" in page


def test_one_div_per_chart_with_its_caption(
    real_report: ReportData, real_page: tuple[Path, str]
) -> None:
    _, page = real_page
    charts = report_figures(real_report)
    assert len(charts) == 11  # every chart applies to this report
    assert page.count('class="plotly-graph-div"') == len(charts)
    assert page.count("Plotly.newPlot") == len(charts)
    for i, (caption, _) in enumerate(charts, start=1):
        assert f'id="chart-{i}"' in page
        assert caption in html_lib.unescape(page)


def test_tiny_report_escapes_and_dashes(
    tiny_report: ReportData, tmp_path: Path
) -> None:
    path = write_report(tiny_report, tmp_path)
    page = path.read_text(encoding="utf-8")
    assert "Tiny &lt;pie&gt;" in page and "<pie>" not in page
    assert "Bench &lt;b&gt;" in page
    assert f"<td>{DASH}</td>" in page
    assert "1,234.50 EUR" not in page  # fees under 1,000 keep cents...
    assert "1,234 EUR" in page  # ...and above it do not
    # No prices, no trades, no contributions, too short for 12-month windows.
    assert (
        page.count('class="plotly-graph-div"') == len(report_figures(tiny_report)) == 7
    )


def test_rewrite_replaces_the_page_atomically(
    tiny_report: ReportData, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("old", encoding="utf-8")
    write_report(tiny_report, tmp_path)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_failed_render_leaves_the_old_page(
    tiny_report: ReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("old", encoding="utf-8")

    def no_room(src: object, dst: object) -> None:
        raise OSError("disk full")

    # The crash comes at the last moment: the whole new page is in the temp file.
    monkeypatch.setattr("piefolio._atomic.os.replace", no_room)
    # A failed write is piefolio's one-line WriteError (exit 1), naming the cause.
    with pytest.raises(WriteError, match="disk full"):
        write_report(tiny_report, tmp_path)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_generic_page_with_fan_and_claims(tmp_path: Path) -> None:
    dates = pd.bdate_range("2026-01-01", periods=30)
    fan = pd.DataFrame(
        {p: 1000.0 + p * pd.Series(range(30), index=dates) for p in (5, 25, 50, 75, 95)}
    )
    invested = pd.Series(1000.0, index=dates)
    relative = pd.Series(
        [0.01 * (i - 10) for i in range(30)], index=dates, name="AI power > chips"
    )
    table = pd.DataFrame(
        {"P(loss)": ["12.0%"], "Median": [1234.5678], "Worst": [float("nan")]},
        index=["Pie"],
    )
    path = write_page(
        "Monte Carlo <fan>",
        ["1,000 paths.", "Block bootstrap."],
        [("Outcomes after 5 years", table)],
        [
            ("The band holds 90 % of paths.", fan_figure(fan, invested, "Fan")),
            ("Above zero the claim held.", claims_figure(relative, "Claim")),
        ],
        tmp_path / "mc.html",
    )
    page = path.read_text(encoding="utf-8")
    assert "Monte Carlo &lt;fan&gt;" in page
    assert "<p>1,000 paths.</p>" in page and "Outcomes after 5 years" in page
    assert "1,234.57" in page and f"<td>{DASH}</td>" in page and "12.0%" in page
    assert page.count('class="plotly-graph-div"') == 2
    assert _packed_plotly(page) == get_plotlyjs()
    assert not _EXTERNAL.search(_markup(page))
    assert "Verdict" not in page


def test_render_page_is_reproducible() -> None:
    frame = pd.DataFrame({"x": [1.0]}, index=["a"])
    assert render_page("T", [], [("c", frame)], []) == render_page(
        "T", [], [("c", frame)], []
    )


def test_pie_without_benchmarks(lonely_report: ReportData, tmp_path: Path) -> None:
    data = lonely_report
    page = write_report(data, tmp_path).read_text(encoding="utf-8")
    assert "Alone" in page and "Verdict" not in page
    assert page.count('class="plotly-graph-div"') == len(report_figures(data))
