"""The measures model without widgets, against a real SQLite store holding the demo: the family,
adopting and removing, the definition form, the grid, corrections, pasting and file previews."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Collaborative, Measure, Observation, Team
from kit.steps.measures.model import MeasuresModel, period_label
from kit.steps.versioned import EditConflict
from kit.store import Actor, Store

COLLAB = "demo-falls"
TODAY = dt.date(2026, 12, 2)
RIVERSIDE = Actor.participant("team-riverside", name="Riverside", collaborative_id=COLLAB)
NORTHFIELD = Actor.participant("team-northfield", name="Northfield", collaborative_id=COLLAB)
FACULTY = Actor.facilitator(name="Facilitator", collaborative_id=COLLAB)


def model(store, actor=RIVERSIDE, team_id=None) -> MeasuresModel:
    return MeasuresModel(store, actor, team_id, today=TODAY)


def block(start: dt.date, values: list[tuple[int, int]]) -> str:
    """Tab-separated rows as a spreadsheet copies them: period, numerator, denominator."""
    lines = []
    for i, (num, den) in enumerate(values):
        month = start.month - 1 + i
        lines.append(f"{start.year + month // 12}-{month % 12 + 1:02d}\t{num}\t{den}")
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def bare_store(tmp_path):
    """A collaborative with one team and no measures yet."""
    store = Store.open(f"sqlite:///{tmp_path / 'bare.sqlite3'}")
    system = Actor.system()
    store.save(Collaborative(id="c1", name="Sepsis collaborative"), system, expected_version=None)
    store.save(Team(id="t1", collaborative_id="c1", name="Ward 1"), system, expected_version=None)
    yield store
    store.close()


# --- the family -----------------------------------------------------------------------------


def test_a_team_sees_the_core_measures_and_adds_its_own_from_the_library(store):
    m = model(store)
    assert [x.id for x in m.family().core] == ["m-assess", "m-falls", "m-harm", "m-restraint"]
    assert m.family().own == ()
    saved = m.adopt("falls_risk_assessment", name="Falls risk assessed on admission to Ward 7")
    assert saved.record.team_id == "team-riverside"
    assert saved.record.library_key == "falls_risk_assessment"
    assert m.selected_id == saved.record.id
    assert [x.name for x in m.family().own] == ["Falls risk assessed on admission to Ward 7"]
    # another team's family does not have it
    assert model(store, NORTHFIELD).family().own == ()
    with pytest.raises(KitInputError, match="already in your family"):
        m.adopt("falls_risk_assessment")


def test_the_facilitator_adopts_core_measures_every_team_gets(store):
    faculty = model(store, FACULTY, "team-northfield")
    saved = faculty.adopt("falls_with_harm")
    assert saved.record.team_id is None
    assert saved.record.id in [x.id for x in model(store).family().core]
    assert saved.record.id in [x.id for x in model(store, NORTHFIELD).family().core]
    with pytest.raises(KitInputError, match="already a core measure"):
        model(store).adopt("falls_with_harm")


def test_family_advice_names_what_is_missing_and_too_many(bare_store):
    actor = Actor.participant("t1", name="Ward 1", collaborative_id="c1")
    m = MeasuresModel(bare_store, actor, today=TODAY)
    assert [f.code for f in m.family_findings()] == ["empty"]
    m.adopt("sepsis_mortality")
    codes = [f.code for f in m.family_findings()]
    assert "no_balancing" in codes and "no_process" in codes and "no_outcome" not in codes
    m.adopt("sepsis_bundle")
    m.add_measure("ICU transfers within 24 hours", "balancing")
    assert m.family_findings() == []
    for n in range(6):
        m.add_measure(f"Extra process measure {n}", "process")
    assert [f.code for f in m.family_findings()] == ["too_many"]
    assert "more than about 8" in m.family_findings()[0].message


def test_a_team_cannot_remove_a_core_measure_but_removes_its_own(store):
    m = model(store)
    with pytest.raises(KitInputError, match="core measure of the collaborative"):
        m.remove("m-falls")
    own = m.adopt("hand_hygiene").record
    m.remove(own.id)
    assert own.id not in [x.id for x in m.family().measures]
    assert store.find(Measure, Actor.system(), id=own.id) == []
    assert [r.action for r in store.revisions(Measure, own.id, Actor.system())] == [
        "create",
        "delete",
    ]


def test_the_facilitator_removes_a_core_measure_only_while_no_team_has_data(store):
    faculty = model(store, FACULTY, "team-riverside")
    with pytest.raises(KitInputError, match="data points"):
        faculty.remove("m-falls")
    new = faculty.add_measure("Staff trained in falls prevention", "process").record
    faculty.remove(new.id)
    assert new.id not in [x.id for x in faculty.family().measures]
    own = model(store).adopt("hand_hygiene").record
    faculty.reload()
    with pytest.raises(PermissionDenied, match="only the team removes it"):
        faculty.remove(own.id)


def test_a_participant_sees_only_their_own_team(store):
    with pytest.raises(PermissionDenied):
        model(store, RIVERSIDE, "team-northfield")


# --- the definition form --------------------------------------------------------------------


def test_the_form_reads_numbers_and_says_why_a_definition_is_ambiguous(store):
    m = model(store)
    m.adopt("falls_rate")
    raw = m.form_values()
    assert raw["multiply"] == "1000" and raw["baseline"] == ""
    draft = m.draft({**raw, "baseline": "about 4", "target": "2.9", "multiply": "0"})
    assert draft.errors == {
        "baseline": "Baseline must be a number; 'about 4' is not.",
        "multiply": "The multiplier must be above 0 (1 for values, 100 for %).",
    }
    with pytest.raises(KitInputError, match="Baseline must be a number"):
        m.save_definition(draft)
    draft = m.draft({**raw, "baseline": "4.1", "target": "5", "multiply": "100"})
    codes = {f.code for f in m.review(draft.measure)}
    assert {"target_wrong_side", "multiplier_mismatch"} <= codes
    draft = m.draft({**raw, "baseline": "4.1", "target": "2.9", "exclusions": ""})
    assert [f.code for f in m.review(draft.measure)] == ["exclusions_missing"]
    saved = m.save_definition(draft)
    assert saved.version == 2 and saved.record.baseline == 4.1


def test_a_chart_that_needs_a_denominator_is_refused_on_the_form_line(store):
    m = model(store)
    m.add_measure("Minutes to antibiotics", "process")
    draft = m.draft({**m.form_values(), "chart": "p"})
    assert "P chart needs a numerator and a denominator" in draft.errors["form"]


def test_core_definitions_are_the_facilitators_to_change(store):
    m = model(store)
    m.select("m-falls")
    draft = m.draft({**m.form_values(), "baseline": "4"})
    with pytest.raises(PermissionDenied, match="only the facilitator"):
        m.save_definition(draft)
    faculty = model(store, FACULTY, "team-riverside")
    faculty.select("m-falls")
    saved = faculty.save_definition(faculty.draft({**faculty.form_values(), "baseline": "4"}))
    assert saved.record.baseline == 4
    stale = model(store, FACULTY, "team-riverside")  # a second faculty page, loaded now
    stale.select("m-falls")
    faculty.save_definition(faculty.draft({**faculty.form_values(), "target": "3"}))
    with pytest.raises(EditConflict):
        stale.save_definition(stale.draft({**stale.form_values(), "target": "2"}))
    assert store.get(Measure, "m-falls", Actor.system()).record.target == 3


# --- the grid -------------------------------------------------------------------------------


def test_the_grid_has_a_row_per_period_and_flags_missing_ones(store):
    m = model(store)
    m.adopt("falls_restraint")
    rows = m.grid()
    assert [r.label for r in rows][:2] == ["Dec 2025", "Jan 2026"]  # the collaborative's start
    assert rows[-1].label == "Dec 2026" and len(rows) == 13  # to the current month
    assert m.missing() == []  # nothing reported yet: nothing flagged
    m.enter(dt.date(2026, 3, 1), {"numerator": "2", "denominator": "20"})
    m.enter(dt.date(2026, 6, 1), {"numerator": "3", "denominator": "20", "note": "audit"})
    missing = m.missing()
    assert missing[:2] == [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    assert missing[-1] == dt.date(2026, 11, 1)  # the last finished month; December is not over
    flagged = [r.label for r in m.grid() if r.missing]
    assert flagged[:2] == ["Apr 2026", "May 2026"]
    assert m.grid()[6].values() == {
        "value": "",
        "numerator": "3",
        "denominator": "20",
        "note": "audit",
    }


def test_a_corrected_value_keeps_its_history_and_can_be_restored(store):
    m = model(store)
    m.adopt("falls_restraint")
    march = dt.date(2026, 3, 1)
    m.enter(march, {"numerator": "2", "denominator": "20"})
    m.enter(march, {"numerator": "4", "denominator": "20"})
    row = next(r for r in m.grid() if r.period == march)
    assert row.corrected and row.values()["numerator"] == "4"
    history = m.history(march)
    assert [h.summary for h in history] == ["4/20", "2/20"]
    assert "Riverside" in history[0].label
    m.restore(march, 1)
    assert m.stored()[march].record.numerator == 2
    assert [h.summary for h in m.history(march)] == ["2/20", "4/20", "2/20"]


def test_typing_is_read_in_words_and_an_emptied_row_is_removed(store):
    m = model(store)
    m.adopt("falls_restraint")
    march = dt.date(2026, 3, 1)
    with pytest.raises(KitInputError, match="numerator for Mar 2026 must be a number"):
        m.enter(march, {"numerator": "two", "denominator": "20"})
    with pytest.raises(KitInputError, match="both the numerator and the denominator"):
        m.enter(march, {"numerator": "2", "denominator": ""})
    with pytest.raises(KitInputError, match="larger than the denominator"):
        m.enter(march, {"numerator": "30", "denominator": "20"})
    assert m.stored() == {}
    m.enter(march, {"numerator": "2", "denominator": "20"})
    assert m.enter(march, {"numerator": "", "denominator": ""}) is None
    assert m.stored() == {}
    assert (
        store.find(Observation, Actor.system(), team_id="team-riverside", measure_id=m.selected_id)
        == []
    )


def test_a_stale_typed_value_is_a_conflict_not_an_overwrite(store):
    first = model(store)
    measure = first.adopt("falls_restraint").record
    march = dt.date(2026, 3, 1)
    first.enter(march, {"numerator": "2", "denominator": "20"})
    second = model(store)
    second.select(measure.id)
    second.grid()  # the second page shows 2/20
    first.enter(march, {"numerator": "3", "denominator": "20"})
    with pytest.raises(EditConflict):
        second.enter(march, {"numerator": "5", "denominator": "20"})
    assert first.stored()[march].record.numerator == 3


def test_faculty_read_a_teams_data_without_changing_it(store):
    faculty = model(store, FACULTY, "team-riverside")
    faculty.select("m-falls")
    assert len(faculty.grid()) >= 24
    with pytest.raises(PermissionDenied, match="as faculty"):
        faculty.enter(dt.date(2025, 3, 1), {"numerator": "1", "denominator": "900"})


# --- pasting and uploading ------------------------------------------------------------------


def test_a_pasted_block_is_previewed_then_saved_only_when_ready(store):
    m = model(store)
    m.adopt("falls_restraint")
    text = block(dt.date(2025, 7, 1), [(3, 20)] * 18)
    preview = m.preview_paste(text)
    assert preview.ready and preview.count("new") == 18
    assert m.stored() == {}  # a preview saves nothing
    assert m.save_paste(preview) == 18
    assert len(m.stored()) == 18
    again = m.preview_paste(text)
    assert again.count("same") == 18 and not again.ready
    with pytest.raises(KitInputError, match="nothing new to save"):
        m.save_paste(again)


def test_a_partly_bad_paste_saves_nothing_and_says_which_rows(store):
    m = model(store)
    m.adopt("falls_restraint")
    preview = m.preview_paste("2026-01\t3\t20\n2026-02\tthree\t20\n2026-03\t4\n")
    assert [r.status for r in preview.rows] == ["new", "error", "error"]
    with pytest.raises(KitInputError, match="2 rows need fixing first"):
        m.save_paste(preview)
    assert m.stored() == {}


def test_an_ambiguous_date_is_asked_not_guessed(store):
    m = model(store)
    m.adopt("falls_restraint")
    preview = m.preview_paste("05/03/2026\t3\t20\n")
    assert [q.key for q in preview.questions] == ["day_first"]
    with pytest.raises(KitInputError, match="Answer the question"):
        m.save_paste(preview)
    answered = m.preview_paste("05/03/2026\t3\t20\n", day_first=True)
    m.save_paste(answered)
    assert list(m.stored()) == [dt.date(2026, 3, 1)]


def test_a_bad_file_is_reported_row_by_row_and_nothing_is_imported(store):
    m = model(store)
    m.adopt("falls_restraint")
    bad = b"period,numerator,denominator\n2026-01,3,20\n2026-02,abc,20\n2026-03,30,20\n"
    preview = m.preview_file(bad, "restraint.csv")
    assert not preview.ready
    assert preview.problems == (
        "Row 3: 'abc' in numerator is not a number.",
        "Row 4: For Mar 2026 the numerator (30) is larger than the denominator (20).",
    )
    with pytest.raises(KitInputError, match="nothing was saved"):
        m.import_file(preview)
    assert m.stored() == {}


def test_a_good_file_is_previewed_against_what_is_stored_then_imported(store):
    m = model(store)
    m.adopt("falls_restraint")
    m.enter(dt.date(2026, 1, 1), {"numerator": "3", "denominator": "20"})
    m.enter(dt.date(2026, 2, 1), {"numerator": "9", "denominator": "20"})
    good = b"month,numerator,denominator\nJan 2026,3,20\nFeb 2026,2,20\nMar 2026,1,20\n"
    preview = m.preview_file(good, "restraint.csv")
    assert [(r.label, r.status) for r in preview.rows] == [
        ("Jan 2026", "same"),
        ("Feb 2026", "change"),
        ("Mar 2026", "new"),
    ]
    assert "replaces 9/20" in preview.rows[1].message
    assert m.stored()[dt.date(2026, 2, 1)].record.numerator == 9  # nothing saved yet
    assert m.import_file(preview) == 2
    assert m.stored()[dt.date(2026, 2, 1)].record.numerator == 2
    assert [h.summary for h in m.history(dt.date(2026, 2, 1))] == ["2/20", "9/20"]


@pytest.mark.parametrize(
    ("frequency", "label"),
    [("monthly", "Mar 2026"), ("quarterly", "Q1 2026"), ("weekly", "week of 02 Mar 2026")],
)
def test_periods_are_named_by_the_measures_frequency(frequency, label):
    day = dt.date(2026, 3, 2) if frequency == "weekly" else dt.date(2026, 3, 1)
    assert period_label(day, frequency) == label


# --- two people saving one measure's data at once ---------------------------------------------


def test_a_paste_over_a_period_someone_saved_since_the_preview_is_a_conflict(store):
    from kit.errors import Conflict

    ana, ben = model(store), model(store)
    measure = ana.adopt("falls_restraint").record
    ben.reload()
    ben.select(measure.id)
    ana.save_paste(ana.preview_paste(block(dt.date(2026, 1, 1), [(3, 20), (4, 20)])))
    mine = ana.preview_paste(block(dt.date(2026, 1, 1), [(5, 20), (6, 20)]))
    theirs = ben.preview_paste(block(dt.date(2026, 2, 1), [(9, 20), (1, 20)]))
    assert ben.save_paste(theirs) == 2  # February changed, March added, while Ana previewed
    with pytest.raises(Conflict, match=r"changed the data for Feb 2026 while you were pasting"):
        ana.save_paste(mine)
    stored = ana.stored()
    assert [stored[dt.date(2026, m, 1)].record.numerator for m in (1, 2, 3)] == [3, 9, 1]
    # a period nobody else touched is saved as usual; keeping mine saves over theirs
    assert ana.save_paste(mine, over_theirs=True) == 2
    assert ana.stored()[dt.date(2026, 2, 1)].record.numerator == 6


def test_an_import_over_a_period_someone_saved_since_the_file_was_read_is_a_conflict(store):
    from kit.errors import Conflict

    ana, ben = model(store), model(store)
    measure = ana.adopt("falls_restraint").record
    ben.reload()
    ben.select(measure.id)
    preview = ana.preview_file(b"period,numerator,denominator\n2026-01,3,20\n", "a.csv")
    ben.enter(dt.date(2026, 1, 1), {"numerator": "7", "denominator": "20"})
    with pytest.raises(Conflict, match="Jan 2026"):
        ana.import_file(preview)
    assert ana.stored()[dt.date(2026, 1, 1)].record.numerator == 7
    assert ana.import_file(preview, over_theirs=True) == 1
    assert ana.stored()[dt.date(2026, 1, 1)].record.numerator == 3


def test_a_typed_row_is_read_for_the_chart_without_saving(store):
    m = model(store)
    m.adopt("falls_restraint")
    march = dt.date(2026, 3, 1)
    assert m.typed_point(march, {"numerator": "2", "denominator": "20"}) == (2.0, 20.0)
    assert m.typed_point(march, {"numerator": "", "denominator": ""}) is None
    with pytest.raises(KitInputError, match="Type both the numerator and the denominator"):
        m.typed_point(march, {"numerator": "2", "denominator": ""})
    with pytest.raises(KitInputError, match="must be a number"):
        m.typed_point(march, {"numerator": "two", "denominator": "20"})
    assert m.stored() == {}
