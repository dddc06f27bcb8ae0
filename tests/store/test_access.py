"""Access rules are enforced inside the store: a team sees and edits only its own work."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.qi import (
    Aim,
    Assessment,
    Collaborative,
    DriverDiagram,
    Measure,
    MonthlyReport,
    Observation,
    PDSACycle,
    Team,
    TopicBallot,
    TopicCandidate,
    TopicSelection,
)
from kit.store.access import JOIN_ALPHABET

from .conftest import SYSTEM, World


def test_participant_reads_shared_and_own_but_not_other_team(world: World) -> None:
    store, ana = world.store, world.north_member
    assert store.get(Collaborative, world.collaborative.id, ana).record.name == "Safer Discharge"
    assert store.get(Measure, world.shared_measure.id, ana).record.team_id is None
    assert store.get(DriverDiagram, world.change_package.id, ana).record.team_id is None
    assert store.get(Aim, world.north_aim.id, ana).record.team_id == world.north.id
    assert store.get(Team, world.north.id, ana).record.name == "North Ward"
    with pytest.raises(PermissionDenied, match="belongs to another team"):
        store.get(Aim, world.south_aim.id, ana)
    with pytest.raises(PermissionDenied, match="another team"):
        store.get(Team, world.south.id, ana)
    with pytest.raises(PermissionDenied, match="another team"):
        store.revisions(Aim, world.south_aim.id, ana)
    assert [s.record.id for s in store.find(Aim, ana)] == [world.north_aim.id]
    assert {s.record.name for s in store.find(Measure, ana)} == {
        "Discharges before noon",
        "Falls",
    }
    with pytest.raises(PermissionDenied, match="another team"):
        store.find(Aim, ana, team_id=world.south.id)
    with pytest.raises(PermissionDenied, match="another team"):
        store.observations(ana, team_id=world.south.id)


def test_participant_cannot_write_other_team(world: World) -> None:
    store, ana = world.store, world.north_member
    south_aim = store.get(Aim, world.south_aim.id, SYSTEM)
    with pytest.raises(PermissionDenied, match="another team"):
        store.save(
            south_aim.record.model_copy(update={"what": "hijacked"}), ana, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        store.save(Aim(team_id=world.south.id, what="planted"), ana, expected_version=None)
    # moving the other team's aim into my team is still touching their record
    with pytest.raises(PermissionDenied):
        store.save(
            south_aim.record.model_copy(update={"team_id": world.north.id}),
            ana,
            expected_version=1,
        )
    with pytest.raises(PermissionDenied):
        store.delete(Aim, world.south_aim.id, ana, expected_version=1)
    with pytest.raises(PermissionDenied):
        store.put_observations(
            [
                Observation(
                    measure_id=world.shared_measure.id,
                    team_id=world.south.id,
                    period=dt.date(2026, 1, 1),
                    numerator=1,
                    denominator=2,
                )
            ],
            ana,
        )
    assert store.get(Aim, world.south_aim.id, SYSTEM) == south_aim
    assert store.observations(SYSTEM).empty


def test_participant_cannot_edit_collaborative_records(world: World) -> None:
    store, ana = world.store, world.north_member
    c = world.collaborative.id
    forbidden = [
        (world.collaborative.model_copy(update={"name": "Mine now"}), 1),
        (world.north.model_copy(update={"name": "Renamed"}), 1),
        (Team(collaborative_id=c, name="New team"), None),
        (TopicSelection(collaborative_id=c), None),
        (TopicCandidate(collaborative_id=c, title="T"), None),
        (TopicBallot(collaborative_id=c, voter="Ana"), None),
        (world.change_package.model_copy(update={"aim_text": "changed"}), 1),
        (world.shared_measure.model_copy(update={"name": "changed"}), 1),
        (
            Assessment(
                team_id=world.north.id,
                month=dt.date(2026, 1, 1),
                score=5,
                rated_by="faculty",
                rater="Ana",
            ),
            None,
        ),
    ]
    for record, version in forbidden:
        with pytest.raises(PermissionDenied, match="Only the facilitator|Only faculty"):
            store.save(record, ana, expected_version=version)
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        store.delete(Measure, world.shared_measure.id, ana, expected_version=1)


def test_participant_writes_own_team_work(world: World) -> None:
    store, ana, n = world.store, world.north_member, world.north.id
    allowed = [
        Aim(team_id=n, what="x"),
        DriverDiagram(collaborative_id=world.collaborative.id, team_id=n),
        Measure(
            collaborative_id=world.collaborative.id,
            team_id=n,
            name="Own",
            measure_kind="process",
            direction="up",
        ),
        PDSACycle(team_id=n, title="Test one bay"),
        Assessment(team_id=n, month=dt.date(2026, 1, 1), score=2, rated_by="team", rater="Ana"),
        MonthlyReport(team_id=n, month=dt.date(2026, 1, 1)),
        TopicBallot(collaborative_id=world.collaborative.id, team_id=n, voter="Ana"),
    ]
    for record in allowed:
        saved = store.save(record, ana, expected_version=None)
        assert saved.updated_by == "Ana (North Ward)"
    written = store.put_observations(
        [
            Observation(
                measure_id=world.north_measure.id,
                team_id=n,
                period=dt.date(2026, 1, 1),
                value=3,
            )
        ],
        ana,
    )
    assert written == 1
    # ballots of one team stay out of another team's sight
    assert store.find(TopicBallot, world.south_member) == []


def test_facilitator_does_everything_in_their_collaborative(world: World) -> None:
    store, fay = world.store, world.facilitator
    aim = store.get(Aim, world.south_aim.id, fay)
    store.save(aim.record.model_copy(update={"what": "faculty edit"}), fay, expected_version=1)
    store.save(world.collaborative.model_copy(update={"topic": "Flow"}), fay, expected_version=1)
    store.save(
        Assessment(
            team_id=world.north.id,
            month=dt.date(2026, 1, 1),
            score=3.5,
            rated_by="faculty",
            rater="Fay",
        ),
        fay,
        expected_version=None,
    )
    assert len(store.find(Aim, fay)) == 2
    other = store.save(Collaborative(name="Elsewhere"), SYSTEM, expected_version=None).record
    with pytest.raises(PermissionDenied, match="another collaborative"):
        store.get(Collaborative, other.id, fay)
    with pytest.raises(PermissionDenied, match="another collaborative"):
        store.save(Team(collaborative_id=other.id, name="X"), fay, expected_version=None)


def test_facilitator_passcode(world: World) -> None:
    store, c = world.store, world.collaborative.id
    with pytest.raises(PermissionDenied, match="No facilitator passcode"):
        store.sign_in_facilitator(c, "anything")
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        store.set_facilitator_passcode(c, "letmein!", world.north_member)
    with pytest.raises(KitInputError, match="at least 6 characters"):
        store.set_facilitator_passcode(c, "abc", SYSTEM)
    store.set_facilitator_passcode(c, "tea and biscuits", SYSTEM)
    actor = store.sign_in_facilitator(c, "tea and biscuits")
    assert actor.role == "facilitator" and actor.collaborative_id == c
    with pytest.raises(PermissionDenied, match="That passcode is not right"):
        store.sign_in_facilitator(c, "tea and biscuit")
    with pytest.raises(PermissionDenied, match="That passcode is not right"):
        store.sign_in_facilitator(c, "")
    # the passcode is not stored in clear
    from kit.store.schema import facilitator_passcodes

    with store.engine.connect() as conn:
        row = conn.execute(facilitator_passcodes.select()).mappings().one()
    assert "tea" not in row["hash"] and row["params"].startswith("scrypt:")
    store.set_facilitator_passcode(c, "coffee please", actor)
    with pytest.raises(PermissionDenied):
        store.sign_in_facilitator(c, "tea and biscuits")
    assert store.sign_in_facilitator(c, "coffee please").role == "facilitator"


def test_join_codes(world: World) -> None:
    store, fay = world.store, world.facilitator
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        store.issue_join_code(world.north.id, world.north_member)
    code = store.issue_join_code(world.north.id, fay)
    assert len(code) == 7 and code[3] == "-"
    assert set(code.replace("-", "")) <= set(JOIN_ALPHABET)
    south_code = store.issue_join_code(world.south.id, fay)
    assert code != south_code
    for typed in (code, code.lower(), f"  {code.replace('-', ' ')} ", code.replace("-", "")):
        actor = store.join(typed)
        assert actor.role == "participant" and actor.team_id == world.north.id
        assert actor.collaborative_id == world.collaborative.id
    assert store.join(south_code, name="Sol").name == "Sol"
    assert store.join_codes(world.collaborative.id, fay) == {
        world.north.id: code,
        world.south.id: south_code,
    }
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        store.join_codes(world.collaborative.id, world.north_member)
    replaced = store.issue_join_code(world.north.id, fay)
    assert replaced != code
    with pytest.raises(PermissionDenied, match="not a join code we know"):
        store.join(code)
    with pytest.raises(PermissionDenied, match="not a join code we know"):
        store.join("AAA-AAA")
    with pytest.raises(PermissionDenied, match="join code"):
        store.join("   ")
    assert store.join(replaced).team_id == world.north.id
