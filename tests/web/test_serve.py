"""``piefolio serve``: the start line, the checks at launch, a real server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from piefolio.cli import app as cli
from piefolio.web.server import is_loopback, url_of

URL = re.compile(r"^http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{32})$")


def launch(folder: Path, *args: str) -> subprocess.Popen[str]:
    code = "from piefolio.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--no-browser", "--folder", str(folder),
         *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server (Ctrl-C's signal) and return what it wrote on stderr."""
    process.terminate()
    _, err = process.communicate(timeout=10)
    return err


@pytest.fixture
def server(folder: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = launch(folder, "--port", "0")
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        yield first, process
    finally:
        stop(process)


def test_the_first_line_is_the_url_with_a_token_and_it_answers(
    server: tuple[str, subprocess.Popen[str]], folder: Path
) -> None:
    first, _ = server
    found = URL.match(first)
    assert found, first
    port = int(found.group(1))
    with httpx.Client(follow_redirects=True) as http:
        page = http.get(first)
        assert page.status_code == 200
        assert "Pies in" in page.text
        assert http.get(f"http://127.0.0.1:{port}/data").status_code == 200  # cookie
    assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 403
    rebinding = httpx.get(first, headers={"host": f"evil.example:{port}"})
    assert rebinding.status_code == 403


@pytest.mark.slow  # two launches, a few seconds each
def test_each_launch_has_its_own_token(folder: Path) -> None:
    tokens = set()
    for _ in range(2):
        process = launch(folder, "--port", "0")
        try:
            assert process.stdout is not None
            found = URL.match(process.stdout.readline().strip())
            assert found
            tokens.add(found.group(2))
        finally:
            stop(process)
    assert len(tokens) == 2


@pytest.mark.slow  # a launch, a few seconds
def test_another_host_warns_that_other_machines_can_reach_it(folder: Path) -> None:
    process = launch(folder, "--port", "0", "--host", "0.0.0.0")
    try:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline().strip()
        assert URL.match(first), first
        warning = process.stderr.readline()
        assert warning.startswith("warning: --host 0.0.0.0 lets other machines")
    finally:
        stop(process)


def test_a_port_in_use_or_a_missing_folder_is_one_line_exit_2(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    runner = CliRunner()
    try:
        busy = runner.invoke(
            cli, ["serve", "--no-browser", "--folder", str(folder), "--port", str(port)]
        )
    finally:
        taken.close()
    assert busy.exit_code == 2
    assert busy.output.strip() == (
        f"error: --port {port}: already in use; pick another with --port"
    )
    missing = runner.invoke(cli, ["serve", "--no-browser", "--folder", "/nonexistent"])
    assert missing.exit_code == 2
    assert missing.output.strip() == (
        "error: --folder '/nonexistent': expected an existing folder"
    )
    bad = runner.invoke(cli, ["serve", "--no-browser", "--port", "70000"])
    assert bad.exit_code == 2
    assert "expected a port from 1 to 65535" in bad.output


def test_loopback_and_the_url_of_a_wildcard_host() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost")
    assert is_loopback("::1") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert url_of("0.0.0.0", 9, "t") == "http://127.0.0.1:9/?token=t"
    assert url_of("::1", 9, "t") == "http://[::1]:9/?token=t"
