"""Mutation-test one module of piefolio with mutmut, against its own tests.

Usage (from the repository root, with the ``mutation`` extra installed)::

    python mutation/run.py piefolio/ledger.py          # one module
    python mutation/run.py piefolio/ledger.py 'NAME*'  # retest these mutants
    python mutation/run.py --list                      # the configured modules

The modules and the tests that guard each one are in ``pyproject.toml``
(``[tool.piefolio.mutation.targets]``); mutmut's own settings are in
``[tool.mutmut]``. The run happens in a copy of the files git tracks (or would)
under ``.mutation/<module>/`` (git-ignored), so the working tree is never
touched and a second run resumes where the first stopped.

A module with numba kernels (a function decorated ``@njit`` or ``@jit``) is run
as Python (``NUMBA_DISABLE_JIT=1``): mutmut leaves decorated functions alone, so
in the copy of that module the numba decorators are commented out; with the JIT
off ``njit(f)`` is ``f`` itself, so this changes no behaviour, and the kernels
get mutmut's trampoline like any function. Any other module is run with the JIT
on: its mutants never change a kernel's source, and its tests run the kernels
compiled, many times faster. Their cache is the tests' own (``tests/conftest.py``):
a folder named by a hash of every module that compiles something, so a kernel
compiled from other source is never loaded, and a stale compiled kernel can
never hide a mutation.

The score printed counts killed (and timed-out) mutants over all mutants that
were tested, less those listed as equivalent in ``mutation/equivalent.md``
(a line ``- `MUTANT-NAME`: reason``).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / ".mutation"
EQUIVALENT = REPO / "mutation" / "equivalent.md"


def _config() -> tuple[dict[str, object], dict[str, list[str]]]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    mutmut = dict(data["tool"]["mutmut"])
    targets = data["tool"]["piefolio"]["mutation"]["targets"]
    return mutmut, {str(k): list(v) for k, v in targets.items()}


def _toml_section(values: dict[str, object]) -> str:
    # Strings, lists of strings, numbers and booleans: JSON spells them as TOML.
    lines = ["[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


_NUMBA = frozenset({"njit", "jit"})


def _unjit(source: str) -> str:
    """``source`` with its numba decorators (``@njit(...)``, ``@jit``) commented out.

    Line for line, so mutmut's line numbers are the module's own.
    """
    lines = source.splitlines(keepends=True)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            func = deco.func if isinstance(deco, ast.Call) else deco
            name = getattr(func, "attr", getattr(func, "id", ""))
            if name not in _NUMBA:
                continue
            for row in range(deco.lineno - 1, (deco.end_lineno or deco.lineno)):
                text = lines[row]
                indent = text[: len(text) - len(text.lstrip())]
                lines[row] = f"{indent}# (mutation: JIT off) {text.lstrip()}"
    return "".join(lines)


def _has_kernels(source: str) -> bool:
    """Whether ``source`` decorates a function with numba's ``njit`` or ``jit``."""
    return _unjit(source) != source


def _prepare(module: str, tests: list[str], mutmut: dict[str, object]) -> Path:
    scratch = WORK / module.replace("/", "_").removesuffix(".py")
    scratch.mkdir(parents=True, exist_ok=True)
    tracked = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    stale = False
    for name in filter(None, tracked):
        src, dst = REPO / name, scratch / name
        if not src.is_file():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if name == module:
            # Written only when it changes: mutmut regenerates a file's mutants
            # (and forgets their results) when the file is newer than they are.
            text = _unjit(src.read_text("utf-8"))
            if not dst.exists() or dst.read_text("utf-8") != text:
                dst.write_text(text, "utf-8")
        elif not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copy2(src, dst)
            if name.startswith("tests/"):
                stale = True
    if stale:
        # mutmut keeps its record of which tests reach which function across
        # runs, even when a test changes: a new test would never be run on the
        # mutants it now reaches. Drop the record so the run takes it afresh.
        (scratch / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    # The real-data fixtures look for ../shared next to the tests' repository:
    # mutmut runs them from <scratch>/mutants, so <scratch>/shared is that.
    shared = REPO.parent / "shared"
    link = scratch / "shared"
    if shared.is_dir() and not link.exists():
        link.symlink_to(shared)
    text = (scratch / "pyproject.toml").read_text("utf-8")
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    values = dict(mutmut, only_mutate=[module])
    values["pytest_add_cli_args_test_selection"] = tests
    (scratch / "pyproject.toml").write_text(text + "\n" + _toml_section(values))
    return scratch


def _equivalent() -> set[str]:
    if not EQUIVALENT.is_file():
        return set()
    return set(re.findall(r"^- `([^`]+)`", EQUIVALENT.read_text("utf-8"), re.M))


def main() -> int:
    """Run one module's mutants and print its score and survivors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", help="e.g. piefolio/ledger.py")
    parser.add_argument(
        "mutants", nargs="*", help="retest only these mutants (names or globs)"
    )
    parser.add_argument("--list", action="store_true", help="list the modules")
    parser.add_argument("--max-children", type=int, default=1)
    args = parser.parse_args()
    mutmut, targets = _config()
    if args.list or not args.module:
        for module, tests in targets.items():
            print(module, " ".join(tests))
        return 0
    if args.module not in targets:
        print(
            f"{args.module}: not in [tool.piefolio.mutation.targets]", file=sys.stderr
        )
        return 2
    scratch = _prepare(args.module, targets[args.module], mutmut)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if _has_kernels((REPO / args.module).read_text("utf-8")):
        env["NUMBA_DISABLE_JIT"] = "1"
        jit = "off (the module has numba kernels: run as Python)"
    else:
        env.pop("NUMBA_DISABLE_JIT", None)
        # mutmut forks each mutant's test run from a process that has run the
        # tests, so the children inherit the compiled kernels. A parallel kernel
        # on the OpenMP layer would kill every child at its first call ("fork()
        # called from a process already using GNU OpenMP"); numba's own
        # workqueue layer survives a fork and gives the same numbers.
        env["NUMBA_THREADING_LAYER"] = "workqueue"
        jit = "on (no numba kernel in the module)"
    print(f"{args.module}: numba JIT {jit}", flush=True)
    run = [sys.executable, "-m", "mutmut", "run", "--max-children"]
    run += [str(args.max_children), *args.mutants]
    done = subprocess.run(run, cwd=scratch, env=env)
    if done.returncode != 0:
        print(f"mutmut run failed (exit {done.returncode})", file=sys.stderr)
        return done.returncode
    listed = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=scratch, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    status = dict(
        line.strip().rsplit(": ", 1) for line in listed.splitlines() if ": " in line
    )
    equivalent = _equivalent()
    tested = {k: v for k, v in status.items() if v not in ("skipped", "not checked")}
    killed = [k for k, v in tested.items() if v in ("killed", "timeout")]
    alive = sorted(k for k in tested if k not in killed)
    real = [k for k in alive if k not in equivalent]
    counted = len(tested) - (len(alive) - len(real))
    score = 100.0 * len(killed) / counted if counted else float("nan")
    print(f"\n{args.module}: {len(tested)} mutants, {len(killed)} killed, "
          f"{len(alive) - len(real)} equivalent, {len(real)} surviving: "
          f"{score:.1f} % of the non-equivalent ones killed")  # fmt: skip
    for name in real:
        print(f"  survived: {name} ({tested[name]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
