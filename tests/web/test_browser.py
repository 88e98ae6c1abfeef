"""End to end in headless Chromium: a user's first session with the app.

Driven by Playwright on the system's chromium (``executable_path``; no browser
download). The server is ``piefolio serve`` itself, in a subprocess, on the
synthetic store. Steps: open the start URL, create a pie from the template,
run it and see the growth chart drawn, break a weight and see the message the
spec gives, start a Monte Carlo and watch its progress reach 100 %. Every
request the browser makes must go to the server (127.0.0.1); a screenshot of
each step is kept in the test's tmp folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install '.[test]')"
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium on PATH (Debian: apt-get install -y chromium)",
    ),
    # The first run compiles the engine (about a minute in a fresh checkout).
    pytest.mark.slow,
]

#: Long enough for the engine's first compile under a loaded machine.
FIRST_RUN_MS = 600_000


@pytest.fixture
def served(folder: Path) -> Iterator[str]:
    code = "from piefolio.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--no-browser", "--port", "0",
         "--folder", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert re.match(r"http://127\.0\.0\.1:\d+/\?token=", url), url
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_create_run_break_and_simulate_in_the_browser(
    served: str, tmp_path: Path
) -> None:
    from piefolio.errors import SpecError
    from piefolio.spec import parse_pie
    from piefolio.template import render_template

    origin = served.split("/?")[0] + "/"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # 1. The start URL: the token lets us in; the folder is empty.
        page.goto(served)
        sync_api.expect(page.locator("h1")).to_contain_text("Pies in")
        page.screenshot(path=shots / "1-start.png", full_page=True)

        # 2. A pie from the template: its tree with effective weights.
        page.fill("#new-name", "E2E pie")
        page.click("#create")
        page.wait_for_url(origin + "pies/e2e-pie.toml")
        # The template's SPY: 60 % of Core's 70 % = 42 % by hand.
        sync_api.expect(page.locator("#check")).to_contain_text("SPY  60.0% → 42.00%")
        page.screenshot(path=shots / "2-new-pie.png", full_page=True)

        # 3. Run it: the job's page is the report; its growth chart draws.
        page.click("#start-run")
        page.wait_for_url(re.compile(r".*/jobs/[\w-]+$"))
        report = page.frame_locator("#page")
        growth = report.locator("#chart-1 .main-svg").first
        sync_api.expect(growth).to_be_visible(timeout=FIRST_RUN_MS)
        sync_api.expect(report.locator("h1")).to_contain_text("E2E pie")
        page.locator("#page").scroll_into_view_if_needed()
        page.screenshot(path=shots / "3-run-report.png", full_page=True)

        # 4. Break a weight in the editor: the spec's own message, by the tree.
        page.goto(origin + "pies/e2e-pie.toml")
        text = page.input_value("#text")
        broken = text.replace("weight = 0.7", "weight = 0.6", 1)
        with pytest.raises(SpecError) as expected:
            parse_pie(broken, source="e2e-pie.toml")
        page.fill("#text", broken)
        alert = page.locator("#check .message.error")
        sync_api.expect(alert).to_have_text(str(expected.value))
        page.screenshot(path=shots / "4-broken-weight.png", full_page=True)
        # Only checked, not saved: the file is still the template.
        assert text == render_template("E2E pie", file="e2e-pie.toml")

        # 5. A Monte Carlo: the bar climbs to 100 %, then the fan is drawn.
        page.reload()
        page.fill("#mc-paths", "4000")
        page.fill("#mc-years", "5")
        page.fill("#mc-goal", "20000")
        page.click("#start-simulate")
        page.wait_for_url(re.compile(r".*/jobs/[\w-]+$"))
        seen: list[str] = []
        page.screenshot(path=shots / "5-monte-carlo-running.png", full_page=True)
        for _ in range(FIRST_RUN_MS // 200):
            seen.append(page.locator("#percent").inner_text())
            if seen[-1] == "100 %":
                break
            page.wait_for_timeout(200)
        assert seen[-1] == "100 %", seen
        # The bar only climbs ("" while the command has not counted yet).
        shown = [int(x.removesuffix(" %")) for x in seen if x]
        assert shown == sorted(shown), seen
        (tmp_path / "monte-carlo-progress.txt").write_text("\n".join(seen))
        assert page.locator("#bar").get_attribute("value") == "100"
        fan = page.frame_locator("#page").locator("#chart-1 .main-svg").first
        sync_api.expect(fan).to_be_visible(timeout=60_000)
        page.screenshot(path=shots / "6-monte-carlo-done.png", full_page=True)
        browser.close()

    assert errors == []
    outside = [
        u for u in requests
        if not u.startswith(origin) and not u.startswith(("data:", "blob:", "about:"))
    ]  # fmt: skip
    assert outside == []
    assert sorted(p.name for p in shots.iterdir()) == [
        "1-start.png", "2-new-pie.png", "3-run-report.png", "4-broken-weight.png",
        "5-monte-carlo-running.png", "6-monte-carlo-done.png",
    ]  # fmt: skip


def test_a_page_asks_for_nothing_it_lacks(served: str) -> None:
    # Before: every page logged "Failed to load resource: 404" in the console,
    # the browser's own request for /favicon.ico, which the app does not serve.
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        console: list[str] = []
        page.on(
            "console", lambda m: console.append(m.text) if m.type == "error" else None
        )
        page.goto(served)
        sync_api.expect(page.locator("h1")).to_contain_text("Pies in")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        browser.close()
    assert console == []
