"""The real account in the browser, once a broker history is stored."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from piefolio.cli import app as cli
from piefolio.template import render_template

from .conftest import TOKEN, guarded

HX = {"hx-request": "true"}

# Deposits and buys of the template's tickers, in the pie's currency (EUR).
HISTORY = """\
date,action,ticker,shares,price,currency,amount,fee,id
2024-01-02,deposit,,,,EUR,1000,,
2024-01-03,buy,SPY,2,100,EUR,200,0.50,
2024-01-03,buy,XLE,1,100,EUR,100,0.50,
2024-06-03,deposit,,,,EUR,100,,
"""


@pytest.fixture
def account_client(
    tmp_path: Path, web_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """A client on a copy of the synthetic store that holds a history too."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(web_home / "store.duckdb", home / "store.duckdb")
    monkeypatch.setenv("PIEFOLIO_HOME", str(home))
    csv = tmp_path / "history.csv"
    csv.write_text(HISTORY, encoding="utf-8")
    imported = CliRunner().invoke(cli, ["history", "import", str(csv)])
    assert imported.exit_code == 0, imported.output
    pies = tmp_path / "pies"
    pies.mkdir()
    (pies / "mine.toml").write_text(render_template("Mine"), encoding="utf-8")
    with TestClient(guarded(pies)) as c:
        assert c.get(f"/?token={TOKEN}").status_code == 200
        yield c


def test_the_account_page_is_what_history_list_prints(
    account_client: TestClient, tmp_path: Path
) -> None:
    import html as escapes
    import re

    page = account_client.get("/account").text
    shown = escapes.unescape(re.sub(r"<[^>]+>", "", page))
    listed = CliRunner().invoke(cli, ["history", "list"], env={"COLUMNS": "120"})
    assert listed.exit_code == 0
    for line in listed.output.splitlines():
        assert line.strip() in shown, line
    assert "SPY" in shown and "XLE" in shown
    assert 'href="/pies/mine.toml"' in page


@pytest.mark.slow  # values the account with the engine
def test_the_real_account_as_a_job_writes_its_page(account_client: TestClient) -> None:
    started = account_client.post("/pies/mine.toml/jobs/actual", headers=HX)
    jobs = account_client.app.app.state.jobs
    job = jobs.get(started.headers["hx-redirect"].rsplit("/", 1)[1])
    deadline = time.monotonic() + 600
    while not job.finished:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert job.state == "done", job.error
    assert job.outcome.page == "actual.html"
    assert "The same money, three ways" in job.outcome.terminal
