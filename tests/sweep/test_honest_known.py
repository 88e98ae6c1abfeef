"""The honest-selection findings in words: each line worked by hand from the numbers.

Found by mutation testing (mutation/README.md): no test read the lines of
``Selection.lines`` whole, so a wrong threshold or a dropped line went unseen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from piefolio.sweep.honest import Selection
from piefolio.sweep.selection import PBOResult

_WORDS = (
    "They answer two questions: the deflated Sharpe asks whether the "
    "best variant's edge beats what luck gives the best of that many "
    "tries; PBO asks how often the variant best on one half of the "
    "history falls below the median on the other. An edge can survive "
    "while the ranking among variants does not repeat: then the plan "
    "holds up, but picking its best variant adds little."
)


def test_every_finding_in_words() -> None:
    # A deflated Sharpe of exactly 0.95 passes (>= 0.95); PBO 0.25 is "25%";
    # 12,870 splits with a thousands comma; the walk-forward's Sharpes to two
    # places, the percentile 0.875 rounded to "88%".
    found = Selection(
        best=pd.Series({"sharpe": 1.0}),
        trials=1234,
        deflated_sharpe=0.95,
        pbo=PBOResult(pbo=0.25, logits=np.zeros(3), splits=12870),
        sample=200,
        walk_forward={
            "in_sample_sharpe": 1.234,
            "out_of_sample_sharpe": 0.5,
            "out_of_sample_percentile": 0.875,
            "median_out_of_sample_sharpe": -0.126,
        },
    )
    assert found.lines() == [
        "Deflated Sharpe ratio of the best of 1,234 variants: 0.95 "
        "(its edge survives the number of tries)",
        "Probability of backtest overfitting: 25% over 12,870 splits of 200 "
        "sampled variants",
        _WORDS,
        "Walk-forward: the best on the first half (Sharpe 1.23) scored 0.50 on "
        "the second half, better than 88% of the sample (median -0.13)",
    ]


def test_one_variant_says_only_its_deflated_sharpe() -> None:
    # Below 0.95 (0.949) the edge may be luck; no PBO and no walk-forward
    # (fewer than two variants): one line.
    alone = Selection(
        best=pd.Series({"sharpe": 1.0}),
        trials=1,
        deflated_sharpe=0.949,
        pbo=None,
        sample=1,
        walk_forward={},
    )
    assert alone.lines() == [
        "Deflated Sharpe ratio of the best of 1 variants: 0.95 "
        "(below 0.95: its edge may be luck from trying many)"
    ]
