"""Aim feedback: the five elements, the stretch check and reading pasted aims."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kit.qi.aim_stretch import stretch_rule
from kit.qi.aims import (
    ELEMENTS,
    check_stretch,
    compose_aim,
    parse_free_text_aim,
    review_aim,
    review_free_text_aim,
)
from kit.qi.records import Aim, Measure

TODAY = dt.date(2026, 11, 26)


def make_aim(**changes: object) -> Aim:
    fields: dict[str, object] = {
        "team_id": "team-1",
        "what": "the share of patients with diabetes meeting A1C and blood-pressure targets",
        "for_whom": "adults",
        "where": "Riverside Clinic",
        "baseline": 50.0,
        "target": 75.0,
        "unit": "%",
        "direction": "up",
        "by_when": dt.date(2027, 5, 31),
    }
    fields.update(changes)
    return Aim(**fields)  # type: ignore[arg-type]


# --- composing -----------------------------------------------------------------------------


def test_compose_reads_as_one_sentence() -> None:
    assert compose_aim(make_aim()) == (
        "Increase the share of patients with diabetes meeting A1C and blood-pressure targets "
        "from 50% to 75% for adults at Riverside Clinic by 31 May 2027."
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {
                "what": "falls",
                "baseline": 4.0,
                "target": 2.0,
                "unit": "falls per 1,000 patient-days",
                "direction": "down",
                "where": "on ward 4",
                "for_whom": "inpatients",
            },
            "Reduce falls from 4 to 2 falls per 1,000 patient-days for inpatients on ward 4 "
            "by 31 May 2027.",
        ),
        (
            {"what": "raise the share of patients seen within 7 days", "direction": None},
            "Raise the share of patients seen within 7 days from 50% to 75% for adults at "
            "Riverside Clinic by 31 May 2027.",
        ),
        (
            {
                "what": "days to third next available appointment",
                "baseline": 53.0,
                "target": 26.0,
                "unit": "days",
                "direction": None,
                "for_whom": "for all patients",
            },
            "Reduce days to third next available appointment from 53 to 26 days for all "
            "patients at Riverside Clinic by 31 May 2027.",
        ),
        (
            {"what": "", "for_whom": "", "by_when": None},
            "Increase [what will improve] from 50% to 75% [for whom] at Riverside Clinic "
            "[by when].",
        ),
        (
            {"baseline": 1250.5, "target": 2000.0, "unit": "steps"},
            "Increase the share of patients with diabetes meeting A1C and blood-pressure "
            "targets from 1,250.5 to 2,000 steps for adults at Riverside Clinic by 31 May 2027.",
        ),
    ],
)
def test_compose_variants(changes: dict[str, object], expected: str) -> None:
    assert compose_aim(make_aim(**changes)) == expected


def test_compose_without_placeholders_leaves_gaps_out() -> None:
    aim = make_aim(for_whom="", where="", by_when=None)
    assert compose_aim(aim, placeholders=False) == (
        "Increase the share of patients with diabetes meeting A1C and blood-pressure targets "
        "from 50% to 75%."
    )
    assert compose_aim(Aim(team_id="t"), placeholders=False) == ""


# --- element checks on built aims ------------------------------------------------------------

#: (case, changes to the good aim, element, expected status, words in the message)
ELEMENT_CASES = [
    ("good aim", {}, None, "ok", ""),
    ("no what", {"what": ""}, "what", "missing", "Say what will improve"),
    ("change not result", {"what": "implement an EMR"}, "what", "weak", "change to make"),
    ("roll out is a change", {"what": "roll out a sepsis bundle"}, "what", "weak", "not a result"),
    ("vague what", {"what": "improve quality"}, "what", "weak", "too general"),
    ("no numbers", {"baseline": None, "target": None}, "how_much", "missing", "as numbers"),
    ("no baseline", {"baseline": None}, "how_much", "weak", "baseline"),
    ("no target", {"target": None}, "how_much", "weak", "target"),
    ("no unit", {"unit": ""}, "how_much", "weak", "unit"),
    (
        "timid",
        {"baseline": 50.0, "target": 53.0},
        "how_much",
        "weak",
        "3 percentage points higher, closing 6% of the gap to 100%. That is timid",
    ),
    ("impossible percent", {"baseline": 80.0, "target": 120.0}, "how_much", "weak", "impossible"),
    (
        "negative target",
        {"baseline": 5.0, "target": -1.0, "unit": "days", "direction": "down"},
        "how_much",
        "weak",
        "below zero",
    ),
    ("modest is still ok", {"baseline": 50.0, "target": 62.0}, "how_much", "ok", "modest"),
    ("big stretch", {"baseline": 40.0, "target": 90.0}, "how_much", "ok", "a stretch"),
    ("no date", {"by_when": None}, "by_when", "missing", "choose a date"),
    ("past date", {"by_when": dt.date(2026, 1, 31)}, "by_when", "weak", "already passed"),
    ("too near", {"by_when": dt.date(2026, 12, 31)}, "by_when", "weak", "only 5 weeks"),
    ("too far", {"by_when": dt.date(2028, 12, 31)}, "by_when", "weak", "beyond a typical"),
    ("15 months is fine", {"by_when": dt.date(2028, 2, 26)}, "by_when", "ok", "15 months"),
    ("16 months is too far", {"by_when": dt.date(2028, 3, 26)}, "by_when", "weak", "15 months"),
    ("no one", {"for_whom": ""}, "for_whom", "missing", "for whom"),
    ("everyone", {"for_whom": "everyone"}, "for_whom", "weak", "too broad"),
    ("nowhere", {"where": ""}, "where", "missing", "Say where"),
    ("here", {"where": "here"}, "where", "weak", "not a place"),
]


@pytest.mark.parametrize(
    ("changes", "element", "status", "words"),
    [case[1:] for case in ELEMENT_CASES],
    ids=[case[0] for case in ELEMENT_CASES],
)
def test_review_aim_elements(
    changes: dict[str, object], element: str | None, status: str, words: str
) -> None:
    review = review_aim(make_aim(**changes), today=TODAY)
    if element is None:
        assert review.passes
        assert all(f.status == "ok" for f in review.findings)
        return
    finding = review.finding(element)
    assert finding.status == status, finding.message
    assert words in finding.message
    others = [f for f in review.findings if f.element != element]
    assert all(f.status == "ok" for f in others), [f.message for f in others]
    assert review.passes is (status == "ok")


def test_review_lists_findings_in_builder_order_and_summarises() -> None:
    review = review_aim(make_aim(where="", baseline=50.0, target=52.0), today=TODAY)
    assert [f.element for f in review.findings] == list(ELEMENTS)
    assert review.summary == "Still missing: where. To strengthen: how much."
    assert review.sentence.endswith("[where] by 31 May 2027.")


def test_measure_direction_overrides_and_is_checked() -> None:
    lower_is_better = Measure(
        collaborative_id="c", name="Poor control", measure_kind="outcome", direction="down"
    )
    review = review_aim(make_aim(), measure=lower_is_better, today=TODAY)
    assert review.finding("how_much").status == "weak"
    assert "lower is better" in review.finding("how_much").message
    # an aim without its own direction is judged by the measure's
    review = review_aim(make_aim(direction=None), measure=lower_is_better, today=TODAY)
    assert "Lower is better" in review.finding("how_much").message
    # and the measure's unit is used when the aim has none
    percent = lower_is_better.model_copy(update={"direction": "up", "unit": "%"})
    review = review_aim(make_aim(unit="", direction=None), measure=percent, today=TODAY)
    assert review.finding("how_much").status == "ok"


# --- stretch --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "target", "direction", "unit", "verdict"),
    [
        (50, 75, "up", "%", "stretch"),
        (50, 55, "up", "%", "timid"),
        (90, 95, "up", "%", "stretch"),  # 6% relative, but half the gap to 100% closed
        (20, 19, "down", "%", "timid"),
        (20, 15, "down", "%", "modest"),
        (7.7, 1.1, "down", "", "stretch"),
        (53, 26, "down", "days", "stretch"),
        (50, 75, "down", "%", "wrong_direction"),
        (50, 50, "up", "%", "wrong_direction"),
        (50, 101, "up", "%", "impossible"),
        (-5, 10, "up", "%", "impossible"),
        (3, -1, "down", "", "impossible"),
        (0, 5, "up", "", "unknown"),
        (3.56, 0, "down", "falls per 1,000 patient-days", "stretch"),
    ],
)
def test_check_stretch(
    baseline: float, target: float, direction: str, unit: str, verdict: str
) -> None:
    assert check_stretch(baseline, target, direction=direction, unit=unit).verdict == verdict  # type: ignore[arg-type]


def test_stretch_thresholds_are_parameters() -> None:
    assert check_stretch(50, 55, unit="%").verdict == "timid"
    assert check_stretch(50, 55, unit="%", timid_below=0.05, modest_below=0.05).verdict == (
        "stretch"
    )


# --- free text ------------------------------------------------------------------------------

#: (aim as pasted, elements expected ok, elements expected missing, elements expected weak)
FREE_TEXT = [
    (
        "raise the share of patients with diabetes meeting A1C and blood-pressure targets "
        "from 50% to 75% by May 2027",
        {"what", "how_much", "by_when", "for_whom"},
        {"where"},
        set(),
    ),
    ("implement an EMR", set(), {"how_much", "by_when", "for_whom", "where"}, {"what"}),
    (
        # a relative target: the reader asks for the baseline
        "Reduce falls by 30% among inpatients on ward 4 by June 2027",
        {"what", "by_when", "for_whom", "where"},
        set(),
        {"how_much"},
    ),
    (
        "Reduce days to third next available appointment from 53 to 26 days for patients at "
        "Elm Street Practice by the end of 2027",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "Increase hand hygiene compliance among staff on ward 7 from 40% to 90% within 12 months",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "Reduce CLABSI from 7.7 to 1.1 infections per 1,000 line-days for ventilated patients "
        "in the ICU by 31/12/2027",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "Our aim: reduce sepsis mortality from 21% to 9% for adults admitted through the "
        "emergency department at Northgate Hospital by 2027-09-30",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "We will improve care soon",
        set(),
        {"how_much", "by_when", "for_whom", "where"},
        {"what"},
    ),
    (
        "Increase hand hygiene compliance some",
        {"what"},
        {"how_much", "by_when", "for_whom", "where"},
        set(),
    ),
    (
        # 2.5% relative: timid even for readmissions, which typically fall 5-20%
        "Reduce 30-day readmissions from 20% to 19.5% for patients discharged from Riverside "
        "Hospital by March 2027",
        {"what", "by_when", "for_whom", "where"},
        set(),
        {"how_much"},
    ),
    (
        "Increase bundle compliance from 80% to 120% for ventilated patients in the ICU by "
        "June 2027",
        {"what", "by_when", "for_whom", "where"},
        set(),
        {"how_much"},
    ),
    (
        "Reduce sepsis mortality to 10% by December 2027",
        {"what", "by_when"},
        {"for_whom", "where"},
        {"how_much"},
    ),
    (
        "Make things better for everyone",
        set(),
        {"how_much", "by_when", "where"},
        {"what", "for_whom"},
    ),
    (
        "Reduce pressure injuries from 2.4% to 1% for residents of Oak Lodge care home by Q3 2027",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "Reduce falls for residents in our nursing homes by 50% as soon as possible",
        {"what", "for_whom", "where"},
        {"by_when"},
        {"how_much"},
    ),
    (
        "Increase the share of mothers breastfeeding at discharge from 45% to 70% at "
        "Riverside maternity unit by 31 January 2028",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "Reduce waiting times in the emergency department from 6 to 4 hours for patients by 2025",
        {"what", "how_much", "for_whom", "where"},
        set(),
        {"by_when"},
    ),
    (
        "Lower door-to-needle time for stroke patients at Hillside Hospital from 60 to 30 "
        "minutes by spring 2027",
        set(ELEMENTS),
        set(),
        set(),
    ),
    (
        "Be the best hospital in the country",
        set(),
        {"how_much", "by_when", "for_whom", "where"},
        {"what"},
    ),
    (
        "Train all nurses on the new pressure ulcer policy by January 2027",
        {"for_whom"},
        {"how_much", "where"},
        {"what", "by_when"},
    ),
    (
        "Increase hand hygiene compliance from 40% to 42% for staff on ward 3 by June 2027",
        {"what", "by_when", "for_whom", "where"},
        set(),
        {"how_much"},
    ),
    (
        "Reduce catheter infections from 3 to 1 infections per 1,000 catheter-days in ICU "
        "patients at Lakeside by June 2029",
        {"what", "how_much", "for_whom", "where"},
        set(),
        {"by_when"},
    ),
]


@pytest.mark.parametrize(
    ("text", "ok", "missing", "weak"), FREE_TEXT, ids=[row[0][:40] for row in FREE_TEXT]
)
def test_review_free_text_aim(text: str, ok: set[str], missing: set[str], weak: set[str]) -> None:
    review = review_free_text_aim(text, today=TODAY)
    status = review.status
    got_ok = {e for e, s in status.items() if s == "ok"}
    got_missing = {e for e, s in status.items() if s == "missing"}
    got_weak = {e for e, s in status.items() if s == "weak"}
    assert (got_ok, got_missing, got_weak) == (ok, missing, weak), [
        f.message for f in review.findings
    ]
    assert review.passes is (ok == set(ELEMENTS))


@pytest.mark.parametrize(
    ("text", "element", "message"),
    [
        ("Increase compliance some", "how_much", "Some is not a number"),
        ("Reduce falls soon", "by_when", "Soon is not a time: choose a date."),
        ("Reduce falls by 50% as soon as possible", "by_when", "As soon as possible is not a time"),
        ("We will improve patient experience", "how_much", "Improve is not a number"),
        ("implement an EMR", "what", "This describes a change to make, not a result to achieve"),
        ("Reduce falls on ward 4 by spring 2027", "by_when", "31 May 2027, the end of spring"),
    ],
)
def test_free_text_messages(text: str, element: str, message: str) -> None:
    assert message in review_free_text_aim(text, today=TODAY).finding(element).message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by May 2027", dt.date(2027, 5, 31)),
        ("by 31/05/2027", dt.date(2027, 5, 31)),
        ("by 05/31/2027", dt.date(2027, 5, 31)),
        ("by 31 May 2027", dt.date(2027, 5, 31)),
        ("by 1st June 2027", dt.date(2027, 6, 1)),
        ("by May 31, 2027", dt.date(2027, 5, 31)),
        ("by 2027-05-31", dt.date(2027, 5, 31)),
        ("by the end of 2027", dt.date(2027, 12, 31)),
        ("by the end of March 2027", dt.date(2027, 3, 31)),
        ("by Q2 2027", dt.date(2027, 6, 30)),
        ("within 12 months", dt.date(2027, 11, 26)),
        ("within six months", dt.date(2027, 5, 26)),
        ("within 8 weeks", dt.date(2027, 1, 21)),
        ("by May", dt.date(2027, 5, 31)),
        ("by December", dt.date(2026, 12, 31)),
        ("by 2027", dt.date(2027, 12, 31)),
        ("by Sept 2027", dt.date(2027, 9, 30)),
        ("by September 2027", dt.date(2027, 9, 30)),
        ("by the end of next year", dt.date(2027, 12, 31)),
        ("by the end of this year", dt.date(2026, 12, 31)),
        ("soon", None),
        ("next year", None),
    ],
)
def test_free_text_dates(text: str, expected: dt.date | None) -> None:
    parts = parse_free_text_aim(f"Reduce falls from 4 to 2 {text}", today=TODAY)
    assert parts.by_when == expected
    assert (parts.baseline, parts.target) == (4.0, 2.0)


@pytest.mark.parametrize(
    ("text", "baseline", "target", "unit", "relative", "direction"),
    [
        ("Raise compliance from 50% to 75%", 50.0, 75.0, "%", None, "up"),
        ("Reduce waits from 53 to 26 days for patients", 53.0, 26.0, "days", None, "down"),
        (
            "Reduce CLABSI from 7.7 to 1.1 per 1,000 line-days",
            7.7,
            1.1,
            "per 1,000 line-days",
            None,
            "down",
        ),
        ("Cut falls by 30% by June 2027", None, None, "", 0.3, "down"),
        ("Halve readmissions", None, None, "", 0.5, "down"),
        ("Reduce pressure injuries to zero", None, 0.0, "", None, "down"),
        ("A 40% reduction in falls", None, None, "", 0.4, "down"),
        ("Achieve 95% bundle compliance", None, 95.0, "%", None, None),
        ("Infections from 1,200 to 600 a year", 1200.0, 600.0, "a year", None, "down"),
    ],
)
def test_free_text_numbers(
    text: str,
    baseline: float | None,
    target: float | None,
    unit: str,
    relative: float | None,
    direction: str,
) -> None:
    parts = parse_free_text_aim(text, today=TODAY)
    assert (parts.baseline, parts.target, parts.unit, parts.relative_target, parts.direction) == (
        baseline,
        target,
        unit,
        relative,
        direction,
    )


def test_free_text_parts_prefill_the_builder() -> None:
    parts = parse_free_text_aim(
        "Increase hand hygiene compliance among staff on ward 7 from 40% to 90% by June 2027",
        today=TODAY,
    )
    assert parts.what == "Increase hand hygiene compliance"
    assert parts.for_whom == "staff"
    assert parts.where == "on ward 7"
    assert parts.by_when == dt.date(2027, 6, 30)


def test_empty_free_text_is_all_missing() -> None:
    review = review_free_text_aim("   ", today=TODAY)
    assert {f.status for f in review.findings} == {"missing"}
    assert not review.passes


def test_an_aim_only_pasted_is_reviewed_from_its_free_text() -> None:
    aim = Aim(team_id="t", free_text="Reduce falls by 30% among inpatients on ward 4 by June 2027")
    review = review_aim(aim, today=TODAY)
    assert review.status == {
        "what": "ok",
        "how_much": "weak",  # a relative target: asks for the baseline
        "by_when": "ok",
        "for_whom": "ok",
        "where": "ok",
    }
    assert "A 30% fall from what level?" in review.finding("how_much").message
    assert review.parts is not None and review.parts.where == "on ward 4"


@pytest.mark.parametrize(
    "text",
    ["within 99999 years", "by 31/02/2027", "by 0000-00-00", "a" * 4000, "from 1 " * 600],
)
def test_hostile_text_never_raises(text: str) -> None:
    review = review_free_text_aim(text, TODAY)
    assert len(review.findings) == 5


def test_word_lists_are_content_and_all_text() -> None:
    from kit.content import load
    from kit.qi.aim_parts import words

    content = load("aim_words")
    assert content["source"]
    for key, value in content.items():
        if isinstance(value, list):
            assert words(key), key  # every list loads, as text (a bare 'on' would be a boolean)


# --- issue 11: stretch per kind of measure, percentage points, dates from when set ----------


@pytest.mark.parametrize(
    ("what", "baseline", "target", "unit", "verdict", "words"),
    [
        # readmissions typically fall 5-20% relative (Leppin et al. 2014): 22% -> 18% is a stretch
        ("30-day readmissions", 22, 18, "%", "stretch", "a stretch for readmissions"),
        ("30-day readmissions", 22, 20.5, "%", "modest", "modest for readmissions"),
        ("30-day readmissions", 22, 21.5, "%", "timid", "timid for readmissions"),
        # the same 18% relative fall on a measure without its own row is timid by default
        ("sepsis mortality", 22, 18, "%", "timid", "timid for most measures"),
        # central-line infections have fallen far more (Pronovost et al. 2006)
        ("CLABSI", 7.7, 5.0, "infections per 1,000 line-days", "modest", "central-line"),
        ("CLABSI", 7.7, 1.1, "infections per 1,000 line-days", "stretch", "central-line"),
        # process measures move more than outcomes (Miller et al. 2013)
        ("hand hygiene compliance", 40, 55, "%", "timid", "bundle compliance"),
        ("hand hygiene compliance", 40, 90, "%", "stretch", "bundle compliance"),
    ],
)
def test_stretch_depends_on_the_kind_of_measure(
    what: str, baseline: float, target: float, unit: str, verdict: str, words: str
) -> None:
    aim = make_aim(what=what, baseline=baseline, target=target, unit=unit, direction=None)
    review = review_aim(aim, today=TODAY)
    assert review.stretch is not None
    assert review.stretch.verdict == verdict
    assert words in review.stretch.message
    # every stretch message names the source it was judged by
    assert stretch_rule(what).cite in review.stretch.message


def test_stretch_rows_are_cited_content() -> None:
    from kit.content import load

    content = load("aim_stretch")
    rows = [content["default"], *content["kinds"]]
    for row in rows:
        assert row["source"] and row["cite"] and row["typical"]
        assert 0 < row["timid_below"] <= row["modest_below"] < 1
    assert "readmissions typically fall by 5-20%" in load("aim_stretch")["kinds"][0]["typical"]


@pytest.mark.parametrize(
    ("baseline", "target", "words"),
    [
        (90, 95, "5 percentage points higher, closing 50% of the gap to 100%"),
        (5, 70, "65 percentage points higher, closing 68% of the gap to 100%"),
        (22, 18, "4 percentage points lower, a relative fall of 18%"),
        (50, 51, "1 percentage point higher"),
    ],
)
def test_percentages_are_spoken_in_points_and_gap_closed(
    baseline: float, target: float, words: str
) -> None:
    message = check_stretch(baseline, target, unit="%").message
    assert words in message
    assert "improvement on the baseline" not in message
    assert "1300%" not in message and "1,300%" not in message


def test_the_thirty_to_fifty_percent_rule_is_softened_and_cited() -> None:
    message = check_stretch(50, 52, unit="%").message
    assert "30-50%" not in message
    assert "a judgement rather than a published rule" in message
    assert "(IHI Breakthrough Series white paper, 2003)" in message


def test_relative_targets_ask_for_the_baseline_and_get_a_stretch_check() -> None:
    review = review_free_text_aim(
        "Reduce falls by 10% on ward 4 for inpatients by June 2027", TODAY
    )
    finding = review.finding("how_much")
    assert finding.status == "weak"
    assert "A 10% fall from what level? Give the baseline you measured" in finding.message
    assert review.stretch is not None and review.stretch.verdict == "timid"
    # with a baseline the target is worked out and said back
    review = review_free_text_aim(
        "Reduce falls from a baseline of 8 per month by 50% on ward 4 for inpatients by June 2027",
        TODAY,
    )
    assert (review.parts.baseline, review.parts.target) == (8.0, 4.0)  # type: ignore[union-attr]
    assert "read a fall of 50% from 8 as a target of 4" in review.finding("how_much").message
    assert review.passes


#: the demo's aim: written in February 2026, due at the end of February 2027
DEMO_AIM = {
    "what": "falls per 1,000 patient-days",
    "for_whom": "adult inpatients",
    "where": "Ward 4",
    "baseline": 4.1,
    "target": 2.9,
    "unit": "falls per 1,000 patient-days",
    "direction": "down",
    "by_when": dt.date(2027, 2, 28),
}


def test_dates_are_judged_from_when_the_aim_was_set() -> None:
    aim = make_aim(**DEMO_AIM)
    read_later = review_aim(aim, today=dt.date(2026, 12, 2))
    assert "only 12 weeks after today (2 December 2026)" in read_later.finding("by_when").message
    set_then = review_aim(aim, today=dt.date(2026, 12, 2), set_on=dt.date(2026, 2, 15))
    finding = set_then.finding("by_when")
    assert finding.status == "ok"
    assert "12 months after 15 February 2026, when the aim was set" in finding.message
    # the collaborative's own closing date wins over the 18-month rule of thumb
    closes = review_aim(aim, set_on=dt.date(2026, 2, 15), ends_on=dt.date(2026, 12, 31))
    assert closes.finding("by_when").status == "weak"
    assert "after the collaborative closes on 31 December 2026" in closes.finding("by_when").message


def test_relative_dates_in_pasted_aims_count_from_when_the_aim_was_set() -> None:
    review = review_free_text_aim(
        "Reduce falls from 6 to 3 per month for inpatients on ward 4 within 12 months",
        dt.date(2026, 12, 2),
        set_on=dt.date(2026, 3, 1),
    )
    assert review.parts is not None and review.parts.by_when == dt.date(2027, 3, 1)
    assert "counted from 1 March 2026" in review.finding("by_when").message


def test_the_unit_is_said_once() -> None:
    sentence = compose_aim(make_aim(**DEMO_AIM))
    assert sentence == (
        "Reduce falls per 1,000 patient-days from 4.1 to 2.9 for adult inpatients at Ward 4 "
        "by 28 February 2027."
    )
    assert sentence.count("per 1,000 patient-days") == 1


def test_grammar_of_numbers_in_messages() -> None:
    from kit.qi.aim_parts import article, plural

    assert [article(x) for x in ("18%", "8%", "11%", "80", "6%", "1,100", "up")] == [
        "an",
        "an",
        "an",
        "an",
        "a",
        "a",
        "an",
    ]
    assert (plural(1, "time"), plural(2, "time"), plural(1, "week")) == (
        "1 time",
        "2 times",
        "1 week",
    )
    review = review_free_text_aim("Reduce readmissions by 18% for heart failure patients", TODAY)
    assert review.finding("how_much").message.startswith("An 18% fall from what level?")
    near = review_aim(make_aim(by_when=dt.date(2026, 12, 3)), today=TODAY)
    assert "only 1 week after" in near.finding("by_when").message


def test_no_message_in_the_table_says_a_before_a_vowel_number_or_1_times() -> None:
    from pathlib import Path

    import yaml

    table = yaml.safe_load(Path(__file__).with_name("aim_table.yaml").read_text("utf-8"))
    for row in table:
        for finding in review_free_text_aim(row["aim"], TODAY).findings:
            assert not re.search(r"\b[Aa] (?:8|11\b|18\b)", finding.message), finding.message
            assert not re.search(r"\b1 (?:times|weeks|months|percentage points)\b", finding.message)


def test_the_reader_asks_about_what_it_cannot_read() -> None:
    review = review_free_text_aim(
        "Reduce falls 6 3 per month for inpatients on ward 4 by June 2027", TODAY
    )
    assert "I found '6', '3' but could not tell the baseline from the target" in (
        review.finding("how_much").message
    )
    review = review_free_text_aim(
        "Reduce falls from 6 to 3 per month for inpatients on ward 4 by end of FY27", TODAY
    )
    assert review.finding("by_when").status == "missing"
    assert "I could not read 'fy27' as a date" in review.finding("by_when").message
    assert review.parts is not None and review.parts.by_when is None  # no guess


def test_a_change_posing_as_an_aim_is_named_and_not_dressed_up() -> None:
    review = review_free_text_aim("Train all nurses on the new pressure ulcer policy", TODAY)
    assert "This describes a change to make, not a result to achieve" in (
        review.finding("what").message
    )
    assert "'Train all nurses on the new pressure ulcer policy'" in review.finding("what").message
    assert review.sentence.startswith("[What will improve once the change works]")
    assert "Improve Train" not in review.sentence


@pytest.mark.parametrize(
    "what",
    ["Improve patient safety", "do better with hand hygiene", "quality of care", "patient flow"],
)
def test_a_theme_is_not_a_measurable_what(what: str) -> None:
    finding = review_aim(make_aim(what=what), today=TODAY).finding("what")
    assert finding.status == "weak"
    assert "names a theme" in finding.message


@pytest.mark.parametrize(
    "what",
    ["falls with harm", "hand hygiene compliance", "the share of patients who receive antibiotics"],
)
def test_a_measurable_what_passes(what: str) -> None:
    assert review_aim(make_aim(what=what), today=TODAY).finding("what").status == "ok"


def test_the_furthest_aim_date_is_the_longest_collaborative_in_the_content() -> None:
    """Issue 10: the aim review had its own 18 months; it now takes the longest collaborative
    from kit/content/collaborative.yaml (IHI 2003: 6 to 15 months), as the timeline does."""
    from kit.content import collaborative_length
    from kit.qi import aim_review
    from kit.qi.aim_parts import add_months

    longest = int(collaborative_length()["max"])
    assert longest == aim_review.MAX_MONTHS_AHEAD
    assert (
        review_aim(make_aim(by_when=add_months(TODAY, longest)), today=TODAY)
        .finding("by_when")
        .status
        == "ok"
    )
    late = review_aim(
        make_aim(by_when=add_months(TODAY, longest) + dt.timedelta(days=1)), today=TODAY
    )
    assert late.finding("by_when").status == "weak"
    assert f"more than {longest} months" in late.finding("by_when").message
