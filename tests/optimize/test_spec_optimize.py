"""The [optimize] table of a pie file: defaults, and errors naming the key."""

from __future__ import annotations

import pytest

from piefolio.errors import SpecError
from piefolio.spec import Method, parse_pie

BASE = """
[pie]
name = "p"
[[pie.slices]]
name = "Energy"
weight = 0.5
slices = [{ ticker = "XOM", weight = 1.0 }]
[[pie.slices]]
ticker = "IWM"
weight = 0.5
[plan]
start = 2020-01-01
initial = 1
"""


def test_optional_and_defaults() -> None:
    assert parse_pie(BASE).optimize is None
    opt = parse_pie(BASE + "[optimize]\n").optimize
    assert opt is not None and opt.method is Method.RISK_PARITY
    full = parse_pie(
        BASE
        + '[optimize]\nmethod = "max-sharpe"\nlookback = "2Y"\nexpected_returns = { xom = 0.06 }\n'
        "risk_free = 0.03\nslice_min = 0.05\nslice_max = 0.6\nstock_max = 0.4\n"
        'theme_limits = { Energy = [0.1, 0.5] }\nturnover_max = 0.1\nrebalance_every = "1M"\n'
    ).optimize
    assert full is not None
    assert full.expected_returns == {"XOM": 0.06}
    assert full.theme_limits == {"Energy": (0.1, 0.5)}
    # Still hashable (dict tables included), like every other part of a spec.
    again = parse_pie(
        BASE
        + "[optimize]\nexpected_returns = { XOM = 0.06 }\ntheme_limits = { Energy = [0.1, 0.5] }\n"
    )
    assert hash(again) == hash(
        parse_pie(
            BASE
            + "[optimize]\nexpected_returns = { XOM = 0.06 }\ntheme_limits = { Energy = [0.1, 0.5] }\n"
        )
    )
    assert hash(
        full.model_copy(update={"theme_limits": {"Energy": (0.1, 0.4)}})
    ) != hash(full)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'method = "sharpe"',
            r"optimize.method: Input should be 'equal', 'theme-equal'",
        ),
        ("slice_max = 0", r"optimize.slice_max: Input should be greater than 0"),
        ("slice_min = 1.2", r"optimize.slice_min: Input should be less than 1"),
        (
            "slice_min = 0.4\nslice_max = 0.3",
            r"optimize: slice_min 0.4 is above slice_max 0.3",
        ),
        (
            "stock_max = 1.5",
            r"optimize.stock_max: Input should be less than or equal to 1",
        ),
        (
            "turnover_max = -0.1",
            r"optimize.turnover_max: Input should be greater than 0",
        ),
        (
            'lookback = "3 years"',
            r"optimize.lookback: '3 years' is not a period; expected a count and a unit D/W/M/Y",
        ),
        ('rebalance_every = "0M"', r"optimize.rebalance_every: '0M' is not a period"),
        ('expected_returns = "mean"', r"optimize.expected_returns"),
        (
            "expected_returns = { XOM = -2 }",
            r"expected return of XOM is -2; expected an annual fraction above -1",
        ),
        (
            "theme_limits = { Energy = [0.5, 0.2] }",
            r"theme_limits.'Energy' is \[0.5, 0.2\]; expected \[min, max\] with 0 <= min <= max <= 1",
        ),
        ("theme_limits = { Energy = [0.1] }", r"optimize.theme_limits.Energy"),
        (
            "theme_limits = { Enrgy = [0.1, 0.3] }",
            r"optimize.theme_limits: 'Enrgy' is not a top-level theme of the pie; did you mean 'Energy'\? \(themes: Energy, IWM\)",
        ),
        ("risk_free = 1.5", r"optimize.risk_free: Input should be less than 1"),
        ('methd = "equal"', r"optimize.methd: unknown key; did you mean 'method'\?"),
    ],
)
def test_bad_inputs_name_the_key(table: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_pie(BASE + "[optimize]\n" + table + "\n")


def test_optimize_tables_hash_by_their_contents() -> None:
    from piefolio.spec import Optimize

    # Equal tables hash equal; a table differing only in its expected returns
    # (a word or a views table) hashes differently, so a spec cache keyed on the
    # spec can never mix them up.
    views = Optimize(expected_returns={"SPY": 0.05})
    assert hash(views) == hash(Optimize(expected_returns={"spy": 0.05}))
    assert hash(views) != hash(Optimize(expected_returns={"SPY": 0.06}))
    assert hash(Optimize()) == hash(Optimize(expected_returns="equilibrium"))
    assert hash(Optimize()) != hash(Optimize(expected_returns="historical"))
    assert hash(Optimize(theme_limits={"E": (0.1, 0.3)})) != hash(
        Optimize(theme_limits={"E": (0.1, 0.4)})
    )
    hash(parse_pie(BASE + "[optimize]\n"))  # a whole spec stays hashable
