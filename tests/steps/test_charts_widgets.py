"""The charts app's widgets driven from Python: pick, click, and check the store and words."""

from __future__ import annotations

import datetime as dt

from kit.qi.chart_settings import ChartSettings
from kit.qi.records import Collaborative, Observation
from kit.steps import charts
from kit.steps.charts.view import ChartsView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
SHIFT = dt.date(2026, 4, 1)  # Riverside's falls move down from April 2026 in the demo


def open_app(store, identity: Identity = RIVERSIDE, **params) -> tuple:
    shell = charts.app(store=store, params={"session": issue_token(identity), **params})
    assert isinstance(shell.content, ChartsView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def saved_settings(store, measure_id: str = "m-falls") -> ChartSettings:
    found = store.find(ChartSettings, Actor.system(), team_id="team-riverside")
    return next(s.record for s in found if s.record.measure_id == measure_id)


def test_the_falls_chart_opens_explained_with_its_target_and_chart_choice(store):
    _shell, view = open_app(store)
    assert view.measure.value == "m-falls"
    words = text_of(view.explanation)
    assert "What this chart is telling you" in words
    assert "lower is better" in words
    assert "moved down from April 2026" in words
    assert "target line at 2.9 comes from the team's aim" in words
    assert "Why a U chart?" in text_of(view.choice)
    assert view.figure is not None and view.chart_box.children


def test_the_family_of_measures_is_drawn_on_request_and_follows_changes(store):
    _shell, view = open_app(store)
    assert not view.family_figures  # not drawn until asked: the page opens faster
    view.family_button.click()
    assert len(view.family_figures) == 4  # outcome, outcome, process, balancing
    small = view.family_figures["m-falls"]
    view.period.value = SHIFT
    view.phase_button.click()
    from kit.charts.spc import PHASES

    assert view.family_figures["m-falls"] is small
    assert len(next(iter(small.select({"name": PHASES}))).data["x"]) == 1


def test_adding_a_phase_by_picking_a_date_saves_and_updates_in_place(store):
    _shell, view = open_app(store)
    figure = view.figure
    before = text_of(view.explanation)
    view.period.value = SHIFT
    view.phase_button.click()
    assert saved_settings(store).phase_starts == [SHIFT]
    assert view.figure is figure  # the same figure: its data were replaced, not rebuilt
    after = text_of(view.explanation)
    assert after != before
    assert "start a new phase from April 2026" not in after
    assert "New phases from Apr 2026" in text_of(view.settings_summary)


def test_clicking_a_point_picks_its_period(store):
    _shell, view = open_app(store)
    from kit.charts.spc import POINTS

    source = next(iter(view.figure.select({"name": POINTS})))
    source.selected.indices = [13]  # what BokehJS sends back when the point is tapped
    assert view.period.value == SHIFT


def test_excluding_a_point_needs_a_reason_and_shows_it_on_the_chart(store):
    _shell, view = open_app(store)
    view.period.value = dt.date(2025, 11, 1)
    view.exclude_button.click()
    assert "Say why this point is left out" in text_of(view.settings_error)
    assert not store.find(ChartSettings, Actor.system(), team_id="team-riverside")
    view.reason.value = "Agency staff covered most shifts"
    view.exclude_button.click()
    assert saved_settings(store).excluded[0].reason == "Agency staff covered most shifts"
    from kit.charts.teaching import EXCLUDED

    crosses = next(iter(view.figure.select({"name": EXCLUDED})))
    assert crosses.data["reason"] == ["Agency staff covered most shifts"]
    assert "Nov 2025 left out" in text_of(view.settings_summary)
    assert view.reason.value == ""


def test_the_facilitator_chooses_the_collaboratives_rule_set(store):
    _shell, view = open_app(store, FACULTY, team="team-riverside")
    view.rules.value = "ihi"
    saved = store.find(Collaborative, Actor.system())[0].record
    assert saved.rule_set == "ihi"
    assert "IHI rules" in text_of(view.explanation)
    _shell, team_view = open_app(store)
    assert "IHI rules" in text_of(team_view.explanation)


def test_a_team_looks_under_another_rule_set_without_saving_it(store):
    _shell, view = open_app(store)
    view.view_rules.value = "nhs"
    assert "NHS Making Data Count rules" in text_of(view.explanation)
    assert "Looking only" in text_of(view.rules_note)
    assert store.find(Collaborative, Actor.system())[0].record.rule_set == "anhoej"


def test_a_save_elsewhere_in_the_kernel_updates_the_chart(store):
    _shell, view = open_app(store)
    figure = view.figure
    from kit.charts.spc import POINTS

    source = next(iter(figure.select({"name": POINTS})))
    n_before = len(source.data["y"])
    store.put_observations(
        [
            Observation(
                measure_id="m-falls",
                team_id="team-riverside",
                period=dt.date(2027, 3, 1),
                numerator=9,
                denominator=1000,
            )
        ],
        Actor.participant("team-riverside", "Riverside", COLLAB),
    )
    assert len(source.data["y"]) == n_before + 1
    assert view.figure is figure
    assert "Mar 2027" in [label for label, _ in view.period.options]


def test_the_downloads_are_a_standalone_page_and_a_picture(store, monkeypatch):
    from kit.charts import teaching

    monkeypatch.setattr(teaching, "to_png", lambda page, **kw: b"\x89PNG fake")
    _shell, view = open_app(store)
    view.export_button.click()
    assert "Download the HTML file" in view.downloads.value
    assert "Download the PNG" in view.downloads.value
    assert ".html" in view.downloads.value


def test_the_facilitator_reads_a_team_but_cannot_change_its_set_up(store):
    _shell, view = open_app(store, FACULTY, team="team-northfield")
    assert view.model.team_id == "team-northfield"
    assert view.phase_button.disabled
