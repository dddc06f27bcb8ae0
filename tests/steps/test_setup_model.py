"""The set-up and topic-selection model, without widgets, against a real SQLite store."""

from __future__ import annotations

import datetime as dt

import pytest

from kit import demo
from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi import Collaborative, Team, TopicBallot, TopicCandidate, TopicSelection
from kit.steps.setup.model import MILESTONE_SLOTS, SetupModel
from kit.store import Actor

DEMO = "demo-falls"


def facilitator(collaborative_id: str = DEMO) -> Actor:
    return Actor.facilitator(name="Facilitator", collaborative_id=collaborative_id)


def participant(team_id: str = "team-riverside", collaborative_id: str = DEMO) -> Actor:
    return Actor.participant(team_id, name=team_id, collaborative_id=collaborative_id)


@pytest.fixture
def fresh(store):
    """An empty collaborative beside the demo: no teams, no topics, no selection, no dates."""
    store.save(
        Collaborative(id="fresh", name="Fresh collaborative"), Actor.system(), expected_version=None
    )
    return SetupModel(store, facilitator("fresh"))


# --- loading and the kernel restart ----------------------------------------------------------


def test_loads_the_demo_collaborative(store):
    model = SetupModel(store, facilitator())
    assert model.collaborative.record.name == "Safer Wards Falls Collaborative"
    assert len(model.teams) == len(demo.JOIN_CODES)
    assert {c.record.title for c in model.candidates.values()} == {
        "Inpatient falls",
        "Sepsis recognition",
        "Delirium prevention",
    }
    assert [c.weight for c in model.criteria] == [2, 1, 1.5, 1, 2]
    assert len(model.milestones) == len(MILESTONE_SLOTS)


def test_a_new_model_reloads_every_edit_after_a_kernel_restart(store):
    model = SetupModel(store, facilitator())
    model.update_charter(topic="Falls with harm", sponsor="Regional board")
    model.add_faculty_member("Dr New Expert", "expert")
    model.set_milestone("learning_session", 1, dt.date(2026, 2, 3), dt.date(2026, 2, 5))
    team_id = model.add_team("Hilltop Ward 3", "Hilltop Hospital")
    model.add_member(team_id, "Sam Lee", "senior_leader")
    candidate = model.add_candidate("Hand hygiene")
    model.set_weight("gap", 3)
    model.cast_vote("Zoe", candidate, "belief", 4)
    del model  # the kernel dies

    again = SetupModel(store, facilitator())
    record = again.collaborative.record
    assert (record.topic, record.sponsor) == ("Falls with harm", "Regional board")
    assert again.faculty[-1] == ("Dr New Expert", "expert")
    assert again.milestone("learning_session", 1).end == dt.date(2026, 2, 5)
    assert again.team(team_id).members[0].name == "Sam Lee"
    assert again.candidates[candidate].record.title == "Hand hygiene"
    assert next(c.weight for c in again.criteria if c.key == "gap") == 3
    assert again.use_ballot("zoe").record.scores == {candidate: {"belief": 4}}


def test_an_unchanged_value_is_not_saved_again(store):
    model = SetupModel(store, facilitator())
    version = model.collaborative.version
    model.update_charter(name=model.collaborative.record.name)
    assert model.collaborative.version == version


# --- conflicts ---------------------------------------------------------------------------------


def test_two_facilitators_editing_the_charter_get_a_conflict_not_an_overwrite(store):
    first, second = SetupModel(store, facilitator()), SetupModel(store, facilitator())
    first.update_charter(topic="Topic from the first tab")
    with pytest.raises(Conflict, match="while you were editing"):
        second.update_charter(aim="Aim from the second tab")
    stored = store.get(Collaborative, DEMO, Actor.system()).record
    assert stored.topic == "Topic from the first tab"
    assert stored.aim != "Aim from the second tab"
    second.reload()
    second.update_charter(aim="Aim from the second tab")
    stored = store.get(Collaborative, DEMO, Actor.system()).record
    assert (stored.topic, stored.aim) == ("Topic from the first tab", "Aim from the second tab")


def test_a_stale_team_edit_is_a_conflict(store):
    first, second = SetupModel(store, facilitator()), SetupModel(store, facilitator())
    first.add_member("team-stanne", "Kim Day", "day_to_day_leader")
    with pytest.raises(Conflict):
        second.update_team("team-stanne", organisation="Renamed")
    assert (
        store.get(Team, "team-stanne", Actor.system()).record.organisation == "St Anne's Hospital"
    )


# --- charter and faculty ----------------------------------------------------------------------


def test_an_empty_collaborative_name_is_refused_in_plain_words(store):
    model = SetupModel(store, facilitator())
    with pytest.raises(KitInputError, match="^Collaborative name cannot be empty"):
        model.update_charter(name="   ")
    assert store.get(Collaborative, DEMO, Actor.system()).record.name.startswith("Safer Wards")


def test_faculty_add_change_remove(store):
    model = SetupModel(store, facilitator())
    count = len(model.faculty)
    model.add_faculty_member("Ines Ramos", "improvement_advisor")
    model.update_faculty_member(count, role="director", name="Ines Ramos-Silva")
    assert model.faculty[count] == ("Ines Ramos-Silva", "director")
    model.remove_faculty_member(0)
    assert len(SetupModel(store, facilitator()).faculty) == count
    with pytest.raises(KitInputError, match="Faculty member's name cannot be empty"):
        model.add_faculty_member("", "expert")
    with pytest.raises(KitInputError, match="Faculty role must be one of"):
        model.update_faculty_member(0, role="boss")


# --- timeline ---------------------------------------------------------------------------------


def test_an_end_before_the_start_is_a_message_and_nothing_is_saved(store):
    model = SetupModel(store, facilitator())
    before = store.get(Collaborative, DEMO, Actor.system()).version
    with pytest.raises(KitInputError) as caught:
        model.set_milestone("learning_session", 1, dt.date(2026, 2, 4), dt.date(2026, 2, 3))
    assert str(caught.value) == (
        "Learning Session 1 ends (2026-02-03) before it starts (2026-02-04)."
    )
    assert store.get(Collaborative, DEMO, Actor.system()).version == before


def test_overlapping_blocks_name_both(store):
    model = SetupModel(store, facilitator())
    with pytest.raises(KitInputError, match="Action Period 1 .* overlaps Learning Session 2"):
        model.set_milestone("learning_session", 2, dt.date(2026, 5, 20), dt.date(2026, 5, 21))


def test_a_missing_date_is_asked_for(fresh):
    with pytest.raises(KitInputError, match="^Prework needs an end date too.$"):
        fresh.set_milestone("prework", None, dt.date(2026, 1, 1), None)
    with pytest.raises(KitInputError, match="needs a start date too"):
        fresh.set_milestone("closing_congress", None, None, dt.date(2026, 1, 1))


def test_clearing_a_block_and_the_timeline_advice(store):
    model = SetupModel(store, facilitator())
    assert model.timeline_warnings() == []
    model.set_milestone("learning_session", 2, None, None)
    model.set_milestone("learning_session", 3, dt.date(2026, 10, 6), dt.date(2026, 10, 6))
    warnings = SetupModel(store, facilitator()).timeline_warnings()
    assert (
        "The timeline has 2 learning sessions; a Breakthrough Series usually has 3, with "
        "action periods between them." in warnings
    )
    assert any(w.startswith("Learning Session 3 lasts 1 day") for w in warnings)


def test_an_empty_timeline_says_where_to_start(fresh):
    assert fresh.timeline_warnings()[0].startswith("The timeline is empty")
    fresh.set_milestone("prework", None, dt.date(2025, 11, 3), dt.date(2025, 12, 19))
    fresh.set_milestone("learning_session", 1, dt.date(2026, 1, 5), dt.date(2026, 1, 6))
    fresh.set_milestone("closing_congress", None, dt.date(2027, 12, 1), dt.date(2027, 12, 1))
    assert any("usually runs 6 to 15 months" in w for w in fresh.timeline_warnings())


# --- enrolment ----------------------------------------------------------------------------------


def test_a_team_without_the_three_bts_roles_is_warned_about(store):
    model = SetupModel(store, facilitator())
    warnings = model.enrolment_warnings()
    assert list(warnings) == ["team-stanne"]
    assert warnings["team-stanne"][0] == (
        "St Anne's Medical Unit has no day-to-day leader yet: every team needs system "
        "leadership, technical expertise and day-to-day leadership."
    )
    model.add_member("team-stanne", "Kim Day", "day_to_day_leader")
    assert not any("has no" in w for w in model.team_warnings("team-stanne"))
    team_id = model.add_team("Hilltop Ward 3")
    assert model.team_warnings(team_id) == [
        "Hilltop Ward 3 has no members yet: add at least a senior leader, a technical expert "
        "and a day-to-day leader."
    ]
    model.add_member(team_id, "Sam Lee", "senior_leader")
    assert model.team_warnings(team_id)[0].startswith(
        "Hilltop Ward 3 has no technical expert or day-to-day leader yet"
    )


def test_an_enrolled_team_gets_a_join_code_that_works(store):
    model = SetupModel(store, facilitator())
    team_id = model.add_team("Hilltop Ward 3", "Hilltop Hospital")
    codes = model.join_codes()
    assert set(codes) == set(model.teams) and len(codes) == len(demo.JOIN_CODES) + 1
    assert codes["team-riverside"] == "RIV-2026"
    assert store.join(codes[team_id]).team_id == team_id
    new = model.new_join_code(team_id)
    assert new != codes[team_id]
    with pytest.raises(PermissionDenied):
        store.join(codes[team_id])
    assert store.join(new).team_id == team_id


def test_team_names_are_unique_and_members_are_checked(store):
    model = SetupModel(store, facilitator())
    with pytest.raises(KitInputError, match="already a team called 'Riverside General, Ward 7'"):
        model.add_team(" riverside general, ward 7 ")
    with pytest.raises(KitInputError, match="^Team name cannot be empty"):
        model.add_team("")
    with pytest.raises(KitInputError, match="'ana at home' does not look like an email address"):
        model.add_member("team-riverside", "Ana", "member", email="ana at home")
    with pytest.raises(KitInputError, match="Member's name cannot be empty"):
        model.update_member("team-riverside", 0, name="")


def test_members_change_and_teams_leave(store):
    model = SetupModel(store, facilitator())
    model.update_member("team-riverside", 3, role="executive_sponsor", email="ruth@example.org")
    model.remove_member("team-riverside", 0)
    model.update_team("team-northfield", name="Northfield Ward 2")
    model.remove_team("team-stanne")
    again = SetupModel(store, facilitator())
    riverside = again.team("team-riverside")
    assert [m.role for m in riverside.members][-1] == "executive_sponsor"
    assert "senior leader (system leadership)" in riverside.missing_roles()
    assert again.team("team-northfield").name == "Northfield Ward 2"
    assert "team-stanne" not in again.teams
    with pytest.raises(PermissionDenied):
        store.join("ANN-2026")


# --- what a participant may do -----------------------------------------------------------------


def test_a_participant_cannot_change_the_charter_timeline_teams_or_vote_set_up(store):
    model = SetupModel(store, participant())
    with pytest.raises(PermissionDenied, match="Only the facilitator can change the charter"):
        model.update_charter(topic="Ours now")
    with pytest.raises(PermissionDenied):
        model.set_milestone("prework", None, dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    with pytest.raises(PermissionDenied):
        model.add_team("Sneaky team")
    with pytest.raises(PermissionDenied):
        model.add_member("team-riverside", "Extra", "member")
    with pytest.raises(PermissionDenied):
        model.add_candidate("Our pet topic")
    with pytest.raises(PermissionDenied):
        model.set_weight("gap", 9)
    with pytest.raises(PermissionDenied):
        model.join_codes()
    # the store refuses too, whatever an app forgets
    record = model.collaborative.record.model_copy(update={"topic": "Ours now"})
    with pytest.raises(PermissionDenied):
        store.save(record, model.actor, expected_version=model.collaborative.version)
    assert store.get(Collaborative, DEMO, Actor.system()).record.topic.startswith("Preventing")


def test_a_participant_sees_only_their_own_team(store):
    model = SetupModel(store, participant())
    assert list(model.teams) == ["team-riverside"]
    assert model.team_warnings("team-riverside") == []


# --- topic selection -----------------------------------------------------------------------------


def test_vote_aggregation_end_to_end(fresh, store):
    falls = fresh.add_candidate("Falls")
    sepsis = fresh.add_candidate("Sepsis")
    for key, weight in {
        "gap": 2,
        "better_performers": 0,
        "buildable": 0,
        "shared_problem": 0,
        "belief": 1,
    }.items():
        fresh.set_weight(key, weight)
    assert store.find(TopicSelection, Actor.system(), collaborative_id="fresh")
    team = fresh.add_team("North")
    code = fresh.join_codes()[team]
    team_id = store.join(code).team_id
    voter = SetupModel(store, Actor.participant(team_id, name="North", collaborative_id="fresh"))
    # facilitator: falls gap 5 belief 4; sepsis gap 5 belief 2
    fresh.cast_vote("Chair", falls, "gap", 5)
    fresh.cast_vote("Chair", falls, "belief", 4)
    fresh.cast_vote("Chair", sepsis, "gap", 5)
    fresh.cast_vote("Chair", sepsis, "belief", 2)
    # participant: falls gap 3 belief 3; sepsis gap 5 belief 3
    voter.cast_vote("Ana", falls, "gap", 3)
    voter.cast_vote("Ana", falls, "belief", 3)
    voter.cast_vote("Ana", sepsis, "gap", 5)
    voter.cast_vote("Ana", sepsis, "belief", 3)

    for model in (fresh, voter):  # everyone sees the same shared results
        result = model.results()
        assert result.n_ballots == 2
        top, second = result.candidates
        assert (top.title, top.rank) == ("Sepsis", 1)
        assert top.score == pytest.approx((2 * 5 + 1 * 2.5) / 3)
        assert (second.title, second.rank) == ("Falls", 2)
        assert second.score == pytest.approx((2 * 4 + 1 * 3.5) / 3)
        assert top.readiness.verdict == "develop_first"
        assert "averages only 2.5 of 5" in top.readiness.reason
        assert second.readiness.verdict == "ready"
        assert second.readiness.label == "Ready for a collaborative"
    ballot = store.find(TopicBallot, Actor.system(), collaborative_id="fresh", voter="Ana")[0]
    assert ballot.record.team_id == team
    assert ballot.updated_by == "North (North)"


def test_each_voter_has_their_own_ballot(store):
    first = SetupModel(store, participant())
    candidate = next(iter(first.candidates))
    first.cast_vote("Ana", candidate, "gap", 4)
    SetupModel(store, participant()).cast_vote("Ben", candidate, "gap", 2)
    other_team = SetupModel(store, participant("team-northfield"))
    other_team.cast_vote("Ana", candidate, "gap", 1)  # another team's Ana: another ballot
    again = SetupModel(store, participant())
    assert again.use_ballot(" ana ").record.scores == {candidate: {"gap": 4}}
    again.cast_vote("ana", candidate, "gap", None)
    assert again.my_scores() == {}
    ballots = store.find(TopicBallot, Actor.system(), collaborative_id=DEMO)
    assert len(ballots) == 7 + 3


def test_ballot_input_is_checked(store):
    model = SetupModel(store, participant())
    candidate = next(iter(model.candidates))
    with pytest.raises(KitInputError, match="^Type your name first"):
        model.cast_vote("  ", candidate, "gap", 3)
    with pytest.raises(KitInputError, match="Scores run from 1 .weak. to 5 .strong.; '7'"):
        model.cast_vote("Ana", candidate, "gap", 7)
    with pytest.raises(KitInputError, match="not one of this vote's criteria"):
        model.cast_vote("Ana", candidate, "charm", 3)
    with pytest.raises(KitInputError, match="no longer on the ballot"):
        model.cast_vote("Ana", "gone", "gap", 3)
    with pytest.raises(KitInputError, match="Your name is too long"):
        model.use_ballot("x" * 300)


def test_weights_are_checked(store):
    model = SetupModel(store, facilitator())
    with pytest.raises(KitInputError, match="^Weight cannot be above 10.$"):
        model.set_weight("gap", 12)
    with pytest.raises(KitInputError, match="^Weight must be a number; 'lots' is not.$"):
        model.set_weight("gap", "lots")
    for key in ("gap", "better_performers", "buildable", "shared_problem"):
        model.set_weight(key, 0)
    with pytest.raises(KitInputError, match="At least one criterion needs a weight above 0"):
        model.set_weight("belief", 0)


def test_a_fresh_vote_starts_from_the_bts_criteria(fresh, store):
    assert [c.key for c in fresh.criteria] == [
        "gap",
        "better_performers",
        "buildable",
        "shared_problem",
        "belief",
    ]
    assert fresh.selection is None
    fresh.set_weight("belief", 3)
    saved = store.find(TopicSelection, Actor.system(), collaborative_id="fresh")
    assert [c.weight for c in saved[0].record.criteria] == [1, 1, 1, 1, 3]


def test_topics_are_renamed_and_removed(store):
    model = SetupModel(store, facilitator())
    ids = {c.record.title: cid for cid, c in model.candidates.items()}
    model.rename_candidate(ids["Sepsis recognition"], "Sepsis: early recognition")
    with pytest.raises(KitInputError, match="'Inpatient falls' is already on the ballot"):
        model.rename_candidate(ids["Sepsis recognition"], "inpatient falls")
    with pytest.raises(KitInputError, match="^Topic cannot be empty"):
        model.add_candidate(" ")
    with pytest.raises(KitInputError, match="'Inpatient falls' is already on the ballot"):
        model.add_candidate("INPATIENT FALLS ")
    model.remove_candidate(ids["Delirium prevention"])
    result = SetupModel(store, facilitator()).results()
    assert [c.title for c in result.candidates] == ["Inpatient falls", "Sepsis: early recognition"]
    assert any("no longer on the list" in w for w in result.warnings)
    assert (
        store.revisions(TopicCandidate, ids["Delirium prevention"], Actor.system())[-1].action
        == "delete"
    )


def test_participants_see_other_voters_anonymised_in_the_chart(store):
    model = SetupModel(store, participant())
    candidate = next(iter(model.candidates))
    model.cast_vote("Ana", candidate, "gap", 5)
    options = model.chart_options()
    assert options["hide_voters"] is True
    assert options["mine"] == [model.ballot.record.id]
    assert SetupModel(store, facilitator()).chart_options() == {"mine": []}


# --- one ballot per signed-in voter (issue 10, Topic vote) ----------------------------------


def signed_in(store, session_id: str, name: str = "", team: str | None = "team-riverside"):
    actor = participant(team) if team else facilitator()
    model = SetupModel(store, actor)
    model.sign_ballot_as(name, session_id, fixed=bool(name))
    return model


def test_typing_other_names_on_one_sign_in_makes_no_second_ballot(store):
    """The issue: one participant voted as "Voter A", "Voter B" and "Voter C"."""
    model = signed_in(store, "sign-in-1")
    candidate = next(iter(model.candidates))
    model.cast_vote("Voter A", candidate, "gap", 5)
    for other in ("Voter B", "Voter C"):
        with pytest.raises(PermissionDenied, match="You are voting as 'Voter A'"):
            model.cast_vote(other, candidate, "gap", 5)
    mine = [
        b
        for b in store.find(TopicBallot, Actor.system(), collaborative_id=DEMO)
        if b.record.session_id == "sign-in-1"
    ]
    assert [b.record.voter for b in mine] == ["Voter A"]
    assert mine[0].record.team_id == "team-riverside"


def test_a_sign_in_with_a_name_votes_under_it_and_finds_its_ballot_again(store):
    model = signed_in(store, "sign-in-1", "Ana Silva")
    assert model.voter == "Ana Silva" and model.voter_fixed
    candidate = next(iter(model.candidates))
    model.cast_vote("Ana Silva", candidate, "belief", 4)
    with pytest.raises(PermissionDenied, match="You are voting as 'Ana Silva'"):
        model.use_ballot("Ben")
    again = signed_in(store, "sign-in-1")  # a new page (or tab) of the same sign-in
    assert again.voter == "Ana Silva" and again.my_scores() == {candidate: {"belief": 4}}


def test_someone_elses_name_cannot_take_over_their_ballot(store):
    ana = signed_in(store, "sign-in-ana", "Ana Silva")
    candidate = next(iter(ana.candidates))
    ana.cast_vote("Ana Silva", candidate, "gap", 2)
    other = signed_in(store, "sign-in-other")
    with pytest.raises(PermissionDenied, match="'Ana Silva' has already voted from another"):
        other.cast_vote("ana silva", candidate, "gap", 5)
    with pytest.raises(PermissionDenied, match="already voted from another"):
        signed_in(store, "sign-in-other-2", "Ana Silva")
    ballot = store.find(TopicBallot, Actor.system(), collaborative_id=DEMO, voter="Ana Silva")
    assert [b.record.scores for b in ballot] == [{candidate: {"gap": 2}}]


def test_the_facilitator_lists_every_ballot_and_deletes_one_kept_in_history(store):
    voter = signed_in(store, "sign-in-ana", "Ana Silva")
    candidate = next(iter(voter.candidates))
    voter.cast_vote("Ana Silva", candidate, "gap", 5)
    chair = SetupModel(store, facilitator())
    rows = chair.ballot_rows()
    assert len(rows) == 7 + 1
    ana = next(r for r in rows if r.voter == "Ana Silva")
    assert ana.team == "Riverside General, Ward 7" or "Riverside" in ana.team
    assert ana.saved_by and ana.saved_at and ana.n_scores == 1
    assert chair.results().n_ballots == 8
    chair.delete_ballot(ana.ballot_id)
    assert chair.results().n_ballots == 7
    assert all(r.voter != "Ana Silva" for r in chair.ballot_rows())
    history = store.revisions(TopicBallot, ana.ballot_id, Actor.system())
    assert history[-1].action == "delete" and history[-1].record.voter == "Ana Silva"
    with pytest.raises(KitInputError, match="no longer there"):
        chair.delete_ballot(ana.ballot_id)
    # deleted, the same person may vote again from a new sign-in
    signed_in(store, "sign-in-ana-2", "Ana Silva").cast_vote("Ana Silva", candidate, "gap", 4)


def test_only_the_facilitator_lists_or_deletes_ballots(store):
    model = SetupModel(store, participant())
    with pytest.raises(PermissionDenied):
        model.ballot_rows()
    some = store.find(TopicBallot, Actor.system(), collaborative_id=DEMO)[0]
    with pytest.raises(PermissionDenied):
        model.delete_ballot(some.record.id)
