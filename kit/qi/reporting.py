"""Team reports to the faculty: what a complete report holds, when it is due, which are late.

During the action periods each team sends the faculty a short report every month (some
collaboratives ask weekly): the changes tested, what was learned, the results, barriers, the
help needed and the next steps (IHI, "The Breakthrough Series", 2003: monthly senior-leader
reports, and an overdue list kept by the collaborative's director). Faculty rate each team's
progress from it on the assessment scale.

- Due dates come from the collaborative's ``ReportingSettings``: a period's report is due
  ``due_days`` after the period ends. Monthly periods start on the first of the month, weekly
  ones on Monday.
- A submitted report is locked (``records.MonthlyReport`` refuses assignment); editing one
  makes a new version linked to it (:func:`edit_report`), so the faculty's copy is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from kit.content import assessment_scale
from kit.errors import KitInputError
from kit.qi.definitions import Finding
from kit.qi.records import (
    Assessment,
    Collaborative,
    MonthlyReport,
    ReportingSettings,
    new_id,
)
from kit.qi.validation import friendly_messages

__all__ = [
    "REPORT_SECTIONS",
    "AssessmentLevel",
    "assessment_levels",
    "Completeness",
    "PeriodStatus",
    "completeness",
    "due_date",
    "edit_report",
    "latest_versions",
    "overdue",
    "period_end",
    "period_label",
    "period_of",
    "period_start",
    "report_statuses",
    "reporting_periods",
    "reporting_window",
    "self_assessment",
    "submit_report",
    "versions",
]

#: the report's sections: field -> (heading, the question the form asks)
REPORT_SECTIONS: dict[str, tuple[str, str]] = {
    "changes_tested": ("Changes tested", "Which changes did you test this period (PDSA cycles)?"),
    "learned": ("What we learned", "What did the tests teach you, against your predictions?"),
    "accomplishments": ("Results", "What do the family's charts show this period?"),
    "challenges": ("Barriers", "What got in the way? Write 'none' if nothing did."),
    "asks": ("Help needed", "What do you need from the faculty or other teams? 'None' is fine."),
    "next_steps": ("Next steps", "What will you test or do next period?"),
}


@dataclass(frozen=True)
class Completeness:
    """Which sections are written; ``complete`` when all are, ``share`` from 0 to 1."""

    filled: tuple[str, ...]
    missing: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def share(self) -> float:
        return len(self.filled) / len(REPORT_SECTIONS)


def completeness(report: MonthlyReport) -> Completeness:
    """The sections written and those still empty, each empty one as the form's question."""
    filled, missing, findings = [], [], []
    for name, (heading, question) in REPORT_SECTIONS.items():
        if str(getattr(report, name)).strip():
            filled.append(name)
        else:
            missing.append(name)
            findings.append(Finding(f"{name}_missing", f"{heading}: {question}", name, "missing"))
    return Completeness(tuple(filled), tuple(missing), tuple(findings))


# --- periods and due dates ------------------------------------------------------------------


def period_start(settings: ReportingSettings, day: dt.date) -> dt.date:
    """The start of the reporting period holding ``day``: the 1st of its month, or its Monday."""
    if settings.period == "weekly":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(settings: ReportingSettings, start: dt.date) -> dt.date:
    if settings.period == "weekly":
        return start + dt.timedelta(days=7)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_end(settings: ReportingSettings, start: dt.date) -> dt.date:
    """The last day of the period that starts on ``start``."""
    return _next_start(settings, period_start(settings, start)) - dt.timedelta(days=1)


def due_date(settings: ReportingSettings, period: dt.date) -> dt.date:
    """When the report for the period holding ``period`` is due."""
    return period_end(settings, period) + dt.timedelta(days=settings.due_days)


def period_label(settings: ReportingSettings, period: dt.date) -> str:
    """ "March 2026", or "Week of 2 Mar 2026" for weekly reporting."""
    start = period_start(settings, period)
    if settings.period == "weekly":
        return f"Week of {start.day} {start:%b %Y}"
    return f"{start:%B %Y}"


def period_of(report: MonthlyReport, settings: ReportingSettings) -> dt.date:
    """The period a report covers, under the collaborative's settings."""
    if settings.period == "weekly":
        return report.week or period_start(settings, report.month)
    return report.month


def reporting_periods(settings: ReportingSettings, first: dt.date, last: dt.date) -> list[dt.date]:
    """The start of every period from the one holding ``first`` to the one holding ``last``."""
    periods = []
    current = period_start(settings, first)
    while current <= last:
        periods.append(current)
        current = _next_start(settings, current)
    return periods


def reporting_window(collaborative: Collaborative) -> tuple[dt.date, dt.date] | None:
    """The days teams report over: from the first learning session or action period to the
    closing congress (or the end of the timeline); ``None`` without such events."""
    active = [m for m in collaborative.timeline if m.kind in ("learning_session", "action_period")]
    if not active:
        return None
    first = min(m.start for m in active)
    closing = [m.start for m in collaborative.timeline if m.kind == "closing_congress"]
    last = min(closing) if closing else max(m.end for m in collaborative.timeline)
    return first, max(first, last)


# --- status and overdue ---------------------------------------------------------------------

Status = Literal["submitted", "draft", "not_started"]


@dataclass(frozen=True)
class PeriodStatus:
    """One period's report for one team, as the facilitator's overdue list shows it."""

    period: dt.date
    label: str
    due: dt.date
    status: Status
    overdue: bool
    days_overdue: int
    report_id: str | None
    submitted_late: bool


def versions(reports: Iterable[MonthlyReport], report: MonthlyReport) -> list[MonthlyReport]:
    """Every version of ``report``, oldest first, following ``previous_id`` back."""
    by_id = {r.id: r for r in reports}
    by_id[report.id] = report
    chain = [report]
    seen = {report.id}
    current = report
    while current.previous_id in by_id and current.previous_id not in seen:
        current = by_id[current.previous_id]
        seen.add(current.id)
        chain.append(current)
    return chain[::-1]


def latest_versions(
    reports: Iterable[MonthlyReport], settings: ReportingSettings
) -> dict[dt.date, MonthlyReport]:
    """One report per period: its newest version (a submitted one wins over an older draft)."""
    latest: dict[dt.date, MonthlyReport] = {}
    for report in reports:
        key = period_of(report, settings)
        current = latest.get(key)
        if current is None or (report.version_number, report.submitted) > (
            current.version_number,
            current.submitted,
        ):
            latest[key] = report
    return latest


def _submitted_version(
    reports: list[MonthlyReport], settings: ReportingSettings, period: dt.date
) -> MonthlyReport | None:
    sent = [r for r in reports if r.submitted and period_of(r, settings) == period]
    return min(sent, key=lambda r: r.version_number) if sent else None


def report_statuses(
    reports: Iterable[MonthlyReport],
    settings: ReportingSettings,
    *,
    first: dt.date,
    today: dt.date,
    last: dt.date | None = None,
) -> list[PeriodStatus]:
    """One team's periods from ``first`` to the one holding ``today`` (or ``last``, if sooner).

    A period is overdue when its due date has passed and no version was submitted; a period
    counts as reported once any version was submitted, even if a newer draft is open.
    """
    reports = list(reports)
    latest = latest_versions(reports, settings)
    end = min(today, last) if last else today
    statuses = []
    for period in reporting_periods(settings, first, end):
        due = due_date(settings, period)
        report = latest.get(period)
        sent = _submitted_version(reports, settings, period)
        status: Status
        if sent is not None:
            status = "submitted"
        elif report is not None:
            status = "draft"
        else:
            status = "not_started"
        late_days = (today - due).days
        is_overdue = sent is None and late_days > 0
        sent_day = sent.submitted_at.date() if sent and sent.submitted_at else None
        statuses.append(
            PeriodStatus(
                period=period,
                label=period_label(settings, period),
                due=due,
                status=status,
                overdue=is_overdue,
                days_overdue=late_days if is_overdue else 0,
                report_id=report.id if report else None,
                submitted_late=bool(sent_day and sent_day > due),
            )
        )
    return statuses


def overdue(
    reports_by_team: dict[str, list[MonthlyReport]],
    settings: ReportingSettings,
    *,
    first: dt.date,
    today: dt.date,
) -> dict[str, list[PeriodStatus]]:
    """The facilitator's overdue list: team id -> its overdue periods (teams with none left out)."""
    result = {}
    for team_id, reports in reports_by_team.items():
        late = [
            s for s in report_statuses(reports, settings, first=first, today=today) if s.overdue
        ]
        if late:
            result[team_id] = late
    return result


# --- submitting and editing -----------------------------------------------------------------


def _validated(data: dict[str, Any]) -> MonthlyReport:
    try:
        return MonthlyReport.model_validate(data)
    except ValidationError as error:
        raise KitInputError(" ".join(friendly_messages(MonthlyReport, error))) from None


def submit_report(report: MonthlyReport, now: dt.datetime) -> MonthlyReport:
    """The report as sent to the faculty (locked from then on); refused while incomplete."""
    if report.submitted:
        raise KitInputError("This report has already been submitted.")
    state = completeness(report)
    if not state.complete:
        headings = ", ".join(REPORT_SECTIONS[name][0].lower() for name in state.missing)
        raise KitInputError(
            f"The report is not complete yet: write {headings} before submitting "
            "('none' is an answer for barriers and help needed)."
        )
    return _validated({**report.model_dump(), "submitted": True, "submitted_at": now})


def edit_report(report: MonthlyReport, **changes: Any) -> MonthlyReport:
    """The report with ``changes``: a draft is changed in place (same id, to be saved over it);
    a submitted report stays as sent and the edit becomes a new draft version linked to it."""
    for name in ("id", "submitted", "submitted_at", "version_number", "previous_id", "team_id"):
        if name in changes:
            raise KitInputError(f"'{name}' cannot be edited; it is kept by the kit.")
    data = {**report.model_dump(), **changes}
    if report.submitted:
        data.update(
            id=new_id(),
            submitted=False,
            submitted_at=None,
            version_number=report.version_number + 1,
            previous_id=report.id,
        )
    return _validated(data)


# --- the team's self-assessment -------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentLevel:
    """One level of the collaborative's assessment scale, in the collaborative's wording."""

    score: float
    label: str
    description: str


def assessment_levels() -> list[AssessmentLevel]:
    """The scale's levels, 1.0 to 5.0 in halves, as worded in ``kit/content/assessment_scale.yaml``
    (IHI, "Assessment Scale for Collaboratives", paraphrased; collaboratives reword it there)."""
    return [
        AssessmentLevel(float(level["score"]), str(level["label"]), str(level["description"]))
        for level in assessment_scale()["levels"]
    ]


def self_assessment(
    report: MonthlyReport, score: float, rater: str, *, rated_at: dt.datetime, note: str = ""
) -> Assessment:
    """The team's own score for the report's month, marked as the team's and by whom.

    Faculty score the same month from the report; keeping who rated and when on every score
    lets the two be compared without a score ever looking automatic.
    """
    try:
        return Assessment.model_validate(
            {
                "team_id": report.team_id,
                "month": report.month,
                "score": score,
                "rated_by": "team",
                "rater": rater,
                "rated_at": rated_at,
                "note": note,
            }
        )
    except ValidationError as error:
        raise KitInputError(" ".join(friendly_messages(Assessment, error))) from None
