"""Map a pie's tree and its ``[optimize]`` limits onto the optimiser, and back.

Conventions:

- Weights are fractions of the whole pie (0.1 = 10 %), long only, summing to 1.
- One optimiser asset per ticker. A *theme* is a top-level slice of the pie; a bare
  top-level ticker is its own theme. Themes partition the tickers, so a ticker
  held in two themes is refused (the optimiser proposes one weight per ticker).
- Every limit becomes a box bound per ticker or one linear inequality per theme
  (``A w <= b``, passed to skfolio as ``left_inequality``/``right_inequality``
  rather than as equation strings, because theme names hold spaces, commas and
  ``&`` that skfolio's equation parser would misread).
- ``turnover_max`` is per slice, as skfolio's ``max_turnover``: no ticker moves
  more than that from its current weight, which is the box
  ``current - t <= w <= current + t``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from piefolio.errors import OptimizationError
from piefolio.models import replace
from piefolio.spec import Optimize, PieSpec, Slice
from piefolio.typing import FloatArray

__all__ = [
    "Limits",
    "build_limits",
    "check_feasible",
    "project",
    "proposed_slices",
    "theme_weights",
]

#: Tolerance on a limit when checking a result (solvers stop near 1e-8).
TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class Limits:
    """The limits on one optimisation, as arrays over ``tickers``.

    Attributes
    ----------
    tickers : tuple of str
        The optimiser's assets, in the pie's order, shape (n,).
    lower, upper : ndarray of shape (n,)
        Box bounds per ticker, fractions of the pie.
    why_lower, why_upper : tuple of str
        For each ticker, the limit that set its bound (for error messages).
    themes : dict of str to tuple of str
        Top-level theme -> its tickers among ``tickers``.
    theme_bounds : dict of str to (float, float)
        Theme -> (min, max) total weight; only themes the user limited.
    current : ndarray of shape (n,)
        The pie's effective weights on ``tickers``, renormalised to sum to 1.
    """

    tickers: tuple[str, ...]
    lower: FloatArray
    upper: FloatArray
    why_lower: tuple[str, ...]
    why_upper: tuple[str, ...]
    themes: dict[str, tuple[str, ...]]
    theme_bounds: dict[str, tuple[float, float]]
    current: FloatArray

    def inequalities(self) -> tuple[FloatArray, FloatArray]:
        """Theme limits as ``A w <= b``.

        Returns
        -------
        A : ndarray of shape (2 * n_limited_themes, n)
        b : ndarray of shape (2 * n_limited_themes,)
        """
        rows: list[FloatArray] = []
        rhs: list[float] = []
        for theme, (low, high) in self.theme_bounds.items():
            member = self.member(theme)
            rows += [-member, member]
            rhs += [-low, high]
        n = len(self.tickers)
        if not rows:
            return np.zeros((0, n)), np.zeros(0)
        return np.vstack(rows), np.asarray(rhs, dtype=float)

    def member(self, theme: str) -> FloatArray:
        """Return the indicator of the theme's tickers, shape (n,)."""
        inside = set(self.themes.get(theme, ()))
        return np.array([1.0 if t in inside else 0.0 for t in self.tickers])

    @property
    def constrained(self) -> bool:
        """Whether any limit can bind (bounds tighter than [0, 1] or a theme)."""
        return bool(
            self.theme_bounds or np.any(self.lower > 0) or np.any(self.upper < 1)
        )

    def violations(self, weights: FloatArray, tol: float = TOLERANCE) -> list[str]:
        """Say which limits ``weights`` break (empty when all hold).

        Parameters
        ----------
        weights : ndarray of shape (n,)
            Fractions of the pie, in the order of ``tickers``.
        tol : float
            Slack allowed on each limit.
        """
        out = []
        total = float(np.sum(weights))
        if not math.isfinite(total) or abs(total - 1) > tol:
            out.append(f"weights sum to {total:.6g}, not 1")
        for i, t in enumerate(self.tickers):
            if weights[i] < self.lower[i] - tol:
                out.append(f"{t} {weights[i]:.4%} < {self.why_lower[i]}")
            if weights[i] > self.upper[i] + tol:
                out.append(f"{t} {weights[i]:.4%} > {self.why_upper[i]}")
        for theme, (low, high) in self.theme_bounds.items():
            held = float(self.member(theme) @ weights)
            if not low - tol <= held <= high + tol:
                out.append(
                    f"theme {theme!r} holds {held:.4%}, outside "
                    f"theme_limits [{low:g}, {high:g}]"
                )
        return out


def build_limits(
    spec: PieSpec,
    settings: Optimize | None = None,
    tickers: Sequence[str] | None = None,
) -> Limits:
    """Turn the pie and its ``[optimize]`` limits into :class:`Limits`.

    Parameters
    ----------
    spec : PieSpec
        The pie.
    settings : Optimize, optional
        The limits; default ``spec.optimize`` or, if absent, no limits.
    tickers : sequence of str, optional
        The optimiser's universe (a subset of the pie's tickers, e.g. those with
        enough history); default every ticker of the pie.

    Raises
    ------
    OptimizationError
        A ticker sits in two themes.
    """
    opt = settings or spec.optimize or Optimize()
    theme_of: dict[str, str] = {}
    for theme, members in spec.pie.themes().items():
        for t in members:
            if t in theme_of and theme_of[t] != theme:
                raise OptimizationError(
                    f"{t} is held in two themes ({theme_of[t]!r} and {theme!r}); "
                    "the optimiser proposes one weight per ticker, so keep it in "
                    "one theme"
                )
            theme_of[t] = theme
    effective = spec.pie.effective_weights()
    universe = tuple(tickers) if tickers is not None else tuple(effective)
    unknown = [t for t in universe if t not in effective]
    if unknown:
        raise OptimizationError(f"{', '.join(unknown)} not in the pie")
    current = np.array([effective[t] for t in universe])
    current = current / current.sum()

    lower: list[float] = []
    upper: list[float] = []
    why_lower: list[str] = []
    why_upper: list[str] = []
    for i in range(len(universe)):
        lo, lo_why = opt.slice_min, f"slice_min {opt.slice_min:g}"
        hi, hi_why = opt.slice_max, f"slice_max {opt.slice_max:g}"
        if opt.stock_max is not None and opt.stock_max < hi:
            hi, hi_why = opt.stock_max, f"stock_max {opt.stock_max:g}"
        if opt.turnover_max is not None:
            step = opt.turnover_max
            cur = float(current[i])
            if cur - step > lo:
                lo = cur - step
                lo_why = f"turnover_max {step:g} below its current {cur:.2%}"
            if cur + step < hi:
                hi = cur + step
                hi_why = f"turnover_max {step:g} above its current {cur:.2%}"
        lower.append(lo)
        upper.append(hi)
        why_lower.append(f"{lo:.2%} ({lo_why})")
        why_upper.append(f"{hi:.2%} ({hi_why})")

    themes: dict[str, tuple[str, ...]] = {}
    for t in universe:
        themes.setdefault(theme_of[t], ())
        themes[theme_of[t]] += (t,)
    return Limits(
        tickers=universe,
        lower=np.asarray(lower, dtype=float),
        upper=np.asarray(upper, dtype=float),
        why_lower=tuple(why_lower),
        why_upper=tuple(why_upper),
        themes=themes,
        theme_bounds={
            k: (float(v[0]), float(v[1])) for k, v in opt.theme_limits.items()
        },
        current=current,
    )


def check_feasible(limits: Limits) -> None:
    """Raise, naming the constraint, when no weights can meet every limit.

    Themes partition the tickers, so the limits can all hold exactly when each
    ticker's box is non-empty, each theme's range ``[max(min, sum of lower),
    min(max, sum of upper)]`` is non-empty, and those ranges can add up to 1.

    Raises
    ------
    OptimizationError
        With the ticker, theme or sum that breaks, and what to change.
    """
    n = len(limits.tickers)
    if n == 0:
        raise OptimizationError("no slice is left to optimise")
    for i, t in enumerate(limits.tickers):
        if limits.lower[i] > limits.upper[i] + 1e-12:
            raise OptimizationError(
                f"{t}: its minimum {limits.why_lower[i]} is above its maximum "
                f"{limits.why_upper[i]}; loosen one of them"
            )
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for theme, members in limits.themes.items():
        m = limits.member(theme)
        box_low, box_high = float(m @ limits.lower), float(m @ limits.upper)
        t_low, t_high = limits.theme_bounds.get(theme, (0.0, 1.0))
        if t_low > box_high + 1e-12:
            raise OptimizationError(
                f"theme_limits.{theme!r}: its min {t_low:.1%} is more than its "
                f"{len(members)} slices can hold at their maxima ({box_high:.1%}: "
                f"{_listed(limits, members, limits.why_upper)}); lower the min or "
                "raise slice_max/stock_max"
            )
        if t_high < box_low - 1e-12:
            raise OptimizationError(
                f"theme_limits.{theme!r}: its max {t_high:.1%} is less than its "
                f"{len(members)} slices must hold at their minima ({box_low:.1%}: "
                f"{_listed(limits, members, limits.why_lower)}); raise the max or "
                "lower slice_min"
            )
        lows[theme], highs[theme] = max(t_low, box_low), min(t_high, box_high)
    low_sum, high_sum = math.fsum(lows.values()), math.fsum(highs.values())
    bound_by_theme = any(
        lows[k] > float(limits.member(k) @ limits.lower) + 1e-12 for k in lows
    )
    if low_sum > 1 + 1e-9:
        if bound_by_theme:
            parts = "; ".join(f"{k} {v:.1%}" for k, v in lows.items() if v > 0)
            raise OptimizationError(
                f"the minimums add up to {low_sum:.1%} > 100% (theme_limits and "
                f"slice_min: {parts}); lower some theme minimums"
            )
        raise OptimizationError(
            f"slice_min: the {n} slices' minimums add up to {low_sum:.1%} > 100% "
            f"({_first_reason(limits.why_lower)}); lower slice_min to at most "
            f"{1 / n:.2%}"
        )
    bound_high_by_theme = any(
        highs[k] < float(limits.member(k) @ limits.upper) - 1e-12 for k in highs
    )
    if high_sum < 1 - 1e-9:
        if bound_high_by_theme:
            parts = "; ".join(f"{k} {v:.1%}" for k, v in highs.items())
            raise OptimizationError(
                f"the maximums add up to {high_sum:.1%} < 100%, so the pie cannot "
                f"be fully invested (theme_limits and slice_max: {parts}); raise "
                "some theme maximums"
            )
        raise OptimizationError(
            f"slice_max: the {n} slices' maximums add up to {high_sum:.1%} < 100%, "
            f"so the pie cannot be fully invested ({_first_reason(limits.why_upper)})"
            f"; raise slice_max/stock_max to at least {1 / n:.2%}"
        )


def _listed(limits: Limits, members: tuple[str, ...], why: tuple[str, ...]) -> str:
    index = {t: i for i, t in enumerate(limits.tickers)}
    return ", ".join(f"{t} {why[index[t]]}" for t in members)


def _first_reason(why: tuple[str, ...]) -> str:
    distinct = list(dict.fromkeys(w.split("(", 1)[-1].rstrip(")") for w in why))
    return "; ".join(distinct[:3])


def project(weights: FloatArray, limits: Limits) -> FloatArray:
    """Return the weights nearest to ``weights`` (least squares) within the limits.

    Used for methods that cannot take the limits themselves (equal, theme-equal,
    inverse volatility, HRP with theme limits).

    Parameters
    ----------
    weights : ndarray of shape (n,)
        Proposed fractions of the pie.
    limits : Limits
        Assumed feasible (see :func:`check_feasible`).

    Raises
    ------
    OptimizationError
        The solver failed (wrapping the cvxpy error).
    """
    import cvxpy

    cp: Any = cvxpy  # cvxpy is only partly typed

    n = len(limits.tickers)
    w = cp.Variable(n)
    a, b = limits.inequalities()
    cons = [cp.sum(w) == 1, w >= limits.lower, w <= limits.upper]
    if len(b):
        cons.append(a @ w <= b)
    problem = cp.Problem(cp.Minimize(cp.sum_squares(w - weights)), cons)
    try:
        problem.solve(solver="CLARABEL")
    except cp.error.SolverError as exc:
        raise OptimizationError(
            f"could not move the weights within the limits: {exc}"
        ) from exc
    if w.value is None or problem.status not in ("optimal", "optimal_inaccurate"):
        raise OptimizationError(
            f"could not move the weights within the limits (solver: {problem.status})"
        )
    return polish(np.asarray(w.value, dtype=float), limits)


def polish(weights: FloatArray, limits: Limits) -> FloatArray:
    """Clip solver noise (~1e-9) to the bounds and renormalise to sum 1."""
    out = np.clip(weights, limits.lower, limits.upper)
    out = np.where(out < 1e-10, 0.0, out)
    return np.asarray(out / out.sum(), dtype=float)


def theme_weights(
    weights: Mapping[str, float], themes: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    """Theme -> total weight of its tickers (fractions of the pie)."""
    return {
        theme: math.fsum(weights.get(t, 0.0) for t in members)
        for theme, members in themes.items()
    }


def proposed_slices(
    spec: PieSpec, weights: Mapping[str, float], *, digits: int = 6
) -> tuple[tuple[Slice, ...], list[str]]:
    """Rewrite the pie's tree so its effective weights are ``weights``.

    Each theme's weight becomes the sum of its tickers' proposed weights and each
    child's weight its share of the parent; a ticker held twice keeps its current
    split between its places. Weights are rounded to ``digits`` decimals and the
    largest sibling takes the rounding so siblings sum to 1. Slices proposed at
    zero are dropped (a spec weight must be > 0) and said so.

    Parameters
    ----------
    spec : PieSpec
        The pie to rewrite.
    weights : mapping of str to float
        Ticker -> proposed fraction of the pie; absent tickers are 0.

    Returns
    -------
    slices : tuple of Slice
        The new top-level slices.
    notes : list of str
        The slices dropped.

    Raises
    ------
    OptimizationError
        Every slice would be dropped.
    """
    current = spec.pie.effective_weights()
    notes: list[str] = []
    floor = 10.0**-digits

    def total(s: Slice, eff: float) -> float:
        if s.slices is None:
            assert s.ticker is not None
            share = eff * s.weight / current[s.ticker]
            return weights.get(s.ticker, 0.0) * share
        return math.fsum(total(c, eff * s.weight) for c in s.slices)

    def rebuild(slices: tuple[Slice, ...], eff: float, path: str) -> tuple[Slice, ...]:
        sizes = [total(s, eff) for s in slices]
        whole = math.fsum(sizes)
        kept: list[tuple[Slice, float]] = []
        for s, size in zip(slices, sizes, strict=True):
            if whole <= 0 or size / whole < floor:
                notes.append(f"dropped {path}{s.label} (proposed weight 0)")
                continue
            kept.append((s, size))
        if not kept:
            return ()
        raw = [size / whole for _, size in kept]
        rounded = [round(x, digits) for x in raw]
        big = int(np.argmax(rounded))
        rounded[big] = round(
            1 - math.fsum(r for i, r in enumerate(rounded) if i != big), digits
        )
        out = []
        for (s, _), w in zip(kept, rounded, strict=True):
            children = None
            if s.slices is not None:
                children = rebuild(s.slices, eff * s.weight, f"{path}{s.label} / ")
            out.append(replace(s, weight=w, slices=children))
        return tuple(out)

    slices = rebuild(spec.pie.slices, 1.0, "")
    if not slices:
        raise OptimizationError("every slice was proposed at weight 0")
    return slices, notes
