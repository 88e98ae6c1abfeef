"""How the pie is spread: weight drift, concentration and slice correlations.

Conventions (every function in this module)
-------------------------------------------
- Weights are fractions (0.25 is 25 %) in a **dates x symbols** frame or, for one
  day, a Series indexed by symbol; they are the engine's end-of-day weights of the
  NAV including cash.
- Concentration is measured **among the slices**: weights are rescaled to sum to 1
  over the symbols (idle cash left out), so a pie holding one stock and some cash
  has one effective holding.
- Drift is **absolute**, in weight points: ``w - target`` (0.03 is 3 points over
  the target).
- Correlations are Pearson correlations of **daily simple returns**, on the days
  both slices have a price (pairwise).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Concentration",
    "concentration",
    "concentration_series",
    "correlation_matrix",
    "holdings",
    "weight_drift",
]


@dataclass(frozen=True, slots=True)
class Concentration:
    """How concentrated the slices of a pie are on one day.

    Attributes
    ----------
    largest : str
        Symbol of the largest slice.
    largest_weight : float
        Its weight among the slices, in (0, 1].
    herfindahl : float
        Herfindahl-Hirschman index ``sum_i w_i ** 2`` in [1/n, 1].
    effective_holdings : float
        ``1 / herfindahl``: the number of equal slices that would be as
        concentrated, in [1, n].
    """

    largest: str
    largest_weight: float
    herfindahl: float
    effective_holdings: float


def _normalised(weights: pd.Series) -> pd.Series:
    w = weights.astype("float64").fillna(0.0)
    if (w < 0).any():
        raise ValueError("weights must not be negative (the pie holds no shorts)")
    total = float(w.sum())
    if total <= 0.0:
        raise ValueError("weights sum to 0: the pie holds no slice")
    return w / total


def concentration(weights: pd.Series) -> Concentration:
    """Concentration of the slices on one day.

    Parameters
    ----------
    weights : pd.Series, shape (n_symbols,)
        Weights indexed by symbol; NaN counts as 0; rescaled to sum to 1.

    Returns
    -------
    Concentration
        Largest slice, Herfindahl index ``H = sum w_i ** 2`` and ``1 / H``.
    """
    w = _normalised(weights)
    hhi = float(np.sum(w.to_numpy() ** 2))
    largest = str(w.idxmax())
    return Concentration(
        largest=largest,
        largest_weight=float(w[largest]),
        herfindahl=hhi,
        effective_holdings=1.0 / hhi,
    )


def concentration_series(weights: pd.DataFrame) -> pd.DataFrame:
    """Concentration of the slices day by day.

    Parameters
    ----------
    weights : pd.DataFrame, shape (n_days, n_symbols)
        Weights; NaN counts as 0; each row rescaled to sum to 1.

    Returns
    -------
    pd.DataFrame, shape (n_days, 3)
        Columns ``largest_weight``, ``herfindahl``, ``effective_holdings``; NaN on
        a day that holds no slice (all cash).
    """
    w = weights.astype("float64").fillna(0.0)
    if (w < 0).to_numpy().any():
        raise ValueError("weights must not be negative (the pie holds no shorts)")
    total = w.sum(axis=1)
    share = w.div(total.where(total > 0), axis=0)
    hhi = (share**2).sum(axis=1, min_count=1)
    return pd.DataFrame(
        {
            "largest_weight": share.max(axis=1),
            "herfindahl": hhi,
            "effective_holdings": 1.0 / hhi,
        },
        index=weights.index,
    )


def weight_drift(weights: pd.DataFrame, targets: Mapping[str, float]) -> pd.DataFrame:
    """Drift of each slice from its target weight, day by day.

    Parameters
    ----------
    weights : pd.DataFrame, shape (n_days, n_symbols)
        End-of-day weights (of NAV including cash).
    targets : mapping of str to float
        Target (effective) weight per symbol; every key must be a column of
        ``weights``.

    Returns
    -------
    pd.DataFrame, shape (n_days, n_targets)
        ``w_{t,i} - target_i`` in weight points, columns in the order of
        ``targets``.
    """
    missing = [s for s in targets if s not in weights.columns]
    if missing:
        raise ValueError(f"targets name symbols not in weights: {missing}")
    if not targets:
        raise ValueError("targets is empty")
    symbols = list(targets)
    target = pd.Series({s: float(targets[s]) for s in symbols})
    if not math.isclose(float(target.sum()), 1.0, abs_tol=1e-6):
        raise ValueError(f"targets must sum to 1; they sum to {target.sum()!r}")
    return weights[symbols].astype("float64").sub(target, axis=1)


def correlation_matrix(prices: pd.DataFrame, *, min_periods: int = 20) -> pd.DataFrame:
    """Correlation matrix of the slices' daily returns.

    Parameters
    ----------
    prices : pd.DataFrame, shape (n_days, n_symbols)
        Closes (any one currency) indexed by increasing dates; NaN before a
        listing.
    min_periods : int, default 20
        Fewest common return days for a pair; NaN below it.

    Returns
    -------
    pd.DataFrame, shape (n_symbols, n_symbols)
        Pearson correlations of ``r_t = P_t / P_{t-1} - 1``, pairwise on common
        days; 1 on the diagonal (for a symbol with enough returns).
    """
    p = prices.astype("float64")
    returns = p / p.shift(1) - 1.0
    return returns.iloc[1:].corr(method="pearson", min_periods=min_periods)


def holdings(
    shares: pd.Series,
    prices: pd.Series,
    targets: Mapping[str, float],
    *,
    nav: float | None = None,
) -> pd.DataFrame:
    """Tabulate what the pie holds on one day: shares, value, actual vs target.

    Parameters
    ----------
    shares : pd.Series
        Symbol -> shares held (fractional shares allowed).
    prices : pd.Series
        Symbol -> close in the base currency on the same day.
    targets : Mapping[str, float]
        Symbol -> target effective weight.
    nav : float, optional
        The pie's NAV that day including cash; weights are of it, as the
        engine's weights are. Default: the value of the holdings (no cash).

    Returns
    -------
    pd.DataFrame, shape (n_symbols, 6)
        Index = the targets' symbols in order, then any other symbol held;
        columns ``shares``, ``price``, ``value`` (``shares * price``), ``weight``
        (``value / nav``), ``target`` (0 when not a target) and ``drift``
        (``weight - target``, weight points). A symbol without a price that day
        has NaN value and weight.
    """
    symbols = list(targets) + [str(s) for s in shares.index if s not in targets]
    held = shares.reindex(symbols).astype("float64").fillna(0.0)
    price = prices.reindex(symbols).astype("float64")
    value = held * price
    total = float(value.sum()) if nav is None else float(nav)
    weight = value / total if total > 0 else value * math.nan
    target = pd.Series(
        [float(targets.get(s, 0.0)) for s in symbols], index=symbols, dtype="float64"
    )
    return pd.DataFrame(
        {
            "shares": held,
            "price": price,
            "value": value,
            "weight": weight,
            "target": target,
            "drift": weight - target,
        }
    )
