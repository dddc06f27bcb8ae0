"""PDSA state rules (no Do without a prediction, no Act without a Study) and ramps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kit.errors import KitInputError
from kit.qi.pdsa import (
    SCALES,
    check_plan,
    check_study,
    cycle_annotations,
    next_cycle,
    ramps,
    record_act,
    record_do,
    record_study,
    scale_label,
    scale_rank,
    stage,
)
from kit.qi.records import ChangeIdea, PDSACycle
from kit.qi.validation import check

D = dt.date

PLANNED: dict[str, Any] = {
    "team_id": "t1",
    "change_idea_id": "ci-1",
    "title": "Checklist, one nurse, one shift",
    "objective": "See whether the checklist fits admission",
    "questions": "Will nurses complete it at handover?",
    "prediction": "4 of 5 admissions will have it completed",
    "plan_who": "One staff nurse",
    "plan_what": "Use the checklist for every admission",
    "plan_when": "One early shift",
    "plan_where": "Ward 7",
    "data_plan": "Tally of admissions with the checklist done",
    "measure_ids": ["m-assess"],
    "scale": "one_shift",
    "start": D(2026, 3, 2),
}


def cycle(**changes: Any) -> PDSACycle:
    return PDSACycle(**{**PLANNED, **changes})


def studied() -> PDSACycle:
    done = record_do(cycle(), "5 admissions, 3 with the checklist")
    return record_study(done, "3 of 5, below the prediction of 4: handover is the gap", "partly")


# --- Plan ---------------------------------------------------------------------------------


def test_a_complete_plan_has_no_findings() -> None:
    assert check_plan(cycle()) == []


@pytest.mark.parametrize(
    ("field", "empty", "words"),
    [
        ("objective", "", "objective"),
        ("questions", "", "questions"),
        ("prediction", "", "predict"),
        ("plan_who", "", "Who"),
        ("plan_what", "", "What exactly"),
        ("plan_when", "", "When"),
        ("plan_where", "", "Where"),
        ("data_plan", "", "data"),
        ("measure_ids", [], "measures"),
        ("scale", "", "Start small"),
    ],
)
def test_each_missing_plan_element_is_asked_for(field: str, empty: Any, words: str) -> None:
    findings = check_plan(cycle(**{field: empty}))
    assert [f.field for f in findings] == [field]
    assert words in findings[0].message
    assert findings[0].severity == ("missing" if field == "prediction" else "advice")


# --- Do needs a prediction ----------------------------------------------------------------


def test_do_is_refused_without_a_prediction() -> None:
    with pytest.raises(KitInputError, match="Write a prediction"):
        record_do(cycle(prediction=""), "Ran it on the early shift")


def test_the_record_itself_refuses_do_notes_without_a_prediction() -> None:
    data = {**PLANNED, "prediction": "", "do_notes": "Ran it"}
    with pytest.raises(KitInputError, match="Write a prediction in the plan"):
        check(PDSACycle, data)


def test_do_needs_notes() -> None:
    with pytest.raises(KitInputError, match="what happened"):
        record_do(cycle(), "   ")


# --- Study compares with the prediction, Act needs a Study --------------------------------


def test_study_needs_do_first() -> None:
    with pytest.raises(KitInputError, match="Do"):
        record_study(cycle(), "It went well", "yes")


def test_study_quotes_the_prediction_when_empty() -> None:
    done = record_do(cycle(), "Ran it")
    with pytest.raises(KitInputError, match="4 of 5 admissions"):
        record_study(done, "", "yes")


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, []),
        ({"study_notes": ""}, ["study_missing"]),
        ({"prediction_held": None}, ["prediction_held_missing"]),
    ],
)
def test_check_study(changes: dict[str, Any], codes: list[str]) -> None:
    c = studied().model_copy(update=changes)
    assert [f.code for f in check_study(c)] == codes


@pytest.mark.parametrize("decision", ["adopt", "adapt", "abandon"])
def test_act_is_refused_without_a_study(decision: str) -> None:
    done = record_do(cycle(), "Ran it")
    with pytest.raises(KitInputError, match="Study the result before deciding"):
        record_act(done, decision, "notes")  # type: ignore[arg-type]


def test_act_is_refused_when_the_study_does_not_say_whether_the_prediction_held() -> None:
    c = record_do(cycle(), "Ran it").model_copy(update={"study_notes": "Went fine"})
    with pytest.raises(KitInputError, match="matched the prediction"):
        record_act(c, "adopt")


def test_adapt_needs_to_say_what_changes() -> None:
    with pytest.raises(KitInputError, match="what you will change"):
        record_act(studied(), "adapt", "")


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ({"prediction": ""}, "plan"),
        ({}, "do"),
        ({"do_notes": "Ran it"}, "study"),
        ({"do_notes": "Ran it", "study_notes": "As predicted"}, "act"),
        (
            {"do_notes": "Ran it", "study_notes": "As predicted", "act": "adopt"},
            "done",
        ),
    ],
)
def test_stage(steps: dict[str, Any], expected: str) -> None:
    assert stage(cycle(**steps)) == expected


# --- Adapt starts the next cycle of the ramp ----------------------------------------------


def test_adapt_starts_the_next_cycle_linked_to_the_previous_one() -> None:
    first = record_act(studied(), "adapt", "Put the checklist in the admission pack")
    second = next_cycle(first, scale="one_ward", start=D(2026, 3, 9))
    assert second.previous_id == first.id and second.id != first.id
    assert second.change_idea_id == first.change_idea_id
    assert second.measure_ids == first.measure_ids
    assert second.plan_what == "Put the checklist in the admission pack"
    assert second.scale == "one_ward"
    # a new cycle needs its own prediction, and has done nothing yet
    assert second.prediction == "" and second.do_notes == "" and second.act is None
    assert stage(second) == "plan"
    assert second.title == "Checklist, one nurse, one shift (cycle 2)"
    third = next_cycle(second.model_copy(update={"act": "adapt"}))
    assert third.title == "Checklist, one nurse, one shift (cycle 3)"
    assert next_cycle(first, title="Admission pack, one ward").title == "Admission pack, one ward"


def test_adopt_may_continue_the_ramp_at_a_larger_scale() -> None:
    adopted = record_act(studied(), "adopt", "Spread to all shifts")
    assert next_cycle(adopted).scale == "one_shift"


@pytest.mark.parametrize(
    ("decision", "words"), [("abandon", "was abandoned"), (None, "no Act decision")]
)
def test_no_next_cycle_after_abandon_or_before_act(decision: str | None, words: str) -> None:
    c = record_act(studied(), "abandon", "Not worth it") if decision else studied()
    with pytest.raises(KitInputError, match=words):
        next_cycle(c)


# --- ramp view data -----------------------------------------------------------------------


def test_scales_run_from_one_patient_to_the_whole_organisation() -> None:
    assert scale_rank("one_patient") == 0
    assert scale_rank("one_patient") < scale_rank("one_shift") < scale_rank("one_ward")  # type: ignore[operator]
    assert scale_rank("whole_organisation") == len(SCALES) - 1
    assert scale_rank("our own words") is None
    assert scale_label("one_ward") == "One ward or clinic"
    assert scale_label("two bays") == "two bays"
    assert scale_label("") == "Scale not set"


def test_ramps_group_cycles_by_change_idea_in_order_with_their_scale() -> None:
    ideas = [ChangeIdea(id="ci-1", text="Falls checklist"), ChangeIdea(id="ci-2", text="Huddle")]
    first = record_act(studied(), "adapt", "Admission pack")
    second = next_cycle(first, scale="one_ward", start=D(2026, 3, 9))
    third_undated = next_cycle(
        record_act(
            record_study(
                record_do(second.model_copy(update={"prediction": "9 of 10"}), "Ran"), "9", "yes"
            ),
            "adopt",
            "All wards",
        ),
        scale="several_wards",
    )
    loose = cycle(change_idea_id=None, title="Loose test", start=D(2026, 2, 1))
    huddle = cycle(change_idea_id="ci-2", title="Huddle, one shift", start=D(2026, 4, 1))
    result = ramps([third_undated, huddle, second, loose, first], ideas)

    assert [r.label for r in result] == ["Falls checklist", "Huddle", "Not linked to a change idea"]
    falls = result[0]
    assert [s.cycle_id for s in falls.steps] == [first.id, second.id, third_undated.id]
    assert [s.scale_label for s in falls.steps] == [
        "One shift",
        "One ward or clinic",
        "Several wards or clinics",
    ]
    assert [s.stage for s in falls.steps] == ["done", "plan", "plan"]
    assert falls.steps[1].previous_id == first.id
    assert falls.grew and not result[1].grew


def test_ramps_leave_out_change_ideas_without_cycles() -> None:
    ideas = [ChangeIdea(id="ci-1", text="Falls checklist"), ChangeIdea(id="ci-9", text="Unused")]
    assert [r.change_idea_id for r in ramps([cycle()], ideas)] == ["ci-1"]
    assert ramps([], ideas) == []


def test_cycles_become_annotations_on_their_linked_measures_charts() -> None:
    first = record_act(studied(), "adapt", "Admission pack")
    second = next_cycle(first, scale="one_ward", start=D(2026, 3, 9))
    undated = next_cycle(first)
    other = cycle(title="Huddle", measure_ids=["m-falls"], start=D(2026, 3, 1))
    marks = cycle_annotations([second, other, undated, first], "m-assess")
    assert [(a.day, a.label) for a in marks] == [
        (D(2026, 3, 2), "PDSA: Checklist, one nurse, one shift (one shift) - adapt"),
        (D(2026, 3, 9), "PDSA: Checklist, one nurse, one shift (cycle 2) (one ward or clinic)"),
    ]
    assert [a.cycle_id for a in cycle_annotations([other], "m-falls")] == [other.id]
    assert cycle_annotations([other], "m-none") == []
