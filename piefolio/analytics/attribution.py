"""Where the money came from: the value waterfall and return contributions.

Conventions (every function in this module)
-------------------------------------------
- Frames are **dates x symbols** (``pd.DataFrame`` indexed by increasing dates,
  one column per slice ticker), as the engine produces them.
- ``shares`` and ``weights`` are **end of day**: after the day's trades, valued at
  the day's close. The weight a slice holds **at the start of day t** is therefore
  its end-of-day weight on day ``t-1``. Weights are fractions of the NAV including
  cash, so they sum to ``1 - cash weight``.
- ``prices`` are closes in the **base currency**; ``local_prices`` the same closes
  in each symbol's trading currency. Returns are **simple** returns.
- Money amounts are in the base currency. In the waterfall, amounts that raise the
  value are positive and amounts that lower it (withdrawals, fees) negative.
- Holding gains use the engine's semantics: every trade happens at the day's close,
  so the gain of day ``t`` is ``sum_i shares_{t-1,i} * (P_{t,i} - P_{t-1,i})``;
  buying or selling at the close moves cash into shares at no gain.
- A symbol whose price is NaN (not listed yet) must hold no shares; its gains and
  contributions are 0 on those days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from piefolio.analytics.returns import net_external_flows

__all__ = [
    "Linking",
    "Waterfall",
    "contributions_by_year",
    "daily_contributions",
    "gains_by_group",
    "group_columns",
    "total_contributions",
    "waterfall",
]


# eq=False: the per-symbol fields are pandas Series, whose == is element-wise.
@dataclass(frozen=True, slots=True, eq=False)
class Waterfall:
    """The final NAV split into what built it; the steps add up to ``final_value``.

    Attributes
    ----------
    deposits : float
        Money put in (positive).
    withdrawals : float
        Money taken out (negative or 0).
    price_gains : float
        Gains on holdings from price moves in each symbol's own currency.
    fx_effect : float
        Gains on holdings from exchange-rate moves (0 without ``local_prices``).
    dividends : float
        Dividends credited as cash (0 when they are reinvested through
        total-return prices; they are then inside ``price_gains``).
    interest : float
        Interest earned on idle cash.
    fees : float
        Commissions, FX fees and spread costs (negative or 0).
    residual : float
        ``final_value`` minus all the above: 0 up to rounding when the inputs come
        from one consistent run; anything else is a sign of inconsistent inputs
        (for instance trades away from the close), kept visible, never hidden.
    final_value : float
        The NAV on the last date.
    price_gains_by_symbol, fx_effect_by_symbol : pd.Series
        ``price_gains`` and ``fx_effect`` per symbol (they sum to the totals).
    """

    deposits: float
    withdrawals: float
    price_gains: float
    fx_effect: float
    dividends: float
    interest: float
    fees: float
    residual: float
    final_value: float
    price_gains_by_symbol: pd.Series
    fx_effect_by_symbol: pd.Series

    def steps(self) -> list[tuple[str, float]]:
        """Waterfall bars in display order, ending before the final total.

        Returns
        -------
        list of (str, float)
            ``(label, amount)`` for deposits, withdrawals, price gains, FX effect,
            dividends, interest, fees and the residual; ``math.fsum`` of the
            amounts equals ``final_value`` to rounding.
        """
        return [
            ("deposits", self.deposits),
            ("withdrawals", self.withdrawals),
            ("price gains", self.price_gains),
            ("FX effect", self.fx_effect),
            ("dividends", self.dividends),
            ("interest", self.interest),
            ("fees", self.fees),
            ("residual", self.residual),
        ]

    def to_dict(self) -> dict[str, object]:
        """All numbers as JSON-safe values, for ``--json`` and the report.

        Returns
        -------
        dict
            The scalar fields (floats), and ``price_gains_by_symbol`` and
            ``fx_effect_by_symbol`` as ``{symbol: float}``.
        """
        scalars = {label: getattr(self, label) for label in _WATERFALL_SCALARS}
        return {
            **scalars,
            "price_gains_by_symbol": {
                str(k): float(v) for k, v in self.price_gains_by_symbol.items()
            },
            "fx_effect_by_symbol": {
                str(k): float(v) for k, v in self.fx_effect_by_symbol.items()
            },
        }


_WATERFALL_SCALARS = (
    "deposits",
    "withdrawals",
    "price_gains",
    "fx_effect",
    "dividends",
    "interest",
    "fees",
    "residual",
    "final_value",
)


def _check_frame(frame: pd.DataFrame, name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a DataFrame; got {type(frame).__name__}")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise ValueError(f"{name} must be indexed by dates (a DatetimeIndex)")
    if not frame.index.is_monotonic_increasing or frame.index.has_duplicates:
        raise ValueError(f"{name} must have strictly increasing dates")


def _on(frame: pd.DataFrame, like: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` on the dates and columns of ``like``, or a ValueError naming gaps."""
    _check_frame(frame, name)
    missing_cols = like.columns.difference(frame.columns)
    if len(missing_cols):
        raise ValueError(f"{name} lacks the symbols {list(map(str, missing_cols))}")
    missing_dates = like.index.difference(frame.index)
    if len(missing_dates):
        raise ValueError(
            f"{name} lacks {len(missing_dates)} dates, the first "
            f"{missing_dates[0].date()}"
        )
    return frame.loc[like.index, like.columns].astype("float64")


def _holding_gains(
    shares: pd.DataFrame, prices: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Daily gain per symbol and the start-of-day value it was earned on."""
    held = shares.to_numpy(dtype="float64")[:-1]
    p = prices.to_numpy(dtype="float64")
    priced = np.isfinite(p[:-1]) & np.isfinite(p[1:])
    if np.any((held != 0.0) & ~priced):
        raise ValueError("shares are held on a day with a missing price")
    start_value = np.where(priced, held * np.where(priced, p[:-1], 0.0), 0.0)
    gain = np.where(priced, held * np.where(priced, p[1:] - p[:-1], 0.0), 0.0)
    return gain, start_value


def waterfall(
    nav: pd.Series,
    flows: pd.DataFrame,
    shares: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    local_prices: pd.DataFrame | None = None,
    fees: float = 0.0,
) -> Waterfall:
    """Split the final NAV into deposits, withdrawals, gains, income and fees.

    Parameters
    ----------
    nav : pd.Series, shape (n_days,)
        NAV in the base currency from the first day of the pie (before which it
        held nothing) to the last; its last value is ``final_value``.
    flows : pd.DataFrame
        Cash-flow ledger with columns ``date``, ``kind`` (``"deposit"``,
        ``"withdrawal"``, ``"dividend"``, ``"interest"``) and ``amount``
        signed as the engine's ledger (withdrawals negative); only rows up to
        the last NAV date count.
    shares : pd.DataFrame, shape (n_days, n_symbols)
        End-of-day shares held, on the dates of ``nav``.
    prices : pd.DataFrame, shape (>= n_days, >= n_symbols)
        Closes in the base currency; must cover the dates and symbols of
        ``shares``.
    local_prices : pd.DataFrame, optional
        Closes in each symbol's own currency, same coverage. Without it the FX
        effect is 0 (all of the holding gain is ``price_gains``).
    fees : float, default 0.0
        Total fees paid over the run (a positive amount, e.g. the engine's
        ``fees`` total or the sum of the trades ledger's ``fee``).

    Returns
    -------
    Waterfall
        With holding gain ``G_{t,i} = s_{t-1,i} (P_{t,i} - P_{t-1,i})``, the price
        part ``s_{t-1,i} P_{t-1,i} (L_{t,i} / L_{t-1,i} - 1)`` (the local return on
        the base-currency value held at the start of the day) and the FX part
        ``G - price part`` (which includes the cross term). Then
        ``NAV_T = deposits + withdrawals + price + FX + dividends + interest +
        fees + residual``, residual 0 for consistent inputs.
    """
    _check_frame(shares, "shares")
    if not shares.index.equals(pd.DatetimeIndex(nav.index)):
        raise ValueError("shares must be on the same dates as nav")
    if fees < 0:
        raise ValueError(f"fees must be a positive total; got {fees!r}")
    p = _on(prices, shares, "prices")
    gain, start_value = _holding_gains(shares, p)
    if local_prices is None:
        price = gain
    else:
        local = _on(local_prices, shares, "local_prices").to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            local_return = local[1:] / local[:-1] - 1.0
        price = np.where(start_value != 0.0, start_value * local_return, 0.0)
    fx = gain - price
    symbols = shares.columns
    price_by = pd.Series(price.sum(axis=0), index=symbols, name="price_gains")
    fx_by = pd.Series(fx.sum(axis=0), index=symbols, name="fx_effect")

    net_external_flows(flows)  # validates the ledger: columns, kinds, signs
    end = pd.Timestamp(nav.index[-1])
    in_range = pd.to_datetime(flows["date"]) <= end
    amount = flows["amount"].astype("float64")[in_range.to_numpy()]
    kind = flows["kind"][in_range.to_numpy()]

    def total(which: str) -> float:
        return math.fsum(amount[kind == which].to_numpy())

    final_value = float(nav.iloc[-1])
    parts = {
        "deposits": total("deposit"),
        "withdrawals": total("withdrawal"),
        "price_gains": math.fsum(price_by.to_numpy()),
        "fx_effect": math.fsum(fx_by.to_numpy()),
        "dividends": total("dividend"),
        "interest": total("interest"),
        "fees": -float(fees),
    }
    residual = final_value - math.fsum(parts.values())
    return Waterfall(
        **parts,
        residual=residual,
        final_value=final_value,
        price_gains_by_symbol=price_by,
        fx_effect_by_symbol=fx_by,
    )


def daily_contributions(weights: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Each slice's contribution to the pie's return, day by day.

    Parameters
    ----------
    weights : pd.DataFrame, shape (n_days, n_symbols)
        End-of-day weights (fractions of NAV including cash).
    prices : pd.DataFrame
        Closes in the base currency covering the dates and symbols of
        ``weights``.

    Returns
    -------
    pd.DataFrame, shape (n_days - 1, n_symbols)
        ``c_{t,i} = w_{t-1,i} * r_{t,i}``: the start-of-day weight times the
        slice's simple return. On a day with no flow, fee, interest or dividend,
        ``sum_i c_{t,i}`` is exactly the pie's return ``NAV_t / NAV_{t-1} - 1``
        (idle cash earns 0); otherwise the difference is the cash and costs part.
    """
    _check_frame(weights, "weights")
    p = _on(prices, weights, "prices").to_numpy()
    w = weights.to_numpy(dtype="float64")[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = p[1:] / p[:-1] - 1.0
    priced = np.isfinite(r)
    if np.any((np.nan_to_num(w) != 0.0) & ~priced):
        raise ValueError("weights are held on a day with a missing price")
    contribution = np.where(priced, np.nan_to_num(w) * np.where(priced, r, 0.0), 0.0)
    return pd.DataFrame(contribution, index=weights.index[1:], columns=weights.columns)


class Linking(StrEnum):
    """How daily contributions are turned into a period's contribution.

    ``SUM`` adds the daily contributions: simple and additive across slices and
    days, but the row total is the sum of daily returns, which differs from the
    compounded period return by the compounding (cross) terms. ``GEOMETRIC``
    weighs day ``t`` by the pie's growth before it in the period,
    ``c_i = sum_t c_{t,i} prod_{s<t} (1 + R_s)``, which adds up exactly to
    ``prod_t (1 + R_t) - 1`` (by telescoping) when the columns sum to ``R_t``.
    """

    SUM = "sum"
    GEOMETRIC = "geometric"


def _link(
    daily: pd.DataFrame, portfolio_returns: pd.Series | None, linking: Linking
) -> pd.DataFrame:
    frame = daily.astype("float64")
    if portfolio_returns is not None:
        r = portfolio_returns.astype("float64")
        if not r.index.equals(frame.index):
            raise ValueError(
                "portfolio_returns must be on the dates of the daily contributions"
            )
        if "other" in frame.columns:
            raise ValueError("a slice may not be called 'other'; it is reserved")
        frame = frame.assign(other=r - frame.sum(axis=1))
    elif linking is Linking.GEOMETRIC:
        raise ValueError("geometric linking needs portfolio_returns")
    return frame


def _period_sum(
    frame: pd.DataFrame,
    portfolio_returns: pd.Series | None,
    linking: Linking,
    keys: pd.Index,
) -> pd.DataFrame:
    if Linking(linking) is Linking.GEOMETRIC:
        assert portfolio_returns is not None  # checked in _link
        r = portfolio_returns.astype("float64")
        growth = (1.0 + r).groupby(keys).cumprod() / (1.0 + r)
        frame = frame.mul(growth, axis=0)
    return frame.groupby(keys).sum()


def contributions_by_year(
    daily: pd.DataFrame,
    *,
    portfolio_returns: pd.Series | None = None,
    linking: Linking | str = Linking.SUM,
) -> pd.DataFrame:
    """Contribution of each column (slice or theme) to the pie's return per year.

    Parameters
    ----------
    daily : pd.DataFrame, shape (n_days, n_columns)
        Daily contributions from :func:`daily_contributions` (or
        :func:`group_columns` of them).
    portfolio_returns : pd.Series, optional
        The pie's daily time-weighted returns on the same dates. When given, a
        column ``other`` (cash, interest, fees: the part of the return no slice
        explains) is added so that each row adds up to the pie.
    linking : Linking or str, default "sum"
        ``"sum"``: the year's contribution is the sum of the daily ones (the row
        total is the sum of daily returns, an approximation of the compounded
        year return); ``"geometric"``: exact, the row adds up to the compounded
        return of the year (requires ``portfolio_returns``).

    Returns
    -------
    pd.DataFrame, shape (n_years, n_columns [+ 1])
        Indexed by year (``int``).
    """
    frame = _link(daily, portfolio_returns, Linking(linking))
    keys = pd.Index(pd.DatetimeIndex(frame.index).year, name="year")
    return _period_sum(frame, portfolio_returns, Linking(linking), keys)


def total_contributions(
    daily: pd.DataFrame,
    *,
    portfolio_returns: pd.Series | None = None,
    linking: Linking | str = Linking.SUM,
) -> pd.Series:
    """Contribution of each column to the pie's return over the whole period.

    Parameters
    ----------
    daily : pd.DataFrame, shape (n_days, n_columns)
        Daily contributions.
    portfolio_returns : pd.Series, optional
        The pie's daily returns; adds the ``other`` column as in
        :func:`contributions_by_year`.
    linking : Linking or str, default "sum"
        As in :func:`contributions_by_year`, over the whole period; with
        ``"geometric"`` the values add up to ``prod(1 + R_t) - 1``, the pie's
        total time-weighted return.

    Returns
    -------
    pd.Series, shape (n_columns [+ 1],)
        One value per column.
    """
    frame = _link(daily, portfolio_returns, Linking(linking))
    keys = pd.Index(np.zeros(len(frame), dtype="int64"))
    total = _period_sum(frame, portfolio_returns, Linking(linking), keys).iloc[0]
    return total.rename("contribution")


def group_columns(
    frame: pd.DataFrame, groups: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """Sum the columns of a dates x symbols frame by group (theme).

    Parameters
    ----------
    frame : pd.DataFrame, shape (n_days, n_symbols)
        Additive per-symbol values: daily contributions, weights, gains.
    groups : mapping of str to sequence of str
        Theme name -> tickers. A ticker may belong to one theme only; tickers in
        no theme are summed into a column ``unassigned`` (absent when empty).

    Returns
    -------
    pd.DataFrame, shape (n_days, n_groups)
        Columns in the order of ``groups``.

    Raises
    ------
    ValueError
        If a ticker is in two themes or is not a column of ``frame``.
    """
    seen: dict[str, str] = {}
    for name, tickers in groups.items():
        for ticker in tickers:
            if ticker in seen:
                raise ValueError(
                    f"{ticker!r} is in both themes {seen[ticker]!r} and {name!r}"
                )
            if ticker not in frame.columns:
                raise ValueError(f"theme {name!r} names {ticker!r}, not a slice")
            seen[ticker] = name
    out = pd.DataFrame(
        {name: frame[list(tickers)].sum(axis=1) for name, tickers in groups.items()},
        index=frame.index,
    )
    rest = [c for c in frame.columns if c not in seen]
    if rest:
        if "unassigned" in out.columns:
            raise ValueError("'unassigned' is reserved for tickers in no theme")
        out["unassigned"] = frame[rest].sum(axis=1)
    return out


def gains_by_group(
    result: Waterfall, groups: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """Price gains and FX effect of the waterfall per group (theme).

    Parameters
    ----------
    result : Waterfall
        A waterfall from :func:`waterfall`.
    groups : mapping of str to sequence of str
        Theme name -> tickers, as in :func:`group_columns` (tickers in no theme
        go to ``unassigned``).

    Returns
    -------
    pd.DataFrame, shape (n_groups, 2)
        Columns ``price_gains`` and ``fx_effect`` in the base currency; each
        column sums to the waterfall's total of the same name.
    """
    per_symbol = pd.DataFrame(
        {
            "price_gains": result.price_gains_by_symbol,
            "fx_effect": result.fx_effect_by_symbol,
        }
    ).T
    return group_columns(per_symbol, groups).T
