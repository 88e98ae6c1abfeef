"""Hypothesis strategies shared by the test modules.

Import them relatively, as pytest names test modules after their folders:
``from .strategies import closes`` in ``tests/``, ``from ..strategies import
closes`` one folder down. Each draws what a user could give: finite amounts,
positive closes, business days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

__all__ = ["closes", "signed_ledgers", "target_weights"]


@st.composite
def target_weights(draw: st.DrawFn, n: int) -> np.ndarray:
    """Weights of ``n`` slices: non-negative, slice 0 held, summing to 1 exactly."""
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    raw[0] += 0.05
    w = raw / raw.sum()
    w[0] += 1.0 - w.sum()
    return w


@st.composite
def closes(
    draw: st.DrawFn, *, symbols: int = 2, days: tuple[int, int] = (3, 60)
) -> pd.DataFrame:
    """Positive closes compounding daily returns within +-20 %, business days."""
    t = draw(st.integers(*days))
    rets = np.array(
        draw(st.lists(st.floats(-0.2, 0.2), min_size=symbols * t, max_size=symbols * t))
    ).reshape(t, symbols)
    return pd.DataFrame(
        20.0 * np.cumprod(1.0 + rets, axis=0),
        index=pd.bdate_range("2024-01-29", periods=t),
        columns=[f"S{j}" for j in range(symbols)],
    )


@st.composite
def signed_ledgers(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    """Dated net flows into a pie (first one in) and a final value paid back.

    Returns ``(dates (K,), net_in (K,), final)``: money in positive, out
    negative, as :mod:`piefolio.ledger` reads it.
    """
    k = draw(st.integers(1, 12))
    gaps = draw(st.lists(st.integers(1, 120), min_size=k, max_size=k))
    dates = np.datetime64("2020-01-01") + np.cumsum([0, *gaps[1:]]).astype(
        "timedelta64[D]"
    )
    first = draw(st.floats(10.0, 10_000.0))
    # Withdrawals that together take out at most half the first deposit: an
    # investor's ledger, where one rate solves it (no 1e50 % "returns").
    out = -0.5 * first / k
    rest = draw(st.lists(st.floats(out, 500.0), min_size=k - 1, max_size=k - 1))
    final = draw(st.floats(1.0, 50_000.0))
    return dates, np.array([first, *rest]), final
