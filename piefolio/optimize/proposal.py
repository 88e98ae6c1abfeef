"""Propose weights for a pie: estimate on a past window, fit, check, explain.

Conventions:

- Prices are total-return closes in the pie's base currency, dates x tickers.
  Returns are simple daily returns ``p_t / p_{t-1} - 1``; a price gap of up to 5
  days is forward-filled (a return of 0, then the catch-up).
- Annualisation uses 252 trading days a year: expected returns ``252 * mean``,
  volatility ``sqrt(252 * variance)``; the risk-free rate is an annual fraction.
- A proposal made *as of* date t uses only returns dated strictly before t, over
  the ``lookback`` before t (``"3Y"``: calendar years; ``"500D"``: trading days).
- A slice with a declared ``proxy`` that trades at the decision date has its
  missing past filled with the proxy's returns (as stress and Monte Carlo do),
  so one young slice does not cut every estimate to its few years.
- Covariances use the ``lookback`` window; expected returns use the longest
  history every slice has (through its proxy) before the decision date, since a
  mean needs decades where a covariance needs years. The default estimate
  shrinks the sample mean toward the CAPM equilibrium of the first benchmark
  (:mod:`piefolio.optimize.prior`); any slice above 30 % a year is flagged.
- Risk contribution of ticker i is ``w_i (S w)_i / (w' S w)`` with S the sample
  covariance of the window; contributions sum to 1.

The realistic traps each raise :class:`~piefolio.errors.OptimizationError` with
what happened and what to change, or are recorded in :attr:`Proposal.notes` when
piefolio worked around them (a fallback, a shorter window, a slice left out).
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from piefolio.analytics.risk import TRADING_DAYS
from piefolio.errors import DataUnavailable, OptimizationError
from piefolio.models import replace
from piefolio.optimize._skfolio import TAKES_LIMITS, USES_COVARIANCE, fit_method
from piefolio.optimize.constraints import (
    Limits,
    build_limits,
    check_feasible,
    polish,
    project,
    theme_weights,
)
from piefolio.optimize.prior import (
    TOO_HIGH,
    equilibrium,
    reference_returns,
    shrink_to_prior,
)
from piefolio.periods import period_offset
from piefolio.spec import Method, Optimize, PieSpec
from piefolio.typing import FloatArray

__all__ = [
    "DUPLICATE_CORRELATION",
    "FALLBACKS",
    "MIN_DAYS",
    "TRADING_DAYS",
    "Estimate",
    "Means",
    "Proposal",
    "assess",
    "estimate",
    "propose",
]

#: Fewest daily returns a slice needs to be estimated (about six months).
MIN_DAYS = 126
#: Above this correlation two slices are near-duplicates (covariance singular).
DUPLICATE_CORRELATION = 0.999

LABELS = {
    Method.EQUAL: "equal",
    Method.THEME_EQUAL: "theme-equal",
    Method.INVERSE_VOL: "inverse-vol",
    Method.RISK_PARITY: "risk-parity",
    Method.HRP: "HRP",
    Method.MIN_VARIANCE: "min-variance",
    Method.MAX_SHARPE: "max-Sharpe",
    Method.MAX_DIVERSIFICATION: "max-diversification",
}

#: What to try, in order, when a method's solver fails.
FALLBACKS: dict[Method, tuple[Method, ...]] = {
    Method.MAX_SHARPE: (Method.MIN_VARIANCE, Method.INVERSE_VOL),
    Method.MAX_DIVERSIFICATION: (Method.MIN_VARIANCE, Method.INVERSE_VOL),
    Method.MIN_VARIANCE: (Method.INVERSE_VOL,),
    Method.RISK_PARITY: (Method.INVERSE_VOL,),
    Method.HRP: (Method.INVERSE_VOL,),
    Method.INVERSE_VOL: (Method.EQUAL,),
}


@dataclass(frozen=True, slots=True)
class Proposal:
    """Weights proposed for a pie, with what they were based on.

    Attributes
    ----------
    method : str
        The method asked for (``"current"`` for the pie as it stands).
    used : str
        The method that produced the weights (differs after a fallback).
    weights : dict of str to float
        Ticker -> fraction of the pie, every ticker of the pie (0 if left out).
    theme_weights : dict of str to float
        Top-level theme -> fraction of the pie.
    volatility : float
        Expected annualised volatility of the pie on the window.
    expected_return : float
        Annual expected return ``252 * w' mu``.
    risk_contribution : dict of str to float
        Ticker -> share of the pie's variance (sums to 1).
    theme_risk_contribution : dict of str to float
        Theme -> share of the pie's variance.
    expected_returns : dict of str to float
        Ticker -> annual expected return used.
    risk_free : float
        Annual risk-free rate used.
    turnover : float
        One-way turnover from the current pie, ``sum |w - current| / 2``.
    start, end : date
        First and last day of returns in the estimation window.
    days : int
        Daily returns in the window.
    estimator : str
        How the expected returns were estimated, in words (prior, window).
    mu_start, mu_end : date
        First and last day of returns behind the expected returns.
    mu_days : int
        Daily returns behind the expected returns.
    prior : dict of str to float
        Ticker -> annual equilibrium return the estimate was shrunk toward
        (empty for estimators without a prior).
    notes : tuple of str
        Fallbacks, warnings and workarounds, in plain words.
    """

    method: str
    used: str
    weights: dict[str, float]
    theme_weights: dict[str, float]
    volatility: float
    expected_return: float
    risk_contribution: dict[str, float]
    theme_risk_contribution: dict[str, float]
    expected_returns: dict[str, float]
    risk_free: float
    turnover: float
    start: dt.date
    end: dt.date
    days: int
    estimator: str
    mu_start: dt.date
    mu_end: dt.date
    mu_days: int
    prior: dict[str, float]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays and frames
class Estimate:
    """What every method of one proposal shares: window, limits, moments.

    Attributes
    ----------
    returns : DataFrame of shape (days, n)
        Simple daily returns of the universe, no NaN.
    limits : Limits
        The limits over the universe (``limits.tickers`` = ``returns.columns``).
    mu : ndarray of shape (n,)
        Daily expected returns.
    rf : float
        Daily risk-free rate.
    risk_free : float
        Annual risk-free rate.
    means : Means
        The expected returns' estimator, window and prior.
    notes : tuple of str
        What the estimation worked around.
    """

    returns: pd.DataFrame
    limits: Limits
    mu: FloatArray
    rf: float
    risk_free: float
    means: Means
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class Means:
    """Where the expected returns came from.

    Attributes
    ----------
    estimator : str
        The estimator and its prior, in words.
    start, end : pd.Timestamp
        First and last day of the returns used.
    days : int
        Number of daily returns used.
    prior : FloatArray, shape (n,) or None
        Daily prior means, for estimators that have one.
    """

    estimator: str
    start: pd.Timestamp
    end: pd.Timestamp
    days: int
    prior: FloatArray | None


def daily_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Return simple daily returns; gaps of up to 5 days are forward-filled first."""
    filled = prices.sort_index().ffill(limit=5)
    return filled.pct_change(fill_method=None).iloc[1:]


def estimate(
    spec: PieSpec,
    prices: pd.DataFrame,
    *,
    settings: Optimize | None = None,
    asof: dt.date | pd.Timestamp | None = None,
) -> Estimate:
    """Cut the estimation window and estimate the moments for a proposal.

    Parameters
    ----------
    spec : PieSpec
        The pie.
    prices : DataFrame
        Dates x tickers, total-return closes in the base currency; must hold
        every ticker of the pie (extra columns are ignored).
    settings : Optimize, optional
        Default ``spec.optimize`` or the defaults of :class:`Optimize`.
    asof : date, optional
        Decision date: only returns dated strictly before it are used. Default:
        the day after the last price (use everything).

    Raises
    ------
    DataUnavailable
        A ticker of the pie has no column in ``prices``.
    OptimizationError
        Too little history, or limits that cannot all hold.
    """
    opt = settings or spec.optimize or Optimize()
    tickers = list(spec.pie.effective_weights())
    missing = [t for t in tickers if t not in prices.columns]
    if missing:
        raise DataUnavailable(f"no prices for {', '.join(missing)}")
    prices = prices.sort_index()
    last = prices.index[-1] if len(prices.index) else pd.Timestamp("1970-01-01")
    cut = pd.Timestamp(asof) if asof is not None else last + pd.Timedelta(days=1)
    notes: list[str] = []
    filled = _with_proxies(spec, prices, tickers, cut, notes)
    reference_name, reference = _reference(spec, prices)
    columns = list(dict.fromkeys([*tickers, *reference]))
    every = daily_returns(filled[columns].astype(float))
    every = every[every.index < cut]
    returns = every[tickers]
    if opt.lookback.endswith("D"):
        window = returns.iloc[-int(opt.lookback[:-1]) :]
    else:
        window = returns[returns.index >= cut - period_offset(opt.lookback)]

    kept: list[str] = []
    for t in tickers:
        have = int(window[t].notna().sum())
        if have < MIN_DAYS:
            notes.append(
                f"{t} has {have} days of returns before {cut.date()}, fewer than the "
                f"{MIN_DAYS} needed to estimate it; left out (weight 0)"
            )
        else:
            kept.append(t)
    if not kept:
        raise OptimizationError(
            f"no slice has {MIN_DAYS} days of returns in the {opt.lookback} before "
            f"{cut.date()}; use later dates or a longer lookback"
        )
    firsts = {t: pd.Timestamp(window[t].dropna().index[0]) for t in kept}
    common_start = max(firsts.values())
    usable = window.loc[common_start:, kept].dropna()
    if common_start > window.index[0] + pd.Timedelta(days=7):
        late = [t for t in kept if firsts[t] == common_start]
        listed = min(pd.Timestamp(prices[t].dropna().index[0]) for t in late)
        notes.append(
            f"{', '.join(late)} has prices only since {listed.date()}, "
            f"less than the {opt.lookback} lookback; every estimate uses the "
            f"{len(usable)} days all slices share"
        )
    if len(usable) < MIN_DAYS:
        raise OptimizationError(
            f"only {len(usable)} days of returns are shared by all slices before "
            f"{cut.date()} (fewer than {MIN_DAYS}); the shortest history is "
            f"{max(firsts, key=lambda t: firsts[t])}: drop it or wait for more data"
        )
    limits = build_limits(spec, opt, kept)
    check_feasible(limits)
    risk_free = opt.risk_free if opt.risk_free is not None else spec.plan.cash_interest
    # The longest span every kept slice (and the reference) has, for the means.
    long = every[list(dict.fromkeys([*kept, *reference]))]
    long = long.loc[long.notna().all(axis=1).idxmax() :].dropna()
    if reference and len(long) < len(usable):
        # A reference younger than the slices would shorten the means: use the pie.
        reference_name, reference = "the pie itself", {}
        long = every[kept].loc[every[kept].notna().all(axis=1).idxmax() :].dropna()
    current = dict(zip(kept, limits.current, strict=True))
    means, mu = _expected_returns(
        long, kept, opt, risk_free / TRADING_DAYS,
        reference or current, reference_name, notes,
    )  # fmt: skip
    for t, m in zip(kept, mu, strict=True):
        if m * TRADING_DAYS > TOO_HIGH:
            notes.append(
                f"{t}: expected return {m * TRADING_DAYS:.0%} a year is above "
                f"{TOO_HIGH:.0%}, more than a slice is likely to keep up; it comes "
                f"from {means.start.date()}..{means.end.date()}, a guess, not a "
                "forecast"
            )
    return Estimate(
        returns=usable,
        limits=limits,
        mu=mu,
        rf=risk_free / TRADING_DAYS,
        risk_free=risk_free,
        means=means,
        notes=tuple(notes),
    )


def _with_proxies(
    spec: PieSpec,
    prices: pd.DataFrame,
    tickers: list[str],
    cut: pd.Timestamp,
    notes: list[str],
) -> pd.DataFrame:
    """Fill each listed slice's missing past with its declared proxy's returns.

    Only slices that trade before ``cut`` are filled: one not listed yet at the
    decision date stays out, so a walk-forward never buys what did not trade.
    """
    from piefolio.scenarios.proxies import splice_proxy

    out = prices.copy()
    for ticker, proxy in spec.pie.proxies().items():
        if ticker not in tickers or proxy not in prices.columns:
            continue
        real = prices[ticker].dropna()
        if real.empty or real.index[0] >= cut:
            continue
        spliced = splice_proxy(prices[ticker], prices[proxy])
        if spliced.first_valid_index() != real.index[0]:
            out[ticker] = spliced
            notes.append(
                f"{ticker} before {real.index[0].date()}: {proxy}'s returns (its "
                "declared proxy)"
            )
    return out


def _reference(spec: PieSpec, prices: pd.DataFrame) -> tuple[str, dict[str, float]]:
    """Pick the first benchmark whose tickers are all priced: (name, weights)."""
    for bench in spec.benchmarks:
        weights = bench.effective_weights()
        if all(t in prices.columns for t in weights):
            return bench.name, dict(weights)
    return "the pie itself", {}


def _expected_returns(
    long: pd.DataFrame,
    kept: list[str],
    opt: Optimize,
    rf: float,
    reference: dict[str, float],
    reference_name: str,
    notes: list[str],
) -> tuple[Means, FloatArray]:
    """Daily expected returns of ``kept``, as ``opt.expected_returns`` says.

    ``long`` holds the returns of ``kept`` and of the reference's tickers over
    the longest span they share; ``reference`` is ticker -> weight of the
    portfolio whose equilibrium is the prior.
    """
    returns = long[kept]
    historical = returns.mean().to_numpy(dtype=float)
    start, end, days = returns.index[0], returns.index[-1], len(returns)
    span = f"{days} days {start.date()}..{end.date()}"
    how = opt.expected_returns

    def means(estimator: str, prior: FloatArray | None = None) -> Means:
        return Means(f"{estimator}, on {span}", start, end, days, prior)

    if how == "equilibrium":
        ref = reference_returns(long, reference)
        assert ref is not None  # the reference's tickers are columns of long
        prior = equilibrium(returns.to_numpy(), ref.to_numpy(), rf)
        try:
            shrunk = shrink_to_prior(returns.to_numpy(), prior)
        except np.linalg.LinAlgError as exc:
            notes.append(f"Bayes-Stein shrinkage failed ({exc}); used the prior")
            return means(f"CAPM equilibrium of {reference_name}", prior), prior
        label = (
            f"Bayes-Stein shrinkage toward the CAPM equilibrium of {reference_name} "
            f"(prior weight {shrunk.intensity:.0%})"
        )
        return means(label, prior), shrunk.mu
    if how == "historical":
        return means("historical mean"), historical
    if how == "equal":
        return means("historical mean, the same for every slice"), np.full(
            len(historical), historical.mean()
        )
    if how == "shrunk":
        from skfolio.moments import ShrunkMu

        try:
            mu = np.asarray(ShrunkMu().fit(returns).mu_, dtype=float)
            return means("James-Stein shrinkage toward the grand mean"), mu
        except Exception as exc:  # skfolio's own errors, LinAlgError, ValueError
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            notes.append(f"shrunk expected returns failed ({first}); used historical")
            return means("historical mean"), historical
    assert isinstance(how, dict)
    views = {t: r / TRADING_DAYS for t, r in how.items()}
    own = ", ".join(f"{t} {r:.1%}" for t, r in how.items())
    return means(f"historical mean, with your views {own}"), np.array(
        [views.get(str(t), h) for t, h in zip(returns.columns, historical, strict=True)]
    )


def propose(
    spec: PieSpec,
    prices: pd.DataFrame,
    *,
    method: Method | str | None = None,
    settings: Optimize | None = None,
    asof: dt.date | pd.Timestamp | None = None,
    fallback: bool = True,
) -> Proposal:
    """Propose weights for the pie's slices under its ``[optimize]`` limits.

    Parameters
    ----------
    spec : PieSpec
        The pie (its tree gives the tickers and themes).
    prices : DataFrame
        Dates x tickers, total-return closes in the base currency.
    method : Method or str, optional
        Default ``settings.method``.
    settings : Optimize, optional
        Default ``spec.optimize`` or the defaults of :class:`Optimize`.
    asof : date, optional
        Use only returns strictly before this date (default: all).
    fallback : bool, default True
        When the method's solver fails, try :data:`FALLBACKS` in order and say
        so in the notes; when False, raise instead.

    Returns
    -------
    Proposal

    Raises
    ------
    OptimizationError
        Infeasible limits, near-duplicate slices, too little history, or every
        method of the fallback chain failed. The message says what to change.
    DataUnavailable
        A ticker of the pie has no prices.
    """
    opt = settings or spec.optimize or Optimize()
    asked = Method(method) if method is not None else opt.method
    est = estimate(spec, prices, settings=opt, asof=asof)
    notes = list(est.notes)
    stdev = est.returns.std()
    flat = [str(t) for t in est.returns.columns if not stdev[t] > 0]
    if flat and asked not in (Method.EQUAL, Method.THEME_EQUAL):
        raise OptimizationError(
            f"{', '.join(flat)} has a constant price over "
            f"{est.returns.index[0].date()}..{est.returns.index[-1].date()} (no "
            f"volatility), which {LABELS[asked]} cannot weigh; check its prices, "
            "or use equal or theme-equal"
        )
    duplicates = _near_duplicates(est.returns) if not flat else []
    if duplicates:
        if asked in USES_COVARIANCE:
            raise OptimizationError(
                f"{duplicates[0]}: they are near-duplicates, so the covariance "
                f"matrix is singular and {LABELS[asked]} would split weight "
                "between them arbitrarily; keep one of them in the pie, or use "
                "equal, theme-equal or inverse-vol"
            )
        notes += [f"{d} (near-duplicates)" for d in duplicates]

    chain = (asked, *FALLBACKS.get(asked, ())) if fallback else (asked,)
    failures: list[str] = []
    last: OptimizationError | None = None
    weights: FloatArray | None = None
    used = asked
    for candidate in chain:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if candidate is Method.MAX_SHARPE:
                    _check_sharpe(est)
                weights = fit_method(candidate, est.returns, est.limits, est.mu, est.rf)
            notes += [
                f"{LABELS[candidate]}: {str(w.message).splitlines()[0]}" for w in caught
            ]
            used = candidate
            break
        except OptimizationError as exc:
            failures.append(f"{LABELS[candidate]} failed: {exc}")
            last = exc
    if weights is None:
        raise OptimizationError("; ".join(failures)) from last
    if failures:
        notes.append("; ".join(failures) + f"; used {LABELS[used]}")

    weights = _within_limits(weights, est.limits, used, notes)
    return _proposal(spec, est, weights, asked.value, used.value, notes)


def assess(
    spec: PieSpec,
    prices: pd.DataFrame,
    *,
    settings: Optimize | None = None,
    asof: dt.date | pd.Timestamp | None = None,
) -> Proposal:
    """Measure the pie as it stands on the same window as :func:`propose`.

    Returns a :class:`Proposal` with ``method == used == "current"``; slices left
    out of the window (too little history) have their weight spread pro rata.
    """
    opt = settings or spec.optimize or Optimize()
    # The current pie need not meet the limits it is measured against.
    est = estimate(
        spec,
        prices,
        settings=replace(
            opt,
            slice_min=0.0,
            slice_max=1.0,
            stock_max=None,
            theme_limits={},
            turnover_max=None,
        ),
        asof=asof,
    )
    return _proposal(
        spec, est, est.limits.current, "current", "current", list(est.notes)
    )


def _near_duplicates(returns: pd.DataFrame) -> list[str]:
    """Say each pair of columns correlated above :data:`DUPLICATE_CORRELATION`."""
    corr = returns.corr().to_numpy()
    names = [str(c) for c in returns.columns]
    out = []
    n = len(names)
    for i in range(n):
        for j in range(i + 1, n):
            if corr[i, j] > DUPLICATE_CORRELATION:
                out.append(
                    f"{names[i]} and {names[j]} move together (correlation "
                    f"{corr[i, j]:.4f} over {returns.index[0].date()}.."
                    f"{returns.index[-1].date()})"
                )
    return out


def _check_sharpe(est: Estimate) -> None:
    """Refuse max-Sharpe when no slice is expected to beat the risk-free rate."""
    annual = est.mu * TRADING_DAYS
    if np.max(annual) <= est.risk_free:
        best = int(np.argmax(annual))
        raise OptimizationError(
            "every expected return is at or below the risk-free rate "
            f"{est.risk_free:.2%} (the best is {est.limits.tickers[best]} at "
            f"{annual[best]:.1%} a year over {est.returns.index[0].date()}.."
            f"{est.returns.index[-1].date()}), so there is no Sharpe ratio to "
            "maximise; set expected_returns to your own views, lower risk_free, "
            "or use min-variance or risk-parity"
        )


def _within_limits(
    weights: FloatArray, limits: Limits, used: Method, notes: list[str]
) -> FloatArray:
    """Move weights into the limits if the method could not take them."""
    if not limits.violations(weights):
        return polish(weights, limits)
    moved = project(weights, limits)
    if used in TAKES_LIMITS:
        # The estimator had the limits; a solver that stops just outside them is
        # corrected, and said to be, rather than trusted.
        notes.append(f"{LABELS[used]} stopped outside the limits; moved inside")
    else:
        i = int(np.argmax(np.abs(moved - weights)))
        notes.append(
            f"{LABELS[used]} weights moved to the nearest that meet the limits "
            f"(largest move: {limits.tickers[i]} {moved[i] - weights[i]:+.1%})"
        )
    return moved


def _annual(tickers: Sequence[str], daily: FloatArray | None) -> dict[str, float]:
    if daily is None:
        return {}
    return {t: float(m) * TRADING_DAYS for t, m in zip(tickers, daily, strict=True)}


def _proposal(
    spec: PieSpec,
    est: Estimate,
    weights: FloatArray,
    method: str,
    used: str,
    notes: list[str],
) -> Proposal:
    tickers = est.limits.tickers
    cov = est.returns.cov().to_numpy()
    variance = float(weights @ cov @ weights)
    contribution = weights * (cov @ weights) / variance if variance > 0 else weights
    by_ticker = dict(zip(tickers, (float(x) for x in weights), strict=True))
    every = {t: by_ticker.get(t, 0.0) for t in spec.pie.effective_weights()}
    rc = dict(zip(tickers, (float(x) for x in contribution), strict=True))
    themes = {k: tuple(v) for k, v in spec.pie.themes().items()}
    return Proposal(
        method=method,
        used=used,
        weights=every,
        theme_weights=theme_weights(every, themes),
        volatility=math.sqrt(max(variance, 0.0) * TRADING_DAYS),
        expected_return=float(weights @ est.mu) * TRADING_DAYS,
        risk_contribution=rc,
        theme_risk_contribution=theme_weights(rc, themes),
        expected_returns=dict(
            zip(tickers, (float(m) * TRADING_DAYS for m in est.mu), strict=True)
        ),
        risk_free=est.risk_free,
        turnover=float(np.abs(weights - est.limits.current).sum() / 2),
        start=est.returns.index[0].date(),
        end=est.returns.index[-1].date(),
        days=len(est.returns),
        estimator=est.means.estimator,
        mu_start=est.means.start.date(),
        mu_end=est.means.end.date(),
        mu_days=est.means.days,
        prior=_annual(tickers, est.means.prior),
        notes=tuple(notes),
    )
