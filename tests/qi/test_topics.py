"""Topic selection: weights, missing votes, ties, spreads and readiness advice."""

from __future__ import annotations

import pytest

from kit.errors import KitInputError
from kit.qi.records import Criterion, TopicBallot, TopicCandidate, TopicSelection
from kit.qi.topics import (
    aggregate_ballots,
    default_selection,
    dominant_team,
    normalised_weights,
    readiness,
)

COLLAB = "collab-1"
ALL = ("gap", "better_performers", "buildable", "shared_problem", "belief")


def topic(cid: str, title: str) -> TopicCandidate:
    return TopicCandidate(id=cid, collaborative_id=COLLAB, title=title)


def ballot(voter: str, scores: dict[str, dict[str, int]], bid: str | None = None) -> TopicBallot:
    extra = {"id": bid} if bid else {}
    return TopicBallot(collaborative_id=COLLAB, voter=voter, scores=scores, **extra)


def every(score: int, **overrides: int) -> dict[str, int]:
    """A full set of scores for one topic, the same on every criterion unless overridden."""
    return {key: overrides.get(key, score) for key in ALL}


def selection(**weights: float) -> TopicSelection:
    chosen = weights or dict.fromkeys(ALL, 1.0)
    return TopicSelection(
        collaborative_id=COLLAB,
        criteria=[Criterion(key=k, label=k.replace("_", " "), weight=w) for k, w in chosen.items()],
    )


FALLS, SEPSIS, ACCESS = topic("t1", "Falls"), topic("t2", "Sepsis"), topic("t3", "Access")


def test_default_selection_has_the_five_bts_criteria() -> None:
    sel = default_selection(COLLAB)
    assert [c.key for c in sel.criteria] == list(ALL)
    assert sel.collaborative_id == COLLAB
    assert sum(normalised_weights(sel).values()) == pytest.approx(1.0)


def test_weighted_mean_and_rank() -> None:
    ballots = [
        ballot("Ann", {"t1": every(4), "t2": every(2), "t3": every(3)}),
        ballot("Bob", {"t1": every(5), "t2": every(3), "t3": every(3)}),
    ]
    result = aggregate_ballots(selection(), [FALLS, SEPSIS, ACCESS], ballots)
    assert [c.title for c in result.candidates] == ["Falls", "Access", "Sepsis"]
    assert [c.rank for c in result.candidates] == [1, 2, 3]
    assert result.candidate("t1").score == pytest.approx(4.5)
    assert result.candidate("t2").score == pytest.approx(2.5)
    assert result.n_ballots == 2


def test_weights_are_normalised_and_change_the_order() -> None:
    ballots = [ballot("Ann", {"t1": every(2, gap=5), "t2": every(4, gap=1)})]
    even = aggregate_ballots(selection(), [FALLS, SEPSIS], ballots)
    assert even.candidate("t2").rank == 1
    gap_heavy = aggregate_ballots(
        selection(gap=10, better_performers=1, buildable=1, shared_problem=1, belief=1),
        [FALLS, SEPSIS],
        ballots,
    )
    assert gap_heavy.weights["gap"] == pytest.approx(10 / 14)
    assert gap_heavy.candidate("t1").score == pytest.approx((10 * 5 + 4 * 2) / 14)
    assert gap_heavy.candidate("t1").rank == 1
    # scaling every weight changes nothing
    scaled = aggregate_ballots(
        selection(gap=5, better_performers=0.5, buildable=0.5, shared_problem=0.5, belief=0.5),
        [FALLS, SEPSIS],
        ballots,
    )
    assert scaled.candidate("t1").score == pytest.approx(gap_heavy.candidate("t1").score)


def test_zero_weight_criterion_is_shown_but_not_scored() -> None:
    ballots = [ballot("Ann", {"t1": every(3, gap=5)})]
    result = aggregate_ballots(
        selection(gap=0, better_performers=1, buildable=1, shared_problem=1, belief=1),
        [FALLS],
        ballots,
    )
    assert result.candidate("t1").score == pytest.approx(3.0)
    assert result.candidate("t1").criterion("gap").mean == 5


def test_missing_votes_are_not_zeros() -> None:
    ballots = [
        ballot("Ann", {"t1": every(4)}),
        ballot("Bob", {"t1": {"gap": 2}}),  # Bob scored one criterion only
        ballot("Cy", {"t2": every(5)}),  # Cy did not score Falls at all
    ]
    result = aggregate_ballots(selection(), [FALLS, SEPSIS], ballots)
    falls = result.candidate("t1")
    gap = falls.criterion("gap")
    assert (gap.n_voters, gap.mean, gap.low, gap.high) == (2, 3.0, 2, 4)
    assert gap.sd == pytest.approx(1.4142, abs=1e-4)
    belief = falls.criterion("belief")
    assert (belief.n_voters, belief.mean, belief.sd) == (1, 4.0, None)
    assert falls.n_voters == 2
    assert falls.score == pytest.approx((3 + 4 + 4 + 4 + 4) / 5)


def test_score_renormalises_over_criteria_with_votes() -> None:
    ballots = [ballot("Ann", {"t1": {"gap": 5, "belief": 3}})]
    result = aggregate_ballots(selection(), [FALLS], ballots)
    assert result.candidate("t1").score == pytest.approx(4.0)


def test_ties_share_rank_in_a_stable_order() -> None:
    ballots = [ballot("Ann", {"t1": every(3), "t2": every(4), "t3": every(3)})]
    for order in ([FALLS, SEPSIS, ACCESS], [ACCESS, FALLS, SEPSIS], [SEPSIS, ACCESS, FALLS]):
        result = aggregate_ballots(selection(), order, ballots)
        assert [(c.title, c.rank) for c in result.candidates] == [
            ("Sepsis", 1),
            ("Access", 2),
            ("Falls", 2),
        ]


def test_three_way_tie_then_next_rank_skips() -> None:
    extra = topic("t4", "Delirium")
    ballots = [ballot("Ann", {"t1": every(3), "t2": every(3), "t3": every(3), "t4": every(1)})]
    result = aggregate_ballots(selection(), [FALLS, SEPSIS, ACCESS, extra], ballots)
    assert [c.rank for c in result.candidates] == [1, 1, 1, 4]


def test_float_noise_does_not_split_a_tie() -> None:
    # 0.1*1 + 0.2*1 + 0.3*1 + 0.7*3 and 0.1*1 + 0.2*2 + 0.3*5 + 0.7*1 are equal in exact
    # arithmetic (2.7 each) but not in binary floating point
    sel = selection(gap=0.1, better_performers=0.2, buildable=0.3, shared_problem=0.7)
    ballots = [
        ballot(
            "Ann",
            {
                "t1": {"gap": 1, "better_performers": 1, "buildable": 1, "shared_problem": 3},
                "t2": {"gap": 1, "better_performers": 2, "buildable": 5, "shared_problem": 1},
            },
        )
    ]
    result = aggregate_ballots(sel, [FALLS, SEPSIS], ballots)
    assert result.candidate("t1").score == pytest.approx(result.candidate("t2").score)
    assert [(c.title, c.rank) for c in result.candidates] == [("Falls", 1), ("Sepsis", 1)]


def test_unscored_topics_come_last_without_rank() -> None:
    ballots = [ballot("Ann", {"t2": every(2)})]
    result = aggregate_ballots(selection(), [FALLS, SEPSIS, ACCESS], ballots)
    assert [(c.title, c.rank) for c in result.candidates] == [
        ("Sepsis", 1),
        ("Access", None),
        ("Falls", None),
    ]
    assert result.candidate("t1").score is None
    assert result.candidate("t1").readiness.verdict == "no_votes"


@pytest.mark.parametrize(
    ("beliefs", "verdict", "words"),
    [
        ([4, 4, 3], "ready", "moderate to high"),
        ([3, 4], "ready", "3.5"),
        ([3, 3, 4], "borderline", "Ask the voters why they are unsure"),
        ([3, 3], "borderline", "just short of the 3.5"),
        ([2, 4, 3, 2], "develop_first", "spreads changes already shown to work"),
        ([1, 2], "develop_first", "develop and test"),
        ([], "no_votes", "Nobody"),
    ],
)
def test_readiness_from_degree_of_belief(beliefs: list[int], verdict: str, words: str) -> None:
    ballots = [
        ballot(f"voter {i}", {"t1": every(5, belief=b)}, bid=f"b{i}") for i, b in enumerate(beliefs)
    ]
    advice = aggregate_ballots(selection(), [FALLS], ballots).candidate("t1").readiness
    assert advice.verdict == verdict
    assert words in advice.reason


def test_readiness_threshold_is_a_parameter() -> None:
    assert readiness(3.2).verdict == "borderline"
    assert readiness(3.2).label == "Borderline: say why and what to check"
    assert readiness(3.4).verdict == "borderline"
    assert readiness(2.9).verdict == "develop_first"
    assert readiness(3.2, ready_at=3.0).verdict == "ready"
    assert readiness(3.2, borderline_at=3.3).verdict == "develop_first"
    assert readiness(None).label == "No votes yet"


def test_no_ballots_at_all() -> None:
    result = aggregate_ballots(selection(), [FALLS, SEPSIS], [])
    assert result.ratings == []
    assert all(c.rank is None and c.readiness.verdict == "no_votes" for c in result.candidates)


def test_ratings_are_tidy_for_the_spread_chart() -> None:
    ballots = [
        ballot("Bob", {"t1": {"gap": 2, "belief": 4}}, bid="b2"),
        ballot("Ann", {"t1": {"belief": 5}, "t2": {"gap": 1}}, bid="b1"),
    ]
    result = aggregate_ballots(selection(), [FALLS, SEPSIS], ballots)
    rows = [(r.voter, r.candidate, r.criterion, r.score) for r in result.ratings]
    assert rows == [
        ("Ann", "Falls", "belief", 5),
        ("Ann", "Sepsis", "gap", 1),
        ("Bob", "Falls", "gap", 2),
        ("Bob", "Falls", "belief", 4),
    ]
    columns = result.ratings_columns()
    assert columns["score"] == [5, 1, 2, 4]
    assert set(columns) >= {"candidate_id", "criterion_label", "voter", "ballot_id"}


@pytest.mark.parametrize(
    ("sel", "ballots", "message"),
    [
        (
            selection(gap=0, better_performers=0, buildable=0, shared_problem=0, belief=0),
            [],
            "weight 0",
        ),
        (TopicSelection(collaborative_id=COLLAB), [], "no criteria"),
        (selection(), [ballot("Ann", {"t1": {"cost": 3}})], "'cost', which is not one"),
        (selection(), [ballot("Ann", {"t9": {"gap": 3}})], "no longer on the list"),
        (
            selection(),
            [TopicBallot(collaborative_id="other", voter="Zed", scores={})],
            "another collaborative",
        ),
    ],
)
def test_bad_inputs_raise_kit_input_error(
    sel: TopicSelection, ballots: list[TopicBallot], message: str
) -> None:
    with pytest.raises(KitInputError, match=message):
        aggregate_ballots(sel, [FALLS], ballots)


def test_out_of_range_score_slipped_past_the_record_is_caught() -> None:
    bad = ballot("Ann", {"t1": {"gap": 3}})
    bad.scores["t1"]["gap"] = 9  # mutated in place, bypassing validation
    with pytest.raises(KitInputError, match="scores run from 1 to 5"):
        aggregate_ballots(selection(), [FALLS], [bad])


def test_lenient_mode_leaves_unknown_scores_out_with_warnings() -> None:
    ballots = [ballot("Ann", {"t1": {"gap": 4, "cost": 1}, "t9": {"gap": 5}})]
    result = aggregate_ballots(selection(), [FALLS], ballots, strict=False)
    assert result.candidate("t1").score == pytest.approx(4)
    assert len(result.warnings) == 2


def test_duplicate_voter_names_are_counted_and_warned() -> None:
    ballots = [ballot("Ann", {"t1": every(4)}), ballot("ann", {"t1": every(2)})]
    result = aggregate_ballots(selection(), [FALLS], ballots)
    assert result.candidate("t1").score == pytest.approx(3)
    assert any("ann" in w for w in result.warnings)


def test_missing_belief_criterion_is_reported() -> None:
    result = aggregate_ballots(selection(gap=1), [FALLS], [ballot("Ann", {"t1": {"gap": 3}})])
    assert result.candidate("t1").score == 3
    assert any("degree-of-belief" in w for w in result.warnings)


# --- one team's ballots outweighing the rest (kit/qi/topics.py, dominant_team) -------------


def team_ballot(team: str | None, n: int) -> TopicBallot:
    return TopicBallot(collaborative_id=COLLAB, team_id=team, voter=f"{team} voter {n}")


@pytest.mark.parametrize(
    ("teams", "expected"),
    [
        ([], None),  # nobody voted
        (["A"], None),  # one ballot outweighs nothing
        (["A", "A"], ("A", 2, 2)),  # only one team voted
        (["A", "B"], None),  # one each
        (["A", "A", "B"], ("A", 2, 3)),  # more than the rest together
        (["A", "A", "B", "B"], None),  # half is not more than the rest
        (["A", "A", "B", None], None),  # the facilitator's ballot counts among the rest
        (["A", "A", "A", "B", None], ("A", 3, 5)),
        ([None, None, None], None),  # ballots without a team are no team's
        (["B", "B", "B", "A", "C", "D", "E", "F"], None),  # 3 of 8
        (["B", "B", "B", "B", "B", "A", "C", "D", "E"], ("B", 5, 9)),
    ],
)
def test_when_one_teams_ballots_outweigh_the_rest(teams, expected) -> None:
    ballots = [team_ballot(team, n) for n, team in enumerate(teams)]
    assert dominant_team(ballots) == expected


def test_three_ballots_from_one_person_are_flagged_and_the_lead_they_bought_named() -> None:
    """The issue's case: one participant voted as "Voter A", "B" and "C", all 5s for a new
    topic, which then led above topics with more voters and no warning was shown."""
    honest = [
        TopicBallot(
            collaborative_id=COLLAB,
            team_id=team,
            voter=f"{team} lead",
            scores={"t1": every(4), "t2": every(3)},
        )
        for team in ("north", "south")
    ]
    stuffed = [
        TopicBallot(
            collaborative_id=COLLAB, team_id="east", voter=f"Voter {x}", scores={"t3": every(5)}
        )
        for x in "ABC"
    ]
    result = aggregate_ballots(selection(), [FALLS, SEPSIS, ACCESS], honest + stuffed)
    assert result.candidates[0].title == "Access"
    share = result.team_share
    assert share is not None
    assert (share.team_id, share.team_ballots, share.n_ballots) == ("east", 3, 5)
    assert (share.leader, share.leader_without) == ("Access", "Falls")
    assert share.changes_leader
    assert share.message("East Ward") == (
        "'East Ward' cast 3 of the 5 ballots, more than everyone else together, so its votes "
        "carry the ranking. Without them 'Falls' would lead instead of 'Access'. Check that "
        "each person voted once before deciding."
    )
    assert share.message().startswith("One team cast 3 of the 5 ballots")


def test_a_balanced_vote_has_no_team_warning() -> None:
    ballots = [
        TopicBallot(collaborative_id=COLLAB, team_id=t, voter=t, scores={"t1": every(4)})
        for t in ("north", "south", "east")
    ]
    assert aggregate_ballots(selection(), [FALLS], ballots).team_share is None


def test_a_lead_that_holds_without_the_team_says_so() -> None:
    ballots = [
        TopicBallot(collaborative_id=COLLAB, team_id=t, voter=f"{t}{n}", scores={"t1": every(4)})
        for n, t in enumerate(("north", "north", "south"))
    ]
    share = aggregate_ballots(selection(), [FALLS, SEPSIS], ballots).team_share
    assert share is not None and not share.changes_leader
    assert "'Falls' leads with or without them." in share.message()
