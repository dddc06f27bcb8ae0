"""Topic selection: aggregate every voter's ballot into scores, spreads, ranks and advice.

A Breakthrough Series spreads changes already known to work; it does not discover them
(IHI 2003 white paper). So besides ranking candidate topics by the weighted criteria, the
result advises for each topic whether it is *ready for a collaborative* or whether the
changes should be *developed and tested first*, from the voters' degree of belief.

Rules, chosen so that a facilitator can explain them in one sentence each:

* A missing vote is missing, never a zero: each criterion's mean is over the voters who
  scored it, and a topic's weighted score is renormalised over the criteria that have votes.
* Weights are normalised to sum to 1, so "2, 1, 1, 1, 1" and "0.4, 0.2, ..." mean the same.
* Ties share a rank (1, 2, 2, 4); tied topics are listed by title, then id, so the order
  never changes between two runs.
* One team's ballots outweigh the rest when that team cast more ballots than every other
  voter together (facilitator and faculty included), out of at least two ballots. The vote is
  one voice per person, so a team that brought more people, or one person who signed in under
  several names, can carry it; the result says so (``TeamShare``) and whether the leading topic
  would change without that team's ballots, so the room can weigh it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from kit.content import topic_criteria
from kit.errors import KitInputError
from kit.qi.records import Criterion, TopicBallot, TopicCandidate, TopicSelection

__all__ = [
    "BORDERLINE_AT",
    "READY_AT",
    "CandidateResult",
    "CriterionSummary",
    "Rating",
    "Readiness",
    "TeamShare",
    "TopicResult",
    "aggregate_ballots",
    "dominant_team",
    "criteria_help",
    "default_selection",
    "normalised_weights",
    "readiness",
]

#: mean degree of belief (1-5) at or above which changes are believed "moderate to high"
READY_AT = 3.5
#: mean degree of belief from which the topic is borderline rather than not ready: the
#: criteria (kit/content/topic_criteria.yaml) call 3 "moderate belief in some changes"
BORDERLINE_AT = 3.0
#: decimals to which scores are compared when ranking, so float noise never splits a tie
_RANK_DECIMALS = 9


def _belief_key() -> str:
    return str(topic_criteria().get("readiness_criterion", "belief"))


def criteria_help() -> dict[str, dict[str, Any]]:
    """Criterion key -> ``{"label", "question", "anchors"}`` for the ballot's help text."""
    return {
        c["key"]: {"label": c["label"], "question": c["question"], "anchors": c["anchors"]}
        for c in topic_criteria()["criteria"]
    }


def default_selection(collaborative_id: str) -> TopicSelection:
    """The five BTS criteria with their default weights, ready for a facilitator to edit."""
    criteria = [
        Criterion(key=c["key"], label=c["label"], weight=float(c["weight"]))
        for c in topic_criteria()["criteria"]
    ]
    return TopicSelection(collaborative_id=collaborative_id, criteria=criteria)


def normalised_weights(selection: TopicSelection) -> dict[str, float]:
    """Criterion key -> weight / sum of weights; raises when no criterion carries weight."""
    if not selection.criteria:
        raise KitInputError("This vote has no criteria yet; add at least one criterion.")
    total = sum(c.weight for c in selection.criteria)
    if total <= 0:
        raise KitInputError(
            "Every criterion has weight 0, so no topic can score anything; give at least one "
            "criterion a weight above 0."
        )
    return {c.key: c.weight / total for c in selection.criteria}


@dataclass(frozen=True)
class Rating:
    """One voter's score for one topic on one criterion: a row of the spread chart."""

    candidate_id: str
    candidate: str
    criterion: str
    criterion_label: str
    voter: str
    ballot_id: str
    score: int


@dataclass(frozen=True)
class CriterionSummary:
    """How the voters scored one topic on one criterion.

    ``mean``, ``sd``, ``low`` and ``high`` are ``None`` without votes; ``sd`` (the sample
    standard deviation) also needs two votes. ``weight`` is the normalised weight.
    """

    key: str
    label: str
    weight: float
    n_voters: int
    mean: float | None
    sd: float | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class Readiness:
    """Advice from the degree of belief: ``ready``, ``borderline``, ``develop_first`` or
    ``no_votes``."""

    verdict: Literal["ready", "borderline", "develop_first", "no_votes"]
    label: str
    reason: str
    belief: float | None = None


@dataclass(frozen=True)
class CandidateResult:
    """One topic's aggregate: weighted score (1-5), rank, per-criterion spread, readiness."""

    candidate_id: str
    title: str
    score: float | None
    rank: int | None
    n_voters: int
    criteria: list[CriterionSummary]
    readiness: Readiness

    def criterion(self, key: str) -> CriterionSummary:
        for summary in self.criteria:
            if summary.key == key:
                return summary
        raise KeyError(key)


@dataclass(frozen=True)
class TopicResult:
    """Every topic in rank order (unscored topics last), plus the tidy individual ratings."""

    candidates: list[CandidateResult]
    ratings: list[Rating]
    weights: dict[str, float]
    n_ballots: int
    warnings: list[str] = field(default_factory=list)
    #: the team whose ballots outweigh the rest, if one does (``dominant_team``)
    team_share: TeamShare | None = None

    def candidate(self, candidate_id: str) -> CandidateResult:
        for result in self.candidates:
            if result.candidate_id == candidate_id:
                return result
        raise KeyError(candidate_id)

    def ratings_columns(self) -> dict[str, list[Any]]:
        """The ratings as columns (one list per field), the shape a chart's data source takes."""
        names = list(Rating.__dataclass_fields__)
        return {name: [getattr(r, name) for r in self.ratings] for name in names}


@dataclass(frozen=True)
class TeamShare:
    """One team's ballots against everyone else's, and what the lead would be without them."""

    team_id: str
    team_ballots: int
    n_ballots: int
    #: the leading topic with this team's ballots left out (None: no other ballot scores one)
    leader_without: str | None = None
    #: the leading topic over every ballot
    leader: str | None = None

    @property
    def changes_leader(self) -> bool:
        return self.leader is not None and self.leader_without != self.leader

    def message(self, team_name: str | None = None) -> str:
        """The warning in the results; ``team_name`` only where names may be shown."""
        who = f"'{team_name}'" if team_name else "One team"
        text = (
            f"{who} cast {self.team_ballots} of the {self.n_ballots} ballots, more than "
            "everyone else together, so its votes carry the ranking."
        )
        if self.changes_leader:
            without = f"'{self.leader_without}'" if self.leader_without else "no topic"
            text += f" Without them {without} would lead instead of '{self.leader}'."
        elif self.leader is not None and self.team_ballots < self.n_ballots:
            text += f" '{self.leader}' leads with or without them."
        return text + " Check that each person voted once before deciding."


def dominant_team(ballots: Iterable[TopicBallot]) -> tuple[str, int, int] | None:
    """The team that cast more ballots than all other voters together: (team, its, all).

    Ballots without a team (the facilitator's, faculty's) count among "the rest". Fewer than
    two ballots outweigh nothing.
    """
    counts: dict[str, int] = {}
    total = 0
    for ballot in ballots:
        total += 1
        if ballot.team_id is not None:
            counts[ballot.team_id] = counts.get(ballot.team_id, 0) + 1
    if total < 2 or not counts:
        return None
    team_id, count = max(sorted(counts.items()), key=lambda item: item[1])
    if count * 2 <= total:
        return None
    return team_id, count, total


def _leader(result: TopicResult) -> str | None:
    top = result.candidates[0] if result.candidates else None
    return top.title if top is not None and top.rank == 1 else None


def readiness(
    belief: float | None, *, ready_at: float = READY_AT, borderline_at: float = BORDERLINE_AT
) -> Readiness:
    """Ready when the mean degree of belief is moderate to high (``ready_at``, 3.5 of 5).

    From ``borderline_at`` (3.0, "moderate belief" in the criteria) up to ``ready_at`` the
    topic is borderline: the voters are split or lukewarm, so the advice is to say why and
    check the evidence, not to reject it. Below, the advice is to develop and test changes
    first: a Breakthrough Series spreads changes that already work somewhere, it is not the
    place to invent them.
    """
    if belief is None:
        return Readiness(
            "no_votes",
            "No votes yet",
            "Nobody has scored the degree of belief for this topic yet.",
        )
    if belief >= ready_at:
        return Readiness(
            "ready",
            "Ready for a collaborative",
            f"Voters' belief that the changes work averages {belief:.1f} of 5 (moderate to "
            "high): there are known changes for teams to test and spread.",
            belief,
        )
    if belief >= borderline_at:
        return Readiness(
            "borderline",
            "Borderline: say why and what to check",
            f"Voters' belief that the changes work averages {belief:.1f} of 5: moderate, just "
            f"short of the {ready_at:.1f} the kit treats as ready. Ask the voters why they are "
            "unsure, and check whether the changes have worked somewhere comparable (published "
            "results, a site that has done it) before you commit.",
            belief,
        )
    return Readiness(
        "develop_first",
        "Develop and test changes first",
        f"Voters' belief that the changes work averages only {belief:.1f} of 5. A "
        "Breakthrough Series spreads changes already shown to work; with low belief, develop "
        "and test the changes with a few sites first.",
        belief,
    )


def _check_inputs(
    selection: TopicSelection,
    candidates: list[TopicCandidate],
    ballots: list[TopicBallot],
    *,
    strict: bool,
) -> list[str]:
    """Raise on inputs that cannot be aggregated; return warnings for tolerated oddities."""
    warnings: list[str] = []
    known_criteria = {c.key for c in selection.criteria}
    known_candidates = {c.id for c in candidates}
    labels = {c.id: c.title for c in candidates}
    for candidate in candidates:
        if candidate.collaborative_id != selection.collaborative_id:
            raise KitInputError(f"The topic '{candidate.title}' belongs to another collaborative.")
    if len(known_candidates) != len(candidates):
        raise KitInputError("Two candidate topics share the same id.")
    seen_voters: dict[str, int] = {}
    for ballot in ballots:
        if ballot.collaborative_id != selection.collaborative_id:
            raise KitInputError(f"{ballot.voter}'s ballot belongs to another collaborative.")
        seen_voters[ballot.voter.casefold()] = seen_voters.get(ballot.voter.casefold(), 0) + 1
        for candidate_id, scores in ballot.scores.items():
            if candidate_id not in known_candidates:
                message = f"{ballot.voter}'s ballot scores a topic that is no longer on the list."
                if strict:
                    raise KitInputError(message)
                warnings.append(message + " Those scores were left out.")
                continue
            for key, score in scores.items():
                if key not in known_criteria:
                    message = (
                        f"{ballot.voter}'s ballot scores '{labels[candidate_id]}' on '{key}', "
                        "which is not one of this vote's criteria."
                    )
                    if strict:
                        raise KitInputError(message)
                    warnings.append(message + " That score was left out.")
                elif isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
                    raise KitInputError(
                        f"{ballot.voter}'s score for '{labels[candidate_id]}' on '{key}' is "
                        f"{score!r}; scores run from 1 to 5."
                    )
    for voter, count in seen_voters.items():
        if count > 1:
            warnings.append(
                f"{count} ballots carry the name '{voter}'; each was counted. If one person "
                "voted twice, delete the extra ballot."
            )
    return warnings


def _ranks(results: Iterable[CandidateResult]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) by score, highest first, among scored topics."""
    scored = sorted(
        (r for r in results if r.score is not None),
        key=lambda r: (-round(r.score or 0.0, _RANK_DECIMALS), r.title.casefold(), r.candidate_id),
    )
    ranks: dict[str, int] = {}
    previous: float | None = None
    rank = 0
    for position, result in enumerate(scored, start=1):
        score = round(result.score or 0.0, _RANK_DECIMALS)
        if score != previous:
            rank, previous = position, score
        ranks[result.candidate_id] = rank
    return ranks


def aggregate_ballots(
    selection: TopicSelection,
    candidates: list[TopicCandidate],
    ballots: list[TopicBallot],
    *,
    ready_at: float = READY_AT,
    strict: bool = True,
) -> TopicResult:
    """Weighted scores, spreads, ranks and readiness advice for every candidate topic.

    A topic's score is ``sum(w_c * mean_c) / sum(w_c)`` over the criteria that received at
    least one vote for that topic (weights normalised), so it stays on the 1-5 scale and a
    criterion nobody scored neither helps nor hurts. With ``strict`` (the default) a ballot
    scoring an unknown topic or criterion raises ``KitInputError``; with ``strict=False``
    such scores are left out and reported in ``warnings`` (useful after a facilitator
    removed a topic or a criterion once voting had started).
    """
    weights = normalised_weights(selection)
    warnings = _check_inputs(selection, candidates, ballots, strict=strict)
    belief_key = _belief_key()
    has_belief = belief_key in weights
    if not has_belief:
        warnings.append(
            "This vote has no degree-of-belief criterion, so the kit cannot advise whether a "
            "topic is ready for a collaborative."
        )

    ratings: list[Rating] = []
    by_candidate = {c.id: c for c in candidates}
    criteria_labels = {c.key: c.label for c in selection.criteria}
    # ballots in a fixed order so the tidy table (and any chart built on it) is reproducible
    for ballot in sorted(ballots, key=lambda b: (b.voter.casefold(), b.id)):
        for candidate_id, scores in ballot.scores.items():
            candidate = by_candidate.get(candidate_id)
            if candidate is None:
                continue
            for criterion in selection.criteria:
                score = scores.get(criterion.key)
                if score is None:
                    continue
                ratings.append(
                    Rating(
                        candidate_id=candidate_id,
                        candidate=candidate.title,
                        criterion=criterion.key,
                        criterion_label=criteria_labels[criterion.key],
                        voter=ballot.voter,
                        ballot_id=ballot.id,
                        score=score,
                    )
                )

    unranked: list[CandidateResult] = []
    for candidate in candidates:
        mine = [r for r in ratings if r.candidate_id == candidate.id]
        summaries: list[CriterionSummary] = []
        for criterion in selection.criteria:
            values = [r.score for r in mine if r.criterion == criterion.key]
            summaries.append(
                CriterionSummary(
                    key=criterion.key,
                    label=criterion.label,
                    weight=weights[criterion.key],
                    n_voters=len(values),
                    mean=statistics.fmean(values) if values else None,
                    sd=statistics.stdev(values) if len(values) >= 2 else None,
                    low=min(values) if values else None,
                    high=max(values) if values else None,
                )
            )
        voted = [s for s in summaries if s.mean is not None and s.weight > 0]
        weight_voted = sum(s.weight for s in voted)
        weighted = (
            sum(s.weight * (s.mean or 0.0) for s in voted) / weight_voted if weight_voted else None
        )
        belief = next((s.mean for s in summaries if s.key == belief_key), None)
        advice = (
            readiness(belief, ready_at=ready_at)
            if has_belief
            else Readiness(
                "no_votes", "No advice", "Add the degree-of-belief criterion to get advice."
            )
        )
        unranked.append(
            CandidateResult(
                candidate_id=candidate.id,
                title=candidate.title,
                score=weighted,
                rank=None,
                n_voters=len({r.ballot_id for r in mine}),
                criteria=summaries,
                readiness=advice,
            )
        )

    ranks = _ranks(unranked)
    ranked = [replace(r, rank=ranks.get(r.candidate_id)) for r in unranked]
    ranked.sort(
        key=lambda r: (
            r.rank is None,
            r.rank or 0,
            r.title.casefold(),
            r.candidate_id,
        )
    )
    result = TopicResult(
        candidates=ranked,
        ratings=ratings,
        weights=weights,
        n_ballots=len(ballots),
        warnings=warnings,
    )
    dominant = dominant_team(ballots)
    if dominant is None:
        return result
    team_id, count, total = dominant
    rest = [b for b in ballots if b.team_id != team_id]
    without = aggregate_ballots(selection, candidates, rest, ready_at=ready_at, strict=False)
    share = TeamShare(team_id, count, total, _leader(without), _leader(result))
    return replace(result, team_share=share)
