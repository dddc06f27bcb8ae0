"""Sampling and definitions: P chart limits narrow with the square root of the sample
(p +/- 3 sqrt(p(1 - p)/n), Provost & Murray, The Health Care Data Guide, 2011, ch. 5), so a
small sample hides a change; a loosened definition shows as a shift."""

from __future__ import annotations

import pytest

from kit.errors import KitInputError
from kit.exercises import sampling
from kit.spc import analyze


def test_limits_follow_the_binomial_formula() -> None:
    # p = 0.6, n = 20: 3 * sqrt(0.24 / 20) = 0.3286; n = 80 halves it
    assert sampling.half_width(0.6, 20) == pytest.approx(0.328634, abs=1e-6)
    assert sampling.half_width(0.6, 80) == pytest.approx(0.328634 / 2, abs=1e-6)


def test_a_bigger_sample_detects_the_same_change_more_often() -> None:
    small = sampling.chance_beyond_limit(0.6, 0.75, 20)
    large = sampling.chance_beyond_limit(0.6, 0.75, 200)
    assert small < 0.1 < 0.5 < large
    assert sampling.sample_for(0.6, 0.75) == 96  # 9 * 0.24 / 0.15^2


def test_the_explanation_says_what_the_sliders_did() -> None:
    small = sampling.explain(sampling.Scenario(sample=20))
    assert any("at least 96" in line for line in small)
    drifting = sampling.explain(sampling.Scenario(sample=200, drift=0.2, drift_at=17))
    assert any("month 18" in line and "definition" in line for line in drifting)


def test_a_drifting_definition_makes_a_shift_no_change_in_care_made() -> None:
    scenario = sampling.Scenario(sample=200, baseline=0.6, improved=0.6, drift=0.2, drift_at=12)
    series = sampling.simulate(scenario)
    result = analyze(series.numerators, series.denominators, chart="p", freeze=12)
    assert (series.true_rate == 0.6).all()
    assert result.points["signal"].iloc[12:].all()


def test_impossible_sliders_are_refused() -> None:
    with pytest.raises(KitInputError):
        sampling.Scenario(sample=2)
    with pytest.raises(KitInputError):
        sampling.sample_for(0.5, 0.5)
