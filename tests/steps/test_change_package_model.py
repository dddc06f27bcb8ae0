"""The change-package step's model, without widgets, against a real SQLite store with the demo."""

from __future__ import annotations

import pytest

from kit import demo
from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi import DriverDiagram, Team
from kit.steps.change_package.model import (
    PACKAGE,
    ChangePackageModel,
    concept_options,
    counts,
    is_empty,
)
from kit.store import Actor

COLLAB = "demo-falls"
RIVERSIDE = Actor.participant("team-riverside", name="Riverside", collaborative_id=COLLAB)
STANNE = Actor.participant("team-stanne", name="St Anne's", collaborative_id=COLLAB)
FACULTY = Actor.facilitator(name="Facilitator", collaborative_id=COLLAB)


def stored(store, diagram_id: str) -> DriverDiagram:
    return store.get(DriverDiagram, diagram_id, Actor.system()).record


def empty_team_diagram(store, actor: Actor = STANNE) -> ChangePackageModel:
    model = ChangePackageModel(store, actor)
    model.clear()
    return model


def build_3_5_8(model: ChangePackageModel) -> dict[str, str]:
    """3 primary, 5 secondary (one feeding two primaries), 8 change ideas; text -> id."""
    for text in ("P1 risk known", "P2 safe ward", "P3 learning culture"):
        model.add_primary(text)
    ids = {p.text: p.id for p in model.diagram.primary_drivers}
    for text, primaries in (
        ("S1 assessed", ["P1 risk known"]),
        ("S2 medicines", ["P1 risk known"]),
        ("S3 toileting", ["P1 risk known", "P2 safe ward"]),
        ("S4 kit in reach", ["P2 safe ward"]),
        ("S5 huddle", ["P3 learning culture"]),
    ):
        model.add_secondary(text, [ids[p] for p in primaries])
    ids |= {s.text: s.id for s in model.diagram.secondary_drivers}
    for text, secondaries, concept in (
        ("C1 checklist", ["S1 assessed"], "use_reminders"),
        ("C2 pharmacist", ["S2 medicines"], "standardize"),
        ("C3 rounding", ["S3 toileting", "S4 kit in reach"], "standardize"),
        ("C4 commode", ["S3 toileting"], None),
        ("C5 socks", ["S4 kit in reach"], "use_constraints"),
        ("C6 call bell", ["S4 kit in reach"], ""),
        ("C7 huddle form", ["S5 huddle"], "use_reminders"),
        ("C8 story", ["S5 huddle"], "manage_variation"),
    ):
        model.add_change_idea(text, [ids[s] for s in secondaries], concept)
    ids |= {c.text: c.id for c in model.diagram.change_ideas}
    return ids


# --- loading -------------------------------------------------------------------------------


def test_a_team_opens_its_own_diagram_and_faculty_the_package(store):
    team = ChangePackageModel(store, RIVERSIDE)
    assert team.team_id == "team-riverside" and not team.is_package
    assert team.diagram.id == "dd-team-riverside"
    assert team.can_edit
    faculty = ChangePackageModel(store, FACULTY)
    assert faculty.is_package and faculty.diagram.id == "dd-package"
    assert faculty.can_edit
    by_name = sorted(demo.JOIN_CODES, key=lambda t: store.get(Team, t, FACULTY).record.name)
    assert [c[1] for c in faculty.choices()] == [PACKAGE, *by_name]
    assert [c[1] for c in team.choices()] == ["team-riverside", PACKAGE]


def test_the_concept_dropdown_is_grouped_by_the_nine_groups():
    options = concept_options()
    headings = [label for label, _key in options if "(any concept in the group)" in label]
    assert len(headings) == 9
    assert headings[0].startswith("1. ELIMINATE WASTE")
    assert options[0] == ("(no change concept)", "")
    keys = [key for _label, key in options]
    assert keys.index("eliminate_waste") < keys.index("eliminate_unused")
    assert len(keys) == len(set(keys))


# --- building and persisting -------------------------------------------------------------


def test_a_diagram_of_3_5_8_is_saved_with_its_links_and_reloads(store):
    model = empty_team_diagram(store)
    assert is_empty(model.diagram)
    assert model.diagram.aim_text  # the team's aim heads even an empty diagram
    ids = build_3_5_8(model)
    assert counts(model.diagram) == "3 primary drivers, 5 secondary drivers, 8 change ideas"
    assert model.warnings() == []

    again = ChangePackageModel(store, STANNE)  # a new kernel: only the store remains
    diagram = again.diagram
    assert counts(diagram) == "3 primary drivers, 5 secondary drivers, 8 change ideas"
    secondary = {s.text: s for s in diagram.secondary_drivers}
    assert secondary["S3 toileting"].primary_ids == [ids["P1 risk known"], ids["P2 safe ward"]]
    idea = {c.text: c for c in diagram.change_ideas}
    assert idea["C3 rounding"].secondary_ids == [ids["S3 toileting"], ids["S4 kit in reach"]]
    assert idea["C5 socks"].change_concept == "use_constraints"
    assert idea["C4 commode"].change_concept is None
    assert idea["C6 call bell"].change_concept is None
    assert idea["C8 story"].change_concept == "manage_variation"  # a whole group
    assert {c.origin for c in diagram.change_ideas} == {"team"}


def test_relinking_a_secondary_driver_is_many_to_many(store):
    model = empty_team_diagram(store)
    ids = build_3_5_8(model)
    model.update_box(
        ids["S1 assessed"],
        text="S1 assessed within 24 hours",
        links=[ids["P1 risk known"], ids["P3 learning culture"]],
    )
    model.update_box(ids["S3 toileting"], text="S3 toileting", links=[ids["P2 safe ward"]])
    diagram = stored(store, model.diagram.id)
    secondary = {s.id: s for s in diagram.secondary_drivers}
    assert secondary[ids["S1 assessed"]].text == "S1 assessed within 24 hours"
    assert secondary[ids["S1 assessed"]].primary_ids == [
        ids["P1 risk known"],
        ids["P3 learning culture"],
    ]
    assert secondary[ids["S3 toileting"]].primary_ids == [ids["P2 safe ward"]]


def test_a_change_idea_is_relinked_and_retagged(store):
    model = empty_team_diagram(store)
    ids = build_3_5_8(model)
    model.update_box(
        ids["C4 commode"],
        text="C4 commode at the bedside",
        links=[ids["S3 toileting"], ids["S5 huddle"]],
        change_concept="use_reminders",
    )
    idea = {c.id: c for c in stored(store, model.diagram.id).change_ideas}[ids["C4 commode"]]
    assert idea.text == "C4 commode at the bedside"
    assert idea.secondary_ids == [ids["S3 toileting"], ids["S5 huddle"]]
    assert idea.change_concept == "use_reminders"
    model.update_box(ids["C4 commode"], text=idea.text, links=[], change_concept="")
    idea = {c.id: c for c in stored(store, model.diagram.id).change_ideas}[ids["C4 commode"]]
    assert idea.secondary_ids == [] and idea.change_concept is None
    assert any("C4 commode" in w and "not linked" in w for w in model.warnings())


def test_deleting_a_primary_keeps_what_hung_from_it_as_orphans(store):
    model = empty_team_diagram(store)
    ids = build_3_5_8(model)
    model.delete(ids["P3 learning culture"])
    diagram = stored(store, model.diagram.id)
    assert ids["P3 learning culture"] not in {p.id for p in diagram.primary_drivers}
    huddle = next(s for s in diagram.secondary_drivers if s.id == ids["S5 huddle"])
    assert huddle.primary_ids == []  # kept, now an orphan
    assert any("S5 huddle" in w and "not linked" in w for w in model.warnings())
    # deleting a primary that a many-to-many secondary also feeds keeps the other link
    model.delete(ids["P1 risk known"])
    toileting = next(s for s in model.diagram.secondary_drivers if s.id == ids["S3 toileting"])
    assert toileting.primary_ids == [ids["P2 safe ward"]]


def test_deleting_with_cascade_removes_the_orphans_below(store):
    model = empty_team_diagram(store)
    ids = build_3_5_8(model)
    model.delete(ids["P3 learning culture"], cascade=True)
    diagram = stored(store, model.diagram.id)
    assert counts(diagram) == "2 primary drivers, 4 secondary drivers, 6 change ideas"
    assert not {ids["S5 huddle"], ids["C7 huddle form"], ids["C8 story"]} & {
        b.id for b in [*diagram.secondary_drivers, *diagram.change_ideas]
    }


def test_deleting_a_change_idea_and_a_secondary(store):
    model = empty_team_diagram(store)
    ids = build_3_5_8(model)
    model.delete(ids["C1 checklist"])
    model.delete(ids["S4 kit in reach"])
    diagram = stored(store, model.diagram.id)
    assert counts(diagram) == "3 primary drivers, 4 secondary drivers, 7 change ideas"
    rounding = next(c for c in diagram.change_ideas if c.id == ids["C3 rounding"])
    assert rounding.secondary_ids == [ids["S3 toileting"]]


def test_bad_input_is_a_message(store):
    model = empty_team_diagram(store)
    with pytest.raises(KitInputError, match="cannot be empty"):
        model.add_primary("   ")
    with pytest.raises(KitInputError, match="not a change concept"):
        model.add_change_idea("An idea", [], "not-a-card")
    with pytest.raises(KitInputError, match="no longer in the driver diagram"):
        model.delete("gone")
    assert is_empty(stored(store, model.diagram.id))


def test_the_primary_driver_count_is_advice(store):
    model = empty_team_diagram(store)
    model.add_primary("Only one")
    assert any("usually has 2 to 5 primary drivers" in w for w in model.warnings())
    for i in range(5):
        model.add_primary(f"Extra {i}")
    assert any("more than 5 is hard" in w for w in model.warnings())


# --- the change package and adoption -----------------------------------------------------


def test_faculty_edit_the_package_and_a_team_adopts_it(store):
    faculty = ChangePackageModel(store, FACULTY)
    faculty.add_primary("Patients and families are partners")
    faculty.add_change_idea("Teach-back on falls at admission", [], "use_reminders")
    package = stored(store, "dd-package")
    assert len(package.primary_drivers) == 4
    assert package.change_ideas[-1].origin == "package"

    team = ChangePackageModel(store, RIVERSIDE)
    team.adopt_package()
    diagram = stored(store, "dd-team-riverside")
    assert len(diagram.primary_drivers) == 4
    assert len(diagram.change_ideas) == len(package.change_ideas)
    assert {c.origin for c in diagram.change_ideas} == {"package"}
    assert not {p.id for p in diagram.primary_drivers} & {p.id for p in package.primary_drivers}
    assert diagram.aim_text.startswith("Reduce falls per 1,000 patient-days")  # the team's aim
    # adapting a package idea marks it so
    idea = diagram.change_ideas[0]
    team.update_box(idea.id, text=idea.text + " (night shift)", links=idea.secondary_ids)
    assert stored(store, "dd-team-riverside").change_ideas[0].origin == "adapted"
    assert stored(store, "dd-package") == package  # the package is untouched


def test_a_participant_reads_but_cannot_change_the_package(store):
    model = ChangePackageModel(store, RIVERSIDE, PACKAGE)
    assert model.is_package and not model.can_edit
    assert len(model.diagram.primary_drivers) == 3
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        model.add_primary("Ours")
    package = store.get(DriverDiagram, "dd-package", Actor.system())
    with pytest.raises(PermissionDenied):
        store.save(
            package.record.model_copy(update={"aim_text": "hijacked"}),
            RIVERSIDE,
            expected_version=package.version,
        )


def test_one_team_cannot_open_or_change_anothers_diagram(store):
    with pytest.raises(PermissionDenied, match="another team"):
        ChangePackageModel(store, RIVERSIDE, "team-northfield")
    model = ChangePackageModel(store, RIVERSIDE)
    model.team_id = "team-northfield"  # forced past the model: the store refuses to read
    with pytest.raises(PermissionDenied):
        model.reload()
    theirs = store.get(DriverDiagram, "dd-team-northfield", Actor.system())
    with pytest.raises(PermissionDenied, match="another team"):
        store.save(
            theirs.record.model_copy(update={"aim_text": "ours now"}),
            RIVERSIDE,
            expected_version=theirs.version,
        )


def test_faculty_read_a_teams_diagram_without_changing_it(store):
    model = ChangePackageModel(store, FACULTY, "team-northfield")
    assert not model.can_edit
    assert model.diagram.id == "dd-team-northfield"
    with pytest.raises(PermissionDenied, match="as faculty"):
        model.add_primary("Faculty idea")


def test_adopting_needs_a_package(store):
    package = store.get(DriverDiagram, "dd-package", Actor.system())
    store.delete(DriverDiagram, "dd-package", Actor.system(), expected_version=package.version)
    with pytest.raises(KitInputError, match="has not written the change package"):
        ChangePackageModel(store, RIVERSIDE).adopt_package()
    faculty = ChangePackageModel(store, FACULTY)
    assert faculty.saved is None and is_empty(faculty.diagram)
    assert faculty.diagram.aim_text.startswith("Reduce falls with harm")  # the collaborative's
    faculty.add_primary("First driver")
    assert len(ChangePackageModel(store, FACULTY).diagram.primary_drivers) == 1


# --- concurrency and history ---------------------------------------------------------------


def test_two_tabs_adding_different_boxes_both_land(store):
    """Issue 10: additions and edits of different boxes merge; neither is refused."""
    first = ChangePackageModel(store, RIVERSIDE)
    second = ChangePackageModel(store, RIVERSIDE)
    first.add_primary("From the first tab")
    second.add_primary("From the second tab")
    texts = [p.text for p in stored(store, "dd-team-riverside").primary_drivers]
    assert texts[-2:] == ["From the first tab", "From the second tab"]
    assert [p.text for p in second.diagram.primary_drivers][-2:] == texts[-2:]
    box = first.diagram.primary_drivers[0]
    first.update_box(box.id, text="Reworded in the first tab")  # stale now: merged too
    saved = stored(store, "dd-team-riverside")
    assert saved.primary_drivers[0].text == "Reworded in the first tab"
    assert "From the second tab" in [p.text for p in saved.primary_drivers]


def test_two_edits_of_the_same_box_conflict_and_overwrite_nothing(store):
    first = ChangePackageModel(store, RIVERSIDE)
    second = ChangePackageModel(store, RIVERSIDE)
    box = first.diagram.primary_drivers[0]
    first.update_box(box.id, text="Worded by the first tab")
    with pytest.raises(Conflict, match="while you were editing") as caught:
        second.update_box(box.id, text="Worded by the second tab")
    assert "both changed 'Worded by the second tab' (theirs: 'Worded by the first tab')" in str(
        caught.value
    )
    assert stored(store, "dd-team-riverside").primary_drivers[0].text == "Worded by the first tab"
    second.reload()
    second.update_box(box.id, text="Worded by the second tab")
    assert stored(store, "dd-team-riverside").primary_drivers[0].text == "Worded by the second tab"


def test_the_conflict_names_the_person_once(store):
    """Signed in under the team's name, the store records "Ward 7 (Ward 7)": said once."""
    name = store.get(Team, "team-riverside", Actor.system()).record.name
    ward = Actor.participant("team-riverside", name=name, collaborative_id=COLLAB)
    first = ChangePackageModel(store, ward)
    second = ChangePackageModel(store, ward)
    box = first.diagram.primary_drivers[0]
    first.update_box(box.id, text="Worded by the first tab")
    with pytest.raises(Conflict) as caught:
        second.update_box(box.id, text="Worded by the second tab")
    message = str(caught.value)
    assert message.count(name) == 1, message
    assert caught.value.saved_by == f"someone in {name}"


def test_history_lists_and_restores_earlier_diagrams(store):
    model = ChangePackageModel(store, STANNE)
    original = model.diagram
    model.clear()
    model.add_primary("A fresh start")
    history = model.history()
    assert [e.version for e in history] == [3, 2, 1]
    assert history[0].summary == "1 primary driver, 0 secondary drivers, 0 change ideas"
    assert "St Anne" in history[0].label
    model.restore(1)
    assert stored(store, original.id) == original
    assert model.history()[0].label.endswith("(restore)")
    again = ChangePackageModel(store, STANNE)
    assert again.diagram == original and again.version == 4


def test_export_html_holds_every_boxs_text(store):
    model = empty_team_diagram(store)
    build_3_5_8(model)
    page = model.export_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "cdn.bokeh.org" not in page  # BokehJS inline: opens offline
    for box in [*model.diagram.primary_drivers, *model.diagram.secondary_drivers]:
        assert box.text in page
    for idea in model.diagram.change_ideas:
        assert idea.text in page
    assert "Driver diagram: St Anne" in page
    assert model.file_stem().startswith("driver-diagram-team-stanne-")


def test_an_unknown_diagram_is_said_not_to_exist(store):
    """Issue 10: not "belongs to another team" for a team that is not there at all."""
    for actor in (RIVERSIDE, FACULTY):
        with pytest.raises(KitInputError, match="no team has that id") as caught:
            ChangePackageModel(store, actor, "team-nowhere")
        assert "another team" not in str(caught.value)


def test_the_teams_own_diagram_keeps_its_name_while_the_package_is_open(store):
    model = ChangePackageModel(store, RIVERSIDE, "")
    assert model.is_package
    labels = [label for label, _ in model.choices()]
    name = store.get(Team, "team-riverside", Actor.system()).record.name
    assert labels[0] == f"{name}: our driver diagram"
    assert not any(label.startswith("The collaborative: our") for label in labels)
