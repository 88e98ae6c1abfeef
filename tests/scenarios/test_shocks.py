"""Shocks: known betas are recovered; direct shocks win; bad files are explained."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.errors import PlanError, SpecError
from piefolio.scenarios.shocks import Scenario, apply_shock, load_scenario, shock_spec
from piefolio.spec import load_pie

REPO = Path(__file__).resolve().parents[2]


def synthetic_market(weeks: int = 160, noise: float = 0.002) -> pd.DataFrame:
    """Weekly (Friday) prices where A = 0.5 F1 - 1.2 F2 and B = 2 F1, plus noise."""
    rng = np.random.default_rng(11)
    f = rng.normal(0.001, 0.03, size=(weeks, 2))
    a = 0.5 * f[:, 0] - 1.2 * f[:, 1] + rng.normal(0, noise, weeks)
    b = 2.0 * f[:, 0] + rng.normal(0, noise, weeks)
    rets = pd.DataFrame(
        np.column_stack([f, a, b]),
        columns=["F1", "F2", "A", "B"],
        index=pd.date_range("2021-01-08", periods=weeks, freq="W-FRI"),
    )
    return 100 * (1 + rets).cumprod()


def scenario(**shocks: float) -> Scenario:
    return Scenario.model_validate(
        {"scenario": {"name": "s", "lookback": "3Y"}, "shocks": shocks}
    )


def test_known_betas_are_recovered() -> None:
    prices = synthetic_market()
    res = apply_shock(prices, {"A": 0.5, "B": 0.5}, scenario(F1=-0.1, F2=0.2))
    t = res.slices
    assert t.loc["A", "beta_F1"] == pytest.approx(0.5, abs=0.02)
    assert t.loc["A", "beta_F2"] == pytest.approx(-1.2, abs=0.02)
    assert t.loc["B", "beta_F1"] == pytest.approx(2.0, abs=0.02)
    assert t.loc["A", "r2"] > 0.99
    # A: 0.5 * -0.1 + -1.2 * 0.2 = -0.29; B: 2 * -0.1 = -0.2 (B has no F2 beta).
    assert t.loc["A", "move"] == pytest.approx(-0.29, abs=0.01)
    assert t.loc["B", "move"] == pytest.approx(-0.2, abs=0.01)
    assert res.total == pytest.approx(
        0.5 * t.loc["A", "move"] + 0.5 * t.loc["B", "move"]
    )
    assert t["share"].sum() == pytest.approx(1.0)
    assert set(t["source"]) == {"regression"}


def test_direct_shocks_beat_regression() -> None:
    prices = synthetic_market()
    res = apply_shock(
        prices,
        {"A": 0.3, "F1": 0.3, "B": 0.4},
        scenario(F1=-0.1),
        themes={"Theme B": {"B": 0.4}},
    )
    assert res.slices.loc["F1", "source"] == "factor"
    assert res.slices.loc["F1", "move"] == -0.1
    # Theme shocks are keys of the scenario too; here no theme is shocked, so B
    # comes from its regression on F1.
    assert res.slices.loc["B", "source"] == "regression"
    themed = apply_shock(
        prices,
        {"A": 0.6, "B": 0.4},
        scenario(F1=-0.1, **{"Theme B": 0.25}),
        themes={"Theme B": {"B": 0.4}},
    )
    assert themed.slices.loc["B", "source"] == "theme"
    assert themed.slices.loc["B", "move"] == 0.25


def test_missing_factor_and_short_history_are_explained() -> None:
    prices = synthetic_market()
    with pytest.raises(PlanError, match=r"no prices for factor\(s\) XLE"):
        apply_shock(prices, {"A": 1.0}, scenario(XLE=0.1))
    short = prices.copy()
    short.loc[: short.index[-20], "A"] = np.nan  # 19 prices left: 18 returns
    with pytest.raises(PlanError, match="A: only 18 weekly returns"):
        apply_shock(short, {"A": 1.0}, scenario(F1=0.1))


def test_shipped_scenarios_load() -> None:
    for name in ("datacenter-slowdown", "power-crunch"):
        sc = load_scenario(REPO / "examples" / "scenarios" / f"{name}.toml")
        assert sc.shocks["SMH"] < 0


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            '[scenario]\nname = "x"\n[shocks]\nSMH = -3\n',
            ["shocks", "-3", "between -1"],
        ),
        (
            '[scenario]\nname = "x"\nlookbak = "3Y"\n[shocks]\nSMH = -0.3\n',
            ["scenario.lookbak", "did you mean 'lookback'?"],
        ),
        (
            '[scenario]\nname = "x"\nlookback = "3 years"\n[shocks]\nSMH = -0.3\n',
            ["scenario.lookback", "'3 years'"],
        ),
        ("[shocks]\nSMH = -0.3\n", ["[scenario] is missing"]),
        ('[scenario]\nname = "x"\n[shocks]\n', ["shocks"]),
    ],
)
def test_bad_scenario_files(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message


def test_datacenter_slowdown_on_real_prices(shared_prices_dir: Path) -> None:
    long = pd.read_csv(
        shared_prices_dir / "yahoo_adjclose_2000_2026-08-03.csv", parse_dates=["date"]
    )
    prices = long.pivot(index="date", columns="ticker", values="adj_close")
    spec = load_pie(REPO / "examples" / "ai-energy-2026.toml")
    sc = load_scenario(REPO / "examples" / "scenarios" / "datacenter-slowdown.toml")
    sc = sc.model_copy(
        update={
            "scenario": sc.scenario.model_copy(
                update={"asof": pd.Timestamp("2026-07-31").date()}
            )
        }
    )
    pie, *benchmarks = shock_spec(spec, prices, sc)
    by_name = {r.name: r for r in benchmarks}
    # SMH is itself shocked: the semiconductor benchmark takes the full -35 %.
    assert by_name["Semiconductors"].total == pytest.approx(-0.35)
    # The thesis pie should fall far less than the chips in this scenario.
    assert pie.total > by_name["Semiconductors"].total / 2
    assert by_name["Data centers & chips"].total < pie.total
    # NVIDIA moves more than SMH (beta above 1) and fits it well.
    nvda = apply_shock(prices, {"NVDA": 1.0}, sc).slices.loc["NVDA"]
    assert nvda["beta_SMH"] > 1.0
    assert nvda["r2"] > 0.5
