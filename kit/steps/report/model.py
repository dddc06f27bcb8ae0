"""The monthly report step's state: one team's reports, their periods, and its self-assessment.

No widgets here. The rules come from ``kit/qi/reporting.py``: the sections a complete report
holds, due dates from the collaborative's ``ReportingSettings``, the list of the team's
periods with their status, submitting (refused while a section is empty) and editing a
submitted report as a new version. A new report's "changes tested" is prefilled from the
period's PDSA cycles. The results section's charts are computed here with ``kit.spc`` (the
view only draws them). Every save goes over the version loaded (``kit/steps/versioned.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.content import assessment_levels
from kit.errors import KitInputError, PermissionDenied
from kit.qi import Collaborative, Measure
from kit.qi.pdsa import cycle_annotations, scale_label, stage
from kit.qi.records import Assessment, MonthlyReport, PDSACycle, ReportingSettings
from kit.qi.reporting import (
    REPORT_SECTIONS,
    PeriodStatus,
    completeness,
    due_date,
    edit_report,
    period_end,
    period_label,
    period_of,
    period_start,
    report_statuses,
    reporting_window,
    self_assessment,
    submit_report,
    versions,
)
from kit.steps.base import TeamStepModel
from kit.steps.versioned import VersionedRecord, save_versioned
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.spc import SPCResult
    from kit.store import Saved


@dataclass(frozen=True)
class MeasureChart:
    """One measure's data up to the end of the report's period, analysed for a small chart."""

    measure: Measure
    result: SPCResult
    #: the team's PDSA cycles linked to this measure, as (start, label) marks for the chart
    annotations: tuple[tuple[dt.date, str], ...] = ()


def cycles_in_period(
    cycles: list[PDSACycle], settings: ReportingSettings, period: dt.date
) -> list[PDSACycle]:
    """The cycles that ran (started, or were under way) during the period."""
    first, last = period_start(settings, period), period_end(settings, period)
    return [
        c
        for c in sorted(cycles, key=lambda c: (c.start or dt.date.max, c.title))
        if c.start is not None and c.start <= last and (c.end or c.start) >= first
    ]


def changes_tested_text(cycles: list[PDSACycle]) -> str:
    """The "changes tested" section written from the period's cycles, one line each."""
    lines = []
    for c in cycles:
        parts = [scale_label(c.scale).lower()] if c.scale else []
        parts.append(f"{c.act}" if c.act else f"at {stage(c)}")
        lines.append(f"- {c.title} ({', '.join(parts)})")
    return "\n".join(lines)


class ReportModel(TeamStepModel):
    """One team's reports to the faculty. The team writes and submits; faculty read them."""

    other_team_refusal = "These reports belong to another team; each team sees only its own work."

    def __init__(
        self,
        store: Any,
        actor: Actor,
        team_id: str | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(store, actor)
        self.today = today or dt.date.today()
        self.period: dt.date | None = None
        self._reports: dict[str, Saved[MonthlyReport]] = {}
        self._assessment: Saved[Assessment] | None = None
        self.current = VersionedRecord(
            store, actor, MonthlyReport, MonthlyReport(team_id="-", month=self.today)
        )
        collab = store.get(Collaborative, self.collaborative_id, actor).record
        self.settings: ReportingSettings = collab.reporting
        self.window = reporting_window(collab)
        self.scale_levels = assessment_levels()
        chosen = team_id or actor.team_id
        if chosen:
            self.select_team(chosen)

    # --- who and what -----------------------------------------------------------------

    def team_selected(self) -> None:
        self.period = None

    def reload(self) -> MonthlyReport:
        """Read the team's reports again and show the chosen period's newest version."""
        if self.team_id is None:
            raise KitInputError("Choose a team first.")
        found = self.store.find(MonthlyReport, self.actor, team_id=self.team_id)
        self._reports = {s.record.id: s for s in found}
        if self.period is None:
            self.period = self.default_period()
        return self.select_period(self.period)

    def default_period(self) -> dt.date:
        """The oldest period not yet submitted whose due date has come, else the last one."""
        statuses = self.statuses()
        for status in statuses:
            if status.status != "submitted" and status.due <= self.today + dt.timedelta(
                days=self.settings.due_days
            ):
                return status.period
        return statuses[-1].period if statuses else period_start(self.settings, self.today)

    # --- periods --------------------------------------------------------------------------

    def statuses(self) -> list[PeriodStatus]:
        """The team's periods from the start of the action periods to today, with status."""
        first = self.window[0] if self.window else self.today
        last = self.window[1] if self.window else None
        reports = [s.record for s in self._reports.values()]
        return report_statuses(reports, self.settings, first=first, today=self.today, last=last)

    def period_label(self, period: dt.date | None = None) -> str:
        return period_label(self.settings, period or self.period or self.today)

    def due(self) -> dt.date:
        return due_date(self.settings, self.period or self.today)

    def _in_period(self, period: dt.date) -> list[Saved[MonthlyReport]]:
        return [s for s in self._reports.values() if period_of(s.record, self.settings) == period]

    def select_period(self, period: dt.date) -> MonthlyReport:
        """Show the period's newest version, or a new draft prefilled from its PDSA cycles."""
        period = period_start(self.settings, period)
        self.period = period
        held = self._in_period(period)
        newest = max(held, key=lambda s: s.record.version_number) if held else None
        blank = self._blank(period) if newest is None else newest.record
        report = self.current.load(newest, blank)
        self._load_assessment()
        return report

    def _blank(self, period: dt.date) -> MonthlyReport:
        weekly = self.settings.period == "weekly"
        return MonthlyReport(
            id=f"report-{self.team_id}-{period:%Y%m%d}"
            if weekly
            else f"report-{self.team_id}-{period:%Y%m}",
            team_id=str(self.team_id),
            month=period,
            week=period if weekly else None,
            changes_tested=changes_tested_text(self.period_cycles(period)),
        )

    def period_cycles(self, period: dt.date | None = None) -> list[PDSACycle]:
        cycles = [s.record for s in self.store.find(PDSACycle, self.actor, team_id=self.team_id)]
        return cycles_in_period(cycles, self.settings, period or self.period or self.today)

    @property
    def report(self) -> MonthlyReport:
        return self.current.record

    @property
    def locked(self) -> bool:
        return self.report.submitted or not self.can_edit

    # --- writing, submitting, new versions ------------------------------------------------

    def _require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied(
                "You are reading this team's report as faculty; only the team writes it."
                if self.is_facilitator
                else "This report belongs to another team."
            )

    def save_sections(self, sections: dict[str, str]) -> MonthlyReport:
        """Save what the form holds; a submitted report is refused (make a new version)."""
        self._require_edit()
        if self.report.submitted:
            raise KitInputError(
                "This report was submitted and is locked; choose 'Edit' to make a new version."
            )
        changes = {k: str(v or "").strip() for k, v in sections.items() if k in REPORT_SECTIONS}
        saved = self.current.save(edit_report(self.report, **changes))
        self._reports[saved.record.id] = saved
        return saved.record

    def missing(self) -> list[str]:
        """The headings of the sections still empty."""
        return [REPORT_SECTIONS[name][0] for name in completeness(self.report).missing]

    def submit(self, now: dt.datetime | None = None) -> MonthlyReport:
        """Send the report to the faculty; refused, naming the empty sections, if incomplete."""
        self._require_edit()
        sent = submit_report(self.report, now or dt.datetime.now(dt.UTC).replace(microsecond=0))
        saved = self.current.save(sent)
        self._reports[saved.record.id] = saved
        return saved.record

    def new_version(self) -> MonthlyReport:
        """Edit a submitted report: a new draft version linked to it; the sent one is kept."""
        self._require_edit()
        if not self.report.submitted:
            raise KitInputError("This report is still a draft; edit it directly.")
        draft = edit_report(self.report)
        saved = save_versioned(self.store, self.actor, draft, None)
        self._reports[saved.record.id] = saved
        self.current.load(saved, saved.record)
        return saved.record

    def versions(self) -> list[MonthlyReport]:
        """Every version of this period's report, oldest first."""
        return versions([s.record for s in self._reports.values()], self.report)

    # --- self-assessment ------------------------------------------------------------------

    def _load_assessment(self) -> None:
        found = self.store.find(Assessment, self.actor, team_id=self.team_id)
        month = (self.period or self.today).replace(day=1)
        mine = [s for s in found if s.record.rated_by == "team" and s.record.month == month]
        self._assessment = max(mine, key=lambda s: s.record.rated_at) if mine else None

    @property
    def self_score(self) -> float | None:
        return self._assessment.record.score if self._assessment else None

    def faculty_score(self) -> float | None:
        month = (self.period or self.today).replace(day=1)
        found = self.store.find(Assessment, self.actor, team_id=self.team_id)
        scores = [
            s.record for s in found if s.record.rated_by == "faculty" and s.record.month == month
        ]
        return max(scores, key=lambda a: a.rated_at).score if scores else None

    def rate(self, score: float, now: dt.datetime | None = None) -> Assessment:
        """The team's own score for the period's month on the collaborative's scale."""
        self._require_edit()
        if self.report.submitted:
            raise KitInputError(
                "This report was submitted and is locked; choose 'Edit' to change the score."
            )
        rater = self.actor.name or self.team_name()
        made = self_assessment(
            self.report,
            score,
            rater,
            rated_at=now or dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
        if self._assessment is not None:
            made = made.model_copy(update={"id": self._assessment.record.id})
        else:
            made = made.model_copy(update={"id": f"as-{self.team_id}-t-{made.month:%Y%m}"})
        self._assessment = save_versioned(self.store, self.actor, made, self._assessment)
        return self._assessment.record

    # --- results ----------------------------------------------------------------------------

    def charts(self) -> list[MeasureChart]:
        """The family's measures analysed up to the end of the period (at most 24 months)."""
        from kit.spc import analyze

        end = period_end(self.settings, self.period or self.today)
        frame = self.store.observations(self.actor, team_id=self.team_id)
        frame = frame[frame["period"] <= str(end)]
        measures = self.store.find(Measure, self.actor, collaborative_id=self.collaborative_id)
        order = {"outcome": 0, "process": 1, "balancing": 2}
        cycles = [s.record for s in self.store.find(PDSACycle, self.actor, team_id=self.team_id)]
        result = []
        for saved in sorted(measures, key=lambda s: order.get(str(s.record.measure_kind), 3)):
            measure = saved.record
            if measure.team_id not in (None, self.team_id):
                continue
            rows = frame[frame["measure_id"] == measure.id].tail(24)
            if len(rows) < 2:
                continue
            ratio = measure.has_denominator and rows["denominator"].notna().all()
            y = rows["numerator"] if ratio else rows["value"]
            chart = measure.chart if ratio or measure.chart not in ("p", "pp", "u", "up") else "run"
            first = rows["period"].iloc[0].date()
            marks = tuple(
                (a.day, a.label)
                for a in cycle_annotations(cycles, measure.id)
                if first <= a.day <= end
            )
            result.append(
                MeasureChart(
                    measure,
                    analyze(
                        y.to_numpy(),
                        rows["denominator"].to_numpy() if ratio else None,
                        chart=chart,
                        x=rows["period"].to_numpy(),
                        direction=measure.direction,
                        multiply=measure.multiply,
                    ),
                    marks,
                )
            )
        return result
