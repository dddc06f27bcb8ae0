"""The tidy tables :func:`kit.spc.analyze` returns, built from the engine's flat arrays.

One row per period in ``points`` and one per phase in ``phases``; the messages about
unusual phases are worded here (``kit/spc/engine.py`` only gives their codes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kit.spc.engine import Computed
from kit.spc.inputs import Prepared
from kit.spc.options import RATIO_CHARTS, Options

_MESSAGES = {
    "sigma0": (
        "all values used for the centre line are the same, so there is no variation to "
        "estimate limits from: the limits are drawn on the centre line, and any point that "
        "differs is flagged."
    ),
    "no_sigma": (
        "there are too few usable points to compute control limits (an I chart needs two "
        "neighbouring points, an Xbar or S chart subgroups of two or more): the limits are "
        "left blank."
    ),
    "no_baseline": ("no usable point is left for the centre line (all are missing or excluded)."),
}

_PHASE_INT = ("n_points", "n_baseline", "n_useful", "longest_run", "n_crossings", "n_runs")


def tables(
    comp: Computed, prep: Prepared, phase: np.ndarray, opts: Options, by: str | None, keys: Any
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    p = comp.points
    numerator = prep.value
    den = prep.den if opts.chart in RATIO_CHARTS + ("xbar", "s") else np.full(prep.den.size, np.nan)
    cols: dict[str, Any] = {}
    if by is not None:
        # The team column as a categorical: one label per team, not one object per row.
        cols[by] = pd.Categorical.from_codes(prep.sid, categories=pd.Index(keys))
    cols.update(
        x=prep.x,
        y=p["y"],
        n=den,
        numerator=numerator,
        cl=p["cl"],
        ucl=p["ucl"],
        lcl=p["lcl"],
        phase=phase,
        baseline=p["baseline"],
        excluded=p["excluded"],
        sigma_signal=p["sigma_signal"],
        signal=p["signal"],
        rule=p["rule"],
        variation=p["variation"],
    )
    skip = {
        "y",
        "cl",
        "ucl",
        "lcl",
        "baseline",
        "excluded",
        "valid",
        "sigma_signal",
        "signal",
        "rule",
        "variation",
    }
    for name, arr in p.items():
        if name not in skip:
            cols[name] = arr
    points = pd.DataFrame(cols, copy=False)  # no consolidation copy: 30x faster at 1M rows

    g = comp.group_of_point
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if g.size else np.zeros(0, np.int64)
    last = np.r_[first[1:] - 1, g.size - 1] if g.size else first
    gcols: dict[str, Any] = {}
    if by is not None:
        gcols[by] = np.asarray(keys)[prep.sid[first]]
    gcols.update(phase=phase[first], start=prep.x[first], end=prep.x[last], cl=p["cl"][first])
    for name, arr in comp.groups.items():
        gcols[name] = arr.astype(np.int64) if name in _PHASE_INT else arr
    phases = pd.DataFrame(gcols, copy=False)

    messages = []
    many_phases = phase.size and phase.max() > 0
    for gi, code in comp.messages:
        where = []
        if by is not None:
            where.append(f"{gcols[by][gi]}")
        if many_phases:
            where.append(f"phase {int(gcols['phase'][gi]) + 1}")
        prefix = (", ".join(where) + ": ") if where else ""
        text = _MESSAGES[code]
        line = prefix + text
        # "Phase 2: ..." for one series; a team's name is left as it is ("ward a, phase 2: ...").
        messages.append(line[:1].upper() + line[1:] if by is None else line)
    return points, phases, messages
