"""Metrics and attribution of a pie's run: pure functions over pandas objects.

Modules, one concept each (conventions are stated at the top of each):

- :mod:`~piefolio.analytics.returns`: time- and money-weighted returns, months
  and years;
- :mod:`~piefolio.analytics.risk`: volatility, Sharpe, Sortino, drawdowns, Calmar,
  VaR and expected shortfall, rolling figures;
- :mod:`~piefolio.analytics.benchmark`: beta, alpha, capture, tracking error,
  information ratio, the Kaplan-Schoar PME;
- :mod:`~piefolio.analytics.attribution`: the value waterfall and the
  contributions of slices and themes;
- :mod:`~piefolio.analytics.allocation`: weight drift, concentration, slice
  correlations, the holdings of a day;
- :mod:`~piefolio.analytics.distribution`: skewness, kurtosis, win rate, tail
  ratio, best and worst day, month and year;
- :mod:`~piefolio.analytics.performance`: the :class:`Performance` summary;
- :mod:`~piefolio.analytics.inflation`: real returns, deflated by a price index.

Shared conventions: simple returns as fractions; 252 trading days a year to
annualise daily figures; calendar days / 365 for CAGR and XIRR; drawdowns, VaR
and ES negative; cash flows in the pie's view (deposits positive). Nothing here
prints, and no function mutates its inputs.
"""

from __future__ import annotations

from piefolio.analytics.allocation import (
    Concentration,
    concentration,
    concentration_series,
    correlation_matrix,
    holdings,
    weight_drift,
)
from piefolio.analytics.attribution import (
    Linking,
    Waterfall,
    contributions_by_year,
    daily_contributions,
    gains_by_group,
    group_columns,
    total_contributions,
    waterfall,
)
from piefolio.analytics.benchmark import (
    align_returns,
    alpha,
    beta,
    capture_ratios,
    correlation,
    information_ratio,
    kaplan_schoar_pme,
    r_squared,
    rolling_beta,
    tracking_error,
)
from piefolio.analytics.distribution import (
    Extremes,
    extremes,
    kurtosis,
    skewness,
    tail_ratio,
    win_rate,
)
from piefolio.analytics.inflation import (
    PriceIndex,
    RealReturns,
    daily_index,
    real_returns,
)
from piefolio.analytics.performance import (
    BenchmarkComparison,
    Performance,
    performance,
    rolling_performance,
)
from piefolio.analytics.returns import (
    annual_returns,
    cagr,
    daily_returns,
    money_weighted_return,
    monthly_returns,
    monthly_returns_table,
    net_external_flows,
    positive_months,
    total_return,
    trailing_returns,
)
from piefolio.analytics.risk import (
    Drawdown,
    calmar_ratio,
    daily_risk_free,
    drawdown_periods,
    drawdown_series,
    expected_shortfall,
    max_drawdown,
    rolling_return,
    rolling_sharpe,
    rolling_volatility,
    sharpe_ratio,
    sortino_ratio,
    value_at_risk,
    volatility,
)

__all__ = [
    "BenchmarkComparison",
    "Concentration",
    "Drawdown",
    "Extremes",
    "Linking",
    "Performance",
    "PriceIndex",
    "RealReturns",
    "Waterfall",
    "align_returns",
    "alpha",
    "annual_returns",
    "beta",
    "cagr",
    "calmar_ratio",
    "capture_ratios",
    "concentration",
    "concentration_series",
    "contributions_by_year",
    "correlation",
    "correlation_matrix",
    "daily_contributions",
    "daily_index",
    "daily_returns",
    "daily_risk_free",
    "drawdown_periods",
    "drawdown_series",
    "expected_shortfall",
    "extremes",
    "gains_by_group",
    "group_columns",
    "holdings",
    "information_ratio",
    "kaplan_schoar_pme",
    "kurtosis",
    "max_drawdown",
    "money_weighted_return",
    "monthly_returns",
    "monthly_returns_table",
    "net_external_flows",
    "performance",
    "positive_months",
    "r_squared",
    "real_returns",
    "rolling_beta",
    "rolling_performance",
    "rolling_return",
    "rolling_sharpe",
    "rolling_volatility",
    "sharpe_ratio",
    "skewness",
    "sortino_ratio",
    "tail_ratio",
    "total_contributions",
    "total_return",
    "tracking_error",
    "trailing_returns",
    "value_at_risk",
    "volatility",
    "waterfall",
    "weight_drift",
    "win_rate",
]
