"""The change-package app's widgets driven from Python, and its Bokeh drawing and exports."""

from __future__ import annotations

import base64
import html
import re

import pytest

from kit.charts import driver_diagram as chart
from kit.charts import screenshot
from kit.qi import DriverDiagram
from kit.qi import drivers as dd
from kit.steps import change_package
from kit.steps.change_package.view import ChangePackageView, concept_card
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
STANNE = Identity("participant", COLLAB, "team-stanne", "St Anne's")
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")


def open_app(store, identity: Identity = STANNE, **params):
    shell = change_package.app(store=store, params={"session": issue_token(identity), **params})
    assert isinstance(shell.content, ChangePackageView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def stored(store, diagram_id: str = "dd-team-stanne") -> DriverDiagram:
    return store.get(DriverDiagram, diagram_id, Actor.system()).record


def option_ids(select) -> dict[str, str]:
    return {label: value for label, value in select.options}


def empty(view: ChangePackageView) -> None:
    view.clear_button.click()
    assert "Click again" in view.clear_button.description
    view.clear_button.click()
    assert "0 primary drivers" in text_of(view.summary)


def add_primary(view, text):
    view.primary_text.value = text
    view.add_primary_button.click()


def add_secondary(view, text, primaries):
    view.secondary_text.value = text
    ids = option_ids(view.secondary_primaries)
    view.secondary_primaries.value = tuple(ids[p] for p in primaries)
    view.add_secondary_button.click()


def add_idea(view, text, secondaries, concept=""):
    view.idea_text.value = text
    ids = option_ids(view.idea_secondaries)
    view.idea_secondaries.value = tuple(ids[s] for s in secondaries)
    view.idea_concept.value = concept
    view.add_idea_button.click()


# --- the app --------------------------------------------------------------------------------


def test_a_team_builds_3_5_8_by_clicking_and_the_store_has_it(store):
    shell, view = open_app(store)
    assert view.model.team_id == "team-stanne"
    empty(view)
    for p in ("P1", "P2", "P3"):
        add_primary(view, p)
    assert view.primary_text.value == ""  # ready for the next one
    for s, ps in (("S1", ["P1"]), ("S2", ["P1"]), ("S3", ["P1", "P2"]), ("S4", ["P2"])):
        add_secondary(view, s, ps)
    add_secondary(view, "S5", ["P3"])
    ideas = [
        ("C1", ["S1"], "use_reminders"),
        ("C2", ["S2"], "standardize"),
        ("C3", ["S3", "S4"], ""),
        ("C4", ["S3"], ""),
        ("C5", ["S4"], "use_constraints"),
        ("C6", ["S4"], ""),
        ("C7", ["S5"], "use_reminders"),
        ("C8", ["S5"], ""),
    ]
    for text, secondaries, concept in ideas:
        add_idea(view, text, secondaries, concept)
    assert view.idea_concept.value == ""
    assert shell.alert.text == ""
    assert "3 primary drivers, 5 secondary drivers, 8 change ideas" in text_of(view.summary)
    assert text_of(view.warnings).strip() == ""
    assert shell.save_state.state == "saved"

    diagram = stored(store)
    primary = {p.text: p.id for p in diagram.primary_drivers}
    secondary = {s.text: s for s in diagram.secondary_drivers}
    assert secondary["S3"].primary_ids == [primary["P1"], primary["P2"]]
    c3 = next(c for c in diagram.change_ideas if c.text == "C3")
    assert c3.secondary_ids == [secondary["S3"].id, secondary["S4"].id]
    assert next(c for c in diagram.change_ideas if c.text == "C5").change_concept == (
        "use_constraints"
    )
    # the drawing got the new boxes through its data source
    assert len(view.chart.boxes.data["id"]) == 17
    assert sorted(view.chart.boxes.data["text"])[:3] == ["C1", "C2", "C3"]

    # a new kernel shows the same diagram
    _shell, again = open_app(store)
    assert "3 primary drivers, 5 secondary drivers, 8 change ideas" in text_of(again.summary)
    assert len(again.chart.boxes.data["id"]) == 17


def test_the_drawing_updates_its_sources_not_the_figure(store):
    _shell, view = open_app(store)
    figure, boxes, edges = view.chart.figure, view.chart.boxes, view.chart.edges
    before = len(boxes.data["id"])
    add_primary(view, "One more primary driver")
    assert view.chart.figure is figure and view.chart.boxes is boxes
    assert len(boxes.data["id"]) == before + 1
    assert "One more primary driver" in boxes.data["text"]
    assert len(edges.data["x0"]) > 0


def test_an_empty_add_is_a_message_not_a_traceback(store):
    shell, view = open_app(store)
    view.primary_text.value = "   "
    view.add_primary_button.click()
    assert "Type the primary driver's words first." in shell.alert.text
    view.idea_text.value = "x" * 300
    view.add_idea_button.click()
    assert "too long" in shell.alert.text
    assert not view.add_idea_button.disabled  # the guard gives the button back


def test_the_concept_card_shows_the_paraphrase_and_the_citation(store):
    _shell, view = open_app(store)
    view.idea_concept.value = "use_reminders"
    card = text_of(view.idea_card)
    assert "Use reminders" in card
    assert "Design systems to avoid mistakes" in card  # its group
    assert "Langley" in card and "The Improvement Guide" in card
    assert "not a change concept" in concept_card("standardisation")


def test_editing_relinking_and_deleting_a_box(store):
    shell, view = open_app(store)
    diagram = stored(store)
    toileting = next(s for s in diagram.secondary_drivers if s.text.startswith("Planned help"))
    view.editor.box_picker.value = toileting.id
    assert view.editor.box_text.value == toileting.text
    assert set(view.editor.box_links.value) == set(toileting.primary_ids)
    view.editor.box_text.value = "Planned help with toileting, day and night"
    view.editor.box_links.value = (diagram.primary_drivers[2].id,)
    view.editor.box_save.click()
    changed = next(s for s in stored(store).secondary_drivers if s.id == toileting.id)
    assert changed.text == "Planned help with toileting, day and night"
    assert changed.primary_ids == [diagram.primary_drivers[2].id]

    idea = diagram.change_ideas[0]
    view.editor.box_picker.value = idea.id
    assert view.editor.box_concept_row.layout.display is None
    view.editor.box_concept.value = "use_constraints"
    view.editor.box_save.click()
    assert stored(store).change_ideas[0].change_concept == "use_constraints"
    assert stored(store).change_ideas[0].origin == "package"  # only rewording adapts an idea

    view.editor.box_picker.value = diagram.primary_drivers[0].id
    view.editor.box_cascade.value = True
    view.editor.box_delete.click()
    after = stored(store)
    assert diagram.primary_drivers[0].id not in {p.id for p in after.primary_drivers}
    assert "sd-assess" not in {s.id for s in after.secondary_drivers}  # cascaded
    assert view.editor.box_picker.value == ""
    assert shell.alert.text == ""


def test_adopting_the_package_asks_first_and_keeps_the_old_diagram(store):
    shell, view = open_app(store, RIVERSIDE)
    before = stored(store, "dd-team-riverside")
    view.adopt_button.click()
    assert "Click again" in view.adopt_button.description
    assert stored(store, "dd-team-riverside") == before  # nothing yet
    view.adopt_button.click()
    after = stored(store, "dd-team-riverside")
    assert {c.origin for c in after.change_ideas} == {"package"}
    assert len(after.change_ideas) == 5  # the package's, without the team's own idea
    assert "now your diagram" in shell.alert.text
    labels = [label for label, _v in view.history.options]
    assert "(restore)" not in labels[0] and len(labels) >= 2


def test_history_restores_an_earlier_diagram(store):
    _shell, view = open_app(store)
    original = stored(store)
    empty(view)
    add_primary(view, "Only this")
    view.history.value = 1
    assert "Version 1" in text_of(view.history_preview)
    view.restore_button.click()
    assert stored(store) == original
    assert "3 primary drivers, 5 secondary drivers, 6 change ideas" in text_of(view.summary)


def _reword_in_another_tab(store, box_id: str, text: str) -> None:
    current = store.get(DriverDiagram, "dd-team-stanne", Actor.system())
    store.save(
        dd.rename(current.record, box_id, text),
        STANNE.actor(),
        expected_version=current.version,
    )


def _reword_here(view, box_id: str, text: str) -> None:
    view.editor.box_picker.value = box_id
    view.editor.box_text.value = text
    view.editor.box_save.click()


def test_a_conflict_says_so_and_reload_brings_the_saved_diagram(store):
    shell, view = open_app(store)
    box = stored(store).primary_drivers[0]
    _reword_in_another_tab(store, box.id, "Worded in another tab")
    _reword_here(view, box.id, "Worded here")
    assert "while you were editing" in view.conflict.text
    assert view.conflict.visible
    assert shell.save_state.state == "error"
    view.conflict.reload_button.click()
    assert not view.conflict.visible
    assert stored(store).primary_drivers[0].text == "Worded in another tab"
    _reword_here(view, box.id, "Worded here")
    assert stored(store).primary_drivers[0].text == "Worded here"


def test_keep_mine_puts_my_wording_on_top_of_the_other_tabs(store):
    shell, view = open_app(store)
    box = stored(store).primary_drivers[0]
    _reword_in_another_tab(store, box.id, "Worded in another tab")
    _reword_here(view, box.id, "Worded here")
    assert view.conflict.visible
    view.conflict.keep_button.click()
    assert not view.conflict.visible
    assert shell.save_state.state == "saved"
    assert stored(store).primary_drivers[0].text == "Worded here"


def test_a_box_added_in_another_tab_and_one_added_here_both_land(store):
    shell, view = open_app(store)
    current = store.get(DriverDiagram, "dd-team-stanne", Actor.system())
    store.save(
        dd.add_primary(current.record, "Added in another tab"),
        STANNE.actor(),
        expected_version=current.version,
    )
    add_primary(view, "Added here")
    assert not view.conflict.visible
    assert shell.save_state.state == "saved"
    texts = [p.text for p in stored(store).primary_drivers]
    assert texts[-2:] == ["Added in another tab", "Added here"]
    assert "5 primary drivers" in text_of(view.summary)


def test_a_participant_sees_the_package_read_only(store):
    _shell, view = open_app(store, RIVERSIDE)
    view.diagram_picker.value = ""
    assert view.model.is_package
    assert view.edit_area.layout.display == "none"
    assert view.adopt_row.layout.display == "none"
    assert "written by the facilitator" in text_of(view.readonly_note)
    assert "3 primary drivers, 5 secondary drivers, 5 change ideas" in text_of(view.summary)


def test_faculty_edit_the_package_and_read_teams(store):
    shell, view = open_app(store, FACULTY)
    assert view.model.is_package and view.edit_area.layout.display is None
    add_primary(view, "Leaders walk the ward weekly")
    assert len(stored(store, "dd-package").primary_drivers) == 4
    view.diagram_picker.value = "team-northfield"
    assert view.edit_area.layout.display == "none"
    assert "read-only" in text_of(view.readonly_note)
    assert shell.alert.text == ""


def test_export_offers_html_and_png_downloads(store):
    _shell, view = open_app(store)
    view.export_button.click()
    links = view.downloads.value
    match = re.search(r"download='([^']+\.html)' href='data:text/html;base64,([^']+)'", links)
    assert match, links[:300]
    page = base64.b64decode(match.group(2)).decode("utf-8")
    for box in stored(store).primary_drivers:
        assert box.text.replace("'", "&#x27;") in page or box.text in page
    if screenshot.find_chromium():
        png = re.search(r"href='data:image/png;base64,([^']+)'", links)
        assert png and base64.b64decode(png.group(1)).startswith(b"\x89PNG")
    else:
        assert "PNG export needs Chromium" in links


# --- the chart on its own --------------------------------------------------------------------


def big_diagram(n_primary=4, per_primary=3, ideas_per_secondary=2) -> DriverDiagram:
    d = DriverDiagram(collaborative_id=COLLAB, team_id=None, aim_text="Reduce harm " * 10)
    for i in range(n_primary):
        d = dd.add_primary(d, f"Primary driver number {i} with quite a long label", box_id=f"p{i}")
        for j in range(per_primary):
            d = dd.add_secondary(d, f"Secondary {i}.{j}", [f"p{i}"], box_id=f"s{i}{j}")
            for k in range(ideas_per_secondary):
                d = dd.add_change_idea(d, f"Idea {i}.{j}.{k}", [f"s{i}{j}"], box_id=f"c{i}{j}{k}")
    return d


def test_the_figure_grows_with_the_boxes_so_30_plus_stay_readable():
    small = chart.DriverDiagramChart(big_diagram(2, 1, 1))
    big = chart.DriverDiagramChart(big_diagram())  # 1 + 4 + 12 + 24 = 41 boxes
    assert len(big.boxes.data["id"]) == 41
    assert big.figure.height >= 24 * chart.ROW_PX
    assert small.figure.height < big.figure.height
    # growing in place: the same figure gets taller
    small.update(big_diagram())
    assert small.figure.height == big.figure.height
    assert small.y_range.end == big.y_range.end


def test_long_labels_wrap_whole_and_their_boxes_grow_to_fit():
    """Issue 10: a long change idea is wrapped, never cut with "...", in the diagram and so
    in its exports (which draw the same figure)."""
    long_text = "A very long change idea " * 8
    d = dd.add_primary(big_diagram(1, 1, 0), "P")
    d = dd.add_change_idea(d, long_text.strip(), ["s00"], "use_reminders")
    result = dd.layout(d)
    data = chart.box_data(result)
    i = data["text"].index(long_text.strip())
    label = data["label"][i]
    assert "…" not in label and "..." not in label
    assert " ".join(label.split("\n")[:-1]) == long_text.strip()
    assert label.split("\n")[-1] == "[Use reminders]"  # the change concept, on the box
    lines = label.count("\n") + 1
    assert data["height"][i] >= lines * 0.2  # room for every line
    assert all(
        b.height <= result.height / max(len(result.column(x)) for x in range(4))
        for b in result.boxes
        if b.kind != "aim"
    )
    page = chart.to_html(d, title="t")
    assert "A very long change idea A very long" in page.replace("\\n", " ")


def test_orphans_get_a_warning_border_and_concepts_a_tooltip():
    d = big_diagram(1, 1, 1)
    d = dd.add_change_idea(d, "Loose idea", [], "use_reminders")
    data = chart.box_data(dd.layout(d))
    i = data["text"].index("Loose idea")
    assert data["line"][i] == chart.ORPHAN_BORDER and data["line_width"][i] == 3
    assert "concept: Use reminders" in data["detail"][i]
    assert "not linked to the left" in data["detail"][i]


def test_an_empty_diagram_draws():
    empty_chart = chart.DriverDiagramChart(DriverDiagram(collaborative_id=COLLAB))
    assert empty_chart.boxes.data["kind"] == ["aim"]
    assert empty_chart.figure.height == chart.MIN_HEIGHT_PX


def test_png_export_without_chromium_says_so(monkeypatch):
    monkeypatch.setattr(screenshot, "find_chromium", lambda: None)
    with pytest.raises(Exception, match="PNG export needs Chromium"):
        chart.to_png(big_diagram(1, 1, 1))


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_no_two_widgets_share_a_layout(store):
    """Hiding one widget must never hide another (a shared Layout hides them all)."""
    for identity in (STANNE, FACULTY):
        _shell, view = open_app(store, identity)
        layouts = [id(x.layout) for x in walk(view) if hasattr(x, "layout")]
        assert len(layouts) == len(set(layouts))
        view.editor.box_picker.value = ""
        assert view.primary_text.layout.display != "none"
        assert view.idea_secondaries.layout.display != "none"


def test_an_unknown_diagram_in_the_address_says_it_does_not_exist(store):
    shell = change_package.app(
        store=store, params={"session": issue_token(RIVERSIDE), "diagram": "team-nowhere"}
    )
    assert "no team has that id" in shell.alert.text
    assert "another team" not in shell.alert.text


def test_buttons_whose_words_change_are_sized_to_their_words(store):
    """Issue 10: "Click again to re..." was cut by a fixed button width."""
    _shell, view = open_app(store)
    for button in (view.adopt_button, view.clear_button):
        assert button.layout.width == "auto"
    view.clear_button.click()
    assert view.clear_button.description == "Click again to empty our diagram"
