"""The measures app's widgets driven from Python: adopt, define, type, paste and upload, then
check what the store holds."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

import pytest

from kit.qi import Measure, Observation
from kit.steps import measures
from kit.steps.measures.view import MeasuresView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")


def open_app(store, identity: Identity = RIVERSIDE, **params):
    shell = measures.app(store=store, params={"session": issue_token(identity), **params})
    assert isinstance(shell.content, MeasuresView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def data(store, measure_id: str, team: str = "team-riverside") -> dict[dt.date, Observation]:
    found = store.find(Observation, Actor.system(), team_id=team, measure_id=measure_id)
    return {s.record.period: s.record for s in found}


def adopt(view: MeasuresView, key: str) -> Measure:
    view.family.library.value = key
    view.family.adopt_button.click()
    return view.model.measure()


def test_the_page_opens_with_the_core_family_and_its_data(store):
    shell, view = open_app(store)
    assert "Riverside" in shell.header.value
    assert view.family.selector.value == "m-assess"
    assert len(view.family.selector.options) == 4
    family = text_of(view.family.table)
    assert "Falls per 1,000 patient-days" in family and "Core (set by the facilitator)" in family
    assert text_of(view.family.warnings).strip() == ""  # outcome, process and balancing
    assert len(view.grid.rows) >= 24
    assert all(widget.disabled for widget in view.definition.inputs.values())  # a core measure
    assert "core measure of the collaborative" in text_of(view.definition.readonly)
    assert view.family.remove_button.disabled


def test_adopting_from_the_library_adds_the_measure_and_opens_its_definition(store):
    shell, view = open_app(store)
    view.family.library.value = "falls_restraint"
    assert "NDNQI" in text_of(view.family.library_detail) or "Source" in text_of(
        view.family.library_detail
    )
    view.family.adopt_button.click()
    assert "is in the family now" in shell.alert.text
    measure = view.model.measure()
    assert measure.team_id == "team-riverside" and measure.library_key == "falls_restraint"
    assert view.family.selector.value == measure.id
    assert view.definition.inputs["name"].value == measure.name
    assert not view.definition.inputs["name"].disabled
    assert "Adopted from the measure library. Source:" in text_of(view.definition.source)
    assert "Baseline" in text_of(view.definition.review)  # no baseline or target yet
    assert store.get(Measure, measure.id, Actor.system()).record.name == measure.name
    # adapting it: the team writes its own data source, saved when typing pauses
    view.definition.inputs["data_source"].value = "Ward 7 daily safety huddle sheet"
    view.definition.inputs["baseline"].value = "12"
    view.definition.inputs["target"].value = "12"
    view.flush()
    saved = store.get(Measure, measure.id, Actor.system())
    assert saved.record.definition.data_source == "Ward 7 daily safety huddle sheet"
    assert saved.record.baseline == 12 and saved.version > 1
    assert "Clear: every element is defined" in text_of(view.definition.review)


def test_an_unreadable_number_shows_beside_its_field_and_is_not_saved(store):
    shell, view = open_app(store)
    measure = adopt(view, "falls_rate")
    view.definition.inputs["baseline"].value = "about four"
    view.flush()
    assert "Baseline must be a number; 'about four' is not." in text_of(
        view.definition.errors["baseline"]
    )
    assert shell.save_state.state == "error"
    assert store.get(Measure, measure.id, Actor.system()).record.baseline is None
    view.definition.inputs["multiply"].value = "100"
    assert "10 times too small" in text_of(view.definition.notes["multiply"])


def test_the_family_warns_when_it_grows_past_eight(store):
    _shell, view = open_app(store)
    for key in ("falls_restraint", "falls_risk_assessment", "skin_bundle", "continuity"):
        adopt(view, key)
    assert text_of(view.family.warnings).strip() == ""
    adopt(view, "hand_hygiene")
    assert "more than about 8" in text_of(view.family.warnings)


def test_a_team_cannot_remove_a_core_measure_but_removes_its_own(store):
    shell, view = open_app(store)
    view.family.selector.value = "m-falls"
    assert view.family.remove_button.disabled
    view.model.selected_id = "m-falls"
    view.family._remove_armed = "m-falls"
    view.family.remove_button.click()
    assert "core measure of the collaborative" in shell.alert.text
    assert store.get(Measure, "m-falls", Actor.system())
    own = adopt(view, "hand_hygiene")
    view.family.remove_button.click()
    assert "Click again" in view.family.remove_button.description
    view.family.remove_button.click()
    assert own.id not in [value for _label, value in view.family.selector.options]
    assert store.find(Measure, Actor.system(), id=own.id) == []


def test_typing_a_value_saves_it_and_a_bad_one_says_why(store):
    shell, view = open_app(store)
    measure = adopt(view, "falls_restraint")
    rows = {row.period: row for row in view.grid.rows}
    march = rows[dt.date(2026, 3, 1)]
    march.inputs["numerator"].value = "two"
    march.inputs["denominator"].value = "20"
    view.flush()
    assert "must be a number" in text_of(march.status)
    assert data(store, measure.id) == {}
    march.inputs["numerator"].value = "2"
    view.flush()
    assert shell.save_state.state == "saved"
    assert data(store, measure.id)[dt.date(2026, 3, 1)].numerator == 2
    # a later month makes the ones between missing
    rows[dt.date(2026, 6, 1)].inputs["numerator"].value = "4"
    rows[dt.date(2026, 6, 1)].inputs["denominator"].value = "20"
    view.flush()
    assert "kit-measures-row-missing" in rows[dt.date(2026, 4, 1)]._dom_classes
    # missing: every finished month after March but June, up to the app's (real) today
    today = view.model.today
    finished_after_march = (today.year - 2026) * 12 + today.month - 3 - 1
    assert f"Missing: {finished_after_march - 1} periods" in text_of(view.grid.missing)
    # a correction keeps the old value in the history, and it can be restored
    march.inputs["numerator"].value = "3"
    view.flush()
    assert "corrected" in text_of(march.status)
    view.grid.history_period.value = dt.date(2026, 3, 1)
    assert [label.split(" · ")[-1] for label, _v in view.grid.history.options] == ["3/20", "2/20"]
    view.grid.history.value = 1
    view.grid.restore_button.click()
    assert data(store, measure.id)[dt.date(2026, 3, 1)].numerator == 2


def test_a_ragged_partly_bad_paste_is_previewed_and_nothing_is_saved(store):
    _shell, view = open_app(store)
    measure = adopt(view, "falls_restraint")
    view.paste.text.value = (
        "Month\tRestrained\tSampled\tRate\r\n"
        "Jan 2026\t3\t20\t15\r\n"
        "Feb 2026\tthree\t20\r\n"
        "Mar 2026\t4\r\n"
        "\r\n"
        "Apr 2026\t2\t20\t10\r\n"
    )
    view.paste.preview_button.click()
    preview = text_of(view.paste.preview)
    assert "'three' in numerator is not a number" in preview
    assert "Line 4: the denominator is missing" in preview
    assert "Column 4 ('Rate') was not used" in preview
    assert "1 blank line was skipped" in preview
    assert "Not ready to save" in preview
    assert view.paste.save_button.disabled
    view.paste.save_button.click()
    assert data(store, measure.id) == {}


def test_a_paste_that_asks_is_answered_then_saved(store):
    shell, view = open_app(store)
    measure = adopt(view, "falls_restraint")
    view.paste.text.value = "05/03/2026\t3\t20\n2026-04\t2\t20\n"
    view.paste.preview_button.click()
    assert view.paste.save_button.disabled
    question = view.paste.questions.children[0].children[1]
    question.value = True  # day first
    assert not view.paste.save_button.disabled
    assert data(store, measure.id) == {}  # nothing before confirming
    view.paste.save_button.click()
    assert "Saved 2 periods" in shell.alert.text
    assert sorted(data(store, measure.id)) == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    assert view.paste.text.value == ""
    rows = {row.period: row for row in view.grid.rows}
    assert rows[dt.date(2026, 4, 1)].inputs["numerator"].value == "2"


def test_editing_the_block_after_a_preview_needs_a_new_preview(store):
    shell, view = open_app(store)
    measure = adopt(view, "falls_restraint")
    view.paste.text.value = "2026-01\t3\t20\n"
    view.paste.preview_button.click()
    assert not view.paste.save_button.disabled
    view.paste.text.value = "2026-01\t30\t20\n"
    assert view.paste.save_button.disabled and view.paste.preview.value == ""
    assert data(store, measure.id) == {}


def upload(view: MeasuresView, name: str, content: bytes) -> None:
    view.upload.upload.value = (
        {"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
         "last_modified": dt.datetime(2026, 12, 1)},
    )  # fmt: skip


def test_a_good_file_is_previewed_then_imported(store):
    shell, view = open_app(store)
    measure = adopt(view, "falls_restraint")
    upload(view, "restraint.csv", b"period,numerator,denominator\n2026-01,3,20\n2026-02,2,20\n")
    report = text_of(view.upload.report)
    assert "2 rows read; 2 new" in report and "Nothing is saved until you import" in report
    assert data(store, measure.id) == {}
    view.upload.import_button.click()
    assert "Imported 2 periods from restraint.csv" in shell.alert.text
    assert sorted(data(store, measure.id)) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]


def test_a_bad_file_gets_the_row_report_and_nothing_is_saved(store):
    _shell, view = open_app(store)
    measure = adopt(view, "falls_restraint")
    upload(
        view,
        "restraint.csv",
        b"period,numerator,denominator\n2026-01,3,20\n2026-02,abc,20\n2026-03,30,20\n",
    )
    report = text_of(view.upload.report)
    assert "was not imported; nothing was changed" in report
    assert "Row 3: 'abc' in numerator is not a number." in report
    assert "Row 4: For Mar 2026 the numerator (30) is larger than the denominator (20)." in report
    assert view.upload.import_button.disabled
    view.upload.import_button.click()
    assert data(store, measure.id) == {}


def test_faculty_read_a_team_and_edit_the_core_measures(store):
    shell, view = open_app(store, FACULTY, team="team-northfield")
    assert view.team_picker.value == "team-northfield"
    assert "read-only" in text_of(view.readonly_note)
    assert all(row.inputs["numerator"].disabled for row in view.grid.rows)
    assert view.paste.text.disabled and view.upload.upload.disabled
    view.family.selector.value = "m-falls"
    assert not view.definition.inputs["baseline"].disabled
    view.definition.inputs["baseline"].value = "4"
    view.flush()
    assert store.get(Measure, "m-falls", Actor.system()).record.baseline == 4
    view.family.library.value = "hand_hygiene"
    view.family.adopt_button.click()
    adopted = view.model.measure()
    assert adopted.team_id is None  # a core measure: every team gets it
    view.team_picker.value = "team-riverside"
    assert adopted.id in [value for _label, value in view.family.selector.options]


@pytest.mark.parametrize("identity", [RIVERSIDE, FACULTY])
def test_no_traceback_reaches_the_page_when_the_store_fails(store, identity, monkeypatch):
    shell, view = open_app(store, identity)
    monkeypatch.setattr(view.model.store, "save", lambda *a, **k: 1 / 0)
    view.family.library.value = "hand_hygiene"
    view.family.adopt_button.click()
    assert "Something went wrong on our side" in shell.alert.text


def test_a_paste_over_data_someone_saved_meanwhile_shows_the_conflict_banner(store):
    shell, ana = open_app(store)
    measure = adopt(ana, "falls_restraint")
    ana.paste.text.value = "2026-01\t3\t20\n2026-02\t4\t20\n"
    ana.paste.preview_button.click()
    _other, ben = open_app(store)
    ben.family.selector.value = measure.id
    ben.paste.text.value = "2026-02\t9\t20\n"
    ben.paste.preview_button.click()
    ben.paste.save_button.click()
    ana.paste.save_button.click()
    assert ana.conflict.visible
    assert "changed the data for Feb 2026" in ana.conflict.message.value
    assert "Saved" not in shell.alert.text
    assert {p: o.numerator for p, o in data(store, measure.id).items()} == {dt.date(2026, 2, 1): 9}
    ana.conflict.keep_button.click()  # keep mine: saved over theirs, as chosen
    assert not ana.conflict.visible
    assert {p: o.numerator for p, o in data(store, measure.id).items()} == {
        dt.date(2026, 1, 1): 3,
        dt.date(2026, 2, 1): 4,
    }


def test_the_chart_beside_the_grid_follows_each_typed_value_before_the_save(store):
    from kit.charts.spc import POINTS

    _shell, view = open_app(store)
    view.family.selector.value = "m-falls"
    assert view.chart.chart_box.children == ()  # drawn only when asked for
    view.chart.show_button.click()
    figure = view.chart.figure
    points = next(iter(figure.select({"name": POINTS})))
    assert len(points.data["y"]) == 24
    rows = {row.period: row for row in view.grid.rows if row.inputs["numerator"].value}
    period = max(rows)
    row = rows[period]
    denominator = float(row.inputs["denominator"].value)
    row.inputs["numerator"].value = "60"
    assert view.chart.figure is figure  # the same chart, updated in place
    assert points.data["y"][-1] == pytest.approx(60 / denominator * 1000)
    assert f"{period:%B %Y} is above the upper limit" in text_of(view.chart.words)
    row.inputs["numerator"].value = "sixty"
    assert "The chart waits" in text_of(view.chart.problem)
    assert points.data["y"][-1] == pytest.approx(60 / denominator * 1000)
    row.inputs["numerator"].value = "1"
    assert f"{period:%B %Y} is above the upper limit" not in text_of(view.chart.words)
    assert "The chart waits" not in text_of(view.chart.problem)
    view.flush()
    assert data(store, "m-falls")[period].numerator == 1  # and the grid saved it as before


def test_the_grid_and_the_form_share_their_rows_layouts(store):
    """An 18-month grid is over a hundred widgets: rows that never change their look share one
    layout and one style each, so the page builds a few models instead of hundreds."""
    _, view = open_app(store)
    rows = view.grid.rows
    cells = [box for row in rows for name, box in row.inputs.items() if name != "note"]
    assert len(rows) >= 24 and len(cells) >= 48
    assert len({id(box.layout) for box in cells}) == 1
    assert len({id(box.style) for box in cells}) == 1
    assert len({id(row.layout) for row in rows}) == 1
    assert len({id(row.status.layout) for row in rows}) == 1
    labels = [row.children[0] for row in view.definition.children[3].children[0].children]
    assert len(labels) == 16 and len({id(label.layout) for label in labels}) == 1
    # a flagged row is marked by its classes and words, never by its (shared) layout
    first = rows[0]
    first.flag(replace(view.model.grid()[0], missing=True))
    assert "kit-measures-row-missing" in first._dom_classes
    assert "kit-measures-row-missing" not in rows[1]._dom_classes
    assert "Missing" in first.status.value and "Missing" not in rows[1].status.value
