"""Open the report in headless Chromium and check every chart really draws.

Driven over the DevTools protocol (websockets, no browser driver to install). The
page must load with no JavaScript error, no console error (a blocked request or
a Content-Security-Policy violation is one), no request beyond the file itself,
and every plotly div must hold its drawn ``svg.main-svg``.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from piefolio.report.figures import report_figures
from piefolio.report.html import write_report
from piefolio.report.model import ReportData

websockets_sync = pytest.importorskip(
    "websockets.sync.client",
    reason="websockets is not installed (pip install '.[test]')",
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH (Debian: apt-get install -y chromium)",
    ),
    pytest.mark.slow,
]

_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class _DevTools:
    """A minimal DevTools client over one flattened page session."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.session: str | None = None
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": next(self.ids),
            "method": method,
            "params": params or {},
        }
        if self.session is not None:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + 30
        while True:
            reply = json.loads(
                self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            )
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if any(e.get("method") == method for e in self.events):
            return
        while time.monotonic() < deadline:
            event = json.loads(
                self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            )
            self.events.append(event)
            if event.get("method") == method:
                return
        raise TimeoutError(f"no {method} within {timeout} s")

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        return result["result"].get("value")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert CHROMIUM is not None
    profile = tmp_path_factory.mktemp("chromium-profile")
    log = profile / "stderr.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            match = _LISTENING.search(log.read_text(errors="replace"))
            if match:
                url = match.group(1)
            else:
                time.sleep(0.1)
        if url is None:
            pytest.skip(
                f"chromium did not open its DevTools port: {log.read_text()[-500:]}"
            )
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def _open(
    browser: str, page: Path, metrics: dict[str, Any] | None = None
) -> Iterator[tuple[_DevTools, list[bool]]]:
    """Load ``page`` in a new tab; yield the client and, per plotly div, drawn?"""
    with websockets_sync.connect(browser, max_size=None, open_timeout=20) as ws:
        tools = _DevTools(ws)
        target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        tools.session = tools.call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.call(f"{domain}.enable")
        if metrics:
            tools.call("Emulation.setDeviceMetricsOverride", metrics)
        tools.call("Page.navigate", {"url": page.as_uri()})
        tools.wait_for("Page.loadEventFired", timeout=60)
        drawn: list[bool] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            drawn = tools.evaluate(
                "Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".map(d => d.querySelector('svg.main-svg') !== null)"
            )
            if drawn and all(drawn):
                break
            time.sleep(0.2)
        yield tools, drawn
        session, tools.session = tools.session, None
        tools.call("Target.closeTarget", {"targetId": target})
        del session


def _problems(tools: _DevTools, page: Path) -> list[str]:
    found = []
    for event in tools.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"JS exception: {params['exceptionDetails']}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            found.append(f"console.error: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            found.append(f"log error: {params['entry']['text']}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != page.as_uri() and not url.startswith(
                ("data:", "blob:", "about:")
            ):
                found.append(f"request left the page: {url}")
    return found


def test_every_chart_renders_without_errors(
    browser: str, real_report: ReportData, tmp_path: Path
) -> None:
    page = write_report(real_report, tmp_path)
    with _open(browser, page) as (tools, drawn):
        assert len(drawn) == len(report_figures(real_report))
        assert all(drawn), (
            f"charts not drawn: {[i for i, ok in enumerate(drawn, 1) if not ok]}"
        )
        assert _problems(tools, page) == []
        assert tools.evaluate("document.title") == real_report.title
        # Kept as an artifact under the test's tmp dir, for a person to look at.
        shot = tools.call("Page.captureScreenshot", {"format": "png"})["data"]
        (tmp_path / "report.png").write_bytes(base64.b64decode(shot))
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tiny_report_renders_on_a_phone_width(
    browser: str, tiny_report: ReportData, tmp_path: Path
) -> None:
    page = write_report(tiny_report, tmp_path)
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    with _open(browser, page, phone) as (tools, drawn):
        assert drawn and all(drawn)
        assert _problems(tools, page) == []
        # Nothing wider than the screen but the tables, which scroll in their box.
        assert tools.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_check_catches_a_broken_page(
    browser: str, tiny_report: ReportData, tmp_path: Path
) -> None:
    # The same checks must fail on a page that throws and tries to load a script.
    page = write_report(tiny_report, tmp_path)
    html = page.read_text(encoding="utf-8").replace(
        "</body>",
        '<script src="https://cdn.example.invalid/x.js"></script>'
        '<script>throw new Error("boom")</script></body>',
    )
    page.write_text(html, encoding="utf-8")
    with _open(browser, page) as (tools, _):
        time.sleep(0.5)
        tools.evaluate("1")  # drain the events that arrived meanwhile
        problems = _problems(tools, page)
    assert any("boom" in p for p in problems), problems
    assert any("cdn.example.invalid" in p for p in problems), problems


_WIDE_TABLES = (
    "Array.from(document.querySelectorAll('.table-wrap'))"
    ".filter(w => w.scrollWidth > w.clientWidth + 1)"
    ".map(w => w.previousElementSibling ? w.previousElementSibling.textContent.slice(0, 60) : '?')"
)
_DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}


def _scenario_page(tmp_path: Path) -> Path:
    """A page like stress/simulate/claims write: a table, bars, a fan, a claim, lines."""
    import pandas as pd

    from piefolio.report import (
        bars_figure,
        distribution_figure,
        lines_figure,
        write_page,
    )
    from piefolio.report.figures import claims_figure, fan_figure
    from piefolio.report.scenario_figures import fans_figure, starts_figure

    dates = pd.bdate_range("2026-01-01", periods=60)
    fan = pd.DataFrame(
        {p: 1000.0 + p * pd.Series(range(60), index=dates) for p in (5, 25, 50, 75, 95)}
    )
    bars = pd.DataFrame(
        {"Pie": [-0.3, -0.1], "S&P 500": [-0.5, float("nan")]},
        index=["Dot-com", "2008"],
    )
    finals = pd.DataFrame(
        {
            "Pie": [900.0, 1100.0, 1500.0, 2500.0],
            "S&P 500": [950.0, 1050.0, 1300.0, 1800.0],
        }
    )
    table = pd.DataFrame(
        {"Worst": ["-30.0%"] * 2, "Median": ["5.0%"] * 2}, index=["Pie", "S&P 500"]
    )
    # simulate's table with a goal, as the AI-energy example writes it: nine
    # columns that once scrolled by 2 px at every width, 1920 px included.
    wide = pd.DataFrame(
        {
            "p5": "21,971 EUR", "median": "65,441 EUR", "p95": "184,397 EUR",
            "XIRR p5 / median / p95": "-3.5% / 11.0% / 24.3%", "P(loss)": "10%",
            "P(goal)": "67%", "P(pie beats)": "96%", "ES 5 %": "17,070 EUR",
        },
        index=["AI energy 2026", "S&P 500", "Russell 2000", "Data centers & chips"],
    )  # fmt: skip
    days = pd.RangeIndex(60, name="trading days since the start")
    picks = fan[[5, 50, 95]].set_axis(days).rename(columns=lambda p: f"p{p} start")
    return write_page(
        "Scenarios",
        ["A line."],
        [("A table.", table), ("Final value and XIRR over the paths", wide)],
        [
            ("Bars.", bars_figure(bars, "Crises")),
            ("Fan.", fan_figure(fan, pd.Series(1000.0, index=dates), "Fan")),
            ("Finals.", distribution_figure(finals, 1000.0, "Finals")),
            ("Claim.", claims_figure(pd.Series(0.01, index=dates, name="c"), "Claim")),
            ("Lines.", lines_figure(fan[[5, 95]].rename(columns=str), "Lines")),
            (
                "One scale.",
                fan_figure(
                    fan,
                    pd.Series(1000.0, index=dates),
                    "Fan",
                    currency="EUR",
                    value_range=(0.0, 2500.0),
                ),
            ),
            (
                "Starts.",
                starts_figure(
                    picks,
                    {"S&P 500": 0.9 * picks, "Nasdaq": picks},
                    "Starts",
                    currency="EUR",
                ),
            ),
            (
                "Fans side by side.",
                fans_figure(
                    {"Pie": fan, "S&P 500": 0.9 * fan},
                    pd.Series(1000.0, index=dates),
                    "Fans",
                    currency="EUR",
                    goal=2500.0,
                ),
            ),
        ],
        tmp_path / "scenarios.html",
    )


def test_run_page_at_1280_px_has_no_table_wider_than_the_page(
    browser: str, real_report: ReportData, tmp_path: Path
) -> None:
    page = write_report(real_report, tmp_path)
    with _open(browser, page, _DESKTOP) as (tools, drawn):
        assert drawn and all(drawn)
        assert _problems(tools, page) == []
        assert tools.evaluate(_WIDE_TABLES) == []
        assert tools.evaluate("document.documentElement.scrollWidth") <= 1280


@pytest.mark.parametrize("width", [1280, 1920])
def test_scenario_pages_draw_every_chart(
    browser: str, tmp_path: Path, width: int
) -> None:
    page = _scenario_page(tmp_path)
    screen = {**_DESKTOP, "width": width}
    with _open(browser, page, screen) as (tools, drawn):
        assert len(drawn) == 8 and all(drawn), drawn
        assert _problems(tools, page) == []
        assert tools.evaluate(_WIDE_TABLES) == []
        assert tools.evaluate("document.documentElement.scrollWidth") <= width
        # The start sweep's chart: 2 starts x (pie + 2 benchmarks), the second
        # benchmark hidden until picked in the legend.
        starts = "document.querySelectorAll('.plotly-graph-div')[6]"
        shown = f"{starts}.querySelectorAll('.scatterlayer .trace').length"
        assert tools.evaluate(shown) == 6
        assert (
            tools.evaluate(f"{starts}.querySelectorAll('.legend .traces').length") == 9
        )
        # Fans side by side: per series its two band edges and its median (6),
        # the money put in and the goal; in the legend only the 2 medians, the
        # money and the goal, each band hidden with its median's entry.
        fans = "document.querySelectorAll('.plotly-graph-div')[7]"
        assert (
            tools.evaluate(f"{fans}.querySelectorAll('.scatterlayer .trace').length")
            == 8
        )
        assert tools.evaluate(f"{fans}.querySelectorAll('.legend .traces').length") == 4


def test_a_page_alone_with_no_network_still_draws(
    browser: str, tiny_report: ReportData, tmp_path: Path
) -> None:
    # Copied alone into an empty folder, opened with the network cut: plotly.js
    # is packed inside the page, so nothing is missing.
    written = write_report(tiny_report, tmp_path / "run")
    alone = tmp_path / "alone" / "copy.html"
    alone.parent.mkdir()
    alone.write_bytes(written.read_bytes())
    with websockets_sync.connect(browser, max_size=None, open_timeout=20) as ws:
        tools = _DevTools(ws)
        target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        tools.session = tools.call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )["sessionId"]
        tools.call("Network.enable")
        tools.call(
            "Network.emulateNetworkConditions",
            {
                "offline": True,
                "latency": 0,
                "downloadThroughput": 0,
                "uploadThroughput": 0,
            },
        )
        tools.call("Page.enable")
        tools.call("Page.navigate", {"url": alone.as_uri()})
        tools.wait_for("Page.loadEventFired", timeout=60)
        deadline = time.monotonic() + 30
        drawn: list[bool] = []
        while time.monotonic() < deadline and not (drawn and all(drawn)):
            time.sleep(0.2)
            drawn = tools.evaluate(
                "Array.from(document.querySelectorAll('.plotly-graph-div'))"
                ".map(d => d.querySelector('svg.main-svg') !== null)"
            )
        tools.session = None
        tools.call("Target.closeTarget", {"targetId": target})
    assert drawn and all(drawn), drawn


#: Each command that writes a page, with settings small enough for CI, and its
#: page: (command line after the pie file, page file, charts it draws).
_COMMANDS: tuple[tuple[tuple[str, ...], str, int], ...] = (
    (("stress",), "stress.html", 2),
    (("simulate", "--paths", "40", "--years", "2", "--goal", "20000"),
     "simulate.html", 7),
    (("claims",), "claims.html", 3),
    (("sweep", "--horizon", "5Y", "--starts", "quarter"), "sweep-starts.html", 2),
)  # fmt: skip


@pytest.fixture(scope="module")
def cli_pages(
    shared_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, int]]:
    """The pages the CLI writes for the AI-energy example, on the shared data."""
    from typer.testing import CliRunner

    from piefolio.cli import app

    repo = Path(__file__).resolve().parents[2]
    example = str(repo / "examples" / "ai-energy-2026.toml")
    chips = tmp_path_factory.mktemp("chips") / "chips.toml"
    chips.write_text(
        '[pie]\nname = "Chips"\ncurrency = "EUR"\n'
        '[[pie.slices]]\nticker = "SMH"\nweight = 1.0\n'
        "[plan]\nstart = 2021-01-04\ninitial = 1000\n"
    )
    sweep = chips.parent / "sweep.toml"
    sweep.write_text('[sweep]\nrebalance = ["none", "quarterly"]\n')
    runs = [
        *(((*args[:1], example, *args[1:]), page, n) for args, page, n in _COMMANDS),
        (("compare", example, str(chips)), "index.html", 2),
        (("sweep", example, "--variants", str(sweep), "--weights", "10"),
         "sweep-variants.html", 1),
    ]  # fmt: skip
    out: dict[str, tuple[Path, int]] = {}
    env = {"COLUMNS": "200", "PIEFOLIO_HOME": str(shared_home)}
    for args, page, charts in runs:
        folder = tmp_path_factory.mktemp(args[0])
        result = CliRunner().invoke(
            app, [*args, "--offline", "--out", str(folder)], env=env
        )
        assert result.exit_code == 0, result.output
        out[f"{args[0]} {page}"] = (folder / page, charts)
    return out


@pytest.mark.parametrize(
    "which",
    [
        "stress stress.html",
        "simulate simulate.html",
        "claims claims.html",
        "sweep sweep-starts.html",
        "sweep sweep-variants.html",
        "compare index.html",
    ],
)
def test_every_page_the_cli_writes_draws_at_1280_px(
    browser: str, cli_pages: dict[str, tuple[Path, int]], which: str
) -> None:
    page, charts = cli_pages[which]
    with _open(browser, page, _DESKTOP) as (tools, drawn):
        assert len(drawn) == charts and all(drawn), drawn
        assert _problems(tools, page) == []
        assert tools.evaluate(_WIDE_TABLES) == []
        assert tools.evaluate("document.documentElement.scrollWidth") <= 1280
        # Kept beside the page, for a person to look at.
        shot = tools.call("Page.captureScreenshot", {"format": "png"})["data"]
        page.with_name(f"{page.stem}-screenshot.png").write_bytes(
            base64.b64decode(shot)
        )
