"""Each person's ballot, and the results over every ballot cast.

One ballot per signed-in voter: a sign-in (``kit/ui/session.py``, its ``session_id``) votes
under one name, its ballot recorded with the team that cast it. Typing another name on the
same sign-in is refused once it has a ballot, and a name whose ballot another sign-in cast
is refused too, so nobody gets a second ballot by typing someone else's name. (A person who
signs in again under a new name does get one: join codes are per team, not per person. The
results then warn when one team's ballots outweigh the rest, ``kit/qi/topics.py``.) The
facilitator lists every ballot with who cast it and when, and deletes one (kept in history).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.errors import KitInputError, PermissionDenied
from kit.qi import TopicBallot, check
from kit.qi.topics import TopicResult, aggregate_ballots
from kit.steps.setup.model.state import as_data
from kit.steps.setup.model.topics import TopicsEdits
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved


@dataclass(frozen=True)
class BallotRow:
    """One ballot as the facilitator's list shows it."""

    ballot_id: str
    voter: str
    team: str  # the team's name, or "Faculty" for a ballot cast without a team
    saved_at: dt.datetime
    saved_by: str
    n_scores: int
    version: int


class BallotEdits(TopicsEdits):
    """Scoring the topics on the criteria: everyone, the facilitator included, on their own
    ballot, kept under their name."""

    #: the sign-in this model votes for (``sign_ballot_as``); None in tests and notebooks
    session_id: str | None = None
    #: True once the name comes from the sign-in and may not be changed here
    voter_fixed: bool = False

    def sign_ballot_as(self, name: str, session_id: str | None, *, fixed: bool = True) -> None:
        """Vote as this sign-in: its ballot, found by sign-in first, then by ``name``."""
        self.session_id = session_id or None
        mine = self._session_ballot()
        if mine is not None:
            self.voter, self.ballot, self.voter_fixed = mine.record.voter, mine, True
            return
        if name.strip():
            self.use_ballot(name)
            self.voter_fixed = fixed

    def _ballots(self) -> list[Saved[TopicBallot]]:
        """Every ballot of this collaborative. Results are shared with every participant, so
        they are read with the kit's own rights, limited to this collaborative."""
        return self.store.find(TopicBallot, Actor.system(), collaborative_id=self.collaborative_id)

    def _own_team_ballots(self) -> list[Saved[TopicBallot]]:
        return [
            saved
            for saved in self.store.find(
                TopicBallot, self.actor, collaborative_id=self.collaborative_id
            )
            if saved.record.team_id == self.own_team_id
        ]

    def _session_ballot(self) -> Saved[TopicBallot] | None:
        if not self.session_id:
            return None
        for saved in self._own_team_ballots():
            if saved.record.session_id == self.session_id:
                return saved
        return None

    def _find_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        wanted = voter.strip().casefold()
        for saved in self._own_team_ballots():
            if saved.record.voter.casefold() == wanted:
                return saved
        return None

    def use_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        """Switch to ``voter``'s ballot (None until they score something).

        Refused when this sign-in already has a ballot under another name, or when the name's
        ballot was cast by another sign-in: one ballot per person, and only their own.
        """
        voter = (voter or "").strip()
        if not voter:
            raise KitInputError("Type your name first, so that your scores go on your own ballot.")
        check(TopicBallot, {"collaborative_id": self.collaborative_id, "voter": voter})
        switching = bool(self.voter) and voter.casefold() != self.voter.casefold()
        if switching and (self.voter_fixed or self.ballot is not None):
            raise PermissionDenied(
                f"You are voting as '{self.voter}', and a person has one ballot. "
                "Someone else votes by signing in with their own name."
            )
        found = self._find_ballot(voter)
        if found is not None and found.record.session_id not in (None, self.session_id):
            raise PermissionDenied(
                f"'{found.record.voter}' has already voted from another sign-in, and a person has one "
                "ballot. If that ballot is yours, ask the facilitator to delete it and vote again."
            )
        self.voter = voter
        self.ballot = found
        return self.ballot

    # --- the facilitator's list of ballots ------------------------------------------------

    def ballot_rows(self) -> list[BallotRow]:
        """Every ballot of the vote, who cast it and when (the facilitator only)."""
        self._require_facilitator("the list of ballots")
        names = {team_id: saved.record.name for team_id, saved in self.teams.items()}
        rows = [
            BallotRow(
                ballot_id=saved.record.id,
                voter=saved.record.voter,
                team=names.get(saved.record.team_id or "", "Faculty")
                if saved.record.team_id
                else "Faculty",
                saved_at=saved.updated_at,
                saved_by=saved.updated_by,
                n_scores=sum(len(s) for s in saved.record.scores.values()),
                version=saved.version,
            )
            for saved in self._ballots()
        ]
        return sorted(rows, key=lambda r: (r.team.casefold(), r.voter.casefold(), r.ballot_id))

    def delete_ballot(self, ballot_id: str) -> None:
        """Delete one ballot (the facilitator only); its history keeps it, so it can be restored."""
        self._require_facilitator("the ballots")
        found = [s for s in self._ballots() if s.record.id == ballot_id]
        if not found:
            raise KitInputError("That ballot is no longer there; refresh the results.")
        self._delete(found[0])
        if self.ballot is not None and self.ballot.record.id == ballot_id:
            self.ballot = None

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
                "team_id": self.own_team_id,
                "voter": self.voter,
                "scores": {},
                "session_id": self.session_id,
            }
        else:
            data = as_data(self.ballot.record)
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
        own = [s.record.id for s in self._ballots() if s.record.team_id == self.own_team_id]
        return {"mine": mine, "hide_voters": True, "own_team_ballots": own}
