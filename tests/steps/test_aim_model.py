"""The aim step's model, without widgets, against a real SQLite store holding the demo."""

from __future__ import annotations

import datetime as dt

import pytest

from kit import demo
from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi import Aim, Team
from kit.steps.aim.model import AimModel, format_number, parse_number
from kit.steps.versioned import EditConflict
from kit.store import Actor

COLLAB = "demo-falls"
TODAY = dt.date(2026, 3, 1)
RIVERSIDE = Actor.participant("team-riverside", name="Riverside", collaborative_id=COLLAB)
NORTHFIELD = Actor.participant("team-northfield", name="Northfield", collaborative_id=COLLAB)
FACULTY = Actor.facilitator(name="Facilitator", collaborative_id=COLLAB)


def form(model: AimModel, **changes) -> dict:
    values = model.values()
    values.update(changes)
    return values


# --- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("50", 50.0), (" 7.7 ", 7.7), ("50%", 50.0), ("1,000", 1000.0), ("", None), (None, None)],
)
def test_numbers_are_read_as_participants_type_them(raw, expected):
    assert parse_number("Baseline", raw) == expected


@pytest.mark.parametrize("raw", ["abc", "some", "4.1.2", "nan", "inf"])
def test_text_in_a_number_field_is_a_message_not_a_traceback(raw):
    with pytest.raises(KitInputError, match="Baseline must be a"):
        parse_number("Baseline", raw)


def test_numbers_go_back_into_their_box_as_typed():
    assert format_number(4.1) == "4.1"
    assert format_number(50.0) == "50"
    assert format_number(None) == ""


# --- load, save, reload ------------------------------------------------------------------


def test_loads_the_teams_aim_from_the_store(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    assert model.aim.team_id == "team-riverside"
    assert model.values()["baseline"] == "4.1"
    assert model.values()["measure_id"] == "m-falls"
    assert model.can_edit
    assert "30%" in model.collaborative_aim()
    assert set(model.measures()) == {"m-falls", "m-harm", "m-assess", "m-restraint"}


def test_saved_edits_survive_a_kernel_restart(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(form(model, target="2.4", for_whom="adults over 65", unit="falls"))
    assert draft.ok, draft.errors
    saved = model.save(draft)
    assert saved.version == 2

    again = AimModel(store, RIVERSIDE, today=TODAY)  # a new kernel: only the store remains
    assert again.aim.target == 2.4
    assert again.aim.for_whom == "adults over 65"
    assert again.version == 2
    assert again.aim.direction == "down"  # taken from the measure


def test_an_unchanged_form_does_not_make_a_new_version(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    before = model.version
    model.save(model.draft(model.values()))
    assert model.version == before
    assert len(store.revisions(Aim, model.aim.id, Actor.system())) == 1


def test_a_team_without_an_aim_starts_blank_and_creates_it(store):
    saved = store.get(Aim, "aim-team-stanne", Actor.system())
    store.delete(Aim, "aim-team-stanne", Actor.system(), expected_version=saved.version)
    model = AimModel(
        store, Actor.participant("team-stanne", name="St Anne's", collaborative_id=COLLAB)
    )
    assert model.saved is None
    assert model.values()["what"] == ""
    assert model.history() == []
    model.save(model.draft(form(model, what="falls with harm")))
    assert store.find(Aim, Actor.system(), team_id="team-stanne")[0].record.what == (
        "falls with harm"
    )


# --- bad input ---------------------------------------------------------------------------


def test_text_in_the_baseline_is_a_message_beside_that_field(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(form(model, baseline="abc", target="some"))
    assert draft.errors["baseline"] == "Baseline must be a number; 'abc' is not."
    assert draft.errors["target"] == "Target must be a number; 'some' is not."
    assert draft.shown.baseline is None  # the rest of the form still gets feedback
    assert draft.aim.baseline == 4.1  # what would be saved keeps the saved number
    before = len(store.revisions(Aim, model.aim.id, Actor.system()))
    model.save(draft)  # nothing else changed: no new version
    assert len(store.revisions(Aim, model.aim.id, Actor.system())) == before
    assert store.get(Aim, model.aim.id, Actor.system()).record.baseline == 4.1


def test_a_target_date_before_the_baseline_ends_is_flagged_on_the_date(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(form(model, by_when=dt.date(2026, 1, 15)))
    assert "must come after the end of the baseline period" in draft.errors["by_when"]
    assert not draft.ok


def test_a_measure_from_elsewhere_is_refused(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(form(model, measure_id="m-unknown"))
    assert "not one of your team's measures" in draft.errors["measure_id"]


def test_hostile_text_is_kept_as_text(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    nasty = "<script>alert(1)</script>'; DROP TABLE records; --"
    model.save(model.draft(form(model, where=nasty)))
    assert AimModel(store, RIVERSIDE).aim.where == nasty


# --- feedback ----------------------------------------------------------------------------


def test_feedback_names_the_missing_and_vague_elements(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(
        {
            "what": "falls",
            "baseline": "",
            "target": "",
            "by_when": None,
            "where": "",
            "for_whom": "",
        }
    )
    review = model.review(draft.aim)
    assert not review.passes
    assert review.status == {
        "what": "ok",
        "how_much": "missing",
        "by_when": "missing",
        "for_whom": "missing",
        "where": "missing",
    }
    sentence = model.sentence(draft.aim)
    assert "[for whom]" in sentence and "[by when]" in sentence


def test_the_demo_aim_passes(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    review = model.review(model.aim)
    assert review.passes, review.summary
    assert review.stretch is not None and review.stretch.verdict == "modest"  # 4.1 -> 2.9


def test_a_target_the_wrong_way_for_the_measure_saves_and_is_flagged(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(form(model, target="5"))  # falls: lower is better
    assert draft.ok
    assert draft.aim.direction is None
    saved = model.save(draft)
    assert saved.record.target == 5
    finding = model.review(draft.aim).finding("how_much")
    assert finding.status == "weak"
    assert "Lower is better" in finding.message


def test_a_timid_target_gets_the_stretch_check(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    review = model.review(model.draft(form(model, target="4.0")).aim)
    assert review.stretch.verdict == "timid"
    assert review.finding("how_much").status == "weak"


def test_a_pasted_aim_gets_the_same_feedback(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    review = model.review_text("Reduce falls by some amount soon", "m-falls")
    assert review.finding("by_when").message.startswith("Soon is not a time")
    assert review.finding("how_much").message.startswith("Some is not a number")
    good = model.review_text(
        "Reduce falls from 4.1 to 2.5 per 1,000 patient-days for adult inpatients on "
        "Ward 7 at Riverside General by 31 December 2026",
        "m-falls",
    )
    assert good.passes, good.summary


# --- concurrency, history, permissions ---------------------------------------------------


def test_a_stale_save_is_a_conflict_and_overwrites_nothing(store):
    first = AimModel(store, RIVERSIDE, today=TODAY)
    second = AimModel(store, RIVERSIDE, today=TODAY)
    first.save(first.draft(form(first, target="2.0")))
    with pytest.raises(Conflict, match="while you were editing"):
        second.save(second.draft(form(second, target="3.0")))
    assert store.get(Aim, first.aim.id, Actor.system()).record.target == 2.0
    second.reload()
    assert second.values()["target"] == "2"
    second.save(second.draft(form(second, target="3.0")))
    assert store.get(Aim, first.aim.id, Actor.system()).record.target == 3.0


def test_a_conflict_says_who_saved_and_what_they_changed(store):
    mine = AimModel(store, RIVERSIDE, today=TODAY)
    theirs = AimModel(store, RIVERSIDE, today=TODAY)
    theirs.save(theirs.draft(form(theirs, target="2.0", where="Ward 9")))
    with pytest.raises(EditConflict) as caught:
        mine.save(mine.draft(form(mine, target="3.0")))
    assert caught.value.saved_by.startswith("Riverside")
    assert caught.value.changed == ["Where", "Target"]
    assert str(caught.value).startswith("Riverside") and "saved this aim at" in str(caught.value)


def test_history_lists_every_version_and_restores_one(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    model.save(model.draft(form(model, target="2.5")))
    model.save(model.draft(form(model, target="2.0", where="Ward 7")))
    history = model.history()
    assert [e.version for e in history] == [3, 2, 1]
    assert "Riverside" in history[0].label
    assert "2.5" in history[1].summary
    restored = model.restore(1)
    assert restored.version == 4
    assert model.aim.target == 2.9 and model.aim.where == "Riverside General, Ward 7"
    assert AimModel(store, RIVERSIDE).aim.target == 2.9
    assert model.history()[0].label.endswith("(restore)")


def test_one_team_cannot_open_or_change_anothers_aim(store):
    with pytest.raises(PermissionDenied):
        AimModel(store, RIVERSIDE, team_id="team-northfield")
    model = AimModel(store, NORTHFIELD)
    model.team_id = "team-riverside"  # forced past the model's own check: the store refuses
    with pytest.raises(PermissionDenied):
        model.reload()
    riverside_aim = store.get(Aim, "aim-team-riverside", Actor.system())
    with pytest.raises(PermissionDenied, match="another team"):
        store.save(
            riverside_aim.record.model_copy(update={"target": 1.0}),
            NORTHFIELD,
            expected_version=riverside_aim.version,
        )


def test_faculty_read_any_teams_aim_but_do_not_edit_it(store):
    model = AimModel(store, FACULTY)
    assert model.team_id is None
    by_name = sorted(demo.JOIN_CODES, key=lambda t: store.get(Team, t, FACULTY).record.name)
    assert [t[1] for t in model.teams()] == by_name  # every demo team, by name
    model.select_team("team-northfield")
    assert model.aim.baseline == 7.7
    assert not model.can_edit
    with pytest.raises(PermissionDenied, match="as faculty"):
        model.save(model.draft(form(model, target="1")))
    with pytest.raises(PermissionDenied):
        model.restore(1)


# --- one bad field does not hold back the others (issue 10) ------------------------------


def test_a_bad_date_and_an_overlong_place_do_not_stop_the_other_fields_saving(store):
    """Issue 10: "by when" 2020-01-01 and 5,000 characters in "where"; later edits to "what"
    and "for whom" must survive a reload."""
    model = AimModel(store, RIVERSIDE, today=TODAY)
    long_place = "Ward 7 " * 715  # 5,005 characters
    model.save(model.draft(form(model, by_when=dt.date(2020, 1, 1), where=long_place)))
    draft = model.draft(
        form(
            model,
            by_when=dt.date(2020, 1, 1),
            where=long_place,
            what="falls with harm",
            for_whom="adults over 65",
        )
    )
    assert "must come after the end of the baseline period" in draft.errors["by_when"]
    assert "too long" in draft.errors["where"]
    assert set(draft.errors) == {"by_when", "where"}
    assert draft.shown.by_when == dt.date(2020, 1, 1)  # the form keeps what was typed
    model.save(draft)

    again = AimModel(store, RIVERSIDE, today=TODAY)  # a reload
    assert (again.aim.what, again.aim.for_whom) == ("falls with harm", "adults over 65")
    assert again.aim.by_when == dt.date(2027, 2, 28)  # the saved date, not the rejected one
    assert again.aim.where == "Riverside General, Ward 7"


def test_a_record_rule_on_one_field_keeps_that_field_saved_and_saves_the_rest(store):
    model = AimModel(store, RIVERSIDE, today=TODAY)
    draft = model.draft(form(model, unit="u" * 81, what="falls with harm"))
    assert "Unit is too long" in draft.errors["unit"]
    model.save(draft)
    saved = store.get(Aim, model.aim.id, Actor.system()).record
    assert (saved.what, saved.unit) == ("falls with harm", "falls per 1,000 patient-days")


def test_an_aim_never_saved_is_not_saved_blank(store):
    """Checking an aim (or any event that changes nothing) makes no version."""
    saved = store.find(Aim, Actor.system(), team_id="team-riverside")[0]
    store.delete(Aim, saved.record.id, Actor.system(), expected_version=saved.version)
    model = AimModel(store, RIVERSIDE, today=TODAY)
    assert model.save(model.draft(model.values())) is None
    assert store.find(Aim, Actor.system(), team_id="team-riverside") == []


def test_dates_are_judged_from_the_day_the_aim_was_set_and_the_collaborative_end(store):
    first = store.revisions(Aim, "aim-team-riverside", Actor.system())[0].saved_at.date()
    assert AimModel(store, RIVERSIDE).set_on() == first  # the real clock: the first save
    later = first + dt.timedelta(days=400)
    assert AimModel(store, RIVERSIDE, today=later).set_on() == first  # not the reading day
    model = AimModel(store, RIVERSIDE, today=TODAY)
    closes = model.ends_on()
    assert closes is not None
    late = closes + dt.timedelta(days=40)
    review = model.review(model.draft(form(model, by_when=late)).shown)
    by_when = next(f for f in review.findings if f.element == "by_when")
    assert "after the collaborative closes" in by_when.message
    assert "when the aim was set" in by_when.message or by_when.status == "weak"
