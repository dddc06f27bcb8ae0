"""Control-chart constants computed exactly instead of read from rounded tables.

Montgomery, *Introduction to Statistical Quality Control*, Appendix VI: c4(n) is the bias
of the sample standard deviation, A3 = 3 / (c4 sqrt(n)), B3 = max(0, 1 - 3 sqrt(1 - c4^2) / c4)
and B4 = 1 + 3 sqrt(1 - c4^2) / c4.
"""

from __future__ import annotations

import math

import numpy as np

#: d2 for moving ranges of two points: sigma = MRbar / 1.128 (Montgomery; qicharts2).
D2 = 1.128
#: D4 for moving ranges of two points: the upper limit of the MR chart and the
#: Nelson screening threshold for moving ranges (Nelson 1982).
D4 = 3.267


def c4(n: np.ndarray | float) -> np.ndarray:
    """Exact c4(n) = sqrt(2 / (n - 1)) * Gamma(n / 2) / Gamma((n - 1) / 2); NaN for n < 2."""
    arr = np.atleast_1d(np.asarray(n, dtype=float))
    out = np.full(arr.shape, np.nan)
    for value in np.unique(arr[np.isfinite(arr) & (arr >= 2)]):
        out[arr == value] = math.sqrt(2.0 / (value - 1)) * math.exp(
            math.lgamma(value / 2) - math.lgamma((value - 1) / 2)
        )
    return out


def a3(n: np.ndarray | float) -> np.ndarray:
    """A3(n) = 3 / (c4(n) sqrt(n)): Xbar limits are CL +/- A3 * s-bar."""
    arr = np.atleast_1d(np.asarray(n, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return 3.0 / (c4(arr) * np.sqrt(arr))


def b3_b4(n: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """(B3(n), B4(n)): S chart limits are B3 * s-bar and B4 * s-bar."""
    c = c4(n)
    spread = 3.0 * np.sqrt(1.0 - c**2) / c
    return np.maximum(0.0, 1.0 - spread), 1.0 + spread
