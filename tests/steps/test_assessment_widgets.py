"""The assessment app's widgets driven from Python: faculty rate two teams, a team rates
itself, the gap and who/when show, the wording changes, the exports are offered."""

from __future__ import annotations

import datetime as dt
import html
import re

from kit.qi import Assessment
from kit.steps import assessment
from kit.steps.assessment.view import AssessmentView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
JUNE = dt.date(2026, 6, 1)


def open_app(store, identity: Identity = FACULTY):
    shell = assessment.app(store=store, params={"session": issue_token(identity)})
    assert isinstance(shell.content, AssessmentView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def stored(store, team: str, month: dt.date, rated_by: str) -> Assessment:
    found = store.find(Assessment, Actor.system(), team_id=team, month=month, rated_by=rated_by)
    assert len(found) == 1
    return found[0].record


def test_faculty_see_every_team_with_both_scores_and_who_gave_them(store):
    _shell, view = open_app(store)
    view.month.value = JUNE
    assert len(view.rows) == 7
    row = view.rows["team-riverside"]
    assert row.score.value != ""
    assert "by " in text_of(row.mine) and "UTC" in text_of(row.mine)
    assert "by " in text_of(row.other)
    assert "teams rated by faculty for June 2026" in text_of(view.summary)


def test_the_facilitator_rates_two_teams(store):
    shell, view = open_app(store)
    month = view.month.options[-1][1]  # the prework month: nobody rated yet
    view.month.value = month
    assert view.rows["team-riverside"].score.value == ""
    view.rows["team-riverside"].score.value = "3.5"
    view.rows["team-harbour"].score.value = "2.0"
    assert shell.save_state.state == "saved"
    assert stored(store, "team-riverside", month, "faculty").score == 3.5
    assert stored(store, "team-harbour", month, "faculty").score == 2.0
    assert "by Facilitator" in text_of(view.rows["team-riverside"].mine)
    assert "2 of 7 teams rated" in text_of(view.summary)


def test_a_team_rates_itself_and_sees_the_gap_highlighted(store):
    _shell, fac = open_app(store)
    month = fac.month.options[-1][1]
    fac.month.value = month
    fac.rows["team-riverside"].score.value = "2.0"
    shell, view = open_app(store, RIVERSIDE)
    assert list(view.rows) == ["team-riverside"]
    view.month.value = month
    row = view.rows["team-riverside"]
    assert "2.0" in text_of(row.other)  # faculty's score, read-only beside the team's
    row.score.value = "3.5"
    assert shell.save_state.state == "saved"
    assert stored(store, "team-riverside", month, "team").score == 3.5
    assert "kit-assessment-gap-flag" in row.gap.value
    assert "1.5 higher than faculty" in text_of(row.gap)
    assert "1.5 higher" in text_of(view.history)


def test_a_team_cannot_reword_the_scale_nor_see_the_rewording_form(store):
    _shell, view = open_app(store, RIVERSIDE)
    assert view.save_wording not in view.children


def test_faculty_reword_a_level_and_the_choices_follow(store):
    shell, view = open_app(store)
    view.level.value = 2.5
    view.label.value = "Tests under way"
    view.description.value = "Changes are tested on the ward."
    view.save_wording.click()
    assert "Tests under way" in text_of(view.scale)
    labels = [label for label, _value in view.rows["team-riverside"].score.options]
    assert "2.5 · Tests under way" in labels
    view.description.value = ""
    view.save_wording.click()
    assert "cannot be empty" in text_of(view.wording_error)
    view.reset_wording.click()
    assert "Tests under way" not in text_of(view.scale)
    assert shell.save_state.state == "saved"


def test_the_chart_redraws_after_a_rating(store):
    _shell, view = open_app(store)
    month = view.month.options[-1][1]
    view.month.value = month
    before = sum(view._source.data["count"])
    view.rows["team-kingsway"].score.value = "4.0"
    assert sum(view._source.data["count"]) == before + 1
    assert f"{month:%b %Y}" in view._figure.x_range.factors


def test_the_exports_are_offered_as_two_links(store):
    _shell, view = open_app(store)
    view.export_button.click()
    assert "download='assessments.csv'" in view.downloads.value
    assert "download='assessments.xlsx'" in view.downloads.value
