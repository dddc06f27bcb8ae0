"""The PDSA app's widgets driven from Python: plan, Do refused without a prediction, Study, Act
adapt opening the next cycle, the ramp view, conflicts and the faculty's read-only view."""

from __future__ import annotations

import html
import re

from kit.qi.records import PDSACycle
from kit.steps import pdsa
from kit.steps.pdsa.view import PDSAView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
SOCKS = "team-riverside-ci-socks"


def open_app(store, identity: Identity = RIVERSIDE, **params):
    shell = pdsa.app(store=store, params={"session": issue_token(identity), **params})
    assert isinstance(shell.content, PDSAView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def stored(store, cycle_id: str) -> PDSACycle:
    return store.get(PDSACycle, cycle_id, Actor.system()).record


def plan_new(view) -> str:
    view.new_idea.value = SOCKS
    view.new_button.click()
    return view.model.cycle.id


def test_it_opens_with_the_ramps_and_the_latest_cycle(store):
    shell, view = open_app(store)
    ramps = text_of(view.ramp)
    assert "Admission falls checklist in the nursing notes" in ramps
    assert "Pharmacist review of sedatives" in ramps
    assert len(view.cycle_picker.options) == 5
    assert view.title.value.startswith("Pharmacist review")
    assert "now at Done" in text_of(view.stage_line)
    assert "Riverside" in shell.header.value


def test_the_pdsa_flow_do_refused_without_prediction_then_study_and_adapt(store):
    shell, view = open_app(store)
    first = plan_new(view)
    assert view.title.value == "Non-slip socks kept at every bed space"
    assert view.change_idea.value == SOCKS
    assert "What do you predict will happen?" in text_of(view.plan_check)

    view.do_notes.value = "We put socks at every bed"
    view.do_button.click()
    assert "Write a prediction in the plan" in text_of(view.do_error)
    assert stored(store, first).do_notes == ""
    assert view.do_notes.value == "We put socks at every bed"  # nothing typed is lost

    view.texts["prediction"].value = "8 of 10 beds will have socks at 06:00"
    view.scale.value = "one_shift"
    view.measure_links.value = ("m-falls",)
    view.do_button.click()  # saves the waiting plan first, then Do
    assert text_of(view.do_error) == ""
    saved = stored(store, first)
    assert (saved.prediction, saved.scale, saved.measure_ids) == (
        "8 of 10 beds will have socks at 06:00",
        "one_shift",
        ["m-falls"],
    )
    assert saved.do_notes == "We put socks at every bed"
    assert "now at Study" in text_of(view.stage_line)

    view.decision.value = "adapt"
    view.act_notes.value = "Stock socks in the bay cupboard"
    view.act_button.click()
    assert "Study the result before deciding" in text_of(view.act_error)

    view.study_notes.value = "Only 5 of 10: socks ran out"
    view.held.value = "no"
    view.study_button.click()
    assert stored(store, first).prediction_held == "no"

    view.decision.value = "adapt"
    view.act_notes.value = "Stock socks in the bay cupboard"
    view.act_button.click()
    assert stored(store, first).act == "adapt"
    following = view.model.cycle
    assert following.id != first and following.previous_id == first
    assert view.title.value == "Non-slip socks kept at every bed space (cycle 2)"
    assert view.texts["plan_what"].value == "Stock socks in the bay cupboard"
    assert view.texts["prediction"].value == ""
    assert "Follows Non-slip socks kept at every bed space" in text_of(view.previous_line)
    assert "Next cycle of the ramp planned" in shell.alert.text
    ramp = text_of(view.ramp)
    assert "Non-slip socks kept at every bed space (cycle 2)" in ramp
    assert "One shift" in ramp
    assert len(view.cycle_picker.options) == 7


def test_typing_the_plan_saves_a_new_version_each_pause(store):
    shell, view = open_app(store)
    cycle_id = plan_new(view)
    view.texts["plan_where"].value = "Bay 2"
    view.flush()
    assert stored(store, cycle_id).plan_where == "Bay 2"
    assert shell.save_state.state == "saved"
    assert len(view.history.options) == 2


def test_a_teammate_s_save_shows_the_conflict_banner(store):
    from kit.steps.pdsa.model import PDSAModel

    shell, view = open_app(store)
    cycle_id = plan_new(view)
    teammate = PDSAModel(store, Actor.participant("team-riverside", "Sam", COLLAB))
    teammate.select(cycle_id)
    teammate.save_plan({"plan_when": "Wednesday"})
    view.texts["plan_where"].value = "Bay 3"
    view.flush()
    assert view.conflict.visible
    assert "When" in view.conflict.text
    view.conflict.keep_button.click()
    saved = stored(store, cycle_id)
    assert (saved.plan_where, saved.plan_when) == ("Bay 3", "Wednesday")


def test_faculty_see_a_team_s_cycles_read_only(store):
    shell, view = open_app(store, FACULTY, team="team-riverside")
    assert view.title.disabled and view.do_button.disabled and view.new_button.disabled
    assert "read-only" in text_of(view.readonly_note)
    assert len(view.cycle_picker.options) == 5
