"""Scenario and sweep files take the spec's types and bounds.

Before: a scenario ``lookback = "99999999Y"`` or ``asof = 0001-01-01`` crashed
the stress (overflow); ``SPY = "-0.3"`` was read as a number; a sweep's
``spread = "0.5"`` too, and ``--seed -1`` crashed numpy's seeding.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('lookback = "99999999Y"', "scenario.lookback: '99999999Y' is longer than a hundred years; expected at most 100Y"),
        ('lookback = "3D"', "scenario.lookback: lookback '3D' is not a period"),
        ("asof = 0001-01-01", "scenario.asof: 0001-01-01 is outside 1900-01-01..2199-12-31"),
        ('name = "a\\u001bb"', "scenario.name: holds the control character '\\x1b'"),
    ],
)  # fmt: skip
def test_scenario_file_bounds(
    piefolio: Invoke, write_pie: Callable[..., Path], synthetic_home: Path,
    tmp_path: Path, text: str, message: str,
) -> None:  # fmt: skip
    key = text.split(" = ")[0]
    lines = {"name": 'name = "x"', "lookback": 'lookback = "3Y"', key: text}
    scenario = tmp_path / "shock.toml"
    scenario.write_text(
        "[scenario]\n" + "\n".join(lines.values()) + "\n[shocks]\nSPY = -0.3\n"
    )
    shown = piefolio("stress", str(write_pie()), "--offline", "--json", "--scenario",
                     str(scenario), home=synthetic_home)  # fmt: skip
    assert shown.code == 2, shown.output
    assert f"shock.toml: {message}" in shown.output


def test_a_shock_written_as_text_is_an_error(
    piefolio: Invoke,
    write_pie: Callable[..., Path],
    synthetic_home: Path,
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "shock.toml"
    scenario.write_text('[scenario]\nname = "x"\n[shocks]\nSPY = "-0.3"\n')
    shown = piefolio("stress", str(write_pie()), "--offline", "--json", "--scenario",
                     str(scenario), home=synthetic_home)  # fmt: skip
    assert shown.code == 2, shown.output
    assert "shock.toml: shocks.SPY: a number written as text" in shown.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--weights", "5", "--seed", "-1"), "seed: Input should be greater than or equal to 0"),
        (("--weights", "-5"), "weights: Input should be greater than or equal to 0"),
        (("--variants", "{sweep}"), "sweep.toml: sweep.spread: a number written as text"),
    ],
)  # fmt: skip
def test_sweep_settings_bounds(
    piefolio: Invoke, write_pie: Callable[..., Path], synthetic_home: Path,
    tmp_path: Path, args: tuple[str, ...], message: str,
) -> None:  # fmt: skip
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('[sweep]\nspread = "0.5"\n')
    shown = piefolio("sweep", str(write_pie()), "--offline", "--json",
                     *[a.format(sweep=sweep) for a in args], home=synthetic_home)  # fmt: skip
    assert shown.code == 2, shown.output
    assert message in shown.output
