"""Writing a proposal: a new, valid pie file; never over the user's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from piefolio.errors import SpecError
from piefolio.optimize import proposal_toml, propose, write_proposal
from piefolio.spec import load_pie, parse_pie


@pytest.fixture
def source(tmp_path: Path, spec_text, themes) -> Path:
    path = tmp_path / "pie.toml"
    text = spec_text(
        themes,
        'method = "min-variance"\ntheme_limits = { "Beta" = [0.2, 0.5] }\nexpected_returns = { AAA = 0.07 }',
    )
    path.write_text(
        text
        + '\n[benchmarks]\n"S&P 500" = "SPY"\n\n[[claims]]\nid = "a-beats-b"\nlong = ["Alpha"]\nshort = ["Beta"]\n'
    )
    return path


def test_written_file_loads_with_the_proposed_weights(
    source: Path, market, tmp_path: Path
) -> None:
    spec = load_pie(source)
    p = propose(spec, market)
    out = write_proposal(spec, p, tmp_path / "proposed.toml")
    new = load_pie(out)
    got = new.pie.effective_weights()
    assert got == pytest.approx(
        {t: w for t, w in p.weights.items() if w > 1e-6}, abs=2e-6
    )
    # Everything else survives: plan, benchmarks, claims, the [optimize] table.
    assert new.plan == spec.plan
    assert new.benchmarks == spec.benchmarks
    assert new.claims == spec.claims
    assert new.optimize == spec.optimize
    assert out.read_text().startswith(
        "# Weights proposed by `piefolio optimize` from pie.toml: min-variance,"
    )
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left nothing behind


def test_refuses_the_source_and_an_existing_file(
    source: Path, market, tmp_path: Path
) -> None:
    spec = load_pie(source)
    p = propose(spec, market, method="equal")
    before = source.read_text()
    with pytest.raises(SpecError, match="is the pie the proposal came from"):
        write_proposal(spec, p, source, force=True)
    with pytest.raises(SpecError, match="is the pie the proposal came from"):
        write_proposal(spec, p, tmp_path / "." / "pie.toml")
    assert source.read_text() == before
    other = tmp_path / "other.toml"
    other.write_text("keep me")
    with pytest.raises(SpecError, match="already exists; pass --force"):
        write_proposal(spec, p, other)
    assert other.read_text() == "keep me"
    write_proposal(spec, p, other, force=True)
    assert load_pie(other).pie.effective_weights() == pytest.approx(p.weights, abs=2e-6)


def test_toml_text_quotes_what_needs_quoting(build_spec, market) -> None:
    spec = parse_pie(
        '''
[pie]
name = "Quotes \\" and \\\\ backslash"
thesis = """Line one.
Line \\"""two\\""" with triple quotes."""
[[pie.slices]]
name = "Copper, silver & rare earths"
weight = 0.5
slices = [{ ticker = "AAA", weight = 0.5, name = "A \\"quoted\\" name" }, { ticker = "BBB", weight = 0.5 }]
[[pie.slices]]
ticker = "CCC"
weight = 0.5
[plan]
start = 2020-01-01
initial = 10
deposits = { amount = 5, every = "week", day = 3 }
rebalance = { policy = "threshold", band = 0.05 }
'''
    )
    p = propose(spec, market, method="inverse-vol")
    again = parse_pie(proposal_toml(spec, p))
    assert again.pie.name == spec.pie.name
    assert again.pie.thesis.strip() == spec.pie.thesis.strip()
    assert again.pie.slices[0].name == "Copper, silver & rare earths"
    assert again.plan == spec.plan


def test_indicators_and_a_claim_without_sides_survive(
    source: Path, market, tmp_path: Path
) -> None:
    with source.open("a") as f:
        f.write(
            '\n[[claims]]\nid = "copper-scarce"\n'
            '\n[[indicators]]\nid = "copper-up"\nclaim = "copper-scarce"\n'
            'series = "PCOPPUSDM"\ntransform = "yoy"\nbelow = 0.5\n'
            'means = "weakens"\n'
        )
    spec = load_pie(source)
    out = write_proposal(spec, propose(spec, market), tmp_path / "proposed.toml")
    new = load_pie(out)
    assert new.claims == spec.claims
    assert new.indicators == spec.indicators
    assert new.indicators[0].below == 0.5 and new.indicators[0].above is None
