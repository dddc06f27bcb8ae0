"""One p-chart series both chart tests draw: 24 months with a shift at month 13.

The SVG picture and the Bokeh chart are read from the same ``kit.spc`` result, so they share it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.spc import SPCResult, analyze

X = pd.period_range("2024-01", periods=24, freq="M")
RNG = np.random.default_rng(5)
NUM = np.r_[RNG.binomial(50, 0.3, 12), RNG.binomial(50, 0.6, 12)]


def p_result(**kw: object) -> SPCResult:
    opts: dict[str, object] = dict(
        chart="p", x=X, phase_starts=[12], freeze=8, direction="up", multiply=100
    )
    opts.update(kw)
    return analyze(NUM, [50] * 24, **opts)  # type: ignore[arg-type]
