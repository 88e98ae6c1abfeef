"""Text a user writes is text: markup, emoji codes and control characters.

Before: a name holding ``[/bold]`` ended in rich's MarkupError (in ``show``, in
``run`` and in the error printer itself), ``[plan]`` vanished from the message
about a missing table, and an ANSI escape in a file name reached the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

MARKUP = (
    ('name = "T"', 'name = "Mark [/bold] up [red]"'),
    ('name = "Energy"', 'name = "[/]Energy[bold"'),
    ('"Small caps" = "IWM"', '"[/bold] :smile: caps" = "IWM"'),
    ("initial = 1000", 'initial = 1000\n\n[[claims]]\nid = "c"\ntext = "[/i] up"\n'
     'long = ["[/]Energy[bold"]\nshort = ["SPY"]'),
)  # fmt: skip


def test_show_prints_markup_in_names_as_written(
    piefolio: Invoke, write_pie: Callable[..., Path]
) -> None:
    shown = piefolio("show", str(write_pie(*MARKUP)))
    assert shown.code == 0, shown.output
    for text in ("Mark [/bold] up [red] (USD)", "[/]Energy[bold  50.0% of parent",
                 "[/bold] :smile: caps: IWM", "[/]Energy[bold beats SPY over 6M — [/i] up"):  # fmt: skip
        assert text in shown.output


def test_unknown_key_with_markup_is_reported_not_a_crash(
    piefolio: Invoke, write_pie: Callable[..., Path]
) -> None:
    shown = piefolio(
        "show", str(write_pie(("initial = 1000", 'initial = 1000\n"[/bold]" = 1')))
    )
    assert shown.code == 2
    assert "pie.toml: plan.[/bold]: unknown key (allowed: cash_interest" in shown.output


def test_missing_table_message_keeps_its_brackets(
    piefolio: Invoke, tmp_path: Path
) -> None:
    spec = tmp_path / "f.toml"
    spec.write_text('[pie]\nname = "x"\n[[pie.slices]]\nticker = "SPY"\nweight = 1.0\n')
    shown = piefolio("show", spec.name)  # the test runs in tmp_path
    assert shown.code == 2
    assert "error: f.toml: [plan] is missing; expected a [plan] table" in shown.output


@pytest.mark.parametrize(("raw", "seen"), [("\\u001b[31m", "\\x1b"), ("\\u0000", "\\x00"),
                                          ("\\u009b", "\\x9b")])  # fmt: skip
def test_control_characters_in_names_are_rejected_by_key(
    piefolio: Invoke, write_pie: Callable[..., Path], raw: str, seen: str
) -> None:
    shown = piefolio("show", str(write_pie(('name = "Energy"', f'name = "E{raw}x"'))))
    assert shown.code == 2
    assert f"pie.slices[0].name: holds the control character '{seen}'" in shown.output
    assert "\x1b" not in shown.output and "\x00" not in shown.output


def test_control_characters_in_a_file_name_never_reach_the_terminal(
    piefolio: Invoke,
) -> None:
    shown = piefolio("show", "\x1b[31m[/bold]\x07.toml")
    assert shown.code == 2
    assert "\\x1b[31m[/bold]\\x07.toml: no such file" in shown.output
    assert "\x1b" not in shown.output and "\x07" not in shown.output


def test_help_text_keeps_its_brackets(piefolio: Invoke) -> None:
    shown = piefolio("sweep", "--help")
    assert shown.code == 0
    assert "A sweep file ([sweep] rebalance" in shown.output


def test_run_claims_and_stress_print_markup_names_as_written(
    piefolio: Invoke, write_pie: Callable[..., Path], shared_home: Path, tmp_path: Path
) -> None:
    spec = str(write_pie(*MARKUP))
    out = str(tmp_path / "report")
    ran = piefolio("run", spec, "--offline", "--no-report", home=shared_home)
    assert ran.code == 0, ran.output
    assert (
        "Mark [/bold] up [red]" in ran.output and "[/bold] :smile: caps" in ran.output
    )
    claims = piefolio("claims", spec, "--offline", "--out", out, home=shared_home)
    assert claims.code == 0, claims.output
    assert "[/]Energy[bold" in claims.output
    stress = piefolio("stress", spec, "--offline", "--out", out, home=shared_home)
    assert stress.code == 0, stress.output
    assert "[/bold] :smile: caps" in stress.output
