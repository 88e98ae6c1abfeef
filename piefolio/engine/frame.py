"""What the engine reads of a price frame, as one value that crosses layers whole.

The engine takes prices, the cash dividends paid on them and which slices pay FX
fees *together*, so no caller can pass the prices and forget the rest.
:class:`Frame` is the protocol; :class:`piefolio.data.PriceFrame` satisfies it,
and :func:`frame_of` wraps a plain DataFrame (a notebook's prices) into
:class:`Prices`, the engine's own small frame. The engine imports nothing from
``piefolio.data``.

Conventions
-----------
- ``base``: closes in the base currency, dates x symbols, NaN before a symbol
  lists or inside a gap; positive where given.
- ``dividends``: cash dividend per share in the base currency on each ex-date
  (0 elsewhere), or None when the closes are total-return (dividends
  reinvested in them).
- ``fx_mask``: True where a symbol trades in a foreign currency (every buy and
  sell of it pays the plan's ``fx_pct``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeGuard, TypeVar, runtime_checkable

import numpy as np
import pandas as pd

from piefolio.errors import PlanError
from piefolio.typing import BoolArray, FloatArray

T = TypeVar("T")
Ix = TypeVar("Ix", bound=pd.Index)

__all__ = [
    "Frame",
    "Prices",
    "day_numbers",
    "frame_of",
    "is_frame",
    "on_prices",
    "per_index",
    "total_return_prices",
]


@runtime_checkable
class Frame(Protocol):
    """Prices, dividends and FX mask of N symbols over T days, base currency.

    Attributes
    ----------
    dates : pd.DatetimeIndex, shape (T,)
        Trading days, increasing and unique.
    symbols : tuple of str, length N
        Column order of every array.
    base : FloatArray, shape (T, N)
        Base-currency closes.
    dividends : FloatArray, shape (T, N), or None
        Cash dividend per share on ex-dates; None when reinvested in ``base``.
    fx_mask : BoolArray, shape (N,)
        Foreign-currency symbols.
    base_currency : str
        ISO code of ``base`` and ``dividends`` ("" when unknown).
    prices : pd.DataFrame
        ``base`` as a DataFrame (dates x symbols), for pandas work on the closes.
    """

    @property
    def dates(self) -> pd.DatetimeIndex:
        """Trading days."""

    @property
    def symbols(self) -> tuple[str, ...]:
        """Column order."""

    @property
    def base(self) -> FloatArray:
        """Base-currency closes."""

    @property
    def dividends(self) -> FloatArray | None:
        """Cash dividends per share, or None."""

    @property
    def fx_mask(self) -> BoolArray:
        """Foreign-currency symbols."""

    @property
    def base_currency(self) -> str:
        """ISO code of the base currency."""

    @property
    def prices(self) -> pd.DataFrame:
        """``base`` as a DataFrame, dates x symbols."""


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: holds arrays
class Prices:
    """The engine's own :class:`Frame`; see that protocol for the fields."""

    dates: pd.DatetimeIndex
    symbols: tuple[str, ...]
    base: FloatArray
    dividends: FloatArray | None
    fx_mask: BoolArray
    base_currency: str = ""

    @property
    def prices(self) -> pd.DataFrame:
        """Base-currency closes as a DataFrame (dates x symbols)."""
        return pd.DataFrame(self.base, index=self.dates, columns=list(self.symbols))


_FRAME_FIELDS = (
    "dates", "symbols", "base", "dividends", "fx_mask", "base_currency", "prices"
)  # fmt: skip


_FRAME_TYPES: dict[type, bool] = {}


def is_frame(obj: object) -> TypeGuard[Frame]:
    """Whether ``obj`` satisfies :class:`Frame` (a DataFrame does not).

    ``isinstance(obj, Frame)`` reads every member of the instance, and
    ``prices`` builds a DataFrame: a tenth of a millisecond per call. A class
    that declares every member (a dataclass, with or without slots) is
    answered once per class.
    """
    if isinstance(obj, pd.DataFrame):
        return False
    cls = type(obj)
    if cls not in _FRAME_TYPES:
        _FRAME_TYPES[cls] = all(hasattr(cls, name) for name in _FRAME_FIELDS)
    return _FRAME_TYPES[cls] or isinstance(obj, Frame)


# What is derived from an index is kept while the index lives: an index is
# immutable, and a caller running many plans over one frame (a DataFrame's
# index and columns are the same objects call after call) pays for it once.
_KEPT: dict[tuple[object, int], tuple[weakref.ref[pd.Index], object]] = {}


def per_index(index: Ix, compute: Callable[[Ix], T]) -> T:
    """Return ``compute(index)``, computed once per index object and function.

    Parameters
    ----------
    index : pd.Index
        An immutable pandas index (a frame's dates or symbols).
    compute : callable
        A pure function of the index (a module-level function: it is the key).
        Its result is shared between callers, so it must not be changed:
        return read-only arrays or immutable values.

    Returns
    -------
    The value, kept until the index is garbage collected.
    """
    key = (compute, id(index))
    hit = _KEPT.get(key)
    if hit is not None and hit[0]() is index:
        return hit[1]  # type: ignore[return-value]
    value = compute(index)

    def forget(_: object) -> None:
        _KEPT.pop(key, None)

    _KEPT[key] = (weakref.ref(index, forget), value)
    return value


def _day_numbers(dates: pd.Index) -> np.ndarray:
    days = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    days.flags.writeable = False
    return days


def day_numbers(dates: pd.DatetimeIndex) -> np.ndarray:
    """Return ``dates`` as ``datetime64[D]``, computed once per index object.

    Parameters
    ----------
    dates : pd.DatetimeIndex, shape (T,)
        Trading days (tz-naive).

    Returns
    -------
    ndarray of datetime64[D], shape (T,)
        The calendar day of each date; read-only, shared between calls.
    """
    return per_index(dates, _day_numbers)


def _column_names(columns: pd.Index) -> tuple[str, ...]:
    return tuple(str(c) for c in columns)


def _dividend_array(
    dividends: pd.DataFrame, dates: pd.DatetimeIndex, symbols: Sequence[str]
) -> FloatArray:
    """Dividends per share on each trading day (off-day ones move to the next)."""
    out = np.zeros((len(dates), len(symbols)))
    frame = dividends.reindex(columns=list(symbols)).fillna(0.0)
    when = pd.DatetimeIndex(frame.index)
    keep = (when >= dates[0]) & (when <= dates[-1]) if len(dates) else when != when
    if not keep.any():
        return out
    idx = dates.searchsorted(when[keep], side="left")
    np.add.at(out, idx, frame.to_numpy(dtype=np.float64)[keep])
    return out


def _fx_array(
    fx_mask: pd.Series | Mapping[str, bool] | None, symbols: Sequence[str]
) -> BoolArray:
    if fx_mask is None:
        return np.zeros(len(symbols), dtype=np.bool_)
    mask = dict(fx_mask.items())
    return np.array([bool(mask.get(s, False)) for s in symbols], dtype=np.bool_)


def frame_of(
    prices: pd.DataFrame | Frame,
    *,
    dividends: pd.DataFrame | None = None,
    fx_mask: pd.Series | Mapping[str, bool] | None = None,
    currency: str = "",
) -> Frame:
    """Return ``prices`` as a :class:`Frame`: itself if it is one, else wrapped.

    Parameters
    ----------
    prices : pd.DataFrame or Frame
        Dates x symbols, base-currency closes; columns that are not numbers
        are left out. A :class:`Frame` is returned as it is.
    dividends : pd.DataFrame, optional
        Cash dividend per share on ex-dates (dates x symbols); an ex-date off
        the trading days counts on the next one. Only with a DataFrame.
    fx_mask : pd.Series or Mapping[str, bool], optional
        Symbol -> True when foreign. Only with a DataFrame.
    currency : str
        The base currency, when known.

    Returns
    -------
    Frame

    Raises
    ------
    PlanError
        Dates that are not a DatetimeIndex, not increasing or not unique; or
        dividends or an FX mask given beside a frame that carries its own.
    """
    if not isinstance(prices, pd.DataFrame):
        if not is_frame(prices):
            raise PlanError(
                f"prices must be a DataFrame or a price frame; got "
                f"{type(prices).__name__}"
            )
        if dividends is not None or fx_mask is not None:
            raise PlanError(
                "the price frame carries its own dividends and FX mask; pass "
                "dividends= and fx_mask= only with a DataFrame of prices"
            )
        return prices
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise PlanError("prices must be indexed by date (a DatetimeIndex)")
    index = prices.index
    if not (index.is_monotonic_increasing and index.is_unique):
        raise PlanError("price dates must be increasing and unique")
    try:  # one float block: a view, no copy (the engine copies what it runs)
        values = prices.to_numpy(dtype=np.float64, copy=False)
        columns = per_index(prices.columns, _column_names)
    except (TypeError, ValueError):  # other columns are not numbers: skip them
        numeric = prices.select_dtypes("number")
        values = numeric.to_numpy(dtype=np.float64)
        columns = _column_names(numeric.columns)
    return Prices(
        dates=index,
        symbols=columns,
        base=values,
        dividends=None
        if dividends is None
        else _dividend_array(dividends, index, columns),
        fx_mask=_fx_array(fx_mask, columns),
        base_currency=currency,
    )


def on_prices(frame: Frame, prices: pd.DataFrame) -> Prices:
    """Carry the frame's dividends and FX mask onto other prices of its symbols.

    For a caller that changes the closes (a proxy spliced into a young ticker's
    past, a window cut out) but must keep what is paid on them.

    Parameters
    ----------
    frame : Frame
        Where the dividends and FX mask come from.
    prices : pd.DataFrame
        Dates x symbols, base-currency closes; every column a symbol of
        ``frame``, dates among the frame's.

    Returns
    -------
    Prices
        ``prices`` with the frame's dividends on the same dates and symbols
        (None when the frame has none) and its FX mask.
    """
    columns = [str(c) for c in prices.columns]
    col = [frame.symbols.index(c) for c in columns]
    dates = pd.DatetimeIndex(prices.index)
    dividends = None
    if frame.dividends is not None:
        rows = frame.dates.get_indexer(dates)
        if (rows < 0).any():
            raise PlanError("prices have dates the frame does not; cannot carry")
        dividends = np.ascontiguousarray(frame.dividends[np.ix_(rows, col)])
    return Prices(
        dates=dates,
        symbols=tuple(columns),
        base=prices.to_numpy(dtype=np.float64),
        dividends=dividends,
        fx_mask=np.asarray(frame.fx_mask, dtype=np.bool_)[col],
        base_currency=frame.base_currency,
    )


def total_return_prices(frame: Frame) -> pd.DataFrame:
    """Return the closes with the cash dividends reinvested on their ex-dates.

    Parameters
    ----------
    frame : Frame
        Prices and, possibly, cash dividends.

    Returns
    -------
    pd.DataFrame, dates x symbols
        ``frame.base`` when it holds no dividends; else a level that starts at
        each symbol's first close and grows by ``(close_t + dividend_t) /
        close_prev - 1`` on each priced day (``close_prev``: the last close
        before it). NaN where ``base`` is NaN. What return samplers draw from,
        so that a ``dividends = "cash"`` pie's history keeps its dividends.
    """
    base = np.asarray(frame.base, dtype=np.float64)
    if frame.dividends is None:
        return pd.DataFrame(base, index=frame.dates, columns=list(frame.symbols))
    priced = ~np.isnan(base)
    prev = pd.DataFrame(base).ffill().shift(1).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = (base + np.nan_to_num(frame.dividends)) / prev
    # The first close of a symbol starts its level; a day without a price
    # neither grows it nor breaks it.
    growth = np.where(priced & ~np.isnan(prev), growth, 1.0)
    first = np.where(priced.any(axis=0), priced.argmax(axis=0), 0)
    start = base[first, np.arange(base.shape[1])]
    level = start * np.cumprod(growth, axis=0)
    return pd.DataFrame(
        np.where(priced, level, np.nan), index=frame.dates, columns=list(frame.symbols)
    )
