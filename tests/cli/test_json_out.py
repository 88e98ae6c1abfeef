"""``--json`` with ``--out``: the numbers on stdout *and* the files in the folder.

Every command that has both options writes what it writes without ``--json``
(its page, its PNGs with ``--png``) and names each file under ``files`` in the
JSON, as ``run`` always did; none drops the page silently.

The store is ``synthetic_home`` (random walks of SPY, CVX, XOM, IWM, 2012-2026).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Invoke

CLAIM = """
[[claims]]
id = "cvx-beats-xom"
long = ["CVX"]
short = ["XOM"]
horizon = "20D"
"""

# command -> (its extra options, the page it writes, a PNG it writes with --png)
COMMANDS: dict[str, tuple[tuple[str, ...], str, str | None]] = {
    "stress": ((), "stress.html", "stress-return.png"),
    "simulate": (
        ("--paths", "20", "--years", "1", "--since", "2012-01-02"),
        "simulate.html",
        "simulate.png",
    ),
    "claims": ((), "claims.html", "claims.png"),
    "thesis": ((), "thesis.html", None),
    "sweep": (("--horizon", "3Y"), "sweep-starts.html", "sweep-starts.png"),
    "run": ((), "index.html", "growth.png"),
    "compare": ((), "index.html", "compare-value.png"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_json_with_out_writes_the_page_and_names_it(
    piefolio: Invoke, write_pie, synthetic_home: Path, tmp_path: Path, command: str
) -> None:  # type: ignore[no-untyped-def]
    extra, page, image = COMMANDS[command]
    spec = write_pie(("initial = 1000\n", "initial = 1000\n" + CLAIM))
    specs = [str(spec)]
    if command == "compare":
        specs.append(str(write_pie(('name = "T"', 'name = "U"'), name="u.toml")))
    out = tmp_path / "out"
    png = ("--png",) if image else ()
    ran = piefolio(
        command, *specs, "--offline", "--json", "--out", str(out), *png, *extra,
        home=synthetic_home,
    )  # fmt: skip
    assert ran.code == 0, ran.output
    payload = json.loads(ran.output)  # stdout is the JSON alone
    files = [Path(f) for f in payload["files"]]
    assert out / page in files
    if image:
        assert out / image in files
    for path in files:
        assert path.is_file() and path.stat().st_size > 0, path
    # The page is the one the command writes without --json: a full report.
    assert (out / page).read_text(encoding="utf-8").lstrip().startswith("<!")
