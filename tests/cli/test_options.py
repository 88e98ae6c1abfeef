"""Command-line options out of range: exit 2 naming the option, never a traceback.

Before: ``sweep --horizon abc`` ended in ``ValueError: invalid literal for int()``,
``--horizon 99999Y`` in an OverflowError and ``--horizon 0Y`` in a message about
the plan; ``simulate --years nan`` and ``--years 1e9`` crashed, ``--goal nan``
ran; ``stress --window X=0001-01-01:...`` overflowed; ``new`` wrote a pie file
its own ``show`` refused (a 5,000-character or ANSI name); ``next --amount nan``
crashed in round().
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

CASES = [
    (("sweep", "{spec}", "--offline", "--horizon", "abc"),
     "--horizon 'abc': expected a count and a unit D/W/M/Y"),
    (("sweep", "{spec}", "--offline", "--horizon", "0Y"), "--horizon '0Y': expected a count"),
    (("sweep", "{spec}", "--offline", "--horizon", "99999Y"),
     "--horizon '99999Y': expected at most 100Y"),
    (("simulate", "{spec}", "--offline", "--years", "nan"),
     "--years nan: expected a horizon of more than 0 and at most 100 years"),
    (("simulate", "{spec}", "--offline", "--years", "1e9"), "--years 1000000000.0: expected"),
    (("simulate", "{spec}", "--offline", "--years", "0"), "--years 0.0: expected"),
    (("simulate", "{spec}", "--offline", "--paths", "0"), "--paths 0: expected from 1"),
    (("simulate", "{spec}", "--offline", "--paths", "1000000", "--years", "50"),
     "--paths 1000000: expected paths x years at most 10,000,000"),
    (("simulate", "{spec}", "--offline", "--goal", "nan"), "--goal nan: expected a final value above 0"),
    (("simulate", "{spec}", "--offline", "--goal", "-5"), "--goal -5.0: expected"),
    (("simulate", "{spec}", "--offline", "--since", "0001-01-01"),
     "--since '0001-01-01': expected a day from 1900-01-01 to today"),
    # One line, not typer's usage block: a typo, a day that does not exist.
    (("simulate", "{spec}", "--offline", "--since", "2020-13-01"),
     "error: --since '2020-13-01' is not a date; expected YYYY-MM-DD, e.g. 2020-01-31"),
    (("simulate", "{spec}", "--offline", "--until", "2020-02-30"),
     "error: --until '2020-02-30' is not a date; expected YYYY-MM-DD"),
    (("thesis", "{spec}", "--offline", "--since", "next week"),
     "error: --since 'next week' is not a date; expected YYYY-MM-DD"),
    (("stress", "{spec}", "--offline", "--window", "X=0001-01-01:2019-01-01"),
     "--window 'X=0001-01-01:2019-01-01': expected days from 1900-01-01 to 2199-12-31"),
    (("stress", "{spec}", "--offline", "--window", "no dates"),
     "--window 'no dates': expected NAME=YYYY-MM-DD:YYYY-MM-DD"),
    (("new", "x" * 5000), "String should have at most 100 characters (at most 100)"),
    (("new", "a\x1b[31mred"), "name 'a\\x1b[31mred': holds the control character '\\x1b'"),
    (("new", ""), "name '': String should have at least 1 character"),
    # A rate typed in percent: one line saying the fraction, not typer's usage block.
    (("run", "{spec}", "--offline", "--risk-free", "5"),
     "error: --risk-free 5.0: expected a yearly rate from 0 to 1 as a fraction (0.02 = 2 %)"),
    (("demo", "--risk-free", "nan"), "error: --risk-free nan: expected a yearly rate"),
    (("compare", "{spec}", "{spec}", "--risk-free", "-0.01"),
     "error: --risk-free -0.01: expected a yearly rate"),
    # A folder named as the pie file (the tests run in tmp_path).
    (("show", "."), "error: .: is a folder; expected a file"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), CASES)
def test_bad_option_exits_2_naming_it(
    piefolio: Invoke, write_pie: Callable[..., Path], tmp_path: Path,
    args: tuple[str, ...], message: str,
) -> None:  # fmt: skip
    spec = str(write_pie())
    shown = piefolio(*[a.format(spec=spec) for a in args])
    assert shown.code == 2, shown.output
    assert message in shown.output
    # Refused before anything was written: no report folder, no pie file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pie.toml"]


@pytest.mark.parametrize("amount", ["nan", "inf", "-5", "1e300"])
def test_next_refuses_an_amount_that_is_not_money(
    piefolio: Invoke, write_pie: Callable[..., Path], shared_home: Path, amount: str
) -> None:
    shown = piefolio("next", str(write_pie()), "--offline", "--amount", amount,
                     home=shared_home)  # fmt: skip
    assert shown.code == 2, shown.output
    assert "expected a deposit of at least 0.01 and at most 1e+12" in shown.output
