"""Plain-language explanations, checked rule by rule on constructed series.

Each rule of the explanations (``kit/spc/explain.py``, ``kit/spc/events.py``) is tested on a
series built to show it: one step change gives exactly one sentence dated at the change;
a sustained shift that fires several rules gives one sentence; sentences follow the measure's
direction of improvement and stay neutral without one; too few points say it is too early;
the crossings sentence names the observed number, the lower limit and the expected number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kit.spc import analyze, analyze_many
from kit.spc.explain import explain_signal
from kit.spc.wording import count_of, times

MONTHS = pd.period_range("2024-01", periods=30, freq="M")
LOW = [5, 6, 5, 7, 6, 5, 6, 7, 5, 6]
HIGH = [11, 12, 11, 10, 12, 11, 12, 10, 11, 12]
STEP_UP = LOW + HIGH  # one step change, at the 11th month (November 2024)
BASE = [10.2, 9.5, 10.8, 9.9, 10.1, 9.4, 10.6, 10.0, 9.7, 10.3, 9.8, 10.4]


def sentences(res) -> list[str]:
    """The explanation without the result's own messages."""
    text = res.explain()
    return text[: len(text) - len(res.messages)] if res.messages else text


def months(y, **kw):
    return analyze(y, x=MONTHS[: len(y)], **kw)


# --------------------------------------------------------------------------- one event, one sentence


@pytest.mark.parametrize("chart", ["run", "i"])
@pytest.mark.parametrize("rules", ["anhoej", "ihi", "nhs", "western_electric"])
def test_one_step_change_is_one_sentence_dated_at_the_change(chart, rules):
    res = months(STEP_UP, chart=chart, rules=rules)
    about_change = [s for s in sentences(res) if s.startswith("The measure moved")]
    assert len(about_change) == 1, sentences(res)
    assert about_change[0].startswith("The measure moved up from November 2024")
    assert "the ten months before it were all below" in about_change[0]
    assert "the ten from then on all above it" in about_change[0]
    text = " ".join(sentences(res))
    assert "January 2024" not in text and "around" not in text
    # Nothing else describes the change again (the only other sentence allowed is the
    # advice on a baseline that mixes before and after, see below).
    others = [s for s in sentences(res) if s not in about_change]
    assert all(s.startswith("The limits are computed from") for s in others), others


def test_a_short_first_level_flagged_by_other_rules_still_makes_one_step():
    # Five low months (below the lower limit, too few for the 8-point shift rule), then a
    # long run above: one step change, dated at the first high month.
    num = [15, 14, 16, 15, 14] + [30, 31, 29, 30, 32, 31, 30, 29, 31, 30, 32, 30, 31, 29]
    res = months(num, n=[50] * len(num), chart="p", rules="ihi", direction="up")
    moved = [s for s in sentences(res) if "moved" in s]
    assert len(moved) == 1, sentences(res)
    assert moved[0].startswith("The measure moved up from June 2024, in the direction you want")
    assert "the five months before it were all below the centre line" in moved[0]
    assert "the fourteen from then on all above it" in moved[0]
    assert sum("new phase" in s for s in sentences(res)) == 1


def test_a_step_down_is_dated_at_the_change_too():
    res = months(HIGH + LOW)
    (sentence,) = sentences(res)
    assert sentence.startswith("The measure moved down from November 2024:")


def test_a_long_run_at_the_start_is_dated_where_it_ends():
    y = [1, 1, 1, 1, 1, 1, 1, 1, 6, 4, 7, 3, 6, 5, 7, 4, 6, 3, 7, 5]
    (sentence,) = sentences(months(y))
    assert sentence.startswith("The measure moved up from September 2024:")
    assert "the eight months up to then were all below the median" in sentence


def test_a_long_run_near_the_start_is_the_earlier_level():
    # Two ordinary months, eight low ones, then twelve ordinary months: the low months are
    # the earlier level and the change is where they end, not where they start.
    y = [7, 6] + [1] * 8 + [6, 4, 7, 3, 6, 5, 7, 4, 6, 3, 7, 5]
    (sentence,) = [s for s in sentences(months(y)) if "moved" in s]
    assert sentence.startswith("The measure moved up from November 2024:")
    assert "the eight months up to then were all below the median" in sentence


def test_a_shift_after_a_stable_start_is_dated_at_its_first_month():
    y = [5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 7, 5, 12, 13, 12, 14, 13, 12, 13, 14, 12]
    res = months(y, chart="i", rules="ihi", freeze=12)
    about_change = [s for s in sentences(res) if "moved" in s]
    assert len(about_change) == 1
    assert about_change[0].startswith("The measure moved up from January 2025")
    assert "nine months in a row were above the centre line" in about_change[0]


@pytest.mark.parametrize("rules", ["ihi", "western_electric", "nhs"])
def test_one_sustained_shift_is_one_sentence_not_one_per_window(rules):
    y = BASE + [12.1, 12.3, 11.6, 12.4, 12.0, 11.8, 12.5, 12.2, 11.7, 12.3]
    res = months(y, chart="i", rules=rules, freeze=12)
    points = res.points
    fired = [c for c in ("two_of_three", "we2", "we3", "shift", "we4") if c in points]
    assert sum(int(points[c].sum()) for c in fired) > 5  # many windows and runs fired
    assert len(sentences(res)) == 1, sentences(res)
    assert "two of three" not in sentences(res)[0]


def test_an_early_warning_without_a_run_names_its_start_and_end():
    y = BASE + [11.6, 10.0, 11.7, 10.1, 9.9, 10.2]
    res = months(y, chart="i", rules="nhs", freeze=12)
    (sentence,) = sentences(res)
    assert sentence.startswith("From January 2025 to March 2025, two of three months in a row")
    assert "more than two thirds of the way from the centre line to the upper limit" in sentence
    assert "early warning" in sentence


def test_two_separate_outside_points_are_two_events():
    y = [10, 11, 10, 12, 11, 10, 11, 30, 10, 11, 12, 10, 11, 10, 31, 11]
    res = months(y, chart="i")
    outside = [s for s in sentences(res) if "upper limit" in s]
    assert [s.split(" is ")[0] for s in outside] == [
        "The value for August 2024",
        "The value for March 2025",
    ]


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize(
    "direction,wanted,concern",
    [("up", True, False), ("down", False, True), (None, False, False)],
)
def test_step_sentence_follows_the_direction_of_improvement(direction, wanted, concern):
    (sentence,) = [s for s in months(STEP_UP, direction=direction).explain() if "moved" in s]
    assert ("in the direction you want" in sentence) is wanted
    assert ("a concern" in sentence) is concern


@pytest.mark.parametrize(
    "direction,wanted,concern",
    [("down", True, False), ("up", False, True), (None, False, False)],
)
def test_outside_and_trend_sentences_follow_the_direction(direction, wanted, concern):
    low_point = months([10, 11, 10, 12, 11, 10, 11, 1, 10, 11, 12, 10], chart="i",
                       direction=direction)  # fmt: skip
    (sentence,) = [s for s in low_point.explain() if "below the lower limit" in s]
    assert ("in the direction you want" in sentence) is wanted
    assert ("a concern" in sentence) is concern
    falling = months([9, 8, 9, 8, 9, 8, 7, 6, 5, 4, 3, 2], rules="ihi", direction=direction)
    (sentence,) = [s for s in falling.explain() if "went down" in s]
    assert ("in the direction you want" in sentence) is wanted
    assert ("a concern" in sentence) is concern


# --------------------------------------------------------------------------- too few points


def test_six_points_are_too_early_to_judge_on_a_run_chart():
    res = months([5, 6, 4, 7, 5, 30])  # even a huge last value: a run chart has no limits
    (sentence,) = res.explain()
    assert sentence.startswith("Too early to judge: only six months off the median so far")
    assert "need about 10" in sentence
    assert "cannot flag a single extreme value by itself" in sentence
    assert "Perla" in sentence and "Anhøj" in sentence
    assert "No signal" not in sentence


def test_too_early_on_a_control_chart_does_not_speak_of_run_charts():
    (sentence,) = months([10, 11, 10, 12, 11, 10], chart="i").explain()
    assert sentence.startswith("Too early to judge")
    assert "run chart" not in sentence


def test_too_early_is_said_per_phase():
    y = list(np.tile([4, 6], 8)) + [5, 7, 4]
    res = months(y, phase_starts=[16])
    text = res.explain()
    assert text == [t for t in text if t.startswith("Too early to judge in phase 2")]


def test_no_signal_needs_enough_points():
    rng = np.random.default_rng(4)
    res = months(list(np.round(rng.normal(10, 1, 24), 1)))
    assert res.explain()[0].startswith("No signal")


def test_no_variation_gives_too_early_and_the_message():
    res = analyze([5, 5, 5, 5], chart="i")
    text = res.explain()
    assert text[0].startswith("Too early to judge: no point can be read yet")
    assert any("no variation" in s for s in text)


# --------------------------------------------------------------------------- crossings and runs


def test_crossings_sentence_names_observed_lower_limit_and_expected():
    y = [1] * 6 + [9] * 6 + [1] * 6 + [9] * 6
    res = months(y)
    phase = res.phases.iloc[0]
    assert (phase.n_useful, phase.n_crossings, phase.n_crossings_min) == (24, 3, 8)
    (sentence,) = res.explain()
    assert sentence.startswith("The data crossed the median only 3 times in 24 useful months")
    assert "about 11.5 crossings (the expected number" in sentence  # (24 - 1) / 2
    assert "rarely fewer than 8 (the lower limit, Anhøj & Olesen 2014)" in sentence


def test_one_crossing_is_once_inside_the_step_sentence():
    (sentence,) = months(STEP_UP).explain()
    assert "crossed the median only once in 20 useful months" in sentence
    assert "about 9.5 crossings (the expected number" in sentence
    assert "rarely fewer than 6 (the lower limit" in sentence


def test_runs_count_sentence_under_ihi_rules():
    y = [1] * 6 + [9] * 6 + [1] * 6 + [9] * 6
    text = " ".join(months(y, rules="ihi").explain())
    assert "there are only 4 runs in 24 useful months" in text
    assert "rarely gives fewer than 8" in text


# --------------------------------------------------------------------------- baseline advice


def test_outside_points_in_a_mixed_baseline_suggest_a_new_phase_or_frozen_baseline():
    res = months(STEP_UP, chart="i")
    assert res.points.sigma_signal.any()
    advice = [s for s in res.explain() if s.startswith("The limits are computed from")]
    assert len(advice) == 1
    assert "start a new phase from November 2024" in advice[0]
    assert "freeze the baseline on the ten months before it" in advice[0]


@pytest.mark.parametrize("kw", [dict(phase_starts=[10]), dict(freeze=10)])
def test_no_baseline_advice_once_the_baseline_is_split(kw):
    res = months(STEP_UP, chart="i", **kw)
    assert not any("new phase" in s for s in res.explain())


# --------------------------------------------------------------------------- single rules


@pytest.mark.parametrize("side", ["above", "below"])
@pytest.mark.parametrize(
    "rule,expected",
    [
        ("long_run", "The measure moved {move} from March 2024: eight months in a row were {side} the median"),
        ("shift", "The measure moved {move} from March 2024: eight months in a row were {side} the median"),
        ("we4", "The measure moved {move} from March 2024: eight months in a row were {side} the median"),
        ("trend", "From March 2024 to May 2024, eight months in a row went {move}"),
        ("sigma_signal", "From March 2024 to May 2024, eight values were {side} the {limit} limit"),
        ("two_of_three", "From March 2024 to May 2024, two of three months in a row were more than two thirds of the way from the median to the {limit} limit"),
        ("we3", "From March 2024 to May 2024, four of five months in a row were more than a third of the way from the median to the {limit} limit"),
        ("hugging", "From March 2024 to May 2024, eight months in a row stayed within a third of the way from the median to the limits"),
    ],
)  # fmt: skip
def test_every_rule_sentence_names_its_rule_side_count_and_dates(rule, expected, side):
    text = explain_signal(
        rule, count=8, side=side, start="March 2024", end="May 2024",
        unit=("month", "months"), centre="median",
    )  # fmt: skip
    move, limit = ("up", "upper") if side == "above" else ("down", "lower")
    assert text.startswith(expected.format(move=move, side=side, limit=limit)), text
    assert text.endswith(".")


@pytest.mark.parametrize("side,where", [("above", "above the upper"), ("below", "below the lower")])
def test_one_value_outside_the_limits(side, where):
    text = explain_signal("sigma_signal", side=side, start="H", direction="up")
    assert text.startswith(f"The value for H is {where} limit")
    assert ("direction you want" in text) is (side == "above")


def test_rule_sentences_without_periods_name_none():
    for rule in ("long_run", "trend", "sigma_signal", "two_of_three", "hugging"):
        text = explain_signal(rule, count=1, side="above")
        assert " from ," not in text and "for  " not in text and "From  " not in text, text
        assert text[0].isupper() and text.endswith("."), text
    assert explain_signal("long_run").startswith("The measure moved up: one point in a row was")


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="No explanation"):
        explain_signal("vibes")


# --------------------------------------------------------------------------- grammar and words


def test_counts_agree_with_their_nouns():
    assert count_of(1, ("month", "months")) == "one month"
    assert count_of(8, ("month", "months")) == "eight months"
    assert count_of(21, ("month", "months")) == "21 months"
    assert [times(k) for k in (1, 2, 3)] == ["once", "twice", "3 times"]


BAD = re.compile(r"\b(1|one) (months|points|weeks|times|runs|crossings)\b|\b1 times\b", re.I)


@pytest.mark.parametrize("seed", range(12))
def test_no_jargon_code_or_bad_plurals_in_any_explanation(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(3, 30))
    y = np.round(
        rng.normal(10, 2, size)
        + np.r_[np.zeros(size // 2), np.full(size - size // 2, rng.choice([0, 4]))],
        1,
    )
    for chart in ("run", "i", "c"):
        for rules in ("anhoej", "ihi", "nhs", "western_electric"):
            res = months(list(np.abs(y)), chart=chart, rules=rules,
                         direction=rng.choice(["up", "down", None]))  # fmt: skip
            text = " ".join(res.explain())
            assert not BAD.search(text), text
            for word in ("sigma", "multiply", "=", "around"):
                assert word not in text.lower(), (word, text)
            labels = " ".join(map(str, res.points["rule"].cat.categories))
            assert "sigma" not in labels


def test_every_sentence_and_message_starts_with_a_capital():
    res = months([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 5, 5, 5], chart="i", phase_starts=[10])
    text = res.explain()
    assert any(s.startswith("Phase 2: all values used for the centre line") for s in text)
    assert all(s[0].isupper() and s.endswith(".") for s in text)


def test_one_teams_messages_start_with_a_capital_and_keep_the_team_name():
    frame = pd.DataFrame({"team": ["ward a"] * 6, "period": range(6), "value": [5, 6, 5, 5, 5, 5]})
    many = analyze_many(frame, chart="i", phase_starts=[2])
    assert any(m.startswith("ward a, phase 2: ") for m in many.messages)
    one = many.series("ward a")
    assert any(m.startswith("Phase 2: all values") for m in one.messages)


@pytest.mark.parametrize("seed", range(40))
def test_any_series_gets_whole_sentences_without_jargon(seed):
    """Every chart and rule set, with gaps, phases, exclusions and frozen baselines."""
    rng = np.random.default_rng(1000 + seed)
    chart = str(rng.choice(["run", "i", "mr", "c", "g", "t", "p", "pp", "u", "up"]))
    size = int(rng.integers(0, 30))
    den = rng.integers(1, 60, size).astype(float)
    if chart in ("p", "pp"):
        y = rng.binomial(den.astype(int), rng.uniform(0.1, 0.9)).astype(float)
    elif chart == "t":
        y = rng.exponential(5, size) + 0.1
    else:
        y = rng.poisson(rng.uniform(0.2, 8), size).astype(float)
    if size > 10:
        y[size // 2 :] = np.minimum(den[size // 2 :], y[size // 2 :] * 2)  # a step up
    if size:
        y[rng.integers(0, size)] = np.nan
    kw: dict = dict(
        chart=chart, rules=str(rng.choice(["anhoej", "ihi", "nhs", "western_electric"]))
    )
    kw["direction"] = rng.choice(["up", "down", None])
    if size > 4:
        kw.update(phase_starts=[int(rng.integers(1, size))], exclude=[int(rng.integers(0, size))])
    if rng.random() < 0.4:
        kw["freeze"] = int(rng.integers(1, 15))
    res = months(y, n=den if chart in ("p", "pp", "u", "up") else None, **kw)
    text = res.explain()
    assert text and all(s[0].isupper() and s.endswith(".") for s in text), text
    joined = " ".join(text)
    for bad in ("sigma", "1 times", " from ,", "  ", "nan", "None", "="):
        assert bad not in joined, (bad, joined)
    assert not BAD.search(joined), joined
