"""Properties that hold for any input (hypothesis): no infinities, one row per period,
excluded points never in the baseline, one centre line per phase, display scaling never
changes a signal, and many series at once equal one at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kit.spc import analyze, analyze_many

values = st.lists(
    st.one_of(st.none(), st.integers(0, 40).map(float), st.floats(0.1, 50, allow_nan=False)),
    min_size=0,
    max_size=40,
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    y=values,
    chart=st.sampled_from(["run", "i", "mr", "c", "g", "t"]),
    rules=st.sampled_from(["anhoej", "ihi", "nhs", "western_electric"]),
    data=st.data(),
)
def test_any_series_gives_a_well_formed_result(y, chart, rules, data):
    # a T chart refuses a zero time between events with a message (tests/spc/test_edge_cases.py)
    assume(chart != "t" or all(v is None or v > 0 for v in y))
    size = len(y)
    positions = st.lists(st.integers(0, max(size - 1, 0)), max_size=3) if size else st.just([])
    starts = data.draw(positions)
    exclude = data.draw(positions)
    freeze = data.draw(st.one_of(st.none(), st.integers(1, 12)))
    res = analyze(y, chart=chart, rules=rules, phase_starts=starts, exclude=exclude, freeze=freeze)
    pts = res.points
    assert len(pts) == size
    numeric = pts.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numeric).any()
    assert not (pts.excluded & pts.baseline).any()
    assert not (pts.sigma_signal & pts.y.isna()).any()
    for _, part in pts.groupby("phase"):
        assert part.cl.nunique(dropna=False) <= 1
    scaled = analyze(
        y,
        chart=chart,
        rules=rules,
        phase_starts=starts,
        exclude=exclude,
        freeze=freeze,
        multiply=100,
    )
    assert (scaled.points.signal == pts.signal).all()


@SETTINGS
@given(
    sizes=st.lists(st.integers(1, 25), min_size=1, max_size=6),
    seed=st.integers(0, 2**31),
    rules=st.sampled_from(["anhoej", "ihi", "nhs", "western_electric"]),
)
def test_many_series_equal_one_at_a_time(sizes, seed, rules):
    rng = np.random.default_rng(seed)
    frames = [
        pd.DataFrame(
            {"team": f"T{i}", "period": np.arange(k), "value": rng.integers(0, 6, k).astype(float)}
        )
        for i, k in enumerate(sizes)
    ]
    frame = pd.concat(frames, ignore_index=True)
    many = analyze_many(frame, chart="c", rules=rules)
    for i, f in enumerate(frames):
        one = analyze(f.value, chart="c", rules=rules, x=f.period)
        got = many.series(f"T{i}")
        pd.testing.assert_frame_equal(
            got.points, one.points, check_dtype=False, check_categorical=False
        )
