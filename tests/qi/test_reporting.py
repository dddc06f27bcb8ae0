"""Team reports: completeness, due dates (monthly and weekly), overdue flags, locked versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kit.errors import KitInputError
from kit.qi.records import Collaborative, Milestone, MonthlyReport, ReportingSettings
from kit.qi.reporting import (
    REPORT_SECTIONS,
    assessment_levels,
    completeness,
    due_date,
    edit_report,
    latest_versions,
    overdue,
    period_end,
    period_label,
    period_start,
    report_statuses,
    reporting_periods,
    reporting_window,
    self_assessment,
    submit_report,
    versions,
)

D = dt.date
NOW = dt.datetime(2026, 4, 5, 9, 30, tzinfo=dt.UTC)
MONTHLY = ReportingSettings(period="monthly", due_days=10)
WEEKLY = ReportingSettings(period="weekly", due_days=2)

FULL: dict[str, str] = {
    "changes_tested": "Admission checklist on two shifts",
    "learned": "Handover is where it is missed",
    "accomplishments": "Assessment within 24 h up from 40% to 70%",
    "challenges": "None",
    "asks": "Examples of post-fall huddle forms",
    "next_steps": "Test at night",
}


MARCH = D(2026, 3, 1)


def report(month: dt.date = MARCH, **fields: Any) -> MonthlyReport:
    return MonthlyReport(team_id="t1", month=month, **{**FULL, **fields})


# --- completeness -------------------------------------------------------------------------


def test_a_full_report_is_complete() -> None:
    state = completeness(report())
    assert state.complete and state.share == 1 and state.missing == ()


@pytest.mark.parametrize("section", list(REPORT_SECTIONS))
def test_each_empty_section_is_named_with_its_question(section: str) -> None:
    state = completeness(report(**{section: "  "}))
    assert state.missing == (section,)
    assert not state.complete
    assert state.share == pytest.approx(5 / 6)
    heading, question = REPORT_SECTIONS[section]
    assert state.findings[0].message == f"{heading}: {question}"


def test_the_sections_are_the_ones_the_issue_lists() -> None:
    headings = [heading for heading, _ in REPORT_SECTIONS.values()]
    assert headings == [
        "Changes tested",
        "What we learned",
        "Results",
        "Barriers",
        "Help needed",
        "Next steps",
    ]


# --- periods and due dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "day", "start", "end", "due"),
    [
        (MONTHLY, D(2026, 3, 17), D(2026, 3, 1), D(2026, 3, 31), D(2026, 4, 10)),
        (MONTHLY, D(2026, 2, 1), D(2026, 2, 1), D(2026, 2, 28), D(2026, 3, 10)),
        (MONTHLY, D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29), D(2028, 3, 10)),
        (MONTHLY, D(2026, 12, 5), D(2026, 12, 1), D(2026, 12, 31), D(2027, 1, 10)),
        (
            ReportingSettings(due_days=0),
            D(2026, 3, 9),
            D(2026, 3, 1),
            D(2026, 3, 31),
            D(2026, 3, 31),
        ),
        # 2026-03-04 is a Wednesday: its week runs Monday 2 to Sunday 8 March
        (WEEKLY, D(2026, 3, 4), D(2026, 3, 2), D(2026, 3, 8), D(2026, 3, 10)),
        (WEEKLY, D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 8), D(2026, 3, 10)),
        (WEEKLY, D(2026, 12, 31), D(2026, 12, 28), D(2027, 1, 3), D(2027, 1, 5)),
    ],
)
def test_period_and_due_date(
    settings: ReportingSettings, day: dt.date, start: dt.date, end: dt.date, due: dt.date
) -> None:
    assert period_start(settings, day) == start
    assert period_end(settings, day) == end
    assert due_date(settings, day) == due


@pytest.mark.parametrize(
    ("settings", "first", "last", "expected"),
    [
        (
            MONTHLY,
            D(2026, 1, 15),
            D(2026, 4, 2),
            [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)],
        ),
        (MONTHLY, D(2026, 11, 1), D(2027, 1, 1), [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)]),
        (WEEKLY, D(2026, 3, 4), D(2026, 3, 16), [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)]),
        (MONTHLY, D(2026, 5, 1), D(2026, 4, 1), []),
    ],
)
def test_reporting_periods(
    settings: ReportingSettings, first: dt.date, last: dt.date, expected: list[dt.date]
) -> None:
    assert reporting_periods(settings, first, last) == expected


def test_period_labels() -> None:
    assert period_label(MONTHLY, D(2026, 3, 17)) == "March 2026"
    assert period_label(WEEKLY, D(2026, 3, 4)) == "Week of 2 Mar 2026"


def test_the_collaboratives_settings_default_to_monthly_reports_due_ten_days_later() -> None:
    collab = Collaborative(name="Falls BTS")
    assert collab.reporting.period == "monthly" and collab.reporting.due_days == 10


def test_reporting_window_runs_from_the_first_learning_session_to_the_congress() -> None:
    collab = Collaborative(
        name="Falls BTS",
        timeline=[
            Milestone(kind="prework", start=D(2026, 1, 5), end=D(2026, 2, 27)),
            Milestone(kind="learning_session", number=1, start=D(2026, 3, 2), end=D(2026, 3, 3)),
            Milestone(kind="action_period", number=1, start=D(2026, 3, 3), end=D(2026, 6, 1)),
            Milestone(kind="closing_congress", start=D(2026, 12, 1), end=D(2026, 12, 2)),
        ],
    )
    assert reporting_window(collab) == (D(2026, 3, 2), D(2026, 12, 1))
    assert reporting_window(Collaborative(name="Empty")) is None


# --- status and overdue -------------------------------------------------------------------


def test_monthly_statuses_and_overdue_flags() -> None:
    sent = submit_report(report(D(2026, 1, 1)), dt.datetime(2026, 2, 9, tzinfo=dt.UTC))
    late = submit_report(report(D(2026, 2, 1)), dt.datetime(2026, 3, 20, tzinfo=dt.UTC))
    draft = report(D(2026, 3, 1), learned="")
    statuses = report_statuses(
        [sent, late, draft], MONTHLY, first=D(2026, 1, 1), today=D(2026, 5, 12)
    )
    table = [(s.label, s.status, s.overdue, s.days_overdue, s.submitted_late) for s in statuses]
    assert table == [
        ("January 2026", "submitted", False, 0, False),
        ("February 2026", "submitted", False, 0, True),
        ("March 2026", "draft", True, 32, False),
        ("April 2026", "not_started", True, 2, False),
        ("May 2026", "not_started", False, 0, False),
    ]
    assert statuses[2].report_id == draft.id and statuses[3].report_id is None


@pytest.mark.parametrize(
    ("today", "overdue_flag"),
    [(D(2026, 4, 10), False), (D(2026, 4, 11), True)],
)
def test_a_report_is_overdue_from_the_day_after_it_is_due(
    today: dt.date, overdue_flag: bool
) -> None:
    statuses = report_statuses([], MONTHLY, first=D(2026, 3, 1), today=today)
    assert statuses[0].due == D(2026, 4, 10)
    assert statuses[0].overdue is overdue_flag


def test_weekly_statuses() -> None:
    week = MonthlyReport(team_id="t1", month=D(2026, 3, 1), week=D(2026, 3, 4), **FULL)
    assert week.week == D(2026, 3, 2)
    sent = submit_report(week, dt.datetime(2026, 3, 9, tzinfo=dt.UTC))
    statuses = report_statuses([sent], WEEKLY, first=D(2026, 3, 2), today=D(2026, 3, 18))
    assert [(s.label, s.status, s.overdue) for s in statuses] == [
        ("Week of 2 Mar 2026", "submitted", False),
        ("Week of 9 Mar 2026", "not_started", True),
        ("Week of 16 Mar 2026", "not_started", False),
    ]


def test_a_newer_draft_does_not_make_a_submitted_period_overdue() -> None:
    sent = submit_report(report(), NOW)
    newer = edit_report(sent, next_steps="Test at night and at weekends")
    statuses = report_statuses([sent, newer], MONTHLY, first=D(2026, 3, 1), today=D(2026, 5, 1))
    assert statuses[0].status == "submitted" and not statuses[0].overdue
    assert statuses[0].report_id == newer.id


def test_the_facilitators_overdue_list_leaves_out_teams_that_are_up_to_date() -> None:
    on_time = submit_report(report(D(2026, 3, 1)), NOW)
    result = overdue(
        {"t1": [on_time], "t2": []}, MONTHLY, first=D(2026, 3, 1), today=D(2026, 4, 20)
    )
    assert list(result) == ["t2"]
    assert [s.label for s in result["t2"]] == ["March 2026"]


# --- submitting locks; editing makes a new version ----------------------------------------


def test_submitting_an_incomplete_report_is_refused_with_the_missing_sections() -> None:
    with pytest.raises(KitInputError, match="write what we learned, barriers before submitting"):
        submit_report(report(learned="", challenges=""), NOW)


def test_a_submitted_report_is_locked() -> None:
    sent = submit_report(report(), NOW)
    assert sent.submitted and sent.submitted_at == NOW
    with pytest.raises(ValueError, match="locked"):
        sent.next_steps = "Changed after sending"
    with pytest.raises(ValueError, match="locked"):
        sent.submitted = False
    with pytest.raises(KitInputError, match="already been submitted"):
        submit_report(sent, NOW)


def test_a_draft_is_edited_in_place() -> None:
    draft = report(learned="")
    edited = edit_report(draft, learned="Handover matters")
    assert edited.id == draft.id and edited.version_number == 1 and edited.previous_id is None
    # a draft also accepts plain assignment
    draft.learned = "Typed in the form"
    assert draft.learned == "Typed in the form"


def test_editing_a_submitted_report_makes_a_new_version_and_keeps_the_history() -> None:
    sent = submit_report(report(), NOW)
    second = edit_report(sent, accomplishments="Assessment up to 75%")
    assert second.id != sent.id and second.previous_id == sent.id
    assert second.version_number == 2 and not second.submitted and second.submitted_at is None
    assert sent.accomplishments == FULL["accomplishments"]
    third = edit_report(submit_report(second, NOW), next_steps="Spread to ward 8")
    assert [r.version_number for r in versions([sent, second], third)] == [1, 2, 3]
    assert latest_versions([sent, second, third], MONTHLY)[D(2026, 3, 1)].id == third.id


@pytest.mark.parametrize(
    "field", ["id", "submitted", "submitted_at", "version_number", "previous_id", "team_id"]
)
def test_bookkeeping_fields_cannot_be_edited(field: str) -> None:
    with pytest.raises(KitInputError, match="cannot be edited"):
        edit_report(report(), **{field: None})


def test_edits_are_validated_in_plain_words() -> None:
    with pytest.raises(KitInputError, match="too long"):
        edit_report(report(), learned="x" * 5000)


# --- self-assessment ----------------------------------------------------------------------


def test_the_scale_has_nine_worded_levels() -> None:
    levels = assessment_levels()
    assert [lv.score for lv in levels] == [1 + i / 2 for i in range(9)]
    assert all(lv.label and lv.description for lv in levels)


def test_a_self_assessment_is_marked_as_the_teams_with_who_and_when() -> None:
    score = self_assessment(report(), 2.5, "Ann Lee", rated_at=NOW, note="First cycles done")
    assert (score.rated_by, score.rater, score.rated_at) == ("team", "Ann Lee", NOW)
    assert (score.team_id, score.month, score.score) == ("t1", D(2026, 3, 1), 2.5)


@pytest.mark.parametrize(
    ("score", "rater", "words"),
    [(2.7, "Ann", "not on the scale"), (6, "Ann", "not on the scale"), (3, "", "cannot be empty")],
)
def test_a_self_assessment_off_the_scale_is_refused(score: float, rater: str, words: str) -> None:
    with pytest.raises(KitInputError, match=words):
        self_assessment(report(), score, rater, rated_at=NOW)
