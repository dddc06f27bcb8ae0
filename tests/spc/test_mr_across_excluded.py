"""``mr_across_excluded``: qicharts2's moving ranges over the included points only.

qicharts2 (Anhøj, qicharts2 0.7 ``qic.i``) drops excluded points before it takes the moving
ranges, so the two neighbours of an excluded point make one moving range; the kit by default
lets an excluded point break the chain (``facilitator-guide/spc-deviations.md``). The
expected values below are worked by hand from the I chart's formulas (mean +/- 3 MRbar / d2,
d2 = 1.128; Montgomery, Introduction to Statistical Quality Control, section 6.4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kit.spc import analyze, analyze_many

D2 = 1.128
VALUES = [10, 12, 30, 11, 13, 9]  # point 2 (30) is excluded


def _ucl(result) -> float:
    return float(result.points["ucl"].iloc[0])


def test_default_breaks_the_chain_at_an_excluded_point() -> None:
    # moving ranges |12-10| = 2, |13-11| = 2, |9-13| = 4; MRbar = 8/3; mean of the five = 11
    result = analyze(VALUES, chart="i", exclude=[2], screened_mr=False)
    assert float(result.points["cl"].iloc[0]) == pytest.approx(11.0)
    assert _ucl(result) == pytest.approx(11 + 3 * (8 / 3) / D2)


def test_across_excluded_joins_the_neighbours() -> None:
    # moving ranges over 10, 12, 11, 13, 9: 2, 1, 2, 4; MRbar = 9/4 = 2.25
    result = analyze(VALUES, chart="i", exclude=[2], screened_mr=False, mr_across_excluded=True)
    assert _ucl(result) == pytest.approx(11 + 3 * 2.25 / D2)  # 16.98404
    assert _ucl(result) == pytest.approx(16.98404, abs=1e-5)
    assert float(result.points["lcl"].iloc[0]) == pytest.approx(5.01596, abs=1e-5)


def test_a_missing_value_still_breaks_the_chain() -> None:
    # included: 10, 14, (missing), 11, 14 -> moving ranges 4 and 3 only; MRbar = 3.5
    values = [10, 14, np.nan, 11, 30, 14]
    across = analyze(values, chart="i", exclude=[4], screened_mr=False, mr_across_excluded=True)
    mean = (10 + 14 + 11 + 14) / 4
    assert _ucl(across) == pytest.approx(mean + 3 * 3.5 / D2)
    default = analyze(values, chart="i", exclude=[4], screened_mr=False)
    assert _ucl(default) == pytest.approx(mean + 3 * 4 / D2)


def test_without_exclusions_the_option_changes_nothing() -> None:
    plain = analyze(VALUES, chart="i")
    across = analyze(VALUES, chart="i", mr_across_excluded=True)
    pd.testing.assert_frame_equal(plain.points, across.points)


def test_many_series_take_the_option_too() -> None:
    frame = pd.DataFrame(
        {"team": ["a"] * 6 + ["b"] * 6, "period": list(range(6)) * 2, "value": VALUES * 2}
    )
    frame["out"] = frame["period"] == 2
    many = analyze_many(frame, chart="i", exclude="out", screened_mr=False, mr_across_excluded=True)
    for key in ("a", "b"):
        assert _ucl(many.series(key)) == pytest.approx(11 + 3 * 2.25 / D2)
