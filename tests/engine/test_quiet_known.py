"""The quiet-day run's own outputs, with answers worked out by hand.

Found by mutating ``piefolio/engine/_quiet.py`` (``python mutation/run.py
piefolio/engine/_quiet.py``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from piefolio.engine import simulate
from piefolio.spec import Fees, Plan


def test_interest_on_quiet_days_counts_the_cash_only() -> None:
    # Fri 5 Jan to Tue 9 Jan, A and B flat at 10. 1000 in at 90 / 10 with
    # min_order 200: A buys 900, B's 100 is skipped and waits as cash. The
    # quiet days after earn 5 % on that 100 only: 3 days to Monday, 1 to
    # Tuesday, 100 * (1.05 ** (4 / 365) - 1) of interest in all; the 900 in A
    # earns none.
    prices = pd.DataFrame(
        {"A": [10.0] * 3, "B": [10.0] * 3},
        index=pd.bdate_range("2024-01-05", periods=3),
    )
    plan = Plan.model_validate(
        {
            "start": dt.date(2024, 1, 5),
            "initial": 1000.0,
            "cash_interest": 0.05,
            "fees": Fees(min_order=200.0),
        }
    )
    r = simulate(prices, {"A": 0.9, "B": 0.1}, plan)
    expected = 100 * (1.05 ** (4 / 365) - 1)
    assert r.interest == pytest.approx(expected, rel=1e-9)
    interest = r.flows.loc[r.flows["kind"] == "interest", "amount"]
    assert interest.sum() == pytest.approx(expected, rel=1e-9)
    assert r.nav.iloc[-1] == pytest.approx(1000 + expected, rel=1e-12)
