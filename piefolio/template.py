"""The commented pie file that ``piefolio new NAME`` writes for a user to edit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from piefolio._atomic import atomic_text

__all__ = ["render_template", "write_template"]

_TEMPLATE = '''\
# A piefolio pie. Check it with:  piefolio show {file}
# Weights are fractions of the parent slice; siblings must sum to 1.

[pie]
name = {name}
currency = "EUR"          # base currency (ISO 4217): all amounts below are in it
thesis = """
Why this pie should do well, in a few plain sentences.
"""

# A theme is a slice with its own slices; its children's weights sum to 1.
[[pie.slices]]
name = "Core"
weight = 0.7
slices = [
  {{ ticker = "SPY", weight = 0.6 }},
  {{ ticker = "IWM", weight = 0.4 }},
]

# A holding is a slice with a ticker (Yahoo symbols: "ASML.AS", "SHEL.L" work).
[[pie.slices]]
ticker = "XLE"
weight = 0.3

# Each benchmark runs with the same plan and the same deposits as the pie.
[benchmarks]
"S&P 500" = "SPY"

[plan]
start = {start}
# end = 2026-06-30       # default: the latest data
initial = 1000
deposits = {{ amount = 100, every = "month", day = 1 }}   # week | month | quarter
# withdrawals = {{ amount = 50, every = "month", day = 15 }}
# "none", "deposits" (new cash to underweight slices), "monthly", "quarterly",
# "yearly", or {{ policy = "threshold", band = 0.05 }} (5 weight points)
rebalance = {{ policy = "threshold", band = 0.05 }}
cash_interest = 0.0       # annual rate on idle cash: 0.02 = 2 % a year
dividends = "reinvest"    # or "cash"

[plan.fees]
commission_pct = 0.0      # percent of each trade: 0.1 = 0.1 %
commission_fixed = 0.0    # per order, in the base currency
fx_pct = 0.15             # percent on each currency conversion
spread_bps = 0.0          # half-spread per trade, basis points
min_order = 1.0           # orders below this wait in cash

# A claim of the thesis, checked on rolling windows: long beats short.
[[claims]]
id = "small-beats-large"
text = "Small caps beat the S&P 500 over a year."
long = ["IWM"]
short = ["SPY"]
horizon = "1Y"

# An indicator of the world a claim is about, judged by `piefolio thesis`: a
# stored series (a FRED id such as CPIAUCSL, or any imported symbol; bring it in
# with `piefolio data import FILE`), transformed (level, yoy, change:3M,
# relative:SPY) and held against one threshold (above or below).
# [[indicators]]
# id = "prices-rising"
# claim = "small-beats-large"
# series = "CPIAUCSL"
# transform = "yoy"
# below = 0.04           # inflation under 4 % a year
# means = "supports"     # or "weakens": the condition holding warns
'''


def render_template(name: str, *, file: str = "pie.toml") -> str:
    """Return the template text for a pie called ``name``."""
    start = dt.date(dt.date.today().year - 5, 1, 2)
    # A TOML basic string: JSON escapes quotes and controls; ensure_ascii=False
    # keeps characters beyond the BMP whole (TOML refuses surrogate escapes).
    text = json.dumps(name, ensure_ascii=False)
    return _TEMPLATE.format(name=text, start=start.isoformat(), file=file)


def write_template(path: Path, name: str) -> None:
    """Write the template to ``path`` atomically: it is whole or not there at all."""
    atomic_text(path, render_template(name, file=str(path)))
