"""What ``show`` accepts, ``run`` runs or refuses with a message: never a crash.

Before: ``initial = 1e308`` and friends were accepted by ``show`` and crashed
``run`` (now refused by the model, tests/test_spec.py); a plan of a trillion
had no XIRR (pyxirr gave up); a plan starting on the last day of the prices
crashed the summary (one day, no return).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Invoke


def test_a_trillion_runs_with_a_money_weighted_return(
    piefolio: Invoke, write_pie: Callable[..., Path], synthetic_home: Path
) -> None:
    spec = write_pie(("initial = 1000", "initial = 1e12\ndeposits = { amount = 1e11 }"))
    assert piefolio("show", str(spec)).code == 0
    ran = piefolio("run", str(spec), "--offline", "--no-report", "--json",
                   home=synthetic_home)  # fmt: skip
    assert ran.code == 0, ran.output
    summary = json.loads(ran.output)["summary"]
    for name in ("T", "Small caps"):
        assert summary[name]["xirr"] is not None and math.isfinite(
            summary[name]["xirr"]
        )


def test_a_plan_of_too_few_days_is_refused_with_its_dates(
    piefolio: Invoke, write_pie: Callable[..., Path], synthetic_home: Path
) -> None:
    # The synthetic prices end on Tuesday 2026-06-30.
    spec = write_pie(("start = 2015-01-02", "start = 2026-06-29"))
    assert piefolio("show", str(spec)).code == 0
    ran = piefolio("run", str(spec), "--offline", "--no-report", home=synthetic_home)
    assert ran.code == 2, ran.output
    assert (
        "the plan runs on 2 trading day(s) (2026-06-29 to 2026-06-30); expected at least 3"
        in ran.output
    )


def test_a_plan_that_starts_in_the_future_says_so(
    piefolio: Invoke, write_pie: Callable[..., Path], synthetic_home: Path
) -> None:
    # Before: "no prices for CVX, XOM, SPY, IWM between 2099-01-04 and <today>"
    # and exit 3, as if prices were missing; the plan simply has no day yet.
    import datetime as dt

    spec = write_pie(("start = 2015-01-02", "start = 2099-01-04"))
    assert piefolio("show", str(spec)).code == 0  # a plan for later is a pie
    ran = piefolio("run", str(spec), "--offline", "--no-report", home=synthetic_home)
    assert ran.code == 2, ran.output
    today = dt.date.today().isoformat()
    assert (
        f"error: plan.start 2099-01-04 is after today ({today}): there is no day to "
        f"run yet; expected a start on or before {today}"
    ) in " ".join(ran.output.split())
