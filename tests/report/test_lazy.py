"""Heavy libraries load only when a page or a picture is drawn."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("plotly", "matplotlib", "jinja2")


def _loaded_after(statement: str) -> list[str]:
    code = (
        f"import sys\n{statement}\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [m for m in out.stdout.strip().split(",") if m]


@pytest.mark.parametrize(
    "statement",
    [
        "import piefolio",
        "import piefolio.report",
        "from piefolio.report import report_json, summary_table, ReportData",
        "import piefolio; piefolio.ReportData",
    ],
)
def test_no_heavy_import(statement: str) -> None:
    assert _loaded_after(statement) == []


def test_write_report_is_exported_lazily() -> None:
    code = "import piefolio, piefolio.report.html as h; print(piefolio.write_report is h.write_report)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"
