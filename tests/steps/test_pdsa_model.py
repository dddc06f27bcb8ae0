"""The PDSA step's model over the demo store: planning from a change idea, the cycle's rules,
the ramp, versions and conflicts, and who may change what."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.records import PDSACycle
from kit.steps.pdsa.model import PDSAModel, describe
from kit.store import Actor

COLLAB = "demo-falls"
RIVERSIDE = Actor.participant("team-riverside", "Jo", COLLAB)
SOCKS = "team-riverside-ci-socks"


def stored(store, cycle_id: str) -> PDSACycle:
    return store.get(PDSACycle, cycle_id, Actor.system()).record


def planned(store) -> PDSAModel:
    model = PDSAModel(store, RIVERSIDE)
    model.plan_new(SOCKS)
    return model


def test_it_opens_on_the_team_s_latest_cycle_with_its_change_ideas_and_measures(store):
    model = PDSAModel(store, RIVERSIDE)
    assert len(model.cycles()) == 5
    assert model.cycle is not None and model.cycle.id == "pdsa-team-riverside-5"
    assert SOCKS in {i.id for i in model.change_ideas()}
    assert {"m-falls", "m-assess"} <= set(model.measures())
    labels = [r.label for r in model.ramps()]
    assert labels == [
        "Admission falls checklist in the nursing notes",
        "Pharmacist review of sedatives for high-risk patients",
    ]


def test_a_new_cycle_is_planned_from_a_change_idea_and_saved_at_once(store):
    model = planned(store)
    cycle = stored(store, model.cycle.id)
    assert (cycle.title, cycle.change_idea_id, cycle.team_id) == (
        "Non-slip socks kept at every bed space",
        SOCKS,
        "team-riverside",
    )
    with pytest.raises(KitInputError, match="not in your driver diagram"):
        model.plan_new("no-such-idea")


def test_the_plan_keeps_every_element_and_drops_measures_the_team_does_not_have(store):
    model = planned(store)
    model.save_plan(
        {
            "objective": "See whether socks stay on",
            "questions": "Do patients keep them on overnight?",
            "prediction": "8 of 10 beds will have socks at 06:00",
            "plan_who": "Night nurse",
            "plan_what": "Put socks at every bed",
            "plan_when": "Tuesday night",
            "plan_where": "Bay 2",
            "data_plan": "Count beds with socks at 06:00",
            "measure_ids": ["m-falls", "m-unknown"],
            "scale": "one_shift",
            "start": dt.date(2026, 11, 3),
            "end": dt.date(2026, 11, 4),
        }
    )
    cycle = stored(store, model.cycle.id)
    assert cycle.prediction == "8 of 10 beds will have socks at 06:00"
    assert cycle.measure_ids == ["m-falls"]
    assert (cycle.scale, cycle.start, cycle.plan_where) == (
        "one_shift",
        dt.date(2026, 11, 3),
        "Bay 2",
    )
    assert model.plan_findings() == []
    with pytest.raises(KitInputError, match="ends before it starts"):
        model.save_plan({"end": dt.date(2026, 11, 1)})


def test_do_is_refused_without_a_prediction_and_act_without_a_study(store):
    model = planned(store)
    with pytest.raises(KitInputError, match="Write a prediction in the plan"):
        model.do("We put socks out")
    assert stored(store, model.cycle.id).do_notes == ""
    model.save_plan({"prediction": "8 of 10"})
    model.do("We put socks out")
    with pytest.raises(KitInputError, match="Study the result before deciding"):
        model.act("adopt")
    with pytest.raises(KitInputError, match="yes, partly or no"):
        model.study("9 of 10 had socks", None)
    model.study("9 of 10 had socks, better than predicted", "yes")
    assert model.act("adopt") is None
    assert stored(store, model.cycle.id).act == "adopt"


def test_adapt_starts_the_next_cycle_of_the_ramp_prefilled_and_linked(store):
    model = planned(store)
    first = model.cycle.id
    model.save_plan({"prediction": "8 of 10", "scale": "one_shift", "plan_who": "Night nurse"})
    model.do("We put socks out")
    model.study("Only 5 of 10: socks ran out", "no")
    following = model.act("adapt", "Stock socks in the bay cupboard")
    assert following is not None and model.cycle.id == following.id
    saved = stored(store, following.id)
    assert saved.previous_id == first
    assert saved.title == "Non-slip socks kept at every bed space (cycle 2)"
    assert (saved.plan_what, saved.plan_who, saved.change_idea_id) == (
        "Stock socks in the bay cupboard",
        "Night nurse",
        SOCKS,
    )
    assert saved.prediction == ""  # each cycle needs its own prediction
    assert model.previous().id == first
    socks = next(r for r in model.ramps() if r.change_idea_id == SOCKS)
    assert [s.cycle_id for s in socks.steps] == [first, following.id]


def test_every_save_is_a_version_and_a_stale_save_is_a_conflict(store):
    model = planned(store)
    model.save_plan({"prediction": "8 of 10"})
    model.save_plan({"prediction": "8 of 10", "plan_where": "Bay 2"})
    history = model.history()
    assert [e.version for e in history] == [3, 2, 1]
    assert "(Do)" in history[0].label
    assert describe(model.cycle).startswith("Non-slip socks")
    teammate = PDSAModel(store, Actor.participant("team-riverside", "Sam", COLLAB))
    teammate.select(model.cycle.id)
    teammate.save_plan({"plan_when": "Wednesday"})
    with pytest.raises(Conflict) as caught:
        model.save_plan({"plan_where": "Bay 3"})
    assert "When" in getattr(caught.value, "changed", [])
    assert stored(store, model.cycle.id).plan_where == "Bay 2"


def test_faculty_read_any_team_s_cycles_but_do_not_change_them(store):
    faculty = PDSAModel(store, Actor.facilitator("Facilitator", COLLAB), "team-riverside")
    assert not faculty.can_edit
    assert len(faculty.cycles()) == 5
    with pytest.raises(PermissionDenied, match="as faculty"):
        faculty.plan_new(SOCKS)
    with pytest.raises(PermissionDenied):
        PDSAModel(store, RIVERSIDE, "team-northfield")
