"""Spot the signal is scored right on constructed charts, under each rule set: IHI (Provost &
Murray, The Health Care Data Guide, 2011, ch. 4: shift of 8), NHS Making Data Count (2019:
run of 7) and Anhøj (Anhøj & Olesen, PLOS ONE 2014: longest run over round(log2(n) + 3),
8 for 24 points)."""

from __future__ import annotations

import pytest

from kit.errors import KitInputError
from kit.exercises import signals


def _alternating(n: int, low: float = 47.0, high: float = 53.0) -> list[float]:
    return [high if i % 2 == 0 else low for i in range(n)]


#: 16 alternating months, then 8 in a row above the centre line
RUN_OF_8 = _alternating(16) + [53.5] * 8
#: 16 alternating months, one below, then 7 in a row above the centre line
RUN_OF_7 = [*_alternating(16), 47.0] + [53.5] * 7
#: one month far outside the limits
OUTLIER = _alternating(24)
OUTLIER[10] = 80.0


def test_a_point_outside_the_limits_is_flagged_by_every_rule_set() -> None:
    for rules in signals.RULE_SETS:
        assert signals.flagged(OUTLIER, rules) == (10,)
    assert signals.disagreements(OUTLIER) == {}


def test_a_run_of_eight_is_a_shift_for_ihi_and_nhs_but_not_anhoej() -> None:
    run = tuple(range(16, 24))
    assert signals.flagged(RUN_OF_8, "ihi") == run
    assert signals.flagged(RUN_OF_8, "nhs") == run
    assert signals.flagged(RUN_OF_8, "anhoej") == ()
    assert signals.disagreements(RUN_OF_8) == {m: ("ihi", "nhs") for m in run}


def test_a_run_of_seven_is_a_signal_only_for_making_data_count() -> None:
    run = tuple(range(17, 24))
    assert signals.flagged(RUN_OF_7, "nhs") == run
    assert signals.flagged(RUN_OF_7, "ihi") == ()
    assert signals.flagged(RUN_OF_7, "anhoej") == ()


def test_scoring_the_same_marks_under_each_rule_set() -> None:
    eight = list(range(16, 24))
    for rules in ("ihi", "nhs"):
        result = signals.score(eight, RUN_OF_8, rules)
        assert result.right and result.text.startswith("Right")
    anhoej = signals.score(eight, RUN_OF_8, "anhoej")
    assert (anhoej.hits, anhoej.missed, anhoej.false_alarms) == ((), (), tuple(eight))
    assert "tampering" in anhoej.text
    seven = list(range(17, 24))
    assert signals.score(seven, RUN_OF_7, "nhs").right
    ihi = signals.score(seven, RUN_OF_7, "ihi")
    assert ihi.false_alarms == tuple(seven) and not ihi.right


def test_missed_and_false_alarm_months_are_named_from_one() -> None:
    result = signals.score([3, 10], OUTLIER, "ihi")
    assert result.hits == (10,)
    assert result.false_alarms == (3,)
    assert not result.right
    assert "months 11" in result.text and "months 4" in result.text
    missed = signals.score([], OUTLIER, "nhs")
    assert missed.missed == (10,)
    assert "also flag months 11" in missed.text


def test_marking_nothing_on_a_stable_chart_is_right() -> None:
    stable = _alternating(24)
    result = signals.score([], stable, "anhoej")
    assert result.right and result.text.startswith("Right: this rule set flags no month")


def test_generated_cases_plant_what_they_say() -> None:
    shift = signals.make_case(1, "shift")
    assert shift.planted and shift.planted[-1] == signals.POINTS - 1
    outlier = signals.make_case(2, "outlier")
    (at,) = outlier.planted
    for rules in signals.RULE_SETS:
        assert at in signals.flagged(outlier.values, rules)
    assert signals.make_case(3, "none").planted == ()
    assert signals.make_case(5) == signals.make_case(5)  # one seed, one chart for the room
    with pytest.raises(KitInputError):
        signals.make_case(1, "wobble")
    with pytest.raises(KitInputError):
        signals.score([], stable_values(), "western")


def stable_values() -> list[float]:
    return _alternating(24)
