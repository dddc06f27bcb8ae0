"""The collaborative dashboard's state: every team's status, read again when the store changes.

The status rules, signals, pooled series and suggestions are ``kit.qi.dashboard`` and
``kit.qi.presenters``; the records come through ``kit.reports.load_records`` (the store's public
API, as the facilitator may see them). This model keeps the last reading, says whether a new
reading differs (a fingerprint of what was read: record counts and contents, observation rows),
and recomputes only then, so a refresh every few seconds costs a read, not an analysis.

No widgets here (``tests/qi/test_purity.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from kit.errors import KitInputError, PermissionDenied
from kit.qi.dashboard import (
    CollaborativeRecords,
    TeamStatus,
    analyze_measure,
    filter_statuses,
    improvement_over_time,
    sort_statuses,
    team_statuses,
)
from kit.qi.feedback import FeedbackBook, Thread, Unanswered, threads
from kit.qi.presenters import Suggestion, suggest
from kit.qi.records import Measure
from kit.reports import SUMMARY_FILE, load_records, storyboard_file, write_records
from kit.steps.base import StepModel
from kit.store.access import Actor

#: the filters the grid offers: name -> (label, keywords for ``filter_statuses``)
SIGNAL_FILTERS: dict[str, tuple[str, dict[str, Any]]] = {
    "any": ("Any signal", {}),
    "improving": ("Improvement signal", {"signal": "improving"}),
    "concern": ("Signal of concern", {"signal": "concern"}),
    "none": ("No signal", {"signal": "none"}),
}
ASSESSMENT_FILTERS: dict[str, tuple[str, dict[str, Any]]] = {
    "any": ("Any score", {}),
    "high": ("Faculty score 3.5 or more", {"min_score": 3.5}),
    "low": ("Faculty score 2.5 or less", {"max_score": 2.5}),
    "gap": ("Self and faculty 1 point apart or more", {"gap_at_least": 1.0}),
}
OVERDUE_FILTERS: dict[str, tuple[str, dict[str, Any]]] = {
    "any": ("Any report status", {}),
    "overdue": ("Reports overdue", {"overdue": True}),
    "up_to_date": ("No report overdue", {"overdue": False}),
}
COMPLETENESS_FILTERS: dict[str, tuple[str, dict[str, Any]]] = {
    "any": ("Any data completeness", {}),
    "below_100": ("Data not complete", {"below_completeness": 1.0}),
    "below_75": ("Data under 75% complete", {"below_completeness": 0.75}),
    "below_50": ("Data under 50% complete", {"below_completeness": 0.5}),
}
#: small multiples a page: two rows of four. Each chart costs the kernel about 0.12 s of CPU to
#: build and send (tests/benchmarks/bench_dashboard.py, 100 teams: 2.05 s CPU with 12 a page,
#: 1.57 s with 8), so a page of 8 keeps the dashboard's build under its 2 s (issue 14)
PAGE_SIZE = 8

Progress = Callable[[int, int, str], None]


def fingerprint(records: CollaborativeRecords) -> str:
    """A short digest of what was read: equal digests mean nothing changed for the dashboard."""
    digest = hashlib.sha256()
    for kind in ("teams", "aims", "diagrams", "measures", "cycles", "assessments", "reports"):
        items = getattr(records, kind)
        digest.update(f"{kind}:{len(items)}:".encode())
        digest.update(repr(items).encode())
    digest.update(repr(records.collaborative).encode())
    obs = records.observations
    digest.update(f"obs:{len(obs)}:".encode())
    if len(obs):
        hashed = pd.util.hash_pandas_object(obs, index=False)
        digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def _months_of(observations: pd.DataFrame) -> list[dt.date]:
    if observations.empty:
        return []
    months = pd.to_datetime(observations["period"]).dt.to_period("M").unique()
    return [month.to_timestamp().date() for month in sorted(months)]


class DashboardModel(StepModel):
    """What the facilitator's dashboard shows; ``refresh()`` reads the store again."""

    def __init__(self, store: Any, actor: Actor, *, today: dt.date | None = None) -> None:
        super().__init__(store, actor)
        if actor.role not in ("facilitator", "system"):
            raise PermissionDenied(
                "The collaborative dashboard is for the collaborative's faculty."
            )
        self.today = today or dt.date.today()
        self.records: CollaborativeRecords
        self.statuses: list[TeamStatus] = []
        self.digest = ""
        self._results: dict[str, Any] = {}
        self._months: list[dt.date] = []
        self.reload()

    # --- reading --------------------------------------------------------------------------

    def _read(self) -> CollaborativeRecords:
        return load_records(
            self.store, actor=self.actor, collaborative_id=self.collaborative_id or None
        )

    def _apply(self, records: CollaborativeRecords, digest: str) -> None:
        self.records = records
        self.digest = digest
        self.statuses = team_statuses(records, self.today)
        self._results = {}
        self._months = _months_of(records.observations)

    def reload(self) -> CollaborativeRecords:
        records = self._read()
        self._apply(records, fingerprint(records))
        return records

    def refresh(self) -> bool:
        """Read the store again; True (and everything recomputed) only when something changed."""
        records = self._read()
        digest = fingerprint(records)
        if digest == self.digest:
            return False
        self._apply(records, digest)
        return True

    # --- the grid -------------------------------------------------------------------------

    def rows(
        self,
        sort: str = "name",
        *,
        signal: str = "any",
        assessment: str = "any",
        overdue: str = "any",
        completeness: str = "any",
    ) -> list[TeamStatus]:
        """The statuses kept by the chosen filters, in the chosen order."""
        keywords: dict[str, Any] = {}
        for table, key in (
            (SIGNAL_FILTERS, signal),
            (ASSESSMENT_FILTERS, assessment),
            (OVERDUE_FILTERS, overdue),
            (COMPLETENESS_FILTERS, completeness),
        ):
            if key not in table:
                raise KitInputError(f"{key!r} is not one of the filters: {', '.join(table)}.")
            keywords.update(table[key][1])
        return sort_statuses(filter_statuses(self.statuses, **keywords), sort)  # type: ignore[arg-type]

    def status(self, team_id: str) -> TeamStatus:
        for status in self.statuses:
            if status.team_id == team_id:
                return status
        raise KitInputError(f"There is no team with id {team_id!r} on the dashboard.")

    def team_name(self, team_id: str) -> str:
        return self.records.team(team_id).name

    # --- measures and charts --------------------------------------------------------------

    def measures(self) -> list[Measure]:
        """The collaborative's shared measures (a team's own measure is on its detail)."""
        order = {"outcome": 0, "process": 1, "balancing": 2}
        shared = [m for m in self.records.measures if m.team_id is None]
        return sorted(shared, key=lambda m: (order.get(str(m.measure_kind), 3), m.name))

    def measure(self, measure_id: str) -> Measure:
        for measure in self.records.measures:
            if measure.id == measure_id:
                return measure
        raise KitInputError(f"There is no measure with id {measure_id!r}.")

    def result(self, measure_id: str) -> Any | None:
        """Every team's chart of one measure (``kit.qi.dashboard.analyze_measure``), cached
        until the next change."""
        if measure_id not in self._results:
            try:
                self._results[measure_id] = analyze_measure(
                    self.measure(measure_id), self.records.observations
                )
            except KitInputError:
                self._results[measure_id] = None
        return self._results[measure_id]

    def charted_teams(self, measure_id: str) -> list[str]:
        """Team ids with a chart of the measure, in the order of the teams' names."""
        many = self.result(measure_id)
        if many is None:
            return []
        have = set(map(str, many.points[many.by]))
        ordered = sorted(self.records.teams, key=lambda t: t.name.casefold())
        return [t.id for t in ordered if t.id in have]

    def months(self) -> list[dt.date]:
        """Every month with data, oldest first (read once per change: the page asks often)."""
        return list(self._months)

    def improving_counts(self) -> pd.DataFrame:
        return improvement_over_time(self.statuses, self.months())

    def suggestions(self) -> list[Suggestion]:
        return suggest(self.records, self.statuses)

    # --- faculty feedback -------------------------------------------------------------------

    def unanswered_feedback(self) -> list[Unanswered]:
        """Threads waiting for their team's reply (``kit/qi/feedback.py``), oldest wait first.

        Read from the store on every call, not kept with the fingerprinted reading: a reply
        must leave the list at the next refresh even when nothing else changed.
        """
        teams = {t.id for t in self.records.teams}
        waiting = FeedbackBook(self.store, self.actor).unanswered()
        return [u for u in waiting if u.thread.team_id in teams]

    def feedback_threads(self, team_id: str) -> list[Thread]:
        """Every thread on one team's work, oldest first."""
        return threads(FeedbackBook(self.store, self.actor).comments(team_id))

    def measure_names(self) -> dict[str, str]:
        return {m.id: m.name for m in self.records.measures}

    # --- downloads ------------------------------------------------------------------------

    def storyboard(self, team_id: str) -> tuple[str, bytes]:
        """One team's storyboard as a standalone HTML file: its name and its bytes."""
        status = self.status(team_id)
        with tempfile.TemporaryDirectory() as folder:
            [path] = write_records(self.records, folder, team=team_id, today=self.today)
            return storyboard_file(status.name, status.team_id), path.read_bytes()

    def all_reports(self, progress: Progress | None = None) -> tuple[bytes, bytes]:
        """The collaborative summary, and a zip of it with every team's storyboard."""
        with tempfile.TemporaryDirectory() as folder:
            paths = write_records(self.records, folder, progress=progress, today=self.today)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in paths:
                    archive.write(path, arcname=path.name)
            summary = (Path(folder) / SUMMARY_FILE).read_bytes()
        return summary, buffer.getvalue()


__all__ = [
    "ASSESSMENT_FILTERS",
    "COMPLETENESS_FILTERS",
    "DashboardModel",
    "OVERDUE_FILTERS",
    "PAGE_SIZE",
    "SIGNAL_FILTERS",
    "fingerprint",
]
