"""The assessment step's state: every team's monthly scores, faculty's and the team's own.

Faculty (the collaborative's director and improvement advisor) rate each team each month on
the collaborative assessment scale (``kit/content/assessment_scale.yaml``, reworded per
collaborative through ``Collaborative.assessment_wording``); each team rates itself too, and the
gap between the two is what the monthly call discusses. One ``Assessment`` record per team,
month and rater (faculty or team), saved over the version loaded, so a second rating of the
same month is a new version of the same record and its history keeps the first. Who set a
score and when is read from the record (``rater``, ``rated_at``) and never hidden.

No widgets here (``tests/qi/test_purity.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kit.content import ASSESSMENT_SCORES, assessment_levels
from kit.errors import KitInputError, PermissionDenied
from kit.qi import Assessment, Collaborative, Team
from kit.steps.base import StepModel
from kit.steps.versioned import VersionedRecord, save_versioned
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved

Rater = Literal["faculty", "team"]
#: a gap of a whole point (two half-levels) or more between faculty and the team is flagged
#: for discussion: the kit's own teaching threshold, not a published one
GAP_TO_DISCUSS = 1.0
#: columns of the CSV and Excel exports, in order
EXPORT_COLUMNS = [
    "team",
    "month",
    "rated_by",
    "score",
    "level",
    "rater",
    "rated_at_utc",
    "note",
    "saved_by",
    "team_id",
]


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def add_months(value: dt.date, months: int) -> dt.date:
    index = value.year * 12 + value.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Rating:
    """One score as shown: the score, its level's label, who set it and when."""

    score: float
    label: str
    rater: str
    rated_at: dt.datetime
    saved_by: str
    note: str = ""

    @property
    def who_when(self) -> str:
        when = self.rated_at.astimezone(dt.UTC)
        return f"by {self.rater} on {when:%d %b %Y %H:%M} UTC"


@dataclass(frozen=True)
class TeamMonth:
    """A team's two ratings for one month, and the gap between them (team minus faculty)."""

    team_id: str
    team: str
    month: dt.date
    faculty: Rating | None
    own: Rating | None

    @property
    def gap(self) -> float | None:
        if self.faculty is None or self.own is None:
            return None
        return self.own.score - self.faculty.score

    @property
    def flagged(self) -> bool:
        """The gap is large enough to talk about (``GAP_TO_DISCUSS``)."""
        return self.gap is not None and abs(self.gap) >= GAP_TO_DISCUSS

    @property
    def gap_text(self) -> str:
        gap = self.gap
        if gap is None:
            return "no gap to show yet" if (self.faculty or self.own) else "not rated"
        if gap == 0:
            return "the team agrees with faculty"
        side = "higher" if gap > 0 else "lower"
        return f"the team rates itself {abs(gap):g} {side} than faculty"


class AssessmentModel(StepModel):
    """Monthly assessment scores of the teams this person may see; faculty rate every team."""

    def __init__(
        self,
        store: Any,
        actor: Actor,
        *,
        today: dt.date | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(store, actor)
        self.today = today or dt.date.today()
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))
        self.collaborative = VersionedRecord(
            store, actor, Collaborative, Collaborative(id=self.collaborative_id, name="-")
        )
        self._ratings: dict[tuple[str, dt.date, str], Saved[Assessment]] = {}
        self._teams: dict[str, str] = {}
        self.reload()

    # --- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the collaborative's wording, the teams and every score again from the store."""
        found = self.store.find(Collaborative, self.actor, id=self.collaborative_id)
        self.collaborative.load(found[0] if found else None, self.collaborative.record)
        if self.is_facilitator:
            teams = self.store.find(Team, self.actor, collaborative_id=self.collaborative_id)
        else:
            teams = [self.store.get(Team, str(self.own_team_id), self.actor)]
        self._teams = {
            s.record.id: s.record.name for s in sorted(teams, key=lambda s: s.record.name.lower())
        }
        self._ratings = {}
        for saved in self.store.find(
            Assessment, self.actor, collaborative_id=self.collaborative_id
        ):
            a = saved.record
            if a.team_id in self._teams:
                self._ratings[(a.team_id, a.month, a.rated_by)] = saved

    def teams(self) -> list[tuple[str, str]]:
        """(name, id) of the teams shown, by name."""
        return [(name, team_id) for team_id, name in self._teams.items()]

    def levels(self) -> list[dict[str, Any]]:
        """The scale's nine levels in this collaborative's wording."""
        return assessment_levels(self.collaborative.record.assessment_wording)

    def level_label(self, score: float) -> str:
        return next((lv["label"] for lv in self.levels() if lv["score"] == score), "")

    def months(self) -> list[dt.date]:
        """Months a score can be given for, newest first: from the collaborative's first
        milestone (or the first score, or a year ago) to this month."""
        timeline = self.collaborative.record.timeline
        starts = [m.start for m in timeline] + [k[1] for k in self._ratings]
        first = month_start(min(starts)) if starts else add_months(month_start(self.today), -11)
        last = month_start(self.today)
        out, month = [], last
        while month >= first and len(out) < 120:
            out.append(month)
            month = add_months(month, -1)
        return out

    def _rating(self, saved: Saved[Assessment] | None) -> Rating | None:
        if saved is None:
            return None
        a = saved.record
        return Rating(
            a.score, self.level_label(a.score), a.rater, a.rated_at, saved.updated_by, a.note
        )

    def team_month(self, team_id: str, month: dt.date) -> TeamMonth:
        month = month_start(month)
        return TeamMonth(
            team_id,
            self._teams.get(team_id, team_id),
            month,
            self._rating(self._ratings.get((team_id, month, "faculty"))),
            self._rating(self._ratings.get((team_id, month, "team"))),
        )

    def month_rows(self, month: dt.date) -> list[TeamMonth]:
        """Every team's ratings for one month, by team name."""
        return [self.team_month(team_id, month) for team_id in self._teams]

    def team_rows(self, team_id: str) -> list[TeamMonth]:
        """One team's months with any rating, newest first."""
        months = sorted({k[1] for k in self._ratings if k[0] == team_id}, reverse=True)
        return [self.team_month(team_id, m) for m in months]

    # --- rating ----------------------------------------------------------------------------

    @property
    def rater_kind(self) -> Rater:
        """Faculty rate as faculty; a team member rates their own team."""
        return "faculty" if self.is_facilitator else "team"

    def rater_name(self) -> str:
        if self.actor.name:
            return self.actor.name
        if self.is_facilitator:
            return "the facilitator"
        return f"{self._teams.get(str(self.own_team_id), 'the team')} team"

    def rate(
        self, team_id: str, month: dt.date, score: float | None, note: str = ""
    ) -> Saved[Assessment] | None:
        """Give (or change) this person's score for a team and month; ``None`` clears it.

        Faculty may rate any team; a team member only rates their own team, as the team.
        """
        if team_id not in self._teams:
            raise PermissionDenied("That team is not one you can rate; pick a team from the list.")
        if not self.is_facilitator and team_id != self.own_team_id:
            raise PermissionDenied("A team rates only itself; faculty rate every team.")
        month = month_start(month)
        if month > month_start(self.today):
            raise KitInputError(f"{month:%B %Y} has not begun; rate a month that has.")
        kind = self.rater_kind
        key = (team_id, month, kind)
        loaded = self._ratings.get(key)
        if score is None:
            if loaded is not None:
                from kit.steps.versioned import delete_versioned

                delete_versioned(self.store, self.actor, loaded)
                del self._ratings[key]
            return None
        if float(score) not in ASSESSMENT_SCORES:
            raise KitInputError(f"{score} is not on the scale; use 1.0 to 5.0 in steps of 0.5.")
        if (
            loaded is not None
            and loaded.record.score == float(score)
            and loaded.record.note == note
        ):
            return loaded
        record = Assessment(
            id=loaded.record.id if loaded else f"as-{team_id}-{kind[0]}-{month:%Y%m}",
            team_id=team_id,
            month=month,
            score=float(score),
            rated_by=kind,
            rater=self.rater_name(),
            rated_at=self.clock(),
            note=note.strip(),
        )
        saved = save_versioned(self.store, self.actor, record, loaded)
        self._ratings[key] = saved
        return saved

    # --- the distribution ------------------------------------------------------------------

    def distribution(self, rated_by: Rater = "faculty") -> dict[dt.date, Counter[float]]:
        """How many teams got each score, month by month (oldest first)."""
        out: dict[dt.date, Counter[float]] = {}
        for (_team, month, kind), saved in sorted(self._ratings.items(), key=lambda i: i[0][1]):
            if kind == rated_by:
                out.setdefault(month, Counter())[saved.record.score] += 1
        return out

    # --- the collaborative's wording -------------------------------------------------------

    def set_wording(self, score: float, label: str, description: str) -> None:
        """Reword one level for this collaborative (faculty only); the score stays."""
        if not self.is_facilitator:
            raise PermissionDenied("Only faculty can reword the assessment scale.")
        key = f"{float(score):.1f}"
        wording = dict(self.collaborative.record.assessment_wording)
        wording[key] = {
            "label": " ".join(label.split()),
            "description": " ".join(description.split()),
        }
        assessment_levels(wording)  # refuses a score off the scale or empty wording
        self._save_wording(wording)

    def reset_wording(self, score: float) -> None:
        """Back to the kit's wording for one level."""
        if not self.is_facilitator:
            raise PermissionDenied("Only faculty can reword the assessment scale.")
        wording = dict(self.collaborative.record.assessment_wording)
        wording.pop(f"{float(score):.1f}", None)
        self._save_wording(wording)

    def _save_wording(self, wording: dict[str, dict[str, str]]) -> None:
        if self.collaborative.saved is None:
            raise KitInputError("Set up the collaborative first (app 01).")
        record = self.collaborative.record.model_copy(update={"assessment_wording": wording})
        self.collaborative.save(record)

    # --- export ----------------------------------------------------------------------------

    def export_rows(self) -> list[list[Any]]:
        """Every score visible to this person, one row each, in ``EXPORT_COLUMNS`` order."""
        rows = []
        for (team_id, month, kind), saved in self._ratings.items():
            a = saved.record
            rows.append(
                [
                    self._teams.get(team_id, team_id),
                    month,
                    kind,
                    a.score,
                    self.level_label(a.score),
                    a.rater,
                    a.rated_at.astimezone(dt.UTC).replace(tzinfo=None),
                    a.note,
                    saved.updated_by,
                    team_id,
                ]
            )
        rows.sort(key=lambda r: (str(r[0]).lower(), r[1], r[2]))
        return rows

    def export_csv(self, path: str | Path) -> Path:
        """The scores as CSV (UTF-8 with BOM; typed text cannot run as a formula)."""
        from kit.store.workbook import write_csv

        return write_csv(path, EXPORT_COLUMNS, self.export_rows())

    def export_xlsx(self, path: str | Path) -> Path:
        """The scores as an Excel workbook: "Ratings", and "Scale" in this collaborative's words."""
        from kit.store.workbook import write_xlsx

        scale = [
            [lv["score"], lv["label"], lv["description"], "yes" if lv["customised"] else "no"]
            for lv in self.levels()
        ]
        return write_xlsx(
            path,
            [
                ("Ratings", EXPORT_COLUMNS, self.export_rows()),
                ("Scale", ["score", "label", "description", "reworded"], scale),
            ],
        )
