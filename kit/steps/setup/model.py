"""Set-up and topic selection: the collaborative's charter, timeline, enrolment and topic vote.

The model holds the records this step edits, each with the version it was loaded at, and
saves every edit through the store with that version (so a stale edit raises ``Conflict``
instead of overwriting someone else's). It imports no widgets: the view calls its methods and
shows the ``KitInputError``, ``Conflict`` or ``PermissionDenied`` they raise.

Who may do what: the facilitator edits the charter, timeline, teams and the vote's topics and
weights; everyone (facilitator included) scores topics on their own ballot. The store enforces
the same rules; the model checks first so the refusal reads in this app's words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kit.errors import KitInputError, PermissionDenied
from kit.qi import (
    Collaborative,
    Team,
    TopicBallot,
    TopicCandidate,
    TopicSelection,
    check,
)
from kit.qi.records import MILESTONE_LABELS, ROLE_LABELS, Milestone
from kit.qi.team import enrolment_warnings, roster_warnings, timeline_warnings
from kit.qi.topics import TopicResult, aggregate_ballots, criteria_help, default_selection
from kit.store import Actor, Saved
from kit.ui.session import Identity

__all__ = [
    "CHARTER_FIELDS",
    "FACULTY_ROLES",
    "MILESTONE_SLOTS",
    "TEAM_ROLES",
    "Slot",
    "SetupModel",
]

#: the charter's text fields, in the order the form shows them
CHARTER_FIELDS = ("name", "topic", "aim", "sponsor")

FACULTY_ROLES = {
    "chair": "Chair",
    "expert": "Expert",
    "improvement_advisor": "Improvement advisor",
    "director": "Director",
}
TEAM_ROLES = {key: label[0].upper() + label[1:] for key, label in ROLE_LABELS.items()}


@dataclass(frozen=True)
class Slot:
    """One row of the standard BTS timeline: prework, LS1, AP1, ..., closing congress."""

    kind: str
    number: int | None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.number}" if self.number else self.kind

    @property
    def label(self) -> str:
        base = MILESTONE_LABELS[self.kind]
        return f"{base} {self.number}" if self.number else base


MILESTONE_SLOTS = [
    Slot("prework", None),
    Slot("learning_session", 1),
    Slot("action_period", 1),
    Slot("learning_session", 2),
    Slot("action_period", 2),
    Slot("learning_session", 3),
    Slot("action_period", 3),
    Slot("closing_congress", None),
]


def _data(record: Any) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _same_slot(milestone: Milestone, kind: str, number: int | None) -> bool:
    return str(milestone.kind) == kind and (milestone.number or None) == (number or None)


class SetupModel:
    """The state of the set-up app for one signed-in person, loaded from and saved to the store."""

    def __init__(self, store: Any, identity: Identity) -> None:
        self.store = store
        self.identity = identity
        self.voter = ""
        self.ballot: Saved[TopicBallot] | None = None
        self.reload()

    # --- who and loading ------------------------------------------------------------------

    @property
    def actor(self) -> Actor:
        return self.identity.actor()

    @property
    def is_facilitator(self) -> bool:
        return self.identity.is_facilitator

    @property
    def collaborative_id(self) -> str:
        return self.identity.collaborative_id

    def reload(self) -> None:
        """Read everything again from the store (after a conflict, or in a new kernel)."""
        actor, cid = self.actor, self.collaborative_id
        self.collaborative: Saved[Collaborative] = self.store.get(Collaborative, cid, actor)
        self.teams: dict[str, Saved[Team]] = {
            s.record.id: s
            for s in sorted(
                self.store.find(Team, actor, collaborative_id=cid),
                key=lambda s: s.record.name.casefold(),
            )
        }
        found = self.store.find(TopicSelection, actor, collaborative_id=cid)
        self.selection: Saved[TopicSelection] | None = found[0] if found else None
        self.candidates: dict[str, Saved[TopicCandidate]] = {
            s.record.id: s for s in self.store.find(TopicCandidate, actor, collaborative_id=cid)
        }
        self.ballot = self._find_ballot(self.voter) if self.voter else None

    def _require_facilitator(self, what: str) -> None:
        if not self.is_facilitator:
            raise PermissionDenied(f"Only the facilitator can change {what}; you can read it.")

    def _save(self, saved: Saved[Any] | None, record: Any) -> Saved[Any]:
        return self.store.save(
            record, self.actor, expected_version=None if saved is None else saved.version
        )

    # --- charter --------------------------------------------------------------------------

    def update_charter(self, **fields: str) -> None:
        """Change the charter's name, topic, collaborative aim or sponsor."""
        self._require_facilitator("the charter")
        unknown = set(fields) - set(CHARTER_FIELDS)
        if unknown:
            raise KitInputError(f"The charter has no field {', '.join(sorted(unknown))}.")
        self._save_collaborative(fields)

    def _save_collaborative(self, changes: dict[str, Any]) -> None:
        data = _data(self.collaborative.record) | changes
        record = check(Collaborative, data)
        if record == self.collaborative.record:
            return
        self.collaborative = self._save(self.collaborative, record)

    @property
    def faculty(self) -> list[tuple[str, str]]:
        return [(f.name, str(f.role)) for f in self.collaborative.record.faculty]

    def add_faculty_member(self, name: str, role: str) -> None:
        self._require_facilitator("the faculty")
        faculty = [*_data(self.collaborative.record)["faculty"], {"name": name, "role": role}]
        self._save_collaborative({"faculty": faculty})

    def update_faculty_member(self, index: int, **fields: str) -> None:
        self._require_facilitator("the faculty")
        faculty = _data(self.collaborative.record)["faculty"]
        if not 0 <= index < len(faculty):
            raise KitInputError("That faculty member is no longer on the list; reload the page.")
        faculty[index] = faculty[index] | fields
        self._save_collaborative({"faculty": faculty})

    def remove_faculty_member(self, index: int) -> None:
        self._require_facilitator("the faculty")
        faculty = _data(self.collaborative.record)["faculty"]
        if 0 <= index < len(faculty):
            del faculty[index]
            self._save_collaborative({"faculty": faculty})

    # --- timeline -------------------------------------------------------------------------

    @property
    def milestones(self) -> list[Milestone]:
        return sorted(self.collaborative.record.timeline, key=lambda m: (m.start, m.end))

    def milestone(self, kind: str, number: int | None = None) -> Milestone | None:
        return next(
            (m for m in self.collaborative.record.timeline if _same_slot(m, kind, number)), None
        )

    def set_milestone(
        self, kind: str, number: int | None, start: dt.date | None, end: dt.date | None
    ) -> None:
        """Date one block of the timeline; both dates empty removes it from the timeline."""
        self._require_facilitator("the timeline")
        label = Slot(kind, number).label
        if kind not in MILESTONE_LABELS:
            raise KitInputError(f"'{kind}' is not part of a Breakthrough Series timeline.")
        timeline = [
            _data(m) for m in self.collaborative.record.timeline if not _same_slot(m, kind, number)
        ]
        if start is None and end is None:
            self._save_collaborative({"timeline": timeline})
            return
        if start is None or end is None:
            missing = "a start" if start is None else "an end"
            raise KitInputError(f"{label} needs {missing} date too.")
        timeline.append(
            {"kind": kind, "number": number, "start": start.isoformat(), "end": end.isoformat()}
        )
        self._save_collaborative({"timeline": timeline})

    def timeline_warnings(self) -> list[str]:
        """Advice on a timeline that is valid but unusual (missing sessions, one-day sessions,
        no action period between sessions, a length outside 6-18 months). The record's
        validators already refuse the impossible: an end before a start, overlaps."""
        return timeline_warnings(self.collaborative.record)

    # --- enrolment ------------------------------------------------------------------------

    def team(self, team_id: str) -> Team:
        try:
            return self.teams[team_id].record
        except KeyError:
            raise KitInputError(
                "That team is no longer part of the collaborative; reload the page."
            ) from None

    def add_team(self, name: str, organisation: str = "") -> str:
        """Enrol a team and give it a join code; returns the new team's id."""
        self._require_facilitator("the teams")
        self._unique_team_name(name)
        team = check(
            Team,
            {"collaborative_id": self.collaborative_id, "name": name, "organisation": organisation},
        )
        saved = self._save(None, team)
        self.teams[team.id] = saved
        self.teams = dict(sorted(self.teams.items(), key=lambda i: i[1].record.name.casefold()))
        self.store.issue_join_code(team.id, self.actor)
        return team.id

    def _save_team(self, team_id: str, changes: dict[str, Any]) -> None:
        self._require_facilitator("the teams")
        self.team(team_id)  # a message when the team has gone
        saved = self.teams[team_id]
        record = check(Team, _data(saved.record) | changes)
        if record == saved.record:
            return
        self.teams[team_id] = self._save(saved, record)

    def update_team(self, team_id: str, **fields: str) -> None:
        """Rename a team or change its organisation."""
        unknown = set(fields) - {"name", "organisation"}
        if unknown:
            raise KitInputError(f"A team has no field {', '.join(sorted(unknown))}.")
        if fields.get("name") is not None:
            self._unique_team_name(fields["name"], team_id)
        self._save_team(team_id, fields)

    def _unique_team_name(self, name: str, team_id: str | None = None) -> None:
        wanted = (name or "").strip().casefold()
        for tid, saved in self.teams.items():
            if tid != team_id and wanted and saved.record.name.casefold() == wanted:
                raise KitInputError(f"There is already a team called '{saved.record.name}'.")

    def remove_team(self, team_id: str) -> None:
        """Take a team out of the collaborative (its history stays in the store)."""
        self._require_facilitator("the teams")
        saved = self.teams.get(team_id)
        if saved is None:
            return
        self.store.delete(Team, team_id, self.actor, expected_version=saved.version)
        del self.teams[team_id]

    def add_member(self, team_id: str, name: str, role: str, email: str = "") -> None:
        members = _data(self.team(team_id))["members"]
        members.append({"name": name, "role": role, "email": email})
        self._save_team(team_id, {"members": members})

    def update_member(self, team_id: str, index: int, **fields: str) -> None:
        members = _data(self.team(team_id))["members"]
        if not 0 <= index < len(members):
            raise KitInputError("That member is no longer on the team; reload the page.")
        members[index] = members[index] | fields
        self._save_team(team_id, {"members": members})

    def remove_member(self, team_id: str, index: int) -> None:
        members = _data(self.team(team_id))["members"]
        if 0 <= index < len(members):
            del members[index]
            self._save_team(team_id, {"members": members})

    def team_warnings(self, team_id: str) -> list[str]:
        """What one team's roster still lacks: the three BTS roles first, then softer advice."""
        return roster_warnings(self.team(team_id))

    def enrolment_warnings(self) -> dict[str, list[str]]:
        """Team id -> roster warnings, for every team that has any."""
        return enrolment_warnings([saved.record for saved in self.teams.values()])

    def join_codes(self) -> dict[str, str]:
        """Team id -> join code to hand out (issuing one for a team that has none)."""
        self._require_facilitator("the join codes")
        codes = self.store.join_codes(self.collaborative_id, self.actor)
        for team_id in self.teams:
            if team_id not in codes:
                codes[team_id] = self.store.issue_join_code(team_id, self.actor)
        return {tid: codes[tid] for tid in self.teams}

    def new_join_code(self, team_id: str) -> str:
        """Replace a team's join code (for example when it was shared too widely)."""
        self._require_facilitator("the join codes")
        self.team(team_id)
        return self.store.issue_join_code(team_id, self.actor)

    # --- topic selection: topics and weights ----------------------------------------------

    @property
    def criteria(self) -> list[Any]:
        if self.selection is not None:
            return list(self.selection.record.criteria)
        return list(default_selection(self.collaborative_id).criteria)

    @staticmethod
    def criteria_help() -> dict[str, dict[str, Any]]:
        return criteria_help()

    def _current_selection(self) -> TopicSelection:
        if self.selection is not None:
            return self.selection.record
        return default_selection(self.collaborative_id)

    def set_weight(self, key: str, weight: Any) -> None:
        """Change how much one criterion counts in the weighted score (0 to 10)."""
        self._require_facilitator("the weights")
        data = _data(self._current_selection())
        keys = [c["key"] for c in data["criteria"]]
        if key not in keys:
            raise KitInputError(f"'{key}' is not one of this vote's criteria.")
        data["criteria"][keys.index(key)]["weight"] = weight
        record = check(TopicSelection, data)
        if sum(c.weight for c in record.criteria) <= 0:
            raise KitInputError(
                "At least one criterion needs a weight above 0, or no topic can score anything."
            )
        if self.selection is not None and record == self.selection.record:
            return
        self.selection = self._save(self.selection, record)

    def add_candidate(self, title: str, description: str = "") -> str:
        """Put a topic on the ballot; returns its id."""
        self._require_facilitator("the candidate topics")
        self._unique_title(title)
        record = check(
            TopicCandidate,
            {"collaborative_id": self.collaborative_id, "title": title, "description": description},
        )
        self.candidates[record.id] = self._save(None, record)
        return record.id

    def rename_candidate(self, candidate_id: str, title: str) -> None:
        self._require_facilitator("the candidate topics")
        saved = self.candidates.get(candidate_id)
        if saved is None:
            raise KitInputError("That topic is no longer on the ballot; reload the page.")
        self._unique_title(title, candidate_id)
        record = check(TopicCandidate, _data(saved.record) | {"title": title})
        if record != saved.record:
            self.candidates[candidate_id] = self._save(saved, record)

    def _unique_title(self, title: str, candidate_id: str | None = None) -> None:
        wanted = (title or "").strip().casefold()
        for cid, saved in self.candidates.items():
            if cid != candidate_id and wanted and saved.record.title.casefold() == wanted:
                raise KitInputError(f"'{saved.record.title}' is already on the ballot.")

    def remove_candidate(self, candidate_id: str) -> None:
        """Take a topic off the ballot; scores already given to it are left out of the results."""
        self._require_facilitator("the candidate topics")
        saved = self.candidates.get(candidate_id)
        if saved is None:
            return
        self.store.delete(TopicCandidate, candidate_id, self.actor, expected_version=saved.version)
        del self.candidates[candidate_id]

    # --- topic selection: ballots ---------------------------------------------------------

    def _ballots(self) -> list[Saved[TopicBallot]]:
        """Every ballot of this collaborative. Results are shared with every participant, so
        they are read with the kit's own rights, limited to this collaborative."""
        return self.store.find(TopicBallot, Actor.system(), collaborative_id=self.collaborative_id)

    def _find_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        wanted = voter.strip().casefold()
        team_id = self.identity.team_id
        for saved in self.store.find(
            TopicBallot, self.actor, collaborative_id=self.collaborative_id
        ):
            ballot = saved.record
            if ballot.team_id == team_id and ballot.voter.casefold() == wanted:
                return saved
        return None

    def use_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        """Switch to ``voter``'s ballot (None until they score something)."""
        voter = (voter or "").strip()
        if not voter:
            raise KitInputError("Type your name first, so that your scores go on your own ballot.")
        check(
            TopicBallot,
            {"collaborative_id": self.collaborative_id, "voter": voter},
        )
        self.voter = voter
        self.ballot = self._find_ballot(voter)
        return self.ballot

    def my_scores(self) -> dict[str, dict[str, int]]:
        return {} if self.ballot is None else self.ballot.record.scores

    def cast_vote(self, voter: str, candidate_id: str, criterion: str, score: int | None) -> None:
        """Score one topic on one criterion, 1 (weak) to 5 (strong); None clears the score."""
        if (voter or "").strip().casefold() != self.voter.casefold() or not self.voter:
            self.use_ballot(voter)
        if candidate_id not in self.candidates:
            raise KitInputError("That topic is no longer on the ballot; reload the page.")
        if criterion not in {c.key for c in self.criteria}:
            raise KitInputError(f"'{criterion}' is not one of this vote's criteria.")
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5
        ):
            raise KitInputError(f"Scores run from 1 (weak) to 5 (strong); '{score}' is not one.")
        if self.ballot is None:
            data: dict[str, Any] = {
                "collaborative_id": self.collaborative_id,
                "team_id": self.identity.team_id,
                "voter": self.voter,
                "scores": {},
            }
        else:
            data = _data(self.ballot.record)
        scores = data["scores"].setdefault(candidate_id, {})
        if score is None:
            scores.pop(criterion, None)
            if not scores:
                del data["scores"][candidate_id]
        else:
            scores[criterion] = score
        record = check(TopicBallot, data)
        if self.ballot is not None and record == self.ballot.record:
            return
        self.ballot = self._save(self.ballot, record)

    def results(self) -> TopicResult:
        """Weighted scores, spreads, ranks and readiness advice over every ballot cast."""
        ballots = [s.record for s in self._ballots()]
        candidates = [s.record for s in self.candidates.values()]
        return aggregate_ballots(self._current_selection(), candidates, ballots, strict=False)

    def chart_options(self) -> dict[str, Any]:
        """How the spread chart marks this person's own scores and hides other teams' names."""
        mine = [self.ballot.record.id] if self.ballot is not None else []
        if self.is_facilitator:
            return {"mine": mine}
        own = [s.record.id for s in self._ballots() if s.record.team_id == self.identity.team_id]
        return {"mine": mine, "hide_voters": True, "own_team_ballots": own}
