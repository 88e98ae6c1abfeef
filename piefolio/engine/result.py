"""What a run returns: a single pie's :class:`Result`, a batch's :class:`BatchResult`.

Conventions
-----------
- Amounts in the base currency; dates are the run's trading days.
- The cash-flow ledger is :mod:`piefolio.ledger`'s: money *into the pie*
  positive (deposits, the initial amount on day one, dividends, interest),
  withdrawals negative. ``deposited`` and ``withdrawn`` are positive totals.
- ``unit_value`` is the time-weighted NAV per unit (1.0 on the first day);
  ``twr = unit_value[-1] - 1``. ``xirr`` is :func:`piefolio.ledger.xirr` of the
  deposits and withdrawals paid, with the final NAV paid back on the last day.
- The kernels hand back plain arrays; pandas views are built on first access and
  then kept (``functools.cached_property``), so a caller that reads only the
  totals pays for no DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from piefolio.engine._kernels import SKIP_MIN_ORDER
from piefolio.ledger import FLOW_KINDS, xirr
from piefolio.typing import FloatArray, IntArray

__all__ = ["BatchResult", "Result"]

_FLOW_KINDS = np.array(FLOW_KINDS, dtype=object)
# Words of the kernel's skip reason codes, indexed by code.
_SKIP_REASONS = np.array(["", ""], dtype=object)
_SKIP_REASONS[SKIP_MIN_ORDER] = "min_order"
# Sign of each flows column in the ledger: money into the pie is positive.
_FLOW_SIGN = np.array([1.0, -1.0, 1.0, 1.0])


@dataclass(frozen=True, eq=False)  # eq=False: holds arrays; no slots: cached views
class Result:
    """One pie run through its plan.

    Attributes
    ----------
    dates : pd.DatetimeIndex, shape (T,)
        Trading days of the run.
    symbols : tuple of str, length N
        The pie's slices, in the order of the weights given.
    deposited : float
        Money put in, initial amount included (base currency).
    withdrawn : float
        Money taken out (positive).
    fees : float
        All fees paid; equals ``trades["fee"].sum()``.
    dividends : float
        Cash dividends credited (``plan.dividends == "cash"``).
    interest : float
        Interest earned on idle cash.
    final_value : float
        NAV on the last day.
    twr : float
        Total time-weighted return, ``unit_value[-1] - 1``.
    ran_out : pd.Timestamp or None
        First day a withdrawal emptied the pie, or None.

    Notes
    -----
    The daily series and ledgers (``nav``, ``cash``, ``units``, ``unit_value``,
    ``shares``, ``weights``, ``trades``, ``skipped``, ``flows``) and ``xirr`` are
    properties, built from the kernel's arrays on first access.
    """

    _index: pd.DatetimeIndex = field(repr=False)  # the price frame's days
    _rows: slice = field(repr=False)  # the run's rows of ``_index``
    symbols: tuple[str, ...]
    deposited: float
    withdrawn: float
    fees: float
    dividends: float
    interest: float
    final_value: float
    twr: float
    ran_out: pd.Timestamp | None
    _nav: FloatArray = field(repr=False)
    _cash: FloatArray = field(repr=False)
    _units: FloatArray = field(repr=False)
    _unit_value: FloatArray = field(repr=False)
    # Columns of the per-slice arrays are the kernel's (the price frame's
    # order); ``_perm[i]`` is the column of ``symbols[i]`` (None: the same
    # order). Reordering them waits until a view is read: a run read only for
    # its totals copies nothing.
    _shares: FloatArray = field(repr=False)  # (T, N) shares held
    _close: FloatArray = field(repr=False)  # (T, N) closes, NaN: unlisted / gap
    _flows: FloatArray = field(repr=False)  # (T, 4) deposit, withdrawal, div., int.
    _trades_i: IntArray = field(repr=False)  # (K, 2) day, column
    _trades_f: FloatArray = field(repr=False)  # (K, 4) qty, price, value, fee
    _skips_i: IntArray = field(repr=False)  # (S, 3) day, column, reason code
    _skips_f: FloatArray = field(repr=False)  # (S, 1) value
    _perm: IntArray | None = field(default=None, repr=False)  # (N,) or None

    def _ordered(self, values: FloatArray) -> FloatArray:
        """Per-slice columns in ``symbols`` order."""
        return values if self._perm is None else values[:, self._perm]

    @cached_property
    def _column_names(self) -> np.ndarray:
        """Symbol of each kernel column (object array)."""
        names = np.array(self.symbols, dtype=object)
        if self._perm is None:
            return names
        out = np.empty_like(names)
        out[self._perm] = names
        return out

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        """Trading days of the run, shape (T,)."""
        return self._index[self._rows]

    @cached_property
    def nav(self) -> pd.Series:
        """Net asset value at each close: cash plus holdings (base currency)."""
        return pd.Series(self._nav, index=self.dates, name="nav")

    @cached_property
    def cash(self) -> pd.Series:
        """Idle cash in the pie at each close (base currency, never negative)."""
        return pd.Series(self._cash, index=self.dates, name="cash")

    @cached_property
    def units(self) -> pd.Series:
        """Units outstanding at each close (``nav == units * unit_value``)."""
        return pd.Series(self._units, index=self.dates, name="units")

    @cached_property
    def unit_value(self) -> pd.Series:
        """Time-weighted NAV per unit; 1.0 on the first day."""
        return pd.Series(self._unit_value, index=self.dates, name="unit_value")

    @cached_property
    def shares(self) -> pd.DataFrame:
        """Shares held at each close, dates x symbols (fractional, >= 0)."""
        return pd.DataFrame(
            self._ordered(self._shares), index=self.dates, columns=list(self.symbols)
        )

    @cached_property
    def weights(self) -> pd.DataFrame:
        """Holding value over NAV at each close, dates x symbols (0 when NAV is 0)."""
        # Carry each close forward over gaps: a held slice is valued at its last
        # price (before its first price it holds nothing, so 0 is fine).
        close = self._ordered(self._close)
        seen = np.where(np.isnan(close), 0, np.arange(close.shape[0])[:, None])
        carried = np.take_along_axis(close, np.maximum.accumulate(seen, axis=0), 0)
        value = self._ordered(self._shares) * np.nan_to_num(carried)
        nav = self._nav[:, None]
        out = np.divide(value, nav, out=np.zeros_like(value), where=nav > 0.0)
        return pd.DataFrame(out, index=self.dates, columns=list(self.symbols))

    @cached_property
    def trades(self) -> pd.DataFrame:
        """Trades ledger: ``date, symbol, qty, price, value, fee``.

        ``qty`` and ``value = qty * price`` are negative for sells; ``fee`` is
        positive. Sells come before buys within a day.
        """
        return pd.DataFrame(
            {
                "date": self.dates[self._trades_i[:, 0]],
                "symbol": self._column_names[self._trades_i[:, 1]],
                "qty": self._trades_f[:, 0],
                "price": self._trades_f[:, 1],
                "value": self._trades_f[:, 2],
                "fee": self._trades_f[:, 3],
            }
        )

    @cached_property
    def skipped(self) -> pd.DataFrame:
        """Orders not placed: ``date, symbol, value, reason``.

        ``value`` is the order's signed value when it was skipped; ``reason``
        says why (``"min_order"``: smaller than the plan's smallest order; its
        money waits as cash).
        """
        return pd.DataFrame(
            {
                "date": self.dates[self._skips_i[:, 0]],
                "symbol": self._column_names[self._skips_i[:, 1]],
                "value": self._skips_f[:, 0],
                "reason": _SKIP_REASONS[self._skips_i[:, 2]],
            }
        )

    @cached_property
    def flows(self) -> pd.DataFrame:
        """Cash-flow ledger: ``date, kind, amount`` (money into the pie positive).

        ``kind`` is one of ``deposit``, ``withdrawal``, ``dividend``,
        ``interest``; rows are by date, in that order within a day.
        """
        day, col = np.nonzero(self._flows)
        return pd.DataFrame(
            {
                "date": self.dates[day],
                "kind": _FLOW_KINDS[col],
                "amount": self._flows[day, col] * _FLOW_SIGN[col],
            }
        )

    @cached_property
    def xirr(self) -> float:
        """Money-weighted annual return of the deposits, withdrawals and final NAV."""
        net_in = self._flows[:, 0] - self._flows[:, 1]
        return xirr(self.dates, net_in, self.final_value)


@dataclass(frozen=True, eq=False)  # eq=False: holds arrays; no slots: cached views
class BatchResult:
    """P pies run through the same plan over the same prices.

    Row ``p`` of every array equals a separate :func:`~piefolio.engine.simulate`
    of pie ``names[p]``, bit for bit.

    Attributes
    ----------
    names : tuple of str, length P
        The pies, in the order of the weights' rows.
    dates : pd.DatetimeIndex, shape (T,)
        Trading days of the run.

    Notes
    -----
    ``nav``, ``cash``, ``unit_value`` (DataFrames, dates x P; only when run with
    ``paths=True``) and ``twr``, ``fees``, ``final_value``, ``deposited``,
    ``withdrawn``, ``ran_out`` (NaT for a pie that never ran out),
    ``return_mean``, ``return_std``, ``max_drawdown`` (Series indexed by name)
    are properties built on first access.
    """

    names: tuple[str, ...]
    dates: pd.DatetimeIndex
    _nav: FloatArray = field(repr=False)  # (P, T)
    _cash: FloatArray = field(repr=False)  # (P, T)
    _unit_value: FloatArray = field(repr=False)  # (P, T)
    _totals: FloatArray = field(repr=False)  # (P, 4) as Result's _flows, summed
    _fees: FloatArray = field(repr=False)  # (P,)
    _ran_out: IntArray = field(repr=False)  # (P,) day index or -1
    # (P, 5): final NAV, final unit value, mean and std of daily returns, max DD
    _summary: FloatArray = field(repr=False)
    _detail: Callable[[str], Result] = field(repr=False)

    def _frame(self, values: FloatArray) -> pd.DataFrame:
        if values.shape[1] != len(self.dates):
            raise ValueError(
                "this batch ran without its daily paths (paths=False); run "
                "simulate_batch(..., paths=True) for NAV, cash and unit values"
            )
        return pd.DataFrame(values.T, index=self.dates, columns=self._index)

    @cached_property
    def _index(self) -> pd.Index:
        # One index for every per-pie Series: building it from the names
        # (strings into Arrow) costs more than the Series.
        return pd.Index(list(self.names))

    def _series(self, values: np.ndarray, name: str) -> pd.Series:
        return pd.Series(values, index=self._index, name=name)

    @cached_property
    def nav(self) -> pd.DataFrame:
        """NAV of each pie, dates x P (base currency)."""
        return self._frame(self._nav)

    @cached_property
    def cash(self) -> pd.DataFrame:
        """Idle cash of each pie, dates x P (base currency)."""
        return self._frame(self._cash)

    @cached_property
    def unit_value(self) -> pd.DataFrame:
        """Unit value of each pie, dates x P (1.0 on the first day)."""
        return self._frame(self._unit_value)

    @cached_property
    def twr(self) -> pd.Series:
        """Total time-weighted return per pie."""
        return self._series(self._summary[:, 1] - 1.0, "twr")

    @cached_property
    def return_mean(self) -> pd.Series:
        """Mean simple daily return of each pie's unit value."""
        return self._series(self._summary[:, 2].copy(), "return_mean")

    @cached_property
    def return_std(self) -> pd.Series:
        """Sample standard deviation (ddof 1) of the daily returns."""
        return self._series(self._summary[:, 3].copy(), "return_std")

    @cached_property
    def max_drawdown(self) -> pd.Series:
        """Deepest fall of each unit value below an earlier peak (negative or 0)."""
        return self._series(self._summary[:, 4].copy(), "max_drawdown")

    @cached_property
    def fees(self) -> pd.Series:
        """Fees paid per pie (base currency)."""
        return self._series(self._fees.copy(), "fees")

    @cached_property
    def final_value(self) -> pd.Series:
        """Final NAV per pie (base currency)."""
        return self._series(self._summary[:, 0].copy(), "final_value")

    @cached_property
    def deposited(self) -> pd.Series:
        """Money put in per pie, initial amount included (base currency)."""
        return self._series(self._totals[:, 0].copy(), "deposited")

    @cached_property
    def withdrawn(self) -> pd.Series:
        """Money taken out per pie (positive, base currency)."""
        return self._series(self._totals[:, 1].copy(), "withdrawn")

    @cached_property
    def ran_out(self) -> pd.Series:
        """First day a withdrawal emptied each pie, NaT where it never did."""
        days = self._ran_out
        when = pd.DatetimeIndex(
            [self.dates[d] if d >= 0 else pd.NaT for d in days], dtype=self.dates.dtype
        )
        return pd.Series(when, index=self._index, name="ran_out")

    def result(self, name: str) -> Result:
        """Full detail (ledgers, shares, weights) of one pie, by running it again.

        Parameters
        ----------
        name : str
            One of :attr:`names`.

        Returns
        -------
        Result
            Equal to ``simulate`` of that pie's weights with the batch's inputs.
        """
        if name not in self.names:
            raise KeyError(f"no pie named {name!r} in this batch; have {self.names}")
        return self._detail(name)
