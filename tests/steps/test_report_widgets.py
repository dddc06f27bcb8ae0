"""The monthly report app's widgets driven from Python: writing, the refusal naming the empty
sections, submitting (locked), "Edit" making version 2, the self-assessment and the charts."""

from __future__ import annotations

import datetime as dt
import html
import re

from kit.qi.records import Assessment, MonthlyReport
from kit.steps import report
from kit.steps.report.view import ReportView
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Riverside")
FACULTY = Identity("facilitator", COLLAB, None, "Facilitator")
NOVEMBER = dt.date(2026, 11, 1)
FULL = {
    "changes_tested": "Socks at every bed",
    "learned": "Socks run out on nights",
    "accomplishments": "Falls below the centre line for 3 months",
    "challenges": "None",
    "asks": "None",
    "next_steps": "Stock socks in every bay",
}


def open_app(store, identity: Identity = RIVERSIDE, **params):
    shell = report.app(store=store, params={"session": issue_token(identity), **params})
    assert isinstance(shell.content, ReportView), shell.alert.text
    return shell, shell.content


def text_of(widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def reports(store, month: dt.date) -> list[MonthlyReport]:
    found = store.find(MonthlyReport, Actor.system(), team_id="team-riverside")
    return sorted(
        (s.record for s in found if s.record.month == month), key=lambda r: r.version_number
    )


def november(view) -> None:
    if NOVEMBER not in {p for _l, p in view.period_picker.options}:
        view.model.select_period(NOVEMBER)
        view.load()
    else:
        view.period_picker.value = NOVEMBER


def test_it_lists_the_periods_with_due_dates_and_flags_the_overdue_ones(store):
    shell, view = open_app(store)
    table = text_of(view.statuses)
    assert "February 2026" in table and "10 Mar 2026" in table
    assert "Overdue by" in table  # April 2026 was never sent
    assert any("overdue" in label for label, _p in view.period_picker.options)
    assert len(view.score.options) == 9
    assert "Team forming" in view.score.options[0][0]


def test_writing_and_submitting_a_report(store):
    shell, view = open_app(store)
    november(view)
    view.sections["learned"].value = FULL["learned"]
    view.flush()
    assert reports(store, NOVEMBER)[0].learned == FULL["learned"]
    assert shell.save_state.state == "saved"

    view.submit_button.click()
    refusal = text_of(view.submit_error)
    for heading in ("changes tested", "results", "barriers", "help needed", "next steps"):
        assert heading in refusal
    assert not reports(store, NOVEMBER)[0].submitted

    for name, value in FULL.items():
        view.sections[name].value = value
    view.score.value = 3.5
    view.submit_button.click()
    assert text_of(view.submit_error) == ""
    sent = reports(store, NOVEMBER)
    assert len(sent) == 1 and sent[0].submitted and sent[0].next_steps == FULL["next_steps"]
    assert all(w.disabled for w in view.sections.values())
    assert view.score.disabled and view.submit_button.layout.display == "none"
    assert "Submitted to the faculty" in text_of(view.state_line)
    team_scores = [
        a.record.score
        for a in store.find(Assessment, Actor.system(), team_id="team-riverside")
        if a.record.month == NOVEMBER and a.record.rated_by == "team"
    ]
    assert team_scores == [3.5]

    view.edit_button.click()
    assert not view.sections["learned"].disabled
    assert "Version 2 is open" in shell.alert.text
    view.sections["learned"].value = "Socks run out on nights and at weekends"
    view.flush()
    kept, draft = reports(store, NOVEMBER)
    assert (kept.version_number, kept.submitted, kept.learned) == (1, True, FULL["learned"])
    assert (draft.version_number, draft.submitted, draft.previous_id) == (2, False, kept.id)
    assert draft.learned == "Socks run out on nights and at weekends"
    versions = text_of(view.versions)
    assert "Version 1: submitted" in versions and "Version 2: draft" in versions


def test_the_results_section_embeds_the_family_s_charts(store):
    shell, view = open_app(store)
    charts = [c for row in view.charts.children for c in getattr(row, "children", ())]
    assert len(charts) == 4
    assert all("kit-report-chart" in c._dom_classes for c in charts)
    # drawn as SVG: one marker per month of data, the measure's name as the chart's title
    first = charts[0].value
    assert first.startswith("<svg") and first.count('class="kit-svg-point"') > 0
    assert html.escape(view.model.charts()[0].measure.name) in first


def test_faculty_read_the_submitted_report_locked(store):
    shell, view = open_app(store)
    november(view)
    for name, value in FULL.items():
        view.sections[name].value = value
    view.submit_button.click()
    _shell, faculty = open_app(store, FACULTY, team="team-riverside")
    november(faculty)
    assert faculty.sections["learned"].value == FULL["learned"]
    assert faculty.sections["learned"].disabled and faculty.submit_button.disabled
    assert faculty.submit_button.layout.display == "none"
    assert faculty.edit_button.disabled
