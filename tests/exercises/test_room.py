"""Room mode's model: the facilitator opens a room, participants of several teams answer,
one answer per participant (answering again replaces it), and the tallies count them."""

from __future__ import annotations

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.exercises.room import (
    RoomModel,
    answer_id,
    room_draws,
    tally_choices,
    tally_marks,
)
from kit.qi.rooms import ExerciseRoom, RoomAnswer
from kit.store import Actor, Store
from tests.store.conftest import postgres_url  # noqa: F401  (the PostgreSQL fixture)

COLLAB = "demo-falls"


def facilitator() -> Actor:
    return Actor.facilitator("Facilitator", collaborative_id=COLLAB)


def participant(team: str) -> Actor:
    return Actor.participant(team, name=team, collaborative_id=COLLAB)


def teams(store) -> list[str]:
    from kit.qi import Team

    return [s.record.id for s in store.find(Team, Actor.system(), collaborative_id=COLLAB)]


def test_answers_from_several_participants_gather_in_the_room(store) -> None:
    faculty = RoomModel(store, facilitator(), "spot-the-signal")
    assert faculty.room is None
    room = faculty.open_room({"seed": 4, "rules": "ihi"})
    a, b, c = teams(store)[:3]
    for team, marks in ((a, [3, 20]), (b, [20]), (c, [20, 21])):
        seat = RoomModel(store, participant(team), "spot-the-signal")
        assert seat.room is not None and seat.room.settings == {"seed": 4, "rules": "ihi"}
        seat.submit("", {"marked": marks})
    answers = RoomModel(store, facilitator(), "spot-the-signal").answers()
    assert {x.team_id for x in answers} == {a, b, c}
    assert all(x.room_id == room.id for x in answers)
    counts = tally_marks(answers, 24)
    assert counts[20] == 3 and counts[3] == 1 and counts[21] == 1 and sum(counts) == 5


def test_one_answer_per_participant_the_latest(store) -> None:
    RoomModel(store, facilitator(), "good-aim").open_room({})
    team = teams(store)[0]
    seat = RoomModel(store, participant(team), "good-aim")
    seat.submit("Ana", {"choices": {"falls_vague": "good"}})
    seat.submit("ana ", {"choices": {"falls_vague": "poor"}})  # the same person, corrected
    seat.submit("Ben", {"choices": {"falls_vague": "poor"}})  # a colleague on the same team
    answers = RoomModel(store, facilitator(), "good-aim").answers()
    assert sorted(a.participant for a in answers) == ["Ben", "ana"]
    tally = tally_choices(answers, ["falls_vague", "falls_good"])
    assert tally["falls_vague"] == {"poor": 2}
    assert sum(tally["falls_good"].values()) == 0


def test_a_participant_sees_only_their_teams_answers_and_cannot_open_a_room(store) -> None:
    RoomModel(store, facilitator(), "measure-kind").open_room({})
    a, b = teams(store)[:2]
    RoomModel(store, participant(a), "measure-kind").submit("", {"choices": {}})
    RoomModel(store, participant(b), "measure-kind").submit("", {"choices": {}})
    assert {x.team_id for x in RoomModel(store, participant(a), "measure-kind").answers()} == {a}
    with pytest.raises(PermissionDenied):
        RoomModel(store, participant(a), "measure-kind").open_room({})


def test_a_new_room_closes_the_old_one_and_starts_empty(store) -> None:
    faculty = RoomModel(store, facilitator(), "red-beads")
    first = faculty.open_room({})
    team = teams(store)[0]
    RoomModel(store, participant(team), "red-beads").submit("Ana", {"red": [9, 12]})
    second = faculty.open_room({})
    assert second.id != first.id and faculty.answers() == []
    rooms = store.find(ExerciseRoom, Actor.system())
    assert [r.record.open for r in rooms if r.record.id == first.id] == [False]
    faculty.close_room()
    with pytest.raises(KitInputError, match="not opened"):
        RoomModel(store, participant(team), "red-beads").submit("Ana", {"red": [1]})


def test_the_rooms_red_bead_draws_in_chart_order() -> None:
    def ans(name: str, red: list[int]) -> RoomAnswer:
        return RoomAnswer(
            collaborative_id=COLLAB, team_id="t", room_id="r", participant=name, answer={"red": red}
        )

    draws = room_draws([ans("Ben", [10, 8]), ans("ana", [12, 9, 11])])
    assert draws == [("ana", 1, 12), ("Ben", 1, 10), ("ana", 2, 9), ("Ben", 2, 8), ("ana", 3, 11)]


def test_answer_ids_ignore_case_and_spaces() -> None:
    assert answer_id("r", "t", " Ana  Lopez") == answer_id("r", "t", "ana lopez")
    assert answer_id("r", "t", "Ana") != answer_id("r", "u", "Ana")


def test_room_records_stay_out_of_workbooks() -> None:
    from kit.qi.records import RECORD_TYPES

    assert "room_answer" not in RECORD_TYPES and "exercise_room" not in RECORD_TYPES


@pytest.mark.postgres
def test_room_mode_on_postgresql(postgres_url) -> None:  # noqa: F811
    """The room's records go through the same store on PostgreSQL."""
    from kit.demo import PRESENT_MONTH, load_demo

    with Store.open(postgres_url) as store:
        load_demo(store, today=PRESENT_MONTH)
        RoomModel(store, facilitator(), "measure-kind").open_room({})
        for n, team in enumerate(teams(store)[:3]):
            seat = RoomModel(store, participant(team), "measure-kind")
            seat.submit("", {"choices": {"falls_rate": "outcome" if n else "process"}})
            seat.submit("", {"choices": {"falls_rate": "outcome"}})  # replaces the first
        answers = RoomModel(store, facilitator(), "measure-kind").answers()
        assert len(answers) == 3
        assert tally_choices(answers, ["falls_rate"])["falls_rate"] == {"outcome": 3}
