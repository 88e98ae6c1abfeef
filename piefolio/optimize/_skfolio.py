"""One function per weighting method, each a thin call into skfolio.

Conventions:

- ``returns`` are simple daily returns, dates x tickers, no NaN (the caller cuts
  the window); ``mu`` is the daily expected return per ticker and ``rf`` the
  daily risk-free rate (annual / 252), both in the units of ``returns``.
- Every function returns long-only weights of shape (n,) in the order of
  ``limits.tickers``, summing to 1. Methods whose skfolio estimator takes the
  limits get them (bounds as ``min_weights``/``max_weights``, themes as
  ``left_inequality``/``right_inequality``); the others return their raw weights
  and the caller moves them into the limits (:func:`constraints.project`).
- Any failure of skfolio or its solver is raised as
  :class:`~piefolio.errors.OptimizationError` with a one-line reason, chained to
  the original; no solver traceback reaches a user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from piefolio.errors import OptimizationError
from piefolio.optimize.constraints import Limits
from piefolio.spec import Method
from piefolio.typing import FloatArray

__all__ = ["TAKES_LIMITS", "USES_COVARIANCE", "fit_method"]

#: Methods whose skfolio estimator takes every limit itself.
TAKES_LIMITS = frozenset(
    {
        Method.RISK_PARITY,
        Method.MIN_VARIANCE,
        Method.MAX_SHARPE,
        Method.MAX_DIVERSIFICATION,
    }
)
#: Methods that invert or cluster the covariance (a singular one misleads them).
USES_COVARIANCE = TAKES_LIMITS | {Method.HRP}


def fit_method(
    method: Method,
    returns: pd.DataFrame,
    limits: Limits,
    mu: FloatArray,
    rf: float,
) -> FloatArray:
    """Propose weights with one method.

    Parameters
    ----------
    method : Method
        The weighting method.
    returns : DataFrame of shape (n_days, n)
        Simple daily returns, columns ``limits.tickers``, no NaN.
    limits : Limits
        Bounds and theme limits (see module docstring for who applies them).
    mu : ndarray of shape (n,)
        Daily expected returns (used by max-Sharpe only).
    rf : float
        Daily risk-free rate (used by max-Sharpe only).

    Returns
    -------
    ndarray of shape (n,)
        Weights summing to 1.

    Raises
    ------
    OptimizationError
        skfolio or its solver failed; the message is its first line.
    """
    fn = _METHODS[method]
    try:
        weights = np.asarray(fn(returns, limits, mu, rf), dtype=float)
    except OptimizationError:
        raise
    except Exception as exc:
        # skfolio raises its own errors, cvxpy's SolverError, ValueError or
        # LinAlgError depending on where a fit breaks; all mean "this method
        # failed on these data", which the caller may fall back from.
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise OptimizationError(f"{first[:200]}") from exc
    if weights.shape != (len(limits.tickers),) or not np.all(np.isfinite(weights)):
        raise OptimizationError("the solver returned no usable weights (NaN)")
    total = weights.sum()
    if total <= 0:
        raise OptimizationError("the solver returned weights that sum to 0")
    return np.asarray(np.clip(weights, 0, None) / total, dtype=float)


def _prior(mu: FloatArray | None = None) -> Any:
    from skfolio.moments import EmpiricalCovariance
    from skfolio.prior import EmpiricalPrior

    if mu is None:
        return EmpiricalPrior(covariance_estimator=EmpiricalCovariance())
    return EmpiricalPrior(
        mu_estimator=_fixed_mu(mu), covariance_estimator=EmpiricalCovariance()
    )


def _fixed_mu(mu: FloatArray) -> Any:
    """Make a skfolio mu estimator that returns ``mu`` as given (the user's views)."""
    from skfolio.moments import BaseMu

    class FixedMu(BaseMu):  # type: ignore[misc]
        def __init__(self, mu: FloatArray | None = None) -> None:
            self.mu = mu

        def fit(self, X: Any, y: Any = None) -> FixedMu:
            self.mu_ = np.asarray(self.mu, dtype=float)
            return self

    return FixedMu(mu)


#: Clarabel's default tolerances leave weights ~2e-4 from the optimum on small
#: problems; these cost nothing at pie sizes and bring it to ~1e-6.
_TIGHT = {
    "tol_gap_abs": 1e-10,
    "tol_gap_rel": 1e-10,
    "tol_feas": 1e-10,
    "tol_ktratio": 1e-8,
}


def _bounds(limits: Limits) -> dict[str, Any]:
    """Keyword arguments giving a convex skfolio estimator every limit."""
    a, b = limits.inequalities()
    out: dict[str, Any] = {
        "min_weights": limits.lower,
        "max_weights": limits.upper,
        "solver": "CLARABEL",
        "solver_params": _TIGHT,
    }
    if len(b):
        out["left_inequality"] = a
        out["right_inequality"] = b
    return out


def _equal(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    n = len(limits.tickers)
    return np.full(n, 1.0 / n)


def _theme_equal(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    # Equal across top-level themes, equal within each theme.
    out = np.zeros(len(limits.tickers))
    share = 1.0 / len(limits.themes)
    for theme, members in limits.themes.items():
        out += limits.member(theme) * share / len(members)
    return out


def _inverse_vol(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    from skfolio.optimization import InverseVolatility

    model = InverseVolatility(prior_estimator=_prior(), raise_on_failure=True)
    return np.asarray(model.fit(returns).weights_)


def _risk_parity(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    from skfolio import RiskMeasure
    from skfolio.optimization import RiskBudgeting

    model = RiskBudgeting(
        risk_measure=RiskMeasure.VARIANCE,
        prior_estimator=_prior(),
        raise_on_failure=True,
        **_bounds(limits),
    )
    return np.asarray(model.fit(returns).weights_)


def _hrp(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    from skfolio import RiskMeasure
    from skfolio.optimization import HierarchicalRiskParity

    # HRP takes box bounds but no theme limits; the caller projects if needed.
    model = HierarchicalRiskParity(
        risk_measure=RiskMeasure.VARIANCE,
        prior_estimator=_prior(),
        min_weights=limits.lower,
        max_weights=limits.upper,
        raise_on_failure=True,
    )
    return np.asarray(model.fit(returns).weights_)


def _mean_risk(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray | None, rf: float
) -> FloatArray:
    from skfolio import RiskMeasure
    from skfolio.optimization import MeanRisk, ObjectiveFunction

    # Standard deviation rather than variance: the same minimiser, the ratio is
    # the Sharpe ratio itself, and the solver is better conditioned.
    sharpe = mu is not None
    model = MeanRisk(
        objective_function=(
            ObjectiveFunction.MAXIMIZE_RATIO
            if sharpe
            else ObjectiveFunction.MINIMIZE_RISK
        ),
        risk_measure=RiskMeasure.STANDARD_DEVIATION,
        prior_estimator=_prior(mu),
        risk_free_rate=rf if sharpe else 0.0,
        raise_on_failure=True,
        **_bounds(limits),
    )
    return np.asarray(model.fit(returns).weights_)


def _min_variance(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    return _mean_risk(returns, limits, None, rf)


def _max_sharpe(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    return _mean_risk(returns, limits, mu, rf)


def _max_diversification(
    returns: pd.DataFrame, limits: Limits, mu: FloatArray, rf: float
) -> FloatArray:
    from skfolio.optimization import MaximumDiversification

    model = MaximumDiversification(
        prior_estimator=_prior(), raise_on_failure=True, **_bounds(limits)
    )
    return np.asarray(model.fit(returns).weights_)


_Fit = Callable[[pd.DataFrame, Limits, FloatArray, float], FloatArray]

_METHODS: dict[Method, _Fit] = {
    Method.EQUAL: _equal,
    Method.THEME_EQUAL: _theme_equal,
    Method.INVERSE_VOL: _inverse_vol,
    Method.RISK_PARITY: _risk_parity,
    Method.HRP: _hrp,
    Method.MIN_VARIANCE: _min_variance,
    Method.MAX_SHARPE: _max_sharpe,
    Method.MAX_DIVERSIFICATION: _max_diversification,
}
