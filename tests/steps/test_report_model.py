"""The monthly report step's model over the demo store: periods and due dates, prefilling from
PDSA cycles, submitting, locking and new versions, the self-assessment and the charts."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.qi.records import Assessment, Collaborative, MonthlyReport, PDSACycle, ReportingSettings
from kit.steps.report.model import ReportModel, changes_tested_text, cycles_in_period
from kit.store import Actor

COLLAB = "demo-falls"
RIVERSIDE = Actor.participant("team-riverside", "Jo", COLLAB)
TODAY = dt.date(2026, 12, 2)
NOVEMBER = dt.date(2026, 11, 1)
FULL = {
    "changes_tested": "Socks at every bed",
    "learned": "Socks run out on nights",
    "accomplishments": "Falls below the centre line for 3 months",
    "challenges": "None",
    "asks": "None",
    "next_steps": "Stock socks in every bay",
}


def model(store, actor: Actor = RIVERSIDE, team: str | None = None) -> ReportModel:
    return ReportModel(store, actor, team, today=TODAY)


def test_the_periods_come_from_the_reporting_settings_with_overdue_ones_flagged(store):
    m = model(store)
    statuses = {s.label: s for s in m.statuses()}
    assert statuses["February 2026"].due == dt.date(2026, 3, 10)  # monthly, due 10 days after
    assert statuses["April 2026"].status == "not_started" and statuses["April 2026"].overdue
    assert statuses["April 2026"].days_overdue == (TODAY - dt.date(2026, 5, 10)).days
    assert statuses["March 2026"].status == "submitted" and not statuses["March 2026"].overdue
    assert not statuses["November 2026"].overdue  # due 10 Dec
    assert m.period == dt.date(2026, 4, 1)  # the oldest report still owed is opened first


def test_weekly_reporting_gives_weekly_periods_and_due_dates(store):
    system = Actor.system()
    collab = store.get(Collaborative, COLLAB, system)
    weekly = collab.record.model_copy(
        update={"reporting": ReportingSettings(period="weekly", due_days=3)}
    )
    store.save(weekly, system, expected_version=collab.version)
    m = model(store)
    last = m.statuses()[-1]
    assert last.label == "Week of 30 Nov 2026"
    assert last.due == dt.date(2026, 12, 9)  # Sunday 6 Dec + 3 days


def test_a_new_report_is_prefilled_from_the_month_s_pdsa_cycles(store):
    m = model(store)
    m.select_period(dt.date(2026, 4, 1))
    assert not m.report.submitted
    assert "Pharmacist review of sedatives" in m.report.changes_tested
    assert "(adapt)" in m.report.changes_tested
    cycles = [s.record for s in store.find(PDSACycle, Actor.system(), team_id="team-riverside")]
    settings = ReportingSettings()
    march = cycles_in_period(cycles, settings, dt.date(2026, 3, 1))
    assert [c.id for c in march] == ["pdsa-team-riverside-3"]
    assert changes_tested_text(march).startswith("- Admission falls checklist")


def test_an_incomplete_report_is_refused_naming_the_missing_sections(store):
    m = model(store)
    m.select_period(NOVEMBER)
    m.save_sections({"learned": "Socks run out"})
    with pytest.raises(KitInputError) as caught:
        m.submit()
    for heading in ("changes tested", "results", "barriers", "help needed", "next steps"):
        assert heading in str(caught.value)
    assert m.missing() == ["Changes tested", "Results", "Barriers", "Help needed", "Next steps"]


def test_a_submitted_report_is_locked_and_edit_makes_version_2_keeping_version_1(store):
    m = model(store)
    m.select_period(NOVEMBER)
    m.save_sections(FULL)
    sent = m.submit(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    assert sent.submitted and m.locked
    with pytest.raises(KitInputError, match="locked"):
        m.save_sections({"learned": "changed"})
    with pytest.raises(KitInputError, match="locked"):
        m.rate(3.0)
    draft = m.new_version()
    assert (draft.version_number, draft.previous_id, draft.submitted) == (2, sent.id, False)
    m.save_sections({"learned": "Socks run out on nights and at weekends"})
    kept = store.get(MonthlyReport, sent.id, Actor.system()).record
    assert kept.submitted and kept.learned == FULL["learned"]
    assert [r.version_number for r in m.versions()] == [1, 2]
    again = model(store)
    again.select_period(NOVEMBER)
    assert again.report.version_number == 2
    assert next(s for s in again.statuses() if s.period == NOVEMBER).status == "submitted"


def test_the_team_rates_itself_on_the_scale_and_sees_the_faculty_score(store):
    m = model(store)
    m.select_period(NOVEMBER)
    m.rate(3.5, dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    mine = [
        a.record
        for a in store.find(Assessment, Actor.system(), team_id="team-riverside")
        if a.record.month == NOVEMBER and a.record.rated_by == "team"
    ]
    assert [(a.score, a.rater) for a in mine] == [(3.5, "Jo")]
    m.rate(4.0)
    assert model(store).self_score is not None
    assert len(m.scale_levels) == 9 and m.scale_levels[0]["label"]
    m.select_period(dt.date(2026, 5, 1))
    assert m.faculty_score() == 4.0
    with pytest.raises(KitInputError, match="not on the scale"):
        m.select_period(NOVEMBER)
        m.rate(3.3)


def test_the_results_charts_cover_the_family_up_to_the_period(store):
    m = model(store)
    m.select_period(dt.date(2026, 5, 1))
    charts = m.charts()
    assert [c.measure.measure_kind for c in charts][:2] == ["outcome", "outcome"]
    assert {c.measure.id for c in charts} == {"m-falls", "m-harm", "m-assess", "m-restraint"}
    last = charts[0].result.points["x"].iloc[-1]
    assert str(last)[:7] == "2026-05"
    falls = next(c for c in charts if c.measure.id == "m-falls")
    assert [day for day, _label in falls.annotations] == [dt.date(2026, 4, 8), dt.date(2026, 5, 8)]
    assert falls.annotations[0][1].startswith("PDSA: Pharmacist review")


def test_faculty_read_a_team_s_submitted_report_but_cannot_change_it(store):
    m = model(store)
    m.select_period(NOVEMBER)
    m.save_sections(FULL)
    m.submit()
    faculty = model(store, Actor.facilitator("Facilitator", COLLAB), "team-riverside")
    faculty.select_period(NOVEMBER)
    assert faculty.report.submitted and faculty.report.learned == FULL["learned"]
    assert faculty.locked
    with pytest.raises(PermissionDenied, match="as faculty"):
        faculty.save_sections({"learned": "x"})
