"""Variant sweeps: the product of axes, weights within limits, rows equal to runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import simulate
from piefolio.errors import PlanError, SpecError
from piefolio.spec import parse_pie
from piefolio.sweep.honest import honest_selection
from piefolio.sweep.variants import (
    SweepSettings,
    load_sweep,
    plan_variants,
    random_weights,
    run_variants,
)

SPEC_TEXT = """
[pie]
name = "p"
[[pie.slices]]
name = "Stocks"
weight = 0.6
slices = [{ ticker = "A", weight = 0.5 }, { ticker = "B", weight = 0.5 }]
[[pie.slices]]
name = "Bonds"
weight = 0.4
slices = [{ ticker = "C", weight = 1.0 }]
[plan]
start = 2020-01-01
initial = 1000
deposits = { amount = 100, every = "month", day = 1 }
rebalance = "monthly"
[optimize]
slice_max = 0.5
theme_limits = { "Stocks" = [0.4, 0.8] }
"""
SPEC = parse_pie(SPEC_TEXT)


def market(seed: int = 0, days: int = 780) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rets = rng.normal([3e-4, 2e-4, 1e-4], [0.012, 0.015, 0.004], size=(days, 3))
    index = pd.bdate_range("2020-01-01", periods=days)
    return pd.DataFrame(
        100 * np.cumprod(1 + rets, axis=0), index=index, columns=list("ABC")
    )


def test_plan_variants_are_the_product_of_the_axes() -> None:
    settings = SweepSettings.model_validate(
        {
            "rebalance": ["none", "quarterly", {"policy": "threshold", "band": 0.05}],
            "deposit": [50, 100],
            "every": ["month", "quarter"],
        }
    )
    variants = plan_variants(SPEC.plan, settings)
    assert len(variants) == 12
    params, plan = variants[-1]
    assert params == {"rebalance": "threshold:0.05", "deposit": 100, "every": "quarter"}
    assert plan.deposits is not None and plan.deposits.every.value == "quarter"
    assert plan_variants(SPEC.plan, SweepSettings())[0][1] == SPEC.plan


def test_random_weights_obey_the_limits_and_the_seed() -> None:
    w = random_weights(SPEC, 500, spread=0.8, seed=3)
    assert w.shape == (501, 3)
    assert w.iloc[0].to_dict() == pytest.approx({"A": 0.3, "B": 0.3, "C": 0.4})
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (w.to_numpy() <= 0.5 + 1e-12).all()
    stocks = w["A"] + w["B"]
    assert stocks.between(0.4 - 1e-12, 0.8 + 1e-12).all()
    pd.testing.assert_frame_equal(w, random_weights(SPEC, 500, spread=0.8, seed=3))
    assert not w.equals(random_weights(SPEC, 500, spread=0.8, seed=4))


def test_impossible_limits_for_the_spread_say_so() -> None:
    tight = SPEC.model_copy(
        update={
            "optimize": SPEC.optimize.model_copy(
                update={"theme_limits": {"Stocks": (0.6, 0.6000001)}}
            )
        }  # type: ignore[union-attr]
    )
    with pytest.raises(PlanError, match="loosen them"):
        random_weights(tight, 10, spread=1.0)


def test_rows_equal_single_runs_and_resume(tmp_path: Path) -> None:
    prices = market()
    settings = SweepSettings.model_validate(
        {"rebalance": ["none", "monthly"], "weights": 30, "seed": 1}
    )
    res = run_variants(SPEC, prices, settings, tmp_path / "parts")
    assert len(res.rows) == 2 * 31
    for k in (0, 1):
        for name in ("pie", "w17"):
            row = res.rows[
                (res.rows["plan"] == k) & (res.rows["weights"] == name)
            ].iloc[0]
            weights = res.weights.loc[name].to_dict()
            single = simulate(prices, weights, res.plans[k])
            assert row["final_value"] == pytest.approx(single.final_value, rel=1e-12)
            assert row["w_A"] == weights["A"]
    again = run_variants(SPEC, prices, settings, tmp_path / "parts")
    pd.testing.assert_frame_equal(res.rows, again.rows)
    on_cores = run_variants(
        SPEC, prices, settings, tmp_path / "cores", executor="processes", workers=2
    )
    pd.testing.assert_frame_equal(res.rows, on_cores.rows)


def test_noise_variants_do_not_pass_as_skill(tmp_path: Path) -> None:
    """On drift-free noise, the best of many weightings is luck: DSR stays low."""
    rng = np.random.default_rng(9)
    rets = rng.normal(0.0, 0.01, size=(1000, 3))
    prices = pd.DataFrame(
        100 * np.cumprod(1 + rets, axis=0),
        index=pd.bdate_range("2020-01-01", periods=1000),
        columns=list("ABC"),
    )
    settings = SweepSettings(weights=300, spread=1.0, seed=2)
    res = run_variants(SPEC, prices, settings, tmp_path / "noise")
    sel = honest_selection(res, prices, sample=100, seed=0)
    assert sel.trials == 301
    assert sel.deflated_sharpe < 0.95
    # Noise has no best weighting: the in-sample winner lands below the
    # out-of-sample median about half the time (PBO ~ 0.5, never near 0 as it
    # is for a variant that truly dominates; see test_selection.py).
    assert sel.pbo is not None and 0.2 <= sel.pbo.pbo <= 0.8
    assert set(sel.walk_forward) == {
        "in_sample_sharpe", "out_of_sample_sharpe", "out_of_sample_percentile",
        "median_out_of_sample_sharpe",
    }  # fmt: skip
    assert any("Deflated Sharpe" in line for line in sel.lines())


def test_sweep_file_errors_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "sweep.toml"
    bad.write_text('[sweep]\nrebalanse = ["none"]\n')
    with pytest.raises(SpecError, match=r"sweep\.toml.*rebalanse"):
        load_sweep(bad)
    good = tmp_path / "good.toml"
    good.write_text('[sweep]\nrebalance = ["none", "monthly"]\nweights = 5\n')
    assert load_sweep(good).weights == 5


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # The target weights: before, the old rows came back labelled as the new pie.
        ('{ ticker = "A", weight = 0.5 }, { ticker = "B", weight = 0.5 }',
         '{ ticker = "A", weight = 0.4 }, { ticker = "B", weight = 0.6 }'),
        ("slice_max = 0.5", "slice_max = 0.45"),  # the [optimize] limits
        ("initial = 1000", "initial = 2000"),  # the plan
    ],
)  # fmt: skip
def test_a_resume_never_reuses_rows_of_other_inputs(
    tmp_path: Path, old: str, new: str
) -> None:
    text = SPEC_TEXT.replace(old, new)
    assert text != SPEC_TEXT
    settings = SweepSettings(weights=5, seed=1)
    run_variants(SPEC, market(), settings, tmp_path)
    with pytest.raises(PlanError, match="holds another sweep, of other inputs"):
        run_variants(parse_pie(text), market(), settings, tmp_path)


def test_a_resume_never_reuses_rows_of_other_prices(tmp_path: Path) -> None:
    settings = SweepSettings(weights=5, seed=1)
    prices = market()
    run_variants(SPEC, prices, settings, tmp_path)
    # One close on one day: the old checksum (a sum) missed offsetting edits.
    edited = prices.copy()
    edited.iloc[100, 0] += 1.0
    edited.iloc[101, 0] -= 1.0
    with pytest.raises(PlanError, match="holds another sweep"):
        run_variants(SPEC, edited, settings, tmp_path)
