"""A mistyped command line is one ``error:`` line and exit 2, like every mistake.

Before: click printed its usage block and a second line for ``--paths abc``, a
missing argument or an unknown command, where every other bad input got one
plain ``error:`` line naming what was expected.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import run


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("simulate", "pie.toml", "--paths", "abc"),
            "error: Invalid value for '--paths': Input should be a valid integer, "
            "unable to parse string as an integer (see 'piefolio simulate --help')",
        ),
        (("run",), "error: Missing argument 'spec'. (see 'piefolio run --help')"),
        (
            ("runn",),
            "error: No such command 'runn'. Did you mean 'run'? "
            "(see 'piefolio --help')",
        ),
        (
            ("data", "fetchh"),
            "error: No such command 'fetchh'. Did you mean 'fetch'? "
            "(see 'piefolio data --help')",
        ),
        (
            ("demo", "--bogus"),
            "error: No such option: --bogus (Possible options: --out) "
            "(see 'piefolio demo --help')",
        ),
    ],
)
def test_a_usage_mistake_is_one_line_exit_2(
    args: tuple[str, ...], expected: str
) -> None:
    code, out = run(*args)
    assert code == 2
    assert out.strip() == expected
    assert "Usage:" not in out


def test_help_version_and_a_bare_group_are_unchanged() -> None:
    code, out = run("--version")
    assert (code, out.strip()) == (0, "piefolio 0.1.0")
    code, out = run("run", "--help")
    assert code == 0
    assert out.startswith("Usage: piefolio run [OPTIONS]")
    # A group with no command prints its help (click's exit 2 for it), not an error.
    code, out = run("data")
    assert code == 2
    assert out.startswith("Usage: piefolio data [OPTIONS] COMMAND")
    assert "error:" not in out
