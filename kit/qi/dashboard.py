"""The facilitator's view of every team: the status rules behind the collaborative dashboard.

A facilitator of 10-100 teams needs to see at a glance who has an aim, a driver diagram and a
family of measures, whose data and monthly report for the current period are in (IHI, "The
Breakthrough Series", 2003: monthly reports and an overdue list kept by the director), what
each team tested last, and how faculty and team rate progress on the assessment scale (the
gap between the two is informative: IHI "Assessment Scale for Collaboratives").

Plain records in (:class:`CollaborativeRecords`; ``kit/reports/data.py`` reads them from a
store), frozen dataclasses out, no widgets: the dashboard app and the reports draw them.

"Showing improvement" means the team's chart for a measure has a signal in the measure's
direction of improvement under the collaborative's rule set (``kit.spc``: a point beyond the
limits, or a shift, trend or runs signal, as the rule set defines them). Signals are read on
each team's whole series, as its chart shows it today; the count over time places each team
at the month of its first improvement signal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from kit.errors import KitInputError
from kit.qi.family import family_for_team
from kit.qi.pdsa import stage
from kit.qi.records import (
    Aim,
    Assessment,
    Collaborative,
    DriverDiagram,
    Measure,
    MonthlyReport,
    PDSACycle,
    Team,
)

if TYPE_CHECKING:  # pragma: no cover
    from kit.spc import ManyResult

from kit.qi.reporting import (
    period_end,
    period_label,
    period_start,
    report_statuses,
    reporting_window,
)

__all__ = [
    "BASELINE_POINTS",
    "SORT_KEYS",
    "analyze_measure",
    "chart_for",
    "AssessmentPair",
    "CollaborativeRecords",
    "CycleSummary",
    "MeasureSignal",
    "TeamStatus",
    "current_period",
    "filter_statuses",
    "improvement_over_time",
    "latest_assessment",
    "measure_signals",
    "pooled_measure",
    "sort_statuses",
    "team_statuses",
]

#: points of each team's series frozen as its baseline when signals are read: a year of
#: months, above the "about 10 useful points" the chart advice asks for (kit/spc/advice.py)
BASELINE_POINTS = 12
#: columns of the observation table, as ``Store.observations`` returns it
OBSERVATION_COLUMNS = ("measure_id", "team_id", "period", "value", "numerator", "denominator")


@dataclass(frozen=True)
class CollaborativeRecords:
    """Everything the dashboard and the reports read about one collaborative."""

    collaborative: Collaborative
    teams: tuple[Team, ...]
    aims: tuple[Aim, ...] = ()
    diagrams: tuple[DriverDiagram, ...] = ()
    measures: tuple[Measure, ...] = ()
    observations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
    )
    cycles: tuple[PDSACycle, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    reports: tuple[MonthlyReport, ...] = ()

    def team(self, team_id: str) -> Team:
        for team in self.teams:
            if team.id == team_id:
                return team
        raise KitInputError(f"There is no team with id {team_id!r} in this collaborative.")

    def aim_of(self, team_id: str) -> Aim | None:
        found = [a for a in self.aims if a.team_id == team_id]
        return found[-1] if found else None

    def diagram_of(self, team_id: str) -> DriverDiagram | None:
        found = [d for d in self.diagrams if d.team_id == team_id]
        return found[-1] if found else None

    def family_of(self, team_id: str) -> tuple[Measure, ...]:
        return family_for_team(self.measures, team_id, self.collaborative.id).measures


@dataclass(frozen=True)
class MeasureSignal:
    """One team's reading of one measure's chart."""

    measure_id: str
    measure_name: str
    improving: bool
    concern: bool
    first_improvement: dt.date | None
    points: int


@dataclass(frozen=True)
class CycleSummary:
    """The team's most recent PDSA cycle, in the words the status grid shows."""

    cycle_id: str
    title: str
    stage: str
    act: str | None
    start: dt.date | None


@dataclass(frozen=True)
class AssessmentPair:
    """The latest month with a score, the faculty's and the team's, and who set each."""

    month: dt.date
    faculty: float | None
    faculty_rater: str
    faculty_rated_at: dt.datetime | None
    team: float | None
    team_rater: str
    team_rated_at: dt.datetime | None

    @property
    def gap(self) -> float | None:
        """Team minus faculty: positive when the team rates itself higher than faculty do."""
        if self.faculty is None or self.team is None:
            return None
        return self.team - self.faculty


@dataclass(frozen=True)
class TeamStatus:
    """One row of the dashboard's status grid."""

    team_id: str
    name: str
    organisation: str
    aim_set: bool
    driver_diagram: bool
    primary_drivers: int
    measures_defined: int
    period: dt.date
    period_label: str
    measures_with_data: int
    completeness: float
    report_status: str
    report_overdue: bool
    overdue_reports: int
    days_overdue: int
    latest_cycle: CycleSummary | None
    cycles: int
    assessment: AssessmentPair | None
    signals: tuple[MeasureSignal, ...]

    @property
    def data_current(self) -> bool:
        """Every measure of the family has data for the current period."""
        return self.measures_defined > 0 and self.measures_with_data == self.measures_defined

    @property
    def improving(self) -> bool:
        return any(s.improving for s in self.signals)

    @property
    def concern(self) -> bool:
        return any(s.concern for s in self.signals)

    @property
    def faculty_score(self) -> float | None:
        return self.assessment.faculty if self.assessment else None

    @property
    def gap(self) -> float | None:
        return self.assessment.gap if self.assessment else None


# --- periods --------------------------------------------------------------------------------


def current_period(collaborative: Collaborative, today: dt.date) -> dt.date:
    """The period teams report on now: the last one that has ended by ``today``."""
    settings = collaborative.reporting
    this = period_start(settings, today)
    return period_start(settings, this - dt.timedelta(days=1))


def _first_period(records: CollaborativeRecords, fallback: dt.date) -> dt.date:
    window = reporting_window(records.collaborative)
    if window:
        return period_start(records.collaborative.reporting, window[0])
    obs = records.observations
    if len(obs):
        return pd.Timestamp(obs["period"].min()).date().replace(day=1)
    return fallback


# --- signals --------------------------------------------------------------------------------


def _series_frame(measure: Measure, rows: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    frame = rows[["team_id", "period"]].copy()
    chart = measure.chart
    if measure.has_denominator and chart in ("p", "pp", "u", "up"):
        frame["y"] = rows["numerator"].to_numpy(dtype=float)
        frame["n"] = rows["denominator"].to_numpy(dtype=float)
        return frame, "n"
    if measure.has_denominator:
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["y"] = rows["numerator"].to_numpy(dtype=float) / rows["denominator"].to_numpy(
                dtype=float
            )
    else:
        frame["y"] = rows["value"].to_numpy(dtype=float)
    return frame, None


def chart_for(measure: Measure) -> str:
    """The chart a measure's stored data can be drawn on: an observation holds one value per
    period, never a subgroup, so an Xbar or S measure is read as an I chart of those values."""
    return "i" if measure.chart in ("xbar", "s") else str(measure.chart)


def analyze_measure(
    measure: Measure,
    observations: pd.DataFrame,
    *,
    rules: str = "anhoej",
    baseline_points: int = BASELINE_POINTS,
    team_ids: Sequence[str] | None = None,
) -> ManyResult | None:
    """Every team's chart of one measure, computed together (``kit.spc.analyze_many``).

    Each team's first ``baseline_points`` points are its frozen baseline and later points are
    judged against it, as a team reads its own chart after its changes begin; without a
    frozen baseline a sustained improvement shows as a long run on the *wrong* side of a
    centre line that averages before and after. Values are multiplied for display by the
    measure's ``multiply``. ``None`` when no team has data.
    """
    from kit.spc import analyze_many

    rows = observations[observations["measure_id"] == measure.id]
    if team_ids is not None:
        rows = rows[rows["team_id"].isin(list(team_ids))]
    rows = rows.sort_values(["team_id", "period"], kind="stable")
    if rows.empty:
        return None
    frame, n = _series_frame(measure, rows)
    frame = frame[np.isfinite(frame["y"].to_numpy(dtype=float))]
    if n:
        frame = frame[frame[n].to_numpy(dtype=float) > 0]
    if frame.empty:
        return None
    return analyze_many(
        frame, by="team_id", x="period", y="y", n=n, chart=chart_for(measure), rules=rules,
        direction=measure.direction, freeze=baseline_points, multiply=measure.multiply,
    )  # fmt: skip


def measure_signals(
    measure: Measure,
    observations: pd.DataFrame,
    *,
    rules: str = "anhoej",
    baseline_points: int = BASELINE_POINTS,
) -> dict[str, MeasureSignal]:
    """Each team's signals on one measure (see :func:`analyze_measure` for the baseline)."""
    result = analyze_measure(measure, observations, rules=rules, baseline_points=baseline_points)
    if result is None:
        return {}
    pts = result.points
    variation = pts["variation"].astype(object)
    table = pd.DataFrame(
        {
            "team": pts["team_id"].astype(str).to_numpy(),
            "x": pd.to_datetime(pts["x"]).to_numpy(),
            "better": (variation == "improvement").to_numpy(),
            "worse": (variation == "concern").to_numpy(),
        }
    )
    grouped = table.groupby("team", sort=False)
    points = grouped.size()
    concern = grouped["worse"].any()
    first = table[table["better"]].groupby("team")["x"].min()
    out = {}
    for team_id, count in points.items():
        hit = first.get(team_id)
        out[str(team_id)] = MeasureSignal(
            measure_id=measure.id,
            measure_name=measure.name,
            improving=hit is not None,
            concern=bool(concern[team_id]),
            first_improvement=pd.Timestamp(hit).date() if hit is not None else None,
            points=int(count),
        )
    return out


def _all_signals(
    records: CollaborativeRecords, rules: str, baseline_points: int
) -> dict[str, list[MeasureSignal]]:
    by_team: dict[str, list[MeasureSignal]] = defaultdict(list)
    for measure in records.measures:
        if measure.measure_kind == "balancing":
            continue  # a balancing measure guards against harm; it is not the improvement
        try:
            found = measure_signals(
                measure, records.observations, rules=rules, baseline_points=baseline_points
            )
        except KitInputError:
            continue  # data that cannot be charted gives no signal; the measures app says why
        for team_id, signal in found.items():
            by_team[team_id].append(signal)
    return by_team


# --- the status grid ------------------------------------------------------------------------


def _latest_cycle(cycles: Sequence[PDSACycle]) -> CycleSummary | None:
    if not cycles:
        return None
    latest = max(
        enumerate(cycles), key=lambda item: (item[1].start or dt.date.min, item[0])
    )[1]  # fmt: skip
    return CycleSummary(latest.id, latest.title, stage(latest), latest.act, latest.start)


def latest_assessment(assessments: Iterable[Assessment]) -> AssessmentPair | None:
    """The latest month any score was set, with that month's latest faculty and team scores."""
    scores = list(assessments)
    if not scores:
        return None
    month = max(a.month for a in scores)

    def newest(who: str) -> Assessment | None:
        mine = [a for a in scores if a.month == month and a.rated_by == who]
        return max(mine, key=lambda a: a.rated_at) if mine else None

    faculty, team = newest("faculty"), newest("team")
    return AssessmentPair(
        month=month,
        faculty=faculty.score if faculty else None,
        faculty_rater=faculty.rater if faculty else "",
        faculty_rated_at=faculty.rated_at if faculty else None,
        team=team.score if team else None,
        team_rater=team.rater if team else "",
        team_rated_at=team.rated_at if team else None,
    )


def _group(items: Iterable, key: str) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for item in items:
        grouped[getattr(item, key)].append(item)
    return grouped


def team_statuses(
    records: CollaborativeRecords,
    today: dt.date,
    *,
    period: dt.date | None = None,
    rules: str = "anhoej",
    baseline_points: int = BASELINE_POINTS,
) -> list[TeamStatus]:
    """One status per team, in the order the teams were given.

    ``period`` defaults to :func:`current_period`. Data completeness is the share of the
    family's (measure, month) cells filled from the first reporting month to the current
    period's month, counted in months because measures are reported monthly by default
    (``OperationalDefinition.frequency``); "data for the current period" means a value dated
    within the current reporting period (a month, or a week when the collaborative reports
    weekly).
    """
    collab = records.collaborative
    settings = collab.reporting
    period = period_start(settings, period) if period else current_period(collab, today)
    first = min(_first_period(records, period), period)
    last_month = pd.Timestamp(period.replace(day=1))
    expected = len(pd.date_range(first.replace(day=1), last_month, freq="MS"))
    obs = records.observations
    has_data = obs[obs["value"].notna() | (obs["numerator"].notna() & obs["denominator"].notna())]
    days = pd.to_datetime(has_data["period"])
    months = days.dt.to_period("M").dt.to_timestamp()
    in_window = has_data[(months >= pd.Timestamp(first.replace(day=1))) & (months <= last_month)]
    filled = in_window.assign(month=months).drop_duplicates(["team_id", "measure_id", "month"])
    cells = filled.groupby(["team_id", "measure_id"]).size().to_dict()
    current = (days >= pd.Timestamp(period)) & (days <= pd.Timestamp(period_end(settings, period)))
    now = set(
        zip(has_data.loc[current, "team_id"], has_data.loc[current, "measure_id"], strict=True)
    )
    signals = _all_signals(records, rules, baseline_points)
    cycles, scores, reports = (
        _group(records.cycles, "team_id"),
        _group(records.assessments, "team_id"),
        _group(records.reports, "team_id"),
    )
    statuses = []
    for team in records.teams:
        family = records.family_of(team.id)
        aim = records.aim_of(team.id)
        diagram = records.diagram_of(team.id)
        periods_status = report_statuses(reports[team.id], settings, first=first, today=today)
        this = [s for s in periods_status if s.period == period]
        late = [s for s in periods_status if s.overdue]
        filled_cells = sum(min(cells.get((team.id, m.id), 0), expected) for m in family)
        statuses.append(
            TeamStatus(
                team_id=team.id,
                name=team.name,
                organisation=team.organisation,
                aim_set=bool(aim and (aim.what or aim.free_text)),
                driver_diagram=bool(diagram and diagram.primary_drivers),
                primary_drivers=len(diagram.primary_drivers) if diagram else 0,
                measures_defined=len(family),
                period=period,
                period_label=period_label(settings, period),
                measures_with_data=sum((team.id, m.id) in now for m in family),
                completeness=filled_cells / (expected * len(family)) if family else 0.0,
                report_status=this[0].status if this else "not_due",
                report_overdue=bool(this and this[0].overdue),
                overdue_reports=len(late),
                days_overdue=max((s.days_overdue for s in late), default=0),
                latest_cycle=_latest_cycle(cycles[team.id]),
                cycles=len(cycles[team.id]),
                assessment=latest_assessment(scores[team.id]),
                signals=tuple(signals.get(team.id, ())),
            )
        )
    return statuses


# --- sorting and filtering ------------------------------------------------------------------

SortKey = Literal["name", "signal", "assessment", "gap", "overdue", "completeness"]
#: the sort orders the dashboard offers, in words
SORT_KEYS: dict[str, str] = {
    "name": "Team name",
    "signal": "Improvement signals first",
    "assessment": "Highest faculty score first",
    "gap": "Largest gap between self and faculty score first",
    "overdue": "Most overdue reports first",
    "completeness": "Least complete data first",
}


def sort_statuses(statuses: Iterable[TeamStatus], by: SortKey = "name") -> list[TeamStatus]:
    """Statuses in one of the :data:`SORT_KEYS` orders; ties fall back to the team's name."""
    keys = {
        "name": lambda s: (s.name.casefold(),),
        "signal": lambda s: (
            -sum(x.improving for x in s.signals), s.concern, s.name.casefold(),
        ),
        "assessment": lambda s: (
            -(s.faculty_score if s.faculty_score is not None else -1), s.name.casefold(),
        ),
        "gap": lambda s: (-(abs(s.gap) if s.gap is not None else -1), s.name.casefold()),
        "overdue": lambda s: (-s.overdue_reports, -s.days_overdue, s.name.casefold()),
        "completeness": lambda s: (s.completeness, s.name.casefold()),
    }  # fmt: skip
    if by not in keys:
        raise KitInputError(f"Teams can be sorted by {', '.join(keys)}; not by {by!r}.")
    return sorted(statuses, key=keys[by])


def filter_statuses(
    statuses: Iterable[TeamStatus],
    *,
    signal: Literal["improving", "concern", "none"] | None = None,
    overdue: bool | None = None,
    below_completeness: float | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    gap_at_least: float | None = None,
) -> list[TeamStatus]:
    """The statuses matching every filter given (a filter left ``None`` keeps everyone)."""
    kept = []
    for s in statuses:
        if signal == "improving" and not s.improving:
            continue
        if signal == "concern" and not s.concern:
            continue
        if signal == "none" and (s.improving or s.concern):
            continue
        if overdue is not None and (s.overdue_reports > 0) != overdue:
            continue
        if below_completeness is not None and s.completeness >= below_completeness:
            continue
        score = s.faculty_score
        if min_score is not None and (score is None or score < min_score):
            continue
        if max_score is not None and (score is None or score > max_score):
            continue
        if gap_at_least is not None and (s.gap is None or abs(s.gap) < gap_at_least):
            continue
        kept.append(s)
    return kept


# --- collaborative level --------------------------------------------------------------------


def improvement_over_time(
    statuses: Iterable[TeamStatus], periods: Sequence[dt.date], *, measure_id: str | None = None
) -> pd.DataFrame:
    """How many teams show improvement by each period: ``period``, ``teams_improving``.

    A team counts from the month of its first improvement signal (on ``measure_id``, or on
    any outcome or process measure of its family).
    """
    firsts = []
    for s in statuses:
        dates = [
            x.first_improvement
            for x in s.signals
            if x.first_improvement and (measure_id is None or x.measure_id == measure_id)
        ]
        if dates:
            firsts.append(min(dates))
    first_arr = np.array(sorted(firsts), dtype="datetime64[D]")
    stamps = np.array(list(periods), dtype="datetime64[D]")
    counts = np.searchsorted(first_arr, stamps, side="right")
    return pd.DataFrame({"period": list(periods), "teams_improving": counts.astype(int)})


def pooled_measure(measure: Measure, observations: pd.DataFrame) -> pd.DataFrame:
    """The collaborative's pooled series of one measure: ``period``, ``value``, ``teams``.

    With numerator and denominator the pooled value is the sum of numerators over the sum of
    denominators (each team weighted by its cases); otherwise the mean of the teams' values.
    """
    rows = observations[observations["measure_id"] == measure.id]
    if measure.has_denominator:
        rows = rows[rows["denominator"] > 0]
        grouped = rows.groupby("period").agg(
            numerator=("numerator", "sum"),
            denominator=("denominator", "sum"),
            teams=("team_id", "nunique"),
        )
        value = grouped["numerator"] / grouped["denominator"]
        out = grouped.assign(value=value).reset_index()
        return out[["period", "value", "numerator", "denominator", "teams"]]
    grouped = (
        rows.dropna(subset=["value"])
        .groupby("period")
        .agg(value=("value", "mean"), teams=("team_id", "nunique"))
    )
    return grouped.reset_index()
