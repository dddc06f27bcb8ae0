"""How one team reads one measure's chart: phases, a frozen baseline and excluded points.

Kept beside ``kit/qi/records.py`` (near its size limit) and registered with its
``RECORD_TYPES`` here, as ``kit/qi/agenda.py`` does; ``kit/qi/__init__.py`` imports this module
so that the store and workbooks always know the kind.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, Field

from kit.qi.records import RECORD_TYPES, Name, Record


class ExcludedPoint(BaseModel):
    """A period left out of a chart's centre line and limits, and why (shown on the chart)."""

    period: dt.date = Field(title="Period")
    reason: Name = Field(title="Reason")


class ChartSettings(Record):
    """How one team reads one measure's chart: phases, frozen baseline, excluded points.

    Saved by the charts app (``kit/steps/charts/``). ``phase_starts`` are the first periods of
    each new phase; ``baseline_end`` freezes the centre line and limits on the periods up to
    it (in each phase, as ``kit.spc.analyze``'s ``freeze`` does).
    """

    kind: ClassVar[str] = "chart_settings"
    team_id: str = Field(title="Team")
    measure_id: str = Field(title="Measure")
    phase_starts: list[dt.date] = Field(default_factory=list, title="New phases")
    baseline_end: dt.date | None = Field(default=None, title="Frozen baseline up to")
    excluded: list[ExcludedPoint] = Field(default_factory=list, title="Excluded points")


RECORD_TYPES.setdefault(ChartSettings.kind, ChartSettings)
