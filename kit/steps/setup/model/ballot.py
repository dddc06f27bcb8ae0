"""Each person's ballot, and the results over every ballot cast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.errors import KitInputError
from kit.qi import TopicBallot, check
from kit.qi.topics import TopicResult, aggregate_ballots
from kit.steps.setup.model.state import as_data
from kit.steps.setup.model.topics import TopicsEdits
from kit.store.access import Actor

if TYPE_CHECKING:
    from kit.store import Saved


class BallotEdits(TopicsEdits):
    """Scoring the topics on the criteria: everyone, the facilitator included, on their own
    ballot, kept under their name."""

    def _ballots(self) -> list[Saved[TopicBallot]]:
        """Every ballot of this collaborative. Results are shared with every participant, so
        they are read with the kit's own rights, limited to this collaborative."""
        return self.store.find(TopicBallot, Actor.system(), collaborative_id=self.collaborative_id)

    def _find_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        wanted = voter.strip().casefold()
        for saved in self.store.find(
            TopicBallot, self.actor, collaborative_id=self.collaborative_id
        ):
            ballot = saved.record
            if ballot.team_id == self.own_team_id and ballot.voter.casefold() == wanted:
                return saved
        return None

    def use_ballot(self, voter: str) -> Saved[TopicBallot] | None:
        """Switch to ``voter``'s ballot (None until they score something)."""
        voter = (voter or "").strip()
        if not voter:
            raise KitInputError("Type your name first, so that your scores go on your own ballot.")
        check(TopicBallot, {"collaborative_id": self.collaborative_id, "voter": voter})
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
                "team_id": self.own_team_id,
                "voter": self.voter,
                "scores": {},
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
