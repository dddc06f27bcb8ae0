"""The collaborative dashboard's widgets driven from Python on the demo: every team in the grid,
sort and filter, a team's detail, the live refresh, and the downloads."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re

import pytest

from kit.qi import Observation, Team
from kit.steps import dashboard
from kit.steps.dashboard.model import DashboardModel
from kit.steps.dashboard.view import DashboardView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
DEMO_TEAMS = 7


def open_app(store, identity: Identity = FACULTY):
    shell = dashboard.app(store=store, params={"session": issue_token(identity)})
    assert isinstance(shell.content, DashboardView), shell.alert.text
    return shell, shell.content


def text_of(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", value))


def shown_names(view: DashboardView) -> list[str]:
    return [row.open.description for row in view.grid.children]


def decoded(link_html: str) -> str:
    found = re.search(r"base64,([A-Za-z0-9+/=]+)", link_html)
    assert found, link_html
    return base64.b64decode(found.group(1)).decode("utf-8")


def test_the_grid_shows_every_team_of_the_demo(store):
    _shell, view = open_app(store)
    names = {t.record.name for t in store.find(Team, Actor.system(), collaborative_id=COLLAB)}
    assert len(view.grid.children) == DEMO_TEAMS
    assert set(shown_names(view)) == names
    assert shown_names(view) == sorted(names, key=str.casefold)  # sorted by name at first
    assert "7 of 7 teams shown" in text_of(view.count.value)
    cells = text_of(view.rows["team-riverside"].cells.value)
    assert "✔" in cells  # the demo's wards all have aims and driver diagrams


def test_a_participant_is_refused(store):
    shell = dashboard.app(store=store, params={"session": issue_token(RIVERSIDE)})
    assert shell.content is None
    assert "faculty" in text_of(shell.body.children[0].value)


def test_sort_and_filter_follow_the_model(store):
    _shell, view = open_app(store)
    model = view.model
    view.sort.value = "completeness"
    expected = [s.name for s in model.rows("completeness")]
    assert shown_names(view) == expected
    view.signal.value = "improving"
    improving = [s.name for s in model.statuses if s.improving]
    assert set(shown_names(view)) == set(improving)
    assert 0 < len(view.grid.children) < DEMO_TEAMS  # the demo has a ward that never improves
    view.signal.value = "none"
    assert all(not model.status(r.team_id).improving for r in view.grid.children)
    view.signal.value = "any"
    view.overdue.value = "overdue"
    assert all(model.status(r.team_id).overdue_reports > 0 for r in view.grid.children)
    view.overdue.value = "any"
    view.assessment.value = "high"
    assert all((model.status(r.team_id).faculty_score or 0) >= 3.5 for r in view.grid.children)
    assert f"{len(view.grid.children)} of 7 teams shown" in text_of(view.count.value)


def test_a_click_on_a_team_opens_its_detail_with_its_charts(store):
    _shell, view = open_app(store)
    assert view.detail.children == ()
    view.rows["team-harbour"].open.click()
    head = text_of(view.detail.children[0].value)
    assert "Harbour View Hospital, Ward 3" in head
    charts = [c for c in view.detail.children if "kit-chart" in c._dom_classes]
    assert len(charts) >= 3  # outcome, process and balancing measures of the family
    close = view.detail.children[1].children[1]
    close.click()
    assert view.detail.children == ()


def test_small_multiples_are_paged_and_collaborative_charts_drawn(store):
    _shell, view = open_app(store)
    assert view.measure.options, "the demo has shared measures"
    grid = view._multiples_grid
    assert grid is not None and len(grid.children) == len(view._multiples_keys) == DEMO_TEAMS
    titles = {child[0].title.text for child in grid.children}
    assert "Riverside General, Ward 7" in titles  # teams by name, not by id
    assert view.page.options[0][0] == "1-7 of 7"
    assert view.pooled.children and view.improving.children and view.funnel.children
    assert "99.8% limits" in text_of(view.funnel_words.value)
    months = [m for _label, m in view.month.options]
    view.month.value = months[3]
    assert view.funnel.children
    assert "present" in text_of(view.suggestions.value)


def test_paging_keeps_a_page_of_teams(store, monkeypatch):
    import kit.steps.dashboard.view as view_module

    monkeypatch.setattr(view_module, "PAGE_SIZE", 3)
    _shell, view = open_app(store)
    assert [label for label, _p in view.page.options] == ["1-3 of 7", "4-6 of 7", "7-7 of 7"]
    first = list(view._multiples_keys)
    view.page.value = 2
    assert len(view._multiples_keys) == 1 and view._multiples_keys[0] not in first


def test_the_refresh_picks_up_a_new_observation_without_rebuilding(store):
    _shell, view = open_app(store)
    assert not view.poller.running  # no event loop in a test: the test ticks
    assert view.poller.tick == view.refresh
    assert view.refresh() is False  # nothing changed: nothing redrawn
    measure_id = view.measure.value
    chart_widget = view.multiples.children[0]
    riverside = view._multiples_keys.index("team-riverside")
    figure = view._multiples_grid.children[riverside][0]
    points_before = len(figure.select({"name": "kit-points"})[0].data["x"])
    grid_row = view.rows["team-riverside"]
    month = dt.date(2027, 3, 1)
    store.put_observations(
        [
            Observation(
                measure_id=measure_id, team_id="team-riverside", period=month,
                numerator=1, denominator=900, value=None,
            )
        ],
        Actor.system("a ward"),
    )  # fmt: skip
    assert view.refresh() is True
    assert view.multiples.children[0] is chart_widget  # updated in place, not rebuilt
    points_after = len(figure.select({"name": "kit-points"})[0].data["x"])
    assert points_after == points_before + 1
    assert view.rows["team-riverside"] is grid_row
    assert view.month.options[0][1] == month  # the new month is offered for the funnel
    assert view.refresh() is False


def test_the_model_fingerprint_changes_with_a_record(store):
    model = DashboardModel(store, Actor.system("test"))
    before = model.digest
    saved = store.get(Team, "team-kingsway", Actor.system())
    store.save(
        saved.record.model_copy(update={"name": "Kingsway, renamed"}),
        Actor.system(),
        expected_version=saved.version,
    )
    assert model.refresh() is True and model.digest != before
    assert "Kingsway, renamed" in [s.name for s in model.statuses]


def test_a_storyboard_download_escapes_the_team_name(store):
    saved = store.get(Team, "team-eastgate", Actor.system())
    store.save(
        saved.record.model_copy(update={"name": "<script>alert(1)</script> & Ward"}),
        Actor.system(),
        expected_version=saved.version,
    )
    _shell, view = open_app(store)
    view.rows["team-eastgate"].open.click()
    assert "&lt;script&gt;" in view.detail.children[0].value
    view.detail.children[1].children[0].click()
    link = view.storyboard_link.value
    assert "download='storyboard-script-alert-1-script-ward.html'" in link
    page = decoded(link)
    assert page.startswith("<!DOCTYPE html>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Ward" in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.slow
def test_all_reports_show_progress_and_offer_the_summary(store):
    _shell, view = open_app(store)
    view.summary_button.click()
    assert view.progress.value == view.progress.max == DEMO_TEAMS + 2
    links = view.summary_downloads.value
    assert "download='summary.html'" in links and "download='reports.zip'" in links
    summary = decoded(links.split(" · ")[0])
    assert "Riverside General, Ward 7" in summary


def test_the_open_teams_charts_update_in_place_on_a_refresh(store):
    _shell, view = open_app(store)
    view.rows["team-harbour"].open.click()
    charts = [c for c in view.detail.children if "kit-chart" in c._dom_classes]
    measure_id = view.measure.value
    figure = view._detail_figures[measure_id]
    points_before = len(figure.select({"name": "kit-points"})[0].data["x"])
    month = dt.date(2027, 3, 1)
    store.put_observations(
        [
            Observation(
                measure_id=measure_id, team_id="team-harbour", period=month,
                numerator=1, denominator=900, value=None,
            )
        ],
        Actor.system("a ward"),
    )  # fmt: skip
    assert view.refresh() is True
    assert view.detail_team == "team-harbour"
    assert [c for c in view.detail.children if "kit-chart" in c._dom_classes] == charts
    assert view._detail_figures[measure_id] is figure  # the same chart, its data replaced
    points_after = len(figure.select({"name": "kit-points"})[0].data["x"])
    assert points_after == points_before + 1
    assert "Harbour View Hospital, Ward 3" in text_of(view.detail.children[0].value)


def test_the_small_multiples_name_their_teams_in_words(store, monkeypatch):
    import kit.steps.dashboard.view as view_module

    monkeypatch.setattr(view_module, "PAGE_SIZE", 3)
    _shell, view = open_app(store)
    names = [view.model.team_name(k) for k in view._multiples_keys]
    assert text_of(view.multiples_teams.value).strip() == "Teams 1-3: " + " · ".join(names)
    view.page.value = 2
    assert text_of(view.multiples_teams.value).strip().startswith("Teams 7-7: ")
