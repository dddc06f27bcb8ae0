"""The pure domain layer: records, their validation and the BTS rules the apps explain.

Nothing here imports widgets, Bokeh or a database driver, so analysts can use it from a
plain script and the apps stay thin.
"""

# registers the Agenda record with RECORD_TYPES (kept out of records.py for its size)
from kit.qi.agenda import Agenda
from kit.qi.chart_settings import ChartSettings, ExcludedPoint
from kit.qi.feedback import FeedbackComment
from kit.qi.records import (
    RECORD_TYPES,
    Aim,
    Assessment,
    ChangeIdea,
    Collaborative,
    Criterion,
    DriverDiagram,
    FacultyMember,
    Measure,
    Member,
    Milestone,
    MonthlyReport,
    Observation,
    OperationalDefinition,
    PDSACycle,
    PrimaryDriver,
    Record,
    SecondaryDriver,
    Team,
    TopicBallot,
    TopicCandidate,
    TopicSelection,
    new_id,
)
from kit.qi.validation import check, friendly_messages

__all__ = [
    "RECORD_TYPES",
    "Agenda",
    "ChartSettings",
    "ExcludedPoint",
    "FeedbackComment",
    "Aim",
    "Assessment",
    "ChangeIdea",
    "Collaborative",
    "Criterion",
    "DriverDiagram",
    "FacultyMember",
    "Measure",
    "Member",
    "Milestone",
    "MonthlyReport",
    "Observation",
    "OperationalDefinition",
    "PDSACycle",
    "PrimaryDriver",
    "Record",
    "SecondaryDriver",
    "Team",
    "TopicBallot",
    "TopicCandidate",
    "TopicSelection",
    "check",
    "friendly_messages",
    "new_id",
]
