"""The pie spec: a TOML file read into validated, frozen pydantic models.

Conventions, stated once for the whole spec:

- Weights are fractions of the parent (0.25 = a quarter of the parent slice); the
  weights of siblings sum to 1 within 1e-9. A slice's *effective* weight is the
  product of the weights from the root down to it.
- Amounts (``initial``, deposits, withdrawals, fixed fees, ``min_order``) are in the
  pie's base ``currency``.
- Fee keys ending in ``_pct`` are in percent (``fx_pct = 0.15`` is 0.15 %), ``_bps``
  in basis points; ``band`` and ``cash_interest`` are plain fractions (``band =
  0.05`` is 5 weight points, ``cash_interest = 0.02`` is 2 % a year, day count 365).
- Dates are ISO ``YYYY-MM-DD`` (TOML dates or strings).

Any problem raises :class:`~piefolio.errors.SpecError` naming the file, the key
path (``pie.slices[1].slices[0].weight``), the value found and what was expected.
Unknown keys are errors, with a "did you mean" suggestion.
"""

from __future__ import annotations

from piefolio.spec._base import (
    FIRST_DATE,
    LAST_DATE,
    MAX_AMOUNT,
    MAX_DEPTH,
    MAX_NAME,
    MAX_TEXT,
    WEIGHT_TOLERANCE,
    Amount,
    Count,
    Date,
    Name,
    Number,
    Period,
    Prose,
)
from piefolio.spec.file import Claim, PieSpec, load_pie, parse_pie
from piefolio.spec.indicators import Indicator, Transform, parse_transform
from piefolio.spec.optimize import Method, Optimize
from piefolio.spec.pie import Benchmark, Pie, Slice
from piefolio.spec.plan import (
    Calendar,
    Deposits,
    Fees,
    Flow,
    Frequency,
    NoRebalance,
    Plan,
    Rebalance,
    RebalancePolicy,
    Threshold,
)

__all__ = [  # noqa: RUF022 - plain sorted, as the public-API test reads it
    "Amount",
    "Benchmark",
    "Calendar",
    "Claim",
    "Count",
    "Date",
    "Deposits",
    "FIRST_DATE",
    "Fees",
    "Flow",
    "Frequency",
    "Indicator",
    "LAST_DATE",
    "MAX_AMOUNT",
    "MAX_DEPTH",
    "MAX_NAME",
    "MAX_TEXT",
    "Method",
    "Name",
    "NoRebalance",
    "Number",
    "Optimize",
    "Period",
    "Pie",
    "PieSpec",
    "Plan",
    "Prose",
    "Rebalance",
    "RebalancePolicy",
    "Slice",
    "Threshold",
    "Transform",
    "WEIGHT_TOLERANCE",
    "load_pie",
    "parse_pie",
    "parse_transform",
]
