"""Check the claims of a thesis: whether ``long`` beats ``short`` over windows.

Conventions:

- Prices are total-return closes in one currency (the pie's base currency), dates x
  tickers; returns are simple returns.
- A side of a claim is a basket bought at the start of each window and held to its
  end (no rebalancing inside the window). Each entry of ``long``/``short`` gets an
  equal share of its side; a theme spreads its share over its tickers by their
  effective weights in the pie, a ticker takes the whole share.
- The relative return of a window is ``(1 + R_long) / (1 + R_short) - 1``: the
  return of the long basket measured in units of the short basket. The claim
  *holds* in a window when that is above zero.
- A window of ``nD`` is n trading days (rows); ``nW``, ``nM``, ``nY`` are calendar
  periods: the window ending on day t starts on the last trading day on or before
  t minus the period.
- NaN policy: a ticker without a price at a window's start or end (not yet listed)
  is left out of that window and its side's weights are renormalised; a window
  where a side has no ticker at all is NaN and is not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from piefolio.errors import PlanError, SpecError
from piefolio.periods import period_offset
from piefolio.spec import Claim, PieSpec
from piefolio.typing import FloatArray

if TYPE_CHECKING:
    from piefolio.data.frame import PriceFrame
    from piefolio.data.store import Store
    from piefolio.engine.frame import Frame

__all__ = [
    "MEASURE",
    "ClaimCheck",
    "ClaimSettings",
    "basket_of",
    "check_claim",
    "check_claims",
    "frame_for",
    "window_starts",
]

#: What a claim's number is, in the words every page and table uses.
MEASURE = "relative return (1 + R_long) / (1 + R_short) - 1"


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds a Series
class ClaimCheck:
    """The verdict on one claim over the data.

    Attributes
    ----------
    claim : Claim
        The claim as written in the spec.
    relative : pd.Series
        Relative return of long vs short for each window, indexed by the window's
        end date; NaN where it could not be computed.
    share_held : float
        Fraction of the computed windows where the relative return was > 0.
    latest : float
        Relative return of the most recent window (NaN if none).
    windows : int
        Number of windows with a value.
    """

    claim: Claim
    relative: pd.Series
    share_held: float
    latest: float
    windows: int

    @property
    def median(self) -> float:
        """Median relative return over the windows."""
        return float(self.relative.median()) if self.windows else float("nan")

    def verdict(self) -> str:
        """One line for a person: how often the claim held, and where it is now.

        "Held" means the :data:`MEASURE` was above 0 in that window.
        """
        if not self.windows:
            return (
                f"{self.claim.id}: not enough data for one {self.claim.horizon} window"
            )
        return (
            f"{self.claim.id}: held in {self.share_held:.0%} of {self.windows} "
            f"{self.claim.horizon} windows (long beat short: {MEASURE} above 0); "
            f"median {self.median:+.1%}, latest {self.latest:+.1%}"
        )


def basket_of(spec: PieSpec, names: tuple[str, ...]) -> dict[str, float]:
    """Turn the names of one side of a claim into ticker weights summing to 1.

    Parameters
    ----------
    spec : PieSpec
        The pie whose themes the names may refer to.
    names : tuple of str
        Theme names of the pie, or tickers.

    Returns
    -------
    dict[str, float]
        Ticker -> weight; each name gets ``1 / len(names)``, a theme splits its
        share by the effective weights of its tickers.
    """
    themes = spec.pie.themes()
    out: dict[str, float] = {}
    share = 1.0 / len(names)
    for name in names:
        members = themes.get(name, {name.upper(): 1.0})
        total = sum(members.values())
        for ticker, weight in members.items():
            out[ticker] = out.get(ticker, 0.0) + share * weight / total
    return out


def window_starts(dates: pd.DatetimeIndex, horizon: str) -> np.ndarray:
    """Row index of each window's start for windows ending on each date.

    Parameters
    ----------
    dates : pd.DatetimeIndex, shape (T,)
        Sorted trading days.
    horizon : str
        ``nD`` (trading days), ``nW``, ``nM`` or ``nY`` (calendar).

    Returns
    -------
    np.ndarray of int64, shape (T,)
        Start row for each end row; -1 where the window would begin before the
        first date.
    """
    count, unit = int(horizon[:-1]), horizon[-1]
    rows = np.arange(len(dates), dtype=np.int64)
    if unit == "D":
        return np.where(rows >= count, rows - count, -1)
    targets = dates - period_offset(horizon)
    # Last trading day on or before the target date.
    starts = np.searchsorted(dates.values, targets.values, side="right") - 1
    # A window whose target lies before the data has no valid start.
    starts[targets < dates[0]] = -1
    return starts.astype(np.int64)


def _basket_growth(
    prices: FloatArray, weights: FloatArray, starts: np.ndarray
) -> FloatArray:
    """Growth factor 1 + R of a buy-and-hold basket over each window."""
    valid_start = starts >= 0
    begin = np.where(valid_start[:, None], prices[np.maximum(starts, 0)], np.nan)
    ratio = prices / begin  # (T, N); NaN where a price is missing at either end
    present = np.isfinite(ratio)
    w = np.where(present, weights[None, :], 0.0)
    total = w.sum(axis=1)
    grown = np.where(present, ratio, 0.0) * w
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = grown.sum(axis=1) / total
    out[total == 0] = np.nan
    return out


def check_claim(
    prices: pd.DataFrame,
    claim: Claim,
    long: Mapping[str, float],
    short: Mapping[str, float],
) -> ClaimCheck:
    """Compute the rolling relative return of a claim's two baskets.

    Parameters
    ----------
    prices : pd.DataFrame, shape (T, N)
        Total-return closes in one currency, dates x tickers; NaN before listing.
    claim : Claim
        The claim (its ``horizon`` sets the window).
    long, short : Mapping[str, float]
        Ticker -> weight of each side, each summing to 1 (see :func:`basket_of`).

    Returns
    -------
    ClaimCheck

    Raises
    ------
    PlanError
        A ticker of either side has no column in ``prices``.
    """
    missing = [t for t in (*long, *short) if t not in prices.columns]
    if missing:
        raise PlanError(
            f"claim {claim.id!r}: no prices for {', '.join(sorted(set(missing)))}"
        )
    dates = pd.DatetimeIndex(prices.index)
    starts = window_starts(dates, claim.horizon)

    def growth(side: Mapping[str, float]) -> FloatArray:
        cols = list(side)
        values = prices[cols].to_numpy(dtype=np.float64)
        return _basket_growth(values, np.array([side[c] for c in cols]), starts)

    relative = pd.Series(growth(long) / growth(short) - 1.0, index=dates, name=claim.id)
    relative = relative.dropna()
    windows = len(relative)
    share = float((relative > 0).mean()) if windows else float("nan")
    latest = float(relative.iloc[-1]) if windows else float("nan")
    return ClaimCheck(claim, relative, share, latest, windows)


class ClaimSettings(BaseModel):
    """Where a claims check looks.

    Attributes
    ----------
    since : date, optional
        First day of the history the windows are cut from (default the plan's
        start).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    since: dt.date | None = None


def frame_for(
    spec: PieSpec,
    settings: ClaimSettings | None = None,
    *,
    offline: bool = False,
    store: Store | None = None,
) -> PriceFrame:
    """Load the prices the claims need, from ``since``; late listings allowed.

    A ticker that lists late only leaves the windows before its first price
    (see the module's NaN policy), so loading never refuses it.
    """
    from piefolio.data import get_prices
    from piefolio.models import replace

    since = (settings or ClaimSettings()).since or spec.plan.start
    lenient = replace(spec, plan=replace(spec.plan, late_listing="redistribute"))
    return get_prices(lenient, start=since, offline=offline, store=store)


def check_claims(
    spec: PieSpec,
    frame: PriceFrame | Frame | pd.DataFrame | None = None,
    *,
    settings: ClaimSettings | None = None,
) -> list[ClaimCheck]:
    """Check every ``[[claims]]`` entry of a spec.

    Parameters
    ----------
    spec : PieSpec
        The pie and its claims.
    frame : PriceFrame or pd.DataFrame, optional
        The prices (a frame's cash dividends are reinvested, so a claim compares
        total returns); loaded by :func:`frame_for` when None.
    settings : ClaimSettings, optional
        Where the history starts.

    Returns
    -------
    list of ClaimCheck
        One per claim that names ``long`` and ``short``, in the spec's order
        (a claim tested by indicators only has no price check).

    Raises
    ------
    SpecError
        The spec has no claim with a price check.
    """
    from piefolio.engine import total_return_prices

    priced = [c for c in spec.claims if c.has_price_check]
    if not priced:
        where = spec.source or "the pie"
        raise SpecError(
            f"{where}: no [[claims]] with 'long' and 'short' to check; add one "
            "(see piefolio new), or check the indicators with piefolio thesis"
        )
    if frame is None:
        frame = frame_for(spec, settings)
    prices = frame if isinstance(frame, pd.DataFrame) else total_return_prices(frame)
    return [
        check_claim(prices, c, basket_of(spec, c.long), basket_of(spec, c.short))
        for c in priced
    ]
