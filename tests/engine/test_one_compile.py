"""Each kernel compiles once: the types at its boundary do not vary with the input.

numba compiles a kernel again for every new combination of argument types: an
array that is read-only one time and writable the next, a column slice
(strided) where a one-series run passes a contiguous one, a literal ``False``
where ``simulate`` passes a plain bool. Each such twin costs its compile again
(half a minute to a minute on two cores for these kernels), on a user's first
runs and on every cold CI run, and no number shows it.

The script below runs each entry point on the inputs that used to make twins,
in a fresh process (what the suite compiled elsewhere cannot add or hide a
signature), and counts the signatures of every kernel it reached.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json
    import numpy as np, pandas as pd
    from numba.core.registry import CPUDispatcher
    from piefolio.engine import Prices, prepare_inputs, simulate
    from piefolio.engine import _kernels, paths, windows
    from piefolio.engine.paths import simulate_drawn
    from piefolio.engine.windows import simulate_windows
    from piefolio.spec import Flow, Plan

    dates = pd.bdate_range("2020-01-01", periods=120)
    rng = np.random.default_rng(0)
    base = 50 * np.cumprod(1 + rng.normal(0, 0.01, (120, 3)), axis=0)
    frame = Prices(dates=dates, symbols=("A", "B", "C"), base=base, dividends=None,
                   fx_mask=np.array([False, True, False]), base_currency="EUR")
    plan = Plan(start=dt.date(2020, 1, 1), initial=1000.0,
                deposits=Flow(amount=100.0, every="month", day=5),
                rebalance="monthly")
    simulate(frame, {"A": 0.5, "B": 0.5}, plan)
    starts = [(dates[k].date(), dates[k + 60].date()) for k in (0, 20, 40)]
    # One series (its ran-out column is contiguous), then two (strided).
    simulate_windows(frame, {"pie": {"A": 0.5, "B": 0.5}}, plan, starts)
    simulate_windows(frame, {"pie": {"A": 0.5, "B": 0.5}, "b": {"C": 1.0}},
                     plan, starts)
    inputs = prepare_inputs(pd.DataFrame(1.0, index=dates[:40], columns=list("ABC")),
                            ["A", "B", "C"], np.full((1, 3), 1 / 3), plan)
    history = rng.normal(3e-4, 0.01, (50, 3))
    drawn = rng.integers(0, 50, (4, 40))
    targets, at = np.array([[0.5, 0.3, 0.2]]), np.array([0, 39])
    simulate_drawn(history, drawn, inputs, targets, at)        # writable
    history.flags.writeable = False
    simulate_drawn(history, drawn, inputs, targets, at)        # read-only
    count = {}
    for module in (_kernels, paths, windows):
        for name, f in vars(module).items():
            if isinstance(f, CPUDispatcher) and f.py_func.__module__ == module.__name__:
                if f.signatures:
                    count[f"{module.__name__}.{name}"] = len(f.signatures)
    print(json.dumps(count))
    """
)


def test_every_kernel_reached_has_one_signature() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    count = json.loads(done.stdout.strip().splitlines()[-1])
    # The entry points the script reached: if one goes missing the check is void.
    assert {
        "piefolio.engine._kernels.simulate_pie_nb",
        "piefolio.engine.windows._windows_nb",
        "piefolio.engine.paths._run_paths_nb",
    } <= set(count)
    assert {k: n for k, n in count.items() if n != 1} == {}
