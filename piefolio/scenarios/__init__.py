"""What-if analysis: past crises, thesis shocks, Monte Carlo of the plan, claims.

- :mod:`~piefolio.scenarios.historical`: today's pie replayed over named windows;
- :mod:`~piefolio.scenarios.shocks`: scenario files shocking factors and themes,
  moved through regression betas;
- :mod:`~piefolio.scenarios.montecarlo`: the full plan on many sampled paths;
- :mod:`~piefolio.scenarios.sampling`: the path samplers (block bootstrap, normal,
  Student-t);
- :mod:`~piefolio.scenarios.proxies`: stand-ins for tickers without history;
- :mod:`~piefolio.scenarios.claims`: the thesis' claims over rolling windows.
"""

from __future__ import annotations

from piefolio.scenarios.claims import (
    ClaimCheck,
    ClaimSettings,
    basket_of,
    check_claim,
    check_claims,
)
from piefolio.scenarios.historical import (
    StressReport,
    StressRow,
    StressSettings,
    StressWindow,
    replay,
    replay_windows,
    stress,
)
from piefolio.scenarios.montecarlo import MonteCarloResult, monte_carlo
from piefolio.scenarios.proxies import Filled, fill_with_proxies, splice_proxy
from piefolio.scenarios.sampling import Normal, Sampler, StationaryBootstrap, StudentT
from piefolio.scenarios.shocks import (
    Scenario,
    ShockResult,
    apply_shock,
    load_scenario,
    shock_spec,
)

__all__ = [
    "ClaimCheck",
    "ClaimSettings",
    "Filled",
    "MonteCarloResult",
    "Normal",
    "Sampler",
    "Scenario",
    "ShockResult",
    "StationaryBootstrap",
    "StressReport",
    "StressRow",
    "StressSettings",
    "StressWindow",
    "StudentT",
    "apply_shock",
    "basket_of",
    "check_claim",
    "check_claims",
    "fill_with_proxies",
    "load_scenario",
    "monte_carlo",
    "replay",
    "replay_windows",
    "shock_spec",
    "splice_proxy",
    "stress",
]
