"""Type aliases shared across piefolio.

Arrays are numpy ``float64`` unless the alias says otherwise; shapes are given in
each function's docstring, not in the alias.
"""

from __future__ import annotations

import os
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["BoolArray", "DateArray", "FloatArray", "IntArray", "PathLike"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
DateArray: TypeAlias = npt.NDArray[np.datetime64]
PathLike: TypeAlias = str | os.PathLike[str]
