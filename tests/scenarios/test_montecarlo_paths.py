"""Each Monte Carlo path is a simulate of its closes, whichever way it was drawn.

A bootstrap's chunk runs as drawn rows of the history (its returns are never
written out); other samplers' chunks run as returns. Either way a path's
monthly NAV, its ran-out day and its XIRR's inputs must be those of the
public :func:`piefolio.simulate` of the closes its draws make, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piefolio.engine import simulate
from piefolio.scenarios.montecarlo import horizon_dates, monte_carlo
from piefolio.scenarios.sampling import Normal, Sampler, StationaryBootstrap
from piefolio.spec import Plan

START = pd.Timestamp("2030-01-01")
SYMBOLS = ["A", "B", "C"]
SERIES = {"pie": {"A": 0.5, "B": 0.3, "C": 0.2}, "only B": {"B": 1.0}}


def history(seed: int = 3, days: int = 800) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cov = np.array([[1.0, 0.6, 0.2], [0.6, 1.0, 0.1], [0.2, 0.1, 1.0]]) * 4e-4
    return rng.multivariate_normal([4e-4, 2e-4, 1e-4], cov, size=days)


@pytest.mark.parametrize("sampler", [StationaryBootstrap(history()), Normal(history())])
@pytest.mark.parametrize(
    "plan",
    [
        {
            "deposits": {"amount": 100},
            "rebalance": "monthly",
            "fees": {"fx_pct": 0.15, "commission_fixed": 0.5},
        },
        # Withdrawals that empty some paths within the two years.
        {"withdrawals": {"amount": 60, "day": 15}, "rebalance": "deposits"},
    ],
)
def test_a_path_is_a_simulate_of_the_closes_it_drew(
    sampler: Sampler, plan: dict[str, object]
) -> None:
    spec = Plan.model_validate({"start": "2020-01-01", "initial": 1000, **plan})
    fx = {"A": True, "B": False, "C": True}
    res = monte_carlo(
        sampler, SYMBOLS, SERIES, spec, start=START, years=2.0, paths=40, seed=9,
        chunk=16, fx_mask=fx,
    )  # fmt: skip
    dates = horizon_dates(START, 2.0)
    seeds = np.random.SeedSequence(9).spawn(3)
    run_plan = spec.model_copy(update={"start": dates[0].date(), "end": None})
    for c, size in enumerate([16, 16, 8]):
        returns = sampler.sample(np.random.default_rng(seeds[c]), size, len(dates))
        for p in (0, size - 1):
            # The kernel's closes: 100, then *= 1 + r, day after day.
            level = np.cumprod(np.vstack([np.full((1, 3), 100.0), 1 + returns[p]]), 0)
            prices = pd.DataFrame(level[1:], index=dates, columns=SYMBOLS)
            for s, weights in enumerate(SERIES.values()):
                run = simulate(prices[list(weights)], weights, run_plan, fx_mask=fx)
                path = 16 * c + p
                np.testing.assert_array_equal(
                    res.nav[path, s], run.nav.loc[res.dates].to_numpy()
                )
                out = -1 if run.ran_out is None else dates.get_loc(run.ran_out)
                assert res.ran_out[path, s] == out
                if res.withdrawn is not None:
                    assert res.withdrawn[path, s] == pytest.approx(run.withdrawn)
    if "withdrawals" in plan:
        assert 0 < (res.ran_out >= 0).mean() < 1
