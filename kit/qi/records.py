"""The records a Breakthrough Series collaborative keeps, validated once, here.

Every record is a pydantic model whose validators raise messages a participant can act on;
``kit.qi.validation.check`` turns pydantic's errors into those messages so that no layer
above ever shows pydantic's own wording. Records are plain data: the store adds identity,
versions and revisions around them, the apps add widgets.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def new_id() -> str:
    """Short random ids: unique enough for a collaborative, short enough to read in a URL."""
    return uuid.uuid4().hex[:12]


Text = Annotated[str, Field(max_length=4000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Record(BaseModel):
    """Base of every stored record: strict about unknown fields, stripped text."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, validate_assignment=True, use_enum_values=True
    )
    #: the name under which the store and workbooks file this kind of record
    kind: ClassVar[str] = ""
    id: str = Field(default_factory=new_id, min_length=1, max_length=64)


# --- Collaborative -------------------------------------------------------------------------


class MilestoneKind(StrEnum):
    prework = "prework"
    learning_session = "learning_session"
    action_period = "action_period"
    closing_congress = "closing_congress"


MILESTONE_LABELS = {
    "prework": "Prework",
    "learning_session": "Learning Session",
    "action_period": "Action Period",
    "closing_congress": "Closing congress",
}


class Milestone(BaseModel):
    """One block of the collaborative's timeline: prework, LS1-3, AP1-3, closing congress."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)
    kind: MilestoneKind = Field(title="Kind of event")
    number: int | None = Field(default=None, ge=1, le=9, title="Number")
    start: dt.date = Field(title="Start date")
    end: dt.date = Field(title="End date")

    @property
    def label(self) -> str:
        base = MILESTONE_LABELS[str(self.kind)]
        return f"{base} {self.number}" if self.number else base

    @model_validator(mode="after")
    def _ends_after_start(self) -> Milestone:
        if self.end < self.start:
            raise ValueError(f"{self.label} ends ({self.end}) before it starts ({self.start}).")
        return self


class FacultyRole(StrEnum):
    chair = "chair"
    expert = "expert"
    improvement_advisor = "improvement_advisor"
    director = "director"


class FacultyMember(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)
    name: Name = Field(title="Faculty member's name")
    role: FacultyRole = Field(title="Faculty role")


class ReportingSettings(BaseModel):
    """When teams report: each period's report is due a number of days after the period ends.

    Weekly periods start on Monday; monthly periods on the first of the month
    (``kit.qi.reporting`` turns these settings into due dates and overdue flags).
    """

    model_config = ConfigDict(extra="forbid")
    period: Literal["monthly", "weekly"] = Field(default="monthly", title="Reporting period")
    due_days: int = Field(default=10, ge=0, le=60, title="Days after the period ends")


class Collaborative(Record):
    """The collaborative's charter and timeline; one per database is the common case."""

    kind: ClassVar[str] = "collaborative"
    name: Name = Field(title="Collaborative name")
    topic: Text = Field(default="", title="Topic")
    aim: Text = Field(default="", title="Collaborative aim")
    sponsor: Text = Field(default="", title="Sponsor")
    faculty: list[FacultyMember] = Field(default_factory=list, title="Faculty")
    timeline: list[Milestone] = Field(default_factory=list, title="Timeline")
    reporting: ReportingSettings = Field(
        default_factory=ReportingSettings, title="Reporting settings"
    )
    #: the collaborative's own wording of the assessment scale: score ("2.5") -> {"label",
    #: "description"}, merged over kit/content/assessment_scale.yaml by assessment_levels()
    assessment_wording: dict[str, dict[str, str]] = Field(
        default_factory=dict, title="Assessment scale wording"
    )
    #: the SPC rule set every team's charts are read with (``kit.spc``; chosen by the
    #: facilitator in the charts app, ``kit/steps/charts/``)
    rule_set: Literal["anhoej", "ihi", "nhs", "western_electric"] = Field(
        default="anhoej", title="Chart rule set"
    )

    @model_validator(mode="after")
    def _timeline_in_order(self) -> Collaborative:
        events = sorted(self.timeline, key=lambda m: (m.start, m.end))
        for earlier, later in zip(events, events[1:], strict=False):
            if later.start < earlier.end and not (
                {earlier.kind, later.kind} == {"learning_session", "action_period"}
                and later.start == earlier.end
            ):
                raise ValueError(
                    f"{earlier.label} ({earlier.start} to {earlier.end}) overlaps "
                    f"{later.label} ({later.start} to {later.end}); move one of them."
                )
        sessions = [m for m in self.timeline if m.kind == "learning_session"]
        numbers = [m.number for m in sessions]
        if len(set(numbers)) != len(numbers):
            raise ValueError("Two learning sessions have the same number.")
        by_number = sorted((m for m in sessions if m.number), key=lambda m: m.number or 0)
        for a, b in zip(by_number, by_number[1:], strict=False):
            if b.start < a.end:
                raise ValueError(f"{b.label} is dated before {a.label}; check the dates.")
        return self


# --- Teams ---------------------------------------------------------------------------------


class TeamRole(StrEnum):
    senior_leader = "senior_leader"
    technical_expert = "technical_expert"
    day_to_day_leader = "day_to_day_leader"
    patient_partner = "patient_partner"
    executive_sponsor = "executive_sponsor"
    member = "member"


#: the three roles the BTS model says every team needs (IHI 2003 white paper)
REQUIRED_TEAM_ROLES = (
    TeamRole.senior_leader,
    TeamRole.technical_expert,
    TeamRole.day_to_day_leader,
)

ROLE_LABELS = {
    "senior_leader": "senior leader (system leadership)",
    "technical_expert": "technical expert",
    "day_to_day_leader": "day-to-day leader",
    "patient_partner": "patient or lived-experience partner",
    "executive_sponsor": "executive sponsor",
    "member": "team member",
}


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)
    name: Name = Field(title="Member's name")
    role: TeamRole = Field(title="BTS role")
    email: str = Field(default="", max_length=200, title="Email")

    @field_validator("email")
    @classmethod
    def _looks_like_email(cls, value: str) -> str:
        if value and ("@" not in value or " " in value):
            raise ValueError(f"'{value}' does not look like an email address.")
        return value


class Team(Record):
    kind: ClassVar[str] = "team"
    collaborative_id: str = Field(title="Collaborative")
    name: Name = Field(title="Team name")
    organisation: Text = Field(default="", title="Organisation")
    members: list[Member] = Field(default_factory=list, title="Members")

    def missing_roles(self) -> list[str]:
        """The BTS roles nobody on the team holds yet, in words for a warning."""
        held = {m.role for m in self.members}
        return [ROLE_LABELS[str(r)] for r in REQUIRED_TEAM_ROLES if r not in held]


# --- Topic selection -----------------------------------------------------------------------


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    key: str = Field(min_length=1, max_length=60, title="Criterion key")
    label: Name = Field(title="Criterion")
    weight: float = Field(default=1.0, ge=0, le=10, title="Weight")


class TopicCandidate(Record):
    kind: ClassVar[str] = "topic_candidate"
    collaborative_id: str = Field(title="Collaborative")
    title: Name = Field(title="Topic")
    description: Text = Field(default="", title="Description")


class TopicBallot(Record):
    """One voter's scores: candidate id -> criterion key -> 1 (poor) .. 5 (strong)."""

    kind: ClassVar[str] = "topic_ballot"
    collaborative_id: str = Field(title="Collaborative")
    #: the voter's team, if a team member voted: the store lets a team edit only its own ballots
    team_id: str | None = Field(default=None, title="Team")
    voter: Name = Field(title="Your name")
    scores: dict[str, dict[str, Annotated[int, Field(ge=1, le=5)]]] = Field(
        default_factory=dict, title="Scores"
    )
    #: the sign-in that cast it (``kit/ui/session.py``): one ballot per signed-in voter
    session_id: str | None = Field(default=None, max_length=64, title="Sign-in")


class TopicSelection(Record):
    """The criteria and weights the facilitator set for this collaborative's vote."""

    kind: ClassVar[str] = "topic_selection"
    collaborative_id: str = Field(title="Collaborative")
    criteria: list[Criterion] = Field(default_factory=list, title="Criteria")

    @model_validator(mode="after")
    def _unique_keys(self) -> TopicSelection:
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("Two criteria share the same key.")
        return self


# --- Aim -----------------------------------------------------------------------------------


class Aim(Record):
    """A team's aim, kept as its elements so that feedback can name the missing one."""

    kind: ClassVar[str] = "aim"
    team_id: str = Field(title="Team")
    what: Text = Field(default="", title="What will improve")
    for_whom: Text = Field(default="", title="For whom")
    where: Text = Field(default="", title="Where")
    measure_id: str | None = Field(default=None, title="Measure")
    baseline: float | None = Field(default=None, title="Baseline")
    target: float | None = Field(default=None, title="Target")
    unit: str = Field(default="", max_length=80, title="Unit")
    direction: Literal["up", "down"] | None = Field(default=None, title="Direction")
    baseline_period_end: dt.date | None = Field(default=None, title="End of baseline period")
    by_when: dt.date | None = Field(default=None, title="By when")
    free_text: Text = Field(default="", title="Aim as written")

    @model_validator(mode="after")
    def _consistent(self) -> Aim:
        if self.by_when and self.baseline_period_end and self.by_when <= self.baseline_period_end:
            raise ValueError(
                f"The target date ({self.by_when}) is before the baseline period ends "
                f"({self.baseline_period_end})."
            )
        # A target on the wrong side of the baseline is saved and reported by the aim review
        # (kit.qi.aims), not refused: the participant may be halfway through typing it.
        return self


# --- Driver diagram ------------------------------------------------------------------------


class PrimaryDriver(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(default_factory=new_id)
    text: Name = Field(title="Primary driver")
    measure_id: str | None = None


class SecondaryDriver(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(default_factory=new_id)
    text: Name = Field(title="Secondary driver")
    primary_ids: list[str] = Field(default_factory=list, title="Feeds primary drivers")


class ChangeIdea(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(default_factory=new_id)
    text: Name = Field(title="Change idea")
    secondary_ids: list[str] = Field(default_factory=list, title="Secondary drivers")
    change_concept: str | None = Field(default=None, title="Change concept")
    origin: Literal["package", "adapted", "team"] = Field(default="team", title="Origin")


class DriverDiagram(Record):
    """Aim -> primary drivers -> secondary drivers (many-to-many) -> change ideas.

    ``team_id`` is ``None`` for the collaborative's change package, which teams copy and adapt.
    """

    kind: ClassVar[str] = "driver_diagram"
    collaborative_id: str = Field(title="Collaborative")
    team_id: str | None = Field(default=None, title="Team")
    aim_text: Text = Field(default="", title="Aim")
    primary_drivers: list[PrimaryDriver] = Field(default_factory=list)
    secondary_drivers: list[SecondaryDriver] = Field(default_factory=list)
    change_ideas: list[ChangeIdea] = Field(default_factory=list)

    @model_validator(mode="after")
    def _links_exist(self) -> DriverDiagram:
        primaries = {p.id for p in self.primary_drivers}
        secondaries = {s.id for s in self.secondary_drivers}
        for s in self.secondary_drivers:
            for pid in s.primary_ids:
                if pid not in primaries:
                    raise ValueError(
                        f"Secondary driver '{s.text}' points to a missing primary driver."
                    )
        for c in self.change_ideas:
            for sid in c.secondary_ids:
                if sid not in secondaries:
                    raise ValueError(
                        f"Change idea '{c.text}' points to a missing secondary driver."
                    )
        boxes: list[PrimaryDriver | SecondaryDriver | ChangeIdea] = [
            *self.primary_drivers,
            *self.secondary_drivers,
            *self.change_ideas,
        ]
        ids = [box.id for box in boxes]
        if len(set(ids)) != len(ids):
            raise ValueError("Two boxes in the driver diagram share an id.")
        return self


# --- Measures and observations -------------------------------------------------------------


class MeasureKind(StrEnum):
    outcome = "outcome"
    process = "process"
    balancing = "balancing"


ChartType = Literal["run", "i", "xbar", "p", "pp", "u", "up", "c", "g", "t"]


class OperationalDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    numerator: Text = Field(default="", title="Numerator")
    denominator: Text = Field(default="", title="Denominator")
    inclusions: Text = Field(default="", title="Inclusions")
    exclusions: Text = Field(default="", title="Exclusions")
    data_source: Text = Field(default="", title="Data source")
    sampling: Text = Field(default="", title="Sampling")
    frequency: Literal["weekly", "monthly", "quarterly"] = Field(
        default="monthly", title="Frequency"
    )


class Measure(Record):
    """A measure of the family; ``team_id`` ``None`` means every team reports it."""

    kind: ClassVar[str] = "measure"
    collaborative_id: str = Field(title="Collaborative")
    team_id: str | None = Field(default=None, title="Team")
    name: Name = Field(title="Measure name")
    measure_kind: MeasureKind = Field(title="Kind of measure")
    definition: OperationalDefinition = Field(default_factory=OperationalDefinition)
    unit: str = Field(default="", max_length=80, title="Unit")
    has_denominator: bool = Field(default=False, title="Reported as numerator and denominator")
    direction: Literal["up", "down"] = Field(title="Direction of improvement")
    #: the measure-library entry this measure was adopted from (``kit.qi.family``), if any
    library_key: str | None = Field(default=None, max_length=60, title="Library measure")
    chart: ChartType = Field(default="run", title="Chart")
    multiply: float = Field(default=1, gt=0, title="Multiply by")
    baseline: float | None = Field(default=None, title="Baseline")
    target: float | None = Field(default=None, title="Target")
    driver_id: str | None = Field(default=None, title="Driver")

    @model_validator(mode="after")
    def _chart_fits_data(self) -> Measure:
        needs_n = {"p", "pp", "u", "up"}
        if self.chart in needs_n and not self.has_denominator:
            raise ValueError(
                f"A {self.chart.upper()} chart needs a numerator and a denominator; "
                "tick 'reported as numerator and denominator' or choose another chart."
            )
        return self


class Observation(Record):
    """One reporting period's data for one team and measure."""

    kind: ClassVar[str] = "observation"
    measure_id: str = Field(title="Measure")
    team_id: str = Field(title="Team")
    period: dt.date = Field(title="Period")
    value: float | None = Field(default=None, title="Value")
    numerator: float | None = Field(default=None, ge=0, title="Numerator")
    denominator: float | None = Field(default=None, ge=0, title="Denominator")
    note: Text = Field(default="", title="Note")

    @model_validator(mode="after")
    def _value_or_fraction(self) -> Observation:
        has_fraction = self.numerator is not None or self.denominator is not None
        if has_fraction:
            if self.numerator is None or self.denominator is None:
                raise ValueError("Give both the numerator and the denominator, or neither.")
            if self.value is not None:
                raise ValueError("Give either a value or a numerator and denominator, not both.")
        elif self.value is None:
            raise ValueError(f"The row for {self.period} has no value.")
        return self

    def check_proportion(self) -> None:
        """For proportion measures a numerator can never exceed its denominator."""
        if (
            self.numerator is not None
            and self.denominator is not None
            and self.numerator > self.denominator
        ):
            raise ValueError(
                f"For {self.period:%b %Y} the numerator ({self.numerator:g}) is larger than the "
                f"denominator ({self.denominator:g})."
            )


# --- PDSA ----------------------------------------------------------------------------------


class PDSACycle(Record):
    kind: ClassVar[str] = "pdsa_cycle"
    team_id: str = Field(title="Team")
    change_idea_id: str | None = Field(default=None, title="Change idea")
    title: Name = Field(title="Title")
    objective: Text = Field(default="", title="Objective")
    questions: Text = Field(default="", title="Questions")
    prediction: Text = Field(default="", title="Prediction")
    plan_who: Text = Field(default="", title="Who")
    plan_what: Text = Field(default="", title="What")
    plan_when: Text = Field(default="", title="When")
    plan_where: Text = Field(default="", title="Where")
    data_plan: Text = Field(default="", title="Data to collect")
    do_notes: Text = Field(default="", title="Do: what happened")
    study_notes: Text = Field(default="", title="Study: compared with the prediction")
    prediction_held: Literal["yes", "partly", "no"] | None = Field(
        default=None, title="Did the result match the prediction?"
    )
    act: Literal["adopt", "adapt", "abandon"] | None = Field(default=None, title="Act")
    act_notes: Text = Field(default="", title="Act: next cycle")
    measure_ids: list[str] = Field(default_factory=list, title="Linked measures")
    start: dt.date | None = Field(default=None, title="Start")
    end: dt.date | None = Field(default=None, title="End")
    #: how big the test is (``kit.qi.pdsa.SCALES``): ramps start small and grow
    scale: str = Field(default="", max_length=60, title="Scale")
    #: the cycle this one follows in its ramp (set when "adapt" starts the next cycle)
    previous_id: str | None = Field(default=None, title="Follows cycle")

    @model_validator(mode="after")
    def _dates(self) -> PDSACycle:
        if self.start and self.end and self.end < self.start:
            raise ValueError("The cycle ends before it starts.")
        if self.do_notes and not self.prediction:
            raise ValueError(
                "Write a prediction in the plan before recording what happened (Do): "
                "without one there is nothing to learn from."
            )
        if self.act and not self.study_notes:
            raise ValueError(
                "Write what you learned (Study) before deciding to adopt, adapt or abandon."
            )
        return self


# --- Assessment and monthly report -----------------------------------------------------------


class Assessment(Record):
    """A score on IHI's collaborative assessment scale: who set it and when is always kept."""

    kind: ClassVar[str] = "assessment"
    team_id: str = Field(title="Team")
    month: dt.date = Field(title="Month")
    score: float = Field(title="Score")
    rated_by: Literal["faculty", "team"] = Field(title="Rated by")
    rater: Name = Field(title="Rater's name")
    rated_at: dt.datetime = Field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0), title="Rated at"
    )
    note: Text = Field(default="", title="Note")

    @field_validator("score")
    @classmethod
    def _on_scale(cls, value: float) -> float:
        if not 1.0 <= value <= 5.0 or round(value * 2) != value * 2:
            raise ValueError(f"{value:g} is not on the scale; use 1.0 to 5.0 in steps of 0.5.")
        return value

    @field_validator("month")
    @classmethod
    def _first_of_month(cls, value: dt.date) -> dt.date:
        return value.replace(day=1)


class MonthlyReport(Record):
    """A team's report for one period (a month, or a week when the collaborative reports weekly).

    A submitted report is locked: assigning to it raises, and ``kit.qi.reporting.edit_report``
    makes the edit a new version (``previous_id``, ``version_number``) so the faculty's copy
    stays as it was sent.
    """

    kind: ClassVar[str] = "monthly_report"
    team_id: str = Field(title="Team")
    month: dt.date = Field(title="Month")
    #: Monday of the reported week, for collaboratives that report weekly
    week: dt.date | None = Field(default=None, title="Week")
    accomplishments: Text = Field(default="", title="Results")
    changes_tested: Text = Field(default="", title="Changes tested")
    learned: Text = Field(default="", title="What we learned")
    challenges: Text = Field(default="", title="Barriers")
    next_steps: Text = Field(default="", title="Next steps")
    asks: Text = Field(default="", title="Help needed from faculty")
    submitted: bool = Field(default=False, title="Submitted")
    submitted_at: dt.datetime | None = Field(default=None, title="Submitted at")
    version_number: int = Field(default=1, ge=1, title="Version")
    previous_id: str | None = Field(default=None, title="Replaces report")

    @field_validator("month")
    @classmethod
    def _first_of_month(cls, value: dt.date) -> dt.date:
        return value.replace(day=1)

    @field_validator("week")
    @classmethod
    def _monday(cls, value: dt.date | None) -> dt.date | None:
        return None if value is None else value - dt.timedelta(days=value.weekday())

    def __setattr__(self, name: str, value: object) -> None:
        if getattr(self, "submitted", False) and name in type(self).model_fields:
            raise ValueError(
                "This report has been submitted to the faculty and is locked; edit it as a "
                "new version instead."
            )
        super().__setattr__(name, value)


#: every kind of record the store and workbooks know, by name
RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (
        Collaborative,
        Team,
        TopicSelection,
        TopicCandidate,
        TopicBallot,
        Aim,
        DriverDiagram,
        Measure,
        Observation,
        PDSACycle,
        Assessment,
        MonthlyReport,
    )
}
